// kavosh-bench-analyzer: analyzer throughput (MB/s, tokens/s; one core; median of N runs)
// on English and Persian text from the shared data, side by side with Xapian's
// TermGenerator (English stemmer, default settings) indexing the same passages into a
// Xapian::Document. Times are thread CPU time; runs are interleaved. Three rows per text:
//   kavosh-analyzer      Analyzer::analyze into a reused token vector
//   kavosh-to-document   the same plus adding the terms to a Xapian::Document the way
//                        TermGenerator's default STEM_SOME does (term with position, Z+stem)
//   xapian-termgenerator TermGenerator::index_text into a Xapian::Document
// usage: kavosh-bench-analyzer [--data DIR] [--repetitions N] [--json]
//   --json prints one JSON object on stdout instead of the table.
#include <xapian.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <functional>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench_text.hpp"
#include "kavosh/analysis/analyzer.hpp"

namespace {

// Thread CPU time, not wall time: the machines this runs on are shared, and CPU time is what
// "one core" means; wall time under load would mostly measure the other processes.
double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}
using kavosh::analysis::Analyzer;
using kavosh::analysis::Language;
using kavosh::analysis::Token;
using kavosh::bench::TextSample;

struct Measurement {
  std::string text;
  std::string engine;
  double megabytes_per_second = 0;
  double tokens_per_second = 0;
  double median_seconds = 0;
  std::size_t tokens = 0;
};

// The engines' runs are interleaved (A B C A B C ...) so that load from other processes on a
// shared machine hits all of them alike; each engine's figure is the median of its runs.
std::vector<double> interleaved_medians(int repetitions,
                                        const std::vector<std::function<void()>>& runs) {
  for (const auto& run : runs) run();  // warm-up: caches, stem memo, ICU data pages
  std::vector<std::vector<double>> seconds(runs.size());
  for (int i = 0; i < repetitions; ++i) {
    for (std::size_t r = 0; r < runs.size(); ++r) {
      const double start = thread_cpu_seconds();
      runs[r]();
      seconds[r].push_back(thread_cpu_seconds() - start);
    }
  }
  std::vector<double> medians;
  for (std::vector<double>& s : seconds) {
    std::sort(s.begin(), s.end());
    medians.push_back(s[s.size() / 2]);
  }
  return medians;
}

std::vector<Measurement> measure(const TextSample& sample, int repetitions) {
  const double megabytes = static_cast<double>(sample.bytes()) / 1e6;
  const Language language = sample.language == "fa" ? Language::Persian : Language::English;

  Analyzer analyzer;
  std::vector<Token> tokens;
  std::size_t word_tokens = 0;
  for (const std::string& p : sample.passages) {
    analyzer.analyze(p, language, tokens);
    word_tokens += static_cast<std::size_t>(
        std::count_if(tokens.begin(), tokens.end(), [](const Token& t) { return t.span == 1; }));
  }
  Xapian::TermGenerator generator;
  generator.set_stemmer(Xapian::Stem("english"));
  std::size_t generator_tokens = 0;
  for (const std::string& p : sample.passages) {
    Xapian::Document document;
    generator.set_document(document);
    generator.index_text(p);
    for (auto term = document.termlist_begin(); term != document.termlist_end(); ++term) {
      if ((*term)[0] != 'Z') generator_tokens += term.positionlist_count();
    }
  }

  std::size_t sink = 0;
  const std::vector<double> seconds =
      interleaved_medians(repetitions, {[&] {
                                          for (const std::string& p : sample.passages) {
                                            analyzer.analyze(p, language, tokens);
                                            sink += tokens.size();
                                          }
                                        },
                                        [&] {
                                          for (const std::string& p : sample.passages) {
                                            Xapian::Document document;
                                            analyzer.analyze(p, language, tokens);
                                            for (const Token& t : tokens) {
                                              document.add_posting(t.term, t.position + 1);
                                              if (!t.stem.empty()) document.add_term("Z" + t.stem);
                                            }
                                            sink += document.termlist_count();
                                          }
                                        },
                                        [&] {
                                          for (const std::string& p : sample.passages) {
                                            Xapian::Document document;
                                            generator.set_document(document);
                                            generator.index_text(p);
                                            sink += document.termlist_count();
                                          }
                                        }});
  if (sink == 42) std::cerr << "";  // keep the work observable
  const std::size_t counts[] = {word_tokens, word_tokens, generator_tokens};
  const char* engines[] = {"kavosh-analyzer", "kavosh-to-document", "xapian-termgenerator"};
  std::vector<Measurement> out;
  for (std::size_t i = 0; i < 3; ++i) {
    out.push_back({sample.name, engines[i], megabytes / seconds[i],
                   static_cast<double>(counts[i]) / seconds[i], seconds[i], counts[i]});
  }
  return out;
}

int usage(const char* message) {
  std::cerr << "kavosh-bench-analyzer: " << message << "\n"
            << "usage: kavosh-bench-analyzer [--data DIR] [--repetitions N] [--json]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir = KAVOSH_DATA_DIR;
  int repetitions = 5;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--json") {
      json = true;
    } else if (arg == "--data" && i + 1 < argc) {
      data_dir = argv[++i];
    } else if (arg == "--repetitions" && i + 1 < argc) {
      repetitions = std::max(1, std::atoi(argv[++i]));
    } else {
      return usage(("unknown argument " + arg).c_str());
    }
  }
  try {
    const std::vector<TextSample> samples = {kavosh::bench::english_wikipedia(data_dir),
                                             kavosh::bench::english_cranfield(data_dir),
                                             kavosh::bench::persian_passages(data_dir)};
    std::vector<Measurement> rows;
    for (const TextSample& sample : samples) {
      for (Measurement& m : measure(sample, repetitions)) rows.push_back(std::move(m));
    }
    auto ratio = [&](const std::string& text, const std::string& ours) {
      double kavosh = 0;
      double xapian = 0;
      for (const Measurement& m : rows) {
        if (m.text == text && m.engine == ours) kavosh = m.megabytes_per_second;
        if (m.text == text && m.engine == "xapian-termgenerator") xapian = m.megabytes_per_second;
      }
      return xapian > 0 ? kavosh / xapian : 0.0;
    };
    if (json) {
      nlohmann::json out;
      out["repetitions"] = repetitions;
      out["statistic"] = "median";
      out["clock"] = "thread CPU time";
      out["threads"] = 1;
      for (const TextSample& s : samples) {
        out["texts"].push_back({{"text", s.name},
                                {"language", s.language},
                                {"passages", s.passages.size()},
                                {"megabytes", static_cast<double>(s.bytes()) / 1e6}});
      }
      for (const Measurement& m : rows) {
        out["throughput"].push_back({{"text", m.text},
                                     {"engine", m.engine},
                                     {"mb_per_s", m.megabytes_per_second},
                                     {"tokens_per_s", m.tokens_per_second},
                                     {"tokens", m.tokens},
                                     {"median_s", m.median_seconds},
                                     {"ratio_to_termgenerator", ratio(m.text, m.engine)}});
      }
      std::cout << out.dump(2) << "\n";
      return 0;
    }
    std::cout << "analyzer throughput, one core (thread CPU time), median of " << repetitions
              << " interleaved runs (data: " << data_dir << ")\n\n";
    std::cout << std::left << std::setw(20) << "text" << std::setw(23) << "engine" << std::right
              << std::setw(9) << "MB" << std::setw(10) << "MB/s" << std::setw(14) << "tokens/s"
              << std::setw(9) << "ratio"
              << "\n";
    for (const Measurement& m : rows) {
      double megabytes = 0;
      for (const TextSample& s : samples) {
        if (s.name == m.text) megabytes = static_cast<double>(s.bytes()) / 1e6;
      }
      std::cout << std::left << std::setw(20) << m.text << std::setw(23) << m.engine << std::right
                << std::fixed << std::setprecision(2) << std::setw(9) << megabytes << std::setw(10)
                << m.megabytes_per_second << std::setw(14) << std::setprecision(0)
                << m.tokens_per_second << std::setw(9) << std::setprecision(2)
                << ratio(m.text, m.engine) << "\n";
    }
    std::cout << "\nratio = MB/s of the row / MB/s of xapian-termgenerator on the same text\n";
  } catch (const std::exception& e) {
    std::cerr << "kavosh-bench-analyzer: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
