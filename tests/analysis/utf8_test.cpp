// Decoding stage: ill-formed UTF-8 becomes U+FFFD per maximal subpart, offsets stay exact.
#include "utf8.hpp"

#include <gtest/gtest.h>

namespace kavosh::analysis {
namespace {

struct DecodeCase {
  std::string bytes;
  std::vector<char32_t> code_points;
  std::vector<std::uint32_t> lengths;
};

std::pair<std::vector<char32_t>, std::vector<std::uint32_t>> decode_all(std::string_view text) {
  std::vector<char32_t> values;
  std::vector<std::uint32_t> lengths;
  for (std::size_t offset = 0; offset < text.size();) {
    const DecodedCodePoint cp = decode_utf8(text, offset);
    values.push_back(cp.value);
    lengths.push_back(cp.length);
    offset += cp.length;
  }
  return {values, lengths};
}

TEST(Utf8Decoding, DecodesWellFormedAndReplacesIllFormedSequences) {
  const std::vector<DecodeCase> cases = {
      {"abc", {'a', 'b', 'c'}, {1, 1, 1}},
      {"\xC3\xA2", {0xE2}, {2}},                                             // â
      {"\xDB\x8C", {0x06CC}, {2}},                                           // ی
      {"\xE2\x80\x8C", {0x200C}, {3}},                                       // ZWNJ
      {"\xF0\x9F\x98\x80", {0x1F600}, {4}},                                  // 😀
      {"\xFF", {0xFFFD}, {1}},                                               // never a lead byte
      {"\x80", {0xFFFD}, {1}},                                               // stray continuation
      {"\xC0\xAF", {0xFFFD, 0xFFFD}, {1, 1}},                                // overlong lead
      {"\xE0\x80\x80", {0xFFFD, 0xFFFD, 0xFFFD}, {1, 1, 1}},                 // overlong 3-byte form
      {"\xED\xA0\x80", {0xFFFD, 0xFFFD, 0xFFFD}, {1, 1, 1}},                 // surrogate
      {"\xF4\x90\x80\x80", {0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD}, {1, 1, 1, 1}},  // > U+10FFFF
      {"\xE2\x80", {0xFFFD}, {2}},           // truncated: one maximal subpart
      {"\xE2\x80x", {0xFFFD, 'x'}, {2, 1}},  // resynchronizes on the next byte
      {"\xF0\x9F\x98", {0xFFFD}, {3}},
      {"a\xC3", {'a', 0xFFFD}, {1, 1}},
  };
  for (const DecodeCase& c : cases) {
    const auto [values, lengths] = decode_all(c.bytes);
    EXPECT_EQ(values, c.code_points) << "input bytes of length " << c.bytes.size();
    EXPECT_EQ(lengths, c.lengths) << "input bytes of length " << c.bytes.size();
  }
}

TEST(Utf8Encoding, AppendsEveryLength) {
  std::string out;
  for (const char32_t c : {char32_t{'a'}, char32_t{0xE2}, char32_t{0x06CC}, char32_t{0x1F600}})
    append_utf8(out, c);
  EXPECT_EQ(out, "a\xC3\xA2\xDB\x8C\xF0\x9F\x98\x80");
}

TEST(Utf8Ascii, FindsFirstNonAsciiByteAcrossWordBoundaries) {
  EXPECT_EQ(find_first_non_ascii("plain ascii text, longer than eight"), 35u);
  EXPECT_EQ(find_first_non_ascii("0123456789\xC3\xA2"), 10u);
  EXPECT_EQ(find_first_non_ascii("\xC3\xA2", 0), 0u);
  EXPECT_EQ(find_first_non_ascii("ab\xC3\xA2", 3), 3u);
  EXPECT_TRUE(is_ascii(""));
  EXPECT_FALSE(is_ascii("abcdefghijklmnop\x80"));
}

TEST(Utf8ToUtf16, KeepsTheByteOffsetOfEveryUnit) {
  Utf16WithOffsets out;
  to_utf16_with_offsets("a\xC3\xA2\xF0\x9F\x98\x80\xFF", out);
  EXPECT_EQ(out.units,
            (std::u16string{u'a', u'\u00E2', char16_t{0xD83D}, char16_t{0xDE00}, u'\uFFFD'}));
  EXPECT_EQ(out.byte_offsets, (std::vector<std::uint32_t>{0, 1, 3, 3, 7, 8}));
}

}  // namespace
}  // namespace kavosh::analysis
