// The paired randomization test on samples whose p-values can be counted by hand.
#include "significance.hpp"

#include <gtest/gtest.h>

namespace harness = kavosh::bench::harness;

namespace {

TEST(Randomization, ExactOnSmallSamples) {
  // Five equal gains: of the 32 sign assignments only all-plus and all-minus reach |sum| 5.
  EXPECT_DOUBLE_EQ(harness::randomization_p_value({1, 1, 1, 1, 1}, 0, 1), 2.0 / 32);
  // {3, 1}: sums 4, 2, -2, -4; two of four reach |4|.
  EXPECT_DOUBLE_EQ(harness::randomization_p_value({3, 1}, 0, 1), 0.5);
  // {2, -1, -1}: observed 0 -> no evidence at all.
  EXPECT_DOUBLE_EQ(harness::randomization_p_value({2, -1, -1}, 0, 1), 1.0);
  // A zero difference cannot change sign: {0, 1} has sums 1, -1, 1, -1: p = 1.
  EXPECT_DOUBLE_EQ(harness::randomization_p_value({0, 1}, 0, 1), 1.0);
  EXPECT_DOUBLE_EQ(harness::randomization_p_value({}, 0, 1), 1.0);
}

TEST(Randomization, SampledOnLargeSamplesIsReproducibleAndNearTheExactValue) {
  // 20 equal gains: exact p = 2 / 2^20, so nearly no random assignment reaches it and the
  // estimate is its floor 1 / (permutations + 1).
  const std::vector<double> gains(20, 0.1);
  EXPECT_DOUBLE_EQ(harness::randomization_p_value(gains, 999, 7), 1.0 / 1000);
  // 17 alternating +1/-1 and one +1 more: sum 2 against a spread of about sqrt(18): most
  // assignments reach |2| (exact p = 1 - P(|S| = 0) = 1 - C(18, 9) / 2^18 ~ 0.815... for
  // |S| >= 2 with S even).
  std::vector<double> mixed;
  for (int i = 0; i < 17; ++i) mixed.push_back(i % 2 ? -1.0 : 1.0);
  mixed.push_back(1.0);
  const double p = harness::randomization_p_value(mixed, 20000, 3);
  EXPECT_NEAR(p, 1 - 48620.0 / 262144, 0.01);
  EXPECT_DOUBLE_EQ(p, harness::randomization_p_value(mixed, 20000, 3));
}

}  // namespace
