#include "kavosh/format/adjacent_pairs.hpp"

#include <algorithm>

namespace kavosh::index {

void AdjacentPairsBuilder::append_filter(std::string& out) {
  // Terms by position; a term added twice at one position counts once.
  std::sort(terms_.begin(), terms_.end());
  terms_.erase(std::unique(terms_.begin(), terms_.end()), terms_.end());
  keys_.clear();
  // Each position's terms with each of the next position's: a stacked compound shares its
  // first part's position.
  for (std::size_t at = 0; at < terms_.size();) {
    const std::uint32_t position = terms_[at].first;
    std::size_t next = at;
    while (next < terms_.size() && terms_[next].first == position) ++next;
    std::size_t end = next;
    while (end < terms_.size() && terms_[end].first == position + 1) ++end;
    for (std::size_t first = at; first < next; ++first)
      for (std::size_t second = next; second < end; ++second)
        keys_.push_back(adjacent_pair_key(terms_[first].second, terms_[second].second));
    at = next;
  }
  std::sort(keys_.begin(), keys_.end());
  keys_.erase(std::unique(keys_.begin(), keys_.end()), keys_.end());
  const std::size_t words = std::max<std::size_t>(1, (keys_.size() * kAdjacentPairBits + 63) / 64);
  const std::size_t first = out.size();
  out.append(words * 8, '\0');
  const std::uint64_t bits = std::uint64_t{words} * 64;
  for (const std::uint64_t key : keys_) {
    for (std::uint32_t probe = 0; probe < kAdjacentPairProbes; ++probe) {
      const std::uint64_t bit = adjacent_pair_bit(key, probe, bits);
      char& byte = out[first + bit / 8];
      byte = static_cast<char>(static_cast<unsigned char>(byte) | (1U << (bit % 8)));
    }
  }
}

}  // namespace kavosh::index
