#pragma once
// What both algorithms share: the clause cursors of a plan, the boolean checks (+ groups,
// filters, exclusions) and the top-k heap with Enquire's order (score descending, then docid
// ascending).
#include <xapian.h>

#include <cmath>
#include <iterator>
#include <limits>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "matcher/cursors.hpp"
#include "matcher/matcher.hpp"

namespace kavosh::search::matcher {

// The best k documents met so far. Collapsing keeps one document per article (its best;
// documents are met in docid order, so of two equal scores the first stays), as Enquire with
// a collapse key does; article 0 is a document without one, never collapsed.
class TopKHeap {
 public:
  TopKHeap(unsigned k, bool collapse) : k_(k), collapse_(collapse) {}
  bool full() const { return k_ == 0 || kept_.size() >= k_; }
  // The score a document must beat to enter (a document met later loses a tie).
  double threshold() const {
    if (k_ == 0) return std::numeric_limits<double>::infinity();
    return full() ? std::prev(kept_.end())->doc.score : -std::numeric_limits<double>::infinity();
  }
  // True when the threshold may have risen.
  bool offer(Xapian::docid docid, double score, std::uint32_t article);
  std::vector<ScoredDoc> take_sorted() const;

 private:
  struct Entry {
    ScoredDoc doc;
    std::uint32_t article;
  };
  struct Better {
    bool operator()(const Entry& a, const Entry& b) const {
      if (a.doc.score != b.doc.score) return a.doc.score > b.doc.score;
      return a.doc.docid < b.doc.docid;
    }
  };
  using Kept = std::set<Entry, Better>;
  void insert(const Entry& entry);

  unsigned k_;
  bool collapse_;
  Kept kept_;                                                     // best first
  std::unordered_map<std::uint32_t, Kept::iterator> by_article_;  // when collapsing
};

// Counts the matching documents, or with collapsing the articles they make up (a document
// without an article counting alone).
class MatchCounter {
 public:
  explicit MatchCounter(bool collapse) : collapse_(collapse) {}
  void add(std::uint32_t article) {
    if (collapse_ && article != 0)
      articles_.insert(article);
    else
      ++alone_;
  }
  Xapian::doccount count() const {
    return static_cast<Xapian::doccount>(articles_.size() + alone_);
  }

 private:
  bool collapse_;
  std::unordered_set<std::uint32_t> articles_;
  Xapian::doccount alone_ = 0;
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
  // At most the documents the clauses' terms index together.
  Xapian::doccount upper_bound(Xapian::doccount collection_size) const;

  std::vector<ClauseCursor> clauses;
  std::vector<std::vector<std::size_t>> required;
  std::vector<TermCursor> filters;
  std::vector<TermCursor> excluded;
  std::vector<double> filter_termfreqs, excluded_termfreqs;
};

}  // namespace kavosh::search::matcher
