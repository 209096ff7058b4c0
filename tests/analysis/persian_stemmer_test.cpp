// Light Persian stemmer: real words in, exact stems out; names and short words untouched.
#include "persian_stemmer.hpp"

#include <gtest/gtest.h>

namespace kavosh::analysis {
namespace {

TEST(PersianStemmer, RemovesPluralAndCommonSuffixes) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"کتابها", "کتاب"},
      {"کتابهای", "کتاب"},
      {"کتابهایی", "کتاب"},
      {"کتابهایشان", "کتاب"},
      {"برگها", "برگ"},
      {"گلها", "گل"},
      {"بزرگترین", "بزرگ"},
      {"بزرگتر", "بزرگ"},
      {"بیشتر", "بیش"},
      {"اطلاعات", "اطلاع"},
      {"انتخابات", "انتخاب"},
      {"مجاهدین", "مجاهد"},
      {"دانشجویان", "دانشجو"},
      {"اقایان", "اقا"},
      {"ایرانیان", "ایرانی"},
      {"نمایندگان", "نماینده"},
      {"ستارگان", "ستاره"},
      {"خانهی", "خانه"},
      {"حملهام", "حمله"},
      {"نامهاش", "نامه"},
      {"اقای", "اقا"},
      {"لحظههایی", "لحظه"},
      {"محبوبترینها", "محبوبترین"},
  };
  for (const auto& [term, stem] : cases) EXPECT_EQ(persian_stem(term), stem) << term;
}

TEST(PersianStemmer, LeavesNamesShortWordsAndLookalikesAlone) {
  for (const std::string term :
       {"ایران",    "تهران", "سازمان", "خراسان", "تنها",   "دختر",   "دفتر",  "کبوتر",
        "کامپیوتر", "حسین",  "فلسطین", "ماشین",  "زمین",   "اثبات",  "حیات",  "رجوی",
        "خلق",      "کتاب",  "ها",     "میروم",  "رایگان", "گروگان", "مسعود", "مریم",
        "چای",      "جای",   "بها",    "موسوی",  "دانشجوی"}) {
    EXPECT_EQ(persian_stem(term), term) << term;
  }
}

// Documented ambiguity (see persian_stemmer.hpp): the plural reading of ...های wins.
TEST(PersianStemmer, ReadsAmbiguousHayAsPlural) {
  EXPECT_EQ(persian_stem("خانهای"), "خان");
  EXPECT_EQ(persian_stem("کتابهای"), "کتاب");
}

// PersianStemmer::Plurals: the same plural rules, nothing else.
TEST(PersianPluralStemmer, RemovesPluralSuffixesOnly) {
  const std::vector<std::pair<std::string, std::string>> plurals = {
      {"کتابها", "کتاب"},       {"کتابهایشان", "کتاب"},  {"اطلاعات", "اطلاع"},
      {"مجاهدین", "مجاهد"},     {"دانشجویان", "دانشجو"}, {"ایرانیان", "ایرانی"},
      {"نمایندگان", "نماینده"}, {"لحظههایی", "لحظه"},    {"محبوبترینها", "محبوبترین"},
  };
  for (const auto& [term, stem] : plurals) {
    EXPECT_EQ(persian_plural_stem(term), stem) << term;
    EXPECT_EQ(persian_stem(term), stem) << term;  // the light stemmer agrees on plurals
  }
  // What only the light stemmer removes: comparatives, superlatives, ezafe and clitics; a
  // superlative is not read as an Arabic plural in ین.
  for (const std::string term :
       {"بزرگترین", "بزرگتر", "بیشتر", "خانهی", "حملهام", "نامهاش", "اقای", "بهترین"}) {
    EXPECT_EQ(persian_plural_stem(term), term) << term;
    EXPECT_NE(persian_stem(term), term) << term;
  }
  for (const std::string term : {"ایران", "تنها", "حسین", "فلسطین", "اثبات", "کتاب", "ها"})
    EXPECT_EQ(persian_plural_stem(term), term) << term;
}

}  // namespace
}  // namespace kavosh::analysis
