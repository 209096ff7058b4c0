// Stemming stage: which stemmer runs for which token, and the "" convention.
#include "stemmers.hpp"

#include <gtest/gtest.h>

namespace kavosh::analysis {
namespace {

Token token(std::string term, Script script) {
  Token t;
  t.term = std::move(term);
  t.script = script;
  return t;
}

std::string stem_of(Stemmers& stemmers, const Token& t, Language language) {
  std::string stem;
  stemmers.stem(t, language, stem);
  return stem;
}

TEST(Stemmers, ChoosesByScriptAndLanguage) {
  Stemmers stemmers{AnalyzerOptions{}};
  EXPECT_EQ(stem_of(stemmers, token("organizations", Script::Latin), Language::Other), "organ");
  EXPECT_EQ(stem_of(stemmers, token("running", Script::Latin), Language::Persian), "run");
  EXPECT_EQ(stem_of(stemmers, token("iran", Script::Latin), Language::English),
            "");  // unchanged -> ""
  EXPECT_EQ(stem_of(stemmers, token("کتابها", Script::Arabic), Language::Persian), "کتاب");
  EXPECT_EQ(stem_of(stemmers, token("کتابها", Script::Arabic), Language::Other), "کتاب");
  // Arabic text: Snowball Arabic, with our Persian letter forms mapped around it.
  EXPECT_EQ(stem_of(stemmers, token("المدرسه", Script::Arabic), Language::Arabic), "مدرسه");
  EXPECT_EQ(stem_of(stemmers, token("الکتاب", Script::Arabic), Language::Arabic), "کتاب");
  EXPECT_EQ(stem_of(stemmers, token("1965", Script::Number), Language::English), "");
  EXPECT_EQ(stem_of(stemmers, token("москва", Script::Cyrillic), Language::English), "");
}

TEST(Stemmers, EachStemmerCanBeSwitchedOff) {
  AnalyzerOptions options;
  options.stem_english = false;
  options.stem_persian = false;
  options.stem_arabic = false;
  Stemmers stemmers{options};
  EXPECT_EQ(stem_of(stemmers, token("running", Script::Latin), Language::English), "");
  EXPECT_EQ(stem_of(stemmers, token("کتابها", Script::Arabic), Language::Persian), "");
  EXPECT_EQ(stem_of(stemmers, token("المدرسه", Script::Arabic), Language::Arabic), "");
}

TEST(Stemmers, CachedResultsEqualFreshOnes) {
  Stemmers stemmers{AnalyzerOptions{}};
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(stem_of(stemmers, token("connections", Script::Latin), Language::English), "connect");
    EXPECT_EQ(stem_of(stemmers, token("connect", Script::Latin), Language::English), "");
  }
}

}  // namespace
}  // namespace kavosh::analysis
