#include "matcher/plan.hpp"

#include <algorithm>

#include "matcher/matcher.hpp"

namespace kavosh::search::matcher {
namespace {

class Planner {
 public:
  // Both of `vocabulary`'s functions are set.
  Planner(const QueryNodeDetails& details, const Vocabulary& vocabulary)
      : details_(details), vocabulary_(vocabulary) {}

  // The list's frame, outermost first: exclusions, filters, required items, then the ranked
  // rest. Below an OR only scored clauses may appear: "(a AND b) OR c" is not a plan.
  bool root(const Xapian::Query& q) {
    if (checked_positional(q)) return scored(q, 1.0);
    switch (q.get_type()) {
      case Xapian::Query::OP_AND_NOT:
        for (std::size_t i = 1; i < q.get_num_subqueries(); ++i)
          if (!boolean_terms(q.get_subquery(i), plan_.excluded, /*all=*/false)) return false;
        return root(q.get_subquery(0));
      case Xapian::Query::OP_FILTER:
        for (std::size_t i = 1; i < q.get_num_subqueries(); ++i)
          if (!boolean_terms(q.get_subquery(i), plan_.filters, /*all=*/true)) return false;
        return root(q.get_subquery(0));
      case Xapian::Query::OP_AND:
        for (std::size_t i = 0; i < q.get_num_subqueries(); ++i)
          if (!required(q.get_subquery(i))) return false;
        return true;
      case Xapian::Query::OP_AND_MAYBE: {
        const Xapian::Query must = q.get_subquery(0);
        if (must.get_type() == Xapian::Query::OP_AND) {
          for (std::size_t i = 0; i < must.get_num_subqueries(); ++i)
            if (!required(must.get_subquery(i))) return false;
        } else if (!required(must)) {
          return false;
        }
        for (std::size_t i = 1; i < q.get_num_subqueries(); ++i)
          if (!scored(q.get_subquery(i), 1.0)) return false;
        return true;
      }
      default:
        return scored(q, 1.0);
    }
  }

  bool scored(const Xapian::Query& q, double factor) {
    switch (q.get_type()) {
      case Xapian::Query::LEAF_TERM:
        return add_clause(any_of({leaf_term(q)}, factor));
      case Xapian::Query::OP_SYNONYM: {
        std::vector<std::string> terms;
        for (std::size_t i = 0; i < q.get_num_subqueries(); ++i) {
          const Xapian::Query sub = q.get_subquery(i);
          if (sub.get_type() != Xapian::Query::LEAF_TERM) return fail("a synonym of non-terms");
          terms.push_back(leaf_term(sub));
        }
        return add_clause(any_of(std::move(terms), factor));
      }
      case Xapian::Query::OP_FILTER:
      case Xapian::Query::OP_PHRASE:
      case Xapian::Query::OP_NEAR: {
        if (q.get_type() == Xapian::Query::OP_FILTER && !checked_positional(q))
          return fail("a filter in a ranked position");
        const NodeDetails* node = details_of(q);
        if (!node || node->window == 0) return fail("a window the builder did not record");
        // A phrase checked by a posting source: OP_FILTER(the AND of its terms, the source).
        const Xapian::Query words =
            q.get_type() == Xapian::Query::OP_FILTER ? q.get_subquery(0) : q;
        std::vector<std::string> terms;
        for (std::size_t i = 0; i < words.get_num_subqueries(); ++i) {
          const Xapian::Query sub = words.get_subquery(i);
          if (sub.get_type() != Xapian::Query::LEAF_TERM) return fail("a phrase of non-terms");
          terms.push_back(leaf_term(sub));
        }
        const Xapian::Query::op positional =
            q.get_type() == Xapian::Query::OP_FILTER ? node->positional : q.get_type();
        const auto kind = positional == Xapian::Query::OP_PHRASE ? ScoredClause::Kind::Phrase
                                                                 : ScoredClause::Kind::Near;
        ScoredClause clause = any_of(std::move(terms), factor);
        clause.kind = kind;
        clause.window = node->window;
        return add_clause(std::move(clause));
      }
      case Xapian::Query::OP_WILDCARD: {
        const NodeDetails* node = details_of(q);
        if (!node || node->pattern.empty()) return fail("a wildcard the builder did not record");
        ScoredClause clause = expand(node->pattern, node->max_expansion);
        if (clause.terms.empty()) return true;  // completes no term: adds nothing, as in Xapian
        clause.factor = factor;
        return add_clause(std::move(clause));
      }
      case Xapian::Query::OP_OR:
        for (std::size_t i = 0; i < q.get_num_subqueries(); ++i)
          if (!scored(q.get_subquery(i), factor)) return false;
        return true;
      case Xapian::Query::OP_SCALE_WEIGHT: {
        const NodeDetails* node = details_of(q);
        if (!node) return fail("a scale factor the builder did not record");
        // A zero-weight clause beside scored ones would still match documents.
        if (node->factor <= 0) return fail("a zero-weight clause in a ranked position");
        return scored(q.get_subquery(0), factor * node->factor);
      }
      default:
        return fail("an operator the matcher does not evaluate");
    }
  }

  MatchPlan take() { return std::move(plan_); }
  std::string why;

 private:
  // A required item: a sum of clauses of which one must match.
  bool required(const Xapian::Query& q) {
    const std::size_t first = plan_.clauses.size();
    const auto type = q.get_type();
    if (type != Xapian::Query::LEAF_TERM && type != Xapian::Query::OP_SYNONYM &&
        type != Xapian::Query::OP_OR && type != Xapian::Query::OP_SCALE_WEIGHT)
      return fail("a required item that is not a word");
    if (!scored(q, 1.0)) return false;
    std::vector<std::size_t> group;
    for (std::size_t i = first; i < plan_.clauses.size(); ++i) group.push_back(i);
    if (group.empty()) return fail("an empty required item");
    plan_.required.push_back(std::move(group));
    return true;
  }

  // Unweighted terms: `all` of them (a filter) or any of them (an exclusion).
  bool boolean_terms(const Xapian::Query& q, std::vector<std::string>& out, bool all) {
    switch (q.get_type()) {
      case Xapian::Query::LEAF_TERM:
        out.push_back(leaf_term(q));
        return true;
      case Xapian::Query::OP_SCALE_WEIGHT:
        return boolean_terms(q.get_subquery(0), out, all);
      case Xapian::Query::OP_AND:
        if (!all) return fail("an exclusion of a conjunction");
        break;
      case Xapian::Query::OP_OR:
      case Xapian::Query::OP_SYNONYM:
        if (all) return fail("a filter of alternatives");
        break;
      default:
        return fail("a filter or exclusion that is not of terms");
    }
    for (std::size_t i = 0; i < q.get_num_subqueries(); ++i)
      if (!boolean_terms(q.get_subquery(i), out, all)) return false;
    return true;
  }

  static std::string leaf_term(const Xapian::Query& q) { return *q.get_terms_begin(); }

  static ScoredClause any_of(std::vector<std::string> terms, double factor) {
    ScoredClause clause;
    clause.terms = std::move(terms);
    clause.factor = factor;
    return clause;
  }

  // A term the query holds twice (in two clauses, or twice in a phrase) is weighed by Xapian
  // once per occurrence, each with a query frequency of 1, as the plan weighs it.
  bool add_clause(ScoredClause clause) {
    if (clause.termfreqs.empty())
      for (const auto& term : clause.terms) clause.termfreqs.push_back(vocabulary_.termfreq(term));
    plan_.clauses.push_back(std::move(clause));
    return true;
  }

  // An OP_FILTER standing for a phrase or NEAR (BuildOptions::positional_source), not a filter.
  bool checked_positional(const Xapian::Query& q) const {
    if (q.get_type() != Xapian::Query::OP_FILTER) return false;
    const NodeDetails* node = details_of(q);
    return node != nullptr && node->positional != Xapian::Query::OP_INVALID;
  }

  const NodeDetails* details_of(const Xapian::Query& q) const {
    const auto found = details_.find(q.internal.get());
    return found == details_.end() ? nullptr : &found->second;
  }

  // The terms Xapian 1.4 expands a WILDCARD_LIMIT_MOST_FREQUENT wildcard to, in the order its
  // OR tree receives them: every completion in term order, or, past the limit, the most
  // frequent, selected as Xapian selects them (std::nth_element on the frequency, descending),
  // since the order decides how the synonym's frequency is estimated.
  ScoredClause expand(const std::string& pattern, Xapian::termcount limit) const {
    std::vector<std::pair<std::string, Xapian::doccount>> completions =
        vocabulary_.completions(pattern);
    if (limit > 0 && completions.size() > limit) {
      std::nth_element(completions.begin(), completions.begin() + limit, completions.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
      completions.resize(limit);
    }
    ScoredClause clause;
    for (auto& [term, termfreq] : completions) {
      clause.terms.push_back(std::move(term));
      clause.termfreqs.push_back(termfreq);
    }
    return clause;
  }

  bool fail(const char* reason) {
    why = reason;
    return false;
  }

  const QueryNodeDetails& details_;
  const Vocabulary& vocabulary_;
  MatchPlan plan_;
};

}  // namespace

std::optional<MatchPlan> plan_query(const Xapian::Query& query, const QueryNodeDetails& details,
                                    const Xapian::Database& db, std::string* why,
                                    const Vocabulary& vocabulary) {
  // What `vocabulary` leaves unsaid, `db` says (through its postlist B-tree).
  Vocabulary complete = vocabulary;
  if (!complete.termfreq)
    complete.termfreq = [&db](const std::string& term) { return termfreq(db, {}, term); };
  if (!complete.completions)
    complete.completions = [&db](const std::string& prefix) { return completions(db, {}, prefix); };
  Planner planner(details, complete);
  const bool ok = planner.root(query);
  MatchPlan plan = planner.take();
  if (ok && !plan.clauses.empty()) return plan;
  if (why) *why = ok ? "no scored clause" : planner.why;
  return std::nullopt;
}

}  // namespace kavosh::search::matcher
