#include "compound_joiner.hpp"

#include <algorithm>

#include "kavosh/text/arabic_script.hpp"
#include "kavosh/text/utf8.hpp"

namespace kavosh::analysis {
namespace {

constexpr std::string_view kPrefixes[] = {"می", "نمی", "بی"};
constexpr std::string_view kSuffixes[] = {
    "ها",   "های", "هایی", "هایم", "هایت", "هایش", "هایمان", "هایتان", "هایشان", "تر",
    "ترین", "ای",  "ام",   "ات",   "اش",   "ایم",  "اید",    "اند",    "گر",     "گری"};
constexpr std::string_view kEzafeYeh = "ی";
constexpr std::size_t kMaxCompoundParts = 3;
constexpr std::string_view kHeh = "ه";

bool is_separator_whitespace(char32_t c) {
  return c == ' ' || c == '\t' || c == 0x00A0 || c == text::kZeroWidthNonJoiner || c == 0x202F ||
         c == 0x2009 || c == 0x200B;
}

bool only_whitespace_between(std::string_view text, std::uint32_t begin, std::uint32_t end) {
  if (begin >= end) return false;
  for (std::size_t offset = begin; offset < end;) {
    const text::DecodedCodePoint cp = text::decode_utf8(text, offset);
    if (!is_separator_whitespace(cp.value)) return false;
    offset += cp.length;
  }
  return true;
}

}  // namespace

bool is_joinable_prefix(std::string_view term) {
  return std::find(std::begin(kPrefixes), std::end(kPrefixes), term) != std::end(kPrefixes);
}

bool is_joinable_suffix(std::string_view first_term, std::string_view suffix_term) {
  if (std::find(std::begin(kSuffixes), std::end(kSuffixes), suffix_term) != std::end(kSuffixes))
    return true;
  // A word that ends in heh, and is more than the heh: a lone "ه" is no word an ezafe follows.
  return suffix_term == kEzafeYeh && first_term.size() > kHeh.size() && first_term.ends_with(kHeh);
}

void join_spaced_compounds(std::string_view text, std::vector<Token>& tokens) {
  // Most texts (all non-Persian ones) have no Arabic-script neighbours: leave them untouched
  // without copying anything.
  bool has_arabic_neighbours = false;
  for (std::size_t i = 0; i + 1 < tokens.size() && !has_arabic_neighbours; ++i) {
    has_arabic_neighbours =
        tokens[i].script == Script::Arabic && tokens[i + 1].script == Script::Arabic;
  }
  if (!has_arabic_neighbours) return;
  std::vector<Token> joined;
  joined.reserve(tokens.size() + tokens.size() / 4);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    joined.push_back(tokens[i]);
    const Token& first = tokens[i];
    if (first.script != Script::Arabic) continue;
    // Grow a chain: the first link needs a prefix or a suffix, later links a suffix
    // ("محبوب ترین ها" -> محبوبترین, then محبوبترینها).
    std::string compound = first.term;
    for (std::size_t k = i + 1; k < tokens.size() && k - i < kMaxCompoundParts; ++k) {
      const Token& next = tokens[k];
      if (next.script != Script::Arabic) break;
      const bool suffix = is_joinable_suffix(compound, next.term);
      if (k == i + 1) {
        if (is_joinable_prefix(first.term) == suffix) break;  // neither, or "می ها"
      } else if (!suffix) {
        break;
      }
      if (!only_whitespace_between(text, tokens[k - 1].end, next.begin)) break;
      compound += next.term;
      Token stacked;
      stacked.term = compound;
      stacked.position = first.position;
      stacked.span = static_cast<std::uint32_t>(k - i + 1);
      stacked.begin = first.begin;
      stacked.end = next.end;
      stacked.script = Script::Arabic;
      joined.push_back(std::move(stacked));
    }
  }
  tokens.swap(joined);
}

}  // namespace kavosh::analysis
