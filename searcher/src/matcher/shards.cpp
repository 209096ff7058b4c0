// The block-max matcher over a set of local shards, as over one database. Each shard is read
// with its own postings and match data; BM25 weighs with the statistics of the whole set (its
// collection size, average length and each term's frequency, which Xapian's combined Database
// sums over the shards), and MatchData's block bounds are (wdf, length) pairs, free of
// statistics, so the bounds computed from them under those weights stay bounds. A document
// thus scores what it scores in one database holding every shard's documents. The shards
// are read one after another into one heap and one count (PassState), each document and
// article renumbered as the combined Database numbers it, so that ties fall in Enquire's order
// and a later shard prunes from its first document against the k-th score of those before.
#include <algorithm>
#include <cmath>

#include "matcher/top_k.hpp"

namespace kavosh::search::matcher {

namespace {

// The count of matches and the page, once every shard has been read: exact when no document
// was passed over, otherwise what the clauses allow (their frequencies are the whole set's,
// so any shard's cursors give the same bounds).
// `cursors`: the last shard's, needed only when a pass skipped documents.
TopK counted(const PassState& state, const PlanCursors* cursors, Xapian::doccount collection_size) {
  TopK result;
  result.docs = state.heap.take_sorted();
  const Xapian::doccount matched = state.matched.count();
  result.matches_lower_bound = matched;
  result.matches_upper_bound = matched;
  result.estimated_matches = matched;
  if (state.skipped && cursors) {
    result.matches_upper_bound = std::max(matched, cursors->upper_bound(collection_size));
    result.estimated_matches = std::clamp(cursors->estimate(collection_size),
                                          result.matches_lower_bound, result.matches_upper_bound);
  }
  if (state.uncounted > 0) {
    // Each uncounted document may hold a new article; they hold new ones about as often as
    // the counted ones did.
    result.matches_upper_bound = matched + state.uncounted;
    const double per_document =
        state.counted_documents > 0 ? static_cast<double>(matched) / state.counted_documents : 1.0;
    result.estimated_matches = std::clamp(
        matched + static_cast<Xapian::doccount>(std::lround(state.uncounted * per_document)),
        result.matches_lower_bound, result.matches_upper_bound);
  }
  return result;
}

}  // namespace

Xapian::doccount termfreq(const Xapian::Database& whole, std::span<const LocalShard> shards,
                          const std::string& term) {
  if (shards.empty()) return whole.get_termfreq(term);
  Xapian::doccount sum = 0;
  for (const LocalShard& shard : shards) {
    const auto count = shard.data->posting_count(term);
    if (!count) return whole.get_termfreq(term);
    sum += *count;
  }
  return sum;
}

std::vector<std::pair<std::string, Xapian::doccount>> completions(
    const Xapian::Database& whole, std::span<const LocalShard> shards, const std::string& prefix,
    std::size_t limit) {
  const auto walked = [&] {
    std::vector<std::pair<std::string, Xapian::doccount>> terms;
    for (auto it = whole.allterms_begin(prefix);
         it != whole.allterms_end(prefix) && terms.size() < limit; ++it)
      terms.emplace_back(*it, it.get_termfreq());
    return terms;
  };
  if (shards.empty()) return walked();
  std::vector<std::pair<std::string, Xapian::doccount>> merged;
  // The first `limit` of each shard hold the first `limit` of their union.
  for (const LocalShard& shard : shards) {
    auto found = shard.data->completions(prefix, limit);
    if (!found) return walked();
    if (merged.empty()) {
      merged = std::move(*found);
      continue;
    }
    // Both in term order: a term of several shards once, its frequencies summed.
    std::vector<std::pair<std::string, Xapian::doccount>> both;
    both.reserve(merged.size() + found->size());
    auto a = merged.begin(), b = found->begin();
    while (a != merged.end() || b != found->end()) {
      if (b == found->end() || (a != merged.end() && a->first < b->first)) {
        both.push_back(std::move(*a++));
      } else if (a == merged.end() || b->first < a->first) {
        both.push_back(std::move(*b++));
      } else {
        both.emplace_back(std::move(a->first), a->second + b->second);
        ++a;
        ++b;
      }
    }
    merged = std::move(both);
  }
  if (merged.size() > limit) merged.resize(limit);
  return merged;
}

TopK block_max_maxscore(const Xapian::Database& db, const index::MatchData& data,
                        const MatchPlan& plan, const Bm25Parameters& parameters, unsigned k,
                        bool collapse, Xapian::doccount exact_count_up_to,
                        TermAtATime term_at_a_time) {
  const LocalShard whole{db, &data};
  return block_max_maxscore(db, std::span(&whole, 1), plan, parameters, k, collapse,
                            exact_count_up_to, term_at_a_time);
}

TopK block_max_maxscore(const Xapian::Database& whole, std::span<const LocalShard> shards,
                        const MatchPlan& plan, const Bm25Parameters& parameters, unsigned k,
                        bool collapse, Xapian::doccount exact_count_up_to,
                        TermAtATime term_at_a_time) {
  const Xapian::doccount collection_size = whole.get_doccount();
  if (shards.empty()) return {};
  if (k == 0) {
    TopK result;
    const LocalShard& first = shards.front();
    const PlanCursors cursors(first.db, *first.data, plan, parameters, whole);
    result.matches_upper_bound = cursors.upper_bound(collection_size);
    result.estimated_matches =
        std::min(cursors.estimate(collection_size), result.matches_upper_bound);
    return result;
  }
  // Counting a phrase's or NEAR's matches exactly means reading the positions of every
  // document holding its terms: such a plan prunes from the first full heap, and checks the
  // positions of the candidates that may still enter (DeferredChecks).
  const bool positional =
      std::any_of(plan.clauses.begin(), plan.clauses.end(),
                  [](const ScoredClause& c) { return c.kind != ScoredClause::Kind::Any; });
  PassState state(k, collapse);
  const auto count = static_cast<Xapian::doccount>(shards.size());
  const bool lone_synonym = lone_synonym_pays(plan);
  for (Xapian::doccount s = 0;; ++s) {
    const LocalShard& shard = shards[s];
    state.numbering = {s, count};
    if (lone_synonym) {
      lone_synonym_pass(shard.db, *shard.data, plan.clauses.front(), parameters, whole,
                        exact_count_up_to, state);
      if (s + 1 == count) return counted(state, nullptr, collection_size);
      continue;
    }
    const bool by_term =
        term_at_a_time == TermAtATime::WherePays && term_at_a_time_pays(shard.db, plan);
    PlanCursors cursors(shard.db, *shard.data, plan, parameters, whole,
                        by_term ? Bounds::None : Bounds::Computed);
    if (by_term) {
      term_at_a_time_pass(shard.db, *shard.data, cursors, state);
    } else if (positional) {
      DeferredChecks deferred(cursors.clauses.size());
      cursors.assume_positions_hold = true;
      maxscore_pass(shard.db, *shard.data, cursors, {0, &deferred}, state);
    } else {
      maxscore_pass(shard.db, *shard.data, cursors, {exact_count_up_to, nullptr}, state);
    }
    if (s + 1 == count) return counted(state, &cursors, collection_size);
  }
}

}  // namespace kavosh::search::matcher
