// Passage splitting (see passages.hpp).
#include "kavosh/index/passages.hpp"

namespace kavosh::index {
namespace {

bool is_whitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Does a sentence end just before position `i` (which is whitespace or the end)?
bool sentence_ends_before(std::string_view text, std::size_t i) {
  std::size_t k = i;
  while (k > 0 && (text[k - 1] == '"' || text[k - 1] == '\'' || text[k - 1] == ')')) --k;
  if (k == 0) return false;
  const char c = text[k - 1];
  if (c == '.' || c == '!' || c == '?') return true;
  // Arabic question mark U+061F (D8 9F) and Urdu full stop U+06D4 (DB 94).
  if (k >= 2) {
    const auto a = static_cast<unsigned char>(text[k - 2]);
    const auto b = static_cast<unsigned char>(text[k - 1]);
    if ((a == 0xD8 && b == 0x9F) || (a == 0xDB && b == 0x94)) return true;
  }
  return false;
}

std::string trimmed(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && is_whitespace(text[begin])) ++begin;
  while (end > begin && is_whitespace(text[end - 1])) --end;
  return std::string(text.substr(begin, end - begin));
}

}  // namespace

unsigned count_words(std::string_view text) {
  unsigned words = 0;
  bool in_word = false;
  for (char c : text) {
    if (is_whitespace(c)) {
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
    const bool boundary = i == text.size() || is_whitespace(text[i]);
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
