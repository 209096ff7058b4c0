#include "query_builder/query_terms.hpp"

#include <algorithm>

#include "kavosh/format/schema.hpp"
#include "kavosh/format/term_filter.hpp"

namespace kavosh::search::query_building {

namespace schema = kavosh::index::schema;

AnalyzedWord group_tokens(const std::vector<analysis::Token>& tokens) {
  AnalyzedWord word;
  std::uint32_t last_position = 0;
  for (const auto& token : tokens) {
    if (token.script == analysis::Script::Arabic) word.arabic_script = true;
    if (token.span > 1) {
      word.compounds.push_back(&token);
      continue;
    }
    if (word.positions.empty() || token.position != last_position) word.positions.emplace_back();
    word.positions.back().push_back(&token);
    last_position = token.position;
  }
  return word;
}

Xapian::Query combine(Xapian::Query::op op, const std::vector<Xapian::Query>& parts) {
  std::vector<Xapian::Query> present;
  for (const auto& part : parts)
    if (!part.empty()) present.push_back(part);
  if (present.empty()) return Xapian::Query();
  if (present.size() == 1) return present.front();
  return Xapian::Query(op, present.begin(), present.end());
}

QueryTerms::QueryTerms(const Xapian::Database& db, const BuildOptions& options)
    : db_(db),
      term_filter_(options.term_filter),
      termfreq_(options.termfreq),
      positional_source_(options.positional_source),
      keep_clauses_(options.explain_clauses),
      keep_highlights_(options.highlights) {
  result_.may_match = false;  // until a term the index may hold joins the query
}

Xapian::Query QueryTerms::leaf(const std::string& term) {
  if (excluded_depth_ == 0 && !result_.may_match) result_.may_match = may_hold(term);
  return Xapian::Query(term);
}

void QueryTerms::may_match_at_match_time() {
  if (excluded_depth_ == 0) result_.may_match = true;
}

Xapian::Query QueryTerms::scaled(const Xapian::Query& q, double factor) {
  NodeDetails& details = recorded(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, factor));
  details.factor = factor;
  return details.node;
}

Xapian::Query QueryTerms::windowed(Xapian::Query::op op, const std::vector<Xapian::Query>& parts,
                                   Xapian::termcount window) {
  std::vector<std::string> body_terms;
  if (positional_source_ && parts.size() > 1) {
    for (const Xapian::Query& part : parts) {
      if (part.get_type() != Xapian::Query::LEAF_TERM ||
          !index::schema::is_body_term(*part.get_terms_begin()))
        break;
      body_terms.push_back(*part.get_terms_begin());
    }
  }
  // Xapian would find no position of a body term: the phrase is checked by a posting source.
  const bool checked = !body_terms.empty() && body_terms.size() == parts.size();
  NodeDetails& details = recorded(
      checked ? Xapian::Query(Xapian::Query::OP_FILTER,
                              Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end()),
                              positional_source_(op, body_terms, window))
              : Xapian::Query(op, parts.begin(), parts.end(), window));
  details.window = window;
  details.positional = op;
  return details.node;
}

Xapian::Query QueryTerms::wildcard_of(const std::string& pattern) {
  NodeDetails& details =
      recorded(Xapian::Query(Xapian::Query::OP_WILDCARD, pattern, kWildcardExpansion,
                             Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT));
  details.pattern = pattern;
  details.max_expansion = kWildcardExpansion;
  return details.node;
}

NodeDetails& QueryTerms::recorded(const Xapian::Query& q) {
  NodeDetails& details = result_.node_details[q.internal.get()];
  details = NodeDetails{};
  details.node = q;
  return details;
}

Xapian::Query QueryTerms::synonym_of(const std::vector<std::string>& terms) {
  std::vector<Xapian::Query> parts;
  for (auto term = terms.begin(); term != terms.end(); ++term)
    if (std::find(terms.begin(), term, *term) == term) parts.push_back(leaf(*term));
  return combine(Xapian::Query::OP_SYNONYM, parts);
}

Xapian::Query QueryTerms::alternatives(const std::vector<Xapian::Query>& options) {
  std::vector<Xapian::Query> weighed, matching;
  bool checked = false;
  for (const Xapian::Query& option : options) {
    if (option.empty()) continue;
    const auto details = result_.node_details.find(option.internal.get());
    if (option.get_type() == Xapian::Query::OP_FILTER && details != result_.node_details.end() &&
        details->second.positional != Xapian::Query::OP_INVALID) {
      checked = true;
      weighed.push_back(option.get_subquery(0));   // the phrase's AND
      matching.push_back(option.get_subquery(1));  // its posting source
    } else {
      weighed.push_back(option);
      matching.push_back(option);
    }
  }
  if (!checked || weighed.size() == 1) return combine(Xapian::Query::OP_SYNONYM, options);
  return Xapian::Query(Xapian::Query::OP_FILTER,
                       Xapian::Query(Xapian::Query::OP_SYNONYM, weighed.begin(), weighed.end()),
                       Xapian::Query(Xapian::Query::OP_OR, matching.begin(), matching.end()));
}

bool QueryTerms::holds(const std::string& term) const {
  return may_hold(term) && (termfreq_ ? termfreq_(term) > 0 : db_.term_exists(term));
}

bool QueryTerms::may_hold(const std::string& term) const {
  return term_filter_ == nullptr || term_filter_->may_hold(term);
}

std::vector<std::string> QueryTerms::held_spellings(const std::vector<std::string>& terms,
                                                    bool keep_first) const {
  std::vector<std::string> held;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (std::find(held.begin(), held.end(), terms[i]) != held.end()) continue;
    if ((i == 0 && keep_first) || holds(terms[i])) held.push_back(terms[i]);
  }
  return held;
}

void QueryTerms::explain(const std::string& label, const Xapian::Query& query) {
  if (keep_clauses_ && excluded_depth_ == 0 && !query.empty())
    result_.clauses.push_back({label, query});
}

void QueryTerms::highlight_term(const std::string& term) {
  if (marking()) highlight_terms_.insert(term);
}

void QueryTerms::highlight_stem(const std::string& stem) {
  if (marking()) highlight_terms_.insert(std::string(schema::kStemmed) + stem);
}

void QueryTerms::highlight_prefix(const std::string& prefix) {
  if (marking()) highlight_prefixes_.insert(prefix);
}

void QueryTerms::highlight_phrase(std::vector<std::string> terms) {
  if (marking()) highlight_phrases_.insert(std::move(terms));
}

BuiltQuery QueryTerms::finish(Xapian::Query query) {
  result_.query = std::move(query);
  result_.highlight_terms.assign(highlight_terms_.begin(), highlight_terms_.end());
  result_.highlight_prefixes.assign(highlight_prefixes_.begin(), highlight_prefixes_.end());
  result_.highlight_phrases.assign(highlight_phrases_.begin(), highlight_phrases_.end());
  return std::move(result_);
}

}  // namespace kavosh::search::query_building
