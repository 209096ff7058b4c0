// Adjacent-pair filters in match.data: every pair of body terms that stand side by side in a
// written passage (English and Persian, compounds and stacked alternatives) passes its
// document's filter, few absent pairs do, a document without a token sequence has no filter
// (every pair passes), and a damaged chunk of filters reads as none.
#include "kavosh/format/adjacent_pairs.hpp"

#include <gtest/gtest.h>
#include <xapian.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "kavosh/format/match_data.hpp"
#include "kavosh/format/schema.hpp"
#include "kavosh/index/writer.hpp"
#include "made_up_articles.hpp"
#include "test_support.hpp"

namespace kavosh::index {
namespace {

using testing::body_positions;
using testing::TempDir;

bool pair_may_hold(std::span<const unsigned char> filter, const std::string& first,
                   const std::string& second) {
  return adjacent_pair_may_hold(
      filter, adjacent_pair_key(adjacent_term_key(first), adjacent_term_key(second)));
}

Article persian_article() {
  Article article;
  article.id = "fa-1";
  article.title = "کتاب‌های قدیمی ایران";
  article.language = "fa";
  article.fields = {{"place", "کتابخانهٔ ملی"}, {"place", "تهران"}};
  Passage passage;
  passage.section = "تاریخچه";
  for (const char* sentence :
       {"کتاب‌های قدیمی در کتابخانه", "نگهداری می‌شوند و",
        "پژوهشگران آن‌ها را می‌خوانند.", "سازمان مجاهدین خلق ایران",
        "(MEK) در سال ۱۳۴۴", "پایه‌گذاری شد."})
    passage.text += std::string(passage.text.empty() ? "" : " ") + sentence;
  article.passages.push_back(passage);
  return article;
}

// The index of made_up_articles(count) and persian_article() at `path`, its match.data written.
Xapian::Database write_index(const std::filesystem::path& path, unsigned count) {
  {
    WriterOptions options;
    options.body_positions_in_xapian = true;  // the filters are held to Xapian's positions
    IndexWriter writer(path, options);
    for (Article& article : kavosh::testing::made_up_articles(count, 0, 7)) {
      article.fields.push_back({"region", "north east"});
      writer.add(article);
    }
    writer.add(persian_article());
    writer.commit();
  }
  return Xapian::Database(path.string());
}

TEST(AdjacentPairs, EveryNeighbouringPairOfAWrittenPassagePasses) {
  TempDir dir;
  const Xapian::Database db = write_index(dir / "db", 40);
  const auto data = MatchData::read(match_data_path(dir / "db"), db);
  ASSERT_TRUE(data);
  std::size_t pairs = 0;
  for (Xapian::docid docid = 1; docid <= db.get_lastdocid(); ++docid) {
    const std::span<const unsigned char> filter = data->adjacent_pairs(docid);
    ASSERT_FALSE(filter.empty()) << "document " << docid << " has no filter";
    const auto at = body_positions(db.get_document(docid));
    for (const auto& [position, firsts] : at) {
      const auto next = at.find(position + 1);
      if (next == at.end()) continue;
      for (const std::string& first : firsts)
        for (const std::string& second : next->second) {
          EXPECT_TRUE(pair_may_hold(filter, first, second))
              << "document " << docid << ": [" << first << "] [" << second << "] at " << position;
          ++pairs;
        }
    }
  }
  EXPECT_GT(pairs, 1000u);
}

TEST(AdjacentPairs, FewAbsentPairsPass) {
  std::mt19937 random(11);
  auto word = [&] {
    std::string out;
    for (int i = 0; i < 6; ++i) out += static_cast<char>('a' + random() % 26);
    return out;
  };
  for (const unsigned length : {1u, 5u, 60u, 400u}) {
    AdjacentPairsBuilder builder;
    std::vector<std::string> words;
    for (unsigned position = 1; position <= length; ++position) {
      words.push_back(word());
      builder.add(position, adjacent_term_key(words.back()));
    }
    std::string bytes = "x";  // appended after what the pool holds already
    builder.append_filter(bytes);
    ASSERT_EQ((bytes.size() - 1) % 8, 0u);
    ASSERT_GT(bytes.size(), 1u);
    const std::span<const unsigned char> filter(
        reinterpret_cast<const unsigned char*>(bytes.data()) + 1, bytes.size() - 1);
    for (unsigned i = 0; i + 1 < words.size(); ++i)
      EXPECT_TRUE(pair_may_hold(filter, words[i], words[i + 1]));
    // Absent pairs: random words, and the document's own words the other way round.
    unsigned passed = 0;
    const unsigned tries = 20000;
    for (unsigned t = 0; t < tries; ++t) passed += pair_may_hold(filter, word(), word());
    for (unsigned i = 0; i + 1 < words.size(); ++i)
      passed += pair_may_hold(filter, words[i + 1], words[i]);
    EXPECT_LT(passed, tries / 200) << length << " words";  // about 0.15 % at 14 bits a pair
    if (length == 1) {
      EXPECT_EQ(passed, 0u);  // no pair at all: every bit clear
    }
  }
}

TEST(AdjacentPairs, ADocumentWithoutASequenceHasNoFilter) {
  EXPECT_TRUE(pair_may_hold({}, "any", "pair"));
  TempDir dir;
  {
    Xapian::WritableDatabase db((dir / "db").string(), Xapian::DB_CREATE_OR_OPEN);
    Xapian::Document without_record;  // as a document of another writer
    without_record.add_posting("plain", 1);
    without_record.add_posting("words", 2);
    db.add_document(without_record);
    Xapian::Document damaged_record;
    damaged_record.add_posting("plain", 1);
    damaged_record.add_value(schema::kSlotStoredPassage, "not a record");
    db.add_document(damaged_record);
    db.commit();
  }
  const Xapian::Database db((dir / "db").string());
  const auto file = match_data_path(dir / "db");
  MatchData::write(db, file);
  const auto data = MatchData::read(file, db);
  ASSERT_TRUE(data);
  for (Xapian::docid docid = 1; docid <= 2; ++docid) {
    EXPECT_TRUE(data->adjacent_pairs(docid).empty()) << docid;
    const std::vector<std::uint32_t> phrase{*data->term_number("plain"),
                                            *data->term_number("plain")};
    EXPECT_FALSE(data->phrase_holds(docid, phrase).has_value()) << docid;
  }
}

TEST(AdjacentPairs, ADamagedChunkOfFiltersHasNone) {
  TempDir dir;
  const Xapian::Database db = write_index(dir / "db", 1100);
  const auto file = match_data_path(dir / "db");
  std::vector<std::string> filters;
  {
    const auto data = MatchData::read(file, db);
    ASSERT_TRUE(data);
    for (Xapian::docid docid = 0; docid <= db.get_lastdocid(); ++docid) {
      const std::span<const unsigned char> filter = data->adjacent_pairs(docid);
      filters.emplace_back(filter.begin(), filter.end());
      EXPECT_EQ(filters.back().empty(), docid == 0) << docid;
    }
    EXPECT_TRUE(data->adjacent_pairs(db.get_lastdocid() + 1).empty());
  }
  // The pool ends the file: its last byte belongs to the last document, in the last chunk.
  std::string bytes = testing::read_text(file);
  // Documents per checksum: the header's field at byte 128 (match_data.cpp), a few.
  std::uint64_t chunk_docs = 0;
  std::memcpy(&chunk_docs, bytes.data() + 128, sizeof chunk_docs);
  ASSERT_GE(chunk_docs, 1u);
  ASSERT_LE(chunk_docs, 64u);
  const Xapian::docid damaged_from = db.get_lastdocid() / chunk_docs * chunk_docs;
  bytes.back() = static_cast<char>(bytes.back() ^ 0x01);
  testing::write_file(file, bytes);
  const auto damaged = MatchData::read(file, db);
  ASSERT_TRUE(damaged);
  for (Xapian::docid docid = 1; docid <= db.get_lastdocid(); ++docid) {
    const std::span<const unsigned char> copied = damaged->adjacent_pairs(docid);
    if (docid >= damaged_from)
      EXPECT_TRUE(copied.empty()) << docid;
    else
      EXPECT_EQ(std::string(copied.begin(), copied.end()), filters[docid]) << docid;
  }
}

}  // namespace
}  // namespace kavosh::index
