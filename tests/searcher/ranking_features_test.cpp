// RM3 term weights and the SDM-style proximity boost and rerank on examples small enough to
// compute by hand (searcher/src/rm3.hpp, proximity.hpp).
#include <gtest/gtest.h>
#include <xapian.h>

#include <cmath>
#include <string>
#include <vector>

#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/search/query.hpp"
#include "proximity.hpp"
#include "rm3.hpp"

namespace ks = kavosh::search;
namespace rm3 = kavosh::search::rm3;
namespace proximity = kavosh::search::proximity;

namespace {

TEST(Rm3, RelevanceModelWeighsTermShareByPassageScore) {
  // d1 (score 2): a 1, b 3 of 4; d2 (score 1): a 2, c 2 of 4.
  // a = 2 * 1/4 + 1 * 2/4 = 1.0, b = 2 * 3/4 = 1.5, c = 1 * 2/4 = 0.5; total 3.
  const std::vector<rm3::FeedbackDocument> docs = {{2, {{"Za", 1}, {"Zb", 3}}},
                                                   {1, {{"Za", 2}, {"Zc", 2}}}};
  const auto all = rm3::relevance_model(docs, 10);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].term, "Zb");
  EXPECT_DOUBLE_EQ(all[0].weight, 0.5);
  EXPECT_EQ(all[1].term, "Za");
  EXPECT_DOUBLE_EQ(all[1].weight, 1.0 / 3);
  EXPECT_EQ(all[2].term, "Zc");
  EXPECT_DOUBLE_EQ(all[2].weight, 1.0 / 6);
  // The two heaviest, renormalized: b 1.5 / 2.5, a 1.0 / 2.5.
  const auto two = rm3::relevance_model(docs, 2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_DOUBLE_EQ(two[0].weight, 0.6);
  EXPECT_DOUBLE_EQ(two[1].weight, 0.4);
  // A passage without candidate terms adds nothing (and divides by nothing).
  const auto with_empty = rm3::relevance_model({{5, {}}, {1, {{"Za", 1}}}}, 10);
  ASSERT_EQ(with_empty.size(), 1u);
  EXPECT_DOUBLE_EQ(with_empty[0].weight, 1.0);
}

TEST(Rm3, ExpansionFactorsInterpolateWithTheQueryWords) {
  // alpha 0.5, two query words: each word 0.5 / 2, each model term 0.5 * P; scaled so a word
  // weighs 1: factor = 0.5 * 2 * P / 0.5 = 2 P.
  const auto factors = rm3::expansion_factors({{"Zb", 0.6}, {"Za", 0.4}}, 2, 0.5);
  ASSERT_EQ(factors.size(), 2u);
  EXPECT_DOUBLE_EQ(factors[0].weight, 1.2);
  EXPECT_DOUBLE_EQ(factors[1].weight, 0.8);
  // alpha 0.8, one word: 0.2 * 1 * 0.6 / 0.8 = 0.15.
  EXPECT_DOUBLE_EQ(rm3::expansion_factors({{"Zb", 0.6}}, 1, 0.8)[0].weight, 0.15);
  // alpha 1 keeps the query alone; alpha outside (0, 1] gives nothing to add.
  EXPECT_DOUBLE_EQ(rm3::expansion_factors({{"Zb", 0.6}}, 1, 1.0)[0].weight, 0.0);
  EXPECT_TRUE(rm3::expansion_factors({{"Zb", 0.6}}, 1, 0.0).empty());
}

// 20 passages; passage 1 holds the candidate terms, every passage holds "Zcommon".
Xapian::WritableDatabase feedback_database() {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  for (int i = 0; i < 20; ++i) {
    Xapian::Document doc;
    doc.add_term("Zcommon", 1);
    if (i == 0) {
      doc.add_term("Zheat", 2);   // body stem: kept
      doc.add_term("Zslab", 1);   // body stem: kept
      doc.add_term("ZSheat", 1);  // title stem: not a body stem
      doc.add_term("Z1958", 1);   // a number
      doc.add_term("Zx", 1);      // one character
      doc.add_term("heat", 2);    // unstemmed word
      doc.add_term("Zحرارت", 3);  // a Persian stem (non-ASCII): kept
    }
    if (i < 3) doc.add_term("Zshared", 1);  // in 3 of 20 passages: more than 10 %
    db.add_document(doc);
  }
  db.commit();
  return db;
}

TEST(Rm3, FeedbackPassagesOfferBodyStemsOfTwoToTwentyCharactersInFewPassages) {
  const auto db = feedback_database();
  const auto doc = rm3::read_feedback_document(db, 1, 7.5, rm3::Parameters{});
  EXPECT_DOUBLE_EQ(doc.score, 7.5);
  const std::vector<std::pair<std::string, double>> expected = {
      {"Zheat", 2}, {"Zslab", 1}, {"Zحرارت", 3}};
  EXPECT_EQ(doc.term_frequencies, expected);
}

TEST(Rm3, SecondPassAddsScaledStemsAndRecordsTheirFactors) {
  const auto db = feedback_database();
  ks::QueryNodeDetails details;
  const Xapian::Query original(Xapian::Query::OP_OR, Xapian::Query("Zheat"), Xapian::Query("Zfoo"));
  std::string why;
  // One feedback passage (passage 1, score 2): model heat 2/6, slab 1/6, حرارت 3/6; two
  // query words, alpha 0.5: factors 2 P.
  const auto q =
      rm3::feedback_query(db, {{1, 2.0}}, original, 2, rm3::Parameters{}, 0, details, why);
  EXPECT_EQ(why, "rm3");
  ASSERT_EQ(q.get_type(), Xapian::Query::OP_OR);
  ASSERT_EQ(q.get_num_subqueries(), 4u);
  std::map<std::string, double> factors;
  for (std::size_t i = 1; i < 4; ++i) {
    const auto scaled = q.get_subquery(i);
    ASSERT_EQ(scaled.get_type(), Xapian::Query::OP_SCALE_WEIGHT);
    const auto found = details.find(scaled.internal.get());
    ASSERT_NE(found, details.end());
    factors[*scaled.get_terms_begin()] = found->second.factor;
  }
  EXPECT_DOUBLE_EQ(factors["Zحرارت"], 1.0);
  EXPECT_DOUBLE_EQ(factors["Zheat"], 2.0 / 3);
  EXPECT_DOUBLE_EQ(factors["Zslab"], 1.0 / 3);

  // A query that filters keeps its matches: the model only reweighs them.
  const Xapian::Query filtered(Xapian::Query::OP_FILTER, original, Xapian::Query("Len"));
  EXPECT_EQ(rm3::feedback_query(db, {{1, 2.0}}, filtered, 2, rm3::Parameters{}, 0, details, why)
                .get_type(),
            Xapian::Query::OP_AND_MAYBE);
}

TEST(Rm3, AutoExpandsOnlyWhenTheFirstPassFallsSlowly) {
  const auto db = feedback_database();
  ks::QueryNodeDetails details;
  const Xapian::Query original("Zheat");
  std::vector<std::pair<Xapian::docid, double>> steep, flat;
  for (Xapian::docid d = 1; d <= 10; ++d) {
    steep.emplace_back(d, d == 1 ? 10.0 : 2.0);  // rank 10 / rank 1 = 0.2
    flat.emplace_back(d, 10.0 - 0.5 * (d - 1));  // 5.5 / 10 = 0.55
  }
  std::string why;
  const auto kept =
      rm3::feedback_query(db, steep, original, 1, rm3::Parameters{}, 0.5, details, why);
  EXPECT_EQ(kept.get_type(), Xapian::Query::LEAF_TERM);
  EXPECT_NE(why.find("not expanded"), std::string::npos) << why;
  const auto expanded =
      rm3::feedback_query(db, flat, original, 1, rm3::Parameters{}, 0.5, details, why);
  EXPECT_EQ(expanded.get_type(), Xapian::Query::OP_OR);
  EXPECT_EQ(why, "rm3");
  // Fewer passages than feedback documents: no rank 10 to compare, so not expanded.
  rm3::feedback_query(db, {{1, 3.0}}, original, 1, rm3::Parameters{}, 0.5, details, why);
  EXPECT_NE(why.find("not expanded"), std::string::npos) << why;
}

TEST(Proximity, OrderedWindowIsTheSecondWordRightAfterTheFirst) {
  EXPECT_EQ(proximity::ordered_matches({1, 5, 9}, {2, 6, 7}), 2u);  // 1-2, 5-6
  EXPECT_EQ(proximity::ordered_matches({3}, {2}), 0u);              // wrong order
  EXPECT_EQ(proximity::ordered_matches({3}, {5}), 0u);              // a word between
  EXPECT_EQ(proximity::ordered_matches({}, {1}), 0u);
}

TEST(Proximity, UnorderedWindowCountsFirstWordsWithTheSecondWithinTheWindow) {
  // 1: 5 is 4 away; 20: 28 is 8 away, outside a window of 8 (|p - q| < 8), inside one of 9.
  EXPECT_EQ(proximity::unordered_matches({1, 20}, {5, 28}, 8), 1u);
  EXPECT_EQ(proximity::unordered_matches({1, 20}, {5, 28}, 9), 2u);
  // Either order; one match per position of the first word however many seconds are near.
  EXPECT_EQ(proximity::unordered_matches({10}, {3, 4, 16}, 8), 1u);
  EXPECT_EQ(proximity::unordered_matches({10}, {2}, 8), 0u);
  // The same position (a stacked token) is not a window of two words.
  EXPECT_EQ(proximity::unordered_matches({4}, {4}, 8), 0u);
}

TEST(Proximity, WindowWeightIsBm25OfTheCount) {
  proximity::Parameters p;  // k1 1.2, b 0.5
  // 2 matches, length = average: tf part 2.2 * 2 / (1.2 + 2) = 1.375; idf of 1 in 9 passages:
  // log(1 + 8.5 / 1.5) = log(20 / 3).
  EXPECT_NEAR(proximity::window_weight(2, 10, 10, 1, 9, p), std::log(20.0 / 3) * 1.375, 1e-12);
  // Twice the average length: norm 1.2 * (0.5 + 1) = 1.8, tf part 2.2 / 2.8.
  EXPECT_NEAR(proximity::window_weight(1, 20, 10, 1, 9, p), std::log(20.0 / 3) * 2.2 / 2.8, 1e-12);
  EXPECT_EQ(proximity::window_weight(0, 10, 10, 1, 9, p), 0.0);
}

TEST(Proximity, ContentTermsAreTheRankedWordsWithoutFunctionWords) {
  kavosh::analysis::Analyzer analyzer;
  const auto terms = proximity::content_terms(
      ks::parse_query("what is the heat conduction of Composite slabs"), analyzer);
  const std::vector<std::string> expected = {"heat", "conduction", "composite", "slabs"};
  EXPECT_EQ(terms, expected);
  // One word is one content word (RM3's n), and no pair.
  EXPECT_EQ(proximity::content_terms(ks::parse_query("heat"), analyzer),
            std::vector<std::string>{"heat"});
  EXPECT_TRUE(proximity::content_terms(ks::parse_query("heat AND slabs"), analyzer).empty());
  // Required, excluded and phrase items are not ranked bare words.
  const std::vector<std::string> only_bare = {"heat", "slabs"};
  EXPECT_EQ(
      proximity::content_terms(ks::parse_query("heat +flow -cold \"thin plate\" slabs"), analyzer),
      only_bare);
}

// Four passages of four words: "heat conduction" adjacent (1), the words 3 apart reversed
// (2), 3 apart in order (3), and only one of the words (4).
Xapian::WritableDatabase heat_conduction_database() {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  const std::vector<std::vector<std::string>> passages = {{"heat", "conduction", "in", "slabs"},
                                                          {"conduction", "of", "the", "heat"},
                                                          {"heat", "in", "the", "conduction"},
                                                          {"heat", "in", "thin", "slabs"}};
  for (const auto& words : passages) {
    Xapian::Document doc;
    for (Xapian::termpos i = 0; i < words.size(); ++i) doc.add_posting(words[i], i + 1);
    db.add_document(doc);
  }
  db.commit();
  return db;
}

TEST(Proximity, BoostWeighsEachPassageByItsWindows) {
  Xapian::WritableDatabase db = heat_conduction_database();
  proximity::Parameters p;
  Xapian::Enquire enquire(db);
  enquire.set_query(proximity::boost(db, {}, nullptr, {"heat", "conduction"}, p));
  const Xapian::MSet mset = enquire.get_mset(0, 10);
  ASSERT_EQ(mset.size(), 3u);  // passage 4 has no window
  std::map<Xapian::docid, double> weight;
  for (auto it = mset.begin(); it != mset.end(); ++it) weight[*it] = it.get_weight();
  // 4 passages of length 4: ordered windows in 1 passage, unordered in 3.
  const double ordered = proximity::window_weight(1, 4, 4, 1, 4, p);
  const double unordered = proximity::window_weight(1, 4, 4, 3, 4, p);
  EXPECT_NEAR(weight[1], p.ordered_weight * ordered + p.unordered_weight * unordered, 1e-12);
  EXPECT_NEAR(weight[2], p.unordered_weight * unordered, 1e-12);
  EXPECT_NEAR(weight[3], p.unordered_weight * unordered, 1e-12);
  EXPECT_GT(weight[1], weight[2]);
  // No pair, no boost: one word, a word the index lacks, or the same word twice.
  EXPECT_TRUE(proximity::boost(db, {}, nullptr, {"heat"}, p).empty());
  EXPECT_TRUE(proximity::boost(db, {}, nullptr, {"heat", "absent"}, p).empty());
  EXPECT_TRUE(proximity::boost(db, {}, nullptr, {"heat", "heat"}, p).empty());
}

TEST(Proximity, RerankAddsTheWindowsOfTheFirstPassagesAndSortsThemAgain) {
  Xapian::WritableDatabase db = heat_conduction_database();
  proximity::Parameters p;
  p.scale = 100;  // enough for a window to lift a passage past a better first-pass score
  // A window's idf is its rarer word's: conduction, in 3 of the 4 passages.
  const double unordered =
      p.scale * p.unordered_weight * proximity::window_weight(1, 4, 4, 3, 4, p);
  const double ordered = p.scale * p.ordered_weight * proximity::window_weight(1, 4, 4, 3, 4, p);
  std::vector<ks::matcher::ScoredDoc> docs = {{4, 3.0}, {3, 2.9}, {2, 2.9}, {1, 2.0}};
  std::vector<std::string> keys = {"d", "c", "b", "a"};
  proximity::rerank(db, {}, nullptr, {"heat", "conduction"}, p, 3, docs, keys);
  // 2 and 3 gain one unordered window each and tie, so the lower docid leads; 4 has none;
  // 1, past the depth, keeps its place and score although it holds both windows.
  ASSERT_EQ(docs.size(), 4u);
  EXPECT_EQ(docs[0].docid, 2u);
  EXPECT_NEAR(docs[0].score, 2.9 + unordered, 1e-12);
  EXPECT_EQ(docs[1].docid, 3u);
  EXPECT_NEAR(docs[1].score, 2.9 + unordered, 1e-12);
  EXPECT_EQ(docs[2].docid, 4u);
  EXPECT_DOUBLE_EQ(docs[2].score, 3.0);
  EXPECT_EQ(docs[3].docid, 1u);
  EXPECT_DOUBLE_EQ(docs[3].score, 2.0);
  EXPECT_EQ(keys, (std::vector<std::string>{"b", "c", "d", "a"}));

  // Deep enough, passage 1 gets both of its windows and leads.
  std::vector<ks::matcher::ScoredDoc> all = {{4, 3.0}, {3, 2.9}, {2, 2.9}, {1, 2.0}};
  std::vector<std::string> no_keys;
  proximity::rerank(db, {}, nullptr, {"heat", "conduction"}, p, 10, all, no_keys);
  EXPECT_EQ(all[0].docid, 1u);
  EXPECT_NEAR(all[0].score, 2.0 + ordered + unordered, 1e-12);
  EXPECT_TRUE(no_keys.empty());

  // No pair of words the index holds, or a weight of 0: nothing changes.
  for (const auto& [terms, scale] :
       std::vector<std::pair<std::vector<std::string>, double>>{{{"heat"}, 100},
                                                                {{"heat", "absent"}, 100},
                                                                {{"heat", "heat"}, 100},
                                                                {{"heat", "conduction"}, 0}}) {
    std::vector<ks::matcher::ScoredDoc> same = {{4, 3.0}, {1, 2.0}};
    proximity::Parameters q = p;
    q.scale = scale;
    proximity::rerank(db, {}, nullptr, terms, q, 10, same, no_keys);
    EXPECT_EQ(same[0].docid, 4u);
    EXPECT_DOUBLE_EQ(same[0].score, 3.0);
    EXPECT_DOUBLE_EQ(same[1].score, 2.0);
  }
}

}  // namespace
