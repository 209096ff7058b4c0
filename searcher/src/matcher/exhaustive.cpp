// The reference: every document any clause matches, scored whole. No bound is used, so the
// fast algorithm's results can be held to it exactly.
#include "matcher/top_k.hpp"

namespace kavosh::search::matcher {

TopK exhaustive(const Xapian::Database& db, const index::MatchData& data, const MatchPlan& plan,
                const Bm25Parameters& parameters, unsigned k, bool collapse) {
  PlanCursors cursors(db, data, /*body_positions=*/nullptr, plan, parameters, db);
  TopKHeap heap(k, collapse);
  MatchCounter matched(collapse);
  TopK result;
  while (true) {
    Xapian::docid docid = kEnd;
    for (const auto& clause : cursors.clauses) docid = std::min(docid, clause.docid());
    if (docid == kEnd) break;
    if (const auto score = cursors.finish(db, docid, data.length(docid))) {
      matched.add(data.article(docid));
      heap.offer(docid, *score, data.article(docid));
    }
    for (auto& clause : cursors.clauses)
      if (clause.docid() == docid) clause.next();
  }
  result.docs = heap.take_sorted();
  result.estimated_matches = result.matches_lower_bound = result.matches_upper_bound =
      matched.count();
  return result;
}

}  // namespace kavosh::search::matcher
