#include "match.hpp"

#include <optional>
#include <set>

#include "kavosh/format/schema.hpp"
#include "kavosh/search/settings.hpp"
#include "kavosh/text/ascii.hpp"
#include "weighting.hpp"

namespace kavosh::search {

namespace schema = kavosh::index::schema;

namespace {

// Expansion terms: body stems only (kStemmed + a lowercase or non-ASCII first byte), not already
// in the query.
class BodyStemDecider : public Xapian::ExpandDecider {
 public:
  explicit BodyStemDecider(std::set<std::string> query_terms)
      : query_terms_(std::move(query_terms)) {}
  bool operator()(const std::string& term) const override {
    if (term.size() < 3 || term[0] != schema::kStemmed[0]) return false;
    if (text::is_ascii_upper(term[1]) || text::is_ascii_digit(term[1])) return false;
    return !query_terms_.count(term);
  }

 private:
  std::set<std::string> query_terms_;
};

}  // namespace

// Xapian 1.4.22's matcher, once the MSet is full, skips documents that belong in it (issue
// 24: 5 of ParsiNLU's 1295 questions lost a passage at --limit 1, 3 or 10; a plain-Xapian
// case is XapianBehaviour.* in tests/searcher/topk_test.cpp). Not the index: every query
// term's wdf bound and the doclength bounds are at or above the real maxima, and a copy
// written document by document (no shards, no compaction) loses the same documents. Not
// OP_SYNONYM alone: a plain OR of four terms loses one too. BM25's bounds scaled by 1.05 still
// lose it, so no looser bound is known to be safe. Asked to check every document, the
// matcher never raises its minimum weight and the top k is the first k of the whole ranking,
// at a cost measured in docs/decisions/0002-exact-top-k.md. Drop this once Debian's Xapian ranks
// exactly.
Xapian::doccount exact_top_k(const Xapian::Database& db) { return db.get_doccount(); }

// The block-max matcher answers when it covers the search: BM25 (the model whose bounds it
// derives), no feedback round, match data for this revision (of every shard, all local, for a
// set of shards), and a query of the shapes matcher/plan.hpp reads. Enquire answers the rest,
// and whenever the request asks for it.
Ranking rank(const MatchSources& sources, const SearchRequest& r, const BuiltQuery& built,
             const Xapian::Query& query) {
  Ranking ranking;
  std::string why;
  std::optional<matcher::MatchPlan> plan;
  if (r.matcher == SearchRequest::Matcher::Xapian)
    why = "--matcher xapian";
  else if (r.model != kBm25Model)
    why = "model " + r.model;
  else if (r.prf_documents > 0)
    why = "feedback";
  else if (sources.match_shards.empty())
    why = sources.no_match_data;
  else
    plan = matcher::plan_query(
        query, built.node_details, sources.db, &why,
        {.termfreq =
             [&](const std::string& term) {
               return matcher::termfreq(sources.db, sources.match_shards, term);
             },
         .completions =
             [&](const std::string& prefix) {
               return matcher::completions(sources.db, sources.match_shards, prefix);
             }});
  if (plan) {
    ranking.matcher = "block-max";
    const matcher::TopK top = matcher::block_max_maxscore(
        sources.db, sources.match_shards, *plan,
        matcher::Bm25Parameters{r.k1, r.b, kBm25MinNormlen}, r.offset + r.limit, sources.collapsed);
    ranking.estimated_matches = top.estimated_matches;
    ranking.matches_lower_bound = top.matches_lower_bound;
    ranking.matches_upper_bound = top.matches_upper_bound;
    if (top.docs.size() > r.offset)
      ranking.docs.assign(top.docs.begin() + r.offset, top.docs.end());
    return ranking;
  }
  ranking.matcher = "xapian (" + why + ")";
  sources.enquire.set_query(query);
  const Xapian::MSet mset = sources.enquire.get_mset(r.offset, r.limit, exact_top_k(sources.db));
  ranking.estimated_matches = mset.get_matches_estimated();
  ranking.matches_lower_bound = mset.get_matches_lower_bound();
  ranking.matches_upper_bound = mset.get_matches_upper_bound();
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    ranking.docs.push_back({*it, it.get_weight()});
    if (sources.collapsed) ranking.collapse_keys.push_back(it.get_collapse_key());
  }
  return ranking;
}

Xapian::Query feedback_expansion(const MatchSources& sources, const SearchRequest& r,
                                 const Xapian::Query& query) {
  sources.enquire.set_query(query);
  Xapian::MSet feedback = sources.enquire.get_mset(0, r.prf_documents, exact_top_k(sources.db));
  if (feedback.empty()) return Xapian::Query();
  Xapian::RSet rset;
  for (auto it = feedback.begin(); it != feedback.end(); ++it) rset.add_document(*it);
  std::set<std::string> query_terms(query.get_terms_begin(), query.get_terms_end());
  BodyStemDecider decider(std::move(query_terms));
  Xapian::ESet eset = sources.enquire.get_eset(r.prf_terms, rset, &decider);
  std::vector<Xapian::Query> terms;
  double top = eset.empty() ? 1.0 : eset.begin().get_weight();
  for (auto it = eset.begin(); it != eset.end(); ++it)
    terms.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(*it),
                       top > 0 ? it.get_weight() / top : 1.0);
  if (terms.empty()) return Xapian::Query();
  return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                       Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()),
                       r.prf_weight);
}

}  // namespace kavosh::search
