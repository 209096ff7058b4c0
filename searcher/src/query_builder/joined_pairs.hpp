#pragma once
// Two bare words typed apart that the text may write as one: the compound the analyzer joins
// them into (می روم -> میروم), or the joined word with ZWNJ that the index holds (آسمان خراش
// -> آسمان‌خراش). Each is an extra optional clause of the word list.
#include <xapian.h>

#include <vector>

#include "kavosh/analysis/analyzer.hpp"
#include "query_builder/query_terms.hpp"

namespace kavosh::search::query_building {

// The joined forms of each adjacent pair of Arabic-script words of `run`, added to optional.
void add_joined_pairs(const std::vector<RunWord>& run, analysis::Analyzer& analyzer,
                      QueryTerms& terms, std::vector<Xapian::Query>& optional);

}  // namespace kavosh::search::query_building
