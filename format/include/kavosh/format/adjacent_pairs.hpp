#pragma once
// Adjacent-pair filters. For each document, a Bloom filter of the ordered pairs of body terms
// (unprefixed: schema::is_body_term) that stand at neighbouring positions (a at p, b at p + 1,
// stacked compounds at their first part's position). An exact phrase of body terms holds in a
// document only where each pair of its neighbouring terms is in the document's filter, so the
// matcher turns down most phrase candidates with a few bit tests before any check of the
// phrase itself (on the 200 MB bench, before the filters, 90 % of the phrase class's
// candidates failed their check). A filter costs one cache line where the document's token
// sequence (match_data.hpp) costs several and a scan: tested in the filters' place, the
// sequences made the 1 GB phrase class's p50 3.8 times slower (decision 0007).
// A filter never rules out a pair the document holds; it lets an absent pair through with
// probability about (1 - e^(-kAdjacentPairProbes / kAdjacentPairBits))^kAdjacentPairProbes
// (0.15 %), and the phrase check then decides:
// - 10 bits a pair, not 6 (5.6 %): at 6 bits 47 % of the 1 GB phrase class's checks were false
//   passes (decision 0006);
// - 14 bits, not 10 (0.8 %): at 10 bits 122 of the class's 138 false passes fell on 7 of its
//   slowest phrases, whose words stand apart in thousands of passages (`"باعث تغییر"` checked
//   45 candidates for 10 that held; 16 at 14 bits).
// Seven bits are tested a pair at every density: a filter's density is the writer's choice,
// not part of its format.
//
// match.data builds every document's filter from its token sequence when it is written
// (match_data.hpp), so a filter is only as old as the file. (Until 2026-12-07 the indexer also
// kept each filter in value slot 5 of its document: 231 MB of the 1 GB bench index, read only
// to be copied. An index written before holds those values until it is rebuilt; nothing reads
// them. match.data files written then hold filters of every positional term, prefixed ones
// too, under the same keys: still true for body phrases.) Bit i of a filter is bit i % 8 of
// byte i / 8; a filter is a multiple of 8 bytes; an empty one (a document without a sequence)
// lets every pair through.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kavosh/format/schema.hpp"

namespace kavosh::index {

// Filter bits per distinct pair the writer gives, and bits tested per pair.
inline constexpr std::uint32_t kAdjacentPairBits = 14;
inline constexpr std::uint32_t kAdjacentPairProbes = 7;

// What a term contributes to its pairs' keys: its FNV-1a 64.
constexpr std::uint64_t adjacent_term_key(std::string_view term) { return schema::fnv1a_64(term); }

// The key of the pair (first at p, second at p + 1), from their adjacent_term_key()s; stored in
// the index through the filters, so stable across platforms and releases.
constexpr std::uint64_t adjacent_pair_key(std::uint64_t first, std::uint64_t second) {
  return schema::mix64(first * 0x9e3779b97f4a7c15ull + second);
}

// The filter bit that probe `probe` of `key` tests in a filter of `bits` bits.
constexpr std::uint64_t adjacent_pair_bit(std::uint64_t key, std::uint32_t probe,
                                          std::uint64_t bits) {
  const auto low = static_cast<std::uint32_t>(key);
  const auto step = static_cast<std::uint32_t>(key >> 32) | 1U;
  const std::uint32_t mixed = low + probe * step;
  return (std::uint64_t{mixed} * bits) >> 32;
}

// Whether the pair with key `key` may stand in the document whose filter is `filter`; an empty
// filter (none) lets every pair through.
inline bool adjacent_pair_may_hold(std::span<const unsigned char> filter, std::uint64_t key) {
  if (filter.empty()) return true;
  const std::uint64_t bits = std::uint64_t{filter.size()} * 8;
  for (std::uint32_t probe = 0; probe < kAdjacentPairProbes; ++probe) {
    const std::uint64_t bit = adjacent_pair_bit(key, probe, bits);
    if (!(filter[bit / 8] & (1U << (bit % 8)))) return false;
  }
  return true;
}

// One document's filter, from its body terms' keys (adjacent_term_key) at their positions.
class AdjacentPairsBuilder {
 public:
  void clear() { terms_.clear(); }
  void add(std::uint32_t position, std::uint64_t term_key) {
    terms_.emplace_back(position, term_key);
  }
  // Appends the filter of the terms added since clear() to `out`: at least 8 bytes, all zero
  // where no two terms neighbour each other.
  void append_filter(std::string& out);

 private:
  std::vector<std::pair<std::uint32_t, std::uint64_t>> terms_;  // position, term key
  std::vector<std::uint64_t> keys_;                             // append_filter()'s scratch
};

}  // namespace kavosh::index
