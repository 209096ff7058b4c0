#pragma once
// ASCII character classes, case mapping, trimming and whitespace runs: byte-wise, independent
// of the C locale (std::tolower and std::isspace follow it), and never touching a byte >= 0x80,
// so UTF-8 text passes through unchanged.
#include <string>
#include <string_view>

namespace kavosh::text {

constexpr bool is_ascii_upper(char c) { return c >= 'A' && c <= 'Z'; }
constexpr bool is_ascii_lower(char c) { return c >= 'a' && c <= 'z'; }
constexpr bool is_ascii_letter(char c) { return is_ascii_upper(c) || is_ascii_lower(c); }
constexpr bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
// The six characters C's isspace() accepts in the "C" locale.
constexpr bool is_ascii_whitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

constexpr char ascii_lower(char c) {
  return is_ascii_upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr char ascii_upper(char c) {
  return is_ascii_lower(c) ? static_cast<char>(c - 'a' + 'A') : c;
}
// ASCII letters lowered, every other byte kept: file names, field names, keywords, language codes.
std::string ascii_lower(std::string_view text);
void ascii_lower_in_place(std::string& text);

// `text` without the ASCII whitespace at either end.
std::string_view trim_ascii_whitespace(std::string_view text);

// `text` on one line: every run of ASCII whitespace, line breaks included, becomes one space,
// and there is none at either end. (The indexer's collapse_spaces_keep_lines, text_cleanup.hpp,
// is the other meaning: it keeps line breaks.)
std::string collapse_whitespace_to_one_line(std::string_view text);

}  // namespace kavosh::text
