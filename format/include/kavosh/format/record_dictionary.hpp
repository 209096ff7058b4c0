#pragma once
// The per-index dictionary that stored passage records (stored_passage.hpp) are compressed
// with: zstd, trained (ZDICT_trainFromBuffer_fastCover) on the first record bodies a database gets,
// stored in the Xapian metadata of the database whose records use it, so that it commits in the
// same transaction as the first of them. Records name the dictionary by its id, a 32-bit checksum
// of its bytes, so dictionaries trained at different times (a first run's two shards, each
// shard of a sharded index) live side by side in one database and a reader keeps every one.
//
// Metadata (schema.hpp): kMetaRecordDictionaryPrefix + 8 hex digits of the id -> one byte
// kDictionaryZstd, then the dictionary as zstd's trainer wrote it; kMetaRecordDictionary
// -> the hex id of the one this database's new records use.
//
// Why zstd with a dictionary, and these sizes (bench/RESULTS.md, "Footprint"; record bodies
// of the two bench corpora, a throwaway driver): GCIDE's 126 235 bodies take 45.2 MB as
// today's LZ4 blocks, 34.8 MB as LZ4 with 64 KB of a trained dictionary (LZ4_loadDict,
// LZ4_decompress_safe_usingDict) and 25.7 MB as zstd (level 3) with 110 KB of it; the generated
// 200 MB corpus's 246 034 bodies 225.4, 180.1 and 124.4 MB. Inflating one costs (callgrind,
// GCIDE / generated) 1 680 / 4 500 instructions with LZ4, 2 800 / 6 600 with LZ4 and the
// dictionary, 9 400 / 18 500 with zstd and the digested dictionary (ZSTD_DDict). zstd costs 3
// times LZ4 with the dictionary to inflate, and makes the record store 26 % (GCIDE) and 31 %
// (generated) smaller than that one's; chosen for the index (the target), at this cost:
// a GCIDE search with ten snippets took 1.04 M instructions before, 1.12 M with these records
// (make_hits 255 000 -> 333 000), and reading and digesting the dictionaries once per revision
// 1.2 M. LZ4 with the dictionary would have cost about 17 000 more a search instead of 78 000,
// for an index 4 % (GCIDE) and 5 % (generated) smaller instead of 9 % and 10 %.
// Training on the first batch's bodies (1 to 4 MB): GCIDE's bodies came out 1.2 % larger with
// a 1 MB sample than with 4 MB, 0.7 % smaller with 8 MB; holding 4 MB a shard grew GCIDE's
// first batch so that the run peaked at 351 MB instead of 236 MB. Training with fixed segments
// (record_dictionary.cpp) takes about 20 ms a MB; zstd's parameter search took ten times that.
#include <xapian.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kavosh::index {

// Record bodies a dictionary is trained on: a batch's, held back until it ends or holds
// kDictionaryTrainingBytes, with those of smaller batches before it, once they make at least
// kDictionaryMinTrainingBytes: below that the dictionary (up to kDictionaryBytes stored) would
// cost about what it saves.
inline constexpr std::size_t kDictionaryTrainingBytes = 4u << 20;
inline constexpr std::size_t kDictionaryMinTrainingBytes = 1u << 20;
inline constexpr std::size_t kDictionaryBytes = 110u << 10;
// The first byte of a stored dictionary: what follows is a zstd dictionary.
inline constexpr unsigned char kDictionaryZstd = 1;
// zstd level the records are compressed at: level 6 made GCIDE's bodies 1.5 % smaller than 3
// for about the same time; 12 made them 6.5 % smaller for 4 times the compression time.
inline constexpr int kRecordZstdLevel = 3;

// A dictionary to compress records with (the writer's side).
class RecordDictionary {
 public:
  // Trained on `bodies` (record bodies, as they come); none when they hold fewer than
  // kDictionaryMinTrainingBytes or zstd cannot train on them.
  static std::optional<RecordDictionary> train(const std::vector<std::string_view>& bodies);
  // From its stored form; throws CorruptStoredPassage when it fails its checks.
  static RecordDictionary from_stored(std::uint32_t id, std::string_view stored);

  std::uint32_t id() const;
  const std::string& stored() const;  // the metadata value
  // The zstd frame of `body`, with no checksum, content size or dictionary id in it (the record
  // holds them) and without its 4-byte magic number; empty when zstd fails.
  std::string compress(std::string_view body) const;

 private:
  struct State;
  explicit RecordDictionary(std::shared_ptr<const State> state) : state_(std::move(state)) {}
  std::shared_ptr<const State> state_;  // shared by copies and by the threads compressing
};

// The dictionaries records may name (the reader's side), each digested once.
class RecordDictionaries {
 public:
  RecordDictionaries();
  ~RecordDictionaries();
  RecordDictionaries(RecordDictionaries&&) noexcept;
  RecordDictionaries& operator=(RecordDictionaries&&) noexcept;

  // Every dictionary in `db`'s metadata (a single database: Xapian reads a combined one's
  // metadata from its first database only, so callers add each database of a set). Throws
  // CorruptStoredPassage for one that fails its checks, naming its metadata key.
  void add_from(const Xapian::Database& db);
  // Throws CorruptStoredPassage when the bytes fail their checks, or another dictionary has
  // the same id.
  void add(std::uint32_t id, std::string_view stored);
  bool empty() const;
  std::size_t size() const;

  bool knows(std::uint32_t id) const;
  // Inflates `frame` (as RecordDictionary::compress wrote it with dictionary `id`) into
  // `out`, which has the body's size; false when the dictionary is unknown or the frame is
  // corrupt or inflates to another size.
  bool decompress(std::uint32_t id, std::string_view frame, std::string& out) const;

 private:
  struct Decoder;
  std::map<std::uint32_t, std::unique_ptr<Decoder>> decoders_;
};

// The dictionary `db`'s new records use (kMetaRecordDictionary), if it names one; throws
// CorruptStoredPassage when the named one is missing or fails its checks.
std::optional<RecordDictionary> current_record_dictionary(const Xapian::Database& db);
// Stores `dictionary` in `db` as the one its new records use (inside the caller's transaction).
void store_record_dictionary(Xapian::WritableDatabase& db, const RecordDictionary& dictionary);

// 8 lowercase hex digits, as metadata keys and messages name a dictionary.
std::string dictionary_id_hex(std::uint32_t id);

}  // namespace kavosh::index
