#pragma once
// Word tokenizer: ICU's root word BreakIterator (UAX #29, with ICU's dictionaries for
// CJK, Thai, Lao, Khmer, Burmese) over the whole text, except that stretches of pure-ASCII
// pieces (between ASCII whitespace) take the ASCII fast path, and stretches of plain
// Arabic-script words (letters, harakat, ZWNJ; punctuation at the edges) skip ICU too: the
// same words.
// A final step joins two words separated by a single backtick ("Badi`zadegan"), since
// ICU splits there but the backtick is typed as an apostrophe in romanized names; and
// another cuts between digits and Arabic-script letters ("۹کیلومتر", "عرض۶"): UAX #29 keeps
// digits and letters together, but in Persian text that is a missing space, not a word.
#include <memory>
#include <string_view>
#include <vector>

#include "ascii_word_breaker.hpp"

namespace kavosh::analysis {

class IcuWordBreaker {
 public:
  IcuWordBreaker();
  ~IcuWordBreaker();
  IcuWordBreaker(IcuWordBreaker&&) noexcept;
  IcuWordBreaker& operator=(IcuWordBreaker&&) noexcept;
  // Appends the word segments (rule status not "none") of `text`, shifted by `base`.
  void break_words(std::string_view text, std::uint32_t base, std::vector<WordSpan>& out);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

class WordTokenizer {
 public:
  // Replaces `out` with the word spans of `text`, in text order.
  void tokenize(std::string_view text, std::vector<WordSpan>& out);
  // The same without the ASCII fast path (for tests and benchmarks).
  void tokenize_with_icu_only(std::string_view text, std::vector<WordSpan>& out);

 private:
  // The words of the non-ASCII stretch text[begin, end): ICU's, unless all are plain Arabic-script
  // words.
  void break_stretch(std::string_view text, std::size_t begin, std::size_t end,
                     std::vector<WordSpan>& out);

  IcuWordBreaker icu_;
};

// Merges word spans separated by exactly one '`' between two Latin letters.
void join_backtick_words(std::string_view text, std::vector<WordSpan>& spans);

// Cuts word spans where a digit meets an Arabic-script letter (marks in between ignored).
void split_digits_from_arabic_letters(std::string_view text, std::vector<WordSpan>& spans);

}  // namespace kavosh::analysis
