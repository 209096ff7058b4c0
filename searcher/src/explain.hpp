#pragma once
// --explain: each clause of the query scored alone on the page's hits.
#include <xapian.h>

#include <vector>

#include "kavosh/search/query.hpp"
#include "kavosh/search/searcher.hpp"
#include "match.hpp"

namespace kavosh::search {

// Adds each clause's weight to hits[i].explanation for the hit ranking.docs[i]; `expansion`
// (the --prf terms, when any) is one more clause, "prf".
void explain(const Xapian::Database& db, const SearchRequest& r, const BuiltQuery& built,
             const Ranking& ranking, const Xapian::Query& expansion, std::vector<Hit>& hits);

}  // namespace kavosh::search
