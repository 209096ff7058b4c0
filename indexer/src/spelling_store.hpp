#pragma once
// The spelling dictionary ("did you mean") in its own Xapian database inside the index
// directory (schema::spelling_path), written on its own thread.
//
// Why a separate database: Xapian zlib-compresses every spelling-table entry it rewrites, and
// writing the dictionary into the main database made the single writing thread — the
// bottleneck of indexing — about a quarter slower. In its own database it is written by a
// thread of its own on the core that analysis leaves mostly idle (Lucene keeps its spell
// checker in a separate index for similar reasons).
//
// What it holds: every body word the indexer counts as a spelling word, with the popularity
// class of the word: bit_width(passages holding it), i.e. 1 for one passage, 2 for 2-3, 3 for
// 4-7, ... Xapian uses the frequency only to prefer the more common of equally close
// corrections, which the order of magnitude decides as well as the exact count; and the
// class changes only when a word's count doubles, so later batches rewrite few dictionary
// entries (every rewritten entry costs a zlib stream reset in Xapian, the bulk of the cost).
// Each batch the main database commits is handed over and applied on the store's thread (and
// committed once kChangesPerCommit changes have gathered); at
// the end of a run sync_with() makes every word's class exactly that of the main database's
// committed vocabulary (fixing replaced or deleted passages and runs killed half-way), so the
// dictionary is a function of the index, whatever happened before.
#include <xapian.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bounded_queue.hpp"

namespace kavosh::index {

// Latin or Arabic script and not a number, decided from the term's bytes alone.
bool is_spelling_word(std::string_view term);

class SpellingStore {
 public:
  using Counts = std::unordered_map<std::string, Xapian::doccount>;  // word -> passages
  // A batch's words: one list of distinct words per passage. Counting them is left to the
  // store's thread, because the writing thread that hands them over is indexing's bottleneck.
  using PassageWords = std::vector<std::vector<std::string>>;

  // `index` is the main database, read to learn each word's passage count after a batch.
  SpellingStore(const std::filesystem::path& path, const std::filesystem::path& index,
                bool overwrite);
  ~SpellingStore();  // finishes queued batches; errors are dropped (call sync_with to see them)
  SpellingStore(const SpellingStore&) = delete;
  SpellingStore& operator=(const SpellingStore&) = delete;

  // Queues the words of a batch the main database has just committed, to count, apply and
  // commit on the store's thread; blocks while two batches wait.
  void add(PassageWords batch);
  // Waits until every queued batch is applied (rethrowing the store thread's error, if any).
  void finish_batches();
  // Has the store's thread commit the changes gathered so far, without waiting for it: the
  // caller goes on with other work (the merge of a first run's shards) meanwhile.
  void commit_soon();
  // Waits for queued batches, then adds or removes until every word's frequency is the class
  // of its term frequency in `index` and words `index` no longer holds are gone; commits.
  void sync_with(const Xapian::Database& index);
  // Makes the dictionary's synonyms those of `index` (a sharded index's, whose shards may be
  // served remotely: Xapian 1.4's remote protocol carries no synonyms, so a search of remote
  // shards looks its aliases up here); commits.
  void copy_synonyms(const Xapian::Database& index);

  static Xapian::termcount popularity_class(Xapian::doccount passages);

 private:
  void run();
  void apply(const PassageWords& batch);
  void refresh_index();  // opens or reopens index_ at its latest revision
  Xapian::doccount termfreq_in_index(const std::string& word);

  Xapian::WritableDatabase db_;
  std::filesystem::path index_path_;
  Xapian::Database index_;  // opened by the store's thread at its first batch
  bool index_opened_ = false;
  Counts passages_;  // word -> passages holding it in the main database, as far as this run knows
  static constexpr std::size_t kChangesPerCommit =
      200000;                            // bounds Xapian's in-memory spelling buffer
  std::size_t uncommitted_changes_ = 0;  // dictionary changes since the last commit
  // Batches for the store's thread; an empty batch asks it to commit. The thread's error goes
  // back through it to the caller of add() or finish_batches().
  static constexpr std::size_t kQueuedBatches = 2;
  BoundedQueue<PassageWords> queue_{kQueuedBatches};
  std::thread thread_;
};

}  // namespace kavosh::index
