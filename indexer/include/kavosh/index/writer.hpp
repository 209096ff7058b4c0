#pragma once
// IndexWriter: Articles -> passage documents in a Xapian database. All terms come from the
// analyzer; the layout follows schema.hpp. Re-adding an article replaces its passages.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/format/schema.hpp"
#include "kavosh/index/document.hpp"

namespace kavosh::index {

// Another writer holds the database's lock.
class DatabaseLocked : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// For a Xapian::DatabaseLockError with `xapian_message` on `database`: DatabaseLocked when
// another indexer holds the lock, else std::runtime_error with the reason the lock file could
// not be made (a read-only directory or file system).
[[noreturn]] void throw_lock_error(const std::filesystem::path& database,
                                   const std::string& xapian_message);

// Commits happen after the article that brings the batch to batch_passages passages or
// batch_bytes of passage text, whichever comes first (an article is never split); each batch is one
// Xapian transaction, so a killed run leaves the database at its last commit and re-running the
// same input completes it (ids are stable). Writing to the database failed (disk full, corrupt
// database, ...): not an input problem.
class IndexWriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Passage text that each stage of a run holds at most: a queue between two threads, and a
// batch before its commit (WriterOptions::batch_bytes), so memory does not grow with the corpus.
inline constexpr std::uint64_t kMaxTextBytesInFlight = 32ull << 20;

struct WriterOptions {
  // Start from an empty database. Over an existing index the new one is written beside it (in
  // DIR.rebuild) while the old one serves searches, and takes its place at close(); a rebuild
  // that never closes (a kill, an error) leaves the old index as it was.
  bool rebuild = false;
  // Passages (documents) per commit; 0 chooses by the database's size: a sixteenth of the
  // passages it holds, at least kMinAutoBatch and at most kMaxAutoBatch. Why it grows: each
  // commit merges the batch into every posting list it touches, a cost that grows with the
  // index, while a batch's in-memory maps get slower to update as they grow. On the generated
  // bench corpus, 30 MB indexed with 2500 took the writing thread 28 % less CPU than with
  // 10000, and 300 MB indexed with 10000 took 7 % less time than with 2500 (40000 gained no
  // more); see bench/RESULTS.md.
  unsigned batch_passages = 0;
  static constexpr unsigned kMinAutoBatch = 2500;
  static constexpr unsigned kMaxAutoBatch = 10000;
  std::uint64_t batch_bytes = kMaxTextBytesInFlight;  // passage text bytes per commit
  bool spelling = true;                               // write Xapian spelling data ("did you mean")
  bool analysis_thread = true;  // analyze + build documents on a second thread
  // A first run (empty database) writes into this many shard databases, each on its own
  // thread, and merges them at commit() (schema::kShardCount; needs analysis_thread). Why:
  // writing is indexing's bottleneck and Xapian writes one database on one thread; on the
  // bench's 300 MB corpus two shards and the merge took 30 % less time than one database.
  // 1 writes the database in place. Ids, not docids, identify passages: the merge renumbers.
  unsigned shards = schema::kShardCount;
  // A sharded index (kavosh-index --shards N): above 1, a new or rebuilt index is written as
  // this many shards kept apart (schema::kIndexShardPrefix), each on its own thread in every
  // run. An existing sharded index is written in its shards whatever this is, unless it names
  // another number, which is refused without `rebuild` (re-sharding re-indexes). 0: as the
  // index is.
  unsigned index_shards = 0;
  unsigned queue_articles = 64;  // articles in flight between the threads (bounded memory)
  kavosh::analysis::AnalyzerOptions analyzer;
  // Whether Xapian's position table holds the body terms' positions (schema.hpp:
  // kMetaBodyPositions): needed only by an index served through xapian-tcpsrv, and 32 % of the
  // index on a 60 000-passage sample (decision 0007). Unset: a new or rebuilt index without
  // them, an existing one as it was written. Set against what an existing index holds: refused
  // (re-indexing with `rebuild` changes it).
  std::optional<bool> body_positions_in_xapian;
  // Free bytes on the file system holding a path; empty means statvfs. Tests replace it to
  // run out of disk without filling one.
  std::function<std::uint64_t(const std::filesystem::path&)> free_disk_bytes;
};

// The batch size WriterOptions::batch_passages = 0 chooses for a database of `passages`.
unsigned automatic_batch_passages(std::uint64_t passages);

struct WriterStats {
  std::uint64_t articles = 0;
  std::uint64_t passages = 0;
  std::uint64_t terms = 0;         // term postings added (with repeats)
  std::uint64_t bytes = 0;         // passage text bytes
  std::uint64_t removed = 0;       // articles deleted through remove()
  std::uint64_t alias_groups = 0;  // alias groups written as synonyms
  std::uint64_t commits = 0;

  WriterStats& operator+=(const WriterStats& other) {
    articles += other.articles;
    passages += other.passages;
    terms += other.terms;
    bytes += other.bytes;
    removed += other.removed;
    alias_groups += other.alias_groups;
    commits += other.commits;
    return *this;
  }
};

class IndexWriter {
 public:
  // Creates the database when missing. Throws DatabaseLocked when another writer holds it,
  // std::runtime_error for a path that is not a usable database directory.
  IndexWriter(const std::filesystem::path& db_path, WriterOptions options = {});
  // close(), or, while an exception unwinds the caller, commit() only (a failed rebuild
  // leaves the old index in place).
  ~IndexWriter();
  IndexWriter(const IndexWriter&) = delete;
  IndexWriter& operator=(const IndexWriter&) = delete;

  void add(const Article& article);          // replaces any earlier version of article.id
  void add(Article&& article);               // same, without copying the article
  bool remove(std::string_view article_id);  // false when no such article
  void add_alias_group(const std::vector<std::string>& names);  // written as Xapian synonyms
  void commit();
  // Commits and ends the run: a rebuild's new index takes the old one's place. The writer
  // takes nothing more (add() and remove() throw std::logic_error); stats() stays.
  void close();
  // Ends the run without putting a staged rebuild in place: the new index is discarded and the
  // old one stays as it was (true). Any other run keeps what it committed, as a kill leaves it
  // (false). The writer takes nothing more.
  bool abandon();
  const WriterStats& stats() const;  // exact after commit(); add() may still be in flight
  const std::filesystem::path& path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kavosh::index
