#include "query_builder/vowel_variants.hpp"

#include "kavosh/text/utf8.hpp"

namespace kavosh::search::query_building {

namespace {
constexpr std::size_t kMinLetters = 6;
constexpr std::size_t kMaxVowelSlots = 3;
}  // namespace

std::vector<std::string> vowel_variants(const std::string& term, const QueryTerms& terms) {
  std::vector<std::string> found;
  if (term.size() < kMinLetters || !text::is_ascii(term)) return found;
  std::vector<std::size_t> slots;
  for (std::size_t i = 0; i < term.size(); ++i) {
    const char c = term[i];
    if ((c == 'o' || c == 'u') && slots.size() < kMaxVowelSlots) slots.push_back(i);
  }
  std::string variant;
  for (unsigned mask = 1; mask < (1u << slots.size()); ++mask) {
    variant = term;
    for (std::size_t k = 0; k < slots.size(); ++k)
      if (mask & (1u << k)) variant[slots[k]] = variant[slots[k]] == 'o' ? 'u' : 'o';
    if (terms.holds(variant)) found.push_back(variant);
  }
  return found;
}

}  // namespace kavosh::search::query_building
