// The JSONL line cutter with small limits: what it keeps parses to the same record with
// shorter strings, wherever the cap falls among escapes, surrogate pairs and UTF-8 bytes, and
// however the line arrives in pieces.
#include "jsonl_line_cutter.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
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
  const CutLine line =
      cut(R"({"text": ["abcdefgh", "ijklmnop", "qrst"], "body": "0123456789ABCDEF", )"
          R"("more": "0123456789ABCDEF", "title": "A late title"})");
  EXPECT_EQ(line.kept, R"({"text": ["abcdefgh", "ij", ""], "body": "0123456789", )"
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

// Random records of strings full of escapes, surrogate pairs and UTF-8, numbers, arrays and
// nested objects, a quarter of them mutated into invalid JSON, fed in pieces of 1 to 9 bytes:
// nothing kept passes the record limit, and every valid record's copy parses to an object of
// the same top-level keys whose strings (in values and arrays) start the original ones.
// (Keys of nested objects count as values and may be cut: the reader ignores objects.)
class RandomRecords {
 public:
  std::string record() {
    std::string line = "{";
    const int keys = 1 + static_cast<int>(random_() % 5);
    for (int k = 0; k < keys; ++k)
      line += std::string(k ? "," : "") + "\"k" + std::to_string(k) + "\":" + value(1);
    return line + "}";
  }
  void mutate(std::string& line) {
    static constexpr std::string_view kInserted = "\"\\{}[]:,u\xe9\x80";
    for (int m = 1 + static_cast<int>(random_() % 3); m > 0 && !line.empty(); --m) {
      const std::size_t at = random_() % line.size();
      if (random_() % 2)
        line.erase(at, 1);
      else
        line.insert(at, 1, kInserted[random_() % kInserted.size()]);
    }
  }
  std::size_t below(std::size_t n) { return random_() % n; }

 private:
  std::string string_value() {
    static constexpr const char* kAtoms[] = {"a",     "b",     " ",         R"(\")",
                                             R"(\\)", R"(\n)", R"(\u00e9)", R"(\uD83D\uDE00)",
                                             "é",     "😀",     R"(\/)",     "x"};
    std::string text = "\"";
    for (std::size_t n = random_() % 30; n > 0; --n) text += kAtoms[random_() % std::size(kAtoms)];
    return text + "\"";
  }
  std::string value(int depth) {
    switch (random_() % (depth > 3 ? 3 : 5)) {
      case 0:
        return string_value();
      case 1:
        return std::to_string(random_() % 1000);
      case 2:
        return "null";
      case 3: {
        std::string array = "[";
        for (std::size_t i = 0, n = random_() % 4; i < n; ++i)
          array += (i ? "," : "") + value(depth + 1);
        return array + "]";
      }
      default: {
        std::string object = "{";
        for (std::size_t i = 0, n = random_() % 4; i < n; ++i)
          object += (i ? "," : "") + string_value() + ":" + value(depth + 1);
        return object + "}";
      }
    }
  }
  std::mt19937 random_{17};
};

// `cut` is `whole` with shorter strings; objects below the top level are not compared.
bool starts(const nlohmann::json& cut, const nlohmann::json& whole) {
  if (cut.type() != whole.type()) return false;
  if (cut.is_string()) return whole.get<std::string>().starts_with(cut.get<std::string>());
  if (cut.is_object()) return true;
  if (!cut.is_array()) return cut == whole;
  if (cut.size() != whole.size()) return false;
  for (std::size_t i = 0; i < cut.size(); ++i)
    if (!starts(cut[i], whole[i])) return false;
  return true;
}

TEST(JsonlLineCutter, RandomRecordsKeepTheirShapeAndTheStartOfTheirStrings) {
  JsonlCutLimits limits = small_limits();
  limits.record_bytes = 600;
  RandomRecords records;
  int compared = 0;
  for (int iteration = 0; iteration < 20000; ++iteration) {
    std::string line = records.record();
    if (records.below(4) == 0) records.mutate(line);
    const CutLine result = cut(line, 1 + records.below(9), limits);
    ASSERT_LE(result.kept.size(), limits.record_bytes);
    const nlohmann::json whole = parsed(line);
    if (whole.is_discarded() || !whole.is_object() || result.too_large) continue;
    ++compared;
    const nlohmann::json copy = parsed(result.kept);
    ASSERT_TRUE(copy.is_object()) << line << "\n" << result.kept;
    ASSERT_EQ(copy.size(), whole.size()) << line << "\n" << result.kept;
    for (const auto& [key, value] : whole.items()) {
      ASSERT_TRUE(copy.contains(key)) << line << "\n" << result.kept;
      ASSERT_TRUE(starts(copy[key], value)) << line << "\n" << result.kept;
    }
  }
  EXPECT_GT(compared, 10000);
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
