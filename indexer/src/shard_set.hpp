#pragma once
// Internal to the indexer library: the databases a run writes into, and the only place that
// knows how Xapian lays them out on disk. A first run (an empty database) writes into
// schema::kShardCount shard databases inside the index directory, named by a Xapian stub
// file, and merges them at the end; a sharded index (kavosh-index --shards N) keeps its N
// shards, named by the same stub, and every run writes them; any other run writes the
// directory's own database.
#include <xapian.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "bounded_queue.hpp"
#include "kavosh/format/record_dictionary.hpp"
#include "kavosh/index/document.hpp"
#include "kavosh/index/writer.hpp"
#include "spelling_store.hpp"

namespace kavosh::index {

// How a first run routes article ids to its shards (ShardSet::routed), kept in the shards'
// kMetaShardRouting.
inline constexpr std::string_view kShardRouting = "numbered-blocks-64";

// One database the run writes passages into: the index directory's own, or one shard of a
// first run (schema::shard_path). Only one thread at a time writes a shard.
struct Shard {
  // As the shard set opened it.
  std::filesystem::path path;
  Xapian::WritableDatabase db;
  std::uint64_t article_count = 0;  // articles in this database (metadata kMetaArticleCount)
  bool started_empty = false;       // the database had no documents when opened

  // The writer's: this shard's share of the run, its transaction and current batch.
  WriterStats stats;
  bool in_transaction = false;
  std::unordered_set<std::uint64_t> seen_articles;  // id hashes added in this run (started_empty)
  unsigned batch_passages = 0;
  std::uint64_t batch_bytes = 0;
  unsigned batch_limit = 0;  // passages that end the current batch (options or automatic)
  SpellingStore::PassageWords batch_spelling;  // this batch's words per passage
  // The record dictionary this shard's new records are compressed with (record_dictionary.hpp):
  // its own, or none yet. Until it has one, the passages of a batch go in without their
  // stored record, whose bodies wait here (by docid) until the batch ends; then the dictionary
  // is trained on them and on the samples earlier batches kept, if they are enough, and every
  // waiting passage gets its record in the batch's commit (with the new dictionary, or LZ4).
  std::shared_ptr<const RecordDictionary> record_dictionary;
  std::map<Xapian::docid, std::string> held_records;
  std::uint64_t held_record_bytes = 0;
  std::vector<std::string> training_samples;  // bodies of earlier batches, too few to train on
  std::uint64_t training_sample_bytes = 0;

  // With a thread of its own (a first run): the articles waiting for it, and `stats` as of
  // its last write, which stats() reads under the writer's lock.
  static constexpr std::size_t kQueuedArticles = 4096;
  BoundedQueue<Article> queue{kQueuedArticles, kMaxTextBytesInFlight};
  WriterStats snapshot;
};

// Write locks on the databases of an index directory: each of `shards` (the databases its stub
// names; one already removed is skipped), or, with none, the directory's own database. Throws
// DatabaseLocked when another indexer holds one, and Xapian's error when one cannot be opened.
std::vector<Xapian::WritableDatabase> lock_databases(
    const std::filesystem::path& directory, const std::vector<std::filesystem::path>& shards);

class ShardSet {
 public:
  explicit ShardSet(std::filesystem::path directory) : directory_(std::move(directory)) {}

  // Opens what the directory holds: a sharded index's shards (`index_shard_count` must be 0
  // or their number, unless `rebuild`, which replaces them); shards a killed first run left;
  // else its database. An empty database (or `rebuild`) is replaced by `index_shard_count`
  // shards kept apart when that is above 1, else by `first_run_shards` shards to merge when
  // that is above 1.
  void open(bool rebuild, unsigned first_run_shards, unsigned index_shard_count);
  // Compacts the committed shards, whose threads have stopped, into the directory's database,
  // then the only one the set holds; their stats are summed into it.
  void merge();

  bool sharded() const { return shards_.size() > 1; }
  bool kept() const { return kept_; }                  // a sharded index: never merged
  bool merges() const { return sharded() && !kept_; }  // a first run's shards
  Shard& routed(std::string_view article_id);          // the shard an article's id routes to
  Shard& front() { return *shards_.front(); }
  const std::vector<std::unique_ptr<Shard>>& shards() const { return shards_; }
  std::uint64_t bytes_on_disk() const;  // of the shards

 private:
  std::unique_ptr<Shard> open_shard(const std::filesystem::path& path, int mode) const;
  void open_shards(unsigned count, bool overwrite);
  void replace_by_shards(unsigned count);
  void remove_leftovers() const;
  void remove_index_shards(const std::vector<std::filesystem::path>& shards) const;

  std::filesystem::path directory_;
  bool kept_ = false;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace kavosh::index
