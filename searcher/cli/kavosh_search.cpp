// kavosh-search: flags -> kavosh::search library calls, output, exit codes. Every error is
// caught here, once, and printed as one line on stderr. Exit codes: 0 ok (also zero hits),
// 1 runtime error (missing/unreadable database or file), 2 usage error (bad flags, empty or
// malformed query: "query error at N: ...").
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <cmath>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/search/evaluation.hpp"
#include "kavosh/search/output.hpp"
#include "kavosh/search/query.hpp"
#include "kavosh/search/searcher.hpp"
#include "kavosh/search/snippet.hpp"

namespace ks = kavosh::search;
namespace ka = kavosh::analysis;

namespace {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

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

// Messages quote queries, paths and ids: printed like results, without their control characters.
int fail(int exit_code, std::string_view message) {
  std::cerr << "kavosh-search: " << ks::isolate_rtl_runs(message) << "\n";
  return exit_code;
}

int analyze(const std::string& text, const std::string& lang, bool json) {
  ka::Language language = ka::Analyzer::detect_language(text);
  if (!lang.empty()) {
    auto parsed = ka::parse_language_code(lang);
    if (!parsed) throw UsageError("unknown language '" + lang + "' (en, fa, ar, other)");
    language = *parsed;
  }
  ka::Analyzer analyzer;
  const auto tokens = analyzer.analyze(text, language);
  if (json) {
    for (const auto& t : tokens) {
      nlohmann::json j;
      j["text"] = text.substr(t.begin, t.end - t.begin);
      j["terms"] = nlohmann::json::array({t.term});
      if (!t.stem.empty()) j["terms"].push_back("Z" + t.stem);
      j["position"] = t.position;
      j["begin"] = t.begin;
      j["end"] = t.end;
      j["script"] = std::string(ka::script_name(t.script));
      if (t.span > 1) j["span"] = t.span;
      std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "kavosh-search: search a Kavosh index (English, Persian, Arabic, romanized Persian)"};
  app.set_help_flag("-h,--help", "Show this help");
  app.footer(
      "A query that starts with '-' goes after --: kavosh-search --db DIR -- '-Khomeini Rajavi'");
  std::string db_path, analyze_text, queries_file, qrels_file, run_tag = "kavosh", qid = "1";
  std::string color = "auto";
  std::vector<std::string> words;
  bool json = false, trec = false, per_query = false, no_aliases = false, passages = false;
  bool no_snippets = false, debug_query = false, complete = false;
  ks::SearchRequest request;
  app.add_option("query", words, "Query words (see searcher/README.md for the syntax)");
  app.add_option("--db", db_path, "Index directory");
  app.add_option("--limit", request.limit, "Hits to show (default 10; 1000 with --queries)");
  app.add_option("--offset", request.offset, "Hits to skip");
  app.add_flag("--json", json, "One JSON object per hit (or per token with --analyze)");
  app.add_flag("--trec", trec, "TREC run lines: qid Q0 docid rank score tag");
  app.add_option("--run-tag", run_tag, "Tag column of TREC run lines");
  app.add_option("--qid", qid, "Query id of a single query's TREC lines");
  app.add_flag("--all", request.all_words, "Every bare word is required");
  app.add_flag("--passages", passages, "List every matching passage (no collapse per article)");
  app.add_flag("--no-aliases", no_aliases, "Do not expand with the index's aliases");
  app.add_flag("--no-snippets", no_snippets, "Skip snippets");
  bool no_variants = false, keep_stopwords = false, no_arabic_variant = false;
  app.add_flag("--no-arabic-variant", no_arabic_variant,
               "Arabic-script words match only their Persian-stemmer stem");
  app.add_flag("--keep-stopwords", keep_stopwords,
               "Keep function words (the, of, what; چه, کدام, است, در) in ranked word lists");
  app.add_flag("--no-variants", no_variants,
               "Do not match romanized vowel variants (mojahedin ~ mujahedin)");
  app.add_option("--model", request.model, "bm25 (default), bm25+, lm, pl2, dph, tfidf")
      ->check(CLI::IsMember({"bm25", "bm25+", "lm", "pl2", "dph", "tfidf"}));
  app.add_option("--k1", request.k1, "BM25/BM25+ k1")->check(finite_in(0, kNoUpperBound));
  app.add_option("--b", request.b, "BM25/BM25+ b")->check(finite_in(0, 1));
  app.add_option("--delta", request.bm25plus_delta, "BM25+ delta")
      ->check(finite_in(0, kNoUpperBound));
  app.add_option("--mu", request.mu, "LM Dirichlet mu")->check(finite_in(0, kNoUpperBound, true));
  app.add_option("--c", request.pl2_c, "PL2 c")->check(finite_in(0, kNoUpperBound, true));
  app.add_option("--tfidf", request.tfidf_normalizations, "TF-IDF SMART normalizations, e.g. ntn")
      ->check(kTfIdfNormalizations);
  app.add_option("--title-weight", request.title_weight, "Weight of title matches (0 = off)")
      ->check(finite_in(0, kNoUpperBound));
  app.add_option("--field-weight", request.field_weight,
                 "Weight of infobox field queries such as leader:rajavi")
      ->check(finite_in(0, kNoUpperBound));
  app.add_option("--section-weight", request.section_weight,
                 "Weight of section heading matches (0 = off)")
      ->check(finite_in(0, kNoUpperBound));
  app.add_option("--lang", request.language, "Only passages in this language (en, fa, ar, other)");
  app.add_option("--prf", request.prf_documents,
                 "Pseudo-relevance feedback from the top N passages");
  app.add_option("--prf-terms", request.prf_terms, "Expansion terms for --prf");
  app.add_option("--prf-weight", request.prf_weight, "Weight of the --prf expansion")
      ->check(finite_in(0, kNoUpperBound));
  std::string rm3 = "off";
  app.add_option("--rm3", rm3,
                 "RM3 feedback: off (default), on (every query), auto (when the first pass's "
                 "scores fall slowly)")
      ->check(CLI::IsMember({"off", "on", "auto"}));
  app.add_option("--rm3-documents", request.rm3_documents, "RM3 feedback passages")
      ->check(finite_in(0, kNoUpperBound, true));
  app.add_option("--rm3-terms", request.rm3_terms, "RM3 feedback terms");
  app.add_option("--rm3-weight", request.rm3_original_weight,
                 "RM3 weight of the original query (0, 1]")
      ->check(finite_in(0, 1, true));
  app.add_flag("--proximity", request.proximity,
               "Boost adjacent query words found together (SDM-style windows)");
  app.add_flag("--explain", request.explain, "Show each query clause's contribution per hit");
  app.add_option("--snippet-words", request.snippet_words, "Words per snippet")
      ->check(finite_in(0, kNoUpperBound, true));
  app.add_option("--snippet-bytes", request.snippet_bytes, "Maximum snippet bytes (whole words)");
  app.add_option("--color", color, "Highlight style: auto (TTY), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_option("--queries", queries_file, "Batch: TSV qid<TAB>query or TREC topics");
  app.add_option("--qrels", qrels_file, "Evaluate the batch run against TREC qrels");
  app.add_flag("--per-query", per_query, "With --qrels: metrics per query too");
  app.add_flag("--complete", complete, "With --qrels: average over every judged query (-c)");
  app.add_option("--analyze", analyze_text, "Show how TEXT is analyzed, token by token");
  app.add_flag("--debug-query", debug_query,
               "Print the parsed query, the Xapian query and the matcher that answered on stderr");
  std::string matcher = "auto";
  app.add_option("--matcher", matcher,
                 "auto: the block-max top-k matcher where it covers the query (default); "
                 "xapian: always Xapian's Enquire")
      ->check(CLI::IsMember({"auto", "xapian"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ExtrasError& e) {
    return fail(2, std::string(e.what()) + " (a query that starts with '-' goes after --: " +
                       "kavosh-search --db DIR -- '-word other')");
  } catch (const CLI::ParseError& e) {
    return fail(2, std::string(e.what()) + " (see --help)");
  }

  try {
    if (app.count("--analyze")) {
      if (analyze_text.empty()) throw UsageError("--analyze needs a text");
      return analyze(analyze_text, request.language, json);
    }
    if (db_path.empty()) throw UsageError("--db DIR is required");
    request.aliases = !no_aliases;
    request.romanized_variants = !no_variants;
    request.drop_stopwords = !keep_stopwords;
    request.arabic_variant = !no_arabic_variant;
    request.collapse = !passages;
    // A run lists each docid once (trec_eval refuses repeats): an article's passages are
    // told apart by their passage ids.
    const auto trec_docid = passages ? ks::TrecDocid::Passage : ks::TrecDocid::Article;
    request.describe_query = debug_query;
    request.matcher = matcher == "xapian" ? ks::SearchRequest::Matcher::Xapian
                                          : ks::SearchRequest::Matcher::Automatic;
    request.rm3 = rm3 == "on"     ? ks::SearchRequest::Rm3::Always
                  : rm3 == "auto" ? ks::SearchRequest::Rm3::Auto
                                  : ks::SearchRequest::Rm3::Off;
    const bool tty = color == "always" || (color == "auto" && isatty(STDOUT_FILENO));

    if (!queries_file.empty() || !qrels_file.empty()) {
      if (queries_file.empty()) throw UsageError("--qrels needs --queries FILE");
      if (!words.empty()) throw UsageError("give either query words or --queries, not both");
      if (!app.count("--limit")) request.limit = 1000;
      request.snippets = !no_snippets && !trec && (json || qrels_file.empty());
      request.hit_details = !trec && (json || qrels_file.empty());
      request.spelling = false;
      // A topic is natural language: one that does not parse runs as its plain words (every
      // judged topic needs a ranking, or the evaluation counts it as a miss).
      request.malformed_as_plain_words = true;
      const auto topics = ks::load_topics(queries_file);
      std::optional<ks::eval::Qrels> qrels;
      if (!qrels_file.empty()) qrels = ks::eval::load_qrels(qrels_file);
      ks::Searcher searcher(db_path);
      ks::eval::Run run;
      run.tag = run_tag;
      for (const auto& topic : topics) {
        request.query = topic.query;
        ks::SearchResults results;
        try {
          results = searcher.search(request);
        } catch (const ks::QueryError& e) {
          std::cerr << ks::isolate_rtl_runs("kavosh-search: query " + topic.id + ": " + e.what())
                    << "\n";
          continue;
        }
        if (!results.parse_fallback.empty()) {
          std::cerr << ks::isolate_rtl_runs(
                           "kavosh-search: query " + topic.id + ": " + results.parse_fallback +
                           "; run as plain words: " + ks::as_plain_words(topic.query))
                    << "\n";
        }
        auto& lines = run.queries[topic.id];
        for (const auto& hit : results.hits) {
          lines.push_back({hit.article, hit.score, hit.rank});
          if (trec) {
            std::cout << ks::format_trec(topic.id, hit, run_tag, trec_docid) << "\n";
          } else if (json) {
            auto object = nlohmann::json::parse(ks::format_json(hit));
            object["qid"] = topic.id;
            std::cout << object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                      << "\n";
          } else if (!qrels) {
            if (hit.rank == 1)
              std::cout << ks::isolate_rtl_runs("== " + topic.id + ": " + topic.query) << "\n";
            std::cout << ks::format_terminal(hit, tty);
          }
        }
      }
      if (qrels) {
        const auto evaluation = ks::eval::evaluate(run, *qrels, {.complete = complete});
        (trec || json ? std::cerr : std::cout)
            << ks::eval::format_evaluation(evaluation, per_query);
      }
      return 0;
    }

    request.query = join(words);
    if (request.query.find_first_not_of(" \t\r\n") == std::string::npos)
      throw UsageError("empty query: give query words (see --help)");
    request.snippets = !no_snippets && !trec;
    if (trec) {
      request.spelling = false;
      request.hit_details = false;
    }
    ks::Searcher searcher(db_path);
    const auto results = searcher.search(request);
    if (debug_query) std::cerr << "xapian: " << results.query_description << "\n";
    if (debug_query || request.explain) std::cerr << "matcher: " << results.matcher << "\n";
    if ((debug_query || request.explain) && !results.feedback.empty())
      std::cerr << "feedback: " << results.feedback << "\n";
    if (trec) {
      for (const auto& hit : results.hits)
        std::cout << ks::format_trec(qid, hit, run_tag, trec_docid) << "\n";
      return 0;
    }
    if (json) {
      for (const auto& hit : results.hits) std::cout << ks::format_json(hit) << "\n";
      if (!results.did_you_mean.empty())
        std::cerr << "did you mean: " << ks::isolate_rtl_runs(results.did_you_mean) << "\n";
      return 0;
    }
    // "About" only when Xapian does not know the count exactly.
    const bool exact = results.matches_lower_bound == results.matches_upper_bound;
    const std::uint64_t count = exact ? results.matches_lower_bound : results.estimated_matches;
    const std::string matches = (exact ? "" : "about ") + std::to_string(count) + " matching " +
                                (request.collapse ? "article" : "passage") +
                                (count == 1 ? "" : "s");
    if (results.hits.empty() && count > 0 && request.offset > 0) {
      std::cout << "No hits past " << matches << " (--offset " << request.offset << ")\n";
    } else if (results.hits.empty()) {
      std::cout << "No matches for: " << ks::isolate_rtl_runs(request.query) << "\n";
    } else {
      std::cout << static_cast<char>(std::toupper(matches[0])) << matches.substr(1) << "; showing "
                << results.hits.front().rank << "-" << results.hits.back().rank << "\n\n";
      for (const auto& hit : results.hits) std::cout << ks::format_terminal(hit, tty) << "\n";
    }
    if (!results.did_you_mean.empty())
      std::cout << "Did you mean: " << ks::isolate_rtl_runs(results.did_you_mean) << "\n";
    return 0;
  } catch (const ks::QueryError& e) {
    return fail(2, e.what());
  } catch (const UsageError& e) {
    return fail(2, e.what());
  } catch (const std::invalid_argument& e) {
    return fail(2, e.what());
  } catch (const std::exception& e) {
    return fail(1, e.what());
  }
}
