#pragma once
// Evaluation of ranked runs against relevance judgments, with trec_eval's definitions, so a
// figure printed here is the figure trec_eval prints for the same files. Used by
// kavosh-search --qrels and by bench/ to score peers' run files.
//
// Definitions (trec_eval 9.x, default options):
// - A document is relevant when its judged level is >= 1; unjudged documents are not relevant.
// - A run's hits are re-sorted per query by score (descending), ties by docid (descending, as
//   trec_eval does); the run's own rank column is ignored. A docid repeated within a query
//   counts once (its first line).
// - map: sum of precision at the rank of each relevant retrieved document / number relevant.
// - ndcg_cut_10: DCG@10 / ideal DCG@10, gain = judged level (levels <= 0 give 0),
//   discount log2(rank + 1); ideal from all judged levels sorted descending.
// - P_10: relevant in the top 10 / 10 (fewer than 10 retrieved still divides by 10).
// - recall_100: relevant in the top 100 / number relevant.
// - recip_rank@10 ("MRR@10"): 1 / rank of the first relevant document in the top 10, else 0.
// - Means are over the queries that appear in both the run and the qrels (trec_eval without
//   -c); with `complete`, over every qrels query, a query missing from the run scoring 0.
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace kavosh::search::eval {

// A malformed qrels/run/topics line: the message names the file and the 1-based line.
class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// qid -> docid -> judged level.
using Judgments = std::map<std::string, int>;
struct Qrels {
  std::map<std::string, Judgments> queries;
};

struct RunLine {
  std::string docid;
  double score = 0;
  unsigned rank = 0;  // as written in the file; informational only
};
// qid -> retrieved documents (in file order).
struct Run {
  std::map<std::string, std::vector<RunLine>> queries;
  std::string tag;  // the last column of the first line, when read from a file
};

// TREC qrels: `qid iter docid rel` separated by whitespace; blank lines are skipped. A file
// whose third and fourth fields are 0 on every line is SMART (`qid docid 0 0`, CACM's
// qrels.text, CISI.REL): each listed document relevant, qids without leading zeros. Qrels and
// run files may start with a UTF-8 byte order mark.
Qrels parse_qrels(std::istream& in, const std::string& source_name);
// Drops a leading UTF-8 byte order mark from the text of a qrels, run or topics file.
void strip_byte_order_mark(std::string& text);
Qrels load_qrels(const std::filesystem::path& path);

// TREC run: `qid Q0 docid rank score tag` separated by whitespace.
Run parse_run(std::istream& in, const std::string& source_name);
Run load_run(const std::filesystem::path& path);

struct Metrics {
  double map = 0;
  double ndcg_at_10 = 0;
  double p_at_10 = 0;
  double recall_at_100 = 0;
  double mrr_at_10 = 0;
  std::uint64_t retrieved = 0;           // num_ret
  std::uint64_t relevant = 0;            // num_rel
  std::uint64_t relevant_retrieved = 0;  // num_rel_ret
};

struct Evaluation {
  std::map<std::string, Metrics> per_query;
  Metrics mean;  // counts are sums, metrics are means over per_query
};

struct EvaluationOptions {
  bool complete = false;  // trec_eval -c: average over every qrels query
};

// Docids in the order trec_eval would rank them (score desc, docid desc, duplicates dropped).
std::vector<std::string> trec_order(const std::vector<RunLine>& lines);

// One query's metrics for docids already in rank order.
Metrics evaluate_ranking(const std::vector<std::string>& ranked_docids, const Judgments& judgments);

Evaluation evaluate(const Run& run, const Qrels& qrels, EvaluationOptions options = {});

// trec_eval-like text: `metric<TAB>qid<TAB>value` lines, per query (when asked) then "all".
std::string format_evaluation(const Evaluation& evaluation, bool per_query);

}  // namespace kavosh::search::eval
