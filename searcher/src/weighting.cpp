#include "weighting.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kavosh/search/settings.hpp"

namespace kavosh::search {

std::unique_ptr<Xapian::BM25Weight> bm25_weight(double k1, double b) {
  return std::make_unique<Xapian::BM25Weight>(k1, kBm25K2, kBm25K3, b, kBm25MinNormlen);
}

DirichletLmWeight::DirichletLmWeight(double mu) : mu_(mu) {
  if (!(mu > 0)) throw std::invalid_argument("LM Dirichlet mu must be positive");
  need_stat(COLLECTION_SIZE);
  need_stat(AVERAGE_LENGTH);
  need_stat(COLLECTION_FREQ);
  need_stat(WDF);
  need_stat(WDF_MAX);
  need_stat(WQF);
  need_stat(DOC_LENGTH);
  need_stat(DOC_LENGTH_MIN);
}

std::string DirichletLmWeight::name() const { return "kavosh::DirichletLmWeight"; }

std::string DirichletLmWeight::serialise() const { return Xapian::sortable_serialise(mu_); }

DirichletLmWeight* DirichletLmWeight::unserialise(const std::string& serialised) const {
  return new DirichletLmWeight(Xapian::sortable_unserialise(serialised));
}

DirichletLmWeight* DirichletLmWeight::clone() const { return new DirichletLmWeight(mu_); }

void DirichletLmWeight::init(double factor) {
  // The term-independent part is init(0): it adds nothing.
  factor_ = factor * get_wqf();
  const double occurrences =
      static_cast<double>(get_collection_size()) * static_cast<double>(get_average_length());
  const auto collection_freq = static_cast<double>(get_collection_freq());
  per_occurrence_ =
      collection_freq > 0 && occurrences > 0 ? occurrences / (mu_ * collection_freq) : 0;
}

double DirichletLmWeight::score(double wdf, double len) const {
  const double score = std::log1p(wdf * per_occurrence_) + std::log(mu_ / (len + mu_));
  return factor_ * std::max(score, 0.0);
}

double DirichletLmWeight::get_sumpart(Xapian::termcount wdf, Xapian::termcount len,
                                      Xapian::termcount) const {
  return score(wdf, len);
}

double DirichletLmWeight::get_maxpart() const {
  // The most wdf in the shortest document: a bound, though no document need have both.
  return score(get_wdf_upper_bound(), get_doclength_lower_bound());
}

std::unique_ptr<Xapian::Weight> make_weight(const SearchRequest& r) {
  if (r.model == kBm25Model) return bm25_weight(r.k1, r.b);
  if (r.model == "bm25+")
    return std::make_unique<Xapian::BM25PlusWeight>(r.k1, kBm25K2, kBm25K3, r.b, kBm25MinNormlen,
                                                    r.bm25plus_delta);
  if (r.model == "lm") return std::make_unique<DirichletLmWeight>(r.mu);
  if (r.model == "pl2") return std::make_unique<Xapian::PL2Weight>(r.pl2_c);
  if (r.model == "dph") return std::make_unique<Xapian::DPHWeight>();
  if (r.model == "tfidf") return std::make_unique<Xapian::TfIdfWeight>(r.tfidf_normalizations);
  throw std::invalid_argument("unknown ranking model '" + r.model + "' (" +
                              list_choices(kRankingModels) + ")");
}

void EnquireWeighting::apply(Xapian::Enquire& enquire, const SearchRequest& r, bool remote_shards) {
  if (remote_shards && r.model == "lm")
    throw std::invalid_argument(
        "model lm is Kavosh's own weighting scheme, which remote shards (xapian-tcpsrv) do not "
        "know: choose another model");
  Key key{r.model, r.k1, r.b, r.mu, r.pl2_c, r.bm25plus_delta, r.tfidf_normalizations};
  if (key == current_) return;
  auto weight = make_weight(r);
  enquire.set_weighting_scheme(*weight);
  current_ = std::move(key);
}

}  // namespace kavosh::search
