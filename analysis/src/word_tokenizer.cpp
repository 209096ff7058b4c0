#include "word_tokenizer.hpp"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>

#include <optional>
#include <stdexcept>

#include "character_folding.hpp"
#include "kavosh/text/arabic_script.hpp"
#include "kavosh/text/ascii.hpp"
#include "kavosh/text/utf8.hpp"

namespace kavosh::analysis {

using text::decode_utf8;
using text::DecodedCodePoint;
using text::is_ascii_whitespace;

struct IcuWordBreaker::State {
  std::unique_ptr<icu::BreakIterator> iterator;
  text::Utf16WithOffsets utf16;  // reused between calls
};

IcuWordBreaker::IcuWordBreaker() : state_(std::make_unique<State>()) {
  UErrorCode status = U_ZERO_ERROR;
  state_->iterator.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status) || !state_->iterator) {
    throw std::runtime_error(std::string("ICU word break iterator unavailable: ") +
                             u_errorName(status));
  }
}
IcuWordBreaker::~IcuWordBreaker() = default;
IcuWordBreaker::IcuWordBreaker(IcuWordBreaker&&) noexcept = default;
IcuWordBreaker& IcuWordBreaker::operator=(IcuWordBreaker&&) noexcept = default;

void IcuWordBreaker::break_words(std::string_view text, std::uint32_t base,
                                 std::vector<WordSpan>& out) {
  if (text.empty()) return;
  text::Utf16WithOffsets& utf16 = state_->utf16;
  text::to_utf16_with_offsets(text, utf16);
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUChars(nullptr, utf16.units.data(),
                               static_cast<int64_t>(utf16.units.size()), &status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU utext_openUChars failed");
  icu::BreakIterator& iterator = *state_->iterator;
  iterator.setText(ut, status);
  if (U_FAILURE(status)) {
    utext_close(ut);
    throw std::runtime_error("ICU BreakIterator::setText failed");
  }
  std::int32_t start = iterator.first();
  for (std::int32_t end = iterator.next(); end != icu::BreakIterator::DONE;
       start = end, end = iterator.next()) {
    if (iterator.getRuleStatus() < UBRK_WORD_NONE_LIMIT) continue;
    out.push_back({base + utf16.byte_offsets[static_cast<std::size_t>(start)],
                   base + utf16.byte_offsets[static_cast<std::size_t>(end)]});
  }
  // The iterator keeps a shallow clone of `ut` that points into utf16.units; it is never read
  // again before the next setText(), so closing our handle now is safe.
  utext_close(ut);
}

namespace {
// ASCII letters and the precomposed Latin letters of U+00C0-U+024F (romanized names).
inline bool is_latin_letter(char32_t c) {
  return (c < 0x80 && text::is_ascii_letter(static_cast<char>(c))) ||
         (c >= 0xC0 && c < 0x250 && c != 0xD7 && c != 0xF7);
}
}  // namespace

void WordTokenizer::tokenize(std::string_view text, std::vector<WordSpan>& out) {
  out.clear();
  const std::size_t n = text.size();
  std::size_t position = 0;
  while (position < n) {
    const std::size_t non_ascii = text::find_first_non_ascii(text, position);
    if (non_ascii == n) {
      break_ascii_words(text.substr(position), static_cast<std::uint32_t>(position), out);
      break;
    }
    // The whitespace-delimited piece holding the non-ASCII byte, extended over following
    // pieces while they hold non-ASCII bytes too, goes to ICU as one stretch. ICU always
    // breaks before ASCII whitespace, so cutting there changes no word.
    std::size_t stretch_begin = non_ascii;
    while (stretch_begin > position && !is_ascii_whitespace(text[stretch_begin - 1]))
      --stretch_begin;
    break_ascii_words(text.substr(position, stretch_begin - position),
                      static_cast<std::uint32_t>(position), out);
    std::size_t stretch_end = non_ascii;
    while (true) {
      while (stretch_end < n && !is_ascii_whitespace(text[stretch_end])) ++stretch_end;
      std::size_t next = stretch_end;
      while (next < n && is_ascii_whitespace(text[next])) ++next;
      std::size_t next_end = next;
      bool next_has_non_ascii = false;
      while (next_end < n && !is_ascii_whitespace(text[next_end])) {
        if (static_cast<unsigned char>(text[next_end]) >= 0x80) next_has_non_ascii = true;
        ++next_end;
      }
      if (!next_has_non_ascii || next == n) break;
      stretch_end = next_end;
    }
    break_stretch(text, stretch_begin, stretch_end, out);
    position = stretch_end;
  }
  join_backtick_words(text, out);
  split_digits_from_arabic_letters(text, out);
}

namespace {
// Arabic-script letters that UAX #29 calls ALetter, and what it calls Extend among the
// harakat and ZWNJ: a run of these starting with a letter is one word. (A subset of both, on
// purpose: anything else goes to ICU, which knows the rest.)
bool is_plain_arabic_letter(char32_t c) {
  return text::is_arabic_alphabet_letter(c) || text::is_arabic_added_letter(c);
}
bool is_arabic_extend(char32_t c) {
  return text::is_arabic_harakah(c) || c == text::kArabicSuperscriptAlef ||
         c == text::kZeroWidthNonJoiner;
}
// Punctuation that opens or closes a word in running text. UAX #29 breaks on both sides of
// each (none is Extend or Format, and those that are MidLetter or MidNum only join letters or
// digits on both sides, which a word's outer edge does not have).
bool is_opening_punctuation(char32_t c) { return c == '(' || c == '[' || c == '"' || c == 0xAB; }
bool is_closing_punctuation(char32_t c) {
  return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == ')' ||
         c == ']' || c == '"' || c == 0xBB || c == text::kArabicComma ||
         c == text::kArabicSemicolon || c == text::kArabicQuestionMark;
}

// The word of a piece (text between ASCII whitespace) that is some opening punctuation, a
// plain Arabic-script word, then some closing punctuation; nothing when it is anything else.
std::optional<WordSpan> plain_arabic_word(std::string_view piece) {
  std::size_t offset = 0;
  DecodedCodePoint cp{};
  while (offset < piece.size() && is_opening_punctuation((cp = decode_utf8(piece, offset)).value))
    offset += cp.length;
  const std::size_t begin = offset;
  while (offset < piece.size()) {
    cp = decode_utf8(piece, offset);
    if (!is_plain_arabic_letter(cp.value) && (offset == begin || !is_arabic_extend(cp.value)))
      break;
    offset += cp.length;
  }
  const std::size_t end = offset;
  if (end == begin) return std::nullopt;
  while (offset < piece.size() && is_closing_punctuation((cp = decode_utf8(piece, offset)).value))
    offset += cp.length;
  if (offset != piece.size()) return std::nullopt;
  return WordSpan{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)};
}
}  // namespace

// A stretch of plain Arabic-script words (a typical Persian query) skips ICU, whose per-call
// setup weighs on short texts (−22 k instructions per Persian bench query, callgrind). Any
// other stretch goes to ICU whole:
// cutting running text into ICU runs between plain words made Persian passages 17 % slower to
// analyze (each ICU call has that setup cost).
void WordTokenizer::break_stretch(std::string_view text, std::size_t begin, std::size_t end,
                                  std::vector<WordSpan>& out) {
  const std::size_t first_word = out.size();
  std::size_t piece = begin;
  while (piece < end) {
    std::size_t piece_end = piece;
    while (piece_end < end && !is_ascii_whitespace(text[piece_end])) ++piece_end;
    const auto word = plain_arabic_word(text.substr(piece, piece_end - piece));
    if (!word) {
      out.resize(first_word);
      icu_.break_words(text.substr(begin, end - begin), static_cast<std::uint32_t>(begin), out);
      return;
    }
    const auto base = static_cast<std::uint32_t>(piece);
    out.push_back({base + word->begin, base + word->end});
    piece = piece_end;
    while (piece < end && is_ascii_whitespace(text[piece])) ++piece;
  }
}

namespace {
enum class CharKind : std::uint8_t { Digit, ArabicLetter, Other };
CharKind kind_of(char32_t c) {
  if ((c >= '0' && c <= '9') || text::is_extended_arabic_indic_digit(c) ||
      text::is_arabic_indic_digit(c))
    return CharKind::Digit;
  if (text::is_arabic_block_letter(c)) return CharKind::ArabicLetter;
  if (c < 0x80) return CharKind::Other;
  // The rest of Unicode: any script's decimal digits (they fold to ASCII digits), and Arabic
  // letters outside the main block (supplements, presentation forms).
  if (ascii_digit_for(c) != 0) return CharKind::Digit;
  UErrorCode status = U_ZERO_ERROR;
  if (u_isalpha(static_cast<UChar32>(c)) &&
      uscript_getScript(static_cast<UChar32>(c), &status) == USCRIPT_ARABIC) {
    return CharKind::ArabicLetter;
  }
  return CharKind::Other;
}
}  // namespace

void split_digits_from_arabic_letters(std::string_view text, std::vector<WordSpan>& spans) {
  std::vector<WordSpan> split;
  bool changed = false;
  for (const WordSpan& span : spans) {
    if (text::is_ascii(text.substr(span.begin, span.end - span.begin))) {
      split.push_back(span);
      continue;
    }
    std::uint32_t piece_begin = span.begin;
    CharKind previous = CharKind::Other;
    for (std::uint32_t offset = span.begin; offset < span.end;) {
      const DecodedCodePoint cp = decode_utf8(text, offset);
      const CharKind kind = kind_of(cp.value);
      if (kind != CharKind::Other) {
        if (previous != CharKind::Other && kind != previous && offset > piece_begin) {
          split.push_back({piece_begin, offset});
          piece_begin = offset;
          changed = true;
        }
        previous = kind;
      }
      offset += cp.length;
    }
    split.push_back({piece_begin, span.end});
  }
  if (changed) spans.swap(split);
}

void WordTokenizer::tokenize_with_icu_only(std::string_view text, std::vector<WordSpan>& out) {
  out.clear();
  icu_.break_words(text, 0, out);
  join_backtick_words(text, out);
  split_digits_from_arabic_letters(text, out);
}

void join_backtick_words(std::string_view text, std::vector<WordSpan>& spans) {
  if (spans.size() < 2) return;
  std::size_t kept = 0;
  for (std::size_t i = 1; i < spans.size(); ++i) {
    WordSpan& last = spans[kept];
    const WordSpan& next = spans[i];
    const bool joined = next.begin == last.end + 1 && text[last.end] == '`' &&
                        is_latin_letter(text::decode_utf8_before(text, last.end).value) &&
                        is_latin_letter(decode_utf8(text, next.begin).value);
    if (joined) {
      last.end = next.end;
    } else {
      spans[++kept] = next;
    }
  }
  spans.resize(kept + 1);
}

}  // namespace kavosh::analysis
