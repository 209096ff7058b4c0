// Batch input (TSV and TREC topic files) and the run/JSON line formats.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "kavosh/search/evaluation.hpp"
#include "kavosh/search/output.hpp"

namespace ks = kavosh::search;

namespace {

std::vector<ks::Topic> topics_from(const std::string& text) {
  std::istringstream in(text);
  return ks::parse_topics(in, "topics");
}

// The message of the FormatError parsing `text` throws; "(parsed)" when it parses.
std::string format_error_of(const std::string& text) {
  try {
    topics_from(text);
  } catch (const ks::eval::FormatError& e) {
    return e.what();
  }
  return "(parsed)";
}

TEST(Topics, TabSeparatedLines) {
  auto topics = topics_from("1\tmojahedin khalq\r\n\n q2 \t  مجاهدين  \n");
  ASSERT_EQ(topics.size(), 2u);
  EXPECT_EQ(topics[0].id, "1");
  EXPECT_EQ(topics[0].query, "mojahedin khalq");
  EXPECT_EQ(topics[1].id, "q2");
  EXPECT_EQ(topics[1].query, "مجاهدين");
}

TEST(Topics, TrecTopicFileUsesNumAndTitle) {
  auto topics = topics_from(
      "<top>\n<num> Number: 401\n<title> foreign minorities, Germany\n\n<desc> Description:\n"
      "What language?\n</top>\n<top>\n<num>402\n<title>Topic: behavioral genetics\n</top>\n");
  ASSERT_EQ(topics.size(), 2u);
  EXPECT_EQ(topics[0].id, "401");
  EXPECT_EQ(topics[0].query, "foreign minorities, Germany");
  EXPECT_EQ(topics[1].id, "402");
  EXPECT_EQ(topics[1].query, "behavioral genetics");
}

// CLEF writes <top lang="fa"> and a language's title tag (<FA-title>), NTCIR upper-case tags:
// the Hamshahri Persian topics read as they come.
TEST(Topics, TopicTagsInAnyCaseWithAttributesAndClefTitles) {
  auto topics = topics_from(
      "<topics>\n<top "
      "lang=\"fa\">\n<num>10.2452/551-AH</num>\n<FA-title>\xD8\xA8\xD8\xA7\xD8\xB2\xD8\xA7\xD8\xB1 "
      "\xD8\xA8\xD9\x88\xD8\xB1\xD8\xB3</FA-title>\n<FA-desc>desc words</FA-desc>\n</top>\n"
      "<TOP>\n<NUM>Number: 9</NUM>\n<TITLE>upper case tags\n</TOP>\n");
  ASSERT_EQ(topics.size(), 2u);
  EXPECT_EQ(topics[0].id, "10.2452/551-AH");
  EXPECT_EQ(topics[0].query,
            "\xD8\xA8\xD8\xA7\xD8\xB2\xD8\xA7\xD8\xB1 \xD8\xA8\xD9\x88\xD8\xB1\xD8\xB3");
  EXPECT_EQ(topics[1].id, "9");
  EXPECT_EQ(topics[1].query, "upper case tags");
}

TEST(Topics, MalformedInputNamesTheLine) {
  EXPECT_EQ(format_error_of("1\tok\nno tab here\n"), "topics:2: expected 'qid<TAB>query'");
  EXPECT_EQ(format_error_of("\n<top>\n<title> no number\n</top>\n"),
            "topics:2: TREC topic without <num> or <title>");
}

// trec_eval cannot tell two lists of one query id apart: a repeated id is an error naming both
// lines, in either format.
TEST(Topics, ARepeatedQueryIdNamesBothLines) {
  EXPECT_EQ(format_error_of("1\tok\n\n2\tfine\n1\tagain\n"),
            "topics:4: query id '1' was given before, on line 1");
  EXPECT_EQ(
      format_error_of("<top>\n<num> 7\n<title> a\n</top>\n<top>\n<num> 7\n<title> b\n</top>\n"),
      "topics:5: query id '7' was given before, on line 1");
}

ks::Hit sample_hit() {
  ks::Hit hit;
  hit.rank = 3;
  hit.id = "Berlin#2";
  hit.article = "Berlin";
  hit.passage = 2;
  hit.title = "Berlin";
  hit.section = "History";
  hit.lang = "en";
  hit.score = 1.5;
  hit.snippet = "… the city …";
  hit.highlights = {{8, 12}};
  return hit;
}

TEST(Topics, ByteOrderMarkIsNotPartOfTheFirstQid) {
  auto tsv = topics_from(
      "\xEF\xBB\xBF"
      "1\tmojahedin\n2\tkhalq\n");
  ASSERT_EQ(tsv.size(), 2u);
  EXPECT_EQ(tsv[0].id, "1");
  auto trec = topics_from("\xEF\xBB\xBF<top>\n<num> Number: 301\n<title> Rajavi\n</top>\n");
  ASSERT_EQ(trec.size(), 1u);
  EXPECT_EQ(trec[0].id, "301");
}

TEST(OutputFormats, TrecLine) {
  auto hit = sample_hit();
  EXPECT_EQ(ks::format_trec("q7", hit, "run1"), "q7 Q0 Berlin 3 1.500000 run1");
  hit.article = "Angela Merkel";
  EXPECT_EQ(ks::format_trec("q7", hit, "run1"), "q7 Q0 Angela_Merkel 3 1.500000 run1");
  hit.article = "a\nb\x1b[2J\xC2\x9B\x7F";
  EXPECT_EQ(ks::format_trec("q7", hit, "run1"), "q7 Q0 a_b_[2J__ 3 1.500000 run1");
  hit.id = "Angela Merkel#2";
  EXPECT_EQ(ks::format_trec("q7", hit, "run1", ks::TrecDocid::Passage),
            "q7 Q0 Angela_Merkel#2 3 1.500000 run1");
}

TEST(OutputFormats, JsonLineHasEveryKey) {
  auto j = nlohmann::json::parse(ks::format_json(sample_hit()));
  EXPECT_EQ(j, nlohmann::json::parse(R"({"rank":3,"id":"Berlin#2","article":"Berlin","passage":2,
      "title":"Berlin","section":"History","lang":"en","score":1.5,"snippet":"… the city …",
      "highlights":[[8,12]]})"));
}

TEST(OutputFormats, TerminalBlock) {
  EXPECT_EQ(ks::format_terminal(sample_hit(), false),
            "3. Berlin \xE2\x80\x94 History  [1.500]  Berlin#2\n   … the [city] …\n");
}

TEST(OutputFormats, TerminalBlockHasNoControlCharacters) {
  auto hit = sample_hit();
  hit.title =
      "\x1b]0;pwned\x07"
      "Berlin";
  hit.section = "\x1b[2J";
  hit.id = "Berlin\x1b[31m#2";
  hit.snippet = "\x1b]8;;http://x\x1b\\";
  hit.highlights = {};
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(ks::format_terminal(hit, false), "3. " + r + "]0;pwned" + r + "Berlin \xE2\x80\x94 " +
                                                 r + "[2J  [1.500]  Berlin" + r + "[31m#2\n   " +
                                                 r + "]8;;http://x" + r + "\\\n");
}

}  // namespace
