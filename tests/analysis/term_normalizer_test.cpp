// Normalization stage: word bytes -> term.
#include "term_normalizer.hpp"

#include <gtest/gtest.h>

namespace kavosh::analysis {
namespace {

std::string normalized(TermNormalizer& normalizer, std::string_view word) {
  std::string term;
  normalizer.normalize(word, term);
  return term;
}

TEST(TermNormalizer, CaseFoldsAndFoldsCompatibilityForms) {
  TermNormalizer normalizer;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Hello", "hello"}, {"ＡＢＣ", "abc"},        {"ﬁne", "fine"}, {"Straße", "strasse"},
      {"ΣΟΦΟΣ", "σοφοσ"}, {"İstanbul", "istanbul"}, {"Ǆ", "dz"},     {"１２３", "123"},
  };
  for (const auto& [word, term] : cases) {
    EXPECT_EQ(normalized(normalizer, word), term) << word;
  }
}

TEST(TermNormalizer, DropsIgnorablesInsideWords) {
  TermNormalizer normalizer;
  EXPECT_EQ(normalized(normalizer, "می\u200Cروم"), "میروم");      // ZWNJ
  EXPECT_EQ(normalized(normalizer, "ab\u200Dcd"), "abcd");        // ZWJ
  EXPECT_EQ(normalized(normalizer, "hy\u00ADphen"), "hyphen");    // soft hyphen
  EXPECT_EQ(normalized(normalizer, "\u200Fسلام\u200E"), "سلام");  // RLM, LRM
  EXPECT_EQ(normalized(normalizer, "\u2067ab\u2069"), "ab");      // bidi isolates
}

TEST(TermNormalizer, FoldsDiacriticsOnlyForLatinGreekCyrillic) {
  TermNormalizer normalizer;
  EXPECT_EQ(normalized(normalizer, "mojâhedīn"), "mojahedin");
  EXPECT_EQ(normalized(normalizer, "e\u0301te\u0301"), "ete");  // decomposed accents
  EXPECT_EQ(normalized(normalizer, "Ελληνικά"), "ελληνικα");
  EXPECT_EQ(normalized(normalizer, "ёлка"), "елка");
  EXPECT_EQ(normalized(normalizer, "हिंदी"), "हिंदी");  // Devanagari signs stay
  EXPECT_EQ(normalized(normalizer, "ภาษา"), "ภาษา");
}

TEST(TermNormalizer, DiacriticFoldingCanBeSwitchedOff) {
  TermNormalizer normalizer(
      TermNormalizerOptions{.fold_diacritics = false, .normalize_arabic_script = true});
  EXPECT_EQ(normalized(normalizer, "Mojâhedīn"), "mojâhedīn");
}

TEST(TermNormalizer, UnifiesArabicScript) {
  TermNormalizer normalizer;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"مجاهدين", "مجاهدین"}, {"كتاب", "کتاب"},   {"فاطمة", "فاطمه"},
      {"خانۀ", "خانه"},       {"أحمد", "احمد"},   {"إعاذ", "اعاذ"},
      {"آمدند", "امدند"},     {"مَبنا", "مبنا"},   {"روبرـــت", "روبرت"},
      {"بنى", "بنی"},         {"هتميّ", "هتمی"},   {"ٱلله", "الله"},
      {"زادہ", "زاده"},       {"كتابهٔ", "کتابه"}, {"ﻛﺘﺎﺏ", "کتاب"} /* presentation forms */,
  };
  for (const auto& [word, term] : cases) EXPECT_EQ(normalized(normalizer, word), term) << word;
}

TEST(TermNormalizer, ArabicUnificationCanBeSwitchedOff) {
  TermNormalizer normalizer(
      TermNormalizerOptions{.fold_diacritics = true, .normalize_arabic_script = false});
  EXPECT_EQ(normalized(normalizer, "مجاهدين"), "مجاهدين");
  EXPECT_EQ(normalized(normalizer, "۱۲"), "12");  // digits fold regardless
}

TEST(TermNormalizer, FoldsDigitsAndSeparators) {
  TermNormalizer normalizer;
  EXPECT_EQ(normalized(normalizer, "۱۹۶۵"), "1965");
  EXPECT_EQ(normalized(normalizer, "٥٠٠٠"), "5000");
  EXPECT_EQ(normalized(normalizer, "۴٫۲"), "4.2");
  EXPECT_EQ(normalized(normalizer, "٥٬٠٠٠"), "5000");
  EXPECT_EQ(normalized(normalizer, "5,000"), "5000");
  EXPECT_EQ(normalized(normalizer, "1,234,567.89"), "1234567.89");
}

TEST(NfkcCasefoldShortcut, AppliesOnlyToPlainArabicLetters) {
  std::string out;
  EXPECT_TRUE(copy_if_nfkc_casefold_inert("می\u200Cروم", out));
  EXPECT_EQ(out, "میروم");
  EXPECT_TRUE(copy_if_nfkc_casefold_inert("مجاهدين۱۹", out));
  EXPECT_EQ(out, "مجاهدين۱۹");
  EXPECT_FALSE(copy_if_nfkc_casefold_inert("مَبنا", out));  // a haraka: ICU must see it
  EXPECT_FALSE(copy_if_nfkc_casefold_inert("ﻛﺘﺎﺏ", out));  // presentation forms
  EXPECT_FALSE(copy_if_nfkc_casefold_inert("abc", out));
}

TEST(TermCleanup, RemovesApostrophesStraySeparatorsAndAcronymDots) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"badi'zadegan", "badizadegan"},
      {"badi’zadegan", "badizadegan"},
      {"badi‘zadegan", "badizadegan"},
      {"badiʼzadegan", "badizadegan"},
      {"badiʻzadegan", "badizadegan"},
      {"badi`zadegan", "badizadegan"},
      {"5,000", "5000"},
      {"a,b", "ab"},
      {"u.s.a", "usa"},
      {"6.root", "6root"},
      {"l·l", "l·l"},
      {"z.", "z"},
      {".5", "5"},
      {"x._y", "x_y"},
      {"1;2", "1;2"},
      {"i.ʿ7", "i7"},
      {"a.\u0301", "a"},
      {"\u0301ab", "ab"},
      {"e.g", "eg"},
      {"3.14", "3.14"},
      {"www.example.com", "www.example.com"},
      {".", ""},
      {"__", "__"},
      {"'", ""},
  };
  for (const auto& [in, expected] : cases) {
    std::string term = in;
    clean_up_term(term);
    EXPECT_EQ(term, expected) << in;
  }
}

TEST(AsciiNormalization, LowercasesAndCleansUp) {
  std::string term;
  normalize_ascii_word("Don't", term);
  EXPECT_EQ(term, "dont");
  normalize_ascii_word("U.S.A", term);
  EXPECT_EQ(term, "usa");
  normalize_ascii_word("MKO", term);
  EXPECT_EQ(term, "mko");
}

}  // namespace
}  // namespace kavosh::analysis
