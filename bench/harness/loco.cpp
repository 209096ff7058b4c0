// kavosh-bench-loco: how Kavosh's ranking defaults are chosen (issue 18). Every candidate
// ranking configuration (k1 x b x proximity x feedback, and each of the proximity boost's
// weight, the proximity rerank's depth and weight, the title's weight, and indexes made another
// way: other stemmers, the title folded into the body) is run on every collection through the
// library (the requests kavosh-search --queries makes) and scored per query; then, for each
// collection in turn, the configuration that does best on the OTHER collections is reported on the
// one left out (leave-one-collection-out), beside the one tuned on it, today's default and the best
// peer, with paired randomization tests. bench/README.md
// ("Ranking: leave one collection out") says how to run it; bench/ranking-loco drives it.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <kavosh/search/evaluation.hpp>
#include <kavosh/search/query.hpp>
#include <kavosh/search/searcher.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "significance.hpp"

namespace fs = std::filesystem;
namespace ks = kavosh::search;
namespace eval = kavosh::search::eval;
using kavosh::bench::harness::randomization_p_value;

namespace {

enum class Feedback { None, Eset, Rm3, Rm3Auto };

struct Config {
  double k1 = 1.2;
  double b = 0.5;
  bool proximity = false;
  Feedback feedback = Feedback::None;
  double auto_ratio = 0;  // Rm3Auto: the least score ratio (rank 10 / rank 1) that expands
  // Named only when not today's, so that today's configuration keeps its name.
  double proximity_weight = 1;  // the boost's or the rerank's window weight scale
  unsigned rerank_depth = 0;    // proximity rerank of the first N (0: none)
  double title_weight = ks::kDefaultTitleWeight;
  // The index, when not today's: one of --variants, on --variant-indexes. Stemmer pairs are
  // "<english>-<persian>" (kavosh-index --english-stemmer, --persian-stemmer); "titlefold<N>"
  // is an index whose passages hold their title N times ahead of their text, searched with
  // title weight 0 (a BM25F-like title, see kTitleFold); "titlefill" one whose passages hold
  // their title ahead of a text that does not begin with it, searched as today.
  std::string index_variant = {};
  // The ranking model (SearchRequest::model): BM25 unless said; k1 and b are BM25's and BM25+'s,
  // mu is LM's.
  std::string model = std::string(ks::kBm25Model);
  double mu = ks::SearchRequest{}.mu;

  std::string name() const {
    char text[96];
    const char* fb = feedback == Feedback::None   ? "none"
                     : feedback == Feedback::Eset ? "eset"
                     : feedback == Feedback::Rm3  ? "rm3"
                                                  : "rm3-auto";
    std::snprintf(text, sizeof text, "k1=%.2g b=%.2g proximity=%s feedback=%s", k1, b,
                  proximity ? "on" : "off", fb);
    std::string s = text;
    if (feedback == Feedback::Rm3Auto) {
      std::snprintf(text, sizeof text, "(%.2g)", auto_ratio);
      s += text;
    }
    if (rerank_depth > 0) {
      std::snprintf(text, sizeof text, " rerank=%u", rerank_depth);
      s += text;
    }
    if (proximity_weight != 1) {
      std::snprintf(text, sizeof text, " proximity-weight=%.2g", proximity_weight);
      s += text;
    }
    if (title_weight != ks::kDefaultTitleWeight) {
      std::snprintf(text, sizeof text, " title=%.2g", title_weight);
      s += text;
    }
    if (!index_variant.empty()) s += " index=" + index_variant;
    if (model != ks::kBm25Model) s += " model=" + model;
    if (model == "lm") {
      std::snprintf(text, sizeof text, " mu=%g", mu);
      s += text;
    }
    return s;
  }
};

// Today's defaults (searcher.hpp): the reference every ratio and test is taken against.
const Config kToday{};

// Index variants named so hold the title in the body's posting lists, to be searched without
// the separate title clause.
constexpr std::string_view kTitleFold = "titlefold";
constexpr std::string_view kTitleFill = "titlefill";
bool is_title_variant(const std::string& variant) {
  return variant.starts_with(kTitleFold) || variant == kTitleFill;
}

struct Scores {
  std::vector<double> ap, ndcg;  // per judged query, in the qrels' query order
  double map = 0, ndcg_mean = 0;
};

Scores summarize(const eval::Evaluation& e) {
  Scores s;
  for (const auto& [qid, m] : e.per_query) {
    s.ap.push_back(m.map);
    s.ndcg.push_back(m.ndcg_at_10);
  }
  s.map = e.mean.map;
  s.ndcg_mean = e.mean.ndcg_at_10;
  return s;
}

struct Collection {
  std::string name;
  std::vector<std::pair<std::string, std::string>> queries;  // id, text
  eval::Qrels qrels;
  std::map<std::string, Scores> runs;   // config name -> scores
  std::map<std::string, Scores> peers;  // engine -> scores
  // Per query id: the first pass's score at rank 10 over rank 1, per base configuration
  // (feedback none), which decides Rm3Auto.
  std::map<std::string, std::map<std::string, double>> head_ratio;
};

std::vector<std::pair<std::string, std::string>> read_queries(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot open");
  std::vector<std::pair<std::string, std::string>> queries;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    const auto tab = line.find('\t');
    const auto second = tab == std::string::npos ? tab : line.find('\t', tab + 1);
    if (second == std::string::npos)
      throw std::runtime_error(file.string() + ":" + std::to_string(number) +
                               ": expected qid<TAB>class<TAB>query");
    queries.emplace_back(line.substr(0, tab), line.substr(second + 1));
  }
  return queries;
}

ks::SearchRequest request_for(const Config& config, unsigned k) {
  ks::SearchRequest r;  // as kavosh-search --queries --trec asks
  r.limit = k;
  r.snippets = false;
  r.hit_details = false;
  r.spelling = false;
  r.malformed_as_plain_words = true;
  r.k1 = config.k1;
  r.b = config.b;
  r.proximity = config.proximity;
  r.proximity_rerank_depth = config.rerank_depth;
  r.proximity_weight = config.proximity_weight;
  r.title_weight = config.title_weight;
  r.model = config.model;
  r.mu = config.mu;
  if (config.feedback == Feedback::Eset) r.prf_documents = 10;
  if (config.feedback == Feedback::Rm3) r.rm3 = ks::SearchRequest::Rm3::Always;
  if (config.feedback == Feedback::Rm3Auto) {
    r.rm3 = ks::SearchRequest::Rm3::Auto;
    r.rm3_auto_min_score_ratio = config.auto_ratio;
  }
  return r;
}

// One configuration on one collection: a TREC run in memory, scored per query (trec_eval -c).
eval::Evaluation run_config(ks::Searcher& searcher, const Collection& c, const Config& config,
                            unsigned k, std::map<std::string, double>* head_ratio) {
  eval::Run run;
  ks::SearchRequest request = request_for(config, k);
  for (const auto& [qid, text] : c.queries) {
    request.query = text;
    ks::SearchResults results;
    try {
      results = searcher.search(request);
    } catch (const ks::QueryError&) {
      continue;  // nothing searchable even as plain words: skipped, as kavosh-search skips it
    }
    auto& lines = run.queries[qid];
    for (const auto& hit : results.hits) {
      std::string docid = hit.article;
      std::replace(docid.begin(), docid.end(), ' ', '_');
      lines.push_back({docid, hit.score, hit.rank});
    }
    if (head_ratio) {
      const auto& h = results.hits;
      (*head_ratio)[qid] = h.size() >= 10 && h[0].score > 0 ? h[9].score / h[0].score : 0;
    }
  }
  return eval::evaluate(run, c.qrels, {.complete = true});
}

// Rm3Auto without running it: per query the rm3 run's scores where the first pass (the
// feedback-none run of the same k1, b, proximity) would expand, else the base run's.
Scores gated(const Collection& c, const Scores& base, const Scores& rm3,
             const std::map<std::string, double>& ratios, double min_ratio) {
  Scores s;
  std::size_t i = 0;
  for (const auto& [qid, judgments] : c.qrels.queries) {
    const auto found = ratios.find(qid);
    const bool expand = found != ratios.end() && found->second >= min_ratio;
    s.ap.push_back(expand ? rm3.ap[i] : base.ap[i]);
    s.ndcg.push_back(expand ? rm3.ndcg[i] : base.ndcg[i]);
    s.map += s.ap.back();
    s.ndcg_mean += s.ndcg.back();
    ++i;
  }
  if (!s.ap.empty()) {
    s.map /= static_cast<double>(s.ap.size());
    s.ndcg_mean /= static_cast<double>(s.ndcg.size());
  }
  return s;
}

// How a configuration does on a set of collections: the mean over them of its MAP and
// nDCG@10 relative to today's default (each collection and each metric counts the same,
// whatever its scale).
double objective(const std::vector<Collection>& collections, const std::vector<std::size_t>& set,
                 const std::string& config) {
  double sum = 0;
  for (const std::size_t i : set) {
    const Scores& s = collections[i].runs.at(config);
    const Scores& today = collections[i].runs.at(kToday.name());
    sum += 0.5 * (today.map > 0 ? s.map / today.map : 1) +
           0.5 * (today.ndcg_mean > 0 ? s.ndcg_mean / today.ndcg_mean : 1);
  }
  return set.empty() ? 0 : sum / static_cast<double>(set.size());
}

// The best candidate on `set`; ties go to the earlier candidate (today's default is first).
std::string choose(const std::vector<Collection>& collections, const std::vector<std::size_t>& set,
                   const std::vector<std::string>& candidates) {
  std::string best;
  double best_value = -1;
  for (const auto& name : candidates) {
    const double value = objective(collections, set, name);
    if (value > best_value + 1e-12) {
      best = name;
      best_value = value;
    }
  }
  return best;
}

std::vector<double> minus(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
  return d;
}

std::string fixed(double value, int digits = 4) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(digits);
  out << value;
  return out.str();
}

// The level below which a paired test's difference counts (two-sided).
constexpr double kSignificance = 0.05;

std::string p_text(double p) { return p < 0.001 ? "<0.001" : fixed(p, 3); }

struct Family {
  std::string name;
  std::vector<std::string> candidates;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Leave-one-collection-out choice of Kavosh's ranking defaults (issue 18)"};
  fs::path collections_dir, indexes_dir, peer_runs_dir, json_path, per_query_path,
      variant_indexes_dir;
  std::vector<std::string> variants;
  bool variant_families_only = false;
  std::vector<std::string> names = {"cranfield", "cisi", "cacm", "npl", "parsinlu", "persianqa"};
  std::vector<std::string> peers = {"xapian", "sqlite", "lucene"};
  std::vector<double> k1s = {0.9, 1.2, 1.6}, bs = {0.5, 0.75};
  std::vector<double> auto_ratios = {0.3, 0.4, 0.5, 0.6, 0.7, 0.8};
  std::vector<unsigned> rerank_depths = {20, 100};
  std::vector<double> proximity_weights = {0.5, 1, 2, 4};
  std::vector<double> title_weights = {0.25, 0.75, 1};
  // BM25+ at every k1 and b, LM at every mu; DPH is parameter-free, PL2 at its default c
  // (searcher.hpp).
  std::vector<std::string> models = {"bm25+", "dph", "pl2", "lm"};
  std::vector<double> mus = {50, 100, 250, 500, 1000, 2000};  // LM's Dirichlet mu
  unsigned k = 1000, permutations = 10000;
  std::uint64_t seed = 42;
  bool verify_auto = true;
  app.add_option("--collections", collections_dir,
                 "kavosh-bench-export output: <dir>/<name>/{queries.tsv,qrels.txt}")
      ->required();
  app.add_option("--indexes", indexes_dir, "Kavosh indexes, <dir>/<name>")->required();
  app.add_option("--peer-runs", peer_runs_dir, "TREC runs of the peers, <dir>/<name>-<engine>.run");
  app.add_option("--only", names, "collections (default: the six with judgments)");
  app.add_option("--peers", peers, "peer engines whose runs are read");
  app.add_option("--k1", k1s, "BM25 k1 candidates");
  app.add_option("--b", bs, "BM25 b candidates");
  app.add_option("--auto-ratio", auto_ratios, "rm3 auto: score-ratio thresholds tried");
  app.add_option("--rerank-depth", rerank_depths, "proximity rerank depths tried");
  app.add_option("--proximity-weight", proximity_weights,
                 "window weight scales tried (boost and rerank)");
  app.add_option("--title-weight", title_weights, "title weights tried besides today's");
  app.add_option("--models", models, "ranking models tried besides BM25 (kavosh-search --model)");
  app.add_option("--mu", mus, "LM Dirichlet mu candidates");
  app.add_option("--variant-indexes", variant_indexes_dir,
                 "Kavosh indexes made another way, <dir>/<variant>/<name>");
  app.add_option("--variants", variants,
                 "the variants of --variant-indexes tried: stemmer pairs <english>-<persian> "
                 "(lovins-light, porter2-none), titlefold<N>");
  app.add_flag("--variant-families-only", variant_families_only,
               "run only the BM25, ranking-model and index-variant families (no proximity, "
               "feedback, rerank or title-weight candidates)");
  app.add_option("--k", k, "hits per query (1000, as the issue's held-back runs)");
  app.add_option("--permutations", permutations, "randomization test: random sign assignments");
  app.add_option("--seed", seed, "randomization test seed");
  app.add_option("--json", json_path, "write every figure here");
  app.add_option("--per-query-json", per_query_path,
                 "write every configuration's per-query AP and nDCG@10 here (qrels order), "
                 "with the first pass's rank-10 / rank-1 score ratio of each base configuration");
  app.add_flag("!--no-verify-auto", verify_auto,
               "skip running the chosen rm3-auto configuration for real");
  CLI11_PARSE(app, argc, argv);

  try {
    // Today's default first, so that a tie keeps it.
    std::vector<Config> base_configs = {kToday};
    for (const double k1 : k1s)
      for (const double b : bs)
        for (const bool proximity : {false, true}) {
          if (proximity && variant_families_only) continue;
          Config c{k1, b, proximity, Feedback::None, 0};
          if (c.name() != kToday.name()) base_configs.push_back(c);
        }
    // Each added feature alone, without feedback runs (the expensive ones): the proximity
    // boost's and the rerank's weight and depth, and the title's weight.
    const std::size_t feedback_configs = variant_families_only ? 0 : base_configs.size();
    for (const double k1 : k1s)
      for (const double b : bs) {
        if (variant_families_only) break;
        for (const double weight : proximity_weights) {
          if (weight != 1)
            base_configs.push_back(
                {.k1 = k1, .b = b, .proximity = true, .proximity_weight = weight});
          for (const unsigned depth : rerank_depths)
            base_configs.push_back(
                {.k1 = k1, .b = b, .proximity_weight = weight, .rerank_depth = depth});
        }
        for (const double title : title_weights)
          if (title != ks::kDefaultTitleWeight)
            base_configs.push_back({.k1 = k1, .b = b, .title_weight = title});
      }
    // Each other ranking model alone: BM25+ at every k1 and b, LM at every mu, the others once.
    for (const std::string& model : models) {
      if (model == ks::kBm25Model) continue;
      if (model == "bm25+") {
        for (const double k1 : k1s)
          for (const double b : bs) base_configs.push_back({.k1 = k1, .b = b, .model = model});
      } else if (model == "lm") {
        for (const double mu : mus) base_configs.push_back({.model = model, .mu = mu});
      } else {
        base_configs.push_back({.model = model});
      }
    }
    // Each index variant at every k1 and b, without other features.
    for (const std::string& variant : variants) {
      if (variant_indexes_dir.empty())
        throw std::runtime_error("--variants needs --variant-indexes");
      const double title = variant.starts_with(kTitleFold) ? 0 : ks::kDefaultTitleWeight;
      for (const double k1 : k1s)
        for (const double b : bs)
          base_configs.push_back(
              {.k1 = k1, .b = b, .title_weight = title, .index_variant = variant});
    }
    std::vector<Collection> collections;
    for (const auto& name : names) {
      Collection c;
      c.name = name;
      c.queries = read_queries(collections_dir / name / "queries.tsv");
      c.qrels = eval::load_qrels(collections_dir / name / "qrels.txt");
      ks::Searcher todays_index(indexes_dir / name);
      std::map<std::string, ks::Searcher> variant_index;  // by Config::index_variant
      for (std::size_t b = 0; b < base_configs.size(); ++b) {
        const Config& base = base_configs[b];
        std::cerr << "kavosh-bench-loco: " << name << ": " << base.name() << '\n';
        const std::string& variant = base.index_variant;
        if (!variant.empty() && !variant_index.count(variant))
          variant_index.emplace(variant, ks::Searcher(variant_indexes_dir / variant / name));
        ks::Searcher& searcher = variant.empty() ? todays_index : variant_index.at(variant);
        auto& ratios = c.head_ratio[base.name()];
        c.runs[base.name()] = summarize(run_config(searcher, c, base, k, &ratios));
        if (b >= feedback_configs) continue;
        for (const Feedback feedback : {Feedback::Rm3, Feedback::Eset}) {
          // Today's --prf beside RM3, not combined with the proximity boost.
          if (feedback == Feedback::Eset && base.proximity) continue;
          Config with = base;
          with.feedback = feedback;
          c.runs[with.name()] = summarize(run_config(searcher, c, with, k, nullptr));
        }
        Config rm3 = base;
        rm3.feedback = Feedback::Rm3;
        for (const double ratio : auto_ratios) {
          Config gate = base;
          gate.feedback = Feedback::Rm3Auto;
          gate.auto_ratio = ratio;
          c.runs[gate.name()] = gated(c, c.runs[base.name()], c.runs[rm3.name()], ratios, ratio);
        }
      }
      for (const auto& engine : peers) {
        const fs::path run = peer_runs_dir / (name + "-" + engine + ".run");
        if (peer_runs_dir.empty() || !fs::exists(run)) {
          std::cerr << "kavosh-bench-loco: " << run.string() << " missing: peer left out\n";
          continue;
        }
        c.peers[engine] =
            summarize(eval::evaluate(eval::load_run(run), c.qrels, {.complete = true}));
      }
      collections.push_back(std::move(c));
    }

    // The candidates of each family, in grid order with today's default first.
    const auto family = [&](const std::string& label, auto keep) {
      Family f{label, {}};
      const auto& ran = collections.front().runs;
      const auto usable = [&](const Config& c) { return ran.count(c.name()) > 0 && keep(c); };
      for (const auto& base : base_configs) {
        for (const Feedback fb :
             {Feedback::None, Feedback::Eset, Feedback::Rm3, Feedback::Rm3Auto}) {
          if (fb != Feedback::Rm3Auto) {
            Config c = base;
            c.feedback = fb;
            if (usable(c)) f.candidates.push_back(c.name());
            continue;
          }
          for (const double ratio : auto_ratios) {
            Config c = base;
            c.feedback = fb;
            c.auto_ratio = ratio;
            if (usable(c)) f.candidates.push_back(c.name());
          }
        }
      }
      return f;
    };
    // No rerank, window weight or index variant: what the families of one feature leave alone.
    const auto unvaried = [](const Config& c) {
      return c.rerank_depth == 0 && c.proximity_weight == 1 && c.index_variant.empty();
    };
    // Neither proximity nor feedback.
    const auto bare = [](const Config& c) { return !c.proximity && c.feedback == Feedback::None; };
    // The families of the first table set vary k1, b, proximity and feedback only.
    const auto plain = [&](const Config& c) {
      return unvaried(c) && c.title_weight == ks::kDefaultTitleWeight && c.model == ks::kBm25Model;
    };
    // Today's index at every k1 and b, and the variants `in_family` accepts.
    const auto variant_family = [&](const std::string& label, auto in_family) {
      return family(label, [&, in_family](const Config& c) {
        if (!bare(c)) return false;
        return c.index_variant.empty() ? plain(c) : in_family(c.index_variant);
      });
    };
    std::vector<Family> families = {
        family("BM25, k1 and b by LOCO", [&](const Config& c) { return plain(c) && bare(c); }),
        family("LM (Dirichlet), mu by LOCO",
               [](const Config& c) { return c.model == "lm" && c.feedback == Feedback::None; }),
        family("ranking model by LOCO (BM25, BM25+, DPH, PL2, LM; k1, b, mu by LOCO)",
               [&](const Config& c) {
                 return unvaried(c) && bare(c) && c.title_weight == ks::kDefaultTitleWeight;
               }),
    };
    if (!variant_families_only)
      families.insert(
          families.end(),
          {
              family("+ proximity (SDM-style)",
                     [&](const Config& c) {
                       return plain(c) && c.proximity && c.feedback == Feedback::None;
                     }),
              family("+ RM3 on every query",
                     [&](const Config& c) {
                       return plain(c) && !c.proximity && c.feedback == Feedback::Rm3;
                     }),
              family("+ RM3 auto (threshold by LOCO)",
                     [&](const Config& c) {
                       return plain(c) && !c.proximity && c.feedback == Feedback::Rm3Auto;
                     }),
              family("+ Xapian ESet feedback (--prf 10)",
                     [&](const Config& c) {
                       return plain(c) && !c.proximity && c.feedback == Feedback::Eset;
                     }),
              family("+ proximity + RM3 auto",
                     [&](const Config& c) {
                       return plain(c) && c.proximity && c.feedback == Feedback::Rm3Auto;
                     }),
              family("+ proximity boost, weight by LOCO",
                     [](const Config& c) {
                       return c.proximity && c.feedback == Feedback::None &&
                              c.title_weight == ks::kDefaultTitleWeight;
                     }),
              family("+ proximity rerank (SDM's weights; k1, b, depth by LOCO)",
                     [](const Config& c) {
                       return c.rerank_depth > 0 && c.proximity_weight == 1 &&
                              c.feedback == Feedback::None &&
                              c.title_weight == ks::kDefaultTitleWeight;
                     }),
              family("+ proximity rerank, weight by LOCO too",
                     [](const Config& c) {
                       return c.rerank_depth > 0 && c.feedback == Feedback::None &&
                              c.title_weight == ks::kDefaultTitleWeight;
                     }),
              family("title weight by LOCO",
                     [&](const Config& c) {
                       return unvaried(c) && bare(c) && c.model == ks::kBm25Model;
                     }),
              family("everything, LOCO picks", [](const Config&) { return true; }),
          });
    // Stemmer pairs "<english>-<persian>" whose other half is today's (porter2-light).
    const auto english_stemmer = [](const std::string& v) {
      return !is_title_variant(v) && v.ends_with("-light");
    };
    const auto persian_stemmer = [](const std::string& v) {
      return !is_title_variant(v) && v.starts_with("porter2-");
    };
    const auto title_fold = [](const std::string& v) { return is_title_variant(v); };
    const auto any_of_variants = [&](auto accepts) {
      return std::any_of(variants.begin(), variants.end(), accepts);
    };
    if (any_of_variants(english_stemmer))
      families.push_back(
          variant_family("English stemmer by LOCO (k1, b by LOCO too)", english_stemmer));
    if (any_of_variants(persian_stemmer))
      families.push_back(
          variant_family("Persian stemmer by LOCO (k1, b by LOCO too)", persian_stemmer));
    if (any_of_variants(title_fold))
      families.push_back(variant_family(
          "title folded into the body (titlefold<N>: BM25F-like, title weight 0; titlefill: "
          "where the text lacks it, title weight 0.5; by LOCO, k1, b too)",
          title_fold));
    if (!variants.empty())
      families.push_back(variant_family("index variants, k1 and b by LOCO",
                                        [](const std::string&) { return true; }));

    nlohmann::json out;
    out["command"] = [&] {
      std::string s;
      for (int i = 0; i < argc; ++i) s += (i ? " " : "") + std::string(argv[i]);
      return s;
    }();
    out["k"] = k;
    out["permutations"] = permutations;
    out["seed"] = seed;
    out["objective"] =
        "mean over the training collections of (MAP / today's MAP + nDCG@10 / today's nDCG@10) / 2";
    out["today"] = kToday.name();
    for (const auto& c : collections) {
      auto& j = out["collections"][c.name];
      j["queries"] = c.queries.size();
      j["judged_queries"] = c.qrels.queries.size();
      for (const auto& [name, s] : c.runs)
        j["configs"][name] = {{"map", s.map}, {"ndcg_cut_10", s.ndcg_mean}};
      for (const auto& [engine, s] : c.peers)
        j["peers"][engine] = {{"map", s.map}, {"ndcg_cut_10", s.ndcg_mean}};
    }

    std::vector<std::size_t> every(collections.size());
    for (std::size_t i = 0; i < every.size(); ++i) every[i] = i;
    const auto test = [&](const std::vector<double>& a, const std::vector<double>& b) {
      return randomization_p_value(minus(a, b), permutations, seed);
    };
    for (const auto& f : families) {
      nlohmann::json jf;
      jf["name"] = f.name;
      jf["chosen_on_all"] = choose(collections, every, f.candidates);
      std::vector<std::string> losses, gains;  // of the held-out figures against today's
      std::cout << "\n### " << f.name << "\n\nchosen on all " << collections.size()
                << " collections: " << jf["chosen_on_all"].get<std::string>() << "\n\n"
                << "| collection | today MAP / nDCG@10 | tuned MAP / nDCG@10 | held-out MAP / "
                   "nDCG@10 | p vs today (MAP / nDCG) | best peer MAP / nDCG@10 | held-out ÷ "
                   "peer | p vs peer (MAP / nDCG) | held-out choice |\n"
                << "|---|---|---|---|---|---|---|---|---|\n";
      for (std::size_t h = 0; h < collections.size(); ++h) {
        const Collection& c = collections[h];
        std::vector<std::size_t> others;
        for (const std::size_t i : every)
          if (i != h) others.push_back(i);
        const std::string held_out = choose(collections, others, f.candidates);
        const std::string tuned = choose(collections, {h}, f.candidates);
        const Scores& today = c.runs.at(kToday.name());
        const Scores& ho = c.runs.at(held_out);
        const Scores& tu = c.runs.at(tuned);
        // The best peer per metric, and the tests against it.
        std::string peer_map, peer_ndcg;
        for (const auto& [engine, s] : c.peers) {
          if (peer_map.empty() || s.map > c.peers.at(peer_map).map) peer_map = engine;
          if (peer_ndcg.empty() || s.ndcg_mean > c.peers.at(peer_ndcg).ndcg_mean)
            peer_ndcg = engine;
        }
        const double p_today_map = test(ho.ap, today.ap), p_today_ndcg = test(ho.ndcg, today.ndcg);
        nlohmann::json row = {
            {"collection", c.name},
            {"held_out_choice", held_out},
            {"tuned_choice", tuned},
            {"today", {{"map", today.map}, {"ndcg_cut_10", today.ndcg_mean}}},
            {"tuned", {{"map", tu.map}, {"ndcg_cut_10", tu.ndcg_mean}}},
            {"held_out", {{"map", ho.map}, {"ndcg_cut_10", ho.ndcg_mean}}},
            {"p_vs_today", {{"map", p_today_map}, {"ndcg_cut_10", p_today_ndcg}}}};
        std::string peer_cell = "n/a", ratio_cell = "n/a", p_peer_cell = "n/a";
        if (!peer_map.empty()) {
          const Scores& pm = c.peers.at(peer_map);
          const Scores& pn = c.peers.at(peer_ndcg);
          const double p_map = test(ho.ap, pm.ap), p_ndcg = test(ho.ndcg, pn.ndcg);
          row["best_peer"] = {{"map", {{"engine", peer_map}, {"value", pm.map}}},
                              {"ndcg_cut_10", {{"engine", peer_ndcg}, {"value", pn.ndcg_mean}}}};
          row["p_vs_best_peer"] = {{"map", p_map}, {"ndcg_cut_10", p_ndcg}};
          peer_cell = fixed(pm.map) + " (" + peer_map + ") / " + fixed(pn.ndcg_mean) + " (" +
                      peer_ndcg + ")";
          ratio_cell = fixed(pm.map > 0 ? ho.map / pm.map : 0, 3) + " / " +
                       fixed(pn.ndcg_mean > 0 ? ho.ndcg_mean / pn.ndcg_mean : 0, 3);
          p_peer_cell = p_text(p_map) + " / " + p_text(p_ndcg);
        }
        jf["rows"].push_back(row);
        std::cout << "| " << c.name << " | " << fixed(today.map) << " / " << fixed(today.ndcg_mean)
                  << " | " << fixed(tu.map) << " / " << fixed(tu.ndcg_mean) << " | "
                  << fixed(ho.map) << " / " << fixed(ho.ndcg_mean) << " | " << p_text(p_today_map)
                  << " / " << p_text(p_today_ndcg) << " | " << peer_cell << " | " << ratio_cell
                  << " | " << p_peer_cell << " | " << held_out << " |\n";
        if (ho.map < today.map || ho.ndcg_mean < today.ndcg_mean) losses.push_back(c.name);
        if ((ho.map > today.map && p_today_map < kSignificance) ||
            (ho.ndcg_mean > today.ndcg_mean && p_today_ndcg < kSignificance))
          gains.push_back(c.name);
      }
      // Issue 18's rule for a new default: significantly better somewhere, worse nowhere.
      const bool passes = losses.empty() && !gains.empty();
      jf["rule"] = {{"passes", passes}, {"below_today", losses}, {"significant_gains", gains}};
      const auto listed = [](const std::vector<std::string>& names) {
        std::string text;
        for (const auto& n : names) text += (text.empty() ? "" : ", ") + n;
        return text.empty() ? std::string("none") : text;
      };
      std::cout << "\nrule (a significant gain somewhere, no held-out figure below today's): "
                << (passes ? "passes" : "fails") << "; significant gains: " << listed(gains)
                << "; below today: " << listed(losses) << '\n';
      out["families"].push_back(jf);
    }

    // Each index variant at today's k1 and b, against today's index: what the variant does by
    // itself, whatever LOCO chose.
    if (!variants.empty()) {
      std::cout << "\n### Index variants at today's k1 and b\n\nMAP / nDCG@10; `*` p < "
                << kSignificance << " against today's index (p in the JSON)\n\n| index |";
      for (const auto& c : collections) std::cout << ' ' << c.name << " |";
      std::cout << "\n|---|";
      for (std::size_t i = 0; i < collections.size(); ++i) std::cout << "---|";
      std::cout << '\n';
      for (const std::string& variant : variants) {
        Config config;
        config.index_variant = variant;
        if (variant.starts_with(kTitleFold)) config.title_weight = 0;
        std::cout << "| " << variant << " |";
        for (const auto& c : collections) {
          const Scores& today = c.runs.at(kToday.name());
          const Scores& v = c.runs.at(config.name());
          const double p_map = test(v.ap, today.ap), p_ndcg = test(v.ndcg, today.ndcg);
          out["variants_at_today"][variant][c.name] = {{"map", v.map},
                                                       {"ndcg_cut_10", v.ndcg_mean},
                                                       {"p_map", p_map},
                                                       {"p_ndcg_cut_10", p_ndcg}};
          std::cout << ' ' << fixed(v.map) << (p_map < kSignificance ? "*" : "") << " / "
                    << fixed(v.ndcg_mean) << (p_ndcg < kSignificance ? "*" : "") << " |";
        }
        std::cout << '\n';
      }
    }

    // The rm3-auto figures above are composed from the rm3 and base runs (the decision needs
    // only the first pass); the configuration chosen on all collections is run for real once
    // to check that the composition is what the searcher does.
    std::string final_choice;
    for (const auto& f : out["families"])
      if (f["name"] == "everything, LOCO picks") final_choice = f["chosen_on_all"];
    if (verify_auto && final_choice.find("rm3-auto") != std::string::npos) {
      Config chosen;
      bool found = false;
      for (const auto& base : base_configs)
        for (const double ratio : auto_ratios) {
          Config c = base;
          c.feedback = Feedback::Rm3Auto;
          c.auto_ratio = ratio;
          if (c.name() == final_choice) {
            chosen = c;
            found = true;
          }
        }
      if (found) {
        std::cout << "\nrm3-auto composed vs run (" << final_choice << "):";
        for (auto& c : collections) {
          ks::Searcher searcher(indexes_dir / c.name);
          const Scores real = summarize(run_config(searcher, c, chosen, k, nullptr));
          const Scores& composed = c.runs.at(final_choice);
          std::size_t differ = 0;
          for (std::size_t i = 0; i < real.ap.size(); ++i)
            if (std::abs(real.ap[i] - composed.ap[i]) > 1e-9) ++differ;
          out["verify_auto"][c.name] = {{"run_map", real.map},
                                        {"composed_map", composed.map},
                                        {"queries_that_differ", differ}};
          std::cout << ' ' << c.name << ' ' << fixed(real.map) << " vs " << fixed(composed.map)
                    << " (" << differ << " queries differ)";
        }
        std::cout << '\n';
      }
    }
    if (!per_query_path.empty()) {
      nlohmann::json per_query;
      for (const auto& c : collections) {
        auto& j = per_query[c.name];
        for (const auto& [qid, judgments] : c.qrels.queries) j["queries"].push_back(qid);
        for (const auto& [name, s] : c.runs) j["configs"][name] = {{"ap", s.ap}, {"ndcg", s.ndcg}};
        for (const auto& [engine, s] : c.peers)
          j["peers"][engine] = {{"ap", s.ap}, {"ndcg", s.ndcg}};
        for (const auto& [name, ratios] : c.head_ratio) j["head_ratio"][name] = ratios;
      }
      std::ofstream file(per_query_path);
      file << per_query.dump() << '\n';
      if (!file) throw std::runtime_error(per_query_path.string() + ": write failed");
    }
    if (!json_path.empty()) {
      std::ofstream file(json_path);
      file << out.dump(1) << '\n';
      if (!file) throw std::runtime_error(json_path.string() + ": write failed");
    }
  } catch (const std::exception& e) {
    std::cerr << "kavosh-bench-loco: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
