// PositionalCheck: one Enquire, running on its own stack, answers batch after batch of a pass;
// its answers must be those of reading every candidate's positions, whatever the batches.
#include "matcher/positional_check.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using kavosh::search::matcher::PositionalCheck;

namespace {

constexpr Xapian::docid kDocuments = 3000;
const std::vector<std::string> kWords = {"a", "b", "c", "d", "e"};

// Documents of 1 to 40 words drawn from five, so that every phrase and NEAR of them holds in
// some documents and not in others; `words[d - 1]` is document d's text.
class PositionalCheckTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ =
        fs::temp_directory_path() / ("kavosh-positional-check-test-" + std::to_string(::getpid()));
    fs::remove_all(path_);
    std::mt19937 random(7);
    Xapian::WritableDatabase db(path_.string(), Xapian::DB_CREATE_OR_OVERWRITE);
    for (Xapian::docid d = 1; d <= kDocuments; ++d) {
      const std::size_t length = 1 + random() % 40;
      std::vector<std::string> text;
      Xapian::Document doc;
      for (std::size_t i = 0; i < length; ++i) {
        text.push_back(kWords[random() % kWords.size()]);
        doc.add_posting(text.back(), static_cast<Xapian::termpos>(i + 1));
      }
      words_.push_back(std::move(text));
      db.replace_document(d, doc);
    }
    db.commit();
  }
  static void TearDownTestSuite() { fs::remove_all(path_); }

  // Where the phrase (`window` 0) or NEAR of `terms` holds, read from the texts themselves.
  static bool holds(Xapian::docid d, const std::vector<std::string>& terms, std::size_t window) {
    const std::vector<std::string>& text = words_[d - 1];
    if (window == 0) {
      for (std::size_t start = 0; start + terms.size() <= text.size(); ++start)
        if (std::equal(terms.begin(), terms.end(), text.begin() + static_cast<long>(start)))
          return true;
      return false;
    }
    // NEAR: every term somewhere in a stretch of `window` positions (distinct terms).
    for (std::size_t start = 0; start < text.size(); ++start) {
      const std::size_t end = std::min(text.size(), start + window);
      bool all = true;
      for (const auto& term : terms)
        all = all && std::find(text.begin() + static_cast<long>(start),
                               text.begin() + static_cast<long>(end),
                               term) != text.begin() + static_cast<long>(end);
      if (all) return true;
    }
    return false;
  }

  static Xapian::Query query(const std::vector<std::string>& terms, std::size_t window) {
    return Xapian::Query(window == 0 ? Xapian::Query::OP_PHRASE : Xapian::Query::OP_NEAR,
                         terms.begin(), terms.end(),
                         static_cast<Xapian::termcount>(window == 0 ? terms.size() : window));
  }

  // Of `docids`, those where the phrase or NEAR holds, by holds().
  static std::vector<Xapian::docid> holding(const std::vector<Xapian::docid>& docids,
                                            const std::vector<std::string>& terms,
                                            std::size_t window) {
    std::vector<Xapian::docid> out;
    for (const Xapian::docid d : docids)
      if (holds(d, terms, window)) out.push_back(d);
    return out;
  }

  // What keep_holding() keeps of `docids`.
  static std::vector<Xapian::docid> kept(PositionalCheck& check,
                                         std::vector<Xapian::docid> docids) {
    check.keep_holding(docids);
    return docids;
  }

  static std::vector<Xapian::docid> every_document() {
    std::vector<Xapian::docid> all(kDocuments);
    for (Xapian::docid d = 1; d <= kDocuments; ++d) all[d - 1] = d;
    return all;
  }

  static fs::path path_;
  static std::vector<std::vector<std::string>> words_;
};

fs::path PositionalCheckTest::path_;
std::vector<std::vector<std::string>> PositionalCheckTest::words_;

// Random candidates in random batches, ascending from batch to batch, as a pass sends them.
TEST_F(PositionalCheckTest, BatchesOfOnePassGetWhatThePositionsSay) {
  const Xapian::Database db(path_.string());
  const std::vector<std::pair<std::vector<std::string>, std::size_t>> shapes = {
      {{"a", "b"}, 0},      {{"c", "c"}, 0}, {{"a", "b", "c"}, 0},
      {{"e", "d", "a"}, 0}, {{"a", "e"}, 4}, {{"b", "c", "d"}, 6}};
  std::mt19937 random(11);
  for (const auto& [terms, window] : shapes) {
    PositionalCheck check(db, query(terms, window));
    Xapian::docid next = 1;
    std::size_t checked = 0, held = 0;
    while (next <= kDocuments) {
      std::vector<Xapian::docid> batch;
      const std::size_t size = random() % 60;  // empty batches too
      for (std::size_t i = 0; i < size && next <= kDocuments; ++i) {
        next += 1 + random() % 5;
        if (next <= kDocuments) batch.push_back(next);
      }
      const std::vector<Xapian::docid> expected = holding(batch, terms, window);
      checked += batch.size();
      held += expected.size();
      EXPECT_EQ(kept(check, batch), expected) << terms[0] << " window " << window;
    }
    EXPECT_GT(checked, 500u);
    EXPECT_GT(held, 0u) << terms[0] << " window " << window;
    EXPECT_LT(held, checked) << terms[0] << " window " << window;
  }
}

// A batch that does not lie above the last one (a second pass over the same documents) starts
// a new Enquire rather than getting nothing from the first, which has passed those documents.
TEST_F(PositionalCheckTest, ABatchBelowTheLastStartsAgain) {
  const Xapian::Database db(path_.string());
  const std::vector<std::string> terms = {"a", "b"};
  PositionalCheck check(db, query(terms, 0));
  const std::vector<Xapian::docid> all = every_document();
  const std::vector<Xapian::docid> expected = holding(all, terms, 0);
  const std::vector<Xapian::docid> later(all.begin() + 2000, all.end());
  EXPECT_EQ(kept(check, later), holding(later, terms, 0));
  EXPECT_EQ(kept(check, all), expected);
  EXPECT_EQ(kept(check, all), expected);
}

// Left in the middle of a pass (an early end, or an exception in the pass), the check ends its
// Enquire on its own stack; checks made afterwards on the same thread are unaffected.
TEST_F(PositionalCheckTest, LeftWaitingItEndsCleanly) {
  const Xapian::Database db(path_.string());
  const std::vector<std::string> terms = {"d", "e"};
  for (int round = 0; round < 5; ++round) {
    PositionalCheck check(db, query(terms, 0));
    const std::vector<Xapian::docid> batch = {10, 20, 30, 40};
    EXPECT_EQ(kept(check, batch), holding(batch, terms, 0));
  }
  { PositionalCheck never_asked(db, query(terms, 0)); }
}

// An exception in the pass unwinds through a check whose Enquire waits on its own stack: the
// destructor ends that Enquire during the unwinding, and the thread checks on as before.
TEST_F(PositionalCheckTest, APassThatThrowsLeavesNothingBehind) {
  const Xapian::Database db(path_.string());
  const std::vector<std::string> terms = {"b", "a"};
  for (int round = 0; round < 3; ++round) {
    try {
      PositionalCheck check(db, query(terms, 0));
      kept(check, {5, 50, 500});
      throw std::runtime_error("the pass failed");
    } catch (const std::runtime_error& error) {
      EXPECT_STREQ(error.what(), "the pass failed");
    }
  }
  PositionalCheck check(db, query(terms, 0));
  EXPECT_EQ(kept(check, every_document()), holding(every_document(), terms, 0));
}

// Xapian's errors inside the Enquire (here: the database closed under it, found when it reads a
// block it has not read before) reach the caller as themselves, and a later call tries again
// rather than waiting on a finished Enquire.
TEST_F(PositionalCheckTest, XapianErrorsReachTheCaller) {
  Xapian::Database db(path_.string());
  PositionalCheck check(db, query({"a", "b"}, 0));
  const std::vector<Xapian::docid> first = {1, 2, 3};
  EXPECT_EQ(kept(check, first), holding(first, {"a", "b"}, 0));
  db.close();
  const auto throws_xapian_error = [&](std::vector<Xapian::docid> batch) {
    try {
      kept(check, std::move(batch));
    } catch (const Xapian::Error& error) {
      return error.get_type() == std::string("DatabaseClosedError");
    }
    return false;
  };
  EXPECT_TRUE(throws_xapian_error({kDocuments - 1, kDocuments}));
  EXPECT_TRUE(throws_xapian_error({kDocuments}));
}

}  // namespace
