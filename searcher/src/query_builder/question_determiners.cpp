#include "query_builder/question_determiners.hpp"

#include <set>

namespace kavosh::search::query_building {

bool is_question_determiner(std::string_view term) {
  static const std::set<std::string, std::less<>> kQuestionDeterminers = {
      "چه", "چی", "کدام", "کدوم", "کدامین", "چند", "چندمین"};
  return kQuestionDeterminers.count(term) > 0;
}

void add_stems_without_indefinite_ye(const std::string& term, analysis::Analyzer& analyzer,
                                     QueryTerms& terms, std::vector<std::string>& bare_stems) {
  constexpr std::string_view kYe = "ی";
  constexpr std::size_t kMinStemBytes = 6;  // three letters of two bytes each must remain
  if (term.size() < kMinStemBytes + kYe.size() || !term.ends_with(kYe)) return;
  for (const auto& t : analyzer.analyze(term.substr(0, term.size() - kYe.size())))
    if (t.span == 1) {
      bare_stems.push_back(t.stem_or_term());
      terms.highlight_stem(t.stem_or_term());
    }
}

}  // namespace kavosh::search::query_building
