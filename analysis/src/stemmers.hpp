#pragma once
// The stemming stage: picks a stemmer per token from its script and the passage language,
// and memoizes results (terms repeat a lot; Snowball is the costliest step on English).
//   Latin               -> AnalyzerOptions::english_stemmer: a Xapian::Stem (Porter2,
//                          Porter, Lovins), english_plural_stem() or none
//   Arabic + ar passage -> Snowball Arabic (Xapian::Stem); our terms use Persian ی/ک, which
//                          that stemmer does not know, so it sees Arabic ي/ك and its
//                          output is mapped back
//   Arabic otherwise    -> AnalyzerOptions::persian_stemmer: persian_stem(),
//                          persian_plural_stem() or none
//   anything else       -> no stem
#include <xapian.h>

#include <string>
#include <string_view>
#include <unordered_map>

#include "kavosh/analysis/analyzer.hpp"

namespace kavosh::analysis {

// An S-stemmer of our own for lowercase English terms: plural endings only, so that
// "cats" meets "cat" and "studies" "study" while "running" stays apart from "run".
// At most one rule, the first that applies, and never leaving fewer than 3 letters:
//   -ies -> -y   with at least 2 letters before (studies -> study; ties -> tie by the -s rule)
//   -es  -> drop after x, z, ch, sh, ss (boxes -> box, classes -> class)
//   -es  -> -e   otherwise, but not -aes, -ees, -oes, -ies (horses -> horse; trees -> tree
//                by the -s rule)
//   -s   -> drop, but not -ss, -us, -is (cats -> cat; glass, virus, analysis stay)
// Possessives need no rule: the normalizer already drops "'s" and apostrophes.
std::string english_plural_stem(std::string_view term);

class Stemmers {
 public:
  explicit Stemmers(const AnalyzerOptions& options);
  // The stem of a token's term, or "" when no stemmer applies or it leaves the term as is.
  void stem(const Token& token, Language language, std::string& stem);

 private:
  using Cache = std::unordered_map<std::string, std::string>;
  static const std::string& remember(Cache& cache, const std::string& term, std::string stem);

  EnglishStemmer english_kind_;
  PersianStemmer persian_kind_;
  bool arabic_enabled_;
  Xapian::Stem english_;  // the Snowball stemmer english_kind_ names, when it is one
  Xapian::Stem arabic_;
  Cache english_cache_;
  Cache persian_cache_;
  Cache arabic_cache_;
};

}  // namespace kavosh::analysis
