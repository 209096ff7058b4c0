// Spelling dictionary keys (schema.hpp, "Spelling keys").
#include <algorithm>
#include <cstdint>
#include <iterator>

#include "kavosh/format/schema.hpp"
#include "kavosh/text/arabic_script.hpp"
#include "kavosh/text/utf8.hpp"

namespace kavosh::index::schema {
namespace {

// A key's letters, in code point order so that keys sort as their words.
constexpr char32_t kArabicSpellingLetters[] = {
    // U+0621..U+063A hamza .. ghain, U+0640 tatweel, U+0641..U+064A feh .. yeh
    0x0621, 0x0622, 0x0623, 0x0624, 0x0625, 0x0626, 0x0627, 0x0628, 0x0629, 0x062A, 0x062B, 0x062C,
    0x062D, 0x062E, 0x062F, 0x0630, 0x0631, 0x0632, 0x0633, 0x0634, 0x0635, 0x0636, 0x0637, 0x0638,
    0x0639, 0x063A, 0x0640, 0x0641, 0x0642, 0x0643, 0x0644, 0x0645, 0x0646, 0x0647, 0x0648, 0x0649,
    0x064A,
    // harakat, hamza above/below, superscript alef, alef wasla (kept by --no-normalize indexes)
    0x064B, 0x064C, 0x064D, 0x064E, 0x064F, 0x0650, 0x0651, 0x0652, 0x0654, 0x0655, 0x0670, 0x0671,
    // Persian, Kurdish and Urdu letters, then ZWNJ
    0x067E, 0x0686, 0x0698, 0x06A9, 0x06AF, 0x06B5, 0x06BE, 0x06C0, 0x06C1, 0x06CC, 0x06CE, 0x06D2,
    0x06D5, 0x200C};
static_assert(std::size(kArabicSpellingLetters) <= 0x40, "one byte 0x80..0xBF a letter");

}  // namespace

std::optional<std::string> spelling_key(std::string_view word) {
  if (word.empty() || !text::is_arabic_block_lead_byte(static_cast<unsigned char>(word[0])))
    return std::string(word);
  std::string key(1, kArabicSpellingMark);
  for (std::size_t at = 0; at < word.size();) {
    const text::DecodedCodePoint decoded = text::decode_utf8(word, at);
    if (decoded.ill_formed) return std::nullopt;
    at += decoded.length;
    const char32_t letter = decoded.value;
    const auto* end = std::end(kArabicSpellingLetters);
    const auto* found = std::lower_bound(std::begin(kArabicSpellingLetters), end, letter);
    if (found == end || *found != letter) return std::nullopt;
    key.push_back(static_cast<char>(0x80 + (found - std::begin(kArabicSpellingLetters))));
  }
  return key;
}

std::string spelling_word(std::string_view key) {
  if (key.empty() || key[0] != kArabicSpellingMark) return std::string(key);
  std::string word;
  for (const char byte : key.substr(1)) {
    const auto slot = static_cast<std::uint8_t>(byte) - 0x80u;
    if (slot >= std::size(kArabicSpellingLetters)) return std::string(key);  // not a key of ours
    text::append_utf8(word, kArabicSpellingLetters[slot]);
  }
  return word;
}

}  // namespace kavosh::index::schema
