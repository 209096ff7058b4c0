// Corrupt side files (issue #17): terms.bloom, match.data and the spelling dictionary are
// derived from the index, so a truncated, bit-flipped or emptied one must be ignored (or its
// part that fails a check), never turned into a wrong answer or a failed search.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "kavosh/format/match_data.hpp"
#include "kavosh/format/schema.hpp"
#include "kavosh/format/term_filter.hpp"
#include "kavosh/index/writer.hpp"
#include "kavosh/search/searcher.hpp"

namespace fs = std::filesystem;
namespace ki = kavosh::index;
namespace ks = kavosh::search;

namespace {

const std::vector<std::string> kQueries = {"rivers", "mountains valley", "\"quiet rivers\"",
                                           "rivr",   "word7 OR word300", "+rivers -word3",
                                           "riv*"};

// Every query's hits as "article score" lines, and its did-you-mean.
std::string answers(const fs::path& db) {
  ks::Searcher searcher(db);
  std::string out;
  for (const std::string& query : kQueries) {
    ks::SearchRequest request;
    request.query = query;
    request.limit = 20;
    const ks::SearchResults results = searcher.search(request);
    out += query + " -> " + results.did_you_mean + "\n";
    for (const ks::Hit& hit : results.hits)
      out += "  " + hit.article + " " + std::to_string(hit.score) + "\n";
  }
  return out;
}

void flip_bytes(const fs::path& file, std::size_t every) {
  std::fstream io(file, std::ios::in | std::ios::out | std::ios::binary);
  const auto size = static_cast<std::size_t>(fs::file_size(file));
  for (std::size_t at = 7; at < size; at += every) {
    io.seekg(static_cast<std::streamoff>(at));
    const char c = static_cast<char>(io.get());
    io.seekp(static_cast<std::streamoff>(at));
    io.put(static_cast<char>(c ^ 0x5A));
  }
}

class CorruptSideFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = fs::temp_directory_path() / ("kavosh-corrupt-side-" + std::to_string(::getpid()));
    fs::remove_all(db_);
    ki::WriterOptions options;
    options.shards = 1;
    ki::IndexWriter writer(db_, options);
    for (int n = 0; n < 600; ++n) {
      ki::Article article;
      article.id = "doc" + std::to_string(n);
      article.title = "Document " + std::to_string(n);
      article.language = "en";
      std::string text = "quiet rivers run through the mountains";
      if (n % 3 == 0) text += " and a valley";
      text += " word" + std::to_string(n) + " word" + std::to_string(n % 7);
      article.passages.push_back({{}, text, {}});
      writer.add(std::move(article));
    }
    writer.commit();
    ASSERT_TRUE(fs::exists(ki::term_filter_path(db_)));
    ASSERT_TRUE(fs::exists(ki::match_data_path(db_)));
    expected_ = answers(db_);
  }
  void TearDown() override { fs::remove_all(db_); }
  fs::path db_;
  std::string expected_;
};

TEST_F(CorruptSideFiles, ATruncatedTermFilterIsIgnored) {
  fs::resize_file(ki::term_filter_path(db_), fs::file_size(ki::term_filter_path(db_)) / 2);
  EXPECT_EQ(answers(db_), expected_);
  fs::resize_file(ki::term_filter_path(db_), 0);
  EXPECT_EQ(answers(db_), expected_);
}

TEST_F(CorruptSideFiles, AFlippedTermFilterHeaderIsIgnored) {
  // Every header field but the magic: probes, terms, bits, revision, UUID.
  for (std::size_t at : {8, 16, 24, 32, 40, 48}) {
    const std::string saved = [&] {
      std::ifstream in(ki::term_filter_path(db_), std::ios::binary);
      return std::string(std::istreambuf_iterator<char>(in), {});
    }();
    {
      std::fstream io(ki::term_filter_path(db_), std::ios::in | std::ios::out | std::ios::binary);
      io.seekp(static_cast<std::streamoff>(at));
      io.put(static_cast<char>(saved[at] ^ 0x08));  // probes 7 -> 15: fewer "maybe"s
    }
    EXPECT_EQ(answers(db_), expected_) << "byte " << at;
    std::ofstream(ki::term_filter_path(db_), std::ios::binary) << saved;
  }
}

TEST_F(CorruptSideFiles, ATruncatedOrFlippedMatchDataIsIgnored) {
  const fs::path file = ki::match_data_path(db_);
  flip_bytes(file, 101);
  EXPECT_EQ(answers(db_), expected_);
  fs::resize_file(file, fs::file_size(file) - 8);
  EXPECT_EQ(answers(db_), expected_);
  fs::resize_file(file, 0);
  EXPECT_EQ(answers(db_), expected_);
}

TEST_F(CorruptSideFiles, AMissingSpellingDictionaryOnlyLosesSuggestions) {
  fs::remove_all(ki::schema::spelling_path(db_));
  const std::string got = answers(db_);
  // Only the did-you-mean of the misspelled query may differ.
  std::string without_suggestion = expected_;
  const std::size_t at = without_suggestion.find("rivr -> ");
  ASSERT_NE(at, std::string::npos);
  const std::size_t end = without_suggestion.find('\n', at);
  without_suggestion.replace(at, end - at, "rivr -> ");
  EXPECT_EQ(got, without_suggestion);
}

}  // namespace
