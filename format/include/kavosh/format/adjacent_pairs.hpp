#pragma once
// Adjacent-pair filters. For each document, a Bloom filter of the ordered pairs of terms that
// stand at neighbouring positions (a at p, b at p + 1, over every term the document holds
// positions of, whatever its prefix). An exact phrase holds in a document only where each pair
// of its neighbouring terms is in the document's filter, so the matcher turns down most phrase
// candidates with a few bit tests instead of reading Xapian's tables (on the 200 MB bench,
// before the filters, 90 % of the phrase class's candidates failed their check).
// A filter never rules out a pair the document holds; it lets an absent pair through with
// probability about (1 - e^(-kAdjacentPairProbes / kAdjacentPairBits))^kAdjacentPairProbes
// (0.15 %), and Xapian's positions then decide. A false pass costs a position check, two or
// three reads of Xapian's tables (8.5 us on the 1 GB bench):
// - 10 bits a pair, not 6 (format 1, 5.6 %): at 6 bits 47 % of the 1 GB phrase class's checks
//   were false passes (decision 0006);
// - 14 bits, not 10 (0.8 %, written until 2026-12-07): at 10 bits 122 of the class's 138 false
//   passes fell on 7 of its slowest phrases, whose words stand apart in thousands of passages
//   (`"باعث تغییر"` checked 45 candidates for 10 that held; 16 at 14 bits). The filters grow
//   by two fifths: 2.7 % of the 1 GB index.
// Seven bits are tested a pair at every density, so the filters written at 10 bits read as
// before: a filter's density is the writer's choice, not part of its format.
//
// The indexer stores each document's filter in value slot schema::kSlotAdjacentPairs, so
// Xapian keeps it with its document through replacement, deletion and compaction; match.data
// copies the filters into one array for the searcher (match_data.hpp). The value: one byte
// kAdjacentPairsFormat, then the filter, a multiple of 8 bytes (bit i of the filter is bit
// i % 8 of byte i / 8). A document without the value (indexed before filters existed) or with
// a format-1 filter has no filter: every pair may stand in it, until the index is rebuilt.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kavosh/format/schema.hpp"

namespace kavosh::index {

inline constexpr unsigned char kAdjacentPairsFormat = 2;
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

// The filter of a slot value; empty when the value is not a filter of this format (absent,
// written by an earlier or a later format, or damaged): every pair may then stand.
inline std::span<const unsigned char> adjacent_pairs_of_value(std::string_view value) {
  if (value.size() < 9 || static_cast<unsigned char>(value[0]) != kAdjacentPairsFormat ||
      (value.size() - 1) % 8 != 0)
    return {};
  return {reinterpret_cast<const unsigned char*>(value.data()) + 1, value.size() - 1};
}

// One document's filter, from its positional terms as the document adds them.
class AdjacentPairsBuilder {
 public:
  void clear() { terms_.clear(); }
  void add(std::uint32_t position, std::string_view term) {
    terms_.emplace_back(position, adjacent_term_key(term));
  }
  // The slot value of the terms added since clear().
  std::string value();

 private:
  std::vector<std::pair<std::uint32_t, std::uint64_t>> terms_;  // position, term key
  std::vector<std::uint64_t> keys_;                             // value()'s scratch
};

}  // namespace kavosh::index
