#pragma once
// What every part of the query builder makes its queries through: the leaves (so the query
// knows whether the term filter leaves it anything to match), the nodes whose parameters
// Xapian cannot give back (recorded in BuiltQuery::node_details for the top-k matcher), the
// index lookups, and what the built query carries besides the query (--explain clauses,
// snippet highlights, did-you-mean words). Also the small types the builder's files share.
#include <xapian.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/search/query.hpp"

namespace kavosh::search::query_building {

// Where a word is looked for: the body (with title/section boosts) or one prefixed field.
struct FieldContext {
  std::string prefix;  // "" for the body, else "S", "XH" or "XF<name>:"
  std::string label;   // "" or "title:" / "leader:" for --explain
  bool body() const { return prefix.empty(); }
};

// A plain word of a word list, in order. Function words stay in the run (they are not queried
// on their own) so that compounds and alias n-grams still see them.
// Its term and stem are "" when the analyzer splits it into several positions.
struct RunWord {
  const QueryNode* node = nullptr;
  bool function_word = false;
  std::string term;
  std::string stem;
  bool arabic = false;  // written in Arabic script
};

// Tokens of one analyzed text, grouped the way the query needs them.
struct AnalyzedWord {
  std::vector<std::vector<const analysis::Token*>> positions;  // span-1 tokens per position
  std::vector<const analysis::Token*> compounds;               // stacked tokens with span > 1
  bool arabic_script = false;
};

AnalyzedWord group_tokens(const std::vector<analysis::Token>& tokens);

// The parts that are not empty, joined by op: nothing, the one part, or an op node.
Xapian::Query combine(Xapian::Query::op op, const std::vector<Xapian::Query>& parts);

class QueryTerms {
 public:
  QueryTerms(const Xapian::Database& db, const BuildOptions& options);

  // Every term the query matches by is made here, so that the query knows whether the term
  // filter leaves it anything to match (BuiltQuery::may_match).
  Xapian::Query leaf(const std::string& term);
  // A wildcard's completions are known only at match time: the query may match.
  void may_match_at_match_time();

  // Every OP_SCALE_WEIGHT, OP_PHRASE, OP_NEAR and OP_WILDCARD of the query is made by one of
  // these three, which put its parameters on record (BuiltQuery::node_details) for the
  // matcher: Xapian cannot give them back.
  Xapian::Query scaled(const Xapian::Query& q, double factor);
  Xapian::Query windowed(Xapian::Query::op op, const std::vector<Xapian::Query>& parts,
                         Xapian::termcount window);
  Xapian::Query wildcard_of(const std::string& pattern);

  // One concept spelled several ways, weighed as one term; repeats are left out.
  Xapian::Query synonym_of(const std::vector<std::string>& terms);
  // One concept written several ways (terms, phrases of an alias or a split word): their
  // OP_SYNONYM. Xapian cannot weigh a posting source inside a synonym, so where a phrase is
  // checked by one (BuildOptions::positional_source), the synonym holds the phrase's AND and
  // is filtered by the OR of the phrase's source and the other alternatives: it matches where
  // the positional synonym does, and weighs a document by every alternative whose terms it
  // holds (a phrase's terms even where a spelling other than the phrase matched).
  Xapian::Query alternatives(const std::vector<Xapian::Query>& options);

  // Whether the index holds `term`: the term filter rules most absent terms out without the
  // B-tree descent (and its block reads) that a lookup costs present or absent.
  bool holds(const std::string& term) const;
  // False only when the term filter rules `term` out; true without a filter.
  bool may_hold(const std::string& term) const;
  // The spellings of one word that the index holds, in order, without repeats. A term lookup
  // costs less than the leaf Xapian would open and weigh for a missing term, which adds
  // nothing to any score. With keep_first, terms[0] stays even when missing, so that a word
  // the index lacks still has a clause (for "did you mean").
  std::vector<std::string> held_spellings(const std::vector<std::string>& terms,
                                          bool keep_first) const;

  // Inside -item / NOT's right side: no explain clauses, no highlights, no may_match.
  void enter_excluded() { ++excluded_depth_; }
  void leave_excluded() { --excluded_depth_; }

  void explain(const std::string& label, const Xapian::Query& query);
  // Excluded words are never marked in snippets.
  void highlight_term(const std::string& term);
  void highlight_stem(const std::string& stem);
  void highlight_prefix(const std::string& prefix);
  void highlight_phrase(std::vector<std::string> terms);
  void add_plain_word(const std::string& text) { result_.plain_words.push_back(text); }

  // The built query with everything recorded for it.
  BuiltQuery finish(Xapian::Query query);

 private:
  static constexpr Xapian::termcount kWildcardExpansion = 200;

  NodeDetails& recorded(const Xapian::Query& q);
  bool marking() const { return keep_highlights_ && excluded_depth_ == 0; }

  const Xapian::Database& db_;
  const index::TermFilter* term_filter_;
  std::function<Xapian::doccount(const std::string&)> termfreq_;  // BuildOptions::termfreq
  // BuildOptions::positional_source
  std::function<Xapian::Query(Xapian::Query::op, const std::vector<std::string>&,
                              Xapian::termcount)>
      positional_source_;
  BuiltQuery result_;
  std::set<std::string> highlight_terms_;
  std::set<std::string> highlight_prefixes_;
  std::set<std::vector<std::string>> highlight_phrases_;
  int excluded_depth_ = 0;
  bool keep_clauses_;     // BuildOptions::explain_clauses
  bool keep_highlights_;  // BuildOptions::highlights
};

}  // namespace kavosh::search::query_building
