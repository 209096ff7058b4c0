#pragma once
// The index's aliases (synonyms written by kavosh-index --aliases): a query word or a run of
// two to four words (mujahedin khalq -> MKO) also matches the other names of its group.
#include <xapian.h>

#include <string>
#include <vector>

#include "kavosh/analysis/analyzer.hpp"
#include "query_builder/query_terms.hpp"

namespace kavosh::search::query_building {

// The index's synonyms of `key`, each analyzed again: one term -> its stem, several -> a phrase.
std::vector<Xapian::Query> alias_queries(const std::string& key, const Xapian::Database& db,
                                         analysis::Analyzer& analyzer, QueryTerms& terms);

// For each run of 2 to 4 words of `run` that is an alias key: the words as a phrase OR'd with
// their aliases, an extra optional clause.
void add_alias_ngrams(const std::vector<RunWord>& run, const Xapian::Database& db,
                      analysis::Analyzer& analyzer, QueryTerms& terms,
                      std::vector<Xapian::Query>& optional);

}  // namespace kavosh::search::query_building
