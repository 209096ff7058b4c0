#pragma once
// The Arabic script's code point ranges: the one place the project spells them.
//
// Blocks (Unicode's): Arabic U+0600..U+06FF, Arabic Supplement U+0750..U+077F, Arabic
// Extended-A U+08A0..U+08FF, Arabic Presentation Forms-A U+FB50..U+FDFF and -B U+FE70..U+FEFF.
// Decisions:
// - ZWNJ (U+200C) is in none of them: it is General Punctuation, shared with other scripts.
//   Where it belongs inside a Persian word, the caller names kZeroWidthNonJoiner itself.
// - The directional marks LRM/RLM (U+200E/F) and the isolates are not Arabic script either;
//   U+061C ARABIC LETTER MARK is, being in the Arabic block, but is no letter.
// - "Right-to-left" is a different fact (Hebrew, Syriac, Thaana, N'Ko ... too):
//   is_right_to_left_letter, for the terminal's bidi isolation, not for language decisions.
// Stage-specific sets (the letters NFKC_Casefold leaves alone, those UAX #29 calls ALetter)
// are built from these predicates in their stage, which says why.

namespace kavosh::text {

inline constexpr char32_t kZeroWidthNonJoiner = 0x200C;
inline constexpr char32_t kArabicTatweel = 0x0640;
inline constexpr char32_t kArabicSuperscriptAlef = 0x0670;

constexpr bool is_in_arabic_block(char32_t c) { return c >= 0x0600 && c <= 0x06FF; }
// UTF-8 lead bytes of the Arabic block: a byte test where a whole code point need not be decoded.
constexpr bool is_arabic_block_lead_byte(unsigned char byte) {
  return byte >= 0xD8 && byte <= 0xDB;
}
constexpr bool is_in_arabic_supplement(char32_t c) { return c >= 0x0750 && c <= 0x077F; }
constexpr bool is_in_arabic_extended_a(char32_t c) { return c >= 0x08A0 && c <= 0x08FF; }
// Both presentation-form blocks, whole (U+FEFF, the byte order mark, is the last of -B).
constexpr bool is_in_arabic_presentation_forms(char32_t c) {
  return (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF);
}
constexpr bool is_in_arabic_script_blocks(char32_t c) {
  return is_in_arabic_block(c) || is_in_arabic_supplement(c) || is_in_arabic_extended_a(c) ||
         is_in_arabic_presentation_forms(c);
}

// The 36 letters of the Arabic alphabet proper: hamza .. ghain (U+0621..U+063A) and feh .. yeh
// (U+0641..U+064A); neither tatweel nor the later additions U+0620 and U+063B..U+063F.
constexpr bool is_arabic_alphabet_letter(char32_t c) {
  return (c >= 0x0621 && c <= 0x063A) || (c >= 0x0641 && c <= 0x064A);
}
// The letters the Arabic block adds for other languages, alef wasla .. yeh barree with hamza
// (U+0671..U+06D3), and ae (U+06D5): Persian's پ چ ژ ک گ ی are here.
constexpr bool is_arabic_added_letter(char32_t c) {
  return (c >= 0x0671 && c <= 0x06D3) || c == 0x06D5;
}
// Letter-like code points of the Arabic block: the alphabet and its additions, with U+0620,
// U+063B..U+063F, tatweel, dotless beh/qaf and superscript alef (U+066E..U+0670), and
// U+06EE..U+06EF, U+06FA..U+06FF. Harakat, digits and punctuation are not.
constexpr bool is_arabic_block_letter(char32_t c) {
  return (c >= 0x0620 && c <= 0x064A) || (c >= 0x066E && c <= 0x06D3) || c == 0x06D5 ||
         c == 0x06EE || c == 0x06EF || (c >= 0x06FA && c <= 0x06FF);
}
// Letters of the Arabic script in any of its blocks: the block's letters, the Supplement, the
// letters of Extended-A (U+08A0..U+08C9; its marks follow) and the presentation forms (without
// U+FEFD..U+FEFF: unassigned and the byte order mark).
constexpr bool is_arabic_script_letter(char32_t c) {
  return is_arabic_block_letter(c) || is_in_arabic_supplement(c) || (c >= 0x08A0 && c <= 0x08C9) ||
         (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFC);
}

// Harakat: fathatan .. the marks of U+064B..U+065F (short vowels, shadda, sukun, hamza above
// and below ...).
constexpr bool is_arabic_harakah(char32_t c) { return c >= 0x064B && c <= 0x065F; }
// Honorific and Quranic signs written above letters, U+0610..U+061A (combining marks).
constexpr bool is_arabic_sign_above(char32_t c) { return c >= 0x0610 && c <= 0x061A; }
// The Quranic annotation signs U+06D6..U+06ED, as a range: mostly combining marks, but also the
// end-of-ayah format character (U+06DD), two symbols (U+06DE, U+06E9) and the small waw and
// yeh (U+06E5, U+06E6).
constexpr bool is_quranic_annotation_sign(char32_t c) { return c >= 0x06D6 && c <= 0x06ED; }
// The same without the end-of-ayah sign and the two symbols, which no letter carries.
constexpr bool is_quranic_annotation_mark(char32_t c) {
  return is_quranic_annotation_sign(c) && c != 0x06DD && c != 0x06DE && c != 0x06E9;
}

// The combining marks of the Arabic block as the term normalizer treats them: the signs above,
// harakat, superscript alef and the whole Quranic annotation range.
constexpr bool is_arabic_block_mark(char32_t c) {
  return is_arabic_sign_above(c) || is_arabic_harakah(c) || c == kArabicSuperscriptAlef ||
         is_quranic_annotation_sign(c);
}

// The number signs U+0600..U+0605 and the end-of-ayah sign U+06DD: format characters written
// before the digits they span.
constexpr bool is_arabic_number_sign(char32_t c) {
  return (c >= 0x0600 && c <= 0x0605) || c == 0x06DD;
}

inline constexpr char32_t kArabicComma = 0x060C;
inline constexpr char32_t kArabicSemicolon = 0x061B;
inline constexpr char32_t kArabicQuestionMark = 0x061F;
inline constexpr char32_t kArabicDecimalSeparator = 0x066B;
inline constexpr char32_t kArabicThousandsSeparator = 0x066C;
inline constexpr char32_t kArabicFullStop = 0x06D4;  // the Urdu full stop
// Arabic punctuation between words or numbers: U+0609..U+060D (per mille, per ten thousand,
// afghani sign, comma, date separator), semicolon, question mark, U+066A..U+066D (percent,
// decimal and thousands separators, five-pointed star) and the full stop.
constexpr bool is_arabic_separator_sign(char32_t c) {
  return (c >= 0x0609 && c <= 0x060D) || c == kArabicSemicolon || c == kArabicQuestionMark ||
         (c >= 0x066A && c <= 0x066D) || c == kArabicFullStop;
}

// Arabic-Indic digits ٠..٩ (U+0660..U+0669) and the extended (Persian, Urdu) ones ۰..۹.
constexpr bool is_arabic_indic_digit(char32_t c) { return c >= 0x0660 && c <= 0x0669; }
constexpr bool is_extended_arabic_indic_digit(char32_t c) { return c >= 0x06F0 && c <= 0x06F9; }
// The digit's value, 0..9, for either kind (the caller has checked which).
constexpr int arabic_digit_value(char32_t c) {
  return static_cast<int>(is_arabic_indic_digit(c) ? c - 0x0660 : c - 0x06F0);
}

// Letters of the scripts written right to left: Hebrew through the Arabic blocks (U+0590..
// U+08FF: Hebrew, Arabic, Syriac, Thaana, N'Ko, Samaritan, Mandaic), the Hebrew and Arabic
// presentation forms, and the historic and Adlam ranges of planes 1 (U+10800..U+10FFF,
// U+1E800..U+1EFFF). Coarse by design: it decides where the terminal wraps bidi isolates.
constexpr bool is_right_to_left_letter(char32_t c) {
  return (c >= 0x0590 && c <= 0x08FF) || (c >= 0xFB1D && c <= 0xFDFF) ||
         (c >= 0xFE70 && c <= 0xFEFF) || (c >= 0x10800 && c <= 0x10FFF) ||
         (c >= 0x1E800 && c <= 0x1EFFF);
}

}  // namespace kavosh::text
