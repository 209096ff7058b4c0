#include "persian_stemmer.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "kavosh/text/utf8.hpp"

namespace kavosh::analysis {
namespace {

// Counts code points (every Arabic letter is two UTF-8 bytes, but be exact).
std::size_t letters_in(std::string_view s) { return text::count_code_points(s); }

struct SuffixRule {
  std::string_view suffix;
  std::size_t min_letters_left;
};

constexpr SuffixRule kPluralRules[] = {
    {"هایشان", 2}, {"هایتان", 2}, {"هایمان", 2}, {"هایی", 2}, {"هایم", 2},
    {"هایت", 2},   {"هایش", 2},   {"های", 2},    {"ها", 2},   {"ترین", 2},
};

// Words that end in a suffix's letters without carrying that suffix.
constexpr std::string_view kNotPlural[] = {"تنها"};
constexpr std::string_view kNotComparative[] = {
    "دختر",    "دفتر",     "کبوتر",   "کامپیوتر", "بستر",    "چتر",  "شتر",
    "اختر",    "تیاتر",    "تئاتر",   "فیلتر",    "پوستر",   "لیتر", "متر",
    "کیلومتر", "سانتیمتر", "میلیمتر", "اکتر",     "کاراکتر", "دکتر", "اتر"};
constexpr std::string_view kNotArabicPlural[] = {
    "فلسطین", "قزوین", "ماشین", "نوشین", "شیرین", "پایین",   "بنیامین", "تضمین",  "تامین",
    "تعیین",  "تمرین", "تزیین", "سنگین", "زرین",  "پروتیین", "ویتامین", "اسپرین", "کابین"};

template <std::size_t N>
bool is_one_of(std::string_view term, const std::string_view (&words)[N]) {
  return std::find(std::begin(words), std::end(words), term) != std::end(words);
}

std::string strip(std::string_view term, std::size_t suffix_bytes) {
  return std::string(term.substr(0, term.size() - suffix_bytes));
}

// The plural rules of persian_stem(), with its comparative and superlative rules when
// `comparatives`, or nothing when none applies.
std::optional<std::string> plural_stem(std::string_view term, std::size_t letters,
                                       bool comparatives) {
  // Without the superlative rule, ...ترین would read as an Arabic plural (بهترین -> بهتر).
  if (!comparatives && term.ends_with("ترین")) return std::nullopt;
  for (const SuffixRule& rule : kPluralRules) {
    if (!comparatives && rule.suffix == "ترین") continue;
    if (!term.ends_with(rule.suffix)) continue;
    if (letters - letters_in(rule.suffix) < rule.min_letters_left) break;
    if (rule.suffix == "ها" && is_one_of(term, kNotPlural)) break;
    return strip(term, rule.suffix.size());
  }
  if (comparatives && term.ends_with("تر") && letters - 2 >= 3 &&
      !is_one_of(term, kNotComparative)) {
    return strip(term, std::string_view("تر").size());
  }
  if (term.ends_with("ات") && letters - 2 >= 4) return strip(term, std::string_view("ات").size());
  if (term.ends_with("یان") && letters - 3 >= 3) {
    const std::string_view before = term.substr(0, term.size() - std::string_view("یان").size());
    if (before.ends_with("ا") || before.ends_with("و")) return std::string(before);
    return strip(term, std::string_view("ان").size());
  }
  if (term.ends_with("گان") && letters - 3 >= 4)
    return strip(term, std::string_view("گان").size()) + "ه";
  if (term.ends_with("ین") && letters - 2 >= 4 && !is_one_of(term, kNotArabicPlural)) {
    return strip(term, std::string_view("ین").size());
  }
  return std::nullopt;
}

}  // namespace

std::string persian_plural_stem(std::string_view term) {
  const std::size_t letters = letters_in(term);
  if (letters < 4) return std::string(term);
  return plural_stem(term, letters, false).value_or(std::string(term));
}

std::string persian_stem(std::string_view term) {
  const std::size_t letters = letters_in(term);
  if (letters < 4) return std::string(term);
  if (auto stem = plural_stem(term, letters, true)) return *std::move(stem);
  // Ezafe and clitics after a final ه: خانهی خانهای خانهام خانهات خانهاش -> خانه.
  for (const std::string_view clitic :
       {std::string_view("ای"), std::string_view("ام"), std::string_view("ات"),
        std::string_view("اش"), std::string_view("ی")}) {
    if (!term.ends_with(clitic)) continue;
    const std::string_view before = term.substr(0, term.size() - clitic.size());
    if (before.ends_with("ه") && letters_in(before) >= 3) return std::string(before);
  }
  // Ezafe ی after a final ا: آقای -> آقا. Not after و: too many surnames end in وی (رجوی, موسوی).
  if (term.ends_with("ی")) {
    const std::string_view before = term.substr(0, term.size() - std::string_view("ی").size());
    if (before.ends_with("ا") && letters_in(before) >= 3) return std::string(before);
  }
  return std::string(term);
}

}  // namespace kavosh::analysis
