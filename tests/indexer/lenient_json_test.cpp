// The JSONL reader's repair of lone surrogate escapes and bare NaN/Infinity: only those
// change, wherever they stand, and the repaired line parses to what a lenient reader means.
#include "lenient_json.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace kavosh::index {
namespace {

std::string repaired(const std::string& line, LenientJsonRepairs* out = nullptr) {
  LenientJsonRepairs repairs;
  std::string result = repair_lenient_json(line, repairs);
  if (out) *out = repairs;
  return result;
}

TEST(LenientJson, LoneSurrogatesBecomeReplacementCharactersAndPairsStay) {
  LenientJsonRepairs repairs;
  EXPECT_EQ(repaired(R"({"t":"a\udc80b\ud83d\ude00c\uD800"})", &repairs),
            R"({"t":"a\uFFFDb\ud83d\ude00c\uFFFD"})");
  EXPECT_EQ(repairs.lone_surrogates, 2u);
  EXPECT_EQ(repairs.non_finite_numbers, 0u);
  // A high surrogate followed by another high one, or by a non-surrogate escape.
  EXPECT_EQ(repaired(R"(["\ud800\ud801\udc00","\ud800\u0041"])", &repairs),
            R"(["\uFFFD\ud801\udc00","\uFFFD\u0041"])");
  EXPECT_EQ(repairs.lone_surrogates, 2u);
  const auto parsed = nlohmann::json::parse(repaired(R"({"t":"x\udc80y"})"));
  EXPECT_EQ(parsed["t"].get<std::string>(), "x\xEF\xBF\xBDy");
}

TEST(LenientJson, AnEscapedBackslashIsNotAnEscapeAndStringsKeepTheirWords) {
  LenientJsonRepairs repairs;
  const std::string text = R"({"t":"\\udc80 NaN Infinity \"NaN\"","u":"-Infinity"})";
  EXPECT_EQ(repaired(text, &repairs), text);
  EXPECT_FALSE(repairs.any());
}

TEST(LenientJson, BareNonFiniteNumbersBecomeNull) {
  LenientJsonRepairs repairs;
  EXPECT_EQ(repaired(R"({"a":NaN,"b":[Infinity,-Infinity],"c":NaNo,"d":1})", &repairs),
            R"({"a":null,"b":[null,null],"c":NaNo,"d":1})");
  EXPECT_EQ(repairs.non_finite_numbers, 3u);
  EXPECT_EQ(repairs.describe(), "3 NaN or Infinity read as null");
  repairs.lone_surrogates = 1;
  EXPECT_EQ(repairs.describe(),
            "1 lone surrogate escape read as U+FFFD, 3 NaN or Infinity read as null");
}

TEST(LenientJson, ACutOrMalformedLineIsCopiedAsItIs) {
  for (const std::string line : {R"({"t":"abc)", R"({"t":"a\)", R"({"t":"\ud8)", R"(}{,)", ""}) {
    LenientJsonRepairs repairs;
    EXPECT_EQ(repaired(line, &repairs), line);
    EXPECT_FALSE(repairs.any());
  }
}

}  // namespace
}  // namespace kavosh::index
