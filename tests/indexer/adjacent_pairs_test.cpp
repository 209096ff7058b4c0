// Adjacent-pair filters: every pair of terms that stand side by side in a written passage (body,
// title, section, fields; English and Persian, compounds and stacked alternatives) passes its
// document's filter, few absent pairs do, a value that is not a filter lets every pair
// through, and match.data copies each document's filter, a damaged chunk of them reading as
// none.
#include "kavosh/format/adjacent_pairs.hpp"

#include <gtest/gtest.h>
#include <xapian.h>

#include <fstream>
#include <iterator>
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

TEST(AdjacentPairs, EveryNeighbouringPairOfAWrittenPassagePasses) {
  TempDir dir;
  {
    IndexWriter writer(dir / "db");
    for (Article& article : kavosh::testing::made_up_articles(40, 0, 7)) {
      article.fields.push_back({"region", "north east"});
      article.fields.push_back({"region", "far west"});  // a repeated field starts over
      writer.add(article);
    }
    writer.add(persian_article());
    writer.commit();
  }
  Xapian::Database db((dir / "db").string());
  std::size_t pairs = 0;
  for (Xapian::docid docid = 1; docid <= db.get_lastdocid(); ++docid) {
    const Xapian::Document doc = db.get_document(docid);
    const std::string value = doc.get_value(schema::kSlotAdjacentPairs);
    const std::span<const unsigned char> filter = adjacent_pairs_of_value(value);
    ASSERT_FALSE(filter.empty()) << "document " << docid << " has no filter";
    std::map<Xapian::termpos, std::vector<std::string>> at;
    for (auto term = doc.termlist_begin(); term != doc.termlist_end(); ++term)
      for (auto position = term.positionlist_begin(); position != term.positionlist_end();
           ++position)
        at[*position].push_back(*term);
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
      builder.add(position, words.back());
    }
    const std::string value = builder.value();
    const std::span<const unsigned char> filter = adjacent_pairs_of_value(value);
    ASSERT_EQ(filter.size() % 8, 0u);
    ASSERT_FALSE(filter.empty());
    for (unsigned i = 0; i + 1 < words.size(); ++i)
      EXPECT_TRUE(pair_may_hold(filter, words[i], words[i + 1]));
    // Absent pairs: random words, and the document's own words the other way round.
    unsigned passed = 0;
    const unsigned tries = 20000;
    for (unsigned t = 0; t < tries; ++t) passed += pair_may_hold(filter, word(), word());
    EXPECT_LT(passed, tries / 200) << length << " words";  // about 0.15 % at 14 bits a pair
    if (length == 1) {
      EXPECT_EQ(passed, 0u);  // no pair at all: every bit clear
    }
  }
}

TEST(AdjacentPairs, AValueThatIsNoFilterLetsEveryPairThrough) {
  EXPECT_TRUE(adjacent_pairs_of_value("").empty());  // indexed before filters existed
  std::string later_format(9, '\0');
  later_format[0] = static_cast<char>(kAdjacentPairsFormat + 1);
  EXPECT_TRUE(adjacent_pairs_of_value(later_format).empty());
  std::string six_bits_a_pair(9, '\xff');  // format 1 tested fewer bits: its pairs would fail
  six_bits_a_pair[0] = static_cast<char>(1);
  EXPECT_TRUE(adjacent_pairs_of_value(six_bits_a_pair).empty());
  std::string torn(8, '\0');
  torn[0] = static_cast<char>(kAdjacentPairsFormat);
  EXPECT_TRUE(adjacent_pairs_of_value(torn).empty());
  EXPECT_TRUE(pair_may_hold({}, "any", "pair"));
}

TEST(AdjacentPairs, MatchDataCopiesEachDocumentsFilterAndADamagedChunkHasNone) {
  TempDir dir;
  const unsigned count = 1500;  // two chunks of filters
  {
    Xapian::WritableDatabase db((dir / "db").string(), Xapian::DB_CREATE_OR_OPEN);
    for (unsigned i = 0; i < count; ++i) {
      Xapian::Document doc;
      doc.add_posting("word" + std::to_string(i % 7), 1);
      if (i % 10 != 3) {  // every tenth without a filter, as documents of an older run
        AdjacentPairsBuilder builder;
        for (unsigned position = 1; position <= 1 + i % 30; ++position)
          builder.add(position, "w" + std::to_string((i + position) % 50));
        doc.add_value(schema::kSlotAdjacentPairs, builder.value());
      }
      db.add_document(doc);
    }
    db.commit();
  }
  Xapian::Database db((dir / "db").string());
  const auto file = match_data_path(dir.path());
  MatchData::write(db, file);
  auto filter_of_slot = [&](Xapian::docid docid) {
    const std::string value = db.get_document(docid).get_value(schema::kSlotAdjacentPairs);
    const std::span<const unsigned char> filter = adjacent_pairs_of_value(value);
    return std::string(filter.begin(), filter.end());
  };
  {
    const auto data = MatchData::read(file, db);
    ASSERT_TRUE(data);
    for (Xapian::docid docid = 1; docid <= count; ++docid) {
      const std::span<const unsigned char> copied = data->adjacent_pairs(docid);
      EXPECT_EQ(std::string(copied.begin(), copied.end()), filter_of_slot(docid)) << docid;
    }
    EXPECT_TRUE(data->adjacent_pairs(count + 1).empty());
  }
  // The pool ends the file: its last byte belongs to the last document, in the second chunk.
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes.back() = static_cast<char>(bytes.back() ^ 0x01);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  const auto damaged = MatchData::read(file, db);
  ASSERT_TRUE(damaged);
  for (Xapian::docid docid = 1; docid <= count; ++docid) {
    const std::span<const unsigned char> copied = damaged->adjacent_pairs(docid);
    if (docid >= 1024)
      EXPECT_TRUE(copied.empty()) << docid;
    else
      EXPECT_EQ(std::string(copied.begin(), copied.end()), filter_of_slot(docid)) << docid;
  }
}

}  // namespace
}  // namespace kavosh::index
