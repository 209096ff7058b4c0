#pragma once
// Xapian 1.4's BM25Weight, reproduced so that the matcher's scores are Enquire's: the same
// inverse document frequency (with Xapian's floor for terms in over a third of the documents),
// the same length normalisation with its minimum, and for an OP_SYNONYM the same estimated
// document frequency (Xapian combines its terms' frequencies pairwise, as if independent, in
// the order its OR tree is built). Exactness is checked against Enquire in the tests.
#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "matcher/matcher.hpp"

namespace kavosh::search::matcher {

class Bm25Clause {
 public:
  Bm25Clause(const Bm25Parameters& p, double collection_size, double termfreq, double factor,
             double average_length)
      : k1_(p.k1), b_(p.b), min_normlen_(p.min_normlen) {
    double tw = (collection_size - termfreq + 0.5) / (termfreq + 0.5);
    if (tw < 2) tw = tw * 0.5 + 1;
    // k3 = 1 and a query frequency of 1 (plan.hpp leaves repeated terms to Enquire): the
    // query-frequency factor (k3 + 1) wqf / (k3 + wqf) is 1.
    termweight_ = std::log(tw) * factor * (k1_ + 1);
    len_factor_ = (p.b == 0 || p.k1 == 0 || average_length == 0) ? 0 : 1 / average_length;
  }

  double score(std::uint32_t wdf, std::uint32_t length) const {
    return termweight_ * saturation(wdf, length);
  }
  // Whether saturation() is the same function for both: the same k1, b, minimum and average
  // length, whatever the terms' weights.
  bool same_saturation(const Bm25Clause& other) const {
    return k1_ == other.k1_ && b_ == other.b_ && min_normlen_ == other.min_normlen_ &&
           len_factor_ == other.len_factor_;
  }
  // What score() multiplies the term's weight by: the same for every term of a search (its k1,
  // b and average length), so it orders any term's postings as score() does.
  double saturation(std::uint32_t wdf, std::uint32_t length) const {
    const double normlen = std::max(length * len_factor_, min_normlen_);
    const double wdf_double = wdf;
    const double denom = k1_ * (normlen * b_ + (1 - b_)) + wdf_double;
    return wdf_double / denom;
  }

  // The least document length at which a posting of `wdf` scores at most `limit`, or
  // kNoShortestLength when none does. score() falls as the length grows (every step of it
  // rounds monotonically), so "score(wdf, length) <= limit" is exactly "length >= this": a
  // matcher passing over hopeless postings compares lengths instead of dividing.
  static constexpr std::uint64_t kNoShortestLength = std::uint64_t{1} << 32;
  std::uint64_t shortest_length_scoring_at_most(std::uint32_t wdf, double limit) const {
    auto at_most = [&](std::uint64_t length) {
      return length >= kNoShortestLength || score(wdf, static_cast<std::uint32_t>(length)) <= limit;
    };
    std::uint64_t low = 0;
    std::uint64_t high = kNoShortestLength;  // at_most(high) holds; the answer is in [low, high]
    // Solved for the length by algebra, then checked (and corrected) with score() itself.
    const double w = wdf;
    const double estimate =
        limit > 0 ? ((termweight_ * w / limit - w) / k1_ - (1 - b_)) / b_ / len_factor_ : 0;
    if (limit > 0 && std::isfinite(estimate)) {
      const std::uint64_t guess =
          estimate <= 0 ? 0
                        : static_cast<std::uint64_t>(std::min(std::ceil(estimate), 4294967296.0));
      if (at_most(guess)) {
        if (guess == 0 || !at_most(guess - 1)) return guess;
        high = guess - 1;
      } else {
        if (at_most(guess + 1)) return guess + 1;
        low = guess + 2;
      }
    }
    while (low < high) {
      const std::uint64_t middle = low + (high - low) / 2;
      if (at_most(middle))
        high = middle;
      else
        low = middle + 1;
    }
    return low;
  }

 private:
  double k1_, b_, min_normlen_;
  double termweight_ = 0;
  double len_factor_ = 0;
};

// The document frequency Xapian 1.4 weighs an OP_SYNONYM of terms with these frequencies by:
// its OR tree pairs the two least frequent subtrees first (a heap on the estimated frequency),
// and each pair's frequency is estimated as if the two were independent, rounded.
inline double synonym_termfreq(Xapian::doccount collection_size,
                               const std::vector<Xapian::doccount>& termfreqs) {
  struct Node {
    Xapian::doccount estimate;  // what the heap orders by (OrPostList::get_termfreq_est)
    double stats_estimate;      // what the weight is given (get_termfreq_est_using_stats)
  };
  std::vector<Node> heap;
  heap.reserve(termfreqs.size());
  for (Xapian::doccount tf : termfreqs) heap.push_back({tf, static_cast<double>(tf)});
  if (heap.size() == 1) return heap[0].stats_estimate;
  const auto ascending = [](const Node& a, const Node& b) { return a.estimate > b.estimate; };
  const double n = collection_size;
  std::make_heap(heap.begin(), heap.end(), ascending);
  while (true) {
    const Node right = heap.front();
    std::pop_heap(heap.begin(), heap.end(), ascending);
    heap.pop_back();
    const Node& left = heap.front();
    const double estimate =
        left.estimate + right.estimate - (double(left.estimate) * right.estimate / n);
    const double stats = left.stats_estimate + right.stats_estimate -
                         (left.stats_estimate * right.stats_estimate / n);
    // Rounded as Xapian rounds them (not std::lround), so the scores stay Xapian's.
    // NOLINTBEGIN(bugprone-incorrect-roundings)
    const Node joined{static_cast<Xapian::doccount>(estimate + 0.5),
                      static_cast<double>(static_cast<Xapian::doccount>(stats + 0.5))};
    // NOLINTEND(bugprone-incorrect-roundings)
    if (heap.size() == 1) return joined.stats_estimate;
    std::pop_heap(heap.begin(), heap.end(), ascending);
    heap.back() = joined;
    std::push_heap(heap.begin(), heap.end(), ascending);
  }
}

}  // namespace kavosh::search::matcher
