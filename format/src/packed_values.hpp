#pragma once
// Unpacking the bit-packed docid gaps and wdfs of match.data's blocks (match_data.cpp): values
// `Width` bits each from the least significant bit up, widths 0 to kMaxBitWidth. Every width has
// its own function, so the compiler turns shifts and masks into constants; a block's width picks
// one from a table (GapUnpackers, ValueUnpackers).
//
// Eight values fill `Width` bytes, so a group of eight that starts on a multiple of eight starts
// on a byte. Where the processor has AVX2, a group of widths 1 to 16 is unpacked at once: its
// bytes loaded into both halves of a register, each value's bytes moved into its 32-bit lane by
// one shuffle, shifted by its lane's own count and masked (about six instructions for eight
// values where the scalar loop takes a load, a shift and a mask a value); docids are then their
// gaps' running sum, eight at a time. Both are exactly the same function of the bytes, and
// neither reads more than 7 bytes past the values it unpacks (a section of packed blocks ends
// with 8 zero bytes for them).
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace kavosh::index::packed {

inline constexpr std::uint32_t kMaxBitWidth = 32;

template <std::uint32_t Width>
struct PackedValues {
  static constexpr std::uint64_t kMask = (std::uint64_t{1} << Width) - 1;
  static std::uint32_t at(const unsigned char* in, std::uint32_t i) {
    const std::uint64_t bit = std::uint64_t{i} * Width;
    std::uint64_t word;
    std::memcpy(&word, in + bit / 8, 8);
    return static_cast<std::uint32_t>((word >> (bit % 8)) & kMask);
  }
  // Value `J` of the group of eight whose bits start at `group`.
  template <std::uint32_t J>
  static std::uint32_t in_group(const unsigned char* group) {
    std::uint64_t word;
    std::memcpy(&word, group + J * Width / 8, 8);
    return static_cast<std::uint32_t>((word >> (J * Width % 8)) & kMask);
  }
  // Calls take(value) for values `i` onwards while it returns false, eight at a time where the
  // groups allow; returns the index after the value for which it returned true, or `count`.
  template <typename Take>
  static std::uint32_t each(const unsigned char* in, std::uint32_t i, std::uint32_t count,
                            Take&& take) {
    for (; i < count && i % 8 != 0; ++i)
      if (take(at(in, i))) return i + 1;
    for (; i + 8 <= count; i += 8) {
      const unsigned char* group = in + std::size_t{i} / 8 * Width;
      std::uint32_t taken = 0;
      const auto take_group = [&]<std::uint32_t... J>(std::integer_sequence<std::uint32_t, J...>) {
        return ((++taken, take(in_group<J>(group))) || ...);
      };
      if (take_group(std::make_integer_sequence<std::uint32_t, 8>{})) return i + taken;
    }
    for (; i < count; ++i)
      if (take(at(in, i))) return i + 1;
    return count;
  }
};

// Docids `from` to `count` of a block from its packed gaps, each one more than the docid before
// it plus its gap, the first counting from `previous`; with a `target`, stops after the first
// docid at least that. Returns how many of the block's docids are then decoded.
template <std::uint32_t Width, bool ToTarget>
std::uint32_t unpack_gaps_scalar(const unsigned char* in, std::uint32_t from, std::uint32_t count,
                                 std::uint32_t previous, std::uint32_t target,
                                 std::uint32_t* docids) {
  std::uint32_t* out = docids + from;
  return PackedValues<Width>::each(in, from, count, [&](std::uint32_t gap) {
    previous += gap + 1;
    *out++ = previous;
    return ToTarget && previous >= target;
  });
}

// The first `count` values packed from `in`, into `values`.
template <std::uint32_t Width>
void unpack_values_scalar(const unsigned char* in, std::uint32_t count, std::uint32_t* values) {
  PackedValues<Width>::each(in, 0, count, [&](std::uint32_t value) {
    *values++ = value;
    return false;
  });
}

#if defined(__x86_64__)
inline constexpr std::uint32_t kMaxGroupWidth = 16;

// For each 32-bit lane j of a group: the shuffle that puts the four bytes from value j's first
// one (j * Width / 8) into the lane (-128, a zero, for bytes beyond the load), and the shift that
// then brings the value down. Both halves of the register hold the same loaded bytes, so lanes
// 4 to 7 index them as lanes 0 to 3 do.
template <std::uint32_t Width>
struct GroupLayout {
  static constexpr std::uint32_t kLoadBytes = Width <= 8 ? 8 : 16;
  static constexpr std::array<std::int8_t, 32> shuffle = [] {
    std::array<std::int8_t, 32> bytes{};
    for (std::uint32_t lane = 0; lane < 8; ++lane)
      for (std::uint32_t byte = 0; byte < 4; ++byte) {
        const std::uint32_t source = lane * Width / 8 + byte;
        bytes[lane * 4 + byte] = source < kLoadBytes ? static_cast<std::int8_t>(source) : -128;
      }
    return bytes;
  }();
  static constexpr std::array<std::uint32_t, 8> shifts = [] {
    std::array<std::uint32_t, 8> counts{};
    for (std::uint32_t lane = 0; lane < 8; ++lane) counts[lane] = lane * Width % 8;
    return counts;
  }();
};

// The eight values of the group whose bytes start at `group`. Width <= 8 loads 8 bytes, a wider
// one 16: at most 7 bytes past the group's own `Width`.
template <std::uint32_t Width>
__attribute__((target("avx2"))) inline __m256i unpack_group_avx2(const unsigned char* group) {
  static_assert(Width >= 1 && Width <= kMaxGroupWidth);
  using Layout = GroupLayout<Width>;
  __m128i bytes;
  if constexpr (Layout::kLoadBytes == 8)
    bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(group));
  else
    bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(group));
  const __m256i words = _mm256_shuffle_epi8(
      _mm256_broadcastsi128_si256(bytes),
      _mm256_loadu_si256(reinterpret_cast<const __m256i*>(Layout::shuffle.data())));
  const __m256i shifted = _mm256_srlv_epi32(
      words, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(Layout::shifts.data())));
  return _mm256_and_si256(shifted, _mm256_set1_epi32(static_cast<int>((1u << Width) - 1)));
}

// unpack_gaps_scalar, whole groups eight at a time.
template <std::uint32_t Width, bool ToTarget>
__attribute__((target("avx2"))) std::uint32_t unpack_gaps_avx2(
    const unsigned char* in, std::uint32_t from, std::uint32_t count, std::uint32_t previous,
    std::uint32_t target, std::uint32_t* docids) {
  // One docid at a time, before the first whole group and after the last; true where the
  // decoding stops there.
  const auto one = [&](std::uint32_t i) {
    previous += PackedValues<Width>::at(in, i) + 1;
    docids[i] = previous;
    return ToTarget && previous >= target;
  };
  std::uint32_t i = from;
  for (; i < count && i % 8 != 0; ++i)
    if (one(i)) return i + 1;
  if (i + 8 <= count) {
    const __m256i ones = _mm256_set1_epi32(1);
    const __m256i lane3 = _mm256_set1_epi32(3);
    const __m256i lane7 = _mm256_set1_epi32(7);
    const __m256i wanted = _mm256_set1_epi32(static_cast<int>(target));
    __m256i before = _mm256_set1_epi32(static_cast<int>(previous));
    for (; i + 8 <= count; i += 8) {
      // Running sums of gap + 1 within each half, then the low half's total added to the high
      // half, then the docid before the group to all.
      __m256i sums =
          _mm256_add_epi32(unpack_group_avx2<Width>(in + std::size_t{i} / 8 * Width), ones);
      sums = _mm256_add_epi32(sums, _mm256_slli_si256(sums, 4));
      sums = _mm256_add_epi32(sums, _mm256_slli_si256(sums, 8));
      const __m256i low_total = _mm256_blend_epi32(_mm256_setzero_si256(),
                                                   _mm256_permutevar8x32_epi32(sums, lane3), 0xF0);
      const __m256i group = _mm256_add_epi32(_mm256_add_epi32(sums, low_total), before);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(docids + i), group);
      before = _mm256_permutevar8x32_epi32(group, lane7);
      if constexpr (ToTarget) {
        // Lanes whose docid is at least the target (unsigned: docids use all 32 bits).
        const __m256i reached = _mm256_cmpeq_epi32(_mm256_max_epu32(group, wanted), group);
        const auto lanes =
            static_cast<std::uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(reached)));
        if (lanes != 0) return i + static_cast<std::uint32_t>(std::countr_zero(lanes)) + 1;
      }
    }
    previous = static_cast<std::uint32_t>(_mm256_cvtsi256_si32(before));
  }
  for (; i < count; ++i)
    if (one(i)) return i + 1;
  return count;
}

// unpack_values_scalar, whole groups eight at a time.
template <std::uint32_t Width>
__attribute__((target("avx2"))) void unpack_values_avx2(const unsigned char* in,
                                                        std::uint32_t count,
                                                        std::uint32_t* values) {
  std::uint32_t i = 0;
  for (; i + 8 <= count; i += 8)
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(values + i),
                        unpack_group_avx2<Width>(in + std::size_t{i} / 8 * Width));
  for (; i < count; ++i) values[i] = PackedValues<Width>::at(in, i);
}

inline bool have_avx2() {
  __builtin_cpu_init();  // may run before constructors: the tables below are built then
  return __builtin_cpu_supports("avx2");
}
#else
inline constexpr std::uint32_t kMaxGroupWidth = 0;
inline bool have_avx2() { return false; }
#endif

using GapUnpacker = std::uint32_t (*)(const unsigned char*, std::uint32_t, std::uint32_t,
                                      std::uint32_t, std::uint32_t, std::uint32_t*);
using ValueUnpacker = void (*)(const unsigned char*, std::uint32_t, std::uint32_t*);
using GapUnpackers = std::array<GapUnpacker, kMaxBitWidth + 1>;
using ValueUnpackers = std::array<ValueUnpacker, kMaxBitWidth + 1>;

// A table by width of what pick(std::integral_constant<std::uint32_t, Width>) gives.
template <typename Unpacker, typename Pick>
std::array<Unpacker, kMaxBitWidth + 1> by_width(Pick&& pick) {
  return [&]<std::uint32_t... Widths>(std::integer_sequence<std::uint32_t, Widths...>) {
    return std::array<Unpacker, kMaxBitWidth + 1>{
        pick(std::integral_constant<std::uint32_t, Widths>{})...};
  }
  (std::make_integer_sequence<std::uint32_t, kMaxBitWidth + 1>{});
}

// The unpackers by width: with `avx2`, the AVX2 ones for widths 1 to kMaxGroupWidth.
template <bool ToTarget>
GapUnpackers gap_unpackers(bool avx2) {
  return by_width<GapUnpacker>([avx2](auto width) -> GapUnpacker {
    constexpr std::uint32_t Width = decltype(width)::value;
#if defined(__x86_64__)
    if constexpr (Width >= 1 && Width <= kMaxGroupWidth)
      if (avx2) return &unpack_gaps_avx2<Width, ToTarget>;
#endif
    (void)avx2;
    return &unpack_gaps_scalar<Width, ToTarget>;
  });
}

inline ValueUnpackers value_unpackers(bool avx2) {
  return by_width<ValueUnpacker>([avx2](auto width) -> ValueUnpacker {
    constexpr std::uint32_t Width = decltype(width)::value;
#if defined(__x86_64__)
    if constexpr (Width >= 1 && Width <= kMaxGroupWidth)
      if (avx2) return &unpack_values_avx2<Width>;
#endif
    (void)avx2;
    return &unpack_values_scalar<Width>;
  });
}

}  // namespace kavosh::index::packed
