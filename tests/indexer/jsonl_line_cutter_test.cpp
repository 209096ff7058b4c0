// The JSONL line cutter with small limits: what it keeps parses to the same record with
// shorter strings, wherever the cap falls among escapes, surrogate pairs and UTF-8 bytes, and
// however the line arrives in pieces.
#include "jsonl_line_cutter.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kavosh::index {
namespace {

JsonlCutLimits small_limits() {
  JsonlCutLimits limits;
  limits.value_string_bytes = 10;
  limits.record_string_bytes = 30;
  limits.min_string_bytes = 4;
  limits.key_bytes = 12;
  limits.record_bytes = 400;
  return limits;
}

// The line fed to a cutter in pieces of `piece_size` bytes.
struct CutLine {
  std::string kept;
  bool too_large = false;
  std::vector<std::string> cut_keys;
};

CutLine cut(const std::string& line, std::size_t piece_size = 1 << 20,
            JsonlCutLimits limits = small_limits()) {
  JsonlLineCutter cutter(limits);
  cutter.start();
  for (std::size_t at = 0; at < line.size(); at += piece_size)
    cutter.consume(std::string_view(line).substr(at, piece_size));
  return {cutter.kept(), cutter.too_large(), cutter.cut_keys()};
}

nlohmann::json parsed(const std::string& kept) {
  return nlohmann::json::parse(kept, nullptr, /*allow_exceptions=*/false);
}

TEST(JsonlLineCutter, CutsALongValueAndKeepsTheRest) {
  const CutLine line = cut(R"({"id": "a1", "text": "abcdefghijklmnopqrstuvwxyz", "title": "T"})");
  EXPECT_EQ(line.kept, R"({"id": "a1", "text": "abcdefghij", "title": "T"})");
  EXPECT_FALSE(line.too_large);
  EXPECT_EQ(line.cut_keys, (std::vector<std::string>{"text"}));
}

TEST(JsonlLineCutter, ALineWithinTheLimitsIsCopiedAsItIs) {
  const std::string line = R"({"id": 7, "text": ["ab", "c\"d"], "x": {"y": [1, 2.5, null]}})";
  const CutLine result = cut(line);
  EXPECT_EQ(result.kept, line);
  EXPECT_TRUE(result.cut_keys.empty());
  EXPECT_EQ(cut(line + "\r").kept, line);
}

// A value's strings share its cap (a text array is cut as one text); past the record's string
// budget each later string keeps min_string_bytes, so a title after the texts survives.
TEST(JsonlLineCutter, AnArraySharesItsValueCapAndALateTitleKeepsItsStart) {
  const CutLine line = cut(
      R"({"text": ["abcdefgh", "ijklmnop", "qrst"], "body": "0123456789ABCDEF", )"
      R"("more": "0123456789ABCDEF", "title": "A late title"})");
  EXPECT_EQ(line.kept,
            R"({"text": ["abcdefgh", "ij", ""], "body": "0123456789", )"
            R"("more": "0123456789", "title": "A la"})");
  EXPECT_EQ(line.cut_keys, (std::vector<std::string>{"text", "body", "more", "title"}));
}

TEST(JsonlLineCutter, KeysAreNeverEmptiedAndNameTheirValue) {
  JsonlCutLimits limits = small_limits();
  limits.record_string_bytes = 0;
  const CutLine line = cut(R"({"first": "abcdef", "second": "ghijkl"})", 1 << 20, limits);
  EXPECT_EQ(line.kept, R"({"first": "abcd", "second": "ghij"})");
  EXPECT_EQ(line.cut_keys, (std::vector<std::string>{"first", "second"}));
}

TEST(JsonlLineCutter, ARecordLargerThanItsLimitWithCutStringsIsTooLarge) {
  std::string numbers = "[";
  for (int i = 0; i < 200; ++i) numbers += std::to_string(i) + ",";
  numbers += "0]";
  const CutLine line = cut(R"({"id": "n", "values": )" + numbers + "}");
  EXPECT_TRUE(line.too_large);
  EXPECT_EQ(line.kept, "");
}

TEST(JsonlLineCutter, InvalidJsonStaysInvalid) {
  for (const std::string line : {R"({"text": "abc)", R"({"text": "abc\)", R"({"text": "\u12)",
                                 R"({"text": "abcdefghijklmnopq)", R"({"text": abc})"}) {
    EXPECT_TRUE(parsed(cut(line).kept).is_discarded()) << line;
  }
}

// Wherever the cap falls in a run of escapes, surrogate pairs and multi-byte characters, and
// whatever pieces the line arrives in, the copy parses, and each string is the start of the
// original one (by whole characters) with nothing added.
TEST(JsonlLineCutter, NeverSplitsAnEscapeASurrogatePairOrACharacter) {
  const std::string tricky = R"(\uD83D\uDE00é\"\\\u00e9x\n😀\/)";
  for (std::size_t padding = 0; padding < 24; ++padding) {
    const std::string text = std::string(padding, 'a') + tricky + tricky;
    const std::string line = R"({"id": "p", "text": ")" + text + R"(", "title": "T"})";
    const nlohmann::json original = parsed(line);
    ASSERT_FALSE(original.is_discarded());
    const std::string whole = original["text"].get<std::string>();
    for (std::size_t piece_size : {1u, 2u, 3u, 7u, 1000u}) {
      const CutLine result = cut(line, piece_size);
      const nlohmann::json record = parsed(result.kept);
      ASSERT_FALSE(record.is_discarded())
          << "padding " << padding << ", pieces of " << piece_size << ": " << result.kept;
      const std::string kept_text = record["text"].get<std::string>();
      EXPECT_EQ(whole.compare(0, kept_text.size(), kept_text), 0) << result.kept;
      EXPECT_LT(kept_text.size(), whole.size());
      EXPECT_EQ(record["title"], "T");
      EXPECT_EQ(result.cut_keys, (std::vector<std::string>{"text"}));
    }
  }
}

TEST(JsonlLineCutter, StartForgetsThePreviousLine) {
  JsonlLineCutter cutter(small_limits());
  cutter.start();
  cutter.consume(R"({"text": "abcdefghijklmnopqrstuvwxyz", "unterminated": ")");
  cutter.start();
  cutter.consume(R"({"title": "x"})");
  EXPECT_EQ(cutter.kept(), R"({"title": "x"})");
  EXPECT_TRUE(cutter.cut_keys().empty());
  EXPECT_FALSE(cutter.too_large());
}

}  // namespace
}  // namespace kavosh::index
