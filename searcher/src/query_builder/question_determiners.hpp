#pragma once
// Persian question determiners: in "چه سالی", "کدام کشوری" the word after چه/کدام/چند carries
// the indefinite ی that the answer does not have ("در سال ۱۳۱۶"), so it also matches without.
#include <string>
#include <string_view>
#include <vector>

#include "kavosh/analysis/analyzer.hpp"
#include "query_builder/query_terms.hpp"

namespace kavosh::search::query_building {

// Whether `term` (normalized) is چه، کدام، چند or one of their forms.
bool is_question_determiner(std::string_view term);

// For the Arabic-script word `term` after a question determiner: the stems of the word
// without its final ی (چه سالی -> also سال), added to bare_stems and marked in snippets.
void add_stems_without_indefinite_ye(const std::string& term, analysis::Analyzer& analyzer,
                                     QueryTerms& terms, std::vector<std::string>& bare_stems);

}  // namespace kavosh::search::query_building
