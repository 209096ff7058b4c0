#include "ranking_features.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "proximity.hpp"
#include "rm3.hpp"

namespace kavosh::search {

Xapian::Query with_ranking_features(const MatchSources& sources, analysis::Analyzer& analyzer,
                                    const SearchRequest& r, const QueryNode& ast, BuiltQuery& built,
                                    Xapian::Query query, SearchResults& results) {
  const std::vector<std::string> content = proximity::content_terms(ast, analyzer);
  if (r.proximity) {
    proximity::Parameters parameters;
    parameters.k1 = r.k1;
    parameters.b = r.b;
    parameters.scale = r.proximity_weight;
    const Xapian::Query boost = proximity::boost(sources.db, sources.match_shards,
                                                 sources.body_positions, content, parameters);
    if (!boost.empty()) query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, query, boost);
  }
  if (r.rm3 == SearchRequest::Rm3::Off) return query;
  SearchRequest first = r;
  first.offset = 0;
  first.limit = r.rm3_documents;
  MatchSources passages = sources;
  passages.collapsed = false;
  const Ranking pass = rank(passages, first, built, query);
  std::vector<std::pair<Xapian::docid, double>> top;
  for (const auto& doc : pass.docs) top.emplace_back(doc.docid, doc.score);
  rm3::Parameters parameters;
  parameters.feedback_documents = r.rm3_documents;
  parameters.feedback_terms = r.rm3_terms;
  parameters.original_query_weight = r.rm3_original_weight;
  const double min_ratio = r.rm3 == SearchRequest::Rm3::Auto ? r.rm3_auto_min_score_ratio : 0;
  return rm3::feedback_query(sources.db, top, query, content.size(), parameters, min_ratio,
                             built.node_details, results.feedback);
}

Ranking rank_with_rerank(const MatchSources& sources, analysis::Analyzer& analyzer,
                         const SearchRequest& r, const QueryNode& ast, const BuiltQuery& built,
                         const Xapian::Query& query) {
  if (r.proximity_rerank_depth == 0 || r.proximity_weight <= 0)
    return rank(sources, r, built, query);
  const std::vector<std::string> content = proximity::content_terms(ast, analyzer);
  if (content.size() < 2) return rank(sources, r, built, query);
  SearchRequest whole = r;
  whole.offset = 0;
  whole.limit = std::max(r.offset + r.limit, r.proximity_rerank_depth);
  Ranking ranking = rank(sources, whole, built, query);
  proximity::Parameters parameters;
  parameters.k1 = r.k1;
  parameters.b = r.b;
  parameters.scale = r.proximity_weight;
  proximity::rerank(sources.db, sources.match_shards, sources.body_positions.get(), content,
                    parameters, r.proximity_rerank_depth, ranking.docs, ranking.collapse_keys);
  const auto page = [&r](auto& list) {
    if (list.empty()) return;
    list.erase(list.begin(), list.begin() + std::min<std::size_t>(r.offset, list.size()));
    if (list.size() > r.limit) list.resize(r.limit);
  };
  page(ranking.docs);
  page(ranking.collapse_keys);
  return ranking;
}

}  // namespace kavosh::search
