// kavosh-bench-eval RUN QRELS: scores a TREC run with the searcher's evaluation API (the one
// implementation of the metrics in the project) and prints one JSON line. Averages are over
// every judged query (trec_eval -c): an engine that returns nothing for a query scores 0 there
// instead of dropping the query, so engines are compared on the same query set.
#include <CLI/CLI.hpp>
#include <iostream>
#include <kavosh/search/evaluation.hpp>
#include <nlohmann/json.hpp>

int main(int argc, char** argv) {
  CLI::App app{"Evaluate a TREC run against TREC qrels; prints one JSON line"};
  std::string run_path;
  std::string qrels_path;
  bool only_run_queries = false;
  app.add_option("run", run_path, "TREC run file")->required();
  app.add_option("qrels", qrels_path, "TREC qrels file")->required();
  app.add_flag("--only-run-queries", only_run_queries,
               "average over queries present in the run only (trec_eval without -c)");
  CLI11_PARSE(app, argc, argv);
  namespace eval = kavosh::search::eval;
  try {
    const eval::Run run = eval::load_run(run_path);
    const eval::Qrels qrels = eval::load_qrels(qrels_path);
    const eval::Evaluation result = eval::evaluate(run, qrels, {.complete = !only_run_queries});
    const eval::Metrics& m = result.mean;
    std::size_t judged_with_relevant = 0;
    for (const auto& [qid, judgments] : qrels.queries)
      for (const auto& [doc, level] : judgments)
        if (level >= 1) {
          ++judged_with_relevant;
          break;
        }
    nlohmann::json out = {{"run", run_path},
                          {"qrels", qrels_path},
                          {"tag", run.tag},
                          {"queries", result.per_query.size()},
                          {"judged_queries", judged_with_relevant},
                          {"map", m.map},
                          {"ndcg_cut_10", m.ndcg_at_10},
                          {"P_10", m.p_at_10},
                          {"recall_100", m.recall_at_100},
                          {"recip_rank_10", m.mrr_at_10},
                          {"num_ret", m.retrieved},
                          {"num_rel", m.relevant},
                          {"num_rel_ret", m.relevant_retrieved}};
    std::cout << out.dump() << '\n';
  } catch (const std::exception& e) {
    std::cerr << "kavosh-bench-eval: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
