#pragma once
// UTF-8 decoding that never fails: each ill-formed sequence (its maximal subpart, as the
// Unicode standard recommends) becomes one U+FFFD, and every code point keeps the byte
// offset where it started, so later stages can report offsets into the original bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kavosh::analysis {

inline constexpr char32_t kReplacementCharacter = 0xFFFD;

struct DecodedCodePoint {
  char32_t value;
  std::uint32_t length;  // bytes consumed (1..4), also for an ill-formed sequence
};

// Decodes the code point starting at `offset` (< text.size()).
DecodedCodePoint decode_utf8(std::string_view text, std::size_t offset);

void append_utf8(std::string& out, char32_t code_point);

// Index of the first byte >= 0x80 at or after `from`, or text.size().
std::size_t find_first_non_ascii(std::string_view text, std::size_t from = 0);
inline bool is_ascii(std::string_view text) { return find_first_non_ascii(text) == text.size(); }

// UTF-16 form of a UTF-8 text for ICU, with the byte offset of every UTF-16 unit's code point
// (byte_offsets[i] for unit i; byte_offsets[size] == the input size). Ill-formed input
// becomes U+FFFD, so ICU always sees well-formed text.
struct Utf16WithOffsets {
  std::u16string units;
  std::vector<std::uint32_t> byte_offsets;
};
void to_utf16_with_offsets(std::string_view text, Utf16WithOffsets& out);

}  // namespace kavosh::analysis
