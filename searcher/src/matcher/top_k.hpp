#pragma once
// What both algorithms share: the clause cursors of a plan, the boolean checks (+ groups,
// filters, exclusions) and the top-k heap with Enquire's order (score descending, then docid
// ascending).
#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "matcher/cursors.hpp"
#include "matcher/matcher.hpp"
#include "matcher/positional_check.hpp"

namespace kavosh::search::matcher {

// A bound that cannot beat the threshold. The margin absorbs rounding: a bound and the score
// it bounds are sums of the same parts added in different orders.
inline bool cannot_beat(double bound, double threshold) {
  return bound <= threshold - std::abs(threshold) * 1e-12;
}

// The best k documents offered so far. Collapsing keeps one document per article (its best;
// of two equal scores the lower docid), as Enquire with a collapse key does; article 0 is a
// document without one, never collapsed.
class TopKHeap {
 public:
  TopKHeap(unsigned k, bool collapse) : k_(k), collapse_(collapse) {}
  unsigned k() const { return k_; }
  bool collapse() const { return collapse_; }
  bool full() const { return k_ == 0 || heap_.size() >= k_; }
  // The documents (with collapsing, the articles) kept so far, at most k.
  unsigned size() const { return static_cast<unsigned>(heap_.size()); }
  // The score a document must beat to enter (a tie enters only with a lower docid).
  double threshold() const {
    if (k_ == 0) return std::numeric_limits<double>::infinity();
    return full() ? heap_.front().doc.score : -std::numeric_limits<double>::infinity();
  }
  struct Offered {
    bool entered = false;
    bool threshold_may_rise = false;
  };
  // Documents may be offered in any order: of equal scores the lower docid wins, as in
  // Enquire's order.
  Offered offer(Xapian::docid docid, double score, std::uint32_t article);
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
  // Where each collapsed article's entry stands in heap_: open addressing with linear probing,
  // at most half the slots used, article 0 (never collapsed) marking a free slot. A node-based
  // set and map allocate on every entry, and a query makes dozens (callgrind, ParsiNLU's
  // questions: 3 % of a query's instructions went with them).
  class ArticleSlots {
   public:
    std::uint32_t* find(std::uint32_t article);
    void put(std::uint32_t article, std::uint32_t at);
    void erase(std::uint32_t article);

   private:
    std::size_t home(std::uint32_t article) const;
    void grow();
    std::vector<std::pair<std::uint32_t, std::uint32_t>> slots_;  // article, index in heap_
    std::size_t used_ = 0;
    int bits_ = 0;  // slots_ holds 2^bits_
  };
  // heap_ is a binary heap with the worst entry at the root: a parent is never better than
  // its children.
  void place(std::size_t at, const Entry& entry);
  void sift_up(std::size_t at);
  void sift_down(std::size_t at);
  unsigned k_;
  bool collapse_;
  std::vector<Entry> heap_;  // its root, once k are kept, is the k-th document
  ArticleSlots by_article_;  // when collapsing
};

// Counts the matching documents, or with collapsing the articles they make up (a document
// without an article counting alone).
class MatchCounter {
 public:
  explicit MatchCounter(bool collapse) : collapse_(collapse) {}
  void add(std::uint32_t article) {
    if (!collapse_ || article == 0) {
      ++count_;
      return;
    }
    // Article numbers are dense (MatchData numbers them in order), so a bitmap beats a hash
    // set: a search may count thousands.
    const std::size_t word = article / 64;
    if (word >= seen_.size()) seen_.resize(std::max(word + 1, seen_.size() * 2), 0);
    const std::uint64_t bit = std::uint64_t{1} << (article % 64);
    if (!(seen_[word] & bit)) {
      seen_[word] |= bit;
      ++count_;
    }
  }
  Xapian::doccount count() const { return count_; }

 private:
  bool collapse_;
  std::vector<std::uint64_t> seen_;
  Xapian::doccount count_ = 0;
};

// The plan's cursors and its boolean conditions over one database or one shard of a set, with
// the statistics of `statistics` (ClauseCursor).
struct PlanCursors {
  // `bounds`: Bounds::None for a pass that reads every posting and bounds nothing (term at a
  // time): the clauses' short lists then get no impacts. `restricted`: one positional clause's
  // term read from some of its postings only (ClauseCursor).
  PlanCursors(const Xapian::Database& db, const index::MatchData& data,
              const BodyPositions* body_positions, const MatchPlan& plan,
              const Bm25Parameters& parameters, const Xapian::Database& statistics,
              Bounds bounds = Bounds::Computed, const RestrictedTerm* restricted = nullptr);

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
  // Score phrases and NEARs as if their terms stood as asked, without reading positions: for
  // a pass whose candidates are checked afterwards (DeferredChecks).
  bool assume_positions_hold = false;
  // No phrase, NEAR, + group, filter or exclusion: finish() only sums.
  bool only_scored_words = false;
  std::vector<TermCursor> filters;
  std::vector<TermCursor> excluded;
  // Documents an earlier pass into the same heap ranked (each set in docid order): finish()
  // turns them down, so that none is offered twice. Only for a plan with a phrase or NEAR,
  // whose finish() looks beyond the clauses.
  struct RankedBefore {
    std::span<const TermCursor::Posting> postings;
    std::size_t next = 0;  // the first not before the last document asked about
  };
  std::vector<RankedBefore> ranked_before;
  std::vector<double> filter_termfreqs, excluded_termfreqs;
};

// What the passes of one search share, one pass a shard: the best k so far, the count of
// matches, whether any document was passed over unscored, and where the current shard's
// documents stand. The heap and the count hold documents and articles by their numbers in the
// whole set, so a shard's pass prunes against the k-th score of the shards before it.
struct PassState {
  PassState(unsigned k, bool collapse) : heap(k, collapse), matched(collapse) {}
  TopKHeap heap;
  MatchCounter matched;
  bool skipped = false;
  // Documents that matched but were never counted (their articles not looked up), and how
  // many documents the count covers: a lone synonym reads every document of its merge, but
  // once exact_count_up_to are counted, a hopeless one is only tallied here.
  Xapian::doccount uncounted = 0;
  Xapian::doccount counted_documents = 0;
  ShardNumbering numbering;
};

// Candidates of a plan with phrases or NEARs, scored as if every phrase held (an upper bound
// of the true score), checked afterwards (deferred_checks.cpp): once k of them hold, a
// candidate that cannot beat the k-th is never checked.
class DeferredChecks {
 public:
  explicit DeferredChecks(std::size_t clause_count)
      : clause_count_(clause_count), holding_(clause_count), checks_(clause_count) {}
  // Takes candidate `docid`, scored `optimistic` as if its phrases held, unless it cannot
  // enter the state's heap (state.skipped is then set), and checks the pending ones once they
  // are due: each at once when the heap is full, else once kFillBatch times its k have
  // gathered. Whether they were checked, and whether the heap's threshold may have risen then.
  struct Taken {
    bool checked = false;
    bool rose = false;
  };
  // Inline: the block-max pass calls it for each candidate.
  Taken take(Xapian::docid docid, double optimistic, std::uint32_t length, const PlanCursors& at,
             const Xapian::Database& db, const index::MatchData& data, PassState& state) {
    if (cannot_beat(optimistic, state.heap.threshold())) {
      state.skipped = true;  // nor can it once checked
      return {};
    }
    add(docid, optimistic, length, at);
    if (!state.heap.full() && pending_.size() < kFillBatch * state.heap.k()) return {};
    return {true, check_into(db, data, at, state)};
  }
  // Checks the pending candidates that may still enter, offers them best first to the
  // state's heap (by their numbers in the whole set) and forgets them; sets state.skipped when
  // some were dropped unchecked. True when the heap's threshold may have risen.
  bool check_into(const Xapian::Database& db, const index::MatchData& data,
                  const PlanCursors& cursors, PassState& state);

 private:
  // Candidates gathered, per document the heap holds, before the first are checked. Checking
  // each as it came filled the heap with the first holders in docid order, most of which
  // later ones displaced, each a check of two or three reads of Xapian's tables; best first
  // from 32 x k, the 1 GB bench's phrases made 779 checks where they made 1 366 (8 x k: 938,
  // 128 x k: 716 with pruning deferred four times longer; decision 0006).
  static constexpr std::size_t kFillBatch = 32;
  // Records the clause scores of `docid`, every cursor still on it.
  void add(Xapian::docid docid, double optimistic, std::uint32_t length, const PlanCursors& at);
  void check_stage(const Xapian::Database& db, const PlanCursors& cursors, std::size_t first,
                   std::size_t end);
  struct Pending {
    double optimistic;
    Xapian::docid docid;
    std::size_t first_score;  // into scores_, clause_count_ of them; NaN where no match
  };
  std::size_t clause_count_;
  std::vector<Pending> pending_;
  std::vector<double> scores_;
  std::vector<char> accepted_;  // verified_score's scratch
  // Each positional clause's candidates of the current check, then those where it holds.
  std::vector<std::vector<Xapian::docid>> holding_;
  // Each positional clause's check, kept from its first candidate to the end of the pass.
  std::vector<ClauseCheck> checks_;
};

// One document-at-a-time block-max MaxScore pass over `cursors` (block_max_maxscore.cpp) into
// `state`, whose heap holds k > 0 documents; with `deferred`, candidates go there instead of
// straight to the heap.
struct PassOptions {
  Xapian::doccount exact_count_up_to = kExactCountUpTo;
  DeferredChecks* deferred = nullptr;
};
void maxscore_pass(const Xapian::Database& db, const index::MatchData& data, PlanCursors& cursors,
                   const PassOptions& options, PassState& state);

// The same pass term at a time (term_at_a_time.cpp), for a plan of scored clauses (no + group,
// filter or exclusion) where term_at_a_time_pays(): many clauses over few documents. Nothing
// is skipped, so the count is exact.
bool term_at_a_time_pays(const Xapian::Database& db, const MatchPlan& plan);
void term_at_a_time_pass(const Xapian::Database& db, const index::MatchData& data,
                         PlanCursors& cursors, PassState& state);

// The pass for a plan that is one synonym of many terms alone (lone_synonym.cpp): a wildcard
// by itself. Its merged postings are scored as the merge yields them; matches are counted
// exactly up to `exact_count_up_to`, then only those that may enter the top k.
bool lone_synonym_pays(const MatchPlan& plan);
void lone_synonym_pass(const Xapian::Database& db, const index::MatchData& data,
                       const ScoredClause& clause, const Bm25Parameters& parameters,
                       const Xapian::Database& statistics, Xapian::doccount exact_count_up_to,
                       PassState& state);

}  // namespace kavosh::search::matcher
