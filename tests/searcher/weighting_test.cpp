// Kavosh's query-likelihood weight (weighting.hpp): the scores are the Dirichlet-smoothed
// formula's, a rare word weighs more than a common one where both stand alike (what Xapian
// 1.4's own LMWeight got backwards), and a score never goes below zero.
#include "weighting.hpp"

#include <gtest/gtest.h>
#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace ks = kavosh::search;

namespace {

// Each document: its terms with their wdfs, and filler up to `length` term occurrences.
struct Doc {
  std::map<std::string, Xapian::termcount> terms;
  Xapian::termcount length;
};

Xapian::WritableDatabase database(const std::vector<Doc>& docs) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  for (const auto& d : docs) {
    Xapian::Document doc;
    Xapian::termcount used = 0;
    for (const auto& [term, wdf] : d.terms) {
      doc.add_term(term, wdf);
      used += wdf;
    }
    if (d.length > used) doc.add_term("filler", d.length - used);
    db.add_document(doc);
  }
  db.commit();
  return db;
}

std::map<Xapian::docid, double> scores(const Xapian::Database& db, const Xapian::Query& query,
                                       double mu) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  const ks::DirichletLmWeight weight(mu);
  enquire.set_weighting_scheme(weight);
  std::map<Xapian::docid, double> out;
  const Xapian::MSet mset = enquire.get_mset(0, db.get_doccount());
  for (auto it = mset.begin(); it != mset.end(); ++it) out[*it] = it.get_weight();
  return out;
}

// log(1 + wdf / (mu p)) + log(mu / (len + mu)), floored at 0; p = cf / all occurrences.
double expected(double wdf, double len, double cf, double occurrences, double mu) {
  const double p = cf / occurrences;
  return std::max(0.0, std::log(1 + wdf / (mu * p)) + std::log(mu / (len + mu)));
}

TEST(DirichletLmWeight, ScoresAreTheSmoothedQueryLikelihood) {
  const auto db = database({{{{"rare", 2}, {"common", 3}}, 20},
                            {{{"common", 1}}, 10},
                            {{{"common", 4}}, 40},
                            {{{"rare", 1}, {"common", 1}}, 5}});
  const double occurrences = 20 + 10 + 40 + 5;
  const double mu = 10;
  const auto got = scores(
      db, Xapian::Query(Xapian::Query::OP_OR, Xapian::Query("rare"), Xapian::Query("common")), mu);
  const std::map<Xapian::docid, double> want = {
      {1, expected(2, 20, 3, occurrences, mu) + expected(3, 20, 9, occurrences, mu)},
      {2, expected(1, 10, 9, occurrences, mu)},
      {3, expected(4, 40, 9, occurrences, mu)},
      {4, expected(1, 5, 3, occurrences, mu) + expected(1, 5, 9, occurrences, mu)}};
  for (const auto& [docid, score] : want) {
    if (score == 0) {
      EXPECT_EQ(got.count(docid) ? got.at(docid) : 0.0, 0.0) << "docid " << docid;
      continue;
    }
    ASSERT_TRUE(got.count(docid)) << "docid " << docid;
    EXPECT_NEAR(got.at(docid), score, 1e-12 * score) << "docid " << docid;
  }
}

TEST(DirichletLmWeight, ARareWordWeighsMoreThanACommonOneInTheSameStanding) {
  // "rare" and "common" once each in documents of the same length; "common" fills others.
  std::vector<Doc> docs = {{{{"rare", 1}}, 8}, {{{"common", 1}}, 8}};
  for (int i = 0; i < 20; ++i) docs.push_back({{{"common", 2}}, 8});
  const auto db = database(docs);
  const auto got = scores(
      db, Xapian::Query(Xapian::Query::OP_OR, Xapian::Query("rare"), Xapian::Query("common")), 100);
  ASSERT_TRUE(got.count(1));
  EXPECT_GT(got.at(1), got.count(2) ? got.at(2) : 0.0);
  for (const auto& [docid, score] : got) EXPECT_GE(score, 0.0) << "docid " << docid;
}

TEST(DirichletLmWeight, RoundTripsThroughSerialisationAndRefusesANonPositiveMu) {
  const ks::DirichletLmWeight weight(250);
  std::unique_ptr<ks::DirichletLmWeight> copy(weight.unserialise(weight.serialise()));
  EXPECT_EQ(copy->serialise(), weight.serialise());
  EXPECT_EQ(copy->name(), weight.name());
  EXPECT_THROW(ks::DirichletLmWeight(0), std::invalid_argument);
  EXPECT_THROW(ks::DirichletLmWeight(-1), std::invalid_argument);
}

}  // namespace
