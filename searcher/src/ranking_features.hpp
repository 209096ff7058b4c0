#pragma once
// The optional ranking features a request may ask for on top of its query: the proximity
// boost and rerank (proximity.hpp) and the RM3 feedback round (rm3.hpp).
#include <xapian.h>

#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/search/query.hpp"
#include "kavosh/search/searcher.hpp"
#include "match.hpp"

namespace kavosh::search {

// `query` with the proximity boost (never a match of its own: AND_MAYBE) and the RM3 round,
// whose first pass ranks passages (not articles) with whichever matcher covers the query.
// RM3 records its scale factors in built.node_details, so the block-max matcher can answer.
Xapian::Query with_ranking_features(const MatchSources& sources, analysis::Analyzer& analyzer,
                                    const SearchRequest& r, const QueryNode& ast, BuiltQuery& built,
                                    Xapian::Query query, SearchResults& results);

// The ranked page of `query` (match.hpp's rank), with the proximity rerank when the request
// asks for it and the query has two content words: then the matcher ranks at least the
// rerank's depth, and the page is cut from the reranked list.
Ranking rank_with_rerank(const MatchSources& sources, analysis::Analyzer& analyzer,
                         const SearchRequest& r, const QueryNode& ast, const BuiltQuery& built,
                         const Xapian::Query& query);

}  // namespace kavosh::search
