// StagedRebuild: a rebuild beside the index, swapped in at its end (see staged_rebuild.hpp).
#include "staged_rebuild.hpp"

#include <fcntl.h>  // AT_FDCWD
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>  // renameat2, RENAME_EXCHANGE (glibc 2.28)
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include "kavosh/format/schema.hpp"
#include "kavosh/format/stub_file.hpp"
#include "shard_set.hpp"

namespace kavosh::index {
namespace {

namespace fs = std::filesystem;

// The index directory's real path without a trailing separator, so that its siblings are
// beside it, not inside it ("index/", ".", a symlink to the index all work).
fs::path real_path(const fs::path& index) {
  std::error_code error;
  fs::path path = fs::weakly_canonical(fs::absolute(index), error);
  if (error) path = fs::absolute(index).lexically_normal();
  if (!path.has_filename()) path = path.parent_path();
  return path;
}

fs::path sibling(const fs::path& index, std::string_view suffix) {
  const fs::path path = real_path(index);
  return path.parent_path() / (path.filename().string() + std::string(suffix));
}

// A directory a rebuild left: empty (made, nothing written yet), or holding what Xapian
// writes in a database or this indexer in a first run (a stub naming shards).
bool left_by_a_rebuild(const fs::path& directory) {
  std::error_code error;
  if (!fs::is_directory(directory, error)) return false;
  if (fs::is_empty(directory, error)) return true;
  for (const std::string_view name :
       {schema::kXapianLockFile, schema::kShardStub, schema::kGlassVersionFile}) {
    if (fs::exists(directory / name, error)) return true;
  }
  return false;
}

// A mount point cannot be renamed: its rebuild happens in place.
bool on_its_parents_file_system(const fs::path& path) {
  struct stat self {};
  struct stat parent {};
  return ::stat(path.c_str(), &self) == 0 && ::stat(path.parent_path().c_str(), &parent) == 0 &&
         self.st_dev == parent.st_dev;
}

void rename_or_throw(const fs::path& from, const fs::path& to) {
  std::error_code error;
  fs::rename(from, to, error);
  if (error) {
    throw std::runtime_error("cannot rename " + from.string() + " to " + to.string() + ": " +
                             error.message());
  }
}

void remove_or_throw(const fs::path& directory, const std::string& what) {
  std::error_code error;
  fs::remove_all(directory, error);
  if (error)
    throw std::runtime_error("cannot remove " + what + " " + directory.string() + ": " +
                             error.message());
}

}  // namespace

fs::path staging_path(const fs::path& index) { return sibling(index, ".rebuild"); }

fs::path replaced_path(const fs::path& index) { return sibling(index, ".replaced"); }

std::optional<StagedRebuild> StagedRebuild::begin(const fs::path& index) {
  finish_interrupted_publish(index);
  std::error_code error;
  const fs::path real = real_path(index);
  if (!fs::is_directory(real, error) || !on_its_parents_file_system(real)) return std::nullopt;
  // The databases to lock: the directory's own, or every one its stub names (a merged first
  // run's, a first run's shards, a sharded index's); a remote one cannot be locked from here.
  std::vector<fs::path> shards;
  if (!fs::exists(real / schema::kGlassVersionFile, error)) {
    if (!fs::exists(real / schema::kShardStub, error)) return std::nullopt;
    try {
      for (const StubEntry& entry : read_stub_file(real / schema::kShardStub)) {
        if (entry.kind != StubEntry::Kind::Local) return std::nullopt;
        shards.push_back(entry.path);
      }
    } catch (const std::runtime_error&) {
      return std::nullopt;  // a stub Xapian cannot read either: nothing to keep
    }
    if (shards.empty()) return std::nullopt;
  }

  StagedRebuild staged;
  staged.index_ = real;
  staged.staging_ = staging_path(real);
  try {
    staged.locks_ = lock_databases(real, shards);
  } catch (const Xapian::Error&) {
    return std::nullopt;  // an old index that cannot be opened is not kept
  }
  clear_staging(real);
  fs::create_directory(staged.staging_, error);
  if (error == std::errc::permission_denied || error == std::errc::read_only_file_system)
    return std::nullopt;
  if (error) {
    throw std::runtime_error("cannot make the staging directory " + staged.staging_.string() +
                             ": " + error.message());
  }
  return staged;
}

fs::path clear_staging(const fs::path& index) {
  fs::path staging = staging_path(index);
  std::error_code error;
  if (!fs::exists(staging, error)) return staging;
  if (!left_by_a_rebuild(staging)) {
    throw std::runtime_error(staging.string() +
                             " exists and is not a Kavosh index: a rebuild writes the new "
                             "index there while the old one serves searches; move it away");
  }
  remove_or_throw(staging, "the staging directory of an abandoned rebuild");
  return staging;
}

fs::path swap_in(const fs::path& replacement, const fs::path& index_path, bool exchange) {
  const fs::path index = real_path(index_path);
  if (exchange &&
      ::renameat2(AT_FDCWD, replacement.c_str(), AT_FDCWD, index.c_str(), RENAME_EXCHANGE) == 0) {
    return replacement;
  }
  if (exchange && errno != EINVAL && errno != ENOSYS) {
    throw std::runtime_error("cannot put " + replacement.string() + " in the place of " +
                             index.string() + ": " + std::generic_category().message(errno));
  }
  fs::path old_index = replaced_path(index);
  if (fs::exists(old_index)) {
    if (!left_by_a_rebuild(old_index)) {
      throw std::runtime_error(old_index.string() +
                               " exists and is not a Kavosh index: a rebuild moves the old "
                               "index there for a moment; move it away");
    }
    remove_or_throw(old_index, "an old index left by a rebuild");
  }
  rename_or_throw(index, old_index);
  rename_or_throw(replacement, index);
  return old_index;
}

void StagedRebuild::publish(bool exchange) {
  const fs::path old_index = swap_in(staging_, index_, exchange);
  for (Xapian::WritableDatabase& lock : locks_) {
    try {
      lock.close();
    } catch (const Xapian::Error&) {
      // Nothing was written through it: closing only releases the lock.
    }
  }
  locks_.clear();
  std::error_code error;
  fs::remove_all(old_index, error);  // else the next run removes it
}

void finish_interrupted_publish(const fs::path& index) {
  const fs::path real = real_path(index);
  const fs::path replaced = replaced_path(real);
  std::error_code error;
  if (!fs::exists(replaced, error) || !left_by_a_rebuild(replaced)) return;
  if (!fs::exists(real, error)) {
    // The old index was moved aside only once the new one was complete; should the new one be
    // gone too (removed by hand), the old one goes back rather than be lost.
    fs::rename(staging_path(real), real, error);
    if (error) fs::rename(replaced, real, error);
  }
  if (fs::exists(real, error) && fs::exists(replaced, error))
    remove_or_throw(replaced, "an old index left by a rebuild");
}

void remove_abandoned_staging(const fs::path& index) {
  const fs::path staging = staging_path(index);
  std::error_code error;
  if (fs::exists(staging, error) && left_by_a_rebuild(staging))
    remove_or_throw(staging, "the staging directory of an abandoned rebuild");
}

}  // namespace kavosh::index
