#pragma once
// Per-character folding tables applied after NFKC_Casefold:
//  - Arabic-script unification (Persian canonical letters, as Hazm writes them):
//      ي ى ے ې -> ی (U+06CC);  ك ڪ -> ک (U+06A9);  ۀ ۂ ة ہ ە -> ه;  أ إ ٱ آ -> ا;
//      harakat U+064B-U+065F, superscript alef U+0670, tatweel U+0640 and the Quranic
//      annotation marks are removed.
//    آ -> ا (like Lucene, unlike Hazm): the madda is written or dropped at random in real
//    text (آمریکا/امریکا), so keeping it would split one word into two terms.
//    ؤ and ئ are kept: they are distinct spellings, not variants of one letter.
//  - Decimal digits of every script (۰-۹, ٠-٩, ०-९, ...) -> ASCII digits; Arabic thousands
//    separator ٬ -> ',' and decimal separator ٫ -> '.'.
//  - Latin/Greek/Cyrillic diacritics: canonical decomposition minus combining marks
//    (â -> a, ī -> i, ά -> α, й -> и), plus letters with no decomposition (ø ł đ æ œ þ ...).
//    Combining marks are dropped only after a base letter of those three scripts, so the
//    vowel signs of Devanagari, Thai, ... are untouched.
#include <string>
#include <string_view>
#include <vector>

namespace kavosh::analysis {

enum class ArabicFold : std::uint8_t { Keep, Remove, Replace };
struct ArabicFoldResult {
  ArabicFold action = ArabicFold::Keep;
  char32_t replacement = 0;
};
// Arabic-script unification of one code point (Arabic block U+0600-U+06FF).
ArabicFoldResult fold_arabic_letter(char32_t c);

// ASCII digit for a decimal digit of any script, or 0 when `c` is not a decimal digit.
char ascii_digit_for(char32_t c);

bool is_latin_greek_or_cyrillic(char32_t c);
bool is_combining_mark(char32_t c);

// Diacritic folding table for the Latin, Greek and Cyrillic letters below U+2000 (the range
// where all of their precomposed letters live), built once from ICU's NFD data.
class DiacriticFolding {
 public:
  DiacriticFolding();
  // The folded UTF-8 form of `c`, or nullptr when `c` has nothing to fold.
  const std::string* folded(char32_t c) const {
    if (c >= kTableSize) return nullptr;
    const std::string& s = table_[c];
    return s.empty() ? nullptr : &s;
  }

 private:
  static constexpr char32_t kTableSize = 0x2000;
  std::vector<std::string> table_;
};
// One shared immutable instance (built on first use; thread-safe static init).
const DiacriticFolding& diacritic_folding();

}  // namespace kavosh::analysis
