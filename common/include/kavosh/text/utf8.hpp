#pragma once
// UTF-8: the project's one decoder and encoder.
//
// Decoding is strict, as Unicode defines well-formed UTF-8 (table 3-7): overlong forms,
// surrogates (U+D800..U+DFFF), values above U+10FFFF and sequences cut short are ill-formed.
// Replacement policy: each maximal subpart of an ill-formed sequence (Unicode 3.9, "U+FFFD
// substitution of maximal subparts", as ICU and the WHATWG encoding standard do) decodes as
// one U+FFFD flagged ill_formed, and decoding goes on at the next byte. Decoding therefore
// never fails and never skips a byte, so every code point keeps the byte offset where it
// started and later stages can report offsets into the original bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kavosh::text {

inline constexpr char32_t kReplacementCharacter = 0xFFFD;
inline constexpr char32_t kMaxCodePoint = 0x10FFFF;

struct DecodedCodePoint {
  char32_t value;           // kReplacementCharacter when ill_formed
  std::uint32_t length;     // bytes consumed: 1..4, and 1..3 for an ill-formed subpart
  bool ill_formed = false;  // tells a replaced subpart from a U+FFFD written in the text
};

// The sequence of two to four bytes starting at text[offset]; use decode_utf8.
DecodedCodePoint decode_multibyte_utf8(std::string_view text, std::size_t offset);

// Decodes the code point starting at `offset` (< text.size()). ASCII and well-formed
// two-byte sequences (Arabic script, Latin with diacritics) are decoded inline: they are
// nearly all the code points the analyzer reads.
inline DecodedCodePoint decode_utf8(std::string_view text, std::size_t offset) {
  const auto lead = static_cast<unsigned char>(text[offset]);
  if (lead < 0x80) return {lead, 1};
  if (lead >= 0xC2 && lead < 0xE0 && offset + 1 < text.size()) {
    const auto next = static_cast<unsigned char>(text[offset + 1]);
    if ((next & 0xC0) == 0x80)
      return {static_cast<char32_t>((lead & 0x1F) << 6 | (next & 0x3F)), 2};
  }
  return decode_multibyte_utf8(text, offset);
}

// Decodes the code point that ends at `end` (0 < end <= text.size()), reading backwards over at
// most three continuation bytes. Bytes before `end` that do not end a well-formed sequence give
// one ill-formed U+FFFD of length 1, so a backward walk also advances by at least one byte.
DecodedCodePoint decode_utf8_before(std::string_view text, std::size_t end);

inline bool is_utf8_continuation_byte(char byte) {
  return (static_cast<unsigned char>(byte) & 0xC0) == 0x80;
}

// The largest offset <= at (<= text.size()) that does not fall inside a sequence: where a text
// may be cut without splitting a code point.
std::size_t utf8_boundary_at_or_before(std::string_view text, std::size_t at);

// Code points of well-formed text (the bytes that are not continuation bytes; on ill-formed
// text this can differ from the number of code points decode_utf8 gives).
std::size_t count_code_points(std::string_view text);

// Appends the UTF-8 form of `code_point` (<= kMaxCodePoint, not a surrogate). One- and
// two-byte forms inline (callgrind: the call cost more than the work for Persian terms).
void append_multibyte_utf8(std::string& out, char32_t code_point);
inline void append_utf8(std::string& out, char32_t code_point) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    const char bytes[2] = {static_cast<char>(0xC0 | (code_point >> 6)),
                           static_cast<char>(0x80 | (code_point & 0x3F))};
    out.append(bytes, 2);
  } else {
    append_multibyte_utf8(out, code_point);
  }
}

// Index of the first byte >= 0x80 at or after `from`, or text.size().
std::size_t find_first_non_ascii(std::string_view text, std::size_t from = 0);
inline bool is_ascii(std::string_view text) { return find_first_non_ascii(text) == text.size(); }
// Whether every byte belongs to a well-formed sequence (what decode_utf8 reads without a
// replacement): no overlong forms, surrogates, code points past U+10FFFF or cut sequences.
bool is_well_formed_utf8(std::string_view text);

// UTF-16 form of a UTF-8 text (for ICU), with the byte offset of every UTF-16 unit's code point
// (byte_offsets[i] for unit i; byte_offsets[size] == the input size). Ill-formed input becomes
// U+FFFD by the policy above, so ICU always sees well-formed text.
struct Utf16WithOffsets {
  std::u16string units;
  std::vector<std::uint32_t> byte_offsets;
};
void to_utf16_with_offsets(std::string_view text, Utf16WithOffsets& out);

}  // namespace kavosh::text
