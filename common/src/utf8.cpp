#include "kavosh/text/utf8.hpp"

#include <cstring>

namespace kavosh::text {

DecodedCodePoint decode_multibyte_utf8(std::string_view text, std::size_t offset) {
  constexpr DecodedCodePoint kStrayByte{kReplacementCharacter, 1, true};
  const auto lead = static_cast<unsigned char>(text[offset]);
  // C0 and C1 could only start overlong forms; F5..FF would start values above U+10FFFF.
  if (lead < 0xC2 || lead > 0xF4) return kStrayByte;
  std::uint32_t continuation_bytes = 0;
  char32_t value = 0;
  // The range the first continuation byte must fall in: narrower after the leads whose full
  // range would hold overlong forms, surrogates or values above U+10FFFF (table 3-7).
  unsigned char lowest = 0x80;
  unsigned char highest = 0xBF;
  if (lead < 0xE0) {
    continuation_bytes = 1;
    value = lead & 0x1F;
  } else if (lead < 0xF0) {
    continuation_bytes = 2;
    value = lead & 0x0F;
    if (lead == 0xE0) lowest = 0xA0;   // below: overlong
    if (lead == 0xED) highest = 0x9F;  // above: surrogates
  } else {
    continuation_bytes = 3;
    value = lead & 0x07;
    if (lead == 0xF0) lowest = 0x90;   // below: overlong
    if (lead == 0xF4) highest = 0x8F;  // above: beyond U+10FFFF
  }
  std::uint32_t length = 1;
  for (std::uint32_t i = 0; i < continuation_bytes; ++i) {
    if (offset + length >= text.size()) return {kReplacementCharacter, length, true};
    const auto byte = static_cast<unsigned char>(text[offset + length]);
    if (byte < lowest || byte > highest) return {kReplacementCharacter, length, true};
    lowest = 0x80;
    highest = 0xBF;
    value = (value << 6) | (byte & 0x3F);
    ++length;
  }
  return {value, length};
}

DecodedCodePoint decode_utf8_before(std::string_view text, std::size_t end) {
  std::size_t begin = end - 1;
  while (begin > 0 && end - begin < 4 && is_utf8_continuation_byte(text[begin])) --begin;
  const DecodedCodePoint code_point = decode_utf8(text, begin);
  if (begin + code_point.length == end) return code_point;
  return {kReplacementCharacter, 1, true};
}

std::size_t utf8_boundary_at_or_before(std::string_view text, std::size_t at) {
  while (at > 0 && at < text.size() && is_utf8_continuation_byte(text[at])) --at;
  return at;
}

std::size_t count_code_points(std::string_view text) {
  std::size_t count = 0;
  for (const char byte : text) count += !is_utf8_continuation_byte(byte);
  return count;
}

void append_multibyte_utf8(std::string& out, char32_t c) {
  if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

bool is_well_formed_utf8(std::string_view text) {
  for (std::size_t i = find_first_non_ascii(text); i < text.size();) {
    const DecodedCodePoint decoded = decode_utf8(text, i);
    if (decoded.ill_formed) return false;
    i += decoded.length;
  }
  return true;
}

std::size_t find_first_non_ascii(std::string_view text, std::size_t from) {
  std::size_t i = from;
  const std::size_t n = text.size();
  // Eight bytes at a time: most text handed to the analyzer is long ASCII stretches.
  for (; i + 8 <= n; i += 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, text.data() + i, 8);
    if (chunk & 0x8080808080808080ULL) break;
  }
  for (; i < n; ++i) {
    if (static_cast<unsigned char>(text[i]) >= 0x80) return i;
  }
  return n;
}

void to_utf16_with_offsets(std::string_view text, Utf16WithOffsets& out) {
  out.units.clear();
  out.byte_offsets.clear();
  out.units.reserve(text.size());
  out.byte_offsets.reserve(text.size() + 1);
  for (std::size_t offset = 0; offset < text.size();) {
    const DecodedCodePoint cp = decode_utf8(text, offset);
    const auto begin = static_cast<std::uint32_t>(offset);
    if (cp.value < 0x10000) {
      out.units.push_back(static_cast<char16_t>(cp.value));
      out.byte_offsets.push_back(begin);
    } else {
      const char32_t v = cp.value - 0x10000;
      out.units.push_back(static_cast<char16_t>(0xD800 + (v >> 10)));
      out.units.push_back(static_cast<char16_t>(0xDC00 + (v & 0x3FF)));
      out.byte_offsets.push_back(begin);
      out.byte_offsets.push_back(begin);
    }
    offset += cp.length;
  }
  out.byte_offsets.push_back(static_cast<std::uint32_t>(text.size()));
}

}  // namespace kavosh::text
