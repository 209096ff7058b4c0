#pragma once
// Opening a database for reading while an indexer may be committing to it.
//
// Xapian 1.4's glass backend reads the version file, then each table's root block, and checks
// the root block's level before its revision. A writer that commits twice in between may have
// reused that block, as a leaf most often, and the open then throws DatabaseCorruptError
// ("Expected block 399 to be level 2, not 0") for a database that is intact; when the reused
// block happens to have the root's level, the same race gives DatabaseModifiedError instead.
// tests/faults/xapian_open_race.cpp reproduces it with Xapian alone, and
// OpenDatabase.AnOpenOvertakenByTwoCommitsIsRetried builds the state such an open meets.
// A reopen() that fails so must not be retried: Xapian has then read the new version file and
// opened some tables at the new revision, and a second reopen() sees no change and keeps them.
// So a failed open or reopen is followed by a fresh open, here.
#include <sys/stat.h>
#include <xapian.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace kavosh {

// Genuine corruption fails every attempt and its error reaches the caller after these; a
// race needs two commits during one open, so consecutive failures from it are rare.
inline constexpr int kOpenAttemptsAcrossCommits = 20;

// open() again while it fails as an open overtaken by commits does; the last error is the
// caller's.
template <typename Open>
auto retry_open_across_commits(Open&& open) -> decltype(open()) {
  for (int attempt = 1;; ++attempt) {
    try {
      return open();
    } catch (const Xapian::DatabaseCorruptError&) {
      if (attempt == kOpenAttemptsAcrossCommits) throw;
    } catch (const Xapian::DatabaseModifiedError&) {
      if (attempt == kOpenAttemptsAcrossCommits) throw;
    }
  }
}

// A database (a directory or a stub file) opened for reading at its latest revision.
inline Xapian::Database open_readable_database(const std::string& path) {
  return retry_open_across_commits([&] { return Xapian::Database(path); });
}

// Brings `db` to its latest revision: reopen(), or when that fails, `open_afresh()`, which
// must replace `db` (and whatever holds a copy of its tables) by a fresh open. `committed`
// says a commit is known to have landed (its version file changed: commit_stamps below):
// then a reopen() that finds nothing new opens afresh too, because Xapian compares revision
// numbers only, and a database rebuilt in place (kavosh-index --rebuild) up to the revision a
// reader had looks unchanged to it while its files are new.
template <typename OpenAfresh>
void reopen_across_commits(Xapian::Database& db, OpenAfresh&& open_afresh, bool committed = false) {
  try {
    if (db.reopen() || !committed) return;
  } catch (const Xapian::Error&) {
    // A failed reopen may leave tables of two revisions: never used again.
  }
  open_afresh();
}

// What identifies databases' latest commits on disk, read without opening them: the identity
// (inode, change time) of each one's version file (schema::kGlassVersionFile), which glass
// replaces by a rename at every commit; a missing file is (0, 0). Equal stamps mean no commit
// in between. A reader must not stay on a revision once the next is committed: the writer
// then reuses its blocks, and a read overlapping such a write can pass Xapian's revision
// check (Searcher::search compares stamps around every read). One stat() a file, about 2 µs.
using CommitStamps = std::vector<std::pair<std::uint64_t, std::int64_t>>;
// How often a read that a commit overtook is read again (a slow read on a loaded machine or a
// sanitizer build may meet several commits); the last attempt's answer or error stands.
inline constexpr int kReadAttemptsAcrossCommits = 6;
inline CommitStamps commit_stamps(const std::vector<std::filesystem::path>& version_files) {
  CommitStamps stamps;
  stamps.reserve(version_files.size());
  for (const std::filesystem::path& file : version_files) {
    struct stat status {};
    if (::stat(file.c_str(), &status) != 0) {
      stamps.emplace_back(0, 0);
      continue;
    }
    stamps.emplace_back(
        static_cast<std::uint64_t>(status.st_ino),
        static_cast<std::int64_t>(status.st_ctim.tv_sec) * 1'000'000'000 + status.st_ctim.tv_nsec);
  }
  return stamps;
}

}  // namespace kavosh
