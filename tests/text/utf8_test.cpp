// The one UTF-8 decoder: well-formed text decodes, every ill-formed maximal subpart becomes one
// U+FFFD flagged ill_formed, and offsets stay exact. The edges of table 3-7 are tested on both
// sides: overlong forms, surrogates, the largest code point, sequences cut short.
#include "kavosh/text/utf8.hpp"

#include <gtest/gtest.h>

namespace kavosh::text {
namespace {

struct DecodeCase {
  std::string bytes;
  std::vector<char32_t> code_points;
  std::vector<std::uint32_t> lengths;
};

struct Decoded {
  std::vector<char32_t> values;
  std::vector<std::uint32_t> lengths;
  std::vector<bool> ill_formed;
};

Decoded decode_all(std::string_view text) {
  Decoded out;
  for (std::size_t offset = 0; offset < text.size();) {
    const DecodedCodePoint cp = decode_utf8(text, offset);
    out.values.push_back(cp.value);
    out.lengths.push_back(cp.length);
    out.ill_formed.push_back(cp.ill_formed);
    offset += cp.length;
  }
  return out;
}

std::string hex(std::string_view bytes) {
  std::string out;
  for (const char c : bytes) {
    char buffer[4];
    std::snprintf(buffer, sizeof buffer, "%02X ", static_cast<unsigned char>(c));
    out += buffer;
  }
  return out;
}

TEST(Utf8Decoding, DecodesWellFormedSequencesAtTheEdgesOfEachLength) {
  const std::vector<DecodeCase> cases = {
      {"abc", {'a', 'b', 'c'}, {1, 1, 1}},
      {std::string("\x00\x7F", 2), {0x00, 0x7F}, {1, 1}},  // the ASCII range's ends
      {"\xC2\x80", {0x80}, {2}},                           // smallest two-byte value
      {"\xDF\xBF", {0x7FF}, {2}},                          // largest two-byte value
      {"\xE0\xA0\x80", {0x800}, {3}},                      // smallest three-byte value
      {"\xED\x9F\xBF", {0xD7FF}, {3}},                     // just below the surrogates
      {"\xEE\x80\x80", {0xE000}, {3}},                     // just above them
      {"\xEF\xBF\xBD", {0xFFFD}, {3}},                     // U+FFFD written in the text
      {"\xEF\xBF\xBF", {0xFFFF}, {3}},
      {"\xF0\x90\x80\x80", {0x10000}, {4}},                // smallest four-byte value
      {"\xF4\x8F\xBF\xBF", {0x10FFFF}, {4}},               // the largest code point
      {"\xDB\x8C\xE2\x80\x8C", {0x06CC, 0x200C}, {2, 3}},  // ی ZWNJ
  };
  for (const DecodeCase& c : cases) {
    const Decoded decoded = decode_all(c.bytes);
    EXPECT_EQ(decoded.values, c.code_points) << hex(c.bytes);
    EXPECT_EQ(decoded.lengths, c.lengths) << hex(c.bytes);
    EXPECT_EQ(decoded.ill_formed, std::vector<bool>(c.code_points.size(), false)) << hex(c.bytes);
  }
}

TEST(Utf8Decoding, ReplacesEachMaximalSubpartOfAnIllFormedSequenceWithOneReplacement) {
  const std::vector<DecodeCase> cases = {
      {"\x80", {0xFFFD}, {1}},  // a continuation byte alone
      {"\xBF", {0xFFFD}, {1}},
      {"\xFF", {0xFFFD}, {1}},                                               // never in UTF-8
      {"\xF5\x80\x80\x80", {0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD}, {1, 1, 1, 1}},  // lead beyond F4
      // Overlong forms: '/' as two bytes, the largest overlong of each length.
      {"\xC0\xAF", {0xFFFD, 0xFFFD}, {1, 1}},
      {"\xC1\xBF", {0xFFFD, 0xFFFD}, {1, 1}},
      {"\xE0\x9F\xBF", {0xFFFD, 0xFFFD, 0xFFFD}, {1, 1, 1}},
      {"\xF0\x8F\xBF\xBF", {0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD}, {1, 1, 1, 1}},
      // Surrogates: the first and the last.
      {"\xED\xA0\x80", {0xFFFD, 0xFFFD, 0xFFFD}, {1, 1, 1}},
      {"\xED\xBF\xBF", {0xFFFD, 0xFFFD, 0xFFFD}, {1, 1, 1}},
      // Just above the largest code point, U+110000.
      {"\xF4\x90\x80\x80", {0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD}, {1, 1, 1, 1}},
      // Cut short at the end of the text: one replacement for what is there.
      {"\xC3", {0xFFFD}, {1}},
      {"\xE2\x80", {0xFFFD}, {2}},
      {"\xF0\x9F\x98", {0xFFFD}, {3}},
      {"a\xF4\x8F\xBF", {'a', 0xFFFD}, {1, 3}},
      // Cut short by another byte: decoding goes on at that byte.
      {"\xE2\x80x", {0xFFFD, 'x'}, {2, 1}},
      {"\xE2\xDB\x8C", {0xFFFD, 0x06CC}, {1, 2}},
  };
  for (const DecodeCase& c : cases) {
    const Decoded decoded = decode_all(c.bytes);
    EXPECT_EQ(decoded.values, c.code_points) << hex(c.bytes);
    EXPECT_EQ(decoded.lengths, c.lengths) << hex(c.bytes);
    for (std::size_t i = 0; i < decoded.values.size(); ++i)
      EXPECT_EQ(decoded.ill_formed[i], decoded.values[i] == kReplacementCharacter) << hex(c.bytes);
  }
}

TEST(Utf8Decoding, DecodesBackwardsAsForwards) {
  const std::string text = "a\xC3\xA2\xDB\x8C\xF0\x9F\x98\x80";
  std::vector<char32_t> backwards;
  for (std::size_t end = text.size(); end > 0;) {
    const DecodedCodePoint cp = decode_utf8_before(text, end);
    backwards.push_back(cp.value);
    end -= cp.length;
  }
  EXPECT_EQ(backwards, (std::vector<char32_t>{0x1F600, 0x06CC, 0xE2, 'a'}));
  // A continuation byte that ends no sequence: one byte back, replaced.
  const DecodedCodePoint stray = decode_utf8_before("a\x80", 2);
  EXPECT_EQ(stray.value, kReplacementCharacter);
  EXPECT_EQ(stray.length, 1u);
  EXPECT_TRUE(stray.ill_formed);
  // A sequence cut short at `end` is one maximal subpart backwards as forwards.
  const DecodedCodePoint cut = decode_utf8_before("\xE2\x80", 2);
  EXPECT_EQ(cut.length, 2u);
  EXPECT_TRUE(cut.ill_formed);
}

TEST(Utf8Validation, AcceptsWellFormedTextAndRefusesEveryIllFormedSubpart) {
  EXPECT_TRUE(is_well_formed_utf8(""));
  EXPECT_TRUE(
      is_well_formed_utf8("mojahedin \u0645\u062c\u0627\u0647\u062f\u06cc\u0646 \U0010FFFF"));
  for (const std::string& bad :
       {std::string("\xC0\xA2"), std::string("\xED\xA0\x80"), std::string("\xF4\x90\x80\x80"),
        std::string("ok\xE2\x82"), std::string("\x80"), std::string("\xF5\x80\x80\x80")})
    EXPECT_FALSE(is_well_formed_utf8(bad)) << bad.size();
}

TEST(Utf8Boundaries, CutsNeverSplitACodePoint) {
  const std::string text = "a\xDB\x8C\xF0\x9F\x98\x80";
  EXPECT_EQ(utf8_boundary_at_or_before(text, 0), 0u);
  EXPECT_EQ(utf8_boundary_at_or_before(text, 1), 1u);
  EXPECT_EQ(utf8_boundary_at_or_before(text, 2), 1u);
  EXPECT_EQ(utf8_boundary_at_or_before(text, 3), 3u);
  EXPECT_EQ(utf8_boundary_at_or_before(text, 6), 3u);
  EXPECT_EQ(utf8_boundary_at_or_before(text, 7), 7u);
  EXPECT_EQ(count_code_points(text), 3u);
  EXPECT_EQ(count_code_points(""), 0u);
}

// decode_utf8 reads ASCII and two-byte sequences inline and hands the rest to
// decode_multibyte_utf8: every lead byte with every next byte, and every lead alone at the
// end of the text, must decode as the out-of-line decoder does.
TEST(Utf8Decoding, TheInlineTwoByteReadingAgreesWithTheFullDecoder) {
  for (unsigned lead = 0x80; lead <= 0xFF; ++lead) {
    const std::string alone(1, static_cast<char>(lead));
    const DecodedCodePoint inline_alone = decode_utf8(alone, 0);
    const DecodedCodePoint full_alone = decode_multibyte_utf8(alone, 0);
    EXPECT_EQ(inline_alone.value, full_alone.value) << hex(alone);
    EXPECT_EQ(inline_alone.length, full_alone.length) << hex(alone);
    EXPECT_EQ(inline_alone.ill_formed, full_alone.ill_formed) << hex(alone);
    for (unsigned next = 0; next <= 0xFF; ++next) {
      const std::string bytes{static_cast<char>(lead), static_cast<char>(next), '\x80', '\x80'};
      const DecodedCodePoint fast = decode_utf8(bytes, 0);
      const DecodedCodePoint full = decode_multibyte_utf8(bytes, 0);
      ASSERT_EQ(fast.value, full.value) << hex(bytes);
      ASSERT_EQ(fast.length, full.length) << hex(bytes);
      ASSERT_EQ(fast.ill_formed, full.ill_formed) << hex(bytes);
    }
  }
}

// Every code point but the surrogates encodes to what decodes back to it, in as many bytes as
// its range takes (the inline one- and two-byte forms and the out-of-line longer ones).
TEST(Utf8Encoding, EveryCodePointRoundTrips) {
  for (char32_t c = 0; c <= kMaxCodePoint; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    std::string out;
    append_utf8(out, c);
    const std::size_t expected_length = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    ASSERT_EQ(out.size(), expected_length) << static_cast<std::uint32_t>(c);
    const DecodedCodePoint back = decode_utf8(out, 0);
    ASSERT_EQ(back.value, c) << hex(out);
    ASSERT_EQ(back.length, expected_length) << hex(out);
    ASSERT_FALSE(back.ill_formed) << hex(out);
  }
}

TEST(Utf8Encoding, AppendsEveryLengthAtItsEdges) {
  std::string out;
  for (const char32_t c : {char32_t{'a'}, char32_t{0x7F}, char32_t{0x80}, char32_t{0x7FF},
                           char32_t{0x800}, char32_t{0xFFFF}, char32_t{0x10000}, kMaxCodePoint})
    append_utf8(out, c);
  EXPECT_EQ(out, "a\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF");
  const Decoded decoded = decode_all(out);
  EXPECT_EQ(decoded.values,
            (std::vector<char32_t>{'a', 0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, kMaxCodePoint}));
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
}  // namespace kavosh::text
