// trec_eval-compatible evaluation; see evaluation.hpp for the definitions implemented here.
#include "kavosh/search/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <istream>
#include <sstream>
#include <unordered_set>

namespace kavosh::search::eval {
namespace {

std::vector<std::string> split_whitespace(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream in(line);
  std::string field;
  while (in >> field) fields.push_back(field);
  return fields;
}

[[noreturn]] void fail(const std::string& source, unsigned line_no, const std::string& what) {
  throw FormatError(source + ":" + std::to_string(line_no) + ": " + what);
}

double parse_number(const std::string& text, const std::string& source, unsigned line_no,
                    const char* what) {
  try {
    std::size_t used = 0;
    double value = std::stod(text, &used);
    if (used != text.size() || !std::isfinite(value)) throw std::invalid_argument(text);
    return value;
  } catch (const std::exception&) {
    fail(source, line_no, std::string("expected a number for ") + what + ", got '" + text + "'");
  }
}

std::string without_leading_zeros(const std::string& id) {
  const auto first = id.find_first_not_of('0');
  return first == std::string::npos ? "0" : id.substr(first);
}

std::ifstream open_or_throw(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return in;
}

}  // namespace

namespace {

// Calls `record` with the whitespace-separated fields of every non-blank line, after checking
// that the line has as many fields as `layout` names.
template <typename Record>
void for_each_record(std::istream& in, const std::string& source_name, std::string_view layout,
                     Record record) {
  const std::size_t expected = split_whitespace(std::string(layout)).size();
  std::string line;
  unsigned line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no == 1) strip_byte_order_mark(line);
    const auto fields = split_whitespace(line);
    if (fields.empty()) continue;
    if (fields.size() != expected)
      fail(source_name, line_no,
           "expected '" + std::string(layout) + "', got " + std::to_string(fields.size()) +
               " fields");
    record(fields, line_no);
  }
}

}  // namespace

// Editors on Windows start UTF-8 files with U+FEFF; kept, it joined the first id ("\uFEFF1"),
// which then matched nothing.
void strip_byte_order_mark(std::string& text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
}

Qrels parse_qrels(std::istream& in, const std::string& source_name) {
  struct Judgment {
    std::vector<std::string> fields;
    int level;
  };
  std::vector<Judgment> judgments;
  bool smart = true;
  for_each_record(in, source_name, "qid iter docid rel", [&](const auto& fields, unsigned line_no) {
    const double level = parse_number(fields[3], source_name, line_no, "rel");
    smart = smart && fields[2] == "0" && level == 0;
    judgments.push_back({fields, static_cast<int>(level)});
  });
  // SMART collections (CACM's qrels.text, CISI.REL) write `qid docid 0 0`: every listed
  // document is relevant. In TREC's `qid iter docid rel` the third field is a docid, "0" on
  // every line of no real file; read as TREC, a SMART file judged nothing relevant.
  smart = smart && !judgments.empty();
  Qrels qrels;
  for (const auto& [fields, level] : judgments) {
    if (smart)  // CACM numbers query .I 1 as "01"
      qrels.queries[without_leading_zeros(fields[0])][fields[1]] = 1;
    else
      qrels.queries[fields[0]][fields[2]] = level;
  }
  return qrels;
}

Qrels load_qrels(const std::filesystem::path& path) {
  auto in = open_or_throw(path);
  return parse_qrels(in, path.string());
}

Run parse_run(std::istream& in, const std::string& source_name) {
  Run run;
  for_each_record(
      in, source_name, "qid Q0 docid rank score tag", [&](const auto& fields, unsigned line_no) {
        RunLine entry;
        entry.docid = fields[2];
        entry.rank = static_cast<unsigned>(parse_number(fields[3], source_name, line_no, "rank"));
        entry.score = parse_number(fields[4], source_name, line_no, "score");
        if (run.tag.empty()) run.tag = fields[5];
        run.queries[fields[0]].push_back(std::move(entry));
      });
  return run;
}

Run load_run(const std::filesystem::path& path) {
  auto in = open_or_throw(path);
  return parse_run(in, path.string());
}

std::vector<std::string> trec_order(const std::vector<RunLine>& lines) {
  std::vector<const RunLine*> unique;
  std::unordered_set<std::string> seen;
  for (const auto& line : lines)
    if (seen.insert(line.docid).second) unique.push_back(&line);
  std::stable_sort(unique.begin(), unique.end(), [](const RunLine* a, const RunLine* b) {
    if (a->score != b->score) return a->score > b->score;
    return a->docid > b->docid;
  });
  std::vector<std::string> order;
  order.reserve(unique.size());
  for (const auto* line : unique) order.push_back(line->docid);
  return order;
}

Metrics evaluate_ranking(const std::vector<std::string>& ranked, const Judgments& judgments) {
  Metrics m;
  std::vector<int> ideal_gains;
  for (const auto& [docid, level] : judgments) {
    if (level >= 1) ++m.relevant;
    if (level > 0) ideal_gains.push_back(level);
  }
  std::sort(ideal_gains.rbegin(), ideal_gains.rend());
  m.retrieved = ranked.size();

  double precision_sum = 0, dcg = 0;
  std::uint64_t relevant_in_top10 = 0, relevant_in_top100 = 0;
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    const std::size_t rank = i + 1;
    auto judged = judgments.find(ranked[i]);
    const int level = judged == judgments.end() ? 0 : judged->second;
    if (rank <= 10 && level > 0) dcg += level / std::log2(static_cast<double>(rank) + 1);
    if (level < 1) continue;
    ++m.relevant_retrieved;
    precision_sum += static_cast<double>(m.relevant_retrieved) / static_cast<double>(rank);
    if (rank <= 10) {
      ++relevant_in_top10;
      if (m.mrr_at_10 == 0) m.mrr_at_10 = 1.0 / static_cast<double>(rank);
    }
    if (rank <= 100) ++relevant_in_top100;
  }
  double ideal_dcg = 0;
  for (std::size_t i = 0; i < ideal_gains.size() && i < 10; ++i)
    ideal_dcg += ideal_gains[i] / std::log2(static_cast<double>(i) + 2);

  if (m.relevant > 0) {
    m.map = precision_sum / static_cast<double>(m.relevant);
    m.recall_at_100 = static_cast<double>(relevant_in_top100) / static_cast<double>(m.relevant);
  }
  if (ideal_dcg > 0) m.ndcg_at_10 = dcg / ideal_dcg;
  m.p_at_10 = static_cast<double>(relevant_in_top10) / 10.0;
  return m;
}

Evaluation evaluate(const Run& run, const Qrels& qrels, EvaluationOptions options) {
  Evaluation result;
  static const std::vector<RunLine> kNothingRetrieved;
  for (const auto& [qid, judgments] : qrels.queries) {
    auto retrieved = run.queries.find(qid);
    if (retrieved == run.queries.end() && !options.complete) continue;
    const auto& lines = retrieved == run.queries.end() ? kNothingRetrieved : retrieved->second;
    result.per_query[qid] = evaluate_ranking(trec_order(lines), judgments);
  }
  Metrics& mean = result.mean;
  for (const auto& [qid, m] : result.per_query) {
    mean.map += m.map;
    mean.ndcg_at_10 += m.ndcg_at_10;
    mean.p_at_10 += m.p_at_10;
    mean.recall_at_100 += m.recall_at_100;
    mean.mrr_at_10 += m.mrr_at_10;
    mean.retrieved += m.retrieved;
    mean.relevant += m.relevant;
    mean.relevant_retrieved += m.relevant_retrieved;
  }
  if (!result.per_query.empty()) {
    const double n = static_cast<double>(result.per_query.size());
    mean.map /= n;
    mean.ndcg_at_10 /= n;
    mean.p_at_10 /= n;
    mean.recall_at_100 /= n;
    mean.mrr_at_10 /= n;
  }
  return result;
}

std::string format_evaluation(const Evaluation& evaluation, bool per_query) {
  std::string out;
  char buffer[128];
  auto emit = [&](const std::string& qid, const Metrics& m) {
    auto line = [&](const char* name, double value) {
      std::snprintf(buffer, sizeof buffer, "%-14s\t%s\t%.4f\n", name, qid.c_str(), value);
      out += buffer;
    };
    auto count = [&](const char* name, std::uint64_t value) {
      std::snprintf(buffer, sizeof buffer, "%-14s\t%s\t%llu\n", name, qid.c_str(),
                    static_cast<unsigned long long>(value));
      out += buffer;
    };
    count("num_ret", m.retrieved);
    count("num_rel", m.relevant);
    count("num_rel_ret", m.relevant_retrieved);
    line("map", m.map);
    line("ndcg_cut_10", m.ndcg_at_10);
    line("P_10", m.p_at_10);
    line("recall_100", m.recall_at_100);
    line("recip_rank_10", m.mrr_at_10);
  };
  if (per_query)
    for (const auto& [qid, m] : evaluation.per_query) emit(qid, m);
  std::snprintf(buffer, sizeof buffer, "%-14s\tall\t%zu\n", "num_q", evaluation.per_query.size());
  out += buffer;
  emit("all", evaluation.mean);
  return out;
}

}  // namespace kavosh::search::eval
