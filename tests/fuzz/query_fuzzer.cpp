// libFuzzer target: any text through the query parser, the builder and a whole search of the
// fixtures' index. Invariants beyond the sanitizers':
//  - the parser and the builder throw only QueryError, with a 1-based position at most one
//    past the query's end;
//  - an accepted query's AST dump is non-empty and the AST nests at most kMaxQueryNesting;
//  - as_plain_words() of any text parses as a flat word list, or is the empty query;
//  - a search throws only QueryError (never for plain words), returns at most `limit` hits,
//    ranked 1.. in order of non-increasing score, each with an article and passage id.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/search/query.hpp"
#include "kavosh/search/searcher.hpp"

using kavosh::fuzz::require;
using namespace kavosh::search;

namespace {

unsigned depth(const QueryNode& node) {
  unsigned deepest = 0;
  for (const QueryNode& child : node.children) deepest = std::max(deepest, depth(child));
  return deepest + 1;
}

bool only_words(const QueryNode& node) {
  if (node.kind == QueryNode::Kind::Word) return node.modifier == QueryNode::Modifier::None;
  if (node.kind != QueryNode::Kind::List) return false;
  for (const QueryNode& child : node.children)
    if (!only_words(child)) return false;
  return true;
}

bool is_known_field(std::string_view name) { return name == "leader" || name == "founded"; }

}  // namespace

// The index is built before the first input, so its build (seconds on a loaded machine) is
// not counted against -timeout as that input's time.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  kavosh::fuzz::fixture_index();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Searcher searcher(kavosh::fuzz::fixture_index());
  static kavosh::analysis::Analyzer analyzer;
  static Xapian::Database database(kavosh::fuzz::fixture_index().string());
  if (size == 0) return 0;
  const std::uint8_t flags = data[0];
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  // Positions count characters, an invalid byte being one: never more than the bytes.
  const auto last_position = static_cast<unsigned>(text.size() + 1);

  try {
    const QueryNode root = parse_query(text, is_known_field, (flags & 1) != 0);
    require(!dump(root).empty(), "empty AST dump");
    require(depth(root) <= kavosh::search::kMaxQueryNesting + 2, "AST deeper than the limit");
    BuildOptions options;
    options.all_words = (flags & 2) != 0;
    options.drop_stopwords = (flags & 4) != 0;
    try {
      const BuiltQuery built = QueryBuilder(analyzer, database, options).build(root);
      require(!built.query.empty() || !built.may_match, "an empty query said to match");
    } catch (const QueryError& e) {
      require(e.position() >= 1 && e.position() <= last_position, "builder error position");
    }
  } catch (const QueryError& e) {
    require(e.position() >= 1 && e.position() <= last_position, "parser error position");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected exception: %s\n", e.what());
    require(false, "parser or builder threw something other than QueryError");
  }

  try {
    const QueryNode plain = parse_query(as_plain_words(text));
    require(only_words(plain), "as_plain_words left syntax behind");
  } catch (const QueryError& e) {
    require(std::string_view(e.message()) == "empty query", "as_plain_words did not parse");
  }

  SearchRequest request;
  request.query = text;
  request.limit = 1 + flags % 5;
  request.malformed_as_plain_words = (flags & 8) != 0;
  request.all_words = (flags & 2) != 0;
  request.explain = (flags & 16) != 0;
  request.collapse = (flags & 32) == 0;
  request.matcher =
      (flags & 64) != 0 ? SearchRequest::Matcher::Xapian : SearchRequest::Matcher::Automatic;
  try {
    const SearchResults results = searcher.search(request);
    require(results.hits.size() <= request.limit, "more hits than the limit");
    for (std::size_t i = 0; i < results.hits.size(); ++i) {
      const Hit& hit = results.hits[i];
      require(hit.rank == i + 1, "hit ranks not 1..n");
      require(!hit.id.empty() && !hit.article.empty(), "hit without an id");
      require(i == 0 || results.hits[i - 1].score >= hit.score, "hits out of score order");
      for (const Highlight& h : hit.highlights)
        require(h.begin < h.end && h.end <= hit.snippet.size(), "highlight outside the snippet");
    }
  } catch (const QueryError&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected exception: %s\n", e.what());
    require(false, "search threw something other than QueryError");
  }
  return 0;
}
