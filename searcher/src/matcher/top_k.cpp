#include "matcher/top_k.hpp"

#include <algorithm>
#include <cmath>

namespace kavosh::search::matcher {

std::size_t TopKHeap::ArticleSlots::home(std::uint32_t article) const {
  // Fibonacci hashing: article numbers are dense, and their top bits after the multiply spread.
  return static_cast<std::uint32_t>(article * 2654435769U) >> (32 - bits_);
}

std::uint32_t* TopKHeap::ArticleSlots::find(std::uint32_t article) {
  if (used_ == 0) return nullptr;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t at = home(article);; at = (at + 1) & mask) {
    if (slots_[at].first == article) return &slots_[at].second;
    if (slots_[at].first == 0) return nullptr;
  }
}

void TopKHeap::ArticleSlots::grow() {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> old;
  old.swap(slots_);
  bits_ = bits_ == 0 ? 4 : bits_ + 1;
  slots_.assign(std::size_t{1} << bits_, {0, 0});
  used_ = 0;
  for (const auto& [article, at] : old) {
    if (article != 0) put(article, at);
  }
}

void TopKHeap::ArticleSlots::put(std::uint32_t article, std::uint32_t at) {
  if (std::uint32_t* kept = find(article)) {
    *kept = at;
    return;
  }
  if (2 * (used_ + 1) > slots_.size()) grow();
  const std::size_t mask = slots_.size() - 1;
  std::size_t slot = home(article);
  while (slots_[slot].first != 0) slot = (slot + 1) & mask;
  slots_[slot] = {article, at};
  ++used_;
}

void TopKHeap::ArticleSlots::erase(std::uint32_t article) {
  if (used_ == 0) return;
  const std::size_t mask = slots_.size() - 1;
  std::size_t hole = home(article);
  while (slots_[hole].first != article) {
    if (slots_[hole].first == 0) return;
    hole = (hole + 1) & mask;
  }
  // Backward shift: an entry after the hole moves into it unless its home lies cyclically
  // after the hole, so every entry stays reachable from its home without tombstones.
  for (std::size_t next = (hole + 1) & mask; slots_[next].first != 0; next = (next + 1) & mask) {
    const std::size_t from_home = (next - home(slots_[next].first)) & mask;
    if (from_home >= ((next - hole) & mask)) {
      slots_[hole] = slots_[next];
      hole = next;
    }
  }
  slots_[hole] = {0, 0};
  --used_;
}

void TopKHeap::place(std::size_t at, const Entry& entry) {
  heap_[at] = entry;
  if (collapse_ && entry.article != 0)
    by_article_.put(entry.article, static_cast<std::uint32_t>(at));
}

void TopKHeap::sift_up(std::size_t at) {
  const Entry moving = heap_[at];
  while (at > 0) {
    const std::size_t parent = (at - 1) / 2;
    if (!Better{}(heap_[parent], moving)) break;
    place(at, heap_[parent]);
    at = parent;
  }
  place(at, moving);
}

void TopKHeap::sift_down(std::size_t at) {
  const Entry moving = heap_[at];
  const std::size_t size = heap_.size();
  for (;;) {
    std::size_t worse = 2 * at + 1;
    if (worse >= size) break;
    if (worse + 1 < size && Better{}(heap_[worse], heap_[worse + 1])) ++worse;
    if (!Better{}(moving, heap_[worse])) break;
    place(at, heap_[worse]);
    at = worse;
  }
  place(at, moving);
}

TopKHeap::Offered TopKHeap::offer(Xapian::docid docid, double score, std::uint32_t article) {
  if (k_ == 0) return {};
  // Most offers lose to the k-th: so would they to their article's kept document, which is
  // at least as good.
  const Entry entry{{docid, score}, article};
  if (full() && !Better{}(entry, heap_.front())) return {};
  if (collapse_ && article != 0) {
    if (const std::uint32_t* kept = by_article_.find(article)) {
      // A better entry for the same article: it can only move away from the worst end.
      if (!Better{}(entry, heap_[*kept])) return {};
      heap_[*kept] = entry;
      sift_down(*kept);
      return {true, full()};
    }
  }
  if (!full()) {
    heap_.push_back(entry);
    sift_up(heap_.size() - 1);
    return {true, full()};
  }
  if (collapse_ && heap_.front().article != 0) by_article_.erase(heap_.front().article);
  heap_.front() = entry;
  sift_down(0);
  return {true, true};
}

std::vector<ScoredDoc> TopKHeap::take_sorted() const {
  std::vector<Entry> sorted = heap_;
  std::sort(sorted.begin(), sorted.end(), Better{});
  std::vector<ScoredDoc> docs;
  docs.reserve(sorted.size());
  for (const auto& entry : sorted) docs.push_back(entry.doc);
  return docs;
}

PlanCursors::PlanCursors(const Xapian::Database& db, const index::MatchData& data,
                         const BodyPositions* body_positions, const MatchPlan& plan,
                         const Bm25Parameters& parameters, const Xapian::Database& statistics,
                         Bounds bounds, const RestrictedTerm* restricted)
    : required(plan.required) {
  clauses.reserve(plan.clauses.size());
  filters.reserve(plan.filters.size());
  excluded.reserve(plan.excluded.size());
  for (std::size_t i = 0; i < plan.clauses.size(); ++i)
    clauses.emplace_back(db, data, body_positions, plan.clauses[i], parameters, statistics, bounds,
                         restricted && restricted->clause == i ? restricted : nullptr);
  only_scored_words = plan.required.empty() && plan.filters.empty() && plan.excluded.empty() &&
                      std::none_of(clauses.begin(), clauses.end(),
                                   [](const ClauseCursor& c) { return c.positional(); });
  for (const auto& term : plan.filters) {
    filter_termfreqs.push_back(statistics.get_termfreq(term));
    filters.emplace_back(db, term, data, filter_termfreqs.back());
  }
  for (const auto& term : plan.excluded) {
    excluded_termfreqs.push_back(statistics.get_termfreq(term));
    excluded.emplace_back(db, term, data, excluded_termfreqs.back());
  }
}

std::optional<double> PlanCursors::finish(const Xapian::Database& db, Xapian::docid docid,
                                          std::uint32_t length) {
  if (only_scored_words) {  // most plans: every document a clause is on matches
    double score = 0;
    for (const auto& clause : clauses)
      if (clause.docid() == docid) score += clause.score(length);
    return score;
  }
  bool any = false;
  for (auto& clause : clauses) {
    if (clause.docid() != docid) continue;
    if (clause.positional() && !assume_positions_hold && !clause.positions_hold(db))
      clause.reject_current();
    else
      any = true;
  }
  if (!any) return std::nullopt;
  for (const auto& group : required) {
    bool met = false;
    for (std::size_t clause : group) met = met || clauses[clause].matches(docid);
    if (!met) return std::nullopt;
  }
  for (auto& filter : filters) {
    filter.skip_to(docid);
    if (filter.docid() != docid) return std::nullopt;
  }
  for (auto& exclusion : excluded) {
    exclusion.skip_to(docid);
    if (exclusion.docid() == docid) return std::nullopt;
  }
  for (auto& before : ranked_before) {
    while (before.next < before.postings.size() && before.postings[before.next].first < docid)
      ++before.next;
    if (before.next < before.postings.size() && before.postings[before.next].first == docid)
      return std::nullopt;
  }
  double score = 0;
  for (const auto& clause : clauses)
    if (clause.matches(docid)) score += clause.score(length);
  return score;
}

Xapian::doccount PlanCursors::upper_bound(Xapian::doccount collection_size) const {
  double most = 0;
  for (const auto& clause : clauses) most += clause.termfreq_upper_bound();
  for (double tf : filter_termfreqs) most = std::min(most, tf);
  return static_cast<Xapian::doccount>(std::min<double>(most, collection_size));
}

Xapian::doccount PlanCursors::estimate(Xapian::doccount collection_size) const {
  if (collection_size == 0) return 0;
  const double n = collection_size;
  std::vector<bool> in_group(clauses.size(), false);
  double share = 1;
  for (const auto& group : required) {
    double missing = 1;
    for (std::size_t clause : group) {
      missing *= 1 - std::min(1.0, clauses[clause].termfreq() / n);
      in_group[clause] = true;
    }
    share *= 1 - missing;
  }
  if (required.empty()) {
    double missing = 1;
    for (const auto& clause : clauses) missing *= 1 - std::min(1.0, clause.termfreq() / n);
    share = 1 - missing;
  }
  for (double tf : filter_termfreqs) share *= std::min(1.0, tf / n);
  for (double tf : excluded_termfreqs) share *= 1 - std::min(1.0, tf / n);
  return static_cast<Xapian::doccount>(std::lround(share * n));
}

}  // namespace kavosh::search::matcher
