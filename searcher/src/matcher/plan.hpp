#pragma once
// The shape of a built query that the top-k matcher evaluates itself: a sum of scored clauses
// (a term, an OP_SYNONYM of terms or an OP_WILDCARD's expansion weighed as one; or an OP_PHRASE
// or OP_NEAR of terms, each weighed on its own; times a factor), groups of clauses of which a
// document must match at least one (+word, --all), boolean filter terms it must hold (lang:)
// and terms it must not hold (-word). plan_query() reads it off the Xapian::Query the builder
// made; any other shape (a synonym of phrases as multi-word aliases make, a conjunction under
// an OR) returns nothing and the searcher asks Xapian's Enquire.
#include <xapian.h>

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "kavosh/search/query.hpp"

namespace kavosh::search::matcher {

struct ScoredClause {
  enum class Kind {
    Any,     // one term, or a synonym of terms: matches where any does, weighed as one term
    Phrase,  // every term, in order, spanning fewer than `window` positions; each weighed alone
    Near,    // every term, in any order, spanning fewer than `window` positions
  };
  Kind kind = Kind::Any;
  std::vector<std::string> terms;           // in the order Xapian's matcher meets them
  std::vector<Xapian::doccount> termfreqs;  // of `terms`, read once by plan_query
  double factor = 1.0;
  Xapian::termcount window = 0;
};

struct MatchPlan {
  std::vector<ScoredClause> clauses;
  std::vector<std::vector<std::size_t>> required;  // indices into clauses: one of each group
  std::vector<std::string> filters;                // every one must be held
  std::vector<std::string> excluded;               // none may be held
};

// Where the planner reads a term's document frequency when not from `db` (each a B-tree lookup
// there, often a read of the postlist table): the caller's match data holds every term's
// postings.
using TermFrequencyOf = std::function<Xapian::doccount(const std::string&)>;

// Nothing when the query has a shape the plan cannot express; `why` then says which. `details`
// are the query's node parameters (BuiltQuery::node_details); `db` expands wildcards and, unless
// `termfreq_of` is given, says each term's document frequency.
std::optional<MatchPlan> plan_query(const Xapian::Query& query, const QueryNodeDetails& details,
                                    const Xapian::Database& db, std::string* why = nullptr,
                                    const TermFrequencyOf& termfreq_of = {});

}  // namespace kavosh::search::matcher
