#include "ascii_word_breaker.hpp"

#include <array>

namespace kavosh::analysis {
namespace {

// Word_Break property values of the ASCII characters (UAX #29 table 3, as ICU's root rules
// tailor it: ':' is taken out of MidLetter, '@' is put into ALetter).
enum class WordBreak : std::uint8_t {
  Other,
  Letter,
  Numeric,
  MidNumLet,
  MidNum,
  ExtendNumLet,
  Space,
  Newline
};

constexpr std::array<WordBreak, 128> make_table() {
  std::array<WordBreak, 128> table{};
  for (char c = 'a'; c <= 'z'; ++c) table[static_cast<unsigned char>(c)] = WordBreak::Letter;
  for (char c = 'A'; c <= 'Z'; ++c) table[static_cast<unsigned char>(c)] = WordBreak::Letter;
  for (char c = '0'; c <= '9'; ++c) table[static_cast<unsigned char>(c)] = WordBreak::Numeric;
  table['.'] = WordBreak::MidNumLet;
  table['\''] = WordBreak::MidNumLet;  // Single_Quote: behaves as MidNumLetQ here
  table[','] = WordBreak::MidNum;
  table[';'] = WordBreak::MidNum;
  table['_'] = WordBreak::ExtendNumLet;
  table['@'] = WordBreak::Letter;  // ICU's root rules add '@' to ALetter (e-mail addresses)
  table[' '] = WordBreak::Space;
  table['\n'] = WordBreak::Newline;
  table['\r'] = WordBreak::Newline;
  table['\v'] = WordBreak::Newline;
  table['\f'] = WordBreak::Newline;
  return table;
}
constexpr std::array<WordBreak, 128> kWordBreak = make_table();

inline WordBreak word_break_at(std::string_view text, std::size_t i) {
  return kWordBreak[static_cast<unsigned char>(text[i]) & 0x7F];
}

inline bool is_alnum_class(WordBreak w) {
  return w == WordBreak::Letter || w == WordBreak::Numeric;
}

}  // namespace

void break_ascii_words(std::string_view text, std::uint32_t base, std::vector<WordSpan>& out) {
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const WordBreak first = word_break_at(text, i);
    if (!is_alnum_class(first) && first != WordBreak::ExtendNumLet) {
      ++i;  // a non-word segment (punctuation, spaces): never part of a word token
      continue;
    }
    // A segment of letters/digits/'_' (WB5, WB8-WB10, WB13a/b) with single MidLetter-like
    // characters between letters (WB6/7) or between digits (WB11/12).
    const std::size_t start = i;
    WordBreak previous = first;
    ++i;
    while (i < n) {
      const WordBreak current = word_break_at(text, i);
      if (is_alnum_class(current) || current == WordBreak::ExtendNumLet) {
        previous = current;
        ++i;
        continue;
      }
      if (i + 1 < n && (current == WordBreak::MidNumLet || current == WordBreak::MidNum)) {
        const WordBreak next = word_break_at(text, i + 1);
        const bool letters = current == WordBreak::MidNumLet && previous == WordBreak::Letter &&
                             next == WordBreak::Letter;
        const bool digits = previous == WordBreak::Numeric && next == WordBreak::Numeric;
        if (letters || digits) {
          previous = next;
          i += 2;
          continue;
        }
      }
      break;
    }
    // ICU gives a lone '_' the "none" status; every other such segment is a word.
    if (!(i - start == 1 && first == WordBreak::ExtendNumLet)) {
      out.push_back(
          {base + static_cast<std::uint32_t>(start), base + static_cast<std::uint32_t>(i)});
    }
  }
}

}  // namespace kavosh::analysis
