#pragma once
// Word segmentation of pure-ASCII text by the same UAX #29 rules ICU's root word
// BreakIterator applies to ASCII (letters, digits, '_' joiners, "don't", "3.14", "5,000",
// "U.S.A", "user@example.com"), without converting to UTF-16. A property test checks it against
// ICU.
#include <cstdint>
#include <string_view>
#include <vector>

namespace kavosh::analysis {

struct WordSpan {
  std::uint32_t begin = 0;  // byte offsets into the analyzed text
  std::uint32_t end = 0;
  bool operator==(const WordSpan&) const = default;
};

// Appends the word segments (ICU rule status other than "none") of `text`, which must be
// ASCII, shifted by `base`.
void break_ascii_words(std::string_view text, std::uint32_t base, std::vector<WordSpan>& out);

}  // namespace kavosh::analysis
