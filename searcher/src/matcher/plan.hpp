#pragma once
// The shape of a built query that the top-k matcher evaluates itself: a sum of scored clauses
// (a term, an OP_SYNONYM of terms or an OP_WILDCARD's expansion weighed as one; or an OP_PHRASE
// or OP_NEAR of terms, each weighed on its own; times a factor), groups of clauses of which a
// document must match at least one (+word, --all), boolean filter terms it must hold (lang:)
// and terms it must not hold (-word). plan_query() reads it off the Xapian::Query the builder
// made; any other shape (a synonym of phrases as multi-word aliases make, a conjunction under
// an OR) returns nothing and the searcher asks Xapian's Enquire.
#include <xapian.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
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

// At most the documents `clause` matches, from its terms' frequencies: its rarest term's for a
// phrase or NEAR, its terms' summed for a synonym.
inline double most_documents(const ScoredClause& clause) {
  if (clause.termfreqs.empty()) return 0;
  if (clause.kind != ScoredClause::Kind::Any)
    return *std::min_element(clause.termfreqs.begin(), clause.termfreqs.end());
  double sum = 0;
  for (const Xapian::doccount termfreq : clause.termfreqs) sum += termfreq;
  return sum;
}

struct MatchPlan {
  std::vector<ScoredClause> clauses;
  std::vector<std::vector<std::size_t>> required;  // indices into clauses: one of each group
  std::vector<std::string> filters;                // every one must be held
  std::vector<std::string> excluded;               // none may be held
};

// Where the planner reads the index's vocabulary when not from `db`, whose postlist B-tree
// answers each question with a lookup or a walk, often a read of a block: the caller's match
// data holds every term's postings. Either may be left empty.
struct Vocabulary {
  // A term's document frequency.
  std::function<Xapian::doccount(const std::string&)> termfreq;
  // The terms that begin with a prefix, in term order, with their document frequencies (as
  // Xapian's allterms_begin(prefix) gives them): a wildcard's completions.
  std::function<std::vector<std::pair<std::string, Xapian::doccount>>(const std::string&)>
      completions;
};

// Nothing when the query has a shape the plan cannot express; `why` then says which. `details`
// are the query's node parameters (BuiltQuery::node_details); `db` expands wildcards and says
// each term's document frequency where `vocabulary` does not.
std::optional<MatchPlan> plan_query(const Xapian::Query& query, const QueryNodeDetails& details,
                                    const Xapian::Database& db, std::string* why = nullptr,
                                    const Vocabulary& vocabulary = {});

}  // namespace kavosh::search::matcher
