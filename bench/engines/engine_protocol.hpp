#pragma once
// The benchmark engine protocol shared by the C++ engines (Kavosh, plain Xapian, SQLite FTS5):
// command line, JSONL corpus and TSV query reading, the common query syntax, the timing loop
// with warm-up, repeats and threads, percentiles, and the one-line JSON reports. An engine only
// supplies an IndexBuilder and a QueryRunner; run_engine_main() does everything else, so every
// engine is measured by the same code. README.md in this folder documents the protocol.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace CLI {
class App;
}

namespace kavosh::bench {

// One line of the JSONL corpus: {"id","title","text","lang"}.
struct CorpusDocument {
  std::string id;
  std::string title;
  std::string text;
  std::string lang;  // may be empty
};

// One line of the query TSV: qid<TAB>class<TAB>query.
struct BenchQuery {
  std::string qid;
  std::string query_class;
  std::string text;
};

// The two analysis families the peers distinguish: Arabic-script text (Persian analyzers) and
// everything else (English analyzers).
enum class TextLanguage { English, Persian };

// "en" / "fa" / "auto" as given on the command line or recorded in the index marker.
// Auto resolves per document (its "lang" field, else its script) and per query (its script).
TextLanguage detect_text_language(std::string_view text);
TextLanguage resolve_language(std::string_view option_lang, std::string_view doc_lang,
                              std::string_view text);

// The common query syntax parsed into clauses, for peers whose syntax differs from ours:
// bare words (ranked OR), "quoted phrase", prefix* and title:word / title:"phrase".
// Unknown fields ("lang:fa") are dropped and their value kept as plain words.
struct QueryClause {
  enum class Kind { Word, Phrase, Prefix };
  Kind kind = Kind::Word;
  std::string field;               // "" (all text fields) or "title"
  std::vector<std::string> words;  // one word for Word/Prefix (without the '*')
};
std::vector<QueryClause> parse_common_query(std::string_view query);

struct RankedDoc {
  std::string id;  // corpus id
  double score = 0;
  std::string snippet;  // filled only when snippets are requested
};

// Builds one index from corpus documents; finish() must leave everything durable on disk.
class IndexBuilder {
 public:
  virtual ~IndexBuilder() = default;
  virtual void add(const CorpusDocument& document) = 0;
  virtual void finish() = 0;
};

// One searcher handle. Each thread gets its own, so implementations need no locking.
class QueryRunner {
 public:
  virtual ~QueryRunner() = default;
  // Top `k` for `query`, best first, into `out` (cleared by the caller).
  virtual void search(const BenchQuery& query, unsigned k, bool snippets,
                      std::vector<RankedDoc>& out) = 0;
};

struct EngineDefinition {
  std::string name;
  // `store` is <DIR>/index, a path that does not exist yet; `lang` is "en", "fa" or "auto".
  std::function<std::unique_ptr<IndexBuilder>(const std::filesystem::path& store,
                                              const std::string& lang)>
      create_builder;
  // `lang` is the --lang given to search, else the one the index was built with.
  std::function<std::unique_ptr<QueryRunner>(const std::filesystem::path& store,
                                             const std::string& lang)>
      open_runner;
  // Optional: engine-specific flags on the `index` and `search` subcommands (e.g. Kavosh's
  // --k1/--b), bound to variables the factories above read.
  std::function<void(CLI::App& index_command, CLI::App& search_command)> add_options;
  // Optional: extra string members for the search report, e.g. the configuration that ran.
  std::function<std::vector<std::pair<std::string, std::string>>()> search_report_fields;
};

// Parses argv, runs `index` or `search`, prints the JSON line; returns the exit code
// (0 ok, 1 runtime error, 2 usage), printing any error as one line on stderr.
int run_engine_main(int argc, char** argv, const EngineDefinition& engine);

// Snippet length the engines aim at, so snippet costs are comparable: about this many bytes
// (Xapian, Kavosh), this many characters (Lucene), or tokens for FTS5 (kSnippetTokens).
inline constexpr unsigned kSnippetBytes = 200;
inline constexpr unsigned kSnippetTokens = 30;

}  // namespace kavosh::bench
