// Long paragraphs are cut near min..max words at sentence ends, else at max words.
#include "kavosh/index/passages.hpp"

#include <gtest/gtest.h>

namespace kavosh::index {
namespace {

std::string words(unsigned count, const std::string& word = "w") {
  std::string text;
  for (unsigned i = 0; i < count; ++i) {
    if (i > 0) text += ' ';
    text += word;
  }
  return text;
}

TEST(SplitLongText, ShortTextIsOnePassage) {
  EXPECT_EQ(split_long_text("One short paragraph. Two sentences."),
            std::vector<std::string>{"One short paragraph. Two sentences."});
  EXPECT_EQ(split_long_text("   "), std::vector<std::string>{});
}

TEST(SplitLongText, CutsAtTheFirstSentenceEndAfterMinWords) {
  const PassageLimits limits{4, 8, 1};
  EXPECT_EQ(split_long_text("a b c. d e f. g h i j k. l m", limits),
            (std::vector<std::string>{"a b c. d e f.", "g h i j k.", "l m"}));
}

TEST(SplitLongText, CutsAtMaxWordsWithoutSentenceEnds) {
  const PassageLimits limits{4, 6, 1};
  EXPECT_EQ(split_long_text(words(13), limits),
            (std::vector<std::string>{words(6), words(6), words(1)}));
}

TEST(SplitLongText, MergesAShortTailIntoThePreviousPiece) {
  const PassageLimits limits{4, 6, 3};
  EXPECT_EQ(split_long_text(words(8), limits), (std::vector<std::string>{words(8)}));
}

TEST(SplitLongText, RecognizesPersianQuestionMarks) {
  const PassageLimits limits{2, 10, 1};
  EXPECT_EQ(split_long_text("آیا این درست است؟ بله درست است.", limits),
            (std::vector<std::string>{"آیا این درست است؟", "بله درست است."}));
}

TEST(SplitLongText, DefaultLimitsGivePiecesOf150To250Words) {
  std::string text;
  for (int sentence = 0; sentence < 60; ++sentence) text += words(9, "word") + ". ";
  const auto pieces = split_long_text(text);
  ASSERT_GE(pieces.size(), 2u);
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    EXPECT_GE(count_words(pieces[i]), i + 1 < pieces.size() ? 150u : 40u) << i;
    EXPECT_LE(count_words(pieces[i]), 250u) << i;
  }
}

TEST(CountWords, CountsWhitespaceSeparatedRuns) {
  EXPECT_EQ(count_words(""), 0u);
  EXPECT_EQ(count_words("  one two\nthree\t "), 3u);
}

}  // namespace
}  // namespace kavosh::index
