#include "matcher/top_k.hpp"

#include <algorithm>
#include <cmath>

namespace kavosh::search::matcher {

void TopKHeap::insert(const Entry& entry) {
  const auto at = kept_.insert(entry).first;
  if (collapse_ && entry.article != 0) by_article_[entry.article] = at;
  note_worst();
}

void TopKHeap::note_worst() {
  if (!full()) return;  // every offer enters: the threshold stays minus infinity
  const Entry& worst = *std::prev(kept_.end());
  threshold_ = worst.doc.score;
  worst_docid_ = worst.doc.docid;
}

TopKHeap::Offered TopKHeap::offer(Xapian::docid docid, double score, std::uint32_t article) {
  if (k_ == 0) return {};
  // Most offers lose to the k-th: so would they to their article's kept document, which is
  // at least as good.
  if (full() && (score < threshold_ || (score == threshold_ && docid >= worst_docid_))) return {};
  const Entry entry{{docid, score}, article};
  if (collapse_ && article != 0) {
    const auto found = by_article_.find(article);
    if (found != by_article_.end()) {
      if (!Better{}(entry, *found->second)) return {};
      kept_.erase(found->second);
      insert(entry);
      return {true, full()};
    }
  }
  if (!full()) {
    insert(entry);
    return {true, full()};
  }
  const auto worst = std::prev(kept_.end());
  if (!Better{}(entry, *worst)) return {};
  if (collapse_ && worst->article != 0) by_article_.erase(worst->article);
  kept_.erase(worst);
  insert(entry);
  return {true, true};
}

std::vector<ScoredDoc> TopKHeap::take_sorted() const {
  std::vector<ScoredDoc> docs;
  for (const auto& entry : kept_) docs.push_back(entry.doc);
  return docs;
}

PlanCursors::PlanCursors(const Xapian::Database& db, const index::MatchData& data,
                         const MatchPlan& plan, const Bm25Parameters& parameters,
                         const Xapian::Database& statistics)
    : required(plan.required) {
  clauses.reserve(plan.clauses.size());
  filters.reserve(plan.filters.size());
  excluded.reserve(plan.excluded.size());
  for (const auto& clause : plan.clauses)
    clauses.emplace_back(db, data, clause, parameters, statistics);
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
