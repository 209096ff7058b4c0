// Passage splitting (see passages.hpp).
#include "kavosh/index/passages.hpp"

#include "kavosh/text/arabic_script.hpp"
#include "kavosh/text/ascii.hpp"
#include "kavosh/text/utf8.hpp"

namespace kavosh::index {
namespace {

using text::is_ascii_whitespace;

// Does a sentence end just before position `i` (which is whitespace or the end)?
bool sentence_ends_before(std::string_view text, std::size_t i) {
  std::size_t k = i;
  while (k > 0 && (text[k - 1] == '"' || text[k - 1] == '\'' || text[k - 1] == ')')) --k;
  if (k == 0) return false;
  const char c = text[k - 1];
  if (c == '.' || c == '!' || c == '?') return true;
  const char32_t last = text::decode_utf8_before(text, k).value;
  return last == text::kArabicQuestionMark || last == text::kArabicFullStop;
}

std::string trimmed(std::string_view text) {
  return std::string(text::trim_ascii_whitespace(text));
}

}  // namespace

unsigned count_words(std::string_view text) {
  unsigned words = 0;
  bool in_word = false;
  for (char c : text) {
    if (is_ascii_whitespace(c)) {
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      ++words;
    }
  }
  return words;
}

std::vector<std::string> split_long_text(std::string_view text, PassageLimits limits) {
  std::vector<std::string> pieces;
  if (limits.max_words < limits.min_words) limits.max_words = limits.min_words;
  std::size_t piece_start = 0;
  unsigned words = 0;
  bool in_word = false;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    const bool boundary = i == text.size() || is_ascii_whitespace(text[i]);
    if (!boundary) {
      if (!in_word) ++words;
      in_word = true;
      continue;
    }
    if (!in_word) continue;
    in_word = false;
    if (i == text.size()) break;
    if ((words >= limits.min_words && sentence_ends_before(text, i)) || words >= limits.max_words) {
      std::string piece = trimmed(text.substr(piece_start, i - piece_start));
      if (!piece.empty()) pieces.push_back(std::move(piece));
      piece_start = i;
      words = 0;
    }
  }
  std::string tail = trimmed(text.substr(piece_start));
  if (!tail.empty()) {
    if (!pieces.empty() && words < limits.min_tail_words) {
      pieces.back() += ' ';
      pieces.back() += tail;
    } else {
      pieces.push_back(std::move(tail));
    }
  }
  return pieces;
}

}  // namespace kavosh::index
