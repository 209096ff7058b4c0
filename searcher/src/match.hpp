#pragma once
// The match: the ranked page of a search from the block-max top-k matcher (matcher/) where it
// covers the search, from Xapian's Enquire otherwise; and the pseudo-relevance feedback round
// that may expand the query first.
#include <xapian.h>

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kavosh/format/match_data.hpp"
#include "kavosh/search/query.hpp"
#include "kavosh/search/searcher.hpp"
#include "matcher/matcher.hpp"

namespace kavosh::search {

// What a search matches with besides its query.
struct MatchSources {
  const Xapian::Database& db;
  Xapian::Enquire& enquire;  // weighted and collapsed as the request asks
  // Each database `db` searches (one, or every shard of a set) with its match data for its
  // open revision; empty when one has none (a remote shard, a stale or missing file).
  std::span<const matcher::LocalShard> match_shards;
  std::string_view no_match_data;  // why match_shards is empty
  bool collapsed = false;          // one passage per article
  // Where the body terms' positions are when Xapian's position table lacks them (schema.hpp:
  // kMetaBodyPositions); none: they are there.
  std::shared_ptr<const matcher::BodyPositions> body_positions;
};

// The ranked page of a search, from whichever matcher answered.
struct Ranking {
  std::vector<matcher::ScoredDoc> docs;    // best first, from the request's offset on
  std::vector<std::string> collapse_keys;  // with collapsing through Enquire: each doc's article id
  Xapian::doccount estimated_matches = 0;
  Xapian::doccount matches_lower_bound = 0;
  Xapian::doccount matches_upper_bound = 0;
  std::string matcher;  // SearchResults::matcher
};

// The MSet size that makes Enquire rank exactly (the comment in match.cpp says why).
Xapian::doccount exact_top_k(const Xapian::Database& db);

Ranking rank(const MatchSources& sources, const SearchRequest& r, const BuiltQuery& built,
             const Xapian::Query& query);

// The request's --prf expansion of `query`: the top terms of its first prf_documents hits,
// scaled by prf_weight; empty when those give none.
Xapian::Query feedback_expansion(const MatchSources& sources, const SearchRequest& r,
                                 const Xapian::Query& query);

}  // namespace kavosh::search
