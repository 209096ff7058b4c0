#include "weighting.hpp"

#include <stdexcept>

#include "kavosh/search/settings.hpp"

namespace kavosh::search {

std::unique_ptr<Xapian::BM25Weight> bm25_weight(double k1, double b) {
  return std::make_unique<Xapian::BM25Weight>(k1, kBm25K2, kBm25K3, b, kBm25MinNormlen);
}

std::unique_ptr<Xapian::Weight> make_weight(const SearchRequest& r) {
  if (r.model == kBm25Model) return bm25_weight(r.k1, r.b);
  if (r.model == "bm25+")
    return std::make_unique<Xapian::BM25PlusWeight>(r.k1, kBm25K2, kBm25K3, r.b, kBm25MinNormlen,
                                                    r.bm25plus_delta);
  if (r.model == "lm")
    return std::make_unique<Xapian::LMWeight>(0.0, Xapian::Weight::DIRICHLET_SMOOTHING, r.mu, 0.0);
  if (r.model == "pl2") return std::make_unique<Xapian::PL2Weight>(r.pl2_c);
  if (r.model == "dph") return std::make_unique<Xapian::DPHWeight>();
  if (r.model == "tfidf") return std::make_unique<Xapian::TfIdfWeight>(r.tfidf_normalizations);
  throw std::invalid_argument("unknown ranking model '" + r.model + "' (" +
                              list_choices(kRankingModels) + ")");
}

void EnquireWeighting::apply(Xapian::Enquire& enquire, const SearchRequest& r) {
  Key key{r.model, r.k1, r.b, r.mu, r.pl2_c, r.bm25plus_delta, r.tfidf_normalizations};
  if (key == current_) return;
  auto weight = make_weight(r);
  enquire.set_weighting_scheme(*weight);
  current_ = std::move(key);
}

}  // namespace kavosh::search
