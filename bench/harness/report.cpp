// kavosh-bench-report: turns the raw JSON lines bench/run collected (one per measurement) into
// the results of a run: one JSON file with every raw figure plus machine and run information,
// a Markdown summary with tables and ratios (ours / each peer), and gnuplot data + scripts for
// the latency CDF and the quality bar chart. The tables are also printed to stdout.
//
// Raw record shapes (all carry "kind"; engine output is kept verbatim under "result"):
//   {"kind":"generate","corpus":C,"result":{generator summary}}
//   {"kind":"export","result":{collection counts}}
//   {"kind":"index","corpus":C,"engine":E[,"shared_with":S],"result":{...}}  (or "error")
//                    (S: what ran on the other core meanwhile)
//   {"kind":"latency","corpus":C,"engine":E,"snippets":B,"latencies":PATH,"result":{...}}
//                    (PATH: the engine's --latencies file, every timed execution)
//   {"kind":"qps","corpus":C,"engine":E,"threads":T,"result":{...}}
//   {"kind":"quality","corpus":C,"engine":E,"config":S,"result":{kavosh-bench-eval output}}
//   {"kind":"analyzer","result":{...}}   {"kind":"micro","name":N,"file":PATH}
//   {"kind":"missing","what":S,"why":S}
//   {"kind":"step","name":S,"budget_s":N,"seconds":N}   (time plan vs. time taken)
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A latency record of `engine` on `corpus` with or without snippets that holds a result.
bool is_latency_result(const json& r, const std::string& corpus, bool snippets,
                       const std::string& engine) {
  return r.value("kind", "") == "latency" && r.value("corpus", "") == corpus &&
         r.value("snippets", false) == snippets && r.value("engine", "") == engine &&
         r.contains("result");
}

constexpr const char* kOurs = "kavosh";

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

json machine_info() {
  json m;
  m["cores"] = std::thread::hardware_concurrency();
  std::istringstream cpu(read_text("/proc/cpuinfo"));
  for (std::string line; std::getline(cpu, line);)
    if (line.rfind("model name", 0) == 0) {
      m["cpu"] = line.substr(line.find(':') + 2);
      break;
    }
  std::istringstream mem(read_text("/proc/meminfo"));
  for (std::string line; std::getline(mem, line);)
    if (line.rfind("MemTotal:", 0) == 0) {
      std::istringstream f(line.substr(9));
      double kb = 0;
      f >> kb;
      m["memory_gb"] = std::round(kb / 1024.0 / 1024.0 * 10) / 10;
    }
  std::istringstream os(read_text("/etc/os-release"));
  for (std::string line; std::getline(os, line);)
    if (line.rfind("PRETTY_NAME=", 0) == 0) m["os"] = line.substr(13, line.size() - 14);
  return m;
}

std::string fixed(double v, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

double num(const json& j, const std::string& key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

bool has_number(const json& j, const std::string& key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number();
}

// Markdown table builder that also keeps column widths tidy for the terminal.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::string render() const {
    std::ostringstream out;
    auto line = [&](const std::vector<std::string>& cells) {
      out << '|';
      for (const auto& c : cells) out << ' ' << c << " |";
      out << '\n';
    };
    line(header);
    out << '|';
    for (std::size_t i = 0; i < header.size(); ++i) out << (i == 0 ? "---|" : "---:|");
    out << '\n';
    for (const auto& r : rows) line(r);
    return out.str();
  }
};

// "ours / peer" for every peer present, e.g. "xapian 0.93×, sqlite 1.20×".
std::string ratios(const std::map<std::string, double>& by_engine) {
  const auto ours = by_engine.find(kOurs);
  if (ours == by_engine.end() || ours->second <= 0) return "n/a";
  std::string out;
  for (const auto& [engine, value] : by_engine) {
    if (engine == kOurs || value <= 0) continue;
    if (!out.empty()) out += ", ";
    out += engine + " " + fixed(ours->second / value, 2) + "×";
  }
  return out.empty() ? "n/a" : out;
}

std::vector<std::string> engines_in(const std::vector<json>& records) {
  std::set<std::string> names;
  for (const auto& r : records)
    if (r.contains("engine")) names.insert(r["engine"].get<std::string>());
  std::vector<std::string> ordered;
  if (names.count(kOurs)) ordered.push_back(kOurs);
  for (const auto& n : names)
    if (n != kOurs) ordered.push_back(n);
  return ordered;
}

std::vector<std::string> corpora_of(const std::vector<json>& records, const std::string& kind) {
  std::vector<std::string> out;
  for (const auto& r : records)
    if (r.value("kind", "") == kind && r.contains("corpus")) {
      const auto c = r["corpus"].get<std::string>();
      if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
    }
  return out;
}

// Every timed execution's latency from an engine's --latencies file: "class<TAB>µs" or "µs"
// per line. A missing or unreadable file gives nothing (the caller falls back to percentiles).
std::vector<double> read_latencies(const fs::path& file) {
  std::vector<double> micros;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.rfind('\t');
    try {
      micros.push_back(std::stod(tab == std::string::npos ? line : line.substr(tab + 1)));
    } catch (const std::exception&) {
      return {};  // not a latency file: better no curve than a wrong one
    }
  }
  return micros;
}

// The empirical CDF as "latency fraction" lines: every point for small samples, otherwise
// evenly spaced ranks (always the fastest and the slowest) so the data file stays small.
void write_cdf(std::ostream& out, std::vector<double> micros) {
  constexpr std::size_t kMaxPoints = 500;
  std::sort(micros.begin(), micros.end());
  const std::size_t n = micros.size();
  const std::size_t points = std::min(n, kMaxPoints);
  for (std::size_t k = 0; k < points; ++k) {
    const std::size_t rank = points == 1 ? n - 1 : (k * (n - 1) + (points - 1) / 2) / (points - 1);
    out << micros[rank] << ' ' << static_cast<double>(rank + 1) / static_cast<double>(n) << '\n';
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Assemble bench/run's raw JSON lines into results JSON, Markdown and plots"};
  fs::path raw_path, json_out, md_out, plot_prefix;
  std::string date, commit, mode, command;
  json::array_t extra;
  app.add_option("--raw", raw_path, "raw JSON lines written by bench/run")->required();
  app.add_option("--json", json_out, "results JSON to write")->required();
  app.add_option("--markdown", md_out, "Markdown summary to write")->required();
  app.add_option("--plots", plot_prefix,
                 "prefix for gnuplot data/scripts (PNG names derive from it)");
  app.add_option("--date", date, "run date (YYYY-MM-DD)");
  app.add_option("--commit", commit, "git commit of the tree measured");
  app.add_option("--mode", mode, "smoke, quick or full");
  app.add_option("--command", command, "the command line that produced the run");
  CLI11_PARSE(app, argc, argv);

  std::vector<json> records;
  {
    std::ifstream in(raw_path);
    if (!in) {
      std::cerr << "kavosh-bench-report: " << raw_path << ": cannot open\n";
      return 1;
    }
    std::size_t line_number = 0;
    for (std::string line; std::getline(in, line);) {
      ++line_number;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      try {
        records.push_back(json::parse(line));
      } catch (const std::exception& e) {
        std::cerr << "kavosh-bench-report: " << raw_path.string() << ":" << line_number << ": "
                  << e.what() << '\n';
        return 1;
      }
    }
  }
  // Micro-benchmark records point at Google Benchmark JSON files; fold them in.
  for (auto& r : records)
    if ((r.value("kind", "") == "micro" || r.value("kind", "") == "analyzer") &&
        r.contains("file")) {
      try {
        r["result"] = json::parse(read_text(r["file"].get<std::string>()));
      } catch (const std::exception& e) {
        r["error"] = std::string("unreadable benchmark output: ") + e.what();
      }
    }

  const auto engines = engines_in(records);
  const bool has_ours = std::find(engines.begin(), engines.end(), kOurs) != engines.end();
  std::ostringstream md;
  md << "# Kavosh benchmark results " << date << " (" << mode << ")\n\n";
  const json machine = machine_info();
  md << "- Machine: " << machine.value("cpu", "?") << ", " << machine.value("cores", 0u)
     << " cores, " << machine.value("memory_gb", 0.0) << " GB RAM, " << machine.value("os", "?")
     << "\n- Commit: `" << commit << "`\n- Command: `" << command << "`\n";
  for (const auto& r : records)
    if (r.value("kind", "") == "generate") {
      const auto& g = r["result"];
      md << "- Generated corpus `" << r.value("corpus", "") << "`: " << g.value("passages", 0)
         << " passages (" << g.value("english", 0) << " en, " << g.value("persian", 0) << " fa, "
         << g.value("romanized", 0) << " romanized), " << fixed(num(g, "bytes") / 1e6, 1)
         << " MB, seed " << g.value("seed", 0) << ", generated at " << fixed(num(g, "mb_per_s"), 1)
         << " MB/s\n";
    }
  for (const auto& r : records)
    if (r.value("kind", "") == "run")
      md << "- Wall time of the whole run: " << fixed(num(r, "seconds") / 60, 1) << " min\n";
  md << "- Engines: ";
  for (std::size_t i = 0; i < engines.size(); ++i) md << (i ? ", " : "") << engines[i];
  md << "\n";
  for (const auto& r : records)
    if (r.value("kind", "") == "missing")
      md << "- n/a: " << r.value("what", "") << " (" << r.value("why", "") << ")\n";
  md << "\nRatios are ours ÷ peer: above 1 is better for throughput, QPS and quality; below 1 is "
        "better for latency, index size and memory. Warm cache, single runs on a shared machine: "
        "read medians and ratios, not single figures.\n";

  // --- Where the time went ---------------------------------------------------------------
  {
    Table t{{"step", "budget s", "took s", "took ÷ budget"}, {}};
    double budget_total = 0, took_total = 0;
    for (const auto& r : records)
      if (r.value("kind", "") == "step") {
        const double budget = num(r, "budget_s"), took = num(r, "seconds");
        budget_total += budget;
        took_total += took;
        t.rows.push_back({r.value("name", ""), fixed(budget, 0), fixed(took, 0),
                          budget > 0 ? fixed(took / budget, 2) : "n/a"});
      }
    if (!t.rows.empty()) {
      t.rows.push_back({"**all steps**", fixed(budget_total, 0), fixed(took_total, 0),
                        budget_total > 0 ? fixed(took_total / budget_total, 2) : "n/a"});
      md << "\n## Time per step\n\nBudgets come from the rates in `bench/run` (bench/README.md, "
            "\"How long a full run takes\"). The steps of the two indexing lanes overlap, so "
            "the sums exceed the wall time of the run.\n\n"
         << t.render();
    }
  }

  // --- Indexing -------------------------------------------------------------------------
  md << "\n## Indexing\n\n";
  for (const auto& corpus : corpora_of(records, "index")) {
    Table t{{"engine", "docs", "input MB", "seconds", "CPU s", "docs/s", "MB/s", "peak RSS MB",
             "index MB", "index ÷ input"},
            {}};
    std::map<std::string, double> docs_per_s, docs_per_cpu_s, index_ratio, rss;
    std::map<std::string, std::string> shared;  // engine -> what ran beside it
    for (const auto& r : records) {
      if (r.value("kind", "") != "index" || r.value("corpus", "") != corpus) continue;
      const std::string engine = r.value("engine", "");
      if (!r.contains("result")) {
        t.rows.push_back({engine, "n/a", "", "", "", "", "", "", "", r.value("error", "")});
        continue;
      }
      const auto& x = r["result"];
      const double input = num(x, "input_bytes"), index = num(x, "index_bytes");
      if (r.contains("shared_with")) shared[engine] = r["shared_with"].get<std::string>();
      docs_per_s[engine] = num(x, "docs_per_s");
      if (num(x, "cpu_seconds") > 0)
        docs_per_cpu_s[engine] = num(x, "docs") / num(x, "cpu_seconds");
      index_ratio[engine] = input > 0 ? index / input : 0;
      rss[engine] = num(x, "peak_rss_kb");
      t.rows.push_back({engine + (shared.count(engine) ? " †" : ""), fixed(num(x, "docs"), 0),
                        fixed(input / 1e6, 1), fixed(num(x, "seconds"), 2),
                        has_number(x, "cpu_seconds") ? fixed(num(x, "cpu_seconds"), 2) : "n/a",
                        fixed(num(x, "docs_per_s"), 0), fixed(num(x, "mb_per_s"), 2),
                        fixed(num(x, "peak_rss_kb") / 1024, 0), fixed(index / 1e6, 1),
                        fixed(index_ratio[engine], 2)});
    }
    md << "### " << corpus << "\n\n" << t.render() << "\n";
    for (const auto& [engine, with] : shared)
      md << "† " << engine << " indexed on one core while the other ran: " << with
         << " (CPU s is its own work).\n";
    if (!shared.empty()) md << "\n";
    if (has_ours)
      md << "Ratios docs/s: " << ratios(docs_per_s) << "; docs per CPU second (what a quiet "
         << "machine would give single-threaded engines): " << ratios(docs_per_cpu_s)
         << "; index size: " << ratios(index_ratio) << "; peak RSS: " << ratios(rss) << "\n";
    md << "\n";
  }

  // --- Latency --------------------------------------------------------------------------
  md << "## Query latency (top-10, µs, warm cache, 1 thread)\n\n";
  for (const auto& corpus : corpora_of(records, "latency")) {
    for (const bool snippets : {false, true}) {
      std::set<std::string> classes;
      for (const auto& r : records)
        if (r.value("kind", "") == "latency" && r.value("corpus", "") == corpus &&
            r.value("snippets", false) == snippets && r.contains("result")) {
          const json per_class = r["result"].value("per_class", json::object());
          for (const auto& [c, v] : per_class.items()) classes.insert(c);
        }
      if (classes.empty()) continue;
      Table t{{"class", "engine", "n", "p50", "p95", "p99", "max"}, {}};
      std::map<std::string, std::map<std::string, double>> p50;  // class -> engine -> p50
      for (const auto& cls : classes)
        for (const auto& engine : engines)
          for (const auto& r : records) {
            if (!is_latency_result(r, corpus, snippets, engine)) continue;
            const auto pc = r["result"].value("per_class", json::object());
            if (!pc.contains(cls)) continue;
            const auto& v = pc[cls];
            p50[cls][engine] = num(v, "p50");
            t.rows.push_back({cls, engine, fixed(num(v, "n"), 0), fixed(num(v, "p50"), 0),
                              fixed(num(v, "p95"), 0), fixed(num(v, "p99"), 0),
                              fixed(num(v, "max"), 0)});
          }
      for (const auto& engine : engines)
        for (const auto& r : records)
          if (r.value("kind", "") == "latency" && r.value("corpus", "") == corpus &&
              r.value("snippets", false) == snippets && r.value("engine", "") == engine &&
              r.contains("result")) {
            const auto& l = r["result"]["latency_us"];
            p50["all"][engine] = num(l, "p50");
            t.rows.push_back({"**all**", engine, fixed(num(r["result"], "timed"), 0),
                              fixed(num(l, "p50"), 0), fixed(num(l, "p95"), 0),
                              fixed(num(l, "p99"), 0), fixed(num(l, "max"), 0)});
          }
      md << "### " << corpus << (snippets ? ", with snippets" : ", without snippets") << "\n\n"
         << t.render() << "\n";
      for (const auto& r : records)
        if (is_latency_result(r, corpus, snippets, "kavosh") && r["result"].contains("fast_path"))
          md << "Which matcher answered Kavosh's executions: " << r["result"].value("fast_path", "")
             << "\n\n";
      if (has_ours) {
        md << "p50 ratios (ours ÷ peer; below 1 = faster):\n\n";
        for (const auto& [cls, by_engine] : p50)
          md << "- " << cls << ": " << ratios(by_engine) << "\n";
      }
      md << "\n";
    }
    // Snippet overhead per engine: p50 with ÷ p50 without.
    std::map<std::string, double> without, with;
    for (const auto& r : records)
      if (r.value("kind", "") == "latency" && r.value("corpus", "") == corpus &&
          r.contains("result"))
        (r.value("snippets", false) ? with : without)[r.value("engine", "")] =
            num(r["result"]["latency_us"], "p50");
    md << "Snippet cost (p50 with ÷ without): ";
    bool first = true;
    for (const auto& [engine, w] : with)
      if (without.count(engine) && without[engine] > 0) {
        md << (first ? "" : ", ") << engine << " " << fixed(w / without[engine], 2) << "×";
        first = false;
      }
    md << "\n\n";
  }

  // --- QPS ------------------------------------------------------------------------------
  md << "## Throughput (queries per second, top-10 without snippets)\n\n";
  for (const auto& corpus : corpora_of(records, "qps")) {
    std::set<int> threads;
    for (const auto& r : records)
      if (r.value("kind", "") == "qps" && r.value("corpus", "") == corpus)
        threads.insert(r.value("threads", 1));
    Table t{{"engine"}, {}};
    for (int th : threads) t.header.push_back(std::to_string(th) + " thread" + (th > 1 ? "s" : ""));
    std::map<int, std::map<std::string, double>> qps;
    for (const auto& engine : engines) {
      std::vector<std::string> row{engine};
      bool any = false;
      for (int th : threads) {
        std::string cell = "n/a";
        for (const auto& r : records)
          if (r.value("kind", "") == "qps" && r.value("corpus", "") == corpus &&
              r.value("engine", "") == engine && r.value("threads", 1) == th &&
              r.contains("result")) {
            qps[th][engine] = num(r["result"], "qps");
            cell = fixed(num(r["result"], "qps"), 0);
            any = true;
          }
        row.push_back(cell);
      }
      if (any) t.rows.push_back(row);
    }
    md << "### " << corpus << "\n\n" << t.render() << "\n";
    if (has_ours)
      for (const auto& [th, by_engine] : qps)
        md << "- " << th << " thread(s): " << ratios(by_engine) << "\n";
    md << "\n";
  }

  // --- Quality --------------------------------------------------------------------------
  md << "## Retrieval quality\n\n";
  std::vector<std::string> quality_rows;  // for the bar chart: "corpus engine/config" -> ndcg
  std::ostringstream bars;
  {
    Table t{
        {"collection", "engine", "config", "queries", "MAP", "nDCG@10", "P@10", "R@100", "MRR@10"},
        {}};
    std::map<std::string, std::map<std::string, double>> ndcg, map;  // collection -> engine
    for (const auto& corpus : corpora_of(records, "quality"))
      for (const auto& r : records) {
        if (r.value("kind", "") != "quality" || r.value("corpus", "") != corpus) continue;
        const std::string engine = r.value("engine", ""), config = r.value("config", "default");
        if (!r.contains("result")) {
          t.rows.push_back({corpus, engine, config, "n/a", "", "", "", "", r.value("error", "")});
          continue;
        }
        const auto& q = r["result"];
        if (config == "default") {
          ndcg[corpus][engine] = num(q, "ndcg_cut_10");
          map[corpus][engine] = num(q, "map");
        }
        if (config.rfind("k1=", 0) == 0) continue;  // the grid has its own table
        t.rows.push_back({corpus, engine, config, fixed(num(q, "queries"), 0),
                          fixed(num(q, "map"), 4), fixed(num(q, "ndcg_cut_10"), 4),
                          fixed(num(q, "P_10"), 4), fixed(num(q, "recall_100"), 4),
                          fixed(num(q, "recip_rank_10"), 4)});
        bars << '"' << corpus << "\" \"" << engine << (config == "default" ? "" : "/" + config)
             << "\" " << num(q, "ndcg_cut_10") << ' ' << num(q, "map") << '\n';
      }
    md << t.render() << "\n";
    for (const auto& [corpus, by_engine] : ndcg)
      if (has_ours)
        md << "- " << corpus << ": nDCG@10 " << ratios(by_engine) << "; MAP " << ratios(map[corpus])
           << "\n";
    md << "\n";
  }
  {
    Table t{{"collection", "engine", "k1, b", "MAP", "nDCG@10", "P@10", "R@100"}, {}};
    for (const auto& r : records)
      if (r.value("kind", "") == "quality" && r.value("config", "").rfind("k1=", 0) == 0 &&
          r.contains("result")) {
        const auto& q = r["result"];
        t.rows.push_back({r.value("corpus", ""), r.value("engine", ""), r.value("config", ""),
                          fixed(num(q, "map"), 4), fixed(num(q, "ndcg_cut_10"), 4),
                          fixed(num(q, "P_10"), 4), fixed(num(q, "recall_100"), 4)});
      }
    if (!t.rows.empty()) md << "### BM25 k1/b grid\n\n" << t.render() << "\n";
  }
  {
    // Persian ablation: our full analysis against the same engine with normalization off.
    Table t{{"collection", "nDCG@10 full", "nDCG@10 off", "R@100 full", "R@100 off", "MRR@10 full",
             "MRR@10 off", "nDCG@10 gain"},
            {}};
    for (const auto& off : records) {
      if (off.value("kind", "") != "quality" || off.value("config", "") != "no-normalization" ||
          !off.contains("result"))
        continue;
      for (const auto& full : records)
        if (full.value("kind", "") == "quality" && full.value("config", "") == "default" &&
            full.value("engine", "") == off.value("engine", "") &&
            full.value("corpus", "") == off.value("corpus", "") && full.contains("result")) {
          const auto &f = full["result"], &o = off["result"];
          const double gain =
              num(o, "ndcg_cut_10") > 0 ? num(f, "ndcg_cut_10") / num(o, "ndcg_cut_10") - 1 : 0;
          t.rows.push_back({off.value("corpus", ""), fixed(num(f, "ndcg_cut_10"), 4),
                            fixed(num(o, "ndcg_cut_10"), 4), fixed(num(f, "recall_100"), 4),
                            fixed(num(o, "recall_100"), 4), fixed(num(f, "recip_rank_10"), 4),
                            fixed(num(o, "recip_rank_10"), 4),
                            (gain >= 0 ? "+" : "") + fixed(gain * 100, 1) + " %"});
        }
    }
    if (!t.rows.empty())
      md << "### Persian ablation (Kavosh: full analysis vs Arabic-script normalization off)\n\n"
         << t.render() << "\n";
  }

  // --- Analyzer and micro-benchmarks ----------------------------------------------------
  for (const auto& r : records)
    if (r.value("kind", "") == "analyzer" && r.contains("result")) {
      md << "## Analyzer throughput (one core)\n\n";
      const auto& a = r["result"];
      // The analyzer bench owns its JSON shape; show arrays of objects as tables, the rest flat.
      bool tabled = false;
      for (const auto& [key, value] : a.items())
        if (value.is_array() && !value.empty() && value[0].is_object()) {
          Table t;
          // Names (strings) first, then figures, so each row reads "what, how fast".
          for (const auto& [k, v] : value[0].items())
            if (v.is_string()) t.header.push_back(k);
          for (const auto& [k, v] : value[0].items())
            if (!v.is_string()) t.header.push_back(k);
          for (const auto& row : value) {
            std::vector<std::string> cells;
            for (const auto& h : t.header) {
              const auto& v = row.value(h, json());
              cells.push_back(v.is_number_float() ? fixed(v.get<double>(), 2)
                              : v.is_string()     ? v.get<std::string>()
                                                  : v.dump());
            }
            t.rows.push_back(cells);
          }
          md << "### " << key << "\n\n" << t.render() << "\n";
          tabled = true;
        }
      if (!tabled) md << "```json\n" << a.dump(2) << "\n```\n\n";
    }
  for (const auto& r : records)
    if (r.value("kind", "") == "micro") {
      md << "## Micro-benchmarks: " << r.value("name", "") << "\n\n";
      if (!r.contains("result")) {
        md << "n/a (" << r.value("error", "no output") << ")\n\n";
        continue;
      }
      Table t{{"benchmark", "real time", "cpu time", "unit", "items/s"}, {}};
      const json benchmarks = r["result"].value("benchmarks", json::array());
      for (const auto& b : benchmarks)
        t.rows.push_back(
            {b.value("name", ""), fixed(num(b, "real_time"), 1), fixed(num(b, "cpu_time"), 1),
             b.value("time_unit", ""),
             has_number(b, "items_per_second") ? fixed(num(b, "items_per_second"), 0) : ""});
      md << t.render() << "\n";
    }

  // --- Plots ----------------------------------------------------------------------------
  if (!plot_prefix.empty()) {
    // Latency CDF per engine on the first latency corpus (the generated one), one panel
    // without and one with snippets, drawn from every timed execution the engine wrote with
    // --latencies; an engine whose run has no such file falls back to its percentiles.
    const auto lat_corpora = corpora_of(records, "latency");
    std::ostringstream gp;
    // The script names files relative to its own folder (bench/run runs gnuplot there), so
    // the committed results do not carry the absolute paths of the machine that made them.
    const std::string dir_prefix = plot_prefix.string();
    const std::string base = plot_prefix.filename().string();
    const std::string cdf_png = fs::path(base + "-latency-cdf.png").filename().string();
    const std::string bar_png = fs::path(base + "-quality.png").filename().string();
    if (!lat_corpora.empty()) {
      const std::string corpus = lat_corpora.front();
      std::ofstream dat(dir_prefix + "-latency.dat");
      struct Curve {
        std::string engine;
        bool snippets;
        std::size_t block;  // gnuplot "index" of its data block
        std::string source;
      };
      std::vector<Curve> curves;
      std::size_t blocks = 0;
      for (const bool snippets : {false, true})
        for (const auto& engine : engines)
          for (const auto& r : records) {
            if (!is_latency_result(r, corpus, snippets, engine)) continue;
            dat << "# " << engine << (snippets ? " with" : " without") << " snippets\n";
            std::string source;
            std::vector<double> micros;
            if (r.contains("latencies")) micros = read_latencies(r["latencies"].get<std::string>());
            if (!micros.empty()) {
              write_cdf(dat, micros);
              source = "n = " + std::to_string(micros.size());
            } else {
              const auto& l = r["result"]["latency_us"];
              dat << num(l, "p50") << " 0.5\n"
                  << num(l, "p95") << " 0.95\n"
                  << num(l, "p99") << " 0.99\n"
                  << num(l, "max") << " 1\n";
              source = "p50/p95/p99/max only";
            }
            dat << "\n\n";
            curves.push_back({engine, snippets, blocks++, source});
          }
      gp << "set terminal pngcairo size 1400,560 noenhanced\nset output '" << base
         << "-latency-cdf.png'\nset multiplot layout 1,2 title 'Query latency CDF, " << corpus
         << ", top-10, 1 thread, warm cache'\nset logscale x\nset xlabel 'latency (µs)'\n"
            "set ylabel 'fraction of queries'\nset yrange [0:1]\nset key bottom right\nset grid\n";
      for (const bool snippets : {false, true}) {
        gp << "set title '" << (snippets ? "with" : "without") << " snippets'\nplot ";
        bool any = false;
        for (const auto& c : curves) {
          if (c.snippets != snippets) continue;
          const auto colour =
              std::find(engines.begin(), engines.end(), c.engine) - engines.begin() + 1;
          gp << (any ? ", " : "") << "'" << base << "-latency.dat' index " << c.block
             << " using 1:2 with steps lw 2 lc " << colour << " title '" << c.engine << " ("
             << c.source << ")'";
          any = true;
        }
        if (!any) gp << "1/0 notitle";
        gp << "\n";
      }
      gp << "unset multiplot\n";
      md << "## Pictures\n\n![latency CDF](" << cdf_png
         << ")\n\nLatency CDF: every timed "
            "execution of the latency runs on `"
         << corpus << "` (engines' `--latencies` files).\n";
    }
    const std::string bar_data = bars.str();
    if (!bar_data.empty()) {
      std::ofstream dat(dir_prefix + "-quality.dat");
      dat << bar_data;
      gp << "reset\nset terminal pngcairo size 1100,560 noenhanced\nset output '" << base
         << "-quality.png'\nset title 'nDCG@10 per collection and engine/configuration'\n"
            "set style data histograms\nset style fill solid 0.8 border -1\nset boxwidth 0.8\n"
            "set xtics rotate by -45 font ',8'\nset yrange [0:1]\nset grid y\nunset key\n"
            "plot '"
         << base
         << "-quality.dat' using 3:xtic(sprintf('%s %s', stringcolumn(1), stringcolumn(2))) lc rgb "
            "'#4477aa'\n";
      if (lat_corpora.empty()) md << "## Pictures\n\n";
      md << "\n![quality](" << bar_png << ")\n";
    }
    std::ofstream(dir_prefix + ".gp") << gp.str();
  }

  json results = {{"date", date},       {"commit", commit},   {"mode", mode},
                  {"command", command}, {"machine", machine}, {"records", records}};
  std::ofstream(json_out) << results.dump(2) << '\n';
  std::ofstream(md_out) << md.str();
  std::cout << md.str();
  return 0;
}
