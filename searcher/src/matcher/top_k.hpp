#pragma once
// What both algorithms share: the clause cursors of a plan, the boolean checks (+ groups,
// filters, exclusions) and the top-k heap with Enquire's order (score descending, then docid
// ascending).
#include <cmath>
#include <limits>
#include <optional>
#include <queue>
#include <vector>

#include <xapian.h>

#include "matcher/cursors.hpp"
#include "matcher/matcher.hpp"

namespace kavosh::search::matcher {

class TopKHeap {
 public:
  explicit TopKHeap(unsigned k) : k_(k) {}
  bool full() const { return k_ == 0 || heap_.size() >= k_; }
  // The score a document must beat to enter (a document met later loses a tie).
  double threshold() const {
    if (k_ == 0) return std::numeric_limits<double>::infinity();
    return full() ? heap_.top().score : -std::numeric_limits<double>::infinity();
  }
  // True when the threshold rose.
  bool offer(Xapian::docid docid, double score) {
    if (!full()) {
      heap_.push({docid, score});
      return full();
    }
    if (!(score > heap_.top().score)) return false;
    heap_.pop();
    heap_.push({docid, score});
    return true;
  }
  std::vector<ScoredDoc> take_sorted();

 private:
  struct Worse {  // the heap's top is the worst kept: lowest score, then highest docid
    bool operator()(const ScoredDoc& a, const ScoredDoc& b) const {
      if (a.score != b.score) return a.score > b.score;
      return a.docid < b.docid;
    }
  };
  unsigned k_;
  std::priority_queue<ScoredDoc, std::vector<ScoredDoc>, Worse> heap_;
};

// The plan's cursors and its boolean conditions over one database.
struct PlanCursors {
  PlanCursors(const Xapian::Database& db, const index::MatchData& data, const MatchPlan& plan,
              const Bm25Parameters& parameters);

  // The score of `docid`, every clause cursor already moved to it, when it matches: phrases
  // and NEARs checked at their positions (a clause whose terms stand elsewhere is turned
  // down), at least one clause left, the + groups met, the filters held and the exclusions
  // not (their cursors are moved here). The clauses' scores are summed in the plan's order, so
  // equal documents get equal scores whatever order an algorithm met their clauses in.
  std::optional<double> finish(const Xapian::Database& db, Xapian::docid docid,
                               std::uint32_t length);
  // Enquire-like estimate of the documents that match, as if the clauses were independent.
  Xapian::doccount estimate(Xapian::doccount collection_size) const;

  std::vector<ClauseCursor> clauses;
  std::vector<std::vector<std::size_t>> required;
  std::vector<TermCursor> filters;
  std::vector<TermCursor> excluded;
  std::vector<double> filter_termfreqs, excluded_termfreqs;
};

}  // namespace kavosh::search::matcher
