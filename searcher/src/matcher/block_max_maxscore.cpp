// Block-max MaxScore (Turtle and Flood's MaxScore with Ding and Suel's per-block bounds, as
// Lucene 8 and PISA evaluate disjunctions). The clauses are ordered by the most each can add;
// once the k-th best score exceeds what the weakest clauses together can add, those become
// non-essential: documents are drawn from the others only, and the non-essential postings are
// only probed for a candidate while its bound can still beat the k-th score. Before a
// candidate is scored, the block bounds of all clauses at its docid are summed: when even they
// cannot beat the k-th score, every essential cursor jumps past the shortest of those blocks.
// A stretch of 64 docids or more is partitioned again by those block bounds (as Lucene 9
// partitions each window), so that the clauses weak there draw no candidates in it.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <vector>

#include "matcher/top_k.hpp"

namespace kavosh::search::matcher {
namespace {

// One pass: the clauses by bound, the heap, the block bounds of the stretch being read and
// what the result must say about the documents passed over.
class MaxScorePass {
 public:
  MaxScorePass(const Xapian::Database& db, const index::MatchData& data, PlanCursors& cursors,
               const PassOptions& options, PassState& state);
  void run();

 private:
  enum class Stretch { Read, Skipped, End };
  Xapian::docid next_candidate();
  void pass_hopeless_postings();
  void pass_hopeless_in_stretch();
  bool hopeless_with_others_probed(Xapian::docid docid, std::uint32_t length, double score,
                                   double rest, bool dense_only);
  Stretch bound_stretch(Xapian::docid docid);
  void bound_from(Xapian::docid docid);
  bool windowed() const { return pruning_ && first_essential_ + 2 <= n_; }
  // The stretch has a partition of its own (else the global one, read as without windows).
  bool partitioned() const { return partitioned_; }
  Xapian::docid next_in_windows();
  void partition_window();
  std::optional<double> candidate_score(Xapian::docid docid, std::uint32_t length);
  void take(Xapian::docid docid, std::uint32_t length, double score);
  void drop_non_essential();
  void step_past(Xapian::docid docid);

  const Xapian::Database& db_;
  const index::MatchData& data_;
  PlanCursors& cursors_;
  const PassOptions& options_;
  const std::size_t n_;
  std::vector<ClauseCursor*> by_bound_;  // weakest first: the loops read them in this order
  std::vector<double> prefix_bound_;     // what by_bound_[0..i] can add together
  PassState& state_;
  TopKHeap& heap_;  // state_'s, and so on: shared with the passes over other shards
  double threshold_;
  std::size_t first_essential_ = 0;
  bool& skipped_;         // whether any document was passed over unscored
  bool pruning_ = false;  // see PassOptions::exact_count_up_to
  MatchCounter& matched_;
  // Each clause's bound for the block holding the candidate and the last docid it holds for
  // (block_last_), their sum, and the stretch [bounds_first_, bounds_last_] where all of them
  // hold. Where a stretch ends only the clauses whose blocks ended are bounded anew: a query of
  // many words (a long natural-language question) has a block end among its clauses at almost
  // every candidate, its short lists bounding one posting at a time. (A heap of the blocks'
  // ends cost more than this loop on CISI's questions: several end at once.)
  std::vector<double> block_bounds_;
  std::vector<Xapian::docid> block_last_;
  double bounds_total_ = 0;
  Xapian::docid bounds_first_ = kEnd, bounds_last_ = 0;
  // The next candidate, the least docid of the essential clauses: found while they step past
  // the last one, unless something else moved them.
  Xapian::docid next_docid_ = 0;
  bool next_known_ = false;
  // pass_hopeless_postings()'s, kept between its calls: one for the limit with every other
  // clause's bound, one for the limit where the sparse ones hold no posting.
  HopelessLengths hopeless_lengths_;
  HopelessLengths hopeless_lengths_alone_;
  // By by_bound_'s order, whether a clause other than the strongest holds far fewer documents
  // than it (a title clause beside its word's body clause): pass_hopeless_postings() finds the
  // runs of the strongest clause's postings that such clauses do not reach.
  std::vector<char> sparse_;
  bool any_sparse_ = false;
  // With two essential clauses or more, each stretch's clauses are partitioned again by their
  // block bounds (as Lucene 9's MaxScore partitions each window): those whose block bounds
  // together cannot beat the k-th score are non-essential there, so candidates come only from
  // the others' postings in the stretch. window_ orders by_bound_'s indices by block bound,
  // weakest first, from window_first_essential_ on the stretch's essential ones; the globally
  // essential clauses left out lag behind `frontier_`, every docid before which is done.
  std::vector<std::size_t> window_;
  std::vector<std::size_t> in_bound_order_;  // 0, 1, ...: the global partition's window
  const std::vector<std::size_t>* order_ = &in_bound_order_;  // window_ or in_bound_order_
  std::size_t window_first_essential_ = 0;
  double window_rest_ = 0;  // a partitioned stretch's non-essential block bounds, summed
  bool window_ready_ = false;
  bool partitioned_ = false;        // windowed() and order_ == &window_
  bool lagging_ = false;            // some essential clause may lag behind frontier_
  bool lagging_in_window_ = false;  // some globally essential clause may lag behind frontier_
  Xapian::docid frontier_ = 0;
};

MaxScorePass::MaxScorePass(const Xapian::Database& db, const index::MatchData& data,
                           PlanCursors& cursors, const PassOptions& options, PassState& state)
    : db_(db),
      data_(data),
      cursors_(cursors),
      options_(options),
      n_(cursors.clauses.size()),
      by_bound_(n_),
      prefix_bound_(n_),
      state_(state),
      heap_(state.heap),
      threshold_(heap_.threshold()),
      skipped_(state.skipped),
      matched_(state.matched),
      block_bounds_(n_),
      block_last_(n_, 0),
      window_(n_),
      in_bound_order_(n_) {
  std::iota(window_.begin(), window_.end(), std::size_t{0});
  std::iota(in_bound_order_.begin(), in_bound_order_.end(), std::size_t{0});
  auto& clauses = cursors.clauses;
  std::vector<std::size_t> order(n_);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return clauses[a].max_score() < clauses[b].max_score();
  });
  for (std::size_t i = 0; i < n_; ++i) by_bound_[i] = &clauses[order[i]];
  for (std::size_t i = 0; i < n_; ++i)
    prefix_bound_[i] = (i ? prefix_bound_[i - 1] : 0) + by_bound_[i]->max_score();
  // A clause with at most a quarter of the strongest one's documents leaves it long runs of
  // postings where it adds nothing; a denser one is cheaper to probe posting by posting.
  sparse_.assign(n_, 0);
  for (std::size_t i = 0; i + 1 < n_; ++i) {
    sparse_[i] = static_cast<char>(4 * by_bound_[i]->termfreq_upper_bound() <=
                                   by_bound_[n_ - 1]->termfreq_upper_bound());
    any_sparse_ = any_sparse_ || sparse_[i];
  }
  // A heap the shards before this one filled: pruning starts at the first document.
  pruning_ = heap_.full() && matched_.count() >= options.exact_count_up_to;
  if (pruning_) drop_non_essential();
}

void MaxScorePass::run() {
  while (true) {
    const Xapian::docid docid = next_candidate();
    if (docid == kEnd) break;
    if (pruning_) {
      const Stretch stretch = bound_stretch(docid);
      if (stretch == Stretch::End) break;
      if (stretch == Stretch::Skipped) continue;
    }
    const std::uint32_t length = data_.length(docid);
    if (const auto score = candidate_score(docid, length)) take(docid, length, *score);
    step_past(docid);
  }
  if (options_.deferred) options_.deferred->check_into(db_, data_, cursors_, state_);
}

Xapian::docid MaxScorePass::next_candidate() {
  if (windowed()) return next_in_windows();
  if (lagging_) {  // windows end: every essential clause from where they left off
    for (std::size_t i = first_essential_; i < n_; ++i) by_bound_[i]->skip_to(frontier_);
    lagging_ = false;
    next_known_ = false;
  }
  if (pruning_ && first_essential_ + 1 == n_) {
    pass_hopeless_postings();
    next_known_ = false;
  }
  Xapian::docid docid = next_docid_;
  if (!next_known_) {
    docid = kEnd;
    for (std::size_t i = first_essential_; i < n_; ++i)
      docid = std::min(docid, by_bound_[i]->docid());
  }
  next_known_ = false;
  return docid;
}

// With one essential clause left (a frequent word beside rarer ones, once the heap is good),
// most of its postings cannot lift a document over the k-th score: those that cannot even with
// every other clause's block bound added are passed over by a comparison of lengths
// (HopelessLengths); those that cannot with what the other clauses' postings really add there
// are passed over after probing them, as candidate_score() would, without its bookkeeping.
// Where the sparse clauses (sparse_) hold no posting, up to the next that one of them holds,
// they add nothing: the lengths are compared with the limit without their bounds, as Lucene
// gets from one catch-all field what Kavosh splits into body and title clauses.
void MaxScorePass::pass_hopeless_postings() {
  ClauseCursor& essential = *by_bound_[n_ - 1];
  // What its cursor passed as it stepped past the last candidate (to the end, maybe).
  if (essential.take_passed_hopeless()) skipped_ = true;
  while (true) {
    const Xapian::docid at = essential.docid();
    if (at == kEnd || at < bounds_first_) return;
    // Past the stretch: bound the next one here, or its first posting would be a candidate
    // that nothing passed over (and a phrase's cursor would step from it unbounded).
    if (at > bounds_last_) {
      bound_from(at);
      if (cannot_beat(bounds_total_, threshold_)) return;  // run() passes the stretch whole
    }
    pass_hopeless_in_stretch();
    if (essential.docid() <= bounds_last_) return;  // a posting that may enter
  }
}

void MaxScorePass::pass_hopeless_in_stretch() {
  ClauseCursor& essential = *by_bound_[n_ - 1];
  double others = 0;
  double dense = 0;
  for (std::size_t i = 0; i + 1 < n_; ++i) {
    others += block_bounds_[i];
    if (!sparse_[i]) dense += block_bounds_[i];
  }
  // cannot_beat(score + others, threshold_) with the sum moved across: rounding differs by
  // an ulp, far inside cannot_beat's margin.
  const double margin = threshold_ - std::abs(threshold_) * 1e-12;
  const auto probed = [&](double rest, bool dense_only) {
    return [this, rest, dense_only](Xapian::docid docid, std::uint32_t length, double score) {
      return hopeless_with_others_probed(docid, length, score, rest, dense_only);
    };
  };
  if (!any_sparse_) {
    if (essential.pass_hopeless(margin - others, bounds_last_, data_, hopeless_lengths_,
                                probed(others, false)))
      skipped_ = true;
    return;
  }
  while (true) {
    const Xapian::docid at = essential.docid();
    if (at == kEnd || at > bounds_last_) return;
    Xapian::docid sparse_next = kEnd;
    for (std::size_t i = 0; i + 1 < n_; ++i) {
      if (!sparse_[i]) continue;
      by_bound_[i]->skip_to(at);
      sparse_next = std::min(sparse_next, by_bound_[i]->docid());
    }
    if (sparse_next > at) {
      const Xapian::docid through = std::min(bounds_last_, sparse_next - 1);
      if (cannot_beat(block_bounds_[n_ - 1] + dense, threshold_)) {
        // Not even the essential clause's block bound lifts a document of the run.
        skipped_ = true;
        essential.skip_to(through == kEnd ? kEnd : through + 1);
        continue;
      }
      if (essential.pass_hopeless(margin - dense, through, data_, hopeless_lengths_alone_,
                                  probed(dense, true)))
        skipped_ = true;
      if (essential.docid() <= through) return;  // a posting that may enter
    } else {
      if (essential.pass_hopeless(margin - others, at, data_, hopeless_lengths_,
                                  probed(others, false)))
        skipped_ = true;
      if (essential.docid() == at) return;
    }
  }
}

// Whether `docid`, where the one essential clause scores `score`, cannot beat the k-th score
// with what the other clauses add there: each probed, strongest first, while their block
// bounds (`rest` in all) leave it a chance. With `dense_only`, the sparse clauses are known
// to hold no posting at `docid` and `rest` leaves them out.
bool MaxScorePass::hopeless_with_others_probed(Xapian::docid docid, std::uint32_t length,
                                               double score, double rest, bool dense_only) {
  for (std::size_t i = n_ - 1; i-- > 0;) {
    if (dense_only && sparse_[i]) continue;
    if (cannot_beat(score + rest, threshold_)) return true;
    ClauseCursor& clause = *by_bound_[i];
    clause.skip_to(docid);
    rest -= block_bounds_[i];
    if (clause.docid() == docid) score += clause.score(length);
  }
  return cannot_beat(score, threshold_);
}

// The block bounds of the stretch holding `docid`; when even their sum cannot beat the k-th
// score, every essential cursor jumps past the stretch.
MaxScorePass::Stretch MaxScorePass::bound_stretch(Xapian::docid docid) {
  if (docid < bounds_first_ || docid > bounds_last_) bound_from(docid);
  if (!cannot_beat(bounds_total_, threshold_)) return Stretch::Read;
  skipped_ = true;
  if (bounds_last_ == kEnd) return Stretch::End;
  for (std::size_t i = first_essential_; i < n_; ++i) by_bound_[i]->skip_to(bounds_last_ + 1);
  frontier_ = bounds_last_ + 1;
  return Stretch::Skipped;
}

// The block bounds of the stretch starting at `docid`.
void MaxScorePass::bound_from(Xapian::docid docid) {
  window_ready_ = false;
  bounds_first_ = docid;
  bounds_last_ = kEnd;
  bounds_total_ = 0;
  for (std::size_t i = 0; i < n_; ++i) {
    if (block_last_[i] < docid) {
      Xapian::docid last = kEnd;
      block_bounds_[i] = by_bound_[i]->block_bound(docid, &last);
      block_last_[i] = last;
    }
    bounds_total_ += block_bounds_[i];
    bounds_last_ = std::min(bounds_last_, block_last_[i]);
  }
}

// The next candidate with two essential clauses or more: the least docid, from `frontier_`
// on, of the clauses essential in its stretch; a stretch where none is (their block bounds
// together cannot beat the k-th score) is passed over whole.
Xapian::docid MaxScorePass::next_in_windows() {
  lagging_ = true;
  while (true) {
    if (frontier_ < bounds_first_ || frontier_ > bounds_last_) bound_from(frontier_);
    if (!window_ready_) {
      partition_window();
      next_known_ = false;
    }
    Xapian::docid docid = next_docid_;
    if (!next_known_) {
      docid = kEnd;
      for (std::size_t j = window_first_essential_; j < n_; ++j)
        docid = std::min(docid, by_bound_[(*order_)[j]]->docid());
    }
    next_known_ = false;
    if (docid <= bounds_last_) return docid;
    if (window_first_essential_ > 0) skipped_ = true;  // the others' documents in it unvisited
    if (bounds_last_ == kEnd) return kEnd;
    frontier_ = bounds_last_ + 1;
  }
}

// A stretch shorter than kPartitionedSpan docids keeps the global partition: partitioning costs
// a pass over the clauses, and a long question's stretches, bounded by its short lists one
// posting at a time, are mostly a docid or two long (CISI: 33 % more instructions a query
// when every stretch was partitioned).
void MaxScorePass::partition_window() {
  constexpr Xapian::docid kPartitionedSpan = 64;
  window_ready_ = true;
  partitioned_ = bounds_last_ - frontier_ >= kPartitionedSpan;
  if (!partitioned_) {
    order_ = &in_bound_order_;
    window_first_essential_ = first_essential_;
    if (!lagging_in_window_) return;
    lagging_in_window_ = false;
  } else {
    lagging_in_window_ = true;
    // By insertion from the last partitioned stretch's order: most clauses keep their place.
    for (std::size_t j = 1; j < n_; ++j) {
      const std::size_t clause = window_[j];
      std::size_t at = j;
      for (; at > 0 && block_bounds_[clause] < block_bounds_[window_[at - 1]]; --at)
        window_[at] = window_[at - 1];
      window_[at] = clause;
    }
    order_ = &window_;
    double weakest = 0;
    window_first_essential_ = 0;
    while (window_first_essential_ < n_ &&
           cannot_beat(weakest + block_bounds_[window_[window_first_essential_]], threshold_))
      weakest += block_bounds_[window_[window_first_essential_++]];
    window_rest_ = weakest;
  }
  for (std::size_t j = window_first_essential_; j < n_; ++j)
    by_bound_[(*order_)[j]]->skip_to(frontier_);
}

// The essential clauses' scores, then the non-essential ones probed while the candidate's
// bound can still beat the k-th score; its final score when it can enter.
std::optional<double> MaxScorePass::candidate_score(Xapian::docid docid, std::uint32_t length) {
  double score = 0;
  if (partitioned()) {
    for (std::size_t j = window_first_essential_; j < n_; ++j) {
      ClauseCursor& clause = *by_bound_[(*order_)[j]];
      if (clause.docid() == docid) score += clause.score(length);
    }
    double rest = window_rest_;
    for (std::size_t j = window_first_essential_; j-- > 0;) {
      if (cannot_beat(score + rest, threshold_)) {
        skipped_ = true;
        return std::nullopt;
      }
      ClauseCursor& clause = *by_bound_[(*order_)[j]];
      clause.skip_to(docid);
      rest -= block_bounds_[(*order_)[j]];
      if (clause.docid() == docid) score += clause.score(length);
    }
    if (cannot_beat(score, threshold_)) {
      skipped_ = true;
      return std::nullopt;
    }
    return cursors_.finish(db_, docid, length);
  }
  for (std::size_t i = first_essential_; i < n_; ++i)
    if (by_bound_[i]->docid() == docid) score += by_bound_[i]->score(length);
  if (first_essential_ > 0) {  // the heap is full: block_bounds_ hold this docid's bounds
    double rest = 0;
    for (std::size_t i = 0; i < first_essential_; ++i) rest += block_bounds_[i];
    for (std::size_t i = first_essential_; i-- > 0;) {
      if (cannot_beat(score + rest, threshold_)) {
        skipped_ = true;
        return std::nullopt;
      }
      ClauseCursor& clause = *by_bound_[i];
      clause.skip_to(docid);
      rest -= block_bounds_[i];
      if (clause.docid() == docid) score += clause.score(length);
    }
  }
  if (pruning_ && cannot_beat(score, threshold_)) {
    skipped_ = true;  // cannot enter whether its phrases and conditions hold or not
    return std::nullopt;
  }
  return cursors_.finish(db_, docid, length);
}

// Into the heap, or with phrases into the deferred checks; the heap's rise may start pruning
// and make the weakest clauses non-essential.
void MaxScorePass::take(Xapian::docid docid, std::uint32_t length, double score) {
  DeferredChecks* const deferred = options_.deferred;
  bool rose = false;
  bool starts = false;
  if (deferred) {
    // Its score assumes its phrases hold. Once the heap is full it is checked now, not in a
    // batch of later ones: the check's Enquire stays open for the pass (PositionalCheck), so a
    // check costs only its document's reads, and the k-th score rises soonest (on the 1 GB
    // bench's phrases, against batches of k doubling to 2k: 6.99 -> 6.55 M instructions and
    // 117 -> 97 reads of Xapian's tables a query, p50 907 -> 857 us). Until then candidates
    // gather, and the best of them are checked first (DeferredChecks::take).
    const DeferredChecks::Taken taken =
        deferred->take(docid, score, length, cursors_, db_, data_, state_);
    if (!taken.checked) return;
    rose = taken.rose;
    threshold_ = heap_.threshold();
    starts = !pruning_ && heap_.full();
  } else {
    const std::uint32_t article = state_.numbering.article(data_.article(docid));
    matched_.add(article);
    rose = heap_.offer(state_.numbering.docid(docid), score, article).threshold_may_rise;
    threshold_ = heap_.threshold();
    starts = !pruning_ && heap_.full() && matched_.count() >= options_.exact_count_up_to;
  }
  pruning_ = pruning_ || starts;
  if (pruning_ && (rose || starts)) {
    drop_non_essential();
    window_ready_ = false;
    partitioned_ = false;
  }
}

// The weakest clauses that together cannot lift a document over the k-th score become
// non-essential.
void MaxScorePass::drop_non_essential() {
  while (first_essential_ < n_ && cannot_beat(prefix_bound_[first_essential_], threshold_)) {
    ++first_essential_;
    skipped_ = true;  // documents of the non-essential clauses alone go unvisited
  }
}

void MaxScorePass::step_past(Xapian::docid docid) {
  frontier_ = docid + 1;
  if (partitioned()) {
    next_docid_ = kEnd;
    for (std::size_t j = window_first_essential_; j < n_; ++j) {
      ClauseCursor& clause = *by_bound_[(*order_)[j]];
      if (clause.docid() == docid) clause.next();
      next_docid_ = std::min(next_docid_, clause.docid());
    }
    next_known_ = true;
    return;
  }
  next_docid_ = kEnd;
  for (std::size_t i = first_essential_; i < n_; ++i) {
    ClauseCursor& clause = *by_bound_[i];
    if (clause.docid() == docid) clause.next();
    next_docid_ = std::min(next_docid_, clause.docid());
  }
  next_known_ = true;
}

}  // namespace

void maxscore_pass(const Xapian::Database& db, const index::MatchData& data, PlanCursors& cursors,
                   const PassOptions& options, PassState& state) {
  MaxScorePass(db, data, cursors, options, state).run();
}

}  // namespace kavosh::search::matcher
