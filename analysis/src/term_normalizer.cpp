#include "term_normalizer.hpp"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>

#include <stdexcept>

#include "character_folding.hpp"
#include "utf8.hpp"

namespace kavosh::analysis {

TermNormalizer::TermNormalizer(TermNormalizerOptions options) : options_(options) {
  UErrorCode status = U_ZERO_ERROR;
  nfkc_casefold_ = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU NFKC_Casefold unavailable: ") + u_errorName(status));
  if (options_.fold_diacritics) (void)diacritic_folding();  // build the table now, not mid-analysis
}

void TermNormalizer::normalize(std::string_view word, std::string& term) {
  if (is_ascii(word)) {
    normalize_ascii_word(word, term);
    return;
  }
  scratch_.clear();
  UErrorCode status = U_ZERO_ERROR;
  icu::StringByteSink<std::string> sink(&scratch_, static_cast<int32_t>(word.size() + 8));
  nfkc_casefold_->normalizeUTF8(0, icu::StringPiece(word.data(), static_cast<int32_t>(word.size())), sink,
                                nullptr, status);
  if (U_FAILURE(status)) scratch_.assign(word);
  term.clear();
  fold_characters(scratch_, term);
  clean_up_term(term);
}

void TermNormalizer::fold_characters(std::string_view casefolded, std::string& term) const {
  const DiacriticFolding* diacritics = options_.fold_diacritics ? &diacritic_folding() : nullptr;
  bool after_foldable_base = false;  // last base letter was Latin/Greek/Cyrillic
  for (std::size_t offset = 0; offset < casefolded.size();) {
    const DecodedCodePoint cp = decode_utf8(casefolded, offset);
    offset += cp.length;
    const char32_t c = cp.value;
    if (c == '\'' || c == '`' || c == 0x2018 || c == 0x2019 || c == 0x02BB || c == 0x02BC || c == 0x02BE ||
        c == 0x02BF) {
      // Apostrophes are removed by the cleanup; they must not change how the marks after them
      // are treated either, or the term would differ from the term of its own output.
      append_utf8(term, c);
      continue;
    }
    if (c < 0x80) {
      // NFKC expands a few ligatures (e.g. U+FDFA) into several words; a term never
      // holds a space, or re-analyzing it would split it.
      if (c != ' ') term.push_back(static_cast<char>(c));
      after_foldable_base = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
      continue;
    }
    if (const char digit = ascii_digit_for(c)) {
      term.push_back(digit);
      after_foldable_base = false;
      continue;
    }
    if (c >= 0x0600 && c <= 0x06FF) {
      if (c == 0x066B || c == 0x066C) {
        // Arabic decimal/thousands separators: kept (as . and ,) only between digits; ICU
        // counts ٫ as a digit, so elsewhere it would leave a dangling '.' in a word.
        const bool after_digit = !term.empty() && term.back() >= '0' && term.back() <= '9';
        const bool before_digit = offset < casefolded.size() && ascii_digit_for(decode_utf8(casefolded, offset).value) != 0;
        if (after_digit && before_digit) term.push_back(c == 0x066B ? '.' : ',');
        continue;
      }
      if (options_.normalize_arabic_script) {
        const ArabicFoldResult fold = fold_arabic_letter(c);
        if (fold.action == ArabicFold::Remove) continue;
        after_foldable_base = false;
        append_utf8(term, fold.action == ArabicFold::Replace ? fold.replacement : c);
        continue;
      }
    }
    if (diacritics != nullptr) {
      if (is_combining_mark(c)) {
        if (after_foldable_base) continue;
        append_utf8(term, c);
        continue;
      }
      if (const std::string* folded = diacritics->folded(c)) {
        term += *folded;
        after_foldable_base = true;
        continue;
      }
      after_foldable_base = is_latin_greek_or_cyrillic(c);
    }
    append_utf8(term, c);
  }
}

namespace {
inline bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_ascii_lower(char c) { return c >= 'a' && c <= 'z'; }

// Length of an apostrophe-like character at `i`, or 0.
inline std::size_t apostrophe_length(std::string_view s, std::size_t i) {
  const char c = s[i];
  if (c == '\'' || c == '`') return 1;
  if (i + 1 < s.size() && c == '\xCA' && (s[i + 1] == '\xBC' || s[i + 1] == '\xBB' || s[i + 1] == '\xBE' ||
                                            s[i + 1] == '\xBF')) {
    return 2;  // ʼ ʻ ʾ ʿ (the last two transliterate hamza and ayn)
  }
  if (i + 2 < s.size() && c == '\xE2' && s[i + 1] == '\x80' && (s[i + 2] == '\x98' || s[i + 2] == '\x99')) {
    return 3;  // ‘ ’
  }
  return 0;
}

inline bool is_ascii_separator(char c) { return c == '.' || c == ',' || c == ';' || c == ':'; }

bool is_separator(char32_t c) {
  if (c < 0x80) return c == '.' || c == ',' || c == ';' || c == ':';
  return c != 0x005F && u_ispunct(static_cast<UChar32>(c));
}

void trim_separators(std::string& term) {
  std::size_t begin = 0;
  while (begin < term.size()) {
    const DecodedCodePoint cp = decode_utf8(term, begin);
    if (!is_separator(cp.value)) break;
    begin += cp.length;
  }
  std::size_t end = term.size();
  while (end > begin) {
    std::size_t start = end - 1;
    while (start > begin && (static_cast<unsigned char>(term[start]) & 0xC0) == 0x80) --start;
    if (!is_separator(decode_utf8(term, start).value)) break;
    end = start;
  }
  term.erase(end);
  term.erase(0, begin);
}

// "u.s.a" (single letters separated by dots) -> "usa".
bool is_dotted_acronym(std::string_view s) {
  if (s.size() < 3 || s.size() % 2 == 0) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i % 2 == 0 ? !is_ascii_lower(s[i]) : s[i] != '.') return false;
  }
  return true;
}
}  // namespace

void clean_up_term(std::string& term) {
  // English possessive: "john's" -> "john" rather than "johns".
  if (term.size() > 2 && term.back() == 's') {
    const std::string_view before_s = std::string_view(term).substr(0, term.size() - 1);
    if (before_s.back() == '\'' || before_s.ends_with("\xE2\x80\x99")) {
      const std::size_t stem_end = before_s.back() == '\'' ? before_s.size() - 1 : before_s.size() - 3;
      if (stem_end > 0) term.resize(stem_end);
    }
  }
  std::size_t out = 0;
  const std::string_view in(term);
  for (std::size_t i = 0; i < in.size();) {
    if (const std::size_t length = apostrophe_length(in, i)) {
      i += length;
      continue;
    }
    const char c = in[i];
    if (c == '.' || c == ',' || c == ';' || c == ':') {
      // A separator survives only where ICU would keep it inside a word: '.' between two
      // letters or two digits, ';' between digits. Digit-group commas go (5,000 -> 5000),
      // and a separator left beside a removed character (٫, tatweel) goes too.
      const bool digit_before = out > 0 && is_ascii_digit(term[out - 1]);
      const bool digit_after = i + 1 < in.size() && is_ascii_digit(in[i + 1]);
      const bool letters_around = out > 0 && i + 1 < in.size() && !digit_before && !digit_after &&
                                  !is_ascii_separator(term[out - 1]) && !is_ascii_separator(in[i + 1]);
      const bool keep = (c == '.' && (letters_around || (digit_before && digit_after))) ||
                        (c == ';' && digit_before && digit_after);
      if (!keep) {
        ++i;
        continue;
      }
    }
    term[out++] = c;
    ++i;
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
    term[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
  }
  clean_up_term(term);
}

}  // namespace kavosh::analysis
