// kavosh-search: flags -> kavosh::search library calls, output, exit codes. One query, or a
// batch of topics (--queries) with an optional evaluation (--qrels), or --analyze. Every error
// reaches kavosh::cli (cli/), which prints it as one line on stderr and picks the exit code:
// 0 ok (also zero hits), 1 runtime error (missing/unreadable database or file), 2 usage error
// (bad flags, empty or malformed query: "query error at N: ...").
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <cmath>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <stdexcept>

#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/cli/program.hpp"
#include "kavosh/search/evaluation.hpp"
#include "kavosh/search/output.hpp"
#include "kavosh/search/query.hpp"
#include "kavosh/search/searcher.hpp"
#include "kavosh/search/settings.hpp"
#include "kavosh/search/snippet.hpp"
#include "kavosh/text/ascii.hpp"

namespace ks = kavosh::search;
namespace ka = kavosh::analysis;
namespace cli = kavosh::cli;

namespace {

using cli::UsageError;

// Messages quote queries, paths and ids: printed like results, without their control characters.
const cli::Program kProgram{"kavosh-search",
                            [](std::string_view message) { return ks::isolate_rtl_runs(message); }};

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// A number option's check. CLI11's own range checks let nan and inf through (every comparison
// with nan is false), and those became [nan] scores.
CLI::Validator finite_in(double low, double high, bool low_open = false) {
  std::string range = (low_open ? "> " : ">= ") + CLI::detail::to_string(low);
  if (high < std::numeric_limits<double>::max())
    range = "from " + CLI::detail::to_string(low) + " to " + CLI::detail::to_string(high);
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        double value = 0;
        std::size_t used = 0;
        try {
          value = std::stod(text, &used);
        } catch (const std::exception&) {
        }
        const bool ok = used == text.size() && std::isfinite(value) &&
                        (low_open ? value > low : value >= low) && value <= high;
        return ok ? std::string() : "expected a finite number " + range + ", got '" + text + "'";
      },
      "NUMBER " + range);
}
constexpr double kNoUpperBound = std::numeric_limits<double>::max();

// Xapian's TfIdfWeight takes three letters, one per stage (xapian/weight.h of 1.4.22); any
// other string failed the search with Xapian's own message.
const CLI::Validator kTfIdfNormalizations(
    [](std::string& text) -> std::string {
      const auto one_of = [](std::string_view letters, char c) {
        return letters.find(c) != std::string_view::npos;
      };
      if (text.size() == 3 && one_of("nbslL", text[0]) && one_of("ntpfs", text[1]) &&
          text[2] == 'n')
        return {};
      return "expected three letters: wdf n|b|s|l|L, idf n|t|p|f|s, weight n (e.g. ntn), got '" +
             text + "'";
    },
    "SMART letters");

// --lang: a language code as analysis::parse_language_code reads it (any case).
const CLI::Validator kLanguageCode(
    [](std::string& text) -> std::string {
      if (ka::parse_language_code(text)) return {};
      return "unknown language '" + text + "' (use " +
             ks::list_choices(ks::kLanguageCodes, " or ") + ")";
    },
    "LANGUAGE");

std::vector<std::string> as_strings(std::span<const std::string_view> names) {
  return {names.begin(), names.end()};
}

int analyze(const std::string& text, const std::string& lang, bool json) {
  // --lang was checked by kLanguageCode.
  const ka::Language language =
      lang.empty() ? ka::Analyzer::detect_language(text) : ka::parse_language_code(lang).value();
  ka::Analyzer analyzer;
  const auto tokens = analyzer.analyze(text, language);
  if (json) {
    for (const auto& t : tokens) std::cout << ks::format_token_json(text, t) << "\n";
    return 0;
  }
  std::cout << "language: " << ka::language_code(language) << "\n";
  std::printf("%-4s %-6s %-6s %-10s %-24s %s\n", "pos", "begin", "end", "script", "text", "terms");
  std::cout.flush();
  for (const auto& t : tokens) {
    std::string terms = t.term;
    if (!t.stem.empty()) terms += "  Z" + t.stem;
    if (t.span > 1) terms += "  (joins " + std::to_string(t.span) + " words)";
    std::printf("%-4u %-6u %-6u %-10s %-24s %s\n", t.position, t.begin, t.end,
                std::string(ka::script_name(t.script)).c_str(),
                ks::isolate_rtl_runs(text.substr(t.begin, t.end - t.begin)).c_str(),
                ks::isolate_rtl_runs(terms).c_str());
  }
  std::fflush(stdout);
  return 0;
}

// What the command line says, before it becomes a SearchRequest.
struct Options {
  std::vector<std::string> databases, remotes;
  std::string analyze_text, queries_file, qrels_file, run_tag = "kavosh", qid = "1";
  std::string color = "auto";
  std::string matcher = "auto";
  std::string rm3 = "off";
  std::vector<std::string> words;
  bool json = false, trec = false, per_query = false, no_aliases = false, passages = false;
  bool no_snippets = false, debug_query = false, complete = false;
  bool no_variants = false, keep_stopwords = false, no_arabic_variant = false;
  ks::SearchRequest request;
};

ks::IndexSources index_sources(const Options& o) {
  ks::IndexSources sources;
  sources.local.assign(o.databases.begin(), o.databases.end());
  sources.remote = o.remotes;
  return sources;
}

void add_output_options(CLI::App& app, Options& o) {
  app.add_option("query", o.words, "Query words (see searcher/README.md for the syntax)");
  app.add_option("--db", o.databases,
                 "Index directory or Xapian stub file (repeat to search several as one index)")
      ->allow_extra_args(false);
  app.add_option("--remote", o.remotes,
                 "HOST:PORT of a shard served by xapian-tcpsrv (repeatable; with or without --db)")
      ->allow_extra_args(false)
      ->check(CLI::Validator(
          [](const std::string& address) -> std::string {
            const auto colon = address.rfind(':');
            const bool shaped =
                colon != std::string::npos && colon > 0 && colon + 1 < address.size() &&
                address.find_first_not_of("0123456789", colon + 1) == std::string::npos;
            return shaped ? std::string() : "a remote shard is HOST:PORT, not '" + address + "'";
          },
          "HOST:PORT"));
  app.add_option("--limit", o.request.limit, "Hits to show (default 10; 1000 with --queries)")
      ->check(CLI::Range(1u, std::numeric_limits<unsigned>::max()));
  app.add_option("--offset", o.request.offset, "Hits to skip");
  app.add_flag("--json", o.json, "One JSON object per hit (or per token with --analyze)");
  app.add_flag("--trec", o.trec, "TREC run lines: qid Q0 docid rank score tag");
  app.add_option("--run-tag", o.run_tag, "Tag column of TREC run lines");
  app.add_option("--qid", o.qid, "Query id of a single query's TREC lines");
  app.add_flag("--all", o.request.all_words, "Every bare word is required");
  app.add_flag("--passages", o.passages, "List every matching passage (no collapse per article)");
  app.add_flag("--no-aliases", o.no_aliases, "Do not expand with the index's aliases");
  app.add_flag("--no-snippets", o.no_snippets, "Skip snippets");
  app.add_flag("--no-arabic-variant", o.no_arabic_variant,
               "Arabic-script words match only their Persian-stemmer stem");
  app.add_flag("--keep-stopwords", o.keep_stopwords,
               "Keep function words (the, of, what; چه, کدام, است, در) in ranked word lists");
  app.add_flag("--no-variants", o.no_variants,
               "Do not match romanized vowel variants (mojahedin ~ mujahedin)");
}

void add_ranking_options(CLI::App& app, Options& o) {
  ks::SearchRequest& r = o.request;
  app.add_option("--model", r.model, ks::list_choices(ks::kRankingModels) + " (default bm25)")
      ->check(CLI::IsMember(as_strings(ks::kRankingModels)));
  app.add_option("--k1", r.k1, "BM25/BM25+ k1")->check(finite_in(0, kNoUpperBound));
  app.add_option("--b", r.b, "BM25/BM25+ b")->check(finite_in(0, 1));
  app.add_option("--delta", r.bm25plus_delta, "BM25+ delta")->check(finite_in(0, kNoUpperBound));
  app.add_option("--mu", r.mu, "LM Dirichlet mu")->check(finite_in(0, kNoUpperBound, true));
  app.add_option("--c", r.pl2_c, "PL2 c")->check(finite_in(0, kNoUpperBound, true));
  app.add_option("--tfidf", r.tfidf_normalizations, "TF-IDF SMART normalizations, e.g. ntn")
      ->check(kTfIdfNormalizations);
  app.add_option("--title-weight", r.title_weight, "Weight of title matches (0 = off)")
      ->check(finite_in(0, kNoUpperBound));
  app.add_option("--field-weight", r.field_weight,
                 "Weight of infobox field queries such as leader:rajavi")
      ->check(finite_in(0, kNoUpperBound));
  app.add_option("--section-weight", r.section_weight,
                 "Weight of section heading matches (0 = off)")
      ->check(finite_in(0, kNoUpperBound));
  app.add_option("--lang", r.language,
                 "Only passages in this language (" + ks::list_choices(ks::kLanguageCodes) + ")")
      ->check(kLanguageCode);
  app.add_option("--prf", r.prf_documents, "Pseudo-relevance feedback from the top N passages");
  app.add_option("--prf-terms", r.prf_terms, "Expansion terms for --prf");
  app.add_option("--prf-weight", r.prf_weight, "Weight of the --prf expansion")
      ->check(finite_in(0, kNoUpperBound));
  app.add_option("--rm3", o.rm3,
                 "RM3 feedback: off (default), on (every query), auto (when the first pass's "
                 "scores fall slowly)")
      ->check(CLI::IsMember({"off", "on", "auto"}));
  app.add_option("--rm3-documents", r.rm3_documents, "RM3 feedback passages")
      ->check(finite_in(0, kNoUpperBound, true));
  app.add_option("--rm3-terms", r.rm3_terms, "RM3 feedback terms");
  app.add_option("--rm3-weight", r.rm3_original_weight, "RM3 weight of the original query (0, 1]")
      ->check(finite_in(0, 1, true));
  app.add_flag("--proximity", r.proximity,
               "Boost adjacent query words found together (SDM-style windows)");
  app.add_option("--proximity-rerank", r.proximity_rerank_depth,
                 "Rerank the first N passages by the same windows (0: off)");
  app.add_option("--proximity-weight", r.proximity_weight,
                 "Scale of the windows' weights (--proximity, --proximity-rerank)")
      ->check(finite_in(0, kNoUpperBound));
  app.add_option("--matcher", o.matcher,
                 "auto: the block-max top-k matcher where it covers the query (default); "
                 "xapian: always Xapian's Enquire")
      ->check(CLI::IsMember({"auto", "xapian"}));
}

void add_display_options(CLI::App& app, Options& o) {
  app.add_flag("--explain", o.request.explain, "Show each query clause's contribution per hit");
  app.add_option("--snippet-words", o.request.snippet_words, "Words per snippet")
      ->check(finite_in(0, kNoUpperBound, true));
  app.add_option("--snippet-bytes", o.request.snippet_bytes, "Maximum snippet bytes (whole words)");
  app.add_option("--color", o.color, "Highlight style: auto (TTY), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_option("--queries", o.queries_file, "Batch: TSV qid<TAB>query or TREC topics");
  app.add_option("--qrels", o.qrels_file, "Evaluate the batch run against TREC qrels");
  app.add_flag("--per-query", o.per_query, "With --qrels: metrics per query too");
  app.add_flag("--complete", o.complete, "With --qrels: average over every judged query (-c)");
  app.add_option("--analyze", o.analyze_text, "Show how TEXT is analyzed, token by token");
  app.add_flag("--debug-query", o.debug_query,
               "Print the parsed query, the Xapian query and the matcher that answered on stderr");
}

// The request every query of the run starts from: the flags that do not depend on the mode.
ks::SearchRequest common_request(const Options& o) {
  ks::SearchRequest request = o.request;
  request.aliases = !o.no_aliases;
  request.romanized_variants = !o.no_variants;
  request.drop_stopwords = !o.keep_stopwords;
  request.arabic_variant = !o.no_arabic_variant;
  request.collapse = !o.passages;
  request.describe_query = o.debug_query;
  request.matcher = o.matcher == "xapian" ? ks::SearchRequest::Matcher::Xapian
                                          : ks::SearchRequest::Matcher::Automatic;
  request.rm3 = o.rm3 == "on"     ? ks::SearchRequest::Rm3::Always
                : o.rm3 == "auto" ? ks::SearchRequest::Rm3::Auto
                                  : ks::SearchRequest::Rm3::Off;
  return request;
}

// How the run's output looks.
struct Output {
  bool tty = false;  // colour highlights
  // A run lists each docid once (trec_eval refuses repeats): an article's passages are told
  // apart by their passage ids.
  ks::TrecDocid trec_docid = ks::TrecDocid::Article;
};

// One topic's hits as the batch prints them; every hit also goes into the run.
void print_topic(const Options& o, const Output& out, const ks::Topic& topic,
                 const ks::SearchResults& results, bool evaluated) {
  for (const auto& hit : results.hits) {
    if (o.trec) {
      std::cout << ks::format_trec(topic.id, hit, o.run_tag, out.trec_docid) << "\n";
    } else if (o.json) {
      auto object = nlohmann::json::parse(ks::format_json(hit));
      object["qid"] = topic.id;
      std::cout << object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else if (!evaluated) {
      if (hit.rank == 1)
        std::cout << ks::isolate_rtl_runs("== " + topic.id + ": " + topic.query) << "\n";
      std::cout << ks::format_terminal(hit, out.tty);
    }
  }
}

// --queries FILE [--qrels FILE]: every topic searched; with qrels, the run evaluated.
int run_batch(const Options& o, const CLI::App& app, const Output& out) {
  if (o.queries_file.empty()) throw UsageError("--qrels needs --queries FILE");
  if (!o.words.empty()) throw UsageError("give either query words or --queries, not both");
  ks::SearchRequest request = common_request(o);
  if (!app.count("--limit")) request.limit = 1000;
  request.snippets = !o.no_snippets && !o.trec && (o.json || o.qrels_file.empty());
  request.hit_details = !o.trec && (o.json || o.qrels_file.empty());
  request.spelling = false;
  // A topic is natural language: one that does not parse runs as its plain words (every
  // judged topic needs a ranking, or the evaluation counts it as a miss).
  request.malformed_as_plain_words = true;
  const auto topics = ks::load_topics(o.queries_file);
  std::optional<ks::eval::Qrels> qrels;
  if (!o.qrels_file.empty()) qrels = ks::eval::load_qrels(o.qrels_file);
  ks::Searcher searcher(index_sources(o));
  ks::eval::Run run;
  run.tag = o.run_tag;
  for (const auto& topic : topics) {
    request.query = topic.query;
    ks::SearchResults results;
    try {
      results = searcher.search(request);
    } catch (const ks::QueryError& e) {
      cli::warn(kProgram, "query " + topic.id + ": " + e.what());
      continue;
    }
    if (!results.parse_fallback.empty())
      cli::warn(kProgram, "query " + topic.id + ": " + results.parse_fallback +
                              "; run as plain words: " + ks::as_plain_words(topic.query));
    auto& lines = run.queries[topic.id];
    for (const auto& hit : results.hits) lines.push_back({hit.article, hit.score, hit.rank});
    print_topic(o, out, topic, results, qrels.has_value());
  }
  if (qrels) {
    const auto evaluation = ks::eval::evaluate(run, *qrels, {.complete = o.complete});
    (o.trec || o.json ? std::cerr : std::cout)
        << ks::eval::format_evaluation(evaluation, o.per_query);
  }
  return cli::kExitOk;
}

// The terminal's page of hits: the match count, the hits, "did you mean".
void print_page(const ks::SearchRequest& request, const ks::SearchResults& results, bool tty) {
  // "About" only when Xapian does not know the count exactly.
  const bool exact = results.matches_lower_bound == results.matches_upper_bound;
  const std::uint64_t count = exact ? results.matches_lower_bound : results.estimated_matches;
  const std::string matches = (exact ? "" : "about ") + std::to_string(count) + " matching " +
                              (request.collapse ? "article" : "passage") + (count == 1 ? "" : "s");
  if (results.hits.empty() && count > 0 && request.offset > 0) {
    std::cout << "No hits past " << matches << " (--offset " << request.offset << ")\n";
  } else if (results.hits.empty()) {
    std::cout << "No matches for: " << ks::isolate_rtl_runs(request.query) << "\n";
  } else {
    std::cout << kavosh::text::ascii_upper(matches[0]) << matches.substr(1) << "; showing "
              << results.hits.front().rank << "-" << results.hits.back().rank << "\n\n";
    for (const auto& hit : results.hits) std::cout << ks::format_terminal(hit, tty) << "\n";
  }
  if (!results.did_you_mean.empty())
    std::cout << "Did you mean: " << ks::isolate_rtl_runs(results.did_you_mean) << "\n";
}

// The query words: one search, printed for the terminal, as JSON lines or as TREC lines.
int run_single_query(const Options& o, const Output& out) {
  ks::SearchRequest request = common_request(o);
  request.query = join(o.words);
  if (kavosh::text::trim_ascii_whitespace(request.query).empty())
    throw UsageError("empty query: give query words (see --help)");
  request.snippets = !o.no_snippets && !o.trec;
  if (o.trec) {
    request.spelling = false;
    request.hit_details = false;
  }
  ks::Searcher searcher(index_sources(o));
  const auto results = searcher.search(request);
  if (o.debug_query) std::cerr << "xapian: " << results.query_description << "\n";
  if (o.debug_query || request.explain) std::cerr << "matcher: " << results.matcher << "\n";
  if ((o.debug_query || request.explain) && !results.feedback.empty())
    std::cerr << "feedback: " << results.feedback << "\n";
  if (o.trec) {
    for (const auto& hit : results.hits)
      std::cout << ks::format_trec(o.qid, hit, o.run_tag, out.trec_docid) << "\n";
  } else if (o.json) {
    for (const auto& hit : results.hits) std::cout << ks::format_json(hit) << "\n";
    if (!results.did_you_mean.empty())
      std::cerr << "did you mean: " << ks::isolate_rtl_runs(results.did_you_mean) << "\n";
  } else {
    print_page(request, results, out.tty);
  }
  return cli::kExitOk;
}

int run(const Options& o, const CLI::App& app) {
  if (app.count("--analyze")) {
    if (o.analyze_text.empty()) throw UsageError("--analyze needs a text");
    return analyze(o.analyze_text, o.request.language, o.json);
  }
  if (o.databases.empty() && o.remotes.empty())
    throw UsageError("--db DIR (or --remote HOST:PORT) is required");
  Output out;
  out.tty = o.color == "always" || (o.color == "auto" && isatty(STDOUT_FILENO));
  out.trec_docid = o.passages ? ks::TrecDocid::Passage : ks::TrecDocid::Article;
  if (!o.queries_file.empty() || !o.qrels_file.empty()) return run_batch(o, app, out);
  return run_single_query(o, out);
}

}  // namespace

int main(int argc, char** argv) {
  return cli::run_reporting_errors(kProgram, [&] {
    CLI::App app{
        "kavosh-search: search a Kavosh index (English, Persian, Arabic, romanized Persian)"};
    app.set_help_flag("-h,--help", "Show this help");
    app.footer(
        "A query that starts with '-' goes after --: kavosh-search --db DIR -- '-Khomeini "
        "Rajavi'");
    Options options;
    add_output_options(app, options);
    add_ranking_options(app, options);
    add_display_options(app, options);
    if (const auto stop = cli::parse_command_line(
            kProgram, app, argc, argv,
            "a query that starts with '-' goes after --: kavosh-search --db DIR -- '-word other'"))
      return *stop;
    try {
      return run(options, app);
    } catch (const ks::QueryError& e) {
      throw UsageError(e.what());  // the user's query: fixed by the user
    } catch (const std::invalid_argument& e) {
      // The library's word for flags the index cannot honour (--model lm on remote shards).
      throw UsageError(e.what());
    }
  });
}
