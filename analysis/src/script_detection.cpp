#include "script_detection.hpp"

#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <string>

#include "kavosh/text/arabic_script.hpp"
#include "kavosh/text/ascii.hpp"
#include "kavosh/text/utf8.hpp"

namespace kavosh::analysis {

using text::decode_utf8;
using text::DecodedCodePoint;
namespace {

Script script_from_icu(UScriptCode code) {
  switch (code) {
    case USCRIPT_LATIN:
      return Script::Latin;
    case USCRIPT_ARABIC:
      return Script::Arabic;
    case USCRIPT_GREEK:
      return Script::Greek;
    case USCRIPT_CYRILLIC:
      return Script::Cyrillic;
    case USCRIPT_HAN:
      return Script::Han;
    case USCRIPT_HIRAGANA:
      return Script::Hiragana;
    case USCRIPT_KATAKANA:
      return Script::Katakana;
    case USCRIPT_HANGUL:
      return Script::Hangul;
    case USCRIPT_THAI:
      return Script::Thai;
    case USCRIPT_DEVANAGARI:
      return Script::Devanagari;
    default:
      return Script::Other;
  }
}

}  // namespace

Script script_of_term(std::string_view term) {
  bool has_digit = false;
  for (std::size_t offset = 0; offset < term.size();) {
    const DecodedCodePoint cp = decode_utf8(term, offset);
    offset += cp.length;
    const char32_t c = cp.value;
    if (c < 0x80) {
      if (text::is_ascii_letter(static_cast<char>(c))) return Script::Latin;
      if (text::is_ascii_digit(static_cast<char>(c))) has_digit = true;
      continue;
    }
    UErrorCode status = U_ZERO_ERROR;
    const UScriptCode code = uscript_getScript(static_cast<UChar32>(c), &status);
    if (U_FAILURE(status) || code == USCRIPT_COMMON || code == USCRIPT_INHERITED) {
      if (u_isdigit(static_cast<UChar32>(c))) has_digit = true;
      continue;
    }
    return script_from_icu(code);
  }
  return has_digit ? Script::Number : Script::Other;
}

namespace {

struct WordEvidence {
  int persian = 0;
  int arabic = 0;
};

// The function words, in both keyboard spellings where they contain ی/ک.
constexpr std::u32string_view kPersianWords[] = {
    U"\u0631\u0627",        // را
    U"\u0627\u0633\u062A",  // است
    U"\u0627\u0632",        // از
    U"\u06A9\u0647",        // که
    U"\u0643\u0647",        // كه
    U"\u0627\u06CC\u0646",  // این
    U"\u0627\u064A\u0646",  // اين
    U"\u0628\u0627",        // با
    U"\u0645\u06CC",        // می
    U"\u0645\u064A",        // مي
    U"\u0647\u0627\u064A",  // هاي
    U"\u0647\u0627\u06CC",  // های
};
constexpr std::u32string_view kArabicWords[] = {
    U"\u0641\u064A",              // في
    U"\u0639\u0644\u0649",        // على
    U"\u0625\u0644\u0649",        // إلى
    U"\u0639\u0646",              // عن
    U"\u0647\u0630\u0627",        // هذا
    U"\u0647\u0630\u0647",        // هذه
    U"\u0627\u0644\u062A\u064A",  // التي
    U"\u0627\u0644\u0630\u064A",  // الذي
};

void weigh_word(std::u32string_view word, WordEvidence& evidence) {
  if (word.empty()) return;
  for (const auto w : kPersianWords) {
    if (word == w) {
      evidence.persian += 2;
      return;
    }
  }
  for (const auto w : kArabicWords) {
    if (word == w) {
      evidence.arabic += 2;
      return;
    }
  }
  if (word.size() > 3 && word[0] == 0x0627 && word[1] == 0x0644) evidence.arabic += 2;
}

}  // namespace

Language detect_passage_language(std::string_view text) {
  std::size_t latin = 0;
  std::size_t arabic = 0;
  std::size_t other = 0;
  WordEvidence evidence;
  std::u32string word;
  for (std::size_t offset = 0; offset < text.size();) {
    const DecodedCodePoint cp = decode_utf8(text, offset);
    offset += cp.length;
    const char32_t c = cp.value;
    if (c < 0x80) {
      if (text::is_ascii_letter(static_cast<char>(c))) ++latin;
      weigh_word(word, evidence);
      word.clear();
      continue;
    }
    if (text::is_arabic_script_letter(c)) {
      ++arabic;
      word.push_back(c);
      switch (c) {
        case 0x067E:
        case 0x0686:
        case 0x0698:
        case 0x06AF:
          evidence.persian += 3;
          break;  // پ چ ژ گ
        case 0x06A9:
        case 0x06CC:
          evidence.persian += 1;
          break;  // ک ی
        case 0x0629:
        case 0x0649:
        case 0x0623:
        case 0x0625:
          evidence.arabic += 1;
          break;  // ة ى أ إ
        default:
          break;
      }
      continue;
    }
    // Harakat, tatweel and ZWNJ stay inside a word; anything else ends it.
    if (text::is_arabic_harakah(c) || c == text::kArabicTatweel ||
        c == text::kArabicSuperscriptAlef || c == text::kZeroWidthNonJoiner)
      continue;
    weigh_word(word, evidence);
    word.clear();
    if (u_isalpha(static_cast<UChar32>(c))) {
      UErrorCode status = U_ZERO_ERROR;
      if (uscript_getScript(static_cast<UChar32>(c), &status) == USCRIPT_LATIN) {
        ++latin;
      } else {
        ++other;
      }
    }
  }
  weigh_word(word, evidence);
  if (latin == 0 && arabic == 0 && other == 0) return Language::Other;
  if (latin >= arabic && latin >= other) return Language::English;
  if (arabic >= other)
    return evidence.persian >= evidence.arabic ? Language::Persian : Language::Arabic;
  return Language::Other;
}

}  // namespace kavosh::analysis
