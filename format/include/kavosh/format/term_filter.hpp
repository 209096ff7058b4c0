#pragma once
// TermFilter: a Bloom filter of every term one revision of an index holds, in the file
// term_filter_path(index) beside the database.
//
// Why: building a query looks up terms the index mostly does not hold (a word's title and
// section stems, its o/u vowel and Arabic-stemmer variants, a Persian pair written as one
// word), and the answer "absent" costs as much as "present": a B-tree descent, with a pread
// per block not on the cursor's path. On a 250 MB index a rare English word cost Kavosh 11
// preads per query against plain Xapian's 8, most of its latency gap (commit d2398d9). The
// filter answers most absent terms from memory; "maybe" still goes to the index, so results
// are exactly those without it.
//
// Trust: the indexer writes the filter at the end of every run, after its last commit, for
// the revision and UUID that commit leaves, and replaces the old file atomically. A reader
// uses it only when both match the database it has open; a run killed before writing it, an
// unfinished first run (shards, no single revision), a compaction or any later commit leaves
// a filter that is ignored until the next run writes a new one.
#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kavosh::index {

inline std::filesystem::path term_filter_path(const std::filesystem::path& database) {
  return database / "terms.bloom";
}

class TermFilter {
 public:
  // Every term of `db` (a single database, not a stub of shards), for its current revision.
  static TermFilter build(const Xapian::Database& db);
  // The filter of `file`, when it was built for `db`'s current revision and UUID and reads
  // whole; otherwise nothing (absent, stale, truncated or foreign files are not errors).
  static std::optional<TermFilter> read(const std::filesystem::path& file,
                                        const Xapian::Database& db);

  // Writes to a temporary file beside `file` and renames it over `file`.
  void write(const std::filesystem::path& file) const;

  // False only for a term the filter's revision does not hold.
  bool may_hold(std::string_view term) const;

  std::uint64_t terms() const { return terms_; }
  std::uint64_t bits() const { return bit_count_; }

 private:
  TermFilter() = default;
  std::uint64_t terms_ = 0;
  std::uint64_t bit_count_ = 0;
  unsigned probes_ = 0;
  Xapian::rev revision_ = 0;
  std::string uuid_;
  // The bit array: owned when built, or a read-only mapping of the file when read (the
  // searcher touches a few of its pages per query, so opening an index reads none of it).
  std::vector<std::uint8_t> owned_;
  std::shared_ptr<const void> mapping_;
  const std::uint8_t* mapped_bits_ = nullptr;  // into mapping_
  const std::uint8_t* bit_bytes() const { return mapping_ ? mapped_bits_ : owned_.data(); }
};

}  // namespace kavosh::index
