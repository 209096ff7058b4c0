#pragma once
// Turns the bytes of one word, as cut by the tokenizer, into its term:
//   1. NFKC_Casefold (ICU Normalizer2): compatibility forms, case folding, and removal of
//      default-ignorable characters (ZWNJ, ZWJ, soft hyphen, LRM/RLM, bidi isolates, ...).
//   2. Per-character folding (character_folding.hpp): Arabic-script unification, digits of
//      any script -> ASCII, Latin/Greek/Cyrillic diacritics (each switchable by option);
//      remaining format controls (U+0605 ...) and NFKC-introduced spaces are dropped.
//   3. Term cleanup (shared with the ASCII path): a final possessive 's / ’s removed
//      (john's -> john); apostrophes ' ’ ‘ ʼ ʻ ʾ ʿ ` removed (badi'zadegan -> badizadegan);
//      separators kept only where ICU keeps them inside a word ('.' or · between letters,
//      '.' ';' between digits), so digit-group commas go (5,000 -> 5000) and so does a
//      separator orphaned by a removal; one-letter acronyms lose their dots (u.s.a -> usa).
// Steps 1-3 repeat until the result is NFKC_Casefold-stable, so a term analyzes to itself.
// Pure-ASCII words skip 1-2 (they reduce to lowercasing), giving identical results.
#include <unicode/uversion.h>

#include <string>
#include <string_view>
U_NAMESPACE_BEGIN
class Normalizer2;
U_NAMESPACE_END

namespace kavosh::analysis {

struct TermNormalizerOptions {
  bool fold_diacritics = true;
  bool normalize_arabic_script = true;
};

class TermNormalizer {
 public:
  explicit TermNormalizer(TermNormalizerOptions options = {});
  // Replaces `term` with the normalized form of `word` (possibly empty: the word then
  // yields no token, e.g. a lone tatweel).
  void normalize(std::string_view word, std::string& term);

 private:
  // Returns whether the output may need another NFKC_Casefold round (see normalize()).
  bool fold_characters(std::string_view casefolded, std::string& term) const;

  TermNormalizerOptions options_;
  const icu::Normalizer2* nfkc_casefold_;
  std::string scratch_;
};

// NFKC_Casefold shortcut for words of plain Arabic-script letters, digits and ZWNJ: writes
// the word without ZWNJ to `out` and returns true; false (out unspecified) otherwise.
bool copy_if_nfkc_casefold_inert(std::string_view word, std::string& out);
// Step 3 alone, in place (exposed for its own tests).
void clean_up_term(std::string& term);
// Lowercases ASCII `word` into `term` and cleans it up: the ASCII path of normalize().
void normalize_ascii_word(std::string_view word, std::string& term);

}  // namespace kavosh::analysis
