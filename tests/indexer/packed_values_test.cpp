// The unpackers of match.data's bit-packed blocks (format/src/packed_values.hpp): at every width
// the scalar and, where the processor has it, the AVX2 unpacker give exactly the values that
// were packed, the docids their gaps sum to, and stop after the first docid reaching a target,
// from any place in a block.
#include "packed_values.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace kavosh::index::packed {
namespace {

// `values` packed `width` bits each from the least significant bit up, then the 8 zero bytes
// that end a section of blocks.
std::vector<unsigned char> pack(const std::vector<std::uint32_t>& values, std::uint32_t width) {
  std::vector<unsigned char> out((values.size() * width + 7) / 8 + 8, 0);
  std::uint64_t bit = 0;
  for (const std::uint32_t value : values)
    for (std::uint32_t i = 0; i < width; ++i, ++bit)
      if ((value >> i) & 1u)
        out[bit / 8] = static_cast<unsigned char>(out[bit / 8] | (1u << (bit % 8)));
  return out;
}

// Random values of `width` bits, the largest among them where the width allows.
std::vector<std::uint32_t> random_values(std::mt19937& random, std::uint32_t count,
                                         std::uint32_t width) {
  const std::uint64_t top = width == 0 ? 0 : (std::uint64_t{1} << width) - 1;
  std::uniform_int_distribution<std::uint64_t> value(0, top);
  std::vector<std::uint32_t> values(count);
  for (auto& v : values) v = static_cast<std::uint32_t>(value(random));
  if (count > 0) values[count / 2] = static_cast<std::uint32_t>(top);
  return values;
}

struct Unpackers {
  const char* name;
  GapUnpackers gaps;
  GapUnpackers gaps_to_target;
  ValueUnpackers values;
};

std::vector<Unpackers> every_unpacker() {
  std::vector<Unpackers> all{
      {"scalar", gap_unpackers<false>(false), gap_unpackers<true>(false), value_unpackers(false)}};
  if (have_avx2())
    all.push_back(
        {"avx2", gap_unpackers<false>(true), gap_unpackers<true>(true), value_unpackers(true)});
  return all;
}

TEST(PackedValues, EveryWidthUnpacksToWhatWasPacked) {
  std::mt19937 random(7);
  for (const Unpackers& unpackers : every_unpacker()) {
    for (std::uint32_t width = 0; width <= kMaxBitWidth; ++width) {
      // Full blocks, a short last one, and counts around a group of eight.
      for (const std::uint32_t count : {128u, 127u, 1u, 7u, 8u, 9u, 16u, 61u}) {
        const std::vector<std::uint32_t> values = random_values(random, count, width);
        const std::vector<unsigned char> packed = pack(values, width);
        std::vector<std::uint32_t> out(count, 0xdeadbeef);
        unpackers.values[width](packed.data(), count, out.data());
        ASSERT_EQ(out, values) << unpackers.name << " width " << width << " count " << count;
      }
    }
  }
}

TEST(PackedValues, GapsSumToDocidsFromAnyPlaceAndStopAtTheirTarget) {
  std::mt19937 random(11);
  for (const Unpackers& unpackers : every_unpacker()) {
    for (std::uint32_t width = 0; width <= kMaxBitWidth; ++width) {
      for (const std::uint32_t count : {128u, 100u, 13u}) {
        // At the widest widths the sums wrap, as unsigned docids would (the writer never packs
        // such a block); the rules below hold all the same.
        const std::vector<std::uint32_t> gaps = random_values(random, count, width);
        const std::vector<unsigned char> packed = pack(gaps, width);
        const std::uint32_t before = 1000;
        std::vector<std::uint32_t> expected(count);
        std::uint32_t docid = before;
        for (std::uint32_t i = 0; i < count; ++i) expected[i] = docid += gaps[i] + 1;
        const std::string what = std::string(unpackers.name) + " width " + std::to_string(width) +
                                 " count " + std::to_string(count);

        std::vector<std::uint32_t> docids(count, 0);
        ASSERT_EQ(unpackers.gaps[width](packed.data(), 0, count, before, 0, docids.data()), count)
            << what;
        ASSERT_EQ(docids, expected) << what;

        // Resumed from every place, as a cursor resumes: the docids from there on are the same.
        for (std::uint32_t from = 1; from < count; from += 3) {
          std::vector<std::uint32_t> resumed(count, 0);
          ASSERT_EQ(unpackers.gaps[width](packed.data(), from, count, expected[from - 1], 0,
                                          resumed.data()),
                    count)
              << what << " from " << from;
          for (std::uint32_t i = from; i < count; ++i)
            ASSERT_EQ(resumed[i], expected[i]) << what << " from " << from << " at " << i;
        }

        // To a target (one a docid equals, one just below it, one beyond the block): decoded
        // from any place through the first docid at least the target, and the count returned
        // is how many are decoded then.
        for (std::uint32_t from = 0; from < count; from += 5) {
          for (std::uint32_t at = from; at < count; at += 3) {
            for (const std::uint32_t target :
                 {expected[at], expected[at] - 1, expected[count - 1] + 1}) {
              std::vector<std::uint32_t> decoded(count, 0);
              const std::uint32_t start = from == 0 ? before : expected[from - 1];
              const std::uint32_t reached = unpackers.gaps_to_target[width](
                  packed.data(), from, count, start, target, decoded.data());
              std::uint32_t first = from;
              while (first < count && expected[first] < target) ++first;
              ASSERT_EQ(reached, std::min(count, first + 1))
                  << what << " from " << from << " target " << target;
              for (std::uint32_t i = from; i < reached; ++i)
                ASSERT_EQ(decoded[i], expected[i]) << what << " from " << from << " at " << i;
            }
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace kavosh::index::packed
