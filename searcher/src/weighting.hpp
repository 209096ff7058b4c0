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

// Throws std::invalid_argument for a model that is none of kRankingModels.
std::unique_ptr<Xapian::Weight> make_weight(const SearchRequest& request);

class EnquireWeighting {
 public:
  // Sets the request's scheme on `enquire`, unless the last one set is the same.
  void apply(Xapian::Enquire& enquire, const SearchRequest& request);

 private:
  // Everything make_weight() reads (formatting these as a string key was ~10 k instructions
  // per query).
  using Key = std::tuple<std::string, double, double, double, double, double, std::string>;
  std::optional<Key> current_;
};

}  // namespace kavosh::search
