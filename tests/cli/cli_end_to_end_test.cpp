// The foundation's promise, checked through the binaries a user runs: index corpus/, search it
// in English, Persian script and romanized Persian, and get one clear line for bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "process.hpp"

namespace fs = std::filesystem;

namespace {

using CommandResult = kavosh::testing::ProcessResult;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kavosh-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  CommandResult run(const std::string& binary, const std::vector<std::string>& args) {
    return kavosh::testing::run_process(binary, args, dir_);
  }
  CommandResult index(const std::vector<std::string>& args) { return run(KAVOSH_INDEX_BIN, args); }
  CommandResult search(const std::vector<std::string>& args) {
    return run(KAVOSH_SEARCH_BIN, args);
  }

  std::string indexed_corpus() {
    const std::string db = (dir_ / "db").string();
    const CommandResult r = index({"--db", db, "--quiet", KAVOSH_CORPUS_DIR});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return db;
  }

  static std::vector<nlohmann::json> json_lines(const std::string& text) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
    return lines;
  }

  // The highlighted parts of a hit's snippet, as text.
  static std::vector<std::string> marked_words(const nlohmann::json& hit) {
    std::vector<std::string> words;
    const std::string snippet = hit.at("snippet");
    for (const auto& h : hit.at("highlights")) {
      const std::size_t begin =
          h.is_array() ? h.at(0).get<std::size_t>() : h.at("begin").get<std::size_t>();
      const std::size_t end =
          h.is_array() ? h.at(1).get<std::size_t>() : h.at("end").get<std::size_t>();
      EXPECT_LE(begin, end);
      EXPECT_LE(end, snippet.size());
      words.push_back(snippet.substr(begin, end - begin));
    }
    return words;
  }

  static bool one_line(const std::string& err) {
    return !err.empty() && err.find('\n') == err.size() - 1;
  }

  fs::path dir_;
};

const char* kSeedTitle = "People's Mujahedin of Iran";

// A query, the word of the seed text that its top hit must mark, and why the pair matters.
struct MarkedWordCase {
  const char* query;
  const char* marked;
  const char* why;
};

const MarkedWordCase kMarkedWordCases[] = {
    {"Rajavi", "Rajavi", "an English-text name"},
    {"مجاهدين", "مجاهدين", "Persian script as the seed writes it"},
    {"مجاهدین", "مجاهدين", "Persian-keyboard yeh (U+06CC) meets the seed's Arabic yeh (U+064A)"},
    {"mojahedin", "mojâhedīn", "romanized name typed without diacritics"},
};

TEST_F(CliTest, EachQueryFindsTheSeedArticleWithItsWordMarked) {
  const std::string db = indexed_corpus();
  for (const auto& c : kMarkedWordCases) {
    SCOPED_TRACE(std::string(c.query) + ": " + c.why);
    const CommandResult r = search({"--db", db, "--json", c.query});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto hits = json_lines(r.out);
    ASSERT_FALSE(hits.empty());
    for (const char* key : {"rank", "id", "title", "score", "snippet"})
      EXPECT_TRUE(hits[0].contains(key)) << key;
    EXPECT_EQ(hits[0]["rank"], 1);
    EXPECT_EQ(hits[0]["title"], kSeedTitle);
    // Other spellings of the same name may be marked too (mojahedin also marks Mujahedin).
    const auto marked = marked_words(hits[0]);
    EXPECT_NE(std::find(marked.begin(), marked.end(), c.marked), marked.end());
  }
}

TEST_F(CliTest, TerminalOutputShowsRankTitleAndSnippet) {
  const std::string db = indexed_corpus();
  const CommandResult r = search({"--db", db, "--limit", "2", "Rajavi"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(kSeedTitle), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Rajavi"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1"), std::string::npos);
}

TEST_F(CliTest, LimitBoundsTheNumberOfHits) {
  const std::string db = indexed_corpus();
  const CommandResult r = search({"--db", db, "--json", "--passages", "--limit", "2", "MEK"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json_lines(r.out).size(), 2u);
}

TEST_F(CliTest, IndexingTwiceLeavesTheSameResults) {
  const std::string db = indexed_corpus();
  const CommandResult first = search({"--db", db, "--json", "--passages", "Khomeini"});
  ASSERT_EQ(index({"--db", db, "--quiet", KAVOSH_CORPUS_DIR}).exit_code, 0);
  const CommandResult second = search({"--db", db, "--json", "--passages", "Khomeini"});
  EXPECT_EQ(first.out, second.out);
}

TEST_F(CliTest, MissingCorpusPathIsOneLineAndExitOne) {
  const CommandResult r = index({"--db", (dir_ / "db").string(), (dir_ / "no-such-dir").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(one_line(r.err)) << r.err;
  EXPECT_NE(r.err.find("no-such-dir"), std::string::npos) << r.err;
}

TEST_F(CliTest, DatabasePathThatIsAFileIsOneLineAndExitOne) {
  const fs::path file = dir_ / "plain-file";
  std::ofstream(file) << "not a database\n";
  const CommandResult r = index({"--db", file.string(), KAVOSH_CORPUS_DIR});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(one_line(r.err)) << r.err;
  EXPECT_EQ(slurp(file), "not a database\n");  // nothing half-written over it
}

TEST_F(CliTest, MissingDatabaseForTheSearcherIsOneLineAndExitOne) {
  const CommandResult r = search({"--db", (dir_ / "absent-db").string(), "Rajavi"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(one_line(r.err)) << r.err;
  EXPECT_NE(r.err.find("absent-db"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "absent-db"));
}

TEST_F(CliTest, EmptyQueryIsAUsageError) {
  const std::string db = indexed_corpus();
  const CommandResult r = search({"--db", db, ""});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(one_line(r.err)) << r.err;
}

// A document's title, id and text with ESC[2J, OSC 0 (window title), OSC 8 (hyperlink) and
// 8-bit CSI reached the terminal raw; so did a query's. Only the searcher's own highlighting
// may write escape sequences.
TEST_F(CliTest, NoControlCharacterOfTheDataReachesTheTerminal) {
  std::ofstream(dir_ / "evil.jsonl")
      << R"({"id":"evil\u001b[31m","title":"\u001b]0;pwned\u0007Title","text":"Rajavi )"
         R"(\u001b[2J and \u009b31m and \u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\ end"})"
      << "\n";
  const std::string db = (dir_ / "db").string();
  ASSERT_EQ(index({"--db", db, "--quiet", (dir_ / "evil.jsonl").string()}).exit_code, 0);
  auto without_own_sequences = [](std::string text) {
    for (const std::string own : {"\x1b[1;31m", "\x1b[1m", "\x1b[0m"})
      for (auto at = text.find(own); at != std::string::npos; at = text.find(own))
        text.erase(at, own.size());
    return text;
  };
  const std::vector<std::vector<std::string>> runs = {
      {"--db", db, "Rajavi"},
      {"--db", db, "--color", "always", "--explain", "Rajavi"},
      {"--db", db, "--trec", "Rajavi"},
      {"--db", db, "Rajavu\x1b[2J"},
      {"--db", db, "lang:\x1b]0;pwned\x07"},
      {"--db", db, "--model", "\x1b[2J", "Rajavi"},
  };
  for (const auto& args : runs) {
    SCOPED_TRACE(args.back());
    const CommandResult r = search(args);
    EXPECT_NE(r.out + r.err, "");
    for (const std::string& text : {without_own_sequences(r.out), r.err}) {
      EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
      EXPECT_EQ(text.find('\x07'), std::string::npos) << text;
      EXPECT_EQ(text.find("\xC2\x9B"), std::string::npos) << text;
    }
  }
  const auto hits = json_lines(search({"--db", db, "--json", "Rajavi"}).out);
  ASSERT_EQ(hits.size(), 1u);  // JSON carries the data exactly, escaped
  EXPECT_EQ(hits[0]["title"], "\x1b]0;pwned\x07Title");
}

TEST_F(CliTest, NoArgumentsIsAUsageError) {
  EXPECT_EQ(index({}).exit_code, 2);
  EXPECT_EQ(search({}).exit_code, 2);
}

}  // namespace
