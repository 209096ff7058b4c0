#pragma once
// The query language: a recursive-descent parser from query text to a small AST, and the
// builder that turns the AST into a Xapian::Query through the ONE analyzer (so every query
// word meets the document's form of the word). Syntax, loosest binding first:
//
//   list      := item+                juxtaposed items: OR (ranked), or AND with --all;
//                                     "+item" is required, "-item" excludes
//   item      := ['+'|'-'] or_expr
//   or_expr   := and_expr ('OR' and_expr)*
//   and_expr  := near_expr (('AND' | 'NOT' | 'AND NOT' | 'AND -') near_expr)*
//   near_expr := primary ('NEAR' | 'NEAR/n') primary ...   (NEAR alone: kDefaultNearWindow)
//   primary   := '(' list ')' | field ':' primary | '"phrase"' | '=word' | 'word*' | word
//
// Operators are uppercase (lowercase "and"/"or"/"not" are words). Quotes may be "…", “…” or
// «…». Fields: title:, section:, lang:en|fa|ar|other (a filter), and any infobox label the
// index holds (leader:, founded:, …). A lone '+', '-' or '=' is punctuation and ignored.
// Errors (QueryError, 1-based character position): unbalanced quote, unbalanced or
// unexpected parenthesis, unknown field, field without a value, unknown language, operator
// without an operand on either side, bad NEAR distance, empty wildcard, a list with only
// excluded items, a query with no searchable words, nesting deeper than kMaxQueryNesting.
#include <xapian.h>

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/search/settings.hpp"

namespace kavosh::index {
class TermFilter;  // kavosh/format/term_filter.hpp
}

namespace kavosh::search {

class QueryError : public std::runtime_error {
 public:
  QueryError(unsigned position, const std::string& message);
  unsigned position() const { return position_; }  // 1-based, in characters (code points)
  const std::string& message() const { return message_; }

 private:
  unsigned position_;
  std::string message_;
};

// "unknown field 'name'": a searcher adds the fields its index holds to the message.
class UnknownFieldError : public QueryError {
 public:
  UnknownFieldError(unsigned position, const std::string& field);
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

struct QueryNode {
  enum class Kind { List, Or, And, AndNot, Near, Field, Word, Exact, Phrase, Wildcard };
  enum class Modifier { None, Required, Excluded };

  Kind kind = Kind::Word;
  Modifier modifier = Modifier::None;  // only on List children
  std::string text;       // Word/Exact/Phrase/Wildcard: raw text (no quotes, '=' or '*');
                          // Field: the field name (lowercase)
  unsigned position = 1;  // 1-based character position of the node's first character
  unsigned near_window = kDefaultNearWindow;
  std::vector<QueryNode> children;
};

// A compact S-expression of the AST, for tests and --debug-query:
// (list (word a) +(phrase "b c") -(field title (wildcard moj)))
std::string dump(const QueryNode& node);

// The deepest query parse_query accepts, in open parentheses and in levels of the AST (a
// chain like "a AND b NOT c AND d" nests one level per change of operator): the parser and
// every walk over the AST recurse, and an attacker-sized depth overflowed the stack.
inline constexpr unsigned kMaxQueryNesting = 100;
// The most words a query may hold (a phrase's words counted one by one), as Lucene caps a
// query's clauses at 1024: building and matching grow with the words, and a pasted document
// of 100 000 words took minutes.
inline constexpr std::size_t kMaxQueryWords = 1024;

// Syntax only: no analyzer, no index. `is_known_field(name)` says whether name: is a field
// (title, section and lang are always known). With unknown_fields_as_words, "name:" naming no
// field is the word name (natural-language topics: "Examples:", "Note:"), not an error.
// Throws QueryError.
QueryNode parse_query(std::string_view text,
                      const std::function<bool(std::string_view)>& is_known_field = {},
                      bool unknown_fields_as_words = false);

// The documented fallback for natural-language text whose punctuation is not meant as
// syntax (a test collection's topics): the same words with the syntax taken out, so the
// result parses as a plain ranked word list (or is empty). Quote marks, parentheses, ':' and
// '*' become spaces, a word's leading '+', '-' and '=' are dropped, and the operators AND, OR,
// NOT, NEAR are lowercased into words. kavosh-search --queries runs a topic this way when
// its text does not parse.
std::string as_plain_words(std::string_view text);

struct QueryWeights {
  double title = kDefaultTitleWeight;  // S-prefixed title words, relative to body words
  double section = 0.0;                // section heading words (0: not queried)
  double field = 1.0;                  // explicit infobox field queries (leader:rajavi)
};

struct BuildOptions {
  bool all_words = false;      // juxtaposed plain items are required
  bool aliases = true;         // OR in the index's synonyms (OP_SYNONYM)
  bool arabic_variant = true;  // Arabic-script words also match their Arabic-stemmer stem
  // Romanized Persian spells one vowel several ways (mojahedin / mujahedin): a Latin bare
  // word of 6+ letters also matches the o<->u variants the index holds.
  bool romanized_variants = true;
  // Function and question words (English "the", "what"; Persian "چه", "کدام", "است", "در";
  // Arabic "ماذا"; lists in searcher/src/query_builder/function_words.hpp, compared on the analyzed
  // term) among the ranked bare words of a list are left out when the list has other words: BM25
  // gives common ones small but non-zero weight in Xapian (its idf is floored), and Persian
  // question words, rare in passages, a high one. Phrases, =exact, required (+), excluded
  // and field words keep them.
  bool drop_stopwords = true;
  QueryWeights weights;
  // The term filter of the database's current revision, if it has one: spellings, variants
  // and title/section stems it rules out are not looked up in the index.
  const index::TermFilter* term_filter = nullptr;
  // How many documents hold a term, where something says it without a lookup in the
  // database's postlist B-tree, often a read of a block (the top-k matcher's data, which holds
  // every term's postings); empty: the database says whether it holds a spelling.
  std::function<Xapian::doccount(const std::string&)> termfreq;
  // Where aliases are looked up when not in the searched database: the local dictionary's copy
  // of a sharded index's synonyms, for a set with remote shards (Xapian 1.4's remote protocol
  // carries no synonyms).
  const Xapian::Database* synonyms = nullptr;
  // Where the index's Xapian position table lacks its body terms' positions (schema.hpp:
  // kMetaBodyPositions): the posting source of the documents where a phrase (OP_PHRASE) or NEAR
  // (OP_NEAR) of body terms holds, checked without them. A phrase or NEAR of body terms is
  // then OP_FILTER(the AND of its terms, that source), which Xapian weighs as the phrase. Empty
  // where the table holds them.
  std::function<Xapian::Query(Xapian::Query::op, const std::vector<std::string>& terms,
                              Xapian::termcount window)>
      positional_source;
  // What BuiltQuery carries besides the query: the clauses --explain scores, and the terms,
  // prefixes and phrases snippets mark. A search that shows neither leaves them out (their
  // strings were a tenth of building a Persian query).
  bool explain_clauses = true;
  bool highlights = true;
};

// A clause of the built query that --explain scores on its own: a label such as
// "mojahedin" or "title:mojahedin" and the weighted subquery that contributes it.
struct ExplainClause {
  std::string label;
  Xapian::Query query;
};

// What Xapian 1.4 keeps inside some query nodes without an accessor to read it back: the
// factor of an OP_SCALE_WEIGHT, the window of an OP_PHRASE or OP_NEAR, the pattern and
// expansion limit of an OP_WILDCARD. The builder records every such node it makes, keyed by
// the node's identity (holding the node keeps that address its own); the top-k matcher reads
// the query's parameters from here.
struct NodeDetails {
  Xapian::Query node;
  double factor = 1;
  Xapian::termcount window = 0;
  // OP_PHRASE or OP_NEAR for a positional node: the node itself, or the OP_FILTER that stands
  // for it (BuildOptions::positional_source).
  Xapian::Query::op positional = Xapian::Query::OP_INVALID;
  std::string pattern;
  Xapian::termcount max_expansion = 0;
};
using QueryNodeDetails = std::unordered_map<const Xapian::Query::Internal*, NodeDetails>;

struct BuiltQuery {
  Xapian::Query query;
  std::vector<ExplainClause> clauses;
  std::vector<std::string> highlight_terms;     // unprefixed terms and Z-stems the snippet marks
  std::vector<std::string> highlight_prefixes;  // wildcard prefixes (unprefixed, unstemmed)
  std::vector<std::vector<std::string>> highlight_phrases;  // term sequences marked as a whole
  std::vector<std::string> plain_words;                     // bare words as typed, for did-you-mean
  QueryNodeDetails node_details;                            // see NodeDetails
  // False when the term filter rules out every term the query matches by (excluded ones
  // aside) and it has no wildcard: nothing can match, and the match need not run.
  bool may_match = true;
};

// Turns the AST into a Xapian query. `db` supplies synonyms and wildcard expansion limits;
// it is only read. Throws QueryError (e.g. nothing searchable).
class QueryBuilder {
 public:
  QueryBuilder(analysis::Analyzer& analyzer, const Xapian::Database& db, BuildOptions options);
  BuiltQuery build(const QueryNode& root);

 private:
  analysis::Analyzer& analyzer_;
  const Xapian::Database& db_;
  BuildOptions options_;
};

}  // namespace kavosh::search
