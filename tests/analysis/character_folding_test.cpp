// Character folding tables: Arabic-script unification, digits, diacritics.
#include "character_folding.hpp"

#include <gtest/gtest.h>

namespace kavosh::analysis {
namespace {

TEST(ArabicLetterFolding, UnifiesLetterVariants) {
  const std::vector<std::pair<char32_t, char32_t>> replaced = {
      {0x064A, 0x06CC}, {0x0649, 0x06CC}, {0x06D2, 0x06CC},  // ي ى ے -> ی
      {0x0643, 0x06A9},                                      // ك -> ک
      {0x06C0, 0x0647}, {0x06C2, 0x0647}, {0x0629, 0x0647},  // ۀ ۂ ة -> ه
      {0x06C1, 0x0647},                                      // ہ -> ه
      {0x0623, 0x0627}, {0x0625, 0x0627}, {0x0671, 0x0627},  // أ إ ٱ -> ا
      {0x0622, 0x0627},                                      // آ -> ا (documented choice)
  };
  for (const auto& [from, to] : replaced) {
    const ArabicFoldResult r = fold_arabic_letter(from);
    EXPECT_EQ(r.action, ArabicFold::Replace) << std::hex << static_cast<unsigned>(from);
    EXPECT_EQ(r.replacement, to) << std::hex << static_cast<unsigned>(from);
  }
}

TEST(ArabicLetterFolding, RemovesHarakatTatweelAndSuperscriptAlef) {
  for (const char32_t c :
       {0x064B, 0x064E, 0x0650, 0x0651, 0x0652, 0x0654, 0x065F, 0x0670, 0x0640}) {
    EXPECT_EQ(fold_arabic_letter(c).action, ArabicFold::Remove)
        << std::hex << static_cast<unsigned>(c);
  }
}

TEST(ArabicLetterFolding, KeepsDistinctLetters) {
  for (const char32_t c :
       {0x06CC, 0x06A9, 0x0647, 0x0627, 0x0624, 0x0626, 0x067E, 0x0686, 0x0698, 0x06AF}) {
    EXPECT_EQ(fold_arabic_letter(c).action, ArabicFold::Keep)
        << std::hex << static_cast<unsigned>(c);
  }
}

TEST(DigitFolding, MapsDecimalDigitsOfEveryScriptToAscii) {
  EXPECT_EQ(ascii_digit_for(0x06F1), '1');  // ۱
  EXPECT_EQ(ascii_digit_for(0x0669), '9');  // ٩
  EXPECT_EQ(ascii_digit_for(0x0966), '0');  // ०
  EXPECT_EQ(ascii_digit_for(0x0E53), '3');  // ๓
  EXPECT_EQ(ascii_digit_for('7'), '7');
  EXPECT_EQ(ascii_digit_for('a'), 0);
  EXPECT_EQ(ascii_digit_for(0x00B2), 0);  // superscript two is not a decimal digit
}

TEST(DiacriticFolding, FoldsLatinGreekCyrillicOnly) {
  const DiacriticFolding& folding = diacritic_folding();
  const std::vector<std::pair<char32_t, std::string>> folded = {
      {0x00E2, "a"},      {0x012B, "i"},      {0x00E9, "e"},
      {0x00F1, "n"},      {0x01D6, "u"},  // â ī é ñ ǖ
      {0x1EBD, "e"},      {0x00F8, "o"},      {0x0142, "l"},
      {0x00E6, "ae"},     {0x0153, "oe"},      // ẽ ø ł æ œ
      {0x03AC, "\u03B1"}, {0x1F00, "\u03B1"},  // ά ἀ -> α
      {0x0439, "\u0438"}, {0x0451, "\u0435"},  // й ё -> и е
  };
  for (const auto& [c, expected] : folded) {
    const std::string* result = folding.folded(c);
    ASSERT_NE(result, nullptr) << std::hex << static_cast<unsigned>(c);
    EXPECT_EQ(*result, expected) << std::hex << static_cast<unsigned>(c);
  }
  for (const char32_t c : {char32_t{'a'}, char32_t{0x0627}, char32_t{0x0915}, char32_t{0x3042}}) {
    EXPECT_EQ(folding.folded(c), nullptr) << std::hex << static_cast<unsigned>(c);
  }
}

TEST(CombiningMarks, AreRecognized) {
  EXPECT_TRUE(is_combining_mark(0x0301));
  EXPECT_TRUE(is_combining_mark(0x093F) == false);  // Devanagari vowel sign I is a spacing mark
  EXPECT_TRUE(is_combining_mark(0x0941));           // Devanagari vowel sign U: Mn, kept by context
  EXPECT_FALSE(is_combining_mark('a'));
  EXPECT_TRUE(is_latin_greek_or_cyrillic('Q'));
  EXPECT_TRUE(is_latin_greek_or_cyrillic(0x03B1));
  EXPECT_FALSE(is_latin_greek_or_cyrillic(0x0915));
}

}  // namespace
}  // namespace kavosh::analysis
