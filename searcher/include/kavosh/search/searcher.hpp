#pragma once
// Searcher: query text -> ranked, collapsed, snippeted hits from a Kavosh index.
// Query words go through the same analyzer as the documents (analysis/).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/format/stored_passage.hpp"
#include "kavosh/search/settings.hpp"

namespace kavosh::search {

struct SearchRequest {
  std::string query;
  unsigned offset = 0;
  unsigned limit = 10;
  bool all_words = false;  // --all: every bare word required
  bool snippets = true;
  bool collapse = true;           // best passage per article (--passages turns off)
  bool aliases = true;            // expand with the index's synonyms
  std::string model{kBm25Model};  // one of kRankingModels (settings.hpp)
  // Defaults chosen on Cranfield (docs/decisions/0001-ranking-defaults.md): b = 0.5 and the default
  // title weight gave the best MAP of a small sweep; k1 hardly mattered.
  double k1 = 1.2;
  double b = 0.5;

  // Further ranking parameters (defaults and their evidence:
  // docs/decisions/0001-ranking-defaults.md).
  double mu = 100;                           // lm: Dirichlet smoothing (by LOCO, RESULTS.md)
  double pl2_c = 1.0;                        // pl2: term frequency normalisation
  double bm25plus_delta = 1.0;               // bm25+: lower bound of a matching term's tf component
  std::string tfidf_normalizations = "ntn";  // tfidf: SMART notation (Xapian TfIdfWeight)
  double title_weight = kDefaultTitleWeight;  // S-prefixed title stems, relative to body stems
  double field_weight = 1.0;                  // explicit infobox field queries (leader:rajavi)
  double section_weight = 0.0;                // XH-prefixed section heading stems (0 = not queried)
  bool arabic_variant = true;                 // Arabic-script words also match Arabic-stemmer stems
  bool drop_stopwords = true;                 // function words (en, fa, ar) leave ranked word lists
  bool romanized_variants = true;             // mojahedin also matches mujahedin (o<->u) if indexed
  std::string language;                       // "", or a filter: one of kLanguageCodes

  unsigned prf_documents = 0;  // --prf N: expand from the top N passages (0 = off)
  unsigned prf_terms = 10;     // expansion terms taken from Xapian's ESet
  double prf_weight = 0.5;     // weight of the expansion relative to the original query
  // RM3 pseudo-relevance feedback (searcher/src/rm3.hpp; evidence in
  // docs/decisions/0001-ranking-defaults.md): Always expands every query; Auto only when the first
  // pass's scores fall slowly, i.e. the passage at rank rm3_documents scores at least
  // rm3_auto_min_score_ratio of the first (a query with one answer, a known item or a question, has
  // a steep head and is left alone).
  enum class Rm3 { Off, Always, Auto };
  Rm3 rm3 = Rm3::Off;
  unsigned rm3_documents = 10;
  unsigned rm3_terms = 10;
  double rm3_original_weight = 0.5;
  double rm3_auto_min_score_ratio = 0.5;
  // SDM-style boost for adjacent content words found next to each other or within 8 words
  // (searcher/src/proximity.hpp).
  bool proximity = false;
  // The same windows as a rerank: the first proximity_rerank_depth passages of the ranking
  // get their windows' weight and are sorted again (0: off). The matcher ranks that many, so
  // a page past them keeps the ranking's order.
  unsigned proximity_rerank_depth = 0;
  double proximity_weight = 1.0;  // scales the windows' weights, in the boost and the rerank
  bool explain = false;           // fill Hit::explanation
  // Read each hit's stored data (title, section, lang, snippet text). Off, a hit carries only
  // rank, score, article, passage and id (from value slots): the fast path for TREC runs.
  bool hit_details = true;
  bool spelling = true;  // did-you-mean: few matches and a word unknown to the index
  // Batch runs of natural-language topics (TREC/SMART): "name:" naming no field of the index
  // is the word name ("Examples:"), and a query that still does not parse runs as its plain
  // words (as_plain_words in query.hpp) instead of throwing QueryError, and
  // SearchResults::parse_fallback says why. Interactive use keeps both errors.
  bool malformed_as_plain_words = false;
  // Which matcher ranks: Automatic takes the block-max top-k matcher (searcher/src/matcher/)
  // for every query it covers and Xapian's Enquire for the rest; Xapian always asks Enquire
  // (kavosh-search --matcher xapian, for comparison).
  enum class Matcher { Automatic, Xapian };
  Matcher matcher = Matcher::Automatic;
  unsigned snippet_words = 30;
  unsigned snippet_bytes = 0;  // 0: no byte limit
  // Fill SearchResults::query_description (--debug-query). Off by default: formatting the
  // query was a tenth of a rare-word query's instructions.
  bool describe_query = false;
};

// One query clause's contribution to a hit's score (--explain).
struct Contribution {
  std::string clause;  // "mojahedin", "title:mojahedin", "\"people's mujahedin\"", "prf"
  double weight = 0;
};

struct Highlight {
  std::uint32_t begin = 0;  // byte range into Hit::snippet
  std::uint32_t end = 0;
};

struct Hit {
  unsigned rank = 0;  // 1-based
  std::string id;     // passage id
  std::string article;
  unsigned passage = 0;
  std::string title;
  std::string section;
  std::string lang;
  double score = 0;
  std::string snippet;
  std::vector<Highlight> highlights;
  std::vector<Contribution> explanation;  // --explain: per clause; sums to ~score
};

struct SearchResults {
  std::vector<Hit> hits;
  std::uint64_t estimated_matches = 0;
  // Xapian's bounds on the number of matches: equal when the count is exact.
  std::uint64_t matches_lower_bound = 0;
  std::uint64_t matches_upper_bound = 0;
  std::string did_you_mean;  // non-empty when the index's spelling data suggests a correction
  std::string
      query_description;       // with describe_query: Xapian::Query::get_description() of what ran
  std::string parse_fallback;  // the parse error, when the query ran as plain words
  // Which matcher answered: "block-max" or "xapian (<why the top-k matcher did not>)".
  std::string matcher;
  // With rm3: "rm3" when the query was expanded, else why not ("rm3 auto: ...").
  std::string feedback;
};

// The index cannot be searched now, and may be later: it is being created (a first kavosh-index
// run, or a --rebuild, has not committed yet) or its directory is missing (kavosh-serve
// answers 503). Other errors of opening an index are std::runtime_error.
class IndexUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What an index holds at the commit a Searcher reads (kavosh-serve's /stats).
struct IndexSummary {
  std::uint64_t passages = 0;
  std::optional<std::uint64_t> articles;  // none in an index written before the count was kept
  double average_length = 0;              // Xapian's document length, in terms
  std::uint64_t total_length = 0;
  std::uint64_t distinct_terms = 0;
  std::string schema;                     // the schema version the index was written with
  std::optional<std::uint64_t> revision;  // none for several shards: no one revision
  // Passages per language code, in kLanguageCodes' order (settings.hpp).
  std::vector<std::pair<std::string, std::uint64_t>> languages;
};

// What one Searcher searches as one index, with global statistics (Xapian's multi-database):
// its shards, local and remote. A set of local shards, each with its match data, is ranked by
// the block-max matcher with the whole set's statistics; with a remote shard, Xapian's
// matcher ranks (the match data is on the shard's machine). The term filter is per database,
// so a set of shards has none; the spelling dictionary is the first local source's
// (searcher/README.md lists what works on remote shards).
struct IndexSources {
  // Index directories (a database, or a sharded index: kavosh-index --shards N) or Xapian stub
  // files, whose "remote HOST:PORT" lines name shards served by xapian-tcpsrv.
  std::vector<std::filesystem::path> local;
  std::vector<std::string> remote;  // "HOST:PORT" of a shard served by xapian-tcpsrv
};

class Searcher {
 public:
  // Throws std::runtime_error naming the path (or the shard) when the database is missing,
  // unreadable, of another schema, or a remote shard does not answer.
  // Queries are analyzed with the options the index was built with (metadata
  // kMetaNormalizeArabicScript; an index without it was normalized, the default).
  explicit Searcher(const std::filesystem::path& db_path);
  explicit Searcher(const IndexSources& sources);
  // Explicit query-side analysis (the normalization ablation), ignoring the index metadata.
  Searcher(const std::filesystem::path& db_path, const analysis::AnalyzerOptions& analysis);
  ~Searcher();
  Searcher(Searcher&&) noexcept;
  Searcher& operator=(Searcher&&) noexcept;

  // Searches the local shards' latest commit, whatever revision the Searcher last read: a
  // search that an indexer's commit overtakes runs again (searcher.cpp says why).
  // Throws QueryError (query.hpp) for a malformed query, std::invalid_argument for a model or
  // language the request names that is none of settings.hpp's.
  SearchResults search(const SearchRequest& request);

  // The options queries and snippets are analyzed with (those of the index as last read).
  const analysis::AnalyzerOptions& analyzer_options() const;
  // `text` as the latest commit's queries are analyzed (kavosh-serve's /analyze).
  std::vector<analysis::Token> analyze(std::string_view text, analysis::Language language);

  // The stored passage `id` names (a passage id, or an article id meaning its first passage)
  // at the latest commit, as search() reads it; none when the index holds no such passage. Throws
  // std::runtime_error naming the index when its record (or the dictionary it names) is
  // corrupt.
  std::optional<index::StoredPassage> stored_passage(const std::string& id);

  // The index's figures at the latest commit, read as search() reads. Counting the distinct
  // terms walks every term once per revision (of one database; a set of shards, every call).
  IndexSummary summary();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kavosh::search
