// kavosh-search as a user runs it: the real binary on an index built in a temporary directory,
// asserting on stdout, stderr and the exit code.
#include <gtest/gtest.h>
#include <xapian.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "kavosh/index/readers.hpp"
#include "kavosh/index/writer.hpp"
#include "process.hpp"
#include "test_support.hpp"

#ifndef KAVOSH_SEARCH_BINARY
#error "KAVOSH_SEARCH_BINARY must name the kavosh-search binary"
#endif

namespace fs = std::filesystem;
namespace ki = kavosh::index;

namespace {

using kavosh::search::testing::kSeedArticle;
// Fields an unknown field's message lists: title, section, lang, then the seed's infobox labels.
const std::string kSeedFields =
    "title, section, lang, abbreviation, active_regions, banned, battles_and_wars, colours, "
    "dates_of_operation, designated_as_a_terrorist_group_by, founded, ideology, leader, "
    "membership, military_wing, political_wing, religion, secretary_general, size, split_from";

using CliRun = kavosh::testing::ProcessResult;

class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ =
        new fs::path(fs::temp_directory_path() / ("kavosh-cli-test-" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_);
    struct Listener : ki::ReadListener {
      ki::IndexWriter& writer;
      explicit Listener(ki::IndexWriter& w) : writer(w) {}
      void article(ki::Article&& a) override { writer.add(a); }
      void alias_group(std::vector<std::string>&& names) override { writer.add_alias_group(names); }
      void warning(ki::InputWarning&&) override {}
    };
    ki::IndexWriter writer(*dir_ / "db");
    Listener listener(writer);
    const fs::path seed = fs::path(KAVOSH_SOURCE_DIR) / "corpus" / kSeedArticle;
    ki::read_file(seed, ki::Format::Auto, kSeedArticle, seed.string(), listener);
    writer.commit();
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }

  static CliRun run(const std::vector<std::string>& args) {
    return kavosh::testing::run_process(KAVOSH_SEARCH_BINARY, args, *dir_);
  }
  static std::string db() { return (*dir_ / "db").string(); }
  static fs::path write(const std::string& name, const std::string& content) {
    std::ofstream(*dir_ / name) << content;
    return *dir_ / name;
  }
  static fs::path* dir_;
};
fs::path* CliTest::dir_ = nullptr;

TEST_F(CliTest, PipedOutputMarksMatchesWithBrackets) {
  auto r = run({"--db", db(), "Rajavi"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("1. People's Mujahedin of Iran"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Maryam [Rajavi] and Massoud [Rajavi]"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\x1b["), std::string::npos);  // no colour when piped
}

TEST_F(CliTest, PersianQueryIsIsolatedAndMarked) {
  auto r = run({"--db", db(), "مجاهدين"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // U+2068 FSI opens the right-to-left run, the match is bracketed inside it.
  EXPECT_NE(r.out.find("\xE2\x81\xA8سازمان [مجاهدين] خلق"), std::string::npos) << r.out;
}

TEST_F(CliTest, ColourAlwaysUsesAnsiBold) {
  auto r = run({"--db", db(), "--color", "always", "Rajavi"});
  EXPECT_NE(r.out.find("\x1b[1;31mRajavi\x1b[0m"), std::string::npos) << r.out;
}

TEST_F(CliTest, JsonLinesCarryEveryKeyAndByteHighlights) {
  auto r = run({"--db", db(), "--json", "--passages", "--limit", "3", "Rajavi"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  unsigned rank = 0;
  while (std::getline(lines, line)) {
    auto hit = nlohmann::json::parse(line);
    ++rank;
    for (const char* key : {"rank", "id", "article", "passage", "title", "section", "lang", "score",
                            "snippet", "highlights"})
      EXPECT_TRUE(hit.contains(key)) << key;
    EXPECT_EQ(hit["rank"], rank);
    EXPECT_EQ(hit["article"], kSeedArticle);
    const std::string snippet = hit["snippet"];
    ASSERT_FALSE(hit["highlights"].empty());
    for (const auto& h : hit["highlights"]) {
      const std::size_t begin = h[0], end = h[1];
      EXPECT_EQ(snippet.substr(begin, end - begin).substr(0, 6), "Rajavi");
    }
  }
  EXPECT_GE(rank, 2u);
}

TEST_F(CliTest, TrecRunLines) {
  auto r = run({"--db", db(), "--trec", "--run-tag", "mytag", "--qid", "7", "Rajavi"});
  EXPECT_EQ(r.exit_code, 0);
  std::istringstream line(r.out);
  std::string qid, q0, docid, tag;
  unsigned rank;
  double score;
  line >> qid >> q0 >> docid >> rank >> score >> tag;
  EXPECT_EQ(qid, "7");
  EXPECT_EQ(q0, "Q0");
  EXPECT_EQ(docid, kSeedArticle);
  EXPECT_EQ(rank, 1u);
  EXPECT_GT(score, 0);
  EXPECT_EQ(tag, "mytag");
}

// --trec --passages printed the article id at ranks 1-4, which trec_eval refuses: a run lists
// each docid once, so passages go by their passage ids.
TEST_F(CliTest, TrecRunOfPassagesListsEachDocidOnce) {
  for (const bool batch : {false, true}) {
    SCOPED_TRACE(batch ? "--queries" : "one query");
    const auto queries = write("passages.tsv", "1\tRajavi\n");
    auto r = batch ? run({"--db", db(), "--trec", "--passages", "--queries", queries.string()})
                   : run({"--db", db(), "--trec", "--passages", "--limit", "4", "Rajavi"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::istringstream lines(r.out);
    std::set<std::string> docids;
    unsigned count = 0;
    for (std::string line; std::getline(lines, line); ++count) {
      std::istringstream fields(line);
      std::string qid, q0, docid;
      fields >> qid >> q0 >> docid;
      EXPECT_TRUE(docid.starts_with(kSeedArticle + "#")) << docid;
      docids.insert(docid);
    }
    EXPECT_GE(count, 4u);
    EXPECT_EQ(docids.size(), count) << r.out;
  }
}

TEST_F(CliTest, BatchRunEvaluatesAgainstQrels) {
  const auto queries = write("queries.tsv", "q1\tRajavi\nq2\tmojahedin khalq\nq3\tzzzzunknown\n");
  const auto qrels = write("qrels.txt", "q1 0 " + kSeedArticle + " 1\nq2 0 " + kSeedArticle +
                                            " 2\nq3 0 " + kSeedArticle + " 1\n");
  auto r =
      run({"--db", db(), "--queries", queries.string(), "--qrels", qrels.string(), "--per-query"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("map           \tq1\t1.0000\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("map           \tq3\t0.0000\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("num_q         \tall\t3\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("map           \tall\t0.6667\n"), std::string::npos) << r.out;
  auto trec = run({"--db", db(), "--queries", queries.string(), "--trec"});
  EXPECT_EQ(trec.out, "q1 Q0 " + kSeedArticle + " 1 " +
                          trec.out.substr(trec.out.find(" 1 ") + 3, 8) + " kavosh\n" +
                          trec.out.substr(trec.out.find("q2")));
  EXPECT_EQ(trec.out.find("q3"), std::string::npos);
}

// A topic that does not parse (its punctuation is not syntax) runs as plain words, noted on
// stderr, so every judged topic gets a ranking.
TEST_F(CliTest, BatchRunsAMalformedTopicAsPlainWords) {
  const auto queries = write("malformed.tsv", "q1\t(Rajavi\n");
  auto r = run({"--db", db(), "--queries", queries.string(), "--trec"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find(" 1 ") + 2), "q1 Q0 " + kSeedArticle + " 1") << r.out;
  EXPECT_EQ(
      r.err,
      "kavosh-search: query q1: query error at 1: unbalanced '('; run as plain words: Rajavi\n");
}

TEST_F(CliTest, TrecTopicFiles) {
  const auto topics = write("topics.txt",
                            "<top>\n<num> Number: 301\n<title> Rajavi leadership\n"
                            "<desc> Description:\nignored\n</top>\n");
  auto r = run({"--db", db(), "--queries", topics.string(), "--trec"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, 10), "301 Q0 000");
}

TEST_F(CliTest, AnalyzeShowsTokensAsJson) {
  auto r = run({"--analyze", "Mujahedin-e-Khalq می‌روم", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  std::vector<nlohmann::json> tokens;
  while (std::getline(lines, line)) tokens.push_back(nlohmann::json::parse(line));
  ASSERT_GE(tokens.size(), 4u);
  EXPECT_EQ(tokens[0]["text"], "Mujahedin");
  EXPECT_EQ(tokens[0]["terms"][0], "mujahedin");
  EXPECT_EQ(tokens[0]["position"], 0);
  EXPECT_EQ(tokens[0]["begin"], 0);
  EXPECT_EQ(tokens[0]["end"], 9);
  EXPECT_EQ(tokens[0]["script"], "latin");
  EXPECT_EQ(tokens.back()["text"], "می‌روم");
  EXPECT_EQ(tokens.back()["terms"][0], "میروم");
  EXPECT_EQ(tokens.back()["script"], "arabic");
  auto table = run({"--analyze", "Rajavi"});
  EXPECT_NE(table.out.find("rajavi"), std::string::npos) << table.out;
}

struct ErrorCase {
  std::vector<std::string> args;
  int exit_code;
  std::string stderr_text;
};

TEST_F(CliTest, ErrorsAreOneLineWithExitCodes) {
  const std::string missing = (*dir_ / "no-such-db").string();
  const ErrorCase cases[] = {
      {{"--db", missing, "Rajavi"}, 1, "kavosh-search: database not found: " + missing + "\n"},
      {{"--db", db()}, 2, "kavosh-search: empty query: give query words (see --help)\n"},
      {{"--db", db(), "  "}, 2, "kavosh-search: empty query: give query words (see --help)\n"},
      {{"--db", db(), "Rajavi", "\"leader"},
       2,
       "kavosh-search: query error at 8: unbalanced quote\n"},
      {{"--db", db(), "(Rajavi"}, 2, "kavosh-search: query error at 1: unbalanced '('\n"},
      {{"--db", db(), "colour:red"},
       2,
       "kavosh-search: query error at 1: unknown field 'colour' (did you mean colours:? fields of "
       "this index: " +
           kSeedFields + ")\n"},
      {{"--db", db(), "AND"},
       2,
       "kavosh-search: query error at 1: operator AND needs words on both sides\n"},
      {{"Rajavi"}, 2, "kavosh-search: --db DIR (or --remote HOST:PORT) is required\n"},
      {{"--db", db(), "--queries", missing, "--trec"},
       1,
       "kavosh-search: cannot read " + missing + "\n"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.stderr_text);
    auto r = run(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code);
    EXPECT_EQ(r.err, c.stderr_text);
    EXPECT_EQ(r.out, "");
  }
  auto bad_flag = run({"--db", db(), "--model", "vector", "x"});
  EXPECT_EQ(bad_flag.exit_code, 2);
  EXPECT_EQ(std::count(bad_flag.err.begin(), bad_flag.err.end(), '\n'), 1);
  // --limit 0 said "No matches" for a word the index holds.
  auto no_hits = run({"--db", db(), "--limit", "0", "Rajavi"});
  EXPECT_EQ(no_hits.exit_code, 2);
  EXPECT_EQ(std::count(no_hits.err.begin(), no_hits.err.end(), '\n'), 1) << no_hits.err;
}

// --lang is checked with the flags (a usage error naming the codes); any case of a code works.
TEST_F(CliTest, AnUnknownLanguageIsAUsageError) {
  auto bad = run({"--db", db(), "--lang", "xx", "Rajavi"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unknown language 'xx' (use en, fa, ar or other)"), std::string::npos)
      << bad.err;
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
  auto upper = run({"--db", db(), "--lang", "EN", "Rajavi"});
  EXPECT_EQ(upper.exit_code, 0) << upper.err;
  EXPECT_TRUE(upper.out.starts_with("1 matching article")) << upper.out;
  auto analyzed = run({"--analyze", "Rajavi", "--lang", "fa"});
  EXPECT_EQ(analyzed.exit_code, 0) << analyzed.err;
  EXPECT_TRUE(analyzed.out.starts_with("language: fa\n")) << analyzed.out;
}

// Nesting past kMaxQueryNesting overflowed the stack (exit 139); in a batch it took every
// other query down with it.
TEST_F(CliTest, DeepNestingIsAQueryErrorAndABatchGoesOn) {
  const std::string deep = std::string(5000, '(') + "Rajavi" + std::string(5000, ')');
  auto single = run({"--db", db(), deep});
  EXPECT_EQ(single.exit_code, 2);
  EXPECT_EQ(single.err,
            "kavosh-search: query error at 101: nesting too deep (more than 100 levels)\n");
  EXPECT_EQ(run({"--db", db(), std::string(5000, '(') + "x"}).exit_code, 2);

  const auto queries = write("deep.tsv", "q1\t" + deep + "\nq2\tRajavi\n");
  auto batch = run({"--db", db(), "--queries", queries.string(), "--trec"});
  EXPECT_EQ(batch.exit_code, 0) << batch.err;
  EXPECT_NE(batch.out.find("q1 Q0 " + kSeedArticle + " 1 "), std::string::npos) << batch.out;
  EXPECT_NE(batch.out.find("q2 Q0 " + kSeedArticle + " 1 "), std::string::npos) << batch.out;
  EXPECT_EQ(batch.err,
            "kavosh-search: query q1: query error at 101: nesting too deep (more than "
            "100 levels); run as plain words: Rajavi\n");
}

// nan, inf and negative weights passed CLI11's checks (or had none) and printed [nan] scores;
// a bad --tfidf failed with Xapian's own message.
TEST_F(CliTest, EveryNumberFlagIsFiniteAndInRange) {
  struct FlagCase {
    const char* flag;
    const char* value;
    const char* expected;
  };
  const FlagCase cases[] = {
      {"--prf-weight", "nan", "a finite number >= 0"},
      {"--prf-weight", "inf", "a finite number >= 0"},
      {"--prf-weight", "-5", "a finite number >= 0"},
      {"--k1", "nan", "a finite number >= 0"},
      {"--k1", "-1", "a finite number >= 0"},
      {"--b", "nan", "a finite number from 0 to 1"},
      {"--b", "1.5", "a finite number from 0 to 1"},
      {"--delta", "inf", "a finite number >= 0"},
      {"--mu", "0", "a finite number > 0"},
      {"--mu", "nan", "a finite number > 0"},
      {"--c", "-inf", "a finite number > 0"},
      {"--title-weight", "nan", "a finite number >= 0"},
      {"--field-weight", "inf", "a finite number >= 0"},
      {"--section-weight", "-0.5", "a finite number >= 0"},
      {"--snippet-words", "0", "a finite number > 0"},
      {"--tfidf", "xyz", "three letters: wdf n|b|s|l|L, idf n|t|p|f|s, weight n (e.g. ntn)"},
      {"--tfidf", "ntnn", "three letters: wdf n|b|s|l|L, idf n|t|p|f|s, weight n (e.g. ntn)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.flag) + " " + c.value);
    auto r = run({"--db", db(), "--model", "tfidf", c.flag, c.value, "Rajavi"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, std::string("kavosh-search: ") + c.flag + ": expected " + c.expected +
                         ", got '" + c.value + "' (see --help)\n");
    EXPECT_EQ(r.out, "");
  }
  for (const char* normalizations : {"ntn", "bpn", "Lsn"}) {
    auto r = run({"--db", db(), "--model", "tfidf", "--tfidf", normalizations, "Rajavi"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.find("nan"), std::string::npos) << r.out;
  }
  auto r = run({"--db", db(), "--prf", "-5", "Rajavi"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--prf"), std::string::npos) << r.err;
}

// --rm3 takes off/on/auto and its weight (0, 1]; --debug-query says what feedback did.
TEST_F(CliTest, Rm3AndProximityFlags) {
  auto bad = run({"--db", db(), "--rm3", "sometimes", "Rajavi"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--rm3"), std::string::npos) << bad.err;
  for (const char* weight : {"0", "1.5", "nan"}) {
    SCOPED_TRACE(weight);
    auto r = run({"--db", db(), "--rm3", "on", "--rm3-weight", weight, "Rajavi"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--rm3-weight"), std::string::npos) << r.err;
  }
  auto on = run({"--db", db(), "--rm3", "on", "--proximity", "--debug-query", "Rajavi Khomeini"});
  EXPECT_EQ(on.exit_code, 0) << on.err;
  EXPECT_NE(on.err.find("\nfeedback: rm3"), std::string::npos) << on.err;
  EXPECT_NE(on.out.find(kSeedArticle), std::string::npos) << on.out;
}

// The infobox label is secretary_general; the message said only "unknown field".
TEST_F(CliTest, UnknownFieldNamesTheNearestAndTheIndexFields) {
  auto r = run({"--db", db(), "secretary-general:merrikhi"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "kavosh-search: query error at 1: unknown field 'secretary-general' (did you "
            "mean secretary_general:? fields of this index: " +
                kSeedFields + ")\n");
  auto far = run({"--db", db(), "xyzzy:merrikhi"});
  EXPECT_EQ(far.err,
            "kavosh-search: query error at 1: unknown field 'xyzzy' (fields of this index: " +
                kSeedFields + ")\n");
}

// "About 900 matching" was printed for 513 exact matches, and "1 matching articles".
TEST_F(CliTest, MatchCountIsExactWhenKnownAndSingularForOne) {
  auto articles = run({"--db", db(), "Rajavi"});
  EXPECT_EQ(articles.out.substr(0, articles.out.find('\n')), "1 matching article; showing 1-1");
  auto passages = run({"--db", db(), "--passages", "--limit", "2", "Rajavi"});
  const std::string first_line = passages.out.substr(0, passages.out.find('\n'));
  EXPECT_TRUE(first_line.ends_with(" matching passages; showing 1-2")) << first_line;
  EXPECT_FALSE(first_line.starts_with("About")) << first_line;
}

// Past the last hit the output said "No matches for: …", as if the query found nothing.
TEST_F(CliTest, OffsetPastTheLastHitSaysHowManyThereAre) {
  auto r = run({"--db", db(), "--offset", "600", "Rajavi"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "No hits past 1 matching article (--offset 600)\n");
}

// searcher/examples/search_example.cpp, the README's C++ example: its first hit for Rajavi is the
// seed article, with rank, title and a positive score.
TEST_F(CliTest, TheReadmeExampleFindsTheSeedArticle) {
  const CliRun r =
      kavosh::testing::run_process(KAVOSH_SEARCH_EXAMPLE_BINARY, {db(), "Rajavi"}, *dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const std::string first_line = r.out.substr(0, r.out.find('\n'));
  const std::string expected = "1 People's Mujahedin of Iran ";
  ASSERT_TRUE(first_line.starts_with(expected)) << r.out;
  EXPECT_GT(std::stod(first_line.substr(expected.size())), 0.0) << r.out;
  const CliRun missing = kavosh::testing::run_process(
      KAVOSH_SEARCH_EXAMPLE_BINARY, {(*dir_ / "no-such-db").string(), "Rajavi"}, *dir_);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(missing.err.starts_with("kavosh-search-example: ")) << missing.err;
}

// CLI11 took '-Khomeini' for an option; after '--' everything is query words.
TEST_F(CliTest, QueryStartingWithMinusGoesAfterDoubleDash) {
  auto r = run({"--db", db(), "--", "-Khomeini Rajavi"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("1 matching article; showing 1-1")) << r.out;
  auto without = run({"--db", db(), "-Khomeini Rajavi"});
  EXPECT_EQ(without.exit_code, 2);
  EXPECT_NE(without.err.find("goes after --: kavosh-search --db DIR -- '-word other'"),
            std::string::npos)
      << without.err;
  EXPECT_NE(run({"--help"}).out.find("kavosh-search --db DIR -- '-Khomeini Rajavi'"),
            std::string::npos);
}

// In the first moments of a first run a search said "database not found" or "schema (none):
// re-index it with --rebuild".
TEST_F(CliTest, AFirstRunNotYetCommittedIsBeingCreated) {
  const fs::path shards = *dir_ / "shards-only";
  fs::create_directories(shards / ".shard-0");
  const fs::path locked = *dir_ / "locked";
  Xapian::WritableDatabase writer(locked.string(), Xapian::DB_CREATE);
  for (const fs::path& db : {shards, locked}) {
    SCOPED_TRACE(db.string());
    auto r = run({"--db", db.string(), "Rajavi"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "kavosh-search: database " + db.string() +
                         ": the index is being created (a first kavosh-index run, or a "
                         "--rebuild, has not committed yet); search again when it has\n");
  }
}

TEST_F(CliTest, ZeroHitsSaysSoAndSuggests) {
  auto r = run({"--db", db(), "Rajavu"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "No matches for: Rajavu\nDid you mean: rajavi\n");
}

TEST_F(CliTest, NoSuggestionBesideAHitForAKnownStem) {
  auto r = run({"--db", db(), "run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("[running]"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Did you mean"), std::string::npos) << r.out;
}

}  // namespace
