// Phrases and NEARs: reading a document's positions costs Xapian a B-tree lookup and an
// allocation per term, far more than its postings, and a phrase of common words may hold in
// few of the many documents holding its terms. Checked in docid order, the first k that hold
// fill the heap with whatever they score, and every later candidate above that low bar is
// read too. Checked best first, by the score they would have if their phrases held (which
// bounds the true one), the heap fills with strong documents and the bar rises sooner: a
// batch stops being read at the first candidate whose bound cannot beat the k-th true score.
// Batches grow, so a long pass reads in larger and better-ordered sets.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "matcher/top_k.hpp"

namespace kavosh::search::matcher {
namespace {

constexpr double kNoMatch = std::numeric_limits<double>::quiet_NaN();

// The document's true score once its phrases and NEARs are checked, as PlanCursors::finish
// gives it: the accepted clauses' scores summed in plan order, nothing when no clause is left
// or a + group is not met. Filters and exclusions were applied when it was added.
// `accepted` is scratch space, one entry a clause, reused across candidates.
std::optional<double> verified_score(const Xapian::Database& db, const PlanCursors& cursors,
                                     const double* scores, Xapian::docid docid,
                                     std::vector<char>& accepted) {
  const std::size_t n = cursors.clauses.size();
  accepted.assign(n, 0);
  bool any = false;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(scores[i])) continue;
    const ClauseCursor& clause = cursors.clauses[i];
    accepted[i] = static_cast<char>(!clause.positional() || clause.positions_hold_at(db, docid));
    any = any || accepted[i];
  }
  if (!any) return std::nullopt;
  for (const auto& group : cursors.required) {
    bool met = false;
    for (std::size_t clause : group) met = met || accepted[clause];
    if (!met) return std::nullopt;
  }
  double score = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (accepted[i]) score += scores[i];
  return score;
}

}  // namespace

void DeferredChecks::add(Xapian::docid docid, double optimistic, std::uint32_t length,
                         const PlanCursors& at) {
  pending_.push_back({optimistic, docid, scores_.size()});
  for (std::size_t i = 0; i < clause_count_; ++i)
    scores_.push_back(at.clauses[i].matches(docid) ? at.clauses[i].score(length) : kNoMatch);
}

bool DeferredChecks::check_into(const Xapian::Database& db, const index::MatchData& data,
                                const PlanCursors& cursors, TopKHeap& heap, MatchCounter& matched,
                                bool* skipped) {
  std::sort(pending_.begin(), pending_.end(), [](const Pending& a, const Pending& b) {
    return a.optimistic != b.optimistic ? a.optimistic > b.optimistic : a.docid < b.docid;
  });
  bool rose = false;
  for (const Pending& candidate : pending_) {
    if (heap.full() && cannot_beat(candidate.optimistic, heap.threshold())) {
      *skipped = true;  // nor can any after it
      break;
    }
    const auto score =
        verified_score(db, cursors, &scores_[candidate.first_score], candidate.docid, accepted_);
    if (!score) continue;
    const std::uint32_t article = data.article(candidate.docid);
    matched.add(article);
    rose = heap.offer(candidate.docid, *score, article).threshold_may_rise || rose;
  }
  pending_.clear();
  scores_.clear();
  return rose;
}

}  // namespace kavosh::search::matcher
