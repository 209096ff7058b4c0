#pragma once
// Paired significance test of two systems over the same queries: the two-sided
// randomization (permutation) test of the mean per-query difference, as Smucker, Allan and
// Carterette recommend for IR evaluation. Under the null hypothesis each query's two scores
// are exchangeable, so each difference keeps or flips its sign at random; the p-value is the
// share of sign assignments whose mean is at least as far from 0 as the observed one.
#include <cstdint>
#include <vector>

namespace kavosh::bench::harness {

// Exact over all 2^n assignments when n <= kExactRandomizationQueries, else `permutations`
// random ones (seeded, so reproducible) with the observed assignment counted once:
// p = (hits + 1) / (permutations + 1). Differences of exactly 0 cannot change sign and are
// kept. An empty or all-zero sample gives p = 1.
inline constexpr std::size_t kExactRandomizationQueries = 16;
double randomization_p_value(const std::vector<double>& differences, unsigned permutations,
                             std::uint64_t seed);

}  // namespace kavosh::bench::harness
