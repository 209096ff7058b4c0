#include "term_normalizer.hpp"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>

#include <stdexcept>

#include "character_folding.hpp"
#include "kavosh/text/arabic_script.hpp"
#include "kavosh/text/ascii.hpp"
#include "kavosh/text/utf8.hpp"

namespace kavosh::analysis {

using text::append_utf8;
using text::decode_utf8;
using text::DecodedCodePoint;
using text::is_ascii;

TermNormalizer::TermNormalizer(TermNormalizerOptions options) : options_(options) {
  UErrorCode status = U_ZERO_ERROR;
  nfkc_casefold_ = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status))
    throw std::runtime_error(std::string("ICU NFKC_Casefold unavailable: ") + u_errorName(status));
  if (options_.fold_diacritics) (void)diacritic_folding();  // build the table now, not mid-analysis
}

namespace {
// Letters that NFKC_Casefold leaves alone and that compose with nothing (no marks allowed):
// the Arabic letters Persian and Arabic text is made of, and Persian/Arabic-Indic digits.
bool is_inert_arabic(char32_t c) {
  return text::is_arabic_alphabet_letter(c) || text::is_arabic_indic_digit(c) || c == 0x067E ||
         c == 0x0686 || c == 0x0698 || c == 0x06A9 || c == 0x06AF || c == 0x06CC ||  // پ چ ژ ک گ ی
         text::is_extended_arabic_indic_digit(c);
}
}  // namespace

// When `word` is made only of such letters (and ZWNJ, which NFKC_Casefold removes), writes
// its NFKC_Casefold form (the word without ZWNJ) to `out` and returns true.
bool copy_if_nfkc_casefold_inert(std::string_view word, std::string& out) {
  out.clear();
  std::size_t copied_to = 0;  // word's bytes before it are in `out`, or were a ZWNJ
  for (std::size_t offset = 0; offset < word.size();) {
    const DecodedCodePoint cp = decode_utf8(word, offset);
    if (cp.value == text::kZeroWidthNonJoiner) {
      out.append(word.substr(copied_to, offset - copied_to));
      offset += cp.length;
      copied_to = offset;
      continue;
    }
    if (!is_inert_arabic(cp.value)) return false;
    offset += cp.length;
  }
  out.append(word.substr(copied_to));
  return true;
}

void TermNormalizer::normalize(std::string_view word, std::string& term) {
  if (is_ascii(word)) {
    normalize_ascii_word(word, term);
    return;
  }
  if (copy_if_nfkc_casefold_inert(word, scratch_)) {
    // Plain Persian/Arabic letters (the common case) are NFKC_Casefold-stable: skip ICU.
    term.clear();
    fold_characters(scratch_, term);
    clean_up_term(term);
    return;
  }
  term.assign(word);
  // Folding can leave text that is not NFKC_Casefold-normalized any more (removing a
  // character between two combining marks changes their canonical order), and then the
  // term would not be its own term. Repeat until stable; in practice once, rarely twice.
  for (int round = 0; round < 3; ++round) {
    scratch_.clear();
    UErrorCode status = U_ZERO_ERROR;
    icu::StringByteSink<std::string> sink(&scratch_, static_cast<int32_t>(term.size() + 8));
    nfkc_casefold_->normalizeUTF8(
        0, icu::StringPiece(term.data(), static_cast<int32_t>(term.size())), sink, nullptr, status);
    if (U_FAILURE(status)) scratch_.assign(term);
    term.clear();
    const bool may_be_unstable = fold_characters(scratch_, term);
    clean_up_term(term);
    if (!may_be_unstable || is_ascii(term)) return;
    status = U_ZERO_ERROR;
    if (nfkc_casefold_->isNormalizedUTF8(
            icu::StringPiece(term.data(), static_cast<int32_t>(term.size())), status) &&
        U_SUCCESS(status)) {
      return;
    }
  }
}

namespace {

// What fold_characters knows of the text it has written so far.
struct FoldState {
  // Set when the output may no longer be NFKC_Casefold-stable: something was removed (new
  // neighbours) or a combining mark was written (it may now reorder or compose).
  bool may_be_unstable = false;
  bool after_foldable_base = false;  // last base letter was Latin/Greek/Cyrillic
};

// A code point of the Arabic block, by table (the hot path for Persian text; no ICU property
// lookups); `rest` is the text after it.
void fold_arabic_block(char32_t c, std::string_view rest, bool normalize_arabic_script,
                       std::string& term, FoldState& state) {
  if (text::is_extended_arabic_indic_digit(c) || text::is_arabic_indic_digit(c)) {
    term.push_back(static_cast<char>('0' + text::arabic_digit_value(c)));
    return;
  }
  if (c == text::kArabicDecimalSeparator || c == text::kArabicThousandsSeparator) {
    // Arabic decimal/thousands separators: kept (as . and ,) only between digits; ICU
    // counts ٫ as a digit, so elsewhere it would leave a dangling '.' in a word.
    const bool after_digit = !term.empty() && text::is_ascii_digit(term.back());
    const bool before_digit = !rest.empty() && ascii_digit_for(decode_utf8(rest, 0).value) != 0;
    if (after_digit && before_digit) {
      term.push_back(c == text::kArabicDecimalSeparator ? '.' : ',');
    } else {
      state.may_be_unstable = true;
    }
    return;
  }
  if (text::is_arabic_number_sign(c)) {  // format controls NFKC_Casefold keeps
    state.may_be_unstable = true;
    return;
  }
  if (normalize_arabic_script) {
    const ArabicFoldResult fold = fold_arabic_letter(c);
    if (fold.action == ArabicFold::Remove) {  // removed: the marks after it keep their base
      state.may_be_unstable = true;
      return;
    }
    state.after_foldable_base = false;
    append_utf8(term, fold.action == ArabicFold::Replace ? fold.replacement : c);
    return;
  }
  state.after_foldable_base = false;
  if (text::is_arabic_block_mark(c)) state.may_be_unstable = true;  // a kept mark
  append_utf8(term, c);
}

// A code point outside ASCII and the Arabic block, by its ICU general category.
void fold_by_category(char32_t c, const DiacriticFolding* diacritics, std::string& term,
                      FoldState& state) {
  const int8_t type = u_charType(static_cast<UChar32>(c));
  const bool is_mark =
      type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_COMBINING_SPACING_MARK;
  if (is_mark) state.may_be_unstable = true;
  if (type == U_FORMAT_CHAR) {
    state.may_be_unstable = true;
    return;  // format controls NFKC_Casefold keeps
  }
  if (type == U_DECIMAL_DIGIT_NUMBER) {
    if (const char digit = ascii_digit_for(c)) {
      term.push_back(digit);
      state.after_foldable_base = false;
      return;
    }
  }
  if (diacritics != nullptr) {
    if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK) {  // is_combining_mark(c)
      if (!state.after_foldable_base) append_utf8(term, c);
      return;
    }
    if (const std::string* folded = diacritics->folded(c)) {
      term += *folded;
      state.after_foldable_base = true;
      return;
    }
    state.after_foldable_base = is_latin_greek_or_cyrillic(c);
  }
  append_utf8(term, c);
}

}  // namespace

bool TermNormalizer::fold_characters(std::string_view casefolded, std::string& term) const {
  const DiacriticFolding* diacritics = options_.fold_diacritics ? &diacritic_folding() : nullptr;
  FoldState state;
  for (std::size_t offset = 0; offset < casefolded.size();) {
    const DecodedCodePoint cp = decode_utf8(casefolded, offset);
    offset += cp.length;
    const char32_t c = cp.value;
    if (c == '\'' || c == '`' || c == 0x2018 || c == 0x2019 || c == 0x02BB || c == 0x02BC ||
        c == 0x02BE || c == 0x02BF) {
      // Apostrophes are removed by the cleanup; they must not change how the marks after them
      // are treated either, or the term would differ from the term of its own output.
      append_utf8(term, c);
      continue;
    }
    if (c < 0x80) {
      // NFKC expands a few ligatures (e.g. U+FDFA) into several words; a term never
      // holds a space, or re-analyzing it would split it.
      if (c != ' ') term.push_back(static_cast<char>(c));
      state.after_foldable_base = text::is_ascii_letter(static_cast<char>(c));
    } else if (text::is_in_arabic_block(c)) {
      fold_arabic_block(c, casefolded.substr(offset), options_.normalize_arabic_script, term,
                        state);
    } else {
      fold_by_category(c, diacritics, term, state);
    }
  }
  return state.may_be_unstable;
}

namespace {

// Length of an apostrophe-like character at `i`, or 0.
inline std::size_t apostrophe_length(std::string_view s, std::size_t i) {
  const char c = s[i];
  if (c == '\'' || c == '`') return 1;
  if (i + 1 < s.size() && c == '\xCA' &&
      (s[i + 1] == '\xBC' || s[i + 1] == '\xBB' || s[i + 1] == '\xBE' || s[i + 1] == '\xBF')) {
    return 2;  // ʼ ʻ ʾ ʿ (the last two transliterate hamza and ayn)
  }
  if (i + 2 < s.size() && c == '\xE2' && s[i + 1] == '\x80' &&
      (s[i + 2] == '\x98' || s[i + 2] == '\x99')) {
    return 3;  // ‘ ’
  }
  return 0;
}

bool is_separator(char32_t c) {
  if (c < 0x80) return c == '.' || c == ',' || c == ';' || c == ':';
  if (text::is_in_arabic_block(c)) return text::is_arabic_separator_sign(c);
  return c != 0x005F && u_ispunct(static_cast<UChar32>(c));
}

bool is_mark(char32_t c) {
  if (c < 0x300) return false;
  if (text::is_in_arabic_block(c)) return text::is_arabic_block_mark(c);
  const int8_t type = u_charType(static_cast<UChar32>(c));
  return type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK || type == U_ENCLOSING_MARK;
}

// The last code point before `end` that is not a combining mark (0 when none).
char32_t base_before(std::string_view text) {
  std::size_t end = text.size();
  while (end > 0) {
    const DecodedCodePoint cp = text::decode_utf8_before(text, end);
    if (!is_mark(cp.value)) return cp.value;
    end -= cp.length;
  }
  return 0;
}

// The first code point at or after `from` that is not a combining mark (0 when none).
char32_t base_after(std::string_view text, std::size_t from) {
  while (from < text.size()) {
    const DecodedCodePoint cp = decode_utf8(text, from);
    if (!is_mark(cp.value)) return cp.value;
    from += cp.length;
  }
  return 0;
}

void trim_separators(std::string& term) {
  std::size_t begin = 0;
  while (begin < term.size()) {
    const DecodedCodePoint cp = decode_utf8(term, begin);
    // A leading combining mark has lost its base letter (a removed tatweel): a word never
    // starts with one, so re-analysis would drop it.
    if (!is_separator(cp.value) && !is_mark(cp.value)) break;
    begin += cp.length;
  }
  // At the end: a separator, with any marks that follow it (their letter was removed).
  std::size_t end = term.size();
  std::size_t scan = end;
  while (scan > begin) {
    // A term is well-formed UTF-8, so the code point before `scan` starts at or after `begin`.
    const DecodedCodePoint cp = text::decode_utf8_before(term, scan);
    const std::size_t start = scan - cp.length;
    const char32_t c = cp.value;
    if (is_separator(c)) {
      end = start;
      scan = start;
      continue;
    }
    if (!is_mark(c)) break;
    scan = start;
  }
  term.erase(end);
  term.erase(0, begin);
}

// "u.s.a" (single letters separated by dots) -> "usa".
bool is_dotted_acronym(std::string_view s) {
  if (s.size() < 3 || s.size() % 2 == 0) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i % 2 == 0 ? !text::is_ascii_lower(s[i]) : s[i] != '.') return false;
  }
  return true;
}
}  // namespace

namespace {
// Most words hold nothing to clean up; one byte scan decides. Arabic-block characters are
// judged by their second byte (separators and marks only); other non-ASCII is checked fully.
bool may_need_cleanup(std::string_view term) {
  if (term == "_") return true;
  for (std::size_t i = 0; i < term.size(); ++i) {
    const auto b = static_cast<unsigned char>(term[i]);
    if (b < 0x80) {
      if (b == '.' || b == ',' || b == ';' || b == ':' || b == '\'' || b == '`') return true;
      continue;
    }
    if (text::is_arabic_block_lead_byte(b) && i + 1 < term.size()) {
      const DecodedCodePoint cp = decode_utf8(term, i);
      if (is_separator(cp.value) || is_mark(cp.value)) return true;
      i += cp.length - 1;
      continue;
    }
    return true;
  }
  return false;
}
}  // namespace

void clean_up_term(std::string& term) {
  if (!may_need_cleanup(term)) return;
  // English possessive: "john's" -> "john" rather than "johns".
  if (term.size() > 2 && term.back() == 's') {
    const std::string_view before_s = std::string_view(term).substr(0, term.size() - 1);
    if (before_s.back() == '\'' || before_s.ends_with("\xE2\x80\x99")) {
      const std::size_t stem_end =
          before_s.back() == '\'' ? before_s.size() - 1 : before_s.size() - 3;
      if (stem_end > 0) term.resize(stem_end);
    }
  }
  // Apostrophes first, so that the separator rule below sees the final neighbours.
  std::size_t kept_bytes = 0;
  for (std::size_t i = 0; i < term.size();) {
    if (const std::size_t length = apostrophe_length(term, i)) {
      i += length;
      continue;
    }
    term[kept_bytes++] = term[i++];
  }
  term.resize(kept_bytes);
  std::size_t out = 0;
  const std::string_view in(term);
  for (std::size_t i = 0; i < in.size();) {
    const DecodedCodePoint cp = decode_utf8(in, i);
    const char32_t c = cp.value;
    if (is_separator(c)) {
      // A separator survives only where ICU would keep it inside a word: '.' (and the
      // non-ASCII word-internal punctuation such as ·) between two letters, '.' and ';'
      // between two digits. Digit-group commas go (5,000 -> 5000), and so does a separator
      // left beside a removed character (٫, tatweel, an apostrophe).
      // Neighbours as ICU sees them: combining marks are skipped (they extend the base).
      const char32_t before = base_before(std::string_view(term.data(), out));
      const char32_t after = base_after(in, i + cp.length);
      const bool digit_before = before >= '0' && before <= '9';
      const bool digit_after = after >= '0' && after <= '9';
      const bool letters_around = before != 0 && after != 0 && !digit_before && !digit_after &&
                                  !is_separator(before) && !is_separator(after) && before != '_' &&
                                  after != '_';
      const bool keep = (c != ',' && c != ';' && c != ':' && letters_around) ||
                        ((c == '.' || c == ';') && digit_before && digit_after);
      if (!keep) {
        i += cp.length;
        // Marks that extended the removed separator go with it.
        while (i < in.size()) {
          const DecodedCodePoint mark = decode_utf8(in, i);
          if (!is_mark(mark.value)) break;
          i += mark.length;
        }
        continue;
      }
    }
    for (std::uint32_t k = 0; k < cp.length; ++k) term[out++] = in[i + k];
    i += cp.length;
  }
  term.resize(out);
  // ICU never starts or ends a word with a separator (. , ; · ...), but folding can remove
  // the letter beside one (tatweel in "ـ.x"); a term must not keep it dangling.
  trim_separators(term);
  if (term.empty()) return;
  if (is_dotted_acronym(term)) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < term.size(); i += 2) term[kept++] = term[i];
    term.resize(kept);
  }
  // ICU's lone "_" is not a word; keep the rule when removals leave one behind.
  if (term == "_") term.clear();
}

void normalize_ascii_word(std::string_view word, std::string& term) {
  term.resize(word.size());
  for (std::size_t i = 0; i < word.size(); ++i) {
    const char c = word[i];
    term[i] = text::ascii_lower(c);
  }
  clean_up_term(term);
}

}  // namespace kavosh::analysis
