// ShardSet: the databases of a run and their files (see shard_set.hpp). Compacting or opening
// through a stub, Xapian writes a new subdirectory and renames a new stub over the old one, so
// a kill at any moment leaves either the shards (which a re-run goes on with) or the merged
// database.
#include "shard_set.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <string>

#include "article_count_merger.hpp"
#include "kavosh/format/match_data.hpp"
#include "kavosh/format/schema.hpp"
#include "kavosh/format/stub_file.hpp"
#include "kavosh/format/term_filter.hpp"
#include "kavosh/index/database_info.hpp"
#include "kavosh/xapian/errors.hpp"

namespace kavosh::index {
namespace {

// Glass's files: a database directory holds schema::kGlassVersionFile and its tables as
// NAME.glass; a stub file lists its databases one a line as "glass SUBDIRECTORY".
constexpr std::string_view kGlassTableExtension = ".glass";
constexpr std::string_view kStubBackend = "glass";

// Ids that differ only in a trailing number (passages or pages numbered in order: "g60-1",
// "g60-2", "doc_0041", MS MARCO's "7187158") go in blocks of kRoutingBlock neighbouring
// numbers, and consecutive blocks take turns between the shards. So neighbours keep
// neighbouring docids in the merged index: routed by a hash of the whole id they were spread
// over both shards' docid ranges, and each jump of a shared term's posting list (a title's)
// costs the searcher a B-tree seek for the document length (measured in commit ebe0550's
// message: field queries 382 k -> 276 k instructions). Still a pure function of the id, so a
// re-run after a kill finds every article in the shard it was written to. kShardRouting names
// this rule.
constexpr std::uint64_t kRoutingBlock = 64;

unsigned shard_for(std::string_view id, unsigned shard_count) {
  std::size_t number_start = id.size();
  while (number_start > 0 && id[number_start - 1] >= '0' && id[number_start - 1] <= '9')
    --number_start;
  const std::size_t digits = id.size() - number_start;
  // FNV-1a's low bits depend only on the bytes' low bits; the multiply mixes the prefix's
  // hash into all of them before the block number is added.
  constexpr std::uint64_t kMix = 0x9E3779B97F4A7C15ull;
  if (digits == 0 || digits > 18)
    return static_cast<unsigned>(((schema::fnv1a_64(id) * kMix) >> 32) % shard_count);
  std::uint64_t number = 0;
  for (char c : id.substr(number_start)) number = number * 10 + static_cast<unsigned>(c - '0');
  const std::uint64_t prefix = (schema::fnv1a_64(id.substr(0, number_start)) * kMix) >> 32;
  return static_cast<unsigned>((prefix + number / kRoutingBlock) % shard_count);
}

}  // namespace

// Declared in database_info.hpp; defined here, with the rest of what knows glass's files.
// Names are relative to `db_path` for local databases (as shard_set writes them), Xapian's
// "remote HOST:PORT" otherwise; none when there is no stub.
std::vector<std::string> stub_databases(const std::filesystem::path& db_path) {
  const std::filesystem::path stub = db_path / schema::kShardStub;
  std::error_code error;
  if (!std::filesystem::exists(stub, error)) return {};
  std::vector<std::string> names;
  for (const StubEntry& entry : read_stub_file(stub))
    names.push_back(entry.kind == StubEntry::Kind::Local
                        ? entry.path.lexically_relative(db_path).string()
                        : entry.name());
  return names;
}

namespace {

// The databases the stub names when every one of them is named as `is_kind` says.
std::vector<std::filesystem::path> stub_shards(const std::filesystem::path& db_path,
                                               bool (*is_kind)(std::string_view)) {
  std::error_code error;
  // Xapian opens a directory's own database before its stub.
  if (std::filesystem::exists(db_path / schema::kGlassVersionFile, error)) return {};
  std::vector<std::filesystem::path> shards;
  for (const std::string& name : stub_databases(db_path)) {
    if (!is_kind(name)) return {};
    shards.push_back(db_path / name);
  }
  return shards;
}

}  // namespace

std::vector<std::filesystem::path> unmerged_shards(const std::filesystem::path& db_path) {
  return stub_shards(db_path, schema::is_shard_name);
}

std::vector<std::filesystem::path> index_shards(const std::filesystem::path& db_path) {
  return stub_shards(db_path, schema::is_index_shard_name);
}

Shard& ShardSet::routed(std::string_view article_id) {
  if (!sharded()) return front();
  return *shards_[shard_for(article_id, static_cast<unsigned>(shards_.size()))];
}

std::uint64_t ShardSet::bytes_on_disk() const {
  std::uint64_t bytes = 0;
  for (const auto& shard : shards_) bytes += directory_size(shard->path);
  return bytes;
}

std::unique_ptr<Shard> ShardSet::open_shard(const std::filesystem::path& path, int mode) const {
  auto shard = std::make_unique<Shard>();
  shard->path = path;
  try {
    shard->db = Xapian::WritableDatabase(path.string(), mode);
  } catch (const Xapian::DatabaseLockError& e) {
    throw_lock_error(directory_, e.get_msg());
  } catch (const Xapian::Error& e) {
    throw_xapian_error(e, "cannot open database " + path.string());
  }
  // Adding to an index of another schema would mix two stored-record layouts in one database.
  const std::string version = shard->db.get_metadata(std::string(schema::kMetaSchemaVersion));
  if (shard->db.get_doccount() > 0 && version != schema::kSchemaVersion) {
    throw std::runtime_error("database " + directory_.string() + " has index schema " +
                             (version.empty() ? "(none)" : version) +
                             ", this kavosh-index writes schema " +
                             std::string(schema::kSchemaVersion) + ": re-index it with --rebuild");
  }
  shard->started_empty = shard->db.get_doccount() == 0;
  shard->article_count = schema::article_count(shard->db).value_or(0);
  return shard;
}

// The database to write, decided from what the directory holds:
//  - a database with documents: written in place;
//  - a sharded index's shards (the stub names them): written as they are, or removed and
//    written anew by `rebuild`;
//  - shards left by a killed first run (the stub names them): the run goes on in them;
//  - nothing, or an empty database (or `rebuild`): a first run, in shards when
//    first_run_shards > 1, else in place.
void ShardSet::open(bool rebuild, unsigned first_run_shards, unsigned index_shard_count) {
  std::error_code error;
  if (std::filesystem::exists(directory_, error) &&
      !std::filesystem::is_directory(directory_, error)) {
    throw std::runtime_error("database path is not a directory: " + directory_.string());
  }
  if (const auto kept = index_shards(directory_); !kept.empty()) {
    const auto count = static_cast<unsigned>(kept.size());
    if (!rebuild) {
      if (index_shard_count != 0 && index_shard_count != count) {
        throw std::runtime_error(
            "database " + directory_.string() + " has " + std::to_string(count) +
            " shards; re-shard it with --rebuild --shards " + std::to_string(index_shard_count));
      }
      kept_ = true;
      open_shards(count, false);
      return;
    }
    remove_index_shards(kept);
  }
  const bool wants_kept_shards = index_shard_count > 1;
  if (const auto unmerged = unmerged_shards(directory_); !unmerged.empty()) {
    if (wants_kept_shards && !rebuild) {
      throw std::runtime_error("database " + directory_.string() +
                               " holds an unfinished first run; finish it, or start over "
                               "with --rebuild --shards " +
                               std::to_string(index_shard_count));
    }
    if (!wants_kept_shards) {
      open_shards(static_cast<unsigned>(unmerged.size()), rebuild);
      return;
    }
    remove_index_shards(unmerged);
  }
  const int mode = rebuild ? Xapian::DB_CREATE_OR_OVERWRITE : Xapian::DB_CREATE_OR_OPEN;
  shards_.push_back(open_shard(directory_, mode));
  remove_leftovers();
  const bool empty = front().db.get_doccount() == 0;
  if (wants_kept_shards && !empty) {
    throw std::runtime_error("database " + directory_.string() +
                             " is not sharded; shard it with --rebuild --shards " +
                             std::to_string(index_shard_count));
  }
  if (wants_kept_shards) {
    kept_ = true;
    replace_by_shards(index_shard_count);
  } else if (first_run_shards > 1 && empty) {
    replace_by_shards(first_run_shards);
  }
}

std::vector<Xapian::WritableDatabase> lock_databases(
    const std::filesystem::path& directory, const std::vector<std::filesystem::path>& shards) {
  std::vector<Xapian::WritableDatabase> locks;
  std::vector<std::filesystem::path> databases = shards;
  if (databases.empty()) databases.push_back(directory);
  for (const auto& path : databases) {
    try {
      locks.emplace_back(path.string(), Xapian::DB_OPEN);
    } catch (const Xapian::DatabaseLockError& e) {
      throw_lock_error(directory, e.get_msg());
    } catch (const Xapian::DatabaseNotFoundError&) {
      // A shard a killed rebuild already removed: nothing to lock.
    }
  }
  return locks;
}

// A rebuild starts from nothing: the shards go, with the stub naming them, once their locks
// say no indexer writes them.
void ShardSet::remove_index_shards(const std::vector<std::filesystem::path>& shards) const {
  std::vector<Xapian::WritableDatabase> locks;
  try {
    locks = lock_databases(directory_, shards);
  } catch (const Xapian::Error& e) {
    throw std::runtime_error("cannot open database " + directory_.string() + ": " + e.get_msg());
  }
  std::error_code error;
  for (Xapian::WritableDatabase& lock : locks) lock.close();
  for (const auto& path : shards) std::filesystem::remove_all(path, error);
  std::filesystem::remove(directory_ / schema::kShardStub, error);
}

// The empty database's lock is held until the shards hold theirs, so a second writer always
// meets a lock; the new stub takes over from the database it named, if any.
void ShardSet::replace_by_shards(unsigned count) {
  namespace fs = std::filesystem;
  std::error_code error;
  std::unique_ptr<Shard> empty = std::move(shards_[0]);
  shards_.clear();
  const std::vector<std::string> replaced = stub_databases(directory_);
  open_shards(count, true);
  // From here on Xapian opens the directory as the stub.
  fs::remove(directory_ / schema::kGlassVersionFile);
  empty->db.close();
  for (const auto& entry : fs::directory_iterator(directory_)) {
    if (entry.path().extension() == kGlassTableExtension) fs::remove(entry.path(), error);
  }
  for (const std::string& name : replaced) fs::remove_all(directory_ / name, error);
  // A sharded index keeps these per shard: the directory's own would describe no database.
  if (kept_) {
    fs::remove(term_filter_path(directory_), error);
    fs::remove(match_data_path(directory_), error);
  }
}

void ShardSet::open_shards(unsigned count, bool overwrite) {
  namespace fs = std::filesystem;
  const int mode = overwrite ? Xapian::DB_CREATE_OR_OVERWRITE : Xapian::DB_CREATE_OR_OPEN;
  fs::create_directories(directory_);
  std::string stub;
  for (unsigned k = 0; k < count; ++k) {
    const fs::path path =
        kept_ ? schema::index_shard_path(directory_, k) : schema::shard_path(directory_, k);
    shards_.push_back(open_shard(path, mode));
    stub += std::string(kStubBackend) + " " + path.filename().string() + "\n";
    // A re-run goes on only in shards routed as this run routes, or it would add a second
    // copy of an article to the other shard.
    const Shard& shard = *shards_.back();
    if (shard.db.get_doccount() > 0 &&
        shard.db.get_metadata(std::string(schema::kMetaShardRouting)) != kShardRouting) {
      throw std::runtime_error((kept_ ? "the shards of " : "the unfinished first run in ") +
                               directory_.string() + (kept_ ? " were" : " was") +
                               " written by an older kavosh-index; start over with --rebuild");
    }
  }
  const fs::path temporary = directory_ / (std::string(schema::kShardStub) + ".tmp");
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << stub;
    if (!out.flush()) throw std::runtime_error("cannot write " + temporary.string());
  }
  fs::rename(temporary, directory_ / schema::kShardStub);
}

// Shards a finished merge left behind, or a merge's output a kill cut short: whatever
// subdirectory the stub does not name, other than the spelling dictionary.
void ShardSet::remove_leftovers() const {
  namespace fs = std::filesystem;
  std::error_code error;
  const std::vector<std::string> named = stub_databases(directory_);
  for (const auto& entry : fs::directory_iterator(directory_, error)) {
    const std::string name = entry.path().filename().string();
    const bool is_shard = schema::is_shard_name(name);
    const bool is_merge_output = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return c >= '0' && c <= '9';
    });
    // Only what Xapian wrote: a directory of the user's that happens to be named by digits stays.
    const bool written_by_xapian = fs::exists(entry.path() / schema::kXapianLockFile, error);
    if (!entry.is_directory(error) || !(is_shard || is_merge_output) || !written_by_xapian)
      continue;
    if (std::find(named.begin(), named.end(), name) == named.end())
      fs::remove_all(entry.path(), error);
  }
}

void ShardSet::merge() {
  Xapian::Database sources;
  for (const auto& shard : shards_) sources.add_database(Xapian::Database(shard->path.string()));
  ArticleCountMerger merger;
  sources.compact(directory_.string(), 0, 0, merger);
  WriterStats sums;
  for (const auto& shard : shards_) sums += shard->stats;
  for (auto& shard : shards_) shard->db.close();
  shards_.clear();
  shards_.push_back(open_shard(directory_, Xapian::DB_OPEN));
  front().stats = sums;
  remove_leftovers();
}

}  // namespace kavosh::index
