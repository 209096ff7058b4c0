#pragma once
// Romanized Persian spells one vowel several ways (mojahedin / mujahedin, Khomeini /
// Khumeini): a Latin bare word also matches the o<->u spellings the index holds.
#include <string>
#include <vector>

#include "query_builder/query_terms.hpp"

namespace kavosh::search::query_building {

// Spellings of `term` with o<->u swapped that the index holds as body terms. Only ASCII words
// of six letters or more, and only o/u, at most three of them: a query word costs at most 7
// term lookups.
std::vector<std::string> vowel_variants(const std::string& term, const QueryTerms& terms);

}  // namespace kavosh::search::query_building
