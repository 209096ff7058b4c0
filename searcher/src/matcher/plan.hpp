#pragma once
// The shape of a built query that the top-k matcher evaluates itself: a sum of scored clauses
// (a term, or an OP_SYNONYM of terms weighed as one, times a factor), groups of clauses of which
// a document must match at least one (+word, --all), boolean filter terms it must hold (lang:)
// and terms it must not hold (-word). plan_query() reads it off the Xapian::Query the builder
// made; any other shape (phrases, NEAR, wildcards, aliases of several words, a term used in
// two clauses) returns nothing and the searcher asks Xapian's Enquire instead.
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "kavosh/search/query.hpp"

namespace kavosh::search::matcher {

// The factor of every OP_SCALE_WEIGHT node comes from BuiltQuery::scale_factors (query.hpp).
using search::ScaleFactors;

struct ScoredClause {
  std::vector<std::string> terms;  // one term, or an OP_SYNONYM's terms in the query's order
  double factor = 1.0;
};

struct MatchPlan {
  std::vector<ScoredClause> clauses;
  std::vector<std::vector<std::size_t>> required;  // indices into clauses: one of each group
  std::vector<std::string> filters;                // every one must be held
  std::vector<std::string> excluded;               // none may be held
};

// Nothing when the query has a shape the plan cannot express; `why` then says which.
std::optional<MatchPlan> plan_query(const Xapian::Query& query, const ScaleFactors& factors,
                                    std::string* why = nullptr);

}  // namespace kavosh::search::matcher
