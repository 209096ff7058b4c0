#include "character_folding.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>

#include <stdexcept>

#include "kavosh/text/arabic_script.hpp"
#include "kavosh/text/ascii.hpp"
#include "kavosh/text/utf8.hpp"

namespace kavosh::analysis {

ArabicFoldResult fold_arabic_letter(char32_t c) {
  using enum ArabicFold;
  if (text::is_arabic_harakah(c) || c == text::kArabicSuperscriptAlef ||
      c == text::kArabicTatweel) {
    return {Remove, 0};
  }
  if (text::is_arabic_sign_above(c) || text::is_quranic_annotation_mark(c)) return {Remove, 0};
  switch (c) {
    case 0x064A:  // ي ARABIC YEH
    case 0x0649:  // ى ALEF MAKSURA
    case 0x06D2:  // ے YEH BARREE
    case 0x06D0:  // ې E
      return {Replace, 0x06CC};
    case 0x0643:  // ك ARABIC KAF
    case 0x06AA:  // ڪ SWASH KAF
      return {Replace, 0x06A9};
    case 0x06C0:  // ۀ HEH WITH YEH ABOVE (ezafe)
    case 0x06C2:  // ۂ HEH GOAL WITH HAMZA ABOVE
    case 0x0629:  // ة TEH MARBUTA
    case 0x06C1:  // ہ HEH GOAL
    case 0x06D5:  // ە AE
      return {Replace, 0x0647};
    case 0x0622:  // آ ALEF WITH MADDA (see the header for why)
    case 0x0623:  // أ ALEF WITH HAMZA ABOVE
    case 0x0625:  // إ ALEF WITH HAMZA BELOW
    case 0x0671:  // ٱ ALEF WASLA
    case 0x0672:
    case 0x0673:
      return {Replace, 0x0627};
    default:
      return {Keep, 0};
  }
}

char ascii_digit_for(char32_t c) {
  if (text::is_extended_arabic_indic_digit(c) || text::is_arabic_indic_digit(c))
    return static_cast<char>('0' + text::arabic_digit_value(c));
  if (c < 0x80) return text::is_ascii_digit(static_cast<char>(c)) ? static_cast<char>(c) : '\0';
  if (u_charType(static_cast<UChar32>(c)) != U_DECIMAL_DIGIT_NUMBER) return 0;
  const int32_t value = u_charDigitValue(static_cast<UChar32>(c));
  return (value >= 0 && value <= 9) ? static_cast<char>('0' + value) : '\0';
}

bool is_latin_greek_or_cyrillic(char32_t c) {
  if (c < 0x80) return text::is_ascii_letter(static_cast<char>(c));
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(static_cast<UChar32>(c), &status);
  return script == USCRIPT_LATIN || script == USCRIPT_GREEK || script == USCRIPT_CYRILLIC;
}

bool is_combining_mark(char32_t c) {
  if (c < 0x300) return false;
  const int8_t type = u_charType(static_cast<UChar32>(c));
  return type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK;
}

namespace {
// Letters that are distinct base letters (no canonical decomposition) but that search users
// type without their stroke or as two letters. Lowercase only: the input is case-folded.
struct ExtraFold {
  char32_t from;
  const char* to;
};
constexpr ExtraFold kExtraFolds[] = {
    {0x00F8, "o"},  {0x0111, "d"},  {0x0142, "l"}, {0x0127, "h"},  {0x0131, "i"}, {0x00E6, "ae"},
    {0x0153, "oe"}, {0x00FE, "th"}, {0x00F0, "d"}, {0x0167, "t"},  {0x0180, "b"}, {0x01B6, "z"},
    {0x0253, "b"},  {0x0257, "d"},  {0x0268, "i"}, {0x0289, "u"},  {0x0138, "q"}, {0x0140, "l"},
    {0x0149, "n"},  {0x014B, "n"},  {0x017F, "s"}, {0x00DF, "ss"},
};
const char* extra_fold_of(char32_t c) {
  for (const ExtraFold& extra : kExtraFolds) {
    if (extra.from == c) return extra.to;
  }
  return nullptr;
}
}  // namespace

DiacriticFolding::DiacriticFolding() : table_(kTableSize) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU NFD normalizer unavailable");
  for (char32_t c = 0x80; c < kTableSize; ++c) {
    if (!is_latin_greek_or_cyrillic(c)) continue;
    icu::UnicodeString decomposition;
    if (!nfd->getDecomposition(static_cast<UChar32>(c), decomposition)) continue;
    std::string folded;
    bool changed = false;
    for (int32_t i = 0; i < decomposition.length();) {
      const UChar32 part = decomposition.char32At(i);
      i += U16_LENGTH(part);
      if (is_combining_mark(static_cast<char32_t>(part))) {
        changed = true;
        continue;
      }
      if (const char* extra = extra_fold_of(static_cast<char32_t>(part))) {  // ǽ -> æ -> ae
        folded += extra;
        changed = true;
        continue;
      }
      text::append_utf8(folded, static_cast<char32_t>(part));
    }
    if (changed && !folded.empty()) table_[c] = folded;
  }
  for (const ExtraFold& extra : kExtraFolds) table_[extra.from] = extra.to;
}

const DiacriticFolding& diacritic_folding() {
  static const DiacriticFolding instance;
  return instance;
}

}  // namespace kavosh::analysis
