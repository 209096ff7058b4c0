// TermFilter: see term_filter.hpp for why and when it is trusted.
#include "kavosh/format/term_filter.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "atomic_file.hpp"
#include "kavosh/format/schema.hpp"

namespace kavosh::index {
namespace {

// File layout, integers little-endian: magic, probes (u32), reserved (u32), terms (u64),
// bit count (u64), revision (u64), UUID length (u64), UUID, then the bits, bit i of the array
// being bit (i % 8) of byte i / 8.
constexpr std::array<char, 8> kTermFilterMagic = {'K', 'V', 'T', 'F', 'I', 'L', 'T', '1'};
constexpr std::size_t kFixedHeaderBytes = 8 + 4 + 4 + 8 + 8 + 8 + 8;
// 10 bits and 7 probes a term: about 1 % of absent terms answer "maybe".
constexpr std::uint64_t kBitsPerTerm = 10;
constexpr unsigned kProbes = 7;
// read() accepts only the probe count build() writes: a larger one (a flipped bit) makes a term
// the filter holds test bits it never set, and "absent" would hide documents; a huge one hung
// every search.
constexpr std::uint64_t kMinBits = 64;

std::uint64_t term_hash(std::string_view term) { return schema::mix64(schema::fnv1a_64(term)); }

// Probe i of a hash is bit (hash + i * step) % bit count: double hashing, with an odd step
// drawn from the hash again.
std::uint64_t probe_step(std::uint64_t hash) {
  return schema::mix64(hash ^ 0x9E3779B97F4A7C15ull) | 1;
}

void put_u64(std::string& out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

std::uint64_t get_u64(const std::uint8_t* in) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | in[i];
  return value;
}

}  // namespace

TermFilter TermFilter::build(const Xapian::Database& db) {
  std::vector<std::uint64_t> hashes;
  for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it)
    hashes.push_back(term_hash(*it));
  TermFilter filter;
  filter.terms_ = hashes.size();
  filter.bit_count_ = std::max<std::uint64_t>(kMinBits, (hashes.size() * kBitsPerTerm + 7) / 8 * 8);
  filter.probes_ = kProbes;
  filter.revision_ = db.get_revision();
  filter.uuid_ = db.get_uuid();
  filter.owned_.assign(filter.bit_count_ / 8, 0);
  for (std::uint64_t hash : hashes) {
    const std::uint64_t step = probe_step(hash);
    for (unsigned i = 0; i < filter.probes_; ++i) {
      const std::uint64_t bit = (hash + i * step) % filter.bit_count_;
      filter.owned_[bit / 8] |= static_cast<std::uint8_t>(1u << (bit % 8));
    }
  }
  return filter;
}

bool TermFilter::may_hold(std::string_view term) const {
  const std::uint64_t hash = term_hash(term);
  const std::uint64_t step = probe_step(hash);
  const std::uint8_t* bytes = bit_bytes();
  for (unsigned i = 0; i < probes_; ++i) {
    const std::uint64_t bit = (hash + i * step) % bit_count_;
    if (((bytes[bit / 8] >> (bit % 8)) & 1u) == 0) return false;
  }
  return true;
}

void TermFilter::write(const std::filesystem::path& file) const {
  std::string header(kTermFilterMagic.begin(), kTermFilterMagic.end());
  put_u64(header, probes_);  // probes (u32) and the reserved u32 after it
  put_u64(header, terms_);
  put_u64(header, bit_count_);
  put_u64(header, revision_);
  put_u64(header, uuid_.size());
  header += uuid_;
  write_file_atomically(
      file, {header, std::string_view(reinterpret_cast<const char*>(bit_bytes()), bit_count_ / 8)});
}

std::optional<TermFilter> TermFilter::read(const std::filesystem::path& file,
                                           const Xapian::Database& db) {
  Xapian::rev revision = 0;
  std::string uuid;
  try {
    revision = db.get_revision();  // throws for a stub of several shards: no single revision
    uuid = db.get_uuid();
  } catch (const Xapian::Error&) {
    return std::nullopt;
  }
  if (uuid.empty())
    return std::nullopt;  // a backend without UUIDs: the file cannot be matched to it
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat status {};
  const bool stat_ok =
      ::fstat(fd, &status) == 0 && status.st_size >= static_cast<off_t>(kFixedHeaderBytes);
  void* mapped = stat_ok ? ::mmap(nullptr, static_cast<std::size_t>(status.st_size), PROT_READ,
                                  MAP_SHARED, fd, 0)
                         : MAP_FAILED;
  ::close(fd);  // the mapping stays valid
  if (mapped == MAP_FAILED) return std::nullopt;
  const auto size = static_cast<std::size_t>(status.st_size);
  std::shared_ptr<const void> mapping(
      mapped, [size](const void* p) { ::munmap(const_cast<void*>(p), size); });

  const auto* in = static_cast<const std::uint8_t*>(mapped);
  if (std::memcmp(in, kTermFilterMagic.data(), kTermFilterMagic.size()) != 0) return std::nullopt;
  TermFilter filter;
  const std::uint64_t probes_and_reserved = get_u64(in + 8);
  filter.terms_ = get_u64(in + 16);
  filter.bit_count_ = get_u64(in + 24);
  filter.revision_ = static_cast<Xapian::rev>(get_u64(in + 32));
  const std::uint64_t uuid_bytes = get_u64(in + 40);
  if (probes_and_reserved != kProbes) return std::nullopt;
  filter.probes_ = static_cast<unsigned>(probes_and_reserved);
  if (uuid_bytes > kMaxUuidBytes || filter.bit_count_ < kMinBits || filter.bit_count_ % 8 != 0 ||
      filter.terms_ > filter.bit_count_)
    return std::nullopt;
  const std::size_t bits_offset = kFixedHeaderBytes + uuid_bytes;
  if (filter.bit_count_ / 8 > size || size != bits_offset + filter.bit_count_ / 8)
    return std::nullopt;
  filter.uuid_.assign(reinterpret_cast<const char*>(in + kFixedHeaderBytes), uuid_bytes);
  if (filter.revision_ != revision || filter.uuid_ != uuid) return std::nullopt;
  filter.mapping_ = std::move(mapping);
  filter.mapped_bits_ = in + bits_offset;
  return filter;
}

}  // namespace kavosh::index
