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
  options.english_stemmer = EnglishStemmer::None;
  options.persian_stemmer = PersianStemmer::None;
  options.stem_arabic = false;
  Stemmers stemmers{options};
  EXPECT_EQ(stem_of(stemmers, token("running", Script::Latin), Language::English), "");
  EXPECT_EQ(stem_of(stemmers, token("کتابها", Script::Arabic), Language::Persian), "");
  EXPECT_EQ(stem_of(stemmers, token("المدرسه", Script::Arabic), Language::Arabic), "");
}

// Each English choice is the algorithm it names: words on which Porter2, the original Porter
// and Lovins are known to differ, and the plural-only stemmer leaving derivations alone.
TEST(Stemmers, EnglishChoicesAreTheAlgorithmsTheyName) {
  const auto stems = [](EnglishStemmer kind, const std::string& term) {
    AnalyzerOptions options;
    options.english_stemmer = kind;
    Stemmers stemmers{options};
    return stem_of(stemmers, token(term, Script::Latin), Language::English);
  };
  EXPECT_EQ(stems(EnglishStemmer::Porter2, "fairly"), "fair");
  EXPECT_EQ(stems(EnglishStemmer::Porter, "fairly"), "fairli");
  EXPECT_EQ(stems(EnglishStemmer::Porter2, "generously"), "generous");
  EXPECT_EQ(stems(EnglishStemmer::Porter, "generously"), "gener");
  EXPECT_EQ(stems(EnglishStemmer::Lovins, "nationality"), "nat");
  EXPECT_EQ(stems(EnglishStemmer::Lovins, "sitting"), "sit");
  EXPECT_EQ(stems(EnglishStemmer::Plurals, "organizations"), "organization");
  EXPECT_EQ(stems(EnglishStemmer::Plurals, "running"), "");
  EXPECT_EQ(stems(EnglishStemmer::Plurals, "studies"), "study");
  EXPECT_EQ(stems(EnglishStemmer::None, "organizations"), "");
}

TEST(EnglishPluralStem, RemovesPluralEndingsOnly) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"cats", "cat"},     {"studies", "study"},   {"flies", "fly"},
      {"ties", "tie"},     {"boxes", "box"},       {"churches", "church"},
      {"dishes", "dish"},  {"classes", "class"},   {"processes", "process"},
      {"horses", "horse"}, {"houses", "house"},    {"trees", "tree"},
      {"1960s", "1960"},   {"wings", "wing"},      {"flows", "flow"},
      {"glass", "glass"},  {"virus", "virus"},     {"analysis", "analysis"},
      {"gas", "gas"},      {"yes", "yes"},         {"is", "is"},
      {"flow", "flow"},    {"running", "running"}, {"nationality", "nationality"},
  };
  for (const auto& [term, stem] : cases) EXPECT_EQ(english_plural_stem(term), stem) << term;
}

TEST(StemmerNames, RoundTrip) {
  for (const EnglishStemmer kind :
       {EnglishStemmer::Porter2, EnglishStemmer::Porter, EnglishStemmer::Lovins,
        EnglishStemmer::Plurals, EnglishStemmer::None})
    EXPECT_EQ(parse_english_stemmer(english_stemmer_name(kind)), kind);
  for (const PersianStemmer kind :
       {PersianStemmer::Light, PersianStemmer::Plurals, PersianStemmer::None})
    EXPECT_EQ(parse_persian_stemmer(persian_stemmer_name(kind)), kind);
  EXPECT_EQ(english_stemmer_name(EnglishStemmer::Porter2), "porter2");
  EXPECT_EQ(persian_stemmer_name(PersianStemmer::Light), "light");
  EXPECT_EQ(parse_english_stemmer("english"), std::nullopt);
  EXPECT_EQ(parse_persian_stemmer("Light"), std::nullopt);
}

TEST(Stemmers, PersianPluralsChoice) {
  AnalyzerOptions options;
  options.persian_stemmer = PersianStemmer::Plurals;
  Stemmers stemmers{options};
  EXPECT_EQ(stem_of(stemmers, token("کتابها", Script::Arabic), Language::Persian), "کتاب");
  EXPECT_EQ(stem_of(stemmers, token("بزرگتر", Script::Arabic), Language::Persian), "");
  // English stems are the default's whatever the Persian choice.
  EXPECT_EQ(stem_of(stemmers, token("running", Script::Latin), Language::Persian), "run");
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
