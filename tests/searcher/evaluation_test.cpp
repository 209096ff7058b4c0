// evaluation.hpp against hand-computed trec_eval figures.
#include "kavosh/search/evaluation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

namespace eval = kavosh::search::eval;

namespace {

eval::Qrels qrels_from(const std::string& text) {
  std::istringstream in(text);
  return eval::parse_qrels(in, "qrels");
}
eval::Run run_from(const std::string& text) {
  std::istringstream in(text);
  return eval::parse_run(in, "run");
}

// q1: relevant d1 (1), d2 (2), d3 (1, never retrieved); d4 judged non-relevant.
// Run order d1, d5, d2: relevant at ranks 1 and 3.
const char* kQrels =
    "q1 0 d1 1\n"
    "q1 0 d2 2\n"
    "q1 0 d3 1\n"
    "q1 0 d4 0\n"
    "q2 0 a 1\n"
    "q3 0 x 1\n";
const char* kRun =
    "q1 Q0 d1 1 3.0 t\n"
    "q1 Q0 d5 2 2.0 t\n"
    "q1 Q0 d2 3 1.0 t\n"
    "q2 Q0 a 1 1.0 t\n"  // tie with b: trec_eval puts the larger docid (b) first
    "q2 Q0 b 2 1.0 t\n"
    "q9 Q0 z 1 1.0 t\n";  // no judgments: not evaluated

}  // namespace

TEST(Evaluation, HandComputedSingleQuery) {
  auto result = eval::evaluate(run_from(kRun), qrels_from(kQrels));
  const auto& q1 = result.per_query.at("q1");
  EXPECT_NEAR(q1.map, (1.0 + 2.0 / 3.0) / 3.0, 1e-12);
  EXPECT_NEAR(q1.p_at_10, 0.2, 1e-12);
  EXPECT_NEAR(q1.recall_at_100, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(q1.mrr_at_10, 1.0, 1e-12);
  // DCG = 1/log2(2) + 2/log2(4) = 2; ideal = 2 + 1/log2(3) + 1/log2(4).
  EXPECT_NEAR(q1.ndcg_at_10, 2.0 / (2.0 + 1.0 / std::log2(3.0) + 0.5), 1e-12);
  EXPECT_EQ(q1.retrieved, 3u);
  EXPECT_EQ(q1.relevant, 3u);
  EXPECT_EQ(q1.relevant_retrieved, 2u);
}

TEST(Evaluation, TiesBreakByDocidDescendingLikeTrecEval) {
  auto result = eval::evaluate(run_from(kRun), qrels_from(kQrels));
  const auto& q2 = result.per_query.at("q2");
  EXPECT_NEAR(q2.mrr_at_10, 0.5, 1e-12);
  EXPECT_NEAR(q2.map, 0.5, 1e-12);
  EXPECT_NEAR(q2.ndcg_at_10, 1.0 / std::log2(3.0), 1e-12);
}

TEST(Evaluation, MeanOverQueriesInBothRunAndQrels) {
  auto result = eval::evaluate(run_from(kRun), qrels_from(kQrels));
  ASSERT_EQ(result.per_query.size(), 2u);  // q3 not in run, q9 not judged
  EXPECT_NEAR(result.mean.map, ((1.0 + 2.0 / 3.0) / 3.0 + 0.5) / 2.0, 1e-12);
  EXPECT_NEAR(result.mean.p_at_10, (0.2 + 0.1) / 2.0, 1e-12);
  EXPECT_EQ(result.mean.relevant, 4u);
}

TEST(Evaluation, CompleteCountsMissingQueriesAsZero) {
  auto result = eval::evaluate(run_from(kRun), qrels_from(kQrels), {.complete = true});
  ASSERT_EQ(result.per_query.size(), 3u);
  EXPECT_EQ(result.per_query.at("q3").map, 0.0);
  EXPECT_NEAR(result.mean.map, ((1.0 + 2.0 / 3.0) / 3.0 + 0.5) / 3.0, 1e-12);
}

TEST(Evaluation, CutoffsIgnoreHitsBeyondTheirDepth) {
  // The only relevant document sits at rank 11: P@10, MRR@10 and nDCG@10 are 0, MAP 1/11.
  std::vector<std::string> ranked;
  for (int i = 0; i < 10; ++i) ranked.push_back(std::string("n").append(std::to_string(i)));
  ranked.push_back("r");
  auto m = eval::evaluate_ranking(ranked, {{"r", 1}});
  EXPECT_EQ(m.p_at_10, 0.0);
  EXPECT_EQ(m.mrr_at_10, 0.0);
  EXPECT_EQ(m.ndcg_at_10, 0.0);
  EXPECT_NEAR(m.map, 1.0 / 11.0, 1e-12);
  EXPECT_EQ(m.recall_at_100, 1.0);
}

TEST(Evaluation, DuplicateDocidsCountOnce) {
  auto order = eval::trec_order({{"a", 2.0, 1}, {"a", 1.0, 2}, {"b", 1.5, 3}});
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b"}));
}

TEST(Evaluation, MalformedLinesNameFileAndLine) {
  struct Case {
    std::string text;
    bool qrels;
    std::string message;
  };
  const Case cases[] = {
      {"q1 0 d1 1\nq1 0 d2\n", true, "qrels:2: expected 'qid iter docid rel', got 3 fields"},
      {"q1 0 d1 high\n", true, "qrels:1: expected a number for rel, got 'high'"},
      {"q1 Q0 d1 1 x t\n", false, "run:1: expected a number for score, got 'x'"},
      {"\nq1 Q0 d1 1\n", false, "run:2: expected 'qid Q0 docid rank score tag', got 4 fields"},
  };
  for (const auto& c : cases) {
    try {
      if (c.qrels)
        qrels_from(c.text);
      else
        run_from(c.text);
      ADD_FAILURE() << "no error for " << c.text;
    } catch (const eval::FormatError& e) {
      EXPECT_EQ(e.what(), c.message);
    }
  }
}

// CACM's qrels.text and CISI.REL are SMART: `qid docid 0 0`. Read as TREC they judged nothing
// relevant (num_rel 0, MAP 0) without a word.
TEST(Evaluation, SmartQrelsAreReadAsSmart) {
  const auto cacm = qrels_from("01 1410  0 0\n01 1572  0 0\n10 7  0 0\n");
  ASSERT_EQ(cacm.queries.size(), 2u);
  EXPECT_EQ(cacm.queries.at("1"), (eval::Judgments{{"1410", 1}, {"1572", 1}}));
  EXPECT_EQ(cacm.queries.at("10"), (eval::Judgments{{"7", 1}}));
  const auto cisi = qrels_from("     1     28\t0\t0.000000\n     2     35\t0\t0.000000\n");
  EXPECT_EQ(cisi.queries.at("1"), (eval::Judgments{{"28", 1}}));
  EXPECT_EQ(cisi.queries.at("2"), (eval::Judgments{{"35", 1}}));
  // TREC stays TREC: docids in the third field, even with non-relevant zeros among them.
  const auto trec = qrels_from("1 0 1239 1\n1 0 0 0\n01 0 d2 0\n");
  EXPECT_EQ(trec.queries.at("1"), (eval::Judgments{{"1239", 1}, {"0", 0}}));
  EXPECT_EQ(trec.queries.at("01"), (eval::Judgments{{"d2", 0}}));
  const auto smart = qrels_from("01 1410  0 0\n");
  const auto evaluation = eval::evaluate(run_from("1 Q0 1410 1 2.0 t\n"), smart);
  EXPECT_EQ(evaluation.mean.map, 1.0);
  EXPECT_EQ(evaluation.mean.relevant, 1u);
}

// A UTF-8 byte order mark joined the first qid ("\uFEFF1"), which then matched nothing.
TEST(Evaluation, ByteOrderMarkIsNotPartOfTheFirstQid) {
  const auto qrels = qrels_from("\xEF\xBB\xBFq1 0 d1 1\n");
  EXPECT_EQ(qrels.queries.count("q1"), 1u);
  const auto run = run_from("\xEF\xBB\xBFq1 Q0 d1 1 1.0 t\n");
  EXPECT_EQ(run.queries.count("q1"), 1u);
  EXPECT_EQ(eval::evaluate(run, qrels).mean.map, 1.0);
}

TEST(Evaluation, FormatPrintsTrecEvalStyleLines) {
  auto result = eval::evaluate(run_from(kRun), qrels_from(kQrels));
  auto text = eval::format_evaluation(result, false);
  EXPECT_NE(text.find("num_q         \tall\t2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("P_10          \tall\t0.1500\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("\tq1\t"), std::string::npos);
  EXPECT_NE(eval::format_evaluation(result, true).find("map           \tq1\t0.5556\n"),
            std::string::npos);
}
