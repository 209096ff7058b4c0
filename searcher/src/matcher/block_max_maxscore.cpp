// Block-max MaxScore (Turtle and Flood's MaxScore with Ding and Suel's per-block bounds, as
// Lucene 8 and PISA evaluate disjunctions). The clauses are ordered by the most each can add;
// once the k-th best score exceeds what the weakest clauses together can add, those become
// non-essential: documents are drawn from the others only, and the non-essential postings are
// only probed for a candidate while its bound can still beat the k-th score. Before a
// candidate is scored, the block bounds of all clauses at its docid are summed: when even they
// cannot beat the k-th score, every essential cursor jumps past the shortest of those blocks.
#include <algorithm>
#include <numeric>

#include "matcher/top_k.hpp"

namespace kavosh::search::matcher {
TopK block_max_maxscore(const Xapian::Database& db, const index::MatchData& data,
                        const MatchPlan& plan, const Bm25Parameters& parameters, unsigned k,
                        bool collapse, Xapian::doccount exact_count_up_to) {
  PlanCursors cursors(db, data, plan, parameters);
  const bool positional = std::any_of(cursors.clauses.begin(), cursors.clauses.end(),
                                      [](const ClauseCursor& c) { return c.positional(); });
  if (!positional) return maxscore_pass(db, data, cursors, {k, collapse, exact_count_up_to, {}});
  // Counting a phrase's or NEAR's matches exactly means reading the positions of every
  // document holding its terms: such a plan prunes from the first full heap, and reads
  // positions best first (DeferredChecks).
  DeferredChecks deferred(cursors.clauses.size());
  cursors.assume_positions_hold = true;
  return maxscore_pass(db, data, cursors, {k, collapse, 0, &deferred});
}

// Over 80 lines; to be split by whoever next changes it (issue 23).
// NOLINTNEXTLINE(readability-function-size)
TopK maxscore_pass(const Xapian::Database& db, const index::MatchData& data, PlanCursors& cursors,
                   const PassOptions& options) {
  const unsigned k = options.k;
  const Xapian::doccount exact_count_up_to = options.exact_count_up_to;
  DeferredChecks* const deferred = options.deferred;
  std::size_t check_at = std::max<std::size_t>(64, std::size_t{4} * k);
  TopK result;
  if (k == 0) {
    result.matches_upper_bound = cursors.upper_bound(db.get_doccount());
    result.estimated_matches =
        std::min(cursors.estimate(db.get_doccount()), result.matches_upper_bound);
    return result;
  }
  auto& clauses = cursors.clauses;
  const std::size_t n = clauses.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return clauses[a].max_score() < clauses[b].max_score();
  });
  // The clauses by bound, weakest first: the loops below read them in this order only.
  std::vector<ClauseCursor*> by_bound(n);
  for (std::size_t i = 0; i < n; ++i) by_bound[i] = &clauses[order[i]];
  std::vector<double> prefix_bound(n);  // what clauses by_bound[0..i] can add together
  for (std::size_t i = 0; i < n; ++i)
    prefix_bound[i] = (i ? prefix_bound[i - 1] : 0) + by_bound[i]->max_score();

  TopKHeap heap(k, options.collapse);
  double threshold = heap.threshold();
  std::size_t first_essential = 0;
  bool skipped = false;  // whether any document was passed over unscored
  bool pruning = false;  // see exact_count_up_to
  MatchCounter matched(options.collapse);
  // Each clause's bound for the block holding the candidate, and their sum: unchanged for every
  // candidate up to the first of those blocks to end, so computed once per stretch.
  std::vector<double> block_bounds(n);
  double bounds_total = 0;
  Xapian::docid bounds_first = kEnd, bounds_last = 0;
  // With one essential clause left (a frequent word beside rarer ones, once the heap is good),
  // most of its postings cannot lift a document over the k-th score even with every other
  // clause's block bound added: they are passed over here, a few instructions each, by the
  // test the step below would make with all its bookkeeping.
  auto pass_hopeless_postings = [&] {
    ClauseCursor& essential = *by_bound[n - 1];
    double others = 0;
    for (std::size_t i = 0; i + 1 < n; ++i) others += block_bounds[i];
    while (true) {
      const Xapian::docid at = essential.docid();
      if (at == kEnd || at < bounds_first || at > bounds_last) return;
      if (!cannot_beat(essential.score(data.length(at)) + others, threshold)) return;
      skipped = true;
      essential.next();
    }
  };
  // The next candidate, the least docid of the essential clauses: found while they step past
  // the last one, unless something else moved them.
  Xapian::docid next_docid = 0;
  bool next_known = false;
  while (true) {
    if (pruning && first_essential + 1 == n) {
      pass_hopeless_postings();
      next_known = false;
    }
    Xapian::docid docid = next_docid;
    if (!next_known) {
      docid = kEnd;
      for (std::size_t i = first_essential; i < n; ++i)
        docid = std::min(docid, by_bound[i]->docid());
    }
    next_known = false;
    if (docid == kEnd) break;

    if (pruning) {
      if (docid < bounds_first || docid > bounds_last) {
        bounds_first = docid;
        bounds_last = kEnd;
        bounds_total = 0;
        for (std::size_t i = 0; i < n; ++i) {
          block_bounds[i] = by_bound[i]->block_bound(docid, &bounds_last);
          bounds_total += block_bounds[i];
        }
      }
      const Xapian::docid block_end = bounds_last;
      if (cannot_beat(bounds_total, threshold)) {
        skipped = true;
        if (block_end == kEnd) break;
        for (std::size_t i = first_essential; i < n; ++i) by_bound[i]->skip_to(block_end + 1);
        continue;
      }
    }

    const std::uint32_t length = data.length(docid);
    double score = 0;
    for (std::size_t i = first_essential; i < n; ++i)
      if (by_bound[i]->docid() == docid) score += by_bound[i]->score(length);
    bool candidate = true;
    if (first_essential > 0) {  // the heap is full: block_bounds hold this docid's bounds
      double rest = 0;
      for (std::size_t i = 0; i < first_essential; ++i) rest += block_bounds[i];
      for (std::size_t i = first_essential; i-- > 0;) {
        if (cannot_beat(score + rest, threshold)) {
          candidate = false;
          skipped = true;
          break;
        }
        ClauseCursor& clause = *by_bound[i];
        clause.skip_to(docid);
        rest -= block_bounds[i];
        if (clause.docid() == docid) score += clause.score(length);
      }
    }
    if (candidate && pruning && cannot_beat(score, threshold)) {
      candidate = false;  // cannot enter whether its phrases and conditions hold or not
      skipped = true;
    }
    const auto final_score = candidate ? cursors.finish(db, docid, length) : std::nullopt;
    bool rose = false;
    bool starts = false;
    if (final_score && deferred) {
      // Its score assumes its phrases hold: checked later, best first, in growing batches.
      if (cannot_beat(*final_score, threshold))
        skipped = true;
      else
        deferred->add(docid, *final_score, length, cursors);
      if (deferred->size() >= check_at) {
        rose = deferred->check_into(db, data, cursors, heap, matched, &skipped);
        check_at = std::min<std::size_t>(check_at * 2, 8192);
        threshold = heap.threshold();
        starts = !pruning && heap.full();
      }
    } else if (final_score) {
      matched.add(data.article(docid));
      rose = heap.offer(docid, *final_score, data.article(docid)).threshold_may_rise;
      threshold = heap.threshold();
      starts = !pruning && heap.full() && matched.count() >= exact_count_up_to;
    }
    pruning = pruning || starts;
    if (pruning && (rose || starts))
      while (first_essential < n && cannot_beat(prefix_bound[first_essential], threshold)) {
        ++first_essential;
        skipped = true;  // documents of the non-essential clauses alone go unvisited
      }
    next_docid = kEnd;
    for (std::size_t i = first_essential; i < n; ++i) {
      ClauseCursor& clause = *by_bound[i];
      if (clause.docid() == docid) clause.next();
      next_docid = std::min(next_docid, clause.docid());
    }
    next_known = true;
  }
  if (deferred) deferred->check_into(db, data, cursors, heap, matched, &skipped);
  result.docs = heap.take_sorted();
  result.matches_lower_bound = matched.count();
  result.matches_upper_bound =
      skipped ? std::max(matched.count(), cursors.upper_bound(db.get_doccount())) : matched.count();
  result.estimated_matches =
      skipped ? std::clamp(cursors.estimate(db.get_doccount()), result.matches_lower_bound,
                           result.matches_upper_bound)
              : matched.count();
  return result;
}

}  // namespace kavosh::search::matcher
