// What the fuzzers (tests/fuzz/, RESULTS.md) found, each fixed in the product code and held
// here as a unit test; the failing inputs are also in tests/fuzz/corpus/<target>/.
#include <gtest/gtest.h>

#include <string>

#include "kavosh/format/term_filter.hpp"
#include "kavosh/index/readers.hpp"
#include "kavosh/index/writer.hpp"
#include "test_support.hpp"

namespace kavosh::index {
namespace {

using testing::RecordingListener;
using testing::TempDir;

RecordingListener read_content(const TempDir& dir, const std::string& name,
                               const std::string& content, Format format) {
  testing::write_file(dir / name, content);
  RecordingListener listener;
  read_file(dir / name, format, name, name, listener);
  return listener;
}

// smart_reader_fuzzer: a .I line with a byte that is not UTF-8 made an article id of invalid
// UTF-8 (ids reach Xapian terms, JSON output and terminals); it is repaired as TREC's DOCNO is.
TEST(FuzzRegressions, ASmartIdOfInvalidUtf8IsRepaired) {
  TempDir dir;
  const auto result = read_content(
      dir, "bad.all", ".I 1\xCB.T\n.T\nflow past a plate\n.W\nsome text\n", Format::Smart);
  ASSERT_EQ(result.articles.size(), 1u);
  EXPECT_EQ(result.articles[0].id, "1\xEF\xBF\xBD.T");
}

// term_filter_fuzzer (a header edit): a terms.bloom whose probe count was raised by a flipped
// bit (7 -> 15) was accepted, and then said "absent" for terms the index holds, so queries
// lost their documents. Only the probe count build() writes is accepted now.
TEST(FuzzRegressions, ATermFilterWithAnotherProbeCountIsIgnored) {
  TempDir dir;
  {
    WriterOptions options;
    options.shards = 1;
    IndexWriter writer(dir / "db", options);
    for (int n = 0; n < 50; ++n) {
      Article article;
      article.id = "a" + std::to_string(n);
      article.language = "en";
      article.passages.push_back({{}, "word" + std::to_string(n) + " shared text", {}});
      writer.add(std::move(article));
    }
  }
  const Xapian::Database db((dir / "db").string());
  const auto file = dir / "terms.bloom";
  TermFilter::build(db).write(file);
  const std::string good = testing::read_text(file);
  ASSERT_EQ(good[8], 7);
  for (const char probes : {1, 6, 8, 15, 32}) {
    std::string edited = good;
    edited[8] = probes;
    testing::write_file(file, edited);
    EXPECT_FALSE(TermFilter::read(file, db).has_value()) << int{probes} << " probes";
  }
  testing::write_file(file, good);
  EXPECT_TRUE(TermFilter::read(file, db).has_value());
}

// jsonl_reader_fuzzer (CI's ASan command, run locally, 2026-12-07): a JSON array holding a
// number no double holds (`5000000074035753e40708230148`) made nlohmann's parser throw
// out_of_range 406, which the array reader did not catch: the run stopped on the file instead
// of skipping its rest.
TEST(FuzzRegressions, AJsonArrayWithANumberTooLargeKeepsWhatCameBefore) {
  TempDir dir;
  const auto result = read_content(dir, "records.json",
                                   R"([{"id": "a", "text": "first record"},
                                       {"id": "b", "text": "second", "n": 5e40708230148},
                                       {"id": "c", "text": "third record"}])",
                                   Format::Jsonl);
  ASSERT_EQ(result.articles.size(), 1u);
  EXPECT_EQ(result.articles[0].id, "a");
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_NE(result.warnings[0].find("a number too large (after element 1)"), std::string::npos)
      << result.warnings[0];
  // A JSONL line with one is skipped alone.
  const auto lines = read_content(
      dir, "records.jsonl",
      "{\"id\": \"a\", \"text\": \"one\"}\n{\"id\": \"b\", \"text\": \"x\", \"n\": 1e999}\n"
      "{\"id\": \"c\", \"text\": \"three\"}\n",
      Format::Jsonl);
  ASSERT_EQ(lines.articles.size(), 2u);
  EXPECT_EQ(lines.articles[1].id, "c");
  ASSERT_EQ(lines.warnings.size(), 1u);
  EXPECT_NE(lines.warnings[0].find("malformed JSON"), std::string::npos) << lines.warnings[0];
}

}  // namespace
}  // namespace kavosh::index
