// kavosh-bench-export: writes the real collections of ../shared/data in the benchmark's common
// format, one folder per collection: corpus.jsonl ({"id","title","text","lang"}),
// queries.tsv (qid<TAB>collection<TAB>query) and qrels.txt (TREC: qid 0 docid grade).
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "collections.hpp"

namespace fs = std::filesystem;
using kavosh::bench::harness::Collection;

namespace {

// Collection queries are natural-language requests, i.e. bags of words: the characters the
// common query syntax gives meaning to (quote = phrase, star = prefix, colon = field) are
// blanked so no engine reads syntax into them; TSV cannot hold tabs or newlines either.
std::string bag_of_words_query(std::string s) {
  for (char& c : s)
    if (c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '*' || c == ':') c = ' ';
  return s;
}

void write_collection(const Collection& c, const fs::path& dir) {
  fs::create_directories(dir);
  {
    std::ofstream out(dir / "corpus.jsonl", std::ios::binary);
    for (const auto& d : c.documents)
      out << nlohmann::json{{"id", d.id}, {"title", d.title}, {"text", d.text}, {"lang", d.lang}}
                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
          << '\n';
    if (!out) throw std::runtime_error((dir / "corpus.jsonl").string() + ": write failed");
  }
  if (c.queries.empty()) return;
  {
    std::ofstream out(dir / "queries.tsv", std::ios::binary);
    for (const auto& q : c.queries)
      out << q.id << "\tcollection\t" << bag_of_words_query(q.text) << '\n';
  }
  {
    std::ofstream out(dir / "qrels.txt", std::ios::binary);
    for (const auto& j : c.judgments)
      out << j.query_id << " 0 " << j.document_id << ' ' << j.grade << '\n';
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Export the real test collections to corpus JSONL + queries TSV + TREC qrels"};
  fs::path data_dir;
  fs::path out_dir;
  std::vector<std::string> only;
  app.add_option("--data", data_dir, "shared data directory (../shared/data)")->required();
  app.add_option("--out", out_dir, "output directory (one sub-folder per collection)")->required();
  app.add_option("--only", only, "collections to export (default: all)")
      ->check(CLI::IsMember(kavosh::bench::harness::known_collections()));
  CLI11_PARSE(app, argc, argv);
  if (only.empty()) only = kavosh::bench::harness::known_collections();
  try {
    nlohmann::json summary = nlohmann::json::object();
    for (const auto& name : only) {
      const Collection c = kavosh::bench::harness::read_collection(name, data_dir);
      write_collection(c, out_dir / name);
      // Records the indexer's reader skips (e.g. empty ones) are not exported: say so.
      for (const auto& warning : c.warnings)
        std::cerr << "kavosh-bench-export: " << name << ": " << warning << '\n';
      summary[name] = {{"docs", c.documents.size()},
                       {"queries", c.queries.size()},
                       {"judgments", c.judgments.size()},
                       {"warnings", c.warnings.size()}};
    }
    std::cout << summary.dump() << '\n';
  } catch (const std::exception& e) {
    std::cerr << "kavosh-bench-export: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
