// The paired randomization test (significance.hpp).
#include "significance.hpp"

#include <cmath>
#include <random>

namespace kavosh::bench::harness {

double randomization_p_value(const std::vector<double>& differences, unsigned permutations,
                             std::uint64_t seed) {
  const std::size_t n = differences.size();
  if (n == 0) return 1;
  double observed = 0;
  for (const double d : differences) observed += d;
  observed = std::fabs(observed);
  if (observed == 0) return 1;
  // Sums are compared, not means (same n); the tolerance keeps an assignment whose sum equals
  // the observed one up to rounding counted as "at least as far".
  const double at_least = observed * (1 - 1e-12);
  if (n <= kExactRandomizationQueries) {
    const std::uint64_t assignments = std::uint64_t{1} << n;
    std::uint64_t hits = 0;
    for (std::uint64_t signs = 0; signs < assignments; ++signs) {
      double sum = 0;
      for (std::size_t i = 0; i < n; ++i)
        sum += (signs >> i & 1) ? -differences[i] : differences[i];
      if (std::fabs(sum) >= at_least) ++hits;
    }
    return static_cast<double>(hits) / static_cast<double>(assignments);
  }
  std::mt19937_64 random(seed);
  std::uint64_t hits = 0;
  for (unsigned p = 0; p < permutations; ++p) {
    double sum = 0;
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (i % 64 == 0) bits = random();
      sum += (bits >> (i % 64) & 1) ? -differences[i] : differences[i];
    }
    if (std::fabs(sum) >= at_least) ++hits;
  }
  return static_cast<double>(hits + 1) / static_cast<double>(permutations + 1);
}

}  // namespace kavosh::bench::harness
