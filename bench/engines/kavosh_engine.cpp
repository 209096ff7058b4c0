// Our engine behind the benchmark protocol: IndexWriter for indexing (one Article with one
// Passage per corpus line) and Searcher for queries, both with their defaults, so the figures
// are what a user of kavosh-index / kavosh-search gets. Our query syntax is passed through as
// it is; the analyzer decides language per passage, so --lang only sets Article::language.
// Extra flags serve bench/run's experiments: --k1/--b/--model/--title-weight/--prf on search
// (the k1/b grid) and --no-normalize, --english-stemmer, --persian-stemmer on index (the
// Persian normalization ablation, the stemmer choices of bench/ranking-loco).
#include <xapian.h>

#include <CLI/CLI.hpp>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>

#include "engine_protocol.hpp"
#include "kavosh/index/writer.hpp"
#include "kavosh/search/searcher.hpp"
#include "kavosh/search/settings.hpp"
#include "kavosh/xapian/errors.hpp"

namespace kavosh::bench {
namespace {

struct MatcherCounts {
  unsigned block_max = 0;  // the top-k matcher
  unsigned none = 0;       // no term of the query in the index: nothing to match
  unsigned enquire = 0;    // Xapian's Enquire
  void add(const MatcherCounts& other) {
    block_max += other.block_max;
    none += other.none;
    enquire += other.enquire;
  }
};

// Flags beyond the protocol; defaults are the library's own.
struct KavoshSettings {
  bool no_normalize_index = false;
  analysis::AnalyzerOptions index_analysis;  // its stemmers; normalization by the flag above
  unsigned batch_passages = index::WriterOptions{}.batch_passages;
  unsigned shards = 0;            // WriterOptions::index_shards: 0 one database, N a sharded index
  bool xapian_positions = false;  // WriterOptions::body_positions_in_xapian
  bool no_normalize_query = false;
  search::SearchRequest request;  // ranking fields only; query/limit/snippets set per query
  // What the opened Searcher really analyzes queries with: "on"/"off" (set when it opens).
  std::string query_normalization = "on";
  std::string matcher = "auto";  // SearchRequest::matcher: auto or xapian
  // Per query class, executions by the matcher that answered (merged from each runner when it
  // closes, so timing takes no lock).
  std::mutex fast_path_mutex;
  std::map<std::string, MatcherCounts> fast_path;
};

class KavoshBuilder final : public IndexBuilder {
 public:
  KavoshBuilder(const std::filesystem::path& store, std::string lang,
                const KavoshSettings& settings)
      : writer_(rethrow_xapian_errors({},
                                      [&] {
                                        index::WriterOptions options;
                                        options.rebuild = true;
                                        options.analyzer = settings.index_analysis;
                                        options.analyzer.normalize_arabic_script =
                                            !settings.no_normalize_index;
                                        options.batch_passages = settings.batch_passages;
                                        options.index_shards = settings.shards;
                                        options.body_positions_in_xapian =
                                            settings.xapian_positions;
                                        return std::make_unique<index::IndexWriter>(store, options);
                                      })),
        lang_(std::move(lang)) {}

  void add(const CorpusDocument& doc) override {
    article_.id = doc.id;
    article_.title = doc.title;
    article_.language = lang_ == "auto" ? doc.lang : lang_;
    article_.passages.resize(1);
    article_.passages[0].text = doc.text;
    rethrow_xapian_errors({}, [&] { writer_->add(article_); });
  }

  void finish() override {
    rethrow_xapian_errors({}, [&] {
      writer_->close();
      writer_.reset();
    });
  }

 private:
  std::unique_ptr<index::IndexWriter> writer_;
  std::string lang_;
  index::Article article_;  // reused so its buffers are too
};

class KavoshRunner final : public QueryRunner {
 public:
  // Without --no-normalize the Searcher follows the index's own analysis metadata, so an
  // index built with --no-normalize is also queried without normalization.
  KavoshRunner(const std::filesystem::path& store, KavoshSettings& settings)
      : searcher_(rethrow_xapian_errors({},
                                        [&] {
                                          if (!settings.no_normalize_query)
                                            return search::Searcher(store);
                                          analysis::AnalyzerOptions options;
                                          options.normalize_arabic_script = false;
                                          return search::Searcher(store, options);
                                        })),
        settings_(settings) {
    settings.query_normalization =
        searcher_.analyzer_options().normalize_arabic_script ? "on" : "off";
  }

  void search(const BenchQuery& query, unsigned k, bool snippets,
              std::vector<RankedDoc>& out) override {
    search::SearchRequest request = settings_.request;
    request.query = query.text;
    request.limit = k;
    request.snippets = snippets;
    // The protocol reads only the corpus id per hit (a value slot) unless snippets are asked for.
    request.hit_details = snippets;
    // The runner reports no "did you mean" line, so the index's spelling data is not consulted
    // (get_spelling_suggestion was 5 % of Cranfield's search instructions).
    request.spelling = false;
    // Test-collection topics are prose; one that does not parse (CACM 64 has a lone "(") runs
    // as its plain words, as `kavosh-search --queries` runs it.
    request.malformed_as_plain_words = query.query_class == "collection";
    request.matcher = settings_.matcher == "xapian" ? search::SearchRequest::Matcher::Xapian
                                                    : search::SearchRequest::Matcher::Automatic;
    const auto results = rethrow_xapian_errors({}, [&] { return searcher_.search(request); });
    for (const auto& hit : results.hits) out.push_back({hit.article, hit.score, hit.snippet});
    auto& counts = fast_path_[query.query_class];
    if (results.matcher == "block-max")
      ++counts.block_max;
    else if (results.matcher.starts_with("none"))
      ++counts.none;
    else
      ++counts.enquire;
  }

  ~KavoshRunner() override {
    const std::lock_guard lock(settings_.fast_path_mutex);
    for (const auto& [query_class, counts] : fast_path_)
      settings_.fast_path[query_class].add(counts);
  }

 private:
  search::Searcher searcher_;
  KavoshSettings& settings_;
  std::map<std::string, MatcherCounts> fast_path_;  // as KavoshSettings::fast_path
};

// "frequent 200 block-max; persian 148 block-max, 52 nothing to match; phrase 196 block-max,
// 4 Enquire": per class, which matcher answered the executions.
std::string fast_path_summary(KavoshSettings& settings) {
  const std::lock_guard lock(settings.fast_path_mutex);
  std::string summary;
  for (const auto& [query_class, counts] : settings.fast_path) {
    std::string parts;
    auto part = [&parts](unsigned n, const char* what) {
      if (n > 0) parts += (parts.empty() ? "" : ", ") + std::to_string(n) + " " + what;
    };
    part(counts.block_max, "block-max");
    part(counts.none, "nothing to match");
    part(counts.enquire, "Enquire");
    summary += (summary.empty() ? "" : "; ") + query_class + " " + parts;
  }
  return summary;
}

void add_kavosh_options(CLI::App& index_command, CLI::App& search_command,
                        KavoshSettings& settings) {
  index_command.add_flag("--no-normalize", settings.no_normalize_index,
                         "index without Persian/Arabic orthographic normalization (ablation)");
  index_command
      .add_option_function<std::string>(
          "--english-stemmer",
          [&settings](const std::string& name) {
            settings.index_analysis.english_stemmer = analysis::parse_english_stemmer(name).value();
          },
          "as kavosh-index --english-stemmer")
      ->check(CLI::IsMember(analysis::english_stemmer_names()));
  index_command
      .add_option_function<std::string>(
          "--persian-stemmer",
          [&settings](const std::string& name) {
            settings.index_analysis.persian_stemmer = analysis::parse_persian_stemmer(name).value();
          },
          "as kavosh-index --persian-stemmer")
      ->check(CLI::IsMember(analysis::persian_stemmer_names()));
  index_command
      .add_option("--batch", settings.batch_passages,
                  "passages per commit (0: the writer's default, sized by the index)")
      ->capture_default_str();
  index_command.add_option("--shards", settings.shards,
                           "write a sharded index of N shards (kavosh-index --shards; 0: one "
                           "database). Search such an index, or a stub file naming remote "
                           "shards in its place (DIR/index), as usual");
  index_command.add_flag("--xapian-positions", settings.xapian_positions,
                         "as kavosh-index --xapian-positions (shards to serve through "
                         "xapian-tcpsrv need it)");
  auto& request = settings.request;
  search_command.add_option("--k1", request.k1, "BM25 k1");
  search_command.add_option("--b", request.b, "BM25 b");
  search_command.add_option("--model", request.model, search::list_choices(search::kRankingModels));
  search_command.add_option("--title-weight", request.title_weight,
                            "title stems relative to body stems");
  search_command.add_option("--prf", request.prf_documents,
                            "pseudo-relevance feedback from the top N passages");
  search_command
      .add_option("--matcher", settings.matcher,
                  "auto (the block-max top-k matcher where it covers the query) or "
                  "xapian (Enquire for every query)")
      ->check(CLI::IsMember({"auto", "xapian"}));
  search_command.add_flag(
      "--no-normalize", settings.no_normalize_query,
      "analyze queries without Persian/Arabic normalization (the ablation's query "
      "side; by default queries follow the index's own analysis metadata)");
}

}  // namespace
}  // namespace kavosh::bench

int main(int argc, char** argv) {
  using namespace kavosh::bench;
  KavoshSettings settings;
  EngineDefinition engine;
  engine.name = "kavosh";
  engine.create_builder = [&](const std::filesystem::path& store,
                              const std::string& lang) -> std::unique_ptr<IndexBuilder> {
    return std::make_unique<KavoshBuilder>(store, lang, settings);
  };
  engine.open_runner = [&](const std::filesystem::path& store,
                           const std::string&) -> std::unique_ptr<QueryRunner> {
    return std::make_unique<KavoshRunner>(store, settings);
  };
  engine.add_options = [&](CLI::App& index_command, CLI::App& search_command) {
    add_kavosh_options(index_command, search_command, settings);
  };
  engine.search_report_fields = [&]() -> std::vector<std::pair<std::string, std::string>> {
    const auto& request = settings.request;
    return {{"model", request.model},
            {"k1", std::to_string(request.k1)},
            {"b", std::to_string(request.b)},
            {"matcher", settings.matcher},
            {"fast_path", fast_path_summary(settings)},
            {"query_normalization", settings.query_normalization}};
  };
  return run_engine_main(argc, argv, engine);
}
