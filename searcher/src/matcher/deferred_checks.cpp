// Phrases and NEARs: the pass scores a candidate as if its phrases held (which bounds its true
// score); a candidate that may still enter the top k (every one while the heap is not full,
// else one whose bound beats the k-th score) has each phrase checked: a phrase or NEAR of body
// terms by the document's token sequence in the match data (from memory), anything else
// (title and field phrases, a document without a sequence) by Xapian's own phrase matcher,
// through one Enquire a clause that stays open for the whole pass (ClauseCheck and
// PositionalCheck, positional_check.hpp): positions read one document at a time through
// Xapian 1.4's public API open a fresh B-tree cursor each, about four reads of the position
// table. The block-max pass hands candidates over through take() (gathered until the heap can
// be filled, then one at a time); check_into() takes any number, checks and offers them best
// first so that the bar rises soonest, and stops at the first whose bound cannot beat the k-th
// true score.
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
// `holding[i]` lists (ascending) the candidates where positional clause i holds; `accepted` is
// scratch space, one entry a clause, reused across candidates.
std::optional<double> verified_score(const PlanCursors& cursors,
                                     const std::vector<std::vector<Xapian::docid>>& holding,
                                     const double* scores, Xapian::docid docid,
                                     std::vector<char>& accepted) {
  const std::size_t n = cursors.clauses.size();
  accepted.assign(n, 0);
  bool any = false;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(scores[i])) continue;
    accepted[i] =
        static_cast<char>(!cursors.clauses[i].positional() ||
                          std::binary_search(holding[i].begin(), holding[i].end(), docid));
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
                                const PlanCursors& cursors, PassState& state) {
  TopKHeap& heap = state.heap;
  std::sort(pending_.begin(), pending_.end(), [](const Pending& a, const Pending& b) {
    return a.optimistic != b.optimistic ? a.optimistic > b.optimistic : a.docid < b.docid;
  });
  bool rose = false;
  // In stages, best first: while the heap is not full, a quarter more candidates than it lacks
  // (most candidates the adjacent-pair filters pass hold); once it is, every one that may
  // still enter.
  for (std::size_t next = 0; next < pending_.size();) {
    if (heap.full() && cannot_beat(pending_[next].optimistic, heap.threshold())) {
      state.skipped = true;  // nor can any after it
      break;
    }
    std::size_t end = next;
    if (heap.full()) {
      while (end < pending_.size() && !cannot_beat(pending_[end].optimistic, heap.threshold()))
        ++end;
    } else {
      const std::size_t lacking = heap.k() - heap.size();
      end = std::min(pending_.size(), next + lacking + lacking / 4 + 1);
    }
    check_stage(db, cursors, next, end);
    for (; next < end; ++next) {
      const Pending& candidate = pending_[next];
      if (heap.full() && cannot_beat(candidate.optimistic, heap.threshold())) break;
      const auto score = verified_score(cursors, holding_, &scores_[candidate.first_score],
                                        candidate.docid, accepted_);
      if (!score) continue;
      const std::uint32_t article = state.numbering.article(data.article(candidate.docid));
      state.matched.add(article);
      rose =
          heap.offer(state.numbering.docid(candidate.docid), *score, article).threshold_may_rise ||
          rose;
    }
  }
  pending_.clear();
  scores_.clear();
  return rose;
}

// Each positional clause of the candidates pending_[first, end) checked at once (ClauseCheck);
// holding_ then lists where each holds.
void DeferredChecks::check_stage(const Xapian::Database& db, const PlanCursors& cursors,
                                 std::size_t first, std::size_t end) {
  for (std::size_t i = 0; i < clause_count_; ++i) {
    const ClauseCursor& clause = cursors.clauses[i];
    if (!clause.positional()) continue;
    std::vector<Xapian::docid>& docids = holding_[i];
    docids.clear();
    for (std::size_t c = first; c < end; ++c)
      if (!std::isnan(scores_[pending_[c].first_score + i])) docids.push_back(pending_[c].docid);
    std::sort(docids.begin(), docids.end());
    checks_[i].keep_holding(db, clause, docids);
  }
}

}  // namespace kavosh::search::matcher
