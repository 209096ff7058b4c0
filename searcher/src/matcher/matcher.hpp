#pragma once
// The searcher's own top-k matcher: evaluates a MatchPlan (plan.hpp) document at a time over
// Xapian's posting lists with Xapian's BM25 (bm25.hpp: the same formula and statistics, so the
// same scores), using the index's MatchData (document lengths in an array, per-block bounds)
// to skip documents and blocks that cannot reach the top k. Results equal Enquire's for the
// same query and weighting: same documents, scores equal to within rounding, equal scores in
// ascending docid order.
#include <xapian.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "kavosh/format/match_data.hpp"
#include "matcher/plan.hpp"
#include "weighting.hpp"

namespace kavosh::search::matcher {

struct Bm25Parameters {
  double k1 = 1.2;
  double b = 0.5;
  double min_normlen = kBm25MinNormlen;
};

struct ScoredDoc {
  Xapian::docid docid = 0;
  double score = 0;
};

struct TopK {
  std::vector<ScoredDoc> docs;  // best first; ties by ascending docid
  // How many documents (articles when collapsing) match: exact, all three equal, when no
  // document was passed over by a bound; otherwise those scored in full, an estimate as
  // Enquire makes one, and what the clauses' postings allow at most.
  Xapian::doccount estimated_matches = 0;
  Xapian::doccount matches_lower_bound = 0;
  Xapian::doccount matches_upper_bound = 0;
  // Ranked from the best postings of a phrase's words alone (best_postings.hpp).
  bool from_best_postings = false;
  // The documents holding every full-weight clause ranked first (ConjunctionFirst, shards.cpp).
  bool conjunction_first = false;
};

class BestPostingsCache;  // best_postings.hpp
class BodyPositions;      // body_positions.hpp

// One database a search reads postings from: one index alone, or one local shard of a set.
struct LocalShard {
  Xapian::Database db;           // this database alone
  const index::MatchData* data;  // its match data, for its open revision
  // Its frequent words' best postings, kept from search to search for that revision; none:
  // phrases of frequent words are ranked from their whole lists.
  std::shared_ptr<BestPostingsCache> best_postings;
  // Where its body terms' positions are when its Xapian position table lacks them (schema.hpp:
  // kMetaBodyPositions); none: they are there.
  std::shared_ptr<const BodyPositions> body_positions;
};

// A term's document frequency in the set of `shards` that `whole` searches as one, as Xapian
// counts it (`whole` may be one database: its one shard): their match data's counts summed,
// without a lookup in Xapian's postlist B-tree, which often reads a block; `whole`'s own where
// a file cannot say (or no shard is given).
Xapian::doccount termfreq(const Xapian::Database& whole, std::span<const LocalShard> shards,
                          const std::string& term);

// The first `limit` terms that begin with `prefix` in the set of `shards` that `whole`
// searches as one, in term order, with their document frequencies summed over the shards:
// what Xapian's allterms_begin(prefix) on `whole` gives, read from the match data without
// walking the postlist B-tree; `whole`'s own walk where a file cannot say (or no shard is
// given).
std::vector<std::pair<std::string, Xapian::doccount>> completions(
    const Xapian::Database& whole, std::span<const LocalShard> shards, const std::string& prefix,
    std::size_t limit = std::numeric_limits<std::size_t>::max());

// Where a shard's documents stand among those of a set of shards searched as one: Xapian's
// combined Database interleaves them, docid d of shard s of n being (d - 1) * n + s + 1. One
// database alone is shard 0 of 1, numbered as it is.
struct ShardNumbering {
  Xapian::doccount shard = 0;
  Xapian::doccount shards = 1;
  Xapian::docid docid(Xapian::docid local) const { return (local - 1) * shards + shard + 1; }
  // An article's passages are all in one shard (the indexer places them by the article id), so
  // its number is renumbered the same way: apart from every other shard's, and still dense.
  std::uint32_t article(std::uint32_t local) const {
    return local == 0 ? 0 : (local - 1) * shards + shard + 1;
  }
};

// The shard of `shards` holding document `docid` of the whole set, and its docid there.
struct ShardDocument {
  const LocalShard& shard;
  Xapian::docid docid;
};
inline ShardDocument shard_document(std::span<const LocalShard> shards, Xapian::docid docid) {
  const auto count = static_cast<Xapian::doccount>(shards.size());
  return {shards[(docid - 1) % count], (docid - 1) / count + 1};
}

// The k best documents by block-max MaxScore: clauses whose bounds cannot lift a document
// into the top k are only probed for the candidates of the others, and a candidate whose
// block bounds fall short is passed over without reading the rest of its postings.
// With `collapse`, the k best articles, each by its best document (MatchData::article).
// Bounds prune only once `exact_count_up_to` documents have matched (as Lucene's collector
// counts its first 1000 hits), so a search with fewer matches knows their exact number. A
// plan with a phrase or NEAR prunes from the first full heap and checks positions only where a
// candidate may still enter (deferred_checks.cpp); its count is then a range.
// A plan of words over a small collection is answered term at a time where that pays
// (term_at_a_time.cpp); TermAtATime::Never keeps it document at a time (for tests of the
// block-max pass on small indexes).
inline constexpr Xapian::doccount kExactCountUpTo = 1000;
enum class TermAtATime { WherePays, Never };
TopK block_max_maxscore(const Xapian::Database& db, const index::MatchData& data,
                        const MatchPlan& plan, const Bm25Parameters& parameters, unsigned k,
                        bool collapse, Xapian::doccount exact_count_up_to = kExactCountUpTo,
                        TermAtATime term_at_a_time = TermAtATime::WherePays);
// The same over a set of local shards that `whole` (a Xapian::Database of every one of them,
// in this order) searches as one (shards.cpp): documents are weighed with the statistics of
// `whole`, numbered as `whole` numbers them, and the shards are read one after another into
// one top k, so that a shard's pass prunes against the k-th score the ones before it found.
// `plan` is read off `whole` (plan_query), so each term's frequency is the whole set's.
TopK block_max_maxscore(const Xapian::Database& whole, std::span<const LocalShard> shards,
                        const MatchPlan& plan, const Bm25Parameters& parameters, unsigned k,
                        bool collapse, Xapian::doccount exact_count_up_to = kExactCountUpTo,
                        TermAtATime term_at_a_time = TermAtATime::WherePays);

// Every matching document scored, no bound used: the reference the tests hold the fast
// algorithm to.
TopK exhaustive(const Xapian::Database& db, const index::MatchData& data, const MatchPlan& plan,
                const Bm25Parameters& parameters, unsigned k, bool collapse);

}  // namespace kavosh::search::matcher
