#pragma once
// Unsigned LEB128 varints, as the format's files write them: seven bits a byte, least
// significant first, the high bit set on every byte but the last.
#include <cstdint>
#include <string>

namespace kavosh::index {

inline void put_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

// Reads a varint of at most 64 bits from `at`, never past `end`, and moves `at` past it; false
// (with `at` anywhere up to `end`) when the bytes end first or it is longer than 64 bits.
inline bool read_varint(const unsigned char*& at, const unsigned char* end, std::uint64_t& value) {
  if (at < end && *at < 0x80) {  // one byte: most lengths, counts and gaps
    value = *at++;
    return true;
  }
  value = 0;
  for (unsigned shift = 0; at < end && shift < 64; shift += 7) {
    const unsigned char byte = *at++;
    const std::uint64_t bits = byte & 0x7F;
    if (shift == 63 && bits > 1) return false;
    value |= bits << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

}  // namespace kavosh::index
