// Tokenizer stage: ICU word spans with byte offsets, the ASCII and Arabic fast paths, and the
// backtick joiner.
#include "word_tokenizer.hpp"

#include <gtest/gtest.h>

namespace kavosh::analysis {
namespace {

std::vector<std::string> words_of(WordTokenizer& tokenizer, std::string_view text,
                                  bool icu_only = false) {
  std::vector<WordSpan> spans;
  if (icu_only) {
    tokenizer.tokenize_with_icu_only(text, spans);
  } else {
    tokenizer.tokenize(text, spans);
  }
  std::vector<std::string> words;
  for (const WordSpan& s : spans) words.emplace_back(text.substr(s.begin, s.end - s.begin));
  return words;
}

TEST(WordTokenizer, CutsWordsInEveryScript) {
  WordTokenizer tokenizer;
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"می‌روم به خانه",
       {"می‌روم", "به", "خانه"}},  // ZWNJ stays inside the word
      {"کتاب‌ها، کتابها.", {"کتاب‌ها", "کتابها"}},
      {"«سازمان» (MKO)", {"سازمان", "MKO"}},
      {"mojâhedīn-e khalq", {"mojâhedīn", "e", "khalq"}},
      {"東京都", {"東京", "都"}},    // ICU's CJK dictionary
      {"ภาษาไทย", {"ภาษา", "ไทย"}},  // ICU's Thai dictionary
      {"a😀b", {"a", "b"}},           // emoji are not words
      {"x \xFF y", {"x", "y"}},      // U+FFFD is not a word
      {"café au lait", {"café", "au", "lait"}},
      {"Badi`zadegan", {"Badi`zadegan"}},  // backtick joiner
      {"a ` b", {"a", "b"}},               // not between letters
      {"۱۹۶۵/۰۹/۰۵", {"۱۹۶۵", "۰۹", "۰۵"}},
      {"مسافت ۹کیلومتر", {"مسافت", "۹", "کیلومتر"}},  // digits and Arabic letters split
      {"عرض۶ و 12م", {"عرض", "۶", "و", "12", "م"}},
      {"abc123 x۹", {"abc123", "x۹"}},  // Latin + digits stay one word
  };
  for (const auto& [text, expected] : cases) EXPECT_EQ(words_of(tokenizer, text), expected) << text;
}

TEST(WordTokenizer, FastPathAndIcuAgreeOnMixedText) {
  WordTokenizer tokenizer;
  for (const std::string text :
       {"The MEK (سازمان مجاهدین خلق) was founded in 1965.", "naïve café, 5,000 U.S. dollars",
        "Abdu'l-Bahá — “quoted” text", "x\xC3\xA9 y\xE2\x80\x8Cz ab", "  leading and trailing  ",
        // Stretches of plain Arabic-script words take the Arabic fast path; the others ICU.
        "سازمان مجاهدین خلق", "«کتاب‌ها»، می‌روم.", "(ایران)؟ مَدرسه",
        "کتاب‌ ۱۲ها", "الف.ب"}) {
    EXPECT_EQ(words_of(tokenizer, text), words_of(tokenizer, text, true)) << text;
  }
}

TEST(WordTokenizer, OffsetsPointIntoTheOriginalBytes) {
  WordTokenizer tokenizer;
  std::vector<WordSpan> spans;
  tokenizer.tokenize("ab \xFF\xFE cd", spans);
  EXPECT_EQ(spans, (std::vector<WordSpan>{{0, 2}, {6, 8}}));
  tokenizer.tokenize("ی ab", spans);
  EXPECT_EQ(spans, (std::vector<WordSpan>{{0, 2}, {3, 5}}));
}

TEST(BacktickJoiner, JoinsOnlyAcrossOneBacktickBetweenLetters) {
  const std::string text = "Badi`zadegan 1`2 a``b";
  std::vector<WordSpan> spans = {{0, 4}, {5, 12}, {13, 14}, {15, 16}, {17, 18}, {20, 21}};
  join_backtick_words(text, spans);
  EXPECT_EQ(spans, (std::vector<WordSpan>{{0, 12}, {13, 14}, {15, 16}, {17, 18}, {20, 21}}));
}

}  // namespace
}  // namespace kavosh::analysis
