// The shared half of every C++ benchmark engine: see engine_protocol.hpp and README.md.
#include "engine_protocol.hpp"

#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <latch>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "kavosh/text/arabic_script.hpp"
#include "kavosh/text/utf8.hpp"

namespace kavosh::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kMarkerFile = "bench-engine.json";
constexpr std::string_view kStoreName = "index";

// ---------------------------------------------------------------------------------------------
// Text language by script.

bool is_latin_letter(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0x00C0 && c <= 0x024F) ||
         (c >= 0x1E00 && c <= 0x1EFF);
}

// ---------------------------------------------------------------------------------------------
// Files.

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::uintmax_t directory_bytes(const fs::path& dir) {
  std::uintmax_t total = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) total += entry.file_size();
  }
  return total;
}

// User + system CPU time of this process: on a shared machine it says what the wall time
// would be on a quiet one (for a single-threaded engine).
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // kilobytes on Linux
}

// Creates `dir` fresh. Refuses to delete a non-empty directory that is not one of ours, so a
// mistyped --index can never wipe unrelated files.
void prepare_fresh_index_dir(const fs::path& dir) {
  if (fs::exists(dir)) {
    if (!fs::is_directory(dir))
      throw std::runtime_error(dir.string() + ": exists and is not a directory");
    if (!fs::is_empty(dir) && !fs::exists(dir / kMarkerFile)) {
      throw std::runtime_error(dir.string() + ": not empty and not a benchmark index (no " +
                               std::string(kMarkerFile) + "); refusing to overwrite");
    }
    fs::remove_all(dir);
  }
  fs::create_directories(dir);
}

nlohmann::json read_marker(const fs::path& dir) {
  std::ifstream in(dir / kMarkerFile);
  if (!in)
    throw std::runtime_error((dir / kMarkerFile).string() +
                             ": cannot open (not an index built by a bench engine?)");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error((dir / kMarkerFile).string() + ": " + e.what());
  }
}

std::string string_member(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  if (!it->is_string()) throw std::runtime_error(std::string("\"") + key + "\" is not a string");
  return it->get<std::string>();
}

struct CorpusTotals {
  std::uint64_t docs = 0;
  std::uint64_t text_bytes = 0;  // UTF-8 bytes of title + text
  std::uint64_t file_bytes = 0;
};

CorpusTotals read_corpus(const fs::path& corpus,
                         const std::function<void(const CorpusDocument&)>& sink) {
  std::ifstream in(corpus, std::ios::binary);
  if (!in) throw std::runtime_error(corpus.string() + ": cannot open");
  CorpusTotals totals;
  CorpusDocument doc;
  std::string line;
  std::uint64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    totals.file_bytes += line.size() + 1;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      const auto object = nlohmann::json::parse(line);
      if (!object.is_object()) throw std::runtime_error("not a JSON object");
      doc.id = string_member(object, "id");
      doc.title = string_member(object, "title");
      doc.text = string_member(object, "text");
      doc.lang = string_member(object, "lang");
      if (doc.id.empty()) throw std::runtime_error("missing \"id\"");
    } catch (const std::exception& e) {
      throw std::runtime_error(corpus.string() + ":" + std::to_string(line_no) + ": " + e.what());
    }
    totals.text_bytes += doc.title.size() + doc.text.size();
    ++totals.docs;
    sink(doc);
  }
  return totals;
}

std::vector<BenchQuery> read_queries(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot open");
  std::vector<BenchQuery> queries;
  std::string line;
  std::uint64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const auto first = line.find('\t');
    const auto second = first == std::string::npos ? first : line.find('\t', first + 1);
    if (second == std::string::npos) {
      throw std::runtime_error(file.string() + ":" + std::to_string(line_no) +
                               ": expected qid<TAB>class<TAB>query");
    }
    queries.push_back({line.substr(0, first), line.substr(first + 1, second - first - 1),
                       line.substr(second + 1)});
  }
  if (queries.empty()) throw std::runtime_error(file.string() + ": no queries");
  return queries;
}

// ---------------------------------------------------------------------------------------------
// Measurement.

struct Sample {
  std::uint32_t query_index;
  std::uint32_t nanoseconds;  // saturates at ~4.3 s, far beyond any sane query
};

double round1(double value) { return std::round(value * 10.0) / 10.0; }

// Nearest-rank percentile of sorted microsecond latencies.
double percentile(const std::vector<double>& sorted, double p) {
  const auto rank =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

nlohmann::json latency_summary(std::vector<double> micros, bool with_mean) {
  nlohmann::json out = nlohmann::json::object();
  out["n"] = micros.size();
  if (micros.empty()) return out;
  std::sort(micros.begin(), micros.end());
  out["p50"] = round1(percentile(micros, 50));
  out["p95"] = round1(percentile(micros, 95));
  out["p99"] = round1(percentile(micros, 99));
  out["max"] = round1(micros.back());
  if (with_mean) {
    double sum = 0;
    for (double m : micros) sum += m;
    out["mean"] = round1(sum / static_cast<double>(micros.size()));
  }
  return out;
}

struct SearchOptions {
  fs::path index;
  fs::path queries;
  unsigned k = 10;
  bool snippets = false;
  unsigned warmup = 1;
  unsigned repeat = 1;
  unsigned threads = 1;
  fs::path run_file;
  std::string run_tag;
  fs::path latencies_file;
  std::string lang;
};

// What one thread measured.
struct ThreadResult {
  std::vector<Sample> samples;
  std::uint64_t hits = 0;
  std::uint64_t errors = 0;
  std::string first_error;
};

void run_one(QueryRunner& runner, const BenchQuery& query, const SearchOptions& options,
             std::vector<RankedDoc>& scratch, ThreadResult& result) {
  scratch.clear();
  try {
    runner.search(query, options.k, options.snippets, scratch);
    result.hits += scratch.size();
  } catch (const std::exception& e) {
    if (result.errors++ == 0) result.first_error = "query " + query.qid + ": " + e.what();
  }
}

void write_run_file(QueryRunner& runner, const std::vector<BenchQuery>& queries,
                    const SearchOptions& options) {
  std::ofstream out(options.run_file);
  if (!out) throw std::runtime_error(options.run_file.string() + ": cannot write");
  std::vector<RankedDoc> hits;
  std::vector<std::string> seen;
  for (const auto& query : queries) {
    if (std::find(seen.begin(), seen.end(), query.qid) != seen.end()) continue;
    seen.push_back(query.qid);
    hits.clear();
    try {
      runner.search(query, options.k, false, hits);
    } catch (const std::exception&) {
      continue;  // counted in the timed phase; a failed query simply has no run lines
    }
    unsigned rank = 0;
    for (const auto& hit : hits) {
      out << query.qid << " Q0 " << hit.id << ' ' << ++rank << ' ' << hit.score << ' '
          << options.run_tag << '\n';
    }
  }
  if (!out) throw std::runtime_error(options.run_file.string() + ": write failed");
}

// Every timed execution as "class<TAB>microseconds", so a report can draw the whole latency
// distribution instead of the few percentiles the JSON line carries.
void write_latencies(const fs::path& file, const std::vector<BenchQuery>& queries,
                     const std::vector<ThreadResult>& results) {
  std::ofstream out(file);
  if (!out) throw std::runtime_error(file.string() + ": cannot write");
  out << std::fixed << std::setprecision(1);
  for (const auto& result : results) {
    for (const auto& sample : result.samples) {
      out << queries[sample.query_index].query_class << '\t' << sample.nanoseconds / 1000.0 << '\n';
    }
  }
  if (!out) throw std::runtime_error(file.string() + ": write failed");
}

nlohmann::json run_search(const EngineDefinition& engine, const SearchOptions& options) {
  const auto marker = read_marker(options.index);
  const std::string lang = options.lang.empty() ? string_member(marker, "lang") : options.lang;
  const auto queries = read_queries(options.queries);
  const unsigned threads = std::max(1u, options.threads);

  std::vector<std::unique_ptr<QueryRunner>> runners;
  for (unsigned t = 0; t < threads; ++t)
    runners.push_back(engine.open_runner(options.index / kStoreName, lang));

  const std::size_t total = static_cast<std::size_t>(options.repeat) * queries.size();
  // The warm-up is shared like the timed executions: what it warms (the page cache, an
  // engine's caches) is shared by the threads, so T threads need not warm it T times.
  const std::size_t warmup_total = static_cast<std::size_t>(options.warmup) * queries.size();
  std::vector<ThreadResult> results(threads);
  std::atomic<std::size_t> next_warmup{0};
  std::atomic<std::size_t> next{0};
  std::latch warmed(threads + 1);
  std::latch go(1);
  Clock::time_point start;

  auto work = [&](unsigned t) {
    auto& runner = *runners[t];
    auto& result = results[t];
    std::vector<RankedDoc> scratch;
    ThreadResult warmup_result;
    for (std::size_t item = next_warmup++; item < warmup_total; item = next_warmup++) {
      run_one(runner, queries[item % queries.size()], options, scratch, warmup_result);
    }
    warmed.count_down();
    go.wait();
    result.samples.reserve(total / threads + 1);
    for (std::size_t item = next++; item < total; item = next++) {
      const auto query_index = static_cast<std::uint32_t>(item % queries.size());
      const auto begin = Clock::now();
      run_one(runner, queries[query_index], options, scratch, result);
      const auto ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - begin).count();
      result.samples.push_back(
          {query_index, static_cast<std::uint32_t>(std::min<long long>(ns, UINT32_MAX))});
    }
  };

  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
  std::thread main_worker([&] { work(0); });
  warmed.arrive_and_wait();
  start = Clock::now();
  go.count_down();
  main_worker.join();
  for (auto& thread : pool) thread.join();
  const double wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();

  std::vector<double> all;
  std::map<std::string, std::vector<double>> by_class;
  std::uint64_t hits = 0, errors = 0;
  std::string first_error;
  for (const auto& result : results) {
    hits += result.hits;
    errors += result.errors;
    if (first_error.empty()) first_error = result.first_error;
    for (const auto& sample : result.samples) {
      const double micros = sample.nanoseconds / 1000.0;
      all.push_back(micros);
      by_class[queries[sample.query_index].query_class].push_back(micros);
    }
  }
  if (total > 0 && errors == total)
    throw std::runtime_error("every query failed; first: " + first_error);

  if (!options.latencies_file.empty()) write_latencies(options.latencies_file, queries, results);
  if (!options.run_file.empty()) write_run_file(*runners[0], queries, options);

  nlohmann::json report;
  report["engine"] = engine.name;
  report["threads"] = threads;
  report["queries"] = queries.size();
  report["timed"] = all.size();
  report["k"] = options.k;
  report["snippets"] = options.snippets;
  report["warmup_executions"] = warmup_total;
  report["qps"] = round1(wall_seconds > 0 ? static_cast<double>(all.size()) / wall_seconds : 0.0);
  auto overall = latency_summary(all, true);
  overall.erase("n");
  report["latency_us"] = overall;
  nlohmann::json per_class = nlohmann::json::object();
  for (auto& [name, micros] : by_class) per_class[name] = latency_summary(std::move(micros), false);
  report["per_class"] = per_class;
  report["mean_hits"] =
      round1(all.empty() ? 0.0 : static_cast<double>(hits) / static_cast<double>(all.size()));
  report["errors"] = errors;
  if (errors > 0) report["first_error"] = first_error;
  runners.clear();  // a runner may hand over what it counted when it closes
  if (engine.search_report_fields) {
    for (const auto& [key, value] : engine.search_report_fields()) report[key] = value;
  }
  return report;
}

nlohmann::json run_index(const EngineDefinition& engine, const fs::path& corpus,
                         const fs::path& dir, const std::string& lang) {
  if (!fs::exists(corpus)) throw std::runtime_error(corpus.string() + ": no such file");
  prepare_fresh_index_dir(dir);
  const auto begin = Clock::now();
  CorpusTotals totals;
  {
    auto builder = engine.create_builder(dir / kStoreName, lang);
    totals = read_corpus(corpus, [&](const CorpusDocument& doc) { builder->add(doc); });
    builder->finish();
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  {
    std::ofstream marker(dir / kMarkerFile);
    marker << nlohmann::json{{"engine", engine.name}, {"lang", lang}, {"docs", totals.docs}}.dump()
           << '\n';
    if (!marker) throw std::runtime_error((dir / kMarkerFile).string() + ": write failed");
  }
  nlohmann::json report;
  report["engine"] = engine.name;
  report["lang"] = lang;
  report["docs"] = totals.docs;
  report["input_bytes"] = totals.text_bytes;
  report["file_bytes"] = totals.file_bytes;
  report["seconds"] = std::round(seconds * 1000.0) / 1000.0;
  report["cpu_seconds"] = std::round(cpu_seconds() * 1000.0) / 1000.0;
  report["docs_per_s"] = round1(seconds > 0 ? static_cast<double>(totals.docs) / seconds : 0.0);
  report["mb_per_s"] =
      std::round(seconds > 0 ? static_cast<double>(totals.text_bytes) / 1e6 / seconds * 1000.0
                             : 0.0) /
      1000.0;
  report["index_bytes"] = directory_bytes(dir);
  report["peak_rss_kb"] = peak_rss_kb();
  return report;
}

}  // namespace

TextLanguage detect_text_language(std::string_view text) {
  std::size_t arabic = 0, latin = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const text::DecodedCodePoint decoded = text::decode_utf8(text, pos);
    pos += decoded.length;
    const char32_t c = decoded.value;
    if (text::is_in_arabic_script_blocks(c))
      ++arabic;
    else if (is_latin_letter(c))
      ++latin;
  }
  return arabic > latin ? TextLanguage::Persian : TextLanguage::English;
}

TextLanguage resolve_language(std::string_view option_lang, std::string_view doc_lang,
                              std::string_view text) {
  if (option_lang == "en") return TextLanguage::English;
  if (option_lang == "fa") return TextLanguage::Persian;
  if (doc_lang == "fa" || doc_lang == "ar") return TextLanguage::Persian;
  if (doc_lang == "en") return TextLanguage::English;
  return detect_text_language(text);
}

std::vector<QueryClause> parse_common_query(std::string_view query) {
  std::vector<QueryClause> clauses;
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  auto split_words = [&](std::string_view text) {
    std::vector<std::string> words;
    std::size_t pos = 0;
    while (pos < text.size()) {
      while (pos < text.size() && is_space(text[pos])) ++pos;
      const auto start = pos;
      while (pos < text.size() && !is_space(text[pos])) ++pos;
      if (pos > start) words.emplace_back(text.substr(start, pos - start));
    }
    return words;
  };
  std::size_t pos = 0;
  while (pos < query.size()) {
    while (pos < query.size() && is_space(query[pos])) ++pos;
    if (pos >= query.size()) break;
    QueryClause clause;
    // field:value, where field is a run of ASCII letters directly followed by ':' and a value.
    std::size_t name_end = pos;
    while (name_end < query.size() && std::isalpha(static_cast<unsigned char>(query[name_end])))
      ++name_end;
    if (name_end > pos && name_end + 1 < query.size() && query[name_end] == ':' &&
        !is_space(query[name_end + 1])) {
      const auto name = query.substr(pos, name_end - pos);
      if (name == "title") clause.field = "title";
      pos = name_end + 1;
    }
    if (query[pos] == '"') {
      const auto close = query.find('"', pos + 1);
      const auto end = close == std::string_view::npos ? query.size() : close;
      clause.kind = QueryClause::Kind::Phrase;
      clause.words = split_words(query.substr(pos + 1, end - pos - 1));
      pos = close == std::string_view::npos ? query.size() : close + 1;
      if (clause.words.size() == 1) clause.kind = QueryClause::Kind::Word;
    } else {
      const auto start = pos;
      while (pos < query.size() && !is_space(query[pos])) ++pos;
      std::string word(query.substr(start, pos - start));
      if (word.size() > 1 && word.back() == '*') {
        clause.kind = QueryClause::Kind::Prefix;
        word.pop_back();
      }
      clause.words.push_back(std::move(word));
    }
    if (!clause.words.empty()) clauses.push_back(std::move(clause));
  }
  return clauses;
}

int run_engine_main(int argc, char** argv, const EngineDefinition& engine) {
  CLI::App app("Kavosh benchmark engine '" + engine.name + "' (protocol: bench/engines/README.md)");
  app.require_subcommand(1);

  fs::path corpus, index_dir;
  std::string index_lang = "auto";
  auto* index_cmd = app.add_subcommand("index", "build a fresh index from a JSONL corpus");
  index_cmd->add_option("--corpus", corpus, "JSONL corpus")->required();
  index_cmd->add_option("--index", index_dir, "index directory (created fresh)")->required();
  index_cmd->add_option("--lang", index_lang, "en, fa or auto")
      ->check(CLI::IsMember({"en", "fa", "auto"}));

  SearchOptions search;
  auto* search_cmd = app.add_subcommand("search", "time queries against an index");
  search_cmd->add_option("--index", search.index, "index directory")->required();
  search_cmd->add_option("--queries", search.queries, "TSV qid<TAB>class<TAB>query")->required();
  search_cmd->add_option("--k", search.k, "hits per query")->check(CLI::Range(1u, 100000u));
  search_cmd->add_flag("--snippets", search.snippets, "also build one snippet per hit");
  search_cmd->add_option("--warmup", search.warmup, "untimed passes over the queries");
  search_cmd->add_option("--repeat", search.repeat, "timed passes over the queries")
      ->check(CLI::Range(1u, 1000000u));
  search_cmd->add_option("--threads", search.threads, "concurrent searcher handles")
      ->check(CLI::Range(1u, 256u));
  search_cmd->add_option("--run", search.run_file, "write a TREC run of the top k");
  search_cmd->add_option("--run-tag", search.run_tag, "tag for the TREC run");
  search_cmd->add_option("--latencies", search.latencies_file,
                         "write every timed execution as class<TAB>microseconds");
  search_cmd->add_option("--lang", search.lang, "en, fa or auto (default: as indexed)")
      ->check(CLI::IsMember({"en", "fa", "auto"}));

  if (engine.add_options) engine.add_options(*index_cmd, *search_cmd);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << engine.name << ": " << e.what() << '\n';
    return 2;
  }
  try {
    nlohmann::json report;
    if (*index_cmd) {
      report = run_index(engine, corpus, index_dir, index_lang);
    } else {
      if (!search.run_file.empty() && search.run_tag.empty())
        throw UsageError("--run needs --run-tag");
      report = run_search(engine, search);
    }
    std::cout << report.dump() << std::endl;
    return 0;
  } catch (const UsageError& e) {
    std::cerr << engine.name << ": " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << engine.name << ": " << e.what() << '\n';
    return 1;
  }
}

}  // namespace kavosh::bench
