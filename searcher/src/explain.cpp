#include "explain.hpp"

#include <algorithm>
#include <map>
#include <unordered_set>

#include "weighting.hpp"

namespace kavosh::search {

namespace {

class DocidSet : public Xapian::MatchDecider {
 public:
  explicit DocidSet(std::unordered_set<Xapian::docid> ids) : ids_(std::move(ids)) {}
  bool operator()(const Xapian::Document& doc) const override {
    return ids_.count(doc.get_docid());
  }

 private:
  std::unordered_set<Xapian::docid> ids_;
};

}  // namespace

// Each clause is re-run alone, restricted to the hits' passages, with the same weighting
// scheme: for the additive schemes offered here the clause weights sum to the hit's score
// (up to BM25's query-length factor, which is 1 for the default k3 and one copy of a term).
void explain(const Xapian::Database& db, const SearchRequest& r, const BuiltQuery& built,
             const Ranking& ranking, const Xapian::Query& expansion, std::vector<Hit>& hits) {
  std::unordered_set<Xapian::docid> ids;
  std::map<Xapian::docid, std::size_t> hit_of;
  for (std::size_t i = 0; i < ranking.docs.size(); ++i) {
    ids.insert(ranking.docs[i].docid);
    hit_of[ranking.docs[i].docid] = i;
  }
  DocidSet decider(ids);
  Xapian::Enquire single(db);
  auto weight = make_weight(r);
  single.set_weighting_scheme(*weight);
  std::vector<ExplainClause> clauses = built.clauses;
  if (!expansion.empty()) clauses.push_back({"prf", expansion});
  for (const auto& clause : clauses) {
    single.set_query(clause.query);
    Xapian::MSet part =
        single.get_mset(0, static_cast<Xapian::doccount>(ids.size()), nullptr, &decider);
    for (auto it = part.begin(); it != part.end(); ++it)
      hits[hit_of[*it]].explanation.push_back({clause.label, it.get_weight()});
  }
  // The proximity windows are no clause of their own (the rerank adds them after the match,
  // the boost reads positions through a posting source): what the clauses leave of the score.
  if (!r.proximity && r.proximity_rerank_depth == 0) return;
  for (auto& hit : hits) {
    double clauses_sum = 0;
    for (const auto& c : hit.explanation) clauses_sum += c.weight;
    if (hit.score - clauses_sum > 1e-9 * std::max(1.0, hit.score))
      hit.explanation.push_back({"proximity", hit.score - clauses_sum});
  }
}

}  // namespace kavosh::search
