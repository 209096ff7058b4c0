#pragma once
// The request's ranking model as a Xapian weighting scheme, and an Enquire that is given a
// new scheme only when the request's model or parameters change.
#include <xapian.h>

#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include "kavosh/search/searcher.hpp"

namespace kavosh::search {

// BM25's k2 (a document-length correction Kavosh leaves off), k3 (query-term frequency
// saturation: 1, so a term typed once weighs 1) and the least normalized length a document is
// weighed as (Xapian's default); the top-k matcher's BM25 uses the same.
inline constexpr double kBm25K2 = 0;
inline constexpr double kBm25K3 = 1;
inline constexpr double kBm25MinNormlen = 0.5;

// Xapian's BM25 with Kavosh's k2, k3 and minimum normalized length (Xapian's weights cannot
// be copied or moved: hence a pointer).
std::unique_ptr<Xapian::BM25Weight> bm25_weight(double k1, double b);

// Query likelihood with Dirichlet smoothing (Zhai and Lafferty), as IR toolkits rank with it
// (Anserini's -qld, Lucene's LMDirichletSimilarity): a query term in a document of length
// `len` adds log(1 + wdf / (mu p)) + log(mu / (len + mu)), where p is the term's share of all
// the collection's term occurrences, and nothing where that is negative. Xapian 1.4's own
// LMWeight with Dirichlet smoothing ranks by log(maxlen (wdf + mu p) / (len + mu)), which
// weighs a common word above a rare one: MAP 0.03 on NPL, 0.20 on Cranfield, where this is
// within 7 % of BM25 (bench/RESULTS.md, "Ranking models"). A weight of Kavosh's own, so a
// remote shard's xapian-tcpsrv does not know it.
class DirichletLmWeight : public Xapian::Weight {
 public:
  explicit DirichletLmWeight(double mu);
  std::string name() const override;
  std::string serialise() const override;
  DirichletLmWeight* unserialise(const std::string& serialised) const override;
  DirichletLmWeight* clone() const override;
  void init(double factor) override;
  double get_sumpart(Xapian::termcount wdf, Xapian::termcount len,
                     Xapian::termcount unique_terms) const override;
  double get_maxpart() const override;
  double get_sumextra(Xapian::termcount, Xapian::termcount) const override { return 0; }
  double get_maxextra() const override { return 0; }

 private:
  double score(double wdf, double len) const;
  double mu_;
  double factor_ = 0;          // the query's scale for the term, times its query frequency
  double per_occurrence_ = 0;  // 1 / (mu p)
};

// Throws std::invalid_argument for a model that is none of kRankingModels.
std::unique_ptr<Xapian::Weight> make_weight(const SearchRequest& request);

class EnquireWeighting {
 public:
  // Sets the request's scheme on `enquire`, unless the last one set is the same. With
  // `remote_shards`, a scheme of Kavosh's own (lm), which xapian-tcpsrv does not know, is
  // refused with std::invalid_argument.
  void apply(Xapian::Enquire& enquire, const SearchRequest& request, bool remote_shards);

 private:
  // Everything make_weight() reads (formatting these as a string key was ~10 k instructions
  // per query).
  using Key = std::tuple<std::string, double, double, double, double, double, std::string>;
  std::optional<Key> current_;
};

}  // namespace kavosh::search
