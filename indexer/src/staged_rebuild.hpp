#pragma once
// Internal to the indexer library: a rebuild that leaves the old index searchable until the
// new one is complete. A --rebuild of a directory that holds an index writes the new index
// beside it, in DIR.rebuild, while holding the old one's write locks (so no other indexer
// writes either); when the run closes, the two directories trade places in one
// renameat2(RENAME_EXCHANGE) and the old index is removed. Searchers follow the swap as they
// follow a commit (the version files they watch are new files). A rebuild killed at any
// moment leaves the old index as it was; the next run, once it holds the index's locks,
// removes the staging directory the killed one abandoned.
// `kavosh-index --compact` writes its compacted copy in the same place and swaps it in the
// same way (database_info.cpp).
// Where no staging is possible the rebuild happens in place, as before: DIR is a mount point
// (a rename cannot leave it), its parent directory is not writable, or the old index cannot
// be opened to take its locks (a corrupt one). A file system without RENAME_EXCHANGE gets two
// renames, DIR -> DIR.replaced and DIR.rebuild -> DIR: a kill between them leaves no DIR for
// a moment, and the next run finishes the second rename before anything else.
#include <xapian.h>

#include <filesystem>
#include <optional>
#include <vector>

namespace kavosh::index {

// The staging directory beside an index directory (symlinks resolved): DIR.rebuild.
std::filesystem::path staging_path(const std::filesystem::path& index);
// Where the old index waits between the two renames of a publish without RENAME_EXCHANGE.
std::filesystem::path replaced_path(const std::filesystem::path& index);

class StagedRebuild {
 public:
  // For a rebuild of `index`: takes the write locks of every database it holds (DatabaseLocked
  // when another indexer has one) and makes an empty staging directory, removing one an earlier
  // rebuild abandoned. Nothing when the rebuild must happen in place (see above).
  static std::optional<StagedRebuild> begin(const std::filesystem::path& index);

  const std::filesystem::path& directory() const { return staging_; }  // where the run writes

  // Once every database of the staging directory is closed: puts it in the index's place and
  // removes the old index. `exchange` false takes the path of a file system without
  // RENAME_EXCHANGE (for tests). Throws std::runtime_error naming the paths when a rename fails.
  void publish(bool exchange = true);

 private:
  std::filesystem::path index_;
  std::filesystem::path staging_;
  std::vector<Xapian::WritableDatabase> locks_;  // the old index's
};

// For a caller that holds `index`'s write locks: removes what an abandoned rebuild or
// compaction left in staging_path(index), and returns that path. Throws std::runtime_error
// when a directory of that name holds no Kavosh index (it is never removed).
std::filesystem::path clear_staging(const std::filesystem::path& index);

// Puts the complete index directory `replacement` (staging_path(index), for the recovery
// below) in the place of `index`, whose write locks the caller holds: one exchange, or two
// renames through replaced_path(index). Returns where the old index is now, for the caller to
// remove once it has released its locks.
std::filesystem::path swap_in(const std::filesystem::path& replacement,
                              const std::filesystem::path& index, bool exchange = true);

// Before a run opens `index`: completes a publish that was killed between its two renames.
void finish_interrupted_publish(const std::filesystem::path& index);

// For a run that holds `index`'s locks and does not stage: removes a staging directory that
// a killed rebuild abandoned (only one Xapian or this file wrote; another directory of that
// name is left alone).
void remove_abandoned_staging(const std::filesystem::path& index);

}  // namespace kavosh::index
