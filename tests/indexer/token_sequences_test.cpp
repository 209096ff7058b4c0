// Token sequences in match.data: a phrase of body terms holds in a document exactly where
// Xapian's positions say it does (English and Persian, stacked compounds, words Persian
// normalization changes, a token too long to be a term), so the matcher can check phrases
// without reading Xapian's position table.
#include <gtest/gtest.h>
#include <xapian.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "kavosh/format/match_data.hpp"
#include "kavosh/index/writer.hpp"
#include "made_up_articles.hpp"
#include "test_support.hpp"

namespace kavosh::index {
namespace {

using testing::TempDir;

Article article_of(const std::string& id, const std::string& language,
                   const std::vector<std::string>& texts) {
  Article article;
  article.id = id;
  article.title = "Title of " + id;
  article.language = language;
  for (const std::string& text : texts) {
    Passage passage;
    passage.text = text;
    article.passages.push_back(passage);
  }
  return article;
}

std::vector<Article> varied_articles() {
  std::vector<Article> articles = kavosh::testing::made_up_articles(30, 0, 7);
  articles.push_back(article_of(
      "fa-1", "fa",
      {"کتاب ها در کتاب‌خانه می روم و می‌روم و کتابها را "
       "می "
       "خوانم",
       // Arabic yeh and kaf, which normalization makes Persian: the record keeps their hash.
       "كتاب يك روز در تهران، سازمان مجاهدين خلق ايران",
       // More stacked compounds than a phrase check keeps at hand (MatchData::phrase_holds).
       [] {
         std::string text;
         for (int i = 0; i < 20; ++i) text += "می روم و " + std::to_string(i) + " ";
         return text;
       }()}));
  articles.push_back(
      article_of("en-1", "en",
                 {"The the THE the cat; Mujahedin-e-Khalq and mojâhedīn-e khalq, 1979 1979.",
                  "a " + std::string(300, 'x') + " b a b a " + std::string(300, 'x') + " b"}));
  return articles;
}

// An index of varied_articles() at `path`, its match.data written, with Xapian's positions of
// body terms too: what the sequences are held to.
Xapian::Database write_varied_index(const std::filesystem::path& path) {
  {
    WriterOptions options;
    options.body_positions_in_xapian = true;
    IndexWriter writer(path, options);
    for (const Article& article : varied_articles()) writer.add(article);
    writer.commit();
  }
  return Xapian::Database(path.string());
}

// Whether `phrase` stands at consecutive positions of `at` (position -> body terms there).
bool stands(const std::map<Xapian::termpos, std::vector<std::string>>& at,
            const std::vector<std::string>& phrase) {
  for (const auto& [start, unused] : at) {
    bool all = true;
    for (std::size_t k = 0; k < phrase.size() && all; ++k) {
      const auto found = at.find(start + static_cast<Xapian::termpos>(k));
      all = found != at.end() &&
            std::find(found->second.begin(), found->second.end(), phrase[k]) != found->second.end();
    }
    if (all) return true;
  }
  return false;
}

TEST(TokenSequences, APhraseHoldsExactlyWhereXapiansPositionsSay) {
  TempDir dir;
  const Xapian::Database db = write_varied_index(dir / "db");
  const std::optional<MatchData> data = MatchData::read(match_data_path(dir / "db"), db);
  ASSERT_TRUE(data.has_value());
  std::mt19937 random(7);
  std::size_t held = 0, refused = 0;
  for (Xapian::docid docid = 1; docid <= db.get_lastdocid(); ++docid) {
    const std::map<Xapian::termpos, std::vector<std::string>> at =
        testing::body_positions(db.get_document(docid));
    std::set<std::string> distinct;  // in term order, as the termlist gives them
    for (const auto& [position, here] : at) distinct.insert(here.begin(), here.end());
    const std::vector<std::string> terms(distinct.begin(), distinct.end());
    ASSERT_FALSE(at.empty()) << docid;
    const auto check = [&](const std::vector<std::string>& phrase) {
      std::vector<std::uint32_t> numbers;
      for (const std::string& term : phrase) {
        const std::optional<std::uint32_t> number = data->term_number(term);
        ASSERT_TRUE(number.has_value()) << term;
        numbers.push_back(*number);
      }
      const std::optional<bool> holds = data->phrase_holds(docid, numbers);
      ASSERT_TRUE(holds.has_value()) << "document " << docid << " has no sequence";
      const bool expected = stands(at, phrase);
      std::string shown;
      for (const std::string& term : phrase) shown += " " + term;
      EXPECT_EQ(*holds, expected) << "document " << docid << ":" << shown;
      (expected ? held : refused) += 1;
    };
    // Every run of one to three positions, with every choice of term at each, and reversed.
    for (const auto& [start, firsts] : at)
      for (const std::string& first : firsts) {
        check({first});
        const auto second = at.find(start + 1);
        if (second == at.end()) continue;
        for (const std::string& next : second->second) {
          check({first, next});
          check({next, first});
          const auto third = at.find(start + 2);
          if (third == at.end()) continue;
          for (const std::string& last : third->second) {
            check({first, next, last});
            check({last, next, first});
            check({first, last});
          }
        }
      }
    // Terms of the document drawn at random.
    std::uniform_int_distribution<std::size_t> pick(0, terms.size() - 1);
    for (int i = 0; i < 50; ++i) {
      check({terms[pick(random)], terms[pick(random)]});
      check({terms[pick(random)], terms[pick(random)], terms[pick(random)]});
    }
  }
  EXPECT_GT(held, 1000u);
  EXPECT_GT(refused, 1000u);
  // A term the index lacks has no number; a docid past the revision's, no answer.
  EXPECT_FALSE(data->term_number("nosuchtermanywhere").has_value());
  const std::vector<std::uint32_t> one{*data->term_number("the")};
  EXPECT_FALSE(data->phrase_holds(db.get_lastdocid() + 1, one).has_value());
}

// What NEAR, windowed phrases and the proximity windows read: every body term's positions in
// every document, all of a document's terms asked at once and one at a time, as Xapian lists
// them (stacked compounds at their first part's position, repeated words, Persian compounds).
TEST(TokenSequences, PositionsAreXapiansPositionsOfEveryBodyTerm) {
  TempDir dir;
  const Xapian::Database db = write_varied_index(dir / "db");
  const std::optional<MatchData> data = MatchData::read(match_data_path(dir / "db"), db);
  ASSERT_TRUE(data.has_value());
  std::size_t compared = 0, lacking = 0;
  std::vector<std::vector<Xapian::termpos>> lists;
  std::vector<std::string> body_terms;
  for (auto term = db.allterms_begin(); term != db.allterms_end(); ++term)
    if (schema::is_body_term(*term) && term.get_termfreq() < db.get_doccount())
      body_terms.push_back(*term);
  const auto doc_has = [](const Xapian::Document& doc, const std::string& term) {
    auto found = doc.termlist_begin();
    found.skip_to(term);
    return found != doc.termlist_end() && *found == term;
  };
  for (Xapian::docid docid = 1; docid <= db.get_lastdocid(); ++docid) {
    std::vector<std::uint32_t> numbers;
    std::vector<std::vector<Xapian::termpos>> expected;
    const Xapian::Document doc = db.get_document(docid);
    for (auto term = doc.termlist_begin(); term != doc.termlist_end(); ++term) {
      if (!schema::is_body_term(*term)) continue;
      const std::optional<std::uint32_t> number = data->term_number(*term);
      ASSERT_TRUE(number.has_value()) << *term;
      numbers.push_back(*number);
      expected.emplace_back(term.positionlist_begin(), term.positionlist_end());
    }
    ASSERT_FALSE(numbers.empty()) << docid;
    ASSERT_TRUE(data->positions(docid, numbers, lists)) << docid;
    EXPECT_EQ(lists, expected) << "document " << docid;
    for (std::size_t i = 0; i < numbers.size(); ++i) {
      ASSERT_TRUE(data->positions(docid, std::span(&numbers[i], 1), lists));
      EXPECT_EQ(lists.at(0), expected[i]) << "document " << docid;
      ++compared;
    }
    // A term of the index that the document lacks has no position in it.
    const auto lacked = std::find_if(body_terms.begin(), body_terms.end(),
                                     [&](const std::string& term) { return !doc_has(doc, term); });
    if (lacked != body_terms.end()) {
      const std::vector<std::uint32_t> absent{*data->term_number(*lacked), numbers[0]};
      ASSERT_TRUE(data->positions(docid, absent, lists));
      EXPECT_TRUE(lists.at(0).empty()) << *lacked;
      EXPECT_EQ(lists.at(1), expected[0]);
      ++lacking;
    }
  }
  EXPECT_GT(lacking, 30u);
  EXPECT_GT(compared, 1000u);
  EXPECT_FALSE(data->positions(db.get_lastdocid() + 1, std::vector<std::uint32_t>{0}, lists));
}

// A file written before the token sequences (match.data "KVMATCH6": its header 8 bytes shorter,
// no sequence section) is still read, and its phrase checks are left to Xapian's positions.
TEST(TokenSequences, AFileWrittenBeforeThemIsReadWithoutThem) {
  TempDir dir;
  const Xapian::Database db = write_varied_index(dir / "db");
  const std::filesystem::path file = match_data_path(dir / "db");
  MatchData::write(db, file, 1024);  // the chunks such files had
  const std::optional<MatchData> current = MatchData::read(file, db);
  ASSERT_TRUE(current.has_value());
  std::string bytes = testing::read_text(file);
  const auto field = [&](std::size_t offset) {
    std::uint64_t value;
    std::memcpy(&value, bytes.data() + offset, sizeof value);
    return value;
  };
  // Header fields by offset: length count 32, pair pool bytes 112, sequence pool bytes 120,
  // documents per chunk 128, checksum 136; 144 bytes in all, 128 in such a file (no sequence
  // pool bytes, no chunk size).
  const std::uint64_t lengths = field(32), chunks = (lengths + 1023) / 1024;
  ASSERT_EQ(field(128), 1024u);
  const std::uint64_t pair_section = (lengths + 1 + chunks) * 8 + field(112);
  const std::uint64_t sequence_section = (lengths + 1 + chunks) * 8 + field(120);
  const std::size_t sequence_end = bytes.size() - pair_section;
  std::string old = bytes.substr(0, 120) + bytes.substr(136, 8) +
                    bytes.substr(144, sequence_end - sequence_section - 144) +
                    bytes.substr(sequence_end);
  old[7] = '6';
  // (Written beside it: `current` maps the file.)
  const std::filesystem::path old_file = dir / "old.data";
  testing::write_file(old_file, old);
  const std::optional<MatchData> before = MatchData::read(old_file, db);
  ASSERT_TRUE(before.has_value());
  const std::vector<std::uint32_t> the{*before->term_number("the")};
  for (Xapian::docid docid = 1; docid <= db.get_lastdocid(); ++docid) {
    EXPECT_EQ(before->length(docid), current->length(docid));
    const auto pairs = before->adjacent_pairs(docid), expected = current->adjacent_pairs(docid);
    EXPECT_TRUE(std::equal(pairs.begin(), pairs.end(), expected.begin(), expected.end()));
    EXPECT_FALSE(before->phrase_holds(docid, the).has_value());
  }
  EXPECT_EQ(before->term_number("the"), current->term_number("the"));
}

// A file written before the header held its chunk size (match.data "KVMATCH7": its header 8
// bytes shorter, a checksum every 1 024 documents) is read as it is, sequences and all.
TEST(TokenSequences, AFileOfChunksOfAThousandIsRead) {
  TempDir dir;
  const Xapian::Database db = write_varied_index(dir / "db");
  const std::filesystem::path file = match_data_path(dir / "db");
  const std::optional<MatchData> current = MatchData::read(file, db);
  ASSERT_TRUE(current.has_value());
  const std::filesystem::path wide = dir / "wide.data";
  MatchData::write(db, wide, 1024);
  std::string bytes = testing::read_text(wide);
  // Without the chunk size field at byte 128.
  std::string old = bytes.substr(0, 128) + bytes.substr(136);
  old[7] = '7';
  const std::filesystem::path old_file = dir / "old.data";
  testing::write_file(old_file, old);
  const std::optional<MatchData> before = MatchData::read(old_file, db);
  ASSERT_TRUE(before.has_value());
  const std::vector<std::uint32_t> the_cat{*current->term_number("the"),
                                           *current->term_number("cat")};
  std::size_t held = 0;
  std::vector<std::vector<Xapian::termpos>> positions, expected;
  for (Xapian::docid docid = 1; docid <= db.get_lastdocid(); ++docid) {
    const auto pairs = before->adjacent_pairs(docid), written = current->adjacent_pairs(docid);
    EXPECT_TRUE(std::equal(pairs.begin(), pairs.end(), written.begin(), written.end()));
    const std::optional<bool> holds = before->phrase_holds(docid, the_cat);
    ASSERT_TRUE(holds.has_value()) << docid;
    EXPECT_EQ(holds, current->phrase_holds(docid, the_cat)) << docid;
    held += *holds ? 1 : 0;
    ASSERT_TRUE(before->positions(docid, the_cat, positions));
    ASSERT_TRUE(current->positions(docid, the_cat, expected));
    EXPECT_EQ(positions, expected) << docid;
  }
  EXPECT_GT(held, 0u);
}

}  // namespace
}  // namespace kavosh::index
