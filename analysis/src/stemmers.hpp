#pragma once
// The stemming stage: picks a stemmer per token from its script and the passage language,
// and memoizes results (terms repeat a lot; Snowball is the costliest step on English).
//   Latin               -> Snowball English (Xapian::Stem), when enabled
//   Arabic + ar passage -> Snowball Arabic (Xapian::Stem); our terms use Persian ی/ک, which
//                          that stemmer does not know, so it sees Arabic ي/ك and its
//                          output is mapped back
//   Arabic otherwise    -> persian_stem(), when enabled
//   anything else       -> no stem
#include <xapian.h>

#include <string>
#include <string_view>
#include <unordered_map>

#include "kavosh/analysis/analyzer.hpp"

namespace kavosh::analysis {

class Stemmers {
 public:
  explicit Stemmers(const AnalyzerOptions& options);
  // The stem of a token's term, or "" when no stemmer applies or it leaves the term as is.
  void stem(const Token& token, Language language, std::string& stem);

 private:
  using Cache = std::unordered_map<std::string, std::string>;
  static const std::string& remember(Cache& cache, const std::string& term, std::string stem);

  bool english_enabled_;
  bool persian_enabled_;
  bool arabic_enabled_;
  Xapian::Stem english_;
  Xapian::Stem arabic_;
  Cache english_cache_;
  Cache persian_cache_;
  Cache arabic_cache_;
};

}  // namespace kavosh::analysis
