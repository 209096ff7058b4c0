// Opening a database while an indexer commits (kavosh/xapian/open_database.hpp). The race an
// open loses takes two commits inside one open, too narrow to meet on purpose; these tests
// build on disk the state such an open reads instead: the version file of revision R beside
// tables whose R root block revision R+2 reused as a leaf.
#include "kavosh/xapian/open_database.hpp"

#include <gtest/gtest.h>
#include <xapian.h>

#include <filesystem>
#include <string>

#include "test_support.hpp"

namespace kavosh::index {
namespace {

namespace fs = std::filesystem;

constexpr Xapian::doccount kDocuments = 500;
constexpr int kLaterEntries = 3000;

std::string later_entry_key(int number) { return "later" + std::to_string(number); }

// A glass database of kDocuments documents committed in ten batches, so that its free list
// has blocks left over, then two commits that only add metadata (postlist table): the second
// takes blocks from the free list until it reaches the postlist root block of the first,
// and writes a leaf there. Returns the version file of the first revision.
std::string write_database_overtaken_twice(const fs::path& path) {
  Xapian::WritableDatabase db(path.string(), Xapian::DB_CREATE);
  constexpr Xapian::doccount kBatches = 10;
  for (Xapian::doccount batch = 0; batch < kBatches; ++batch) {
    for (Xapian::doccount i = 0; i < kDocuments / kBatches; ++i) {
      Xapian::Document document;
      unsigned word = (batch * 1000 + i) * 2654435761u;
      for (Xapian::termpos position = 1; position <= 60; ++position) {
        word = word * 1103515245u + 12345u;
        document.add_posting("w" + std::to_string(word % 50000), position);
      }
      db.add_document(document);
    }
    db.commit();
  }
  const std::string first_revision_version = testing::read_text(path / "iamglass");
  db.set_metadata("between", "1");
  db.commit();
  for (int k = 0; k < kLaterEntries; ++k)
    db.set_metadata(later_entry_key(k), std::string(100, 'm'));
  db.commit();
  return first_revision_version;
}

class OpenDatabase : public ::testing::Test {
 protected:
  void SetUp() override {
    stale_version_ = write_database_overtaken_twice(path_);
    latest_version_ = testing::read_text(path_ / "iamglass");
    testing::write_file(path_ / "iamglass", stale_version_);  // what the losing open read first
  }
  void let_the_open_read_the_latest_version() const {
    testing::write_file(path_ / "iamglass", latest_version_);
  }
  void let_a_reopen_read_the_stale_version() const {
    testing::write_file(path_ / "iamglass", stale_version_);
  }

  testing::TempDir dir_;
  const fs::path path_ = dir_ / "db";
  std::string stale_version_, latest_version_;
};

// What the workaround is for: Xapian 1.4 calls the intact database corrupt.
TEST_F(OpenDatabase, XapianCallsTheOvertakenOpenCorrupt) {
  try {
    Xapian::Database plain(path_.string());
    FAIL() << "opened at revision " << plain.get_revision()
           << ": this Xapian no longer loses the race, open_database.hpp may go";
  } catch (const Xapian::DatabaseCorruptError& e) {
    EXPECT_EQ(e.get_msg().rfind("Expected block ", 0), 0u) << e.get_msg();
  }
  let_the_open_read_the_latest_version();
  EXPECT_EQ(Xapian::Database(path_.string()).get_doccount(), kDocuments);
}

TEST_F(OpenDatabase, AnOpenOvertakenByTwoCommitsIsRetried) {
  int attempts = 0;
  const Xapian::Database db = retry_open_across_commits([&] {
    if (++attempts == 2) let_the_open_read_the_latest_version();
    return Xapian::Database(path_.string());
  });
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(db.get_doccount(), kDocuments);
  EXPECT_EQ(db.get_metadata(later_entry_key(kLaterEntries - 1)), std::string(100, 'm'));
}

TEST_F(OpenDatabase, CorruptionThatStaysIsReportedAfterTheLastAttempt) {
  int attempts = 0;
  EXPECT_THROW(retry_open_across_commits([&] {
                 ++attempts;
                 return Xapian::Database(path_.string());
               }),
               Xapian::DatabaseCorruptError);
  EXPECT_EQ(attempts, kOpenAttemptsAcrossCommits);
  EXPECT_THROW(open_readable_database(path_.string()), Xapian::DatabaseCorruptError);
}

TEST_F(OpenDatabase, AFailedReopenIsFollowedByAFreshOpen) {
  let_the_open_read_the_latest_version();
  Xapian::Database db(path_.string());
  let_a_reopen_read_the_stale_version();
  int fresh_opens = 0;
  reopen_across_commits(db, [&] {
    ++fresh_opens;
    let_the_open_read_the_latest_version();
    db = open_readable_database(path_.string());
  });
  EXPECT_EQ(fresh_opens, 1);
  EXPECT_EQ(db.get_doccount(), kDocuments);
  EXPECT_EQ(db.get_metadata(later_entry_key(kLaterEntries - 1)), std::string(100, 'm'));
}

TEST_F(OpenDatabase, AReopenThatSucceedsOpensNothingAfresh) {
  let_the_open_read_the_latest_version();
  Xapian::Database db(path_.string());
  int fresh_opens = 0;
  reopen_across_commits(db, [&] { ++fresh_opens; });
  EXPECT_EQ(fresh_opens, 0);
  EXPECT_EQ(db.get_doccount(), kDocuments);
}

// Xapian's reopen() compares revision numbers only: a database rebuilt in place up to the
// revision a reader had looks unchanged to it. A caller that knows a commit landed (its
// version file changed) gets a fresh open then.
TEST_F(OpenDatabase, AReopenThatFindsNothingAfterAKnownCommitOpensAfresh) {
  let_the_open_read_the_latest_version();
  Xapian::Database db(path_.string());
  int fresh_opens = 0;
  reopen_across_commits(
      db, [&] { ++fresh_opens; }, /*committed=*/true);
  EXPECT_EQ(fresh_opens, 1);
}

TEST(OpenDatabaseErrors, OtherErrorsAreNotRetried) {
  testing::TempDir dir;
  int attempts = 0;
  EXPECT_THROW(retry_open_across_commits([&] {
                 ++attempts;
                 return Xapian::Database((dir / "missing").string());
               }),
               Xapian::DatabaseOpeningError);
  EXPECT_EQ(attempts, 1);
}

}  // namespace
}  // namespace kavosh::index
