#include "index_sources.hpp"

#include <charconv>
#include <stdexcept>

#include "kavosh/format/schema.hpp"
#include "kavosh/format/stub_file.hpp"
#include "kavosh/xapian/errors.hpp"
#include "kavosh/xapian/open_database.hpp"

namespace kavosh::search {

namespace schema = kavosh::index::schema;
namespace fs = std::filesystem;

namespace {

// A stub naming a stub naming ... is followed this deep (a stub naming itself would not end).
constexpr int kMaxStubDepth = 8;

// The first moments of a first kavosh-index run (indexer/README.md): the directory holds its
// shards (schema::is_shard_name) or a writer's lock, and nothing with the schema metadata has
// been committed yet. Without this a search then said "database not found" or "schema (none):
// re-index it", and the user killed a run that was going well.
bool first_run_under_way(const fs::path& database) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(database, ec)) {
    const std::string name = entry.path().filename().string();
    if (schema::is_shard_name(name) || name == schema::kXapianLockFile) return true;
  }
  return false;
}

IndexUnavailable being_created(const fs::path& database) {
  return IndexUnavailable("database " + database.string() +
                          ": the index is being created (a first kavosh-index run, or a "
                          "--rebuild, has not committed yet); search again when it has");
}

class Opener {
 public:
  explicit Opener(OpenedIndex& index) : index_(index) {}

  // `top`: the index directory the user named, whose first run may be under way.
  void add_local(const fs::path& path, const fs::path& top, int depth) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw IndexUnavailable("database not found: " + path.string());
    if (fs::is_regular_file(path, ec)) {
      add_stub(path, top, depth);
      return;
    }
    if (!fs::is_directory(path, ec))
      throw std::runtime_error("not a database directory or stub file: " + path.string());
    // A directory holding schema::kGlassVersionFile is one database, whatever stub sits beside
    // it (Xapian opens the directory's own database first too). A stub naming one local
    // database (a merged first run's) is the directory's database, and messages name the
    // directory; shards are opened one by one.
    if (!fs::exists(path / schema::kGlassVersionFile, ec) &&
        fs::exists(path / schema::kShardStub, ec)) {
      const auto entries = index::read_stub_file(path / schema::kShardStub);
      if (entries.size() > 1 || entries.front().kind != index::StubEntry::Kind::Local) {
        add_stub(path / schema::kShardStub, top, depth);
        return;
      }
      index_.commit_files.push_back(entries.front().path / schema::kGlassVersionFile);
    } else {
      index_.commit_files.push_back(path / schema::kGlassVersionFile);
    }
    Xapian::Database db;
    try {
      db = open_readable_database(path.string());
    } catch (const Xapian::Error& e) {
      if (first_run_under_way(top)) throw being_created(top);
      throw_xapian_error(e, "cannot open database " + path.string());
    }
    add_shard(db, path.string(), &top);
  }

  void add_remote(const std::string& host, unsigned port) {
    const std::string name = "remote " + host + ":" + std::to_string(port);
    Xapian::Database db;
    try {
      db = Xapian::Remote::open(host, port);
    } catch (const Xapian::Error& e) {
      throw std::runtime_error(not_answering(e, name));
    }
    add_shard(db, name, nullptr);
    index_.has_remote = true;
  }

 private:
  void add_stub(const fs::path& file, const fs::path& top, int depth) {
    if (depth >= kMaxStubDepth)
      throw std::runtime_error(file.string() + ": stub files name each other too deep");
    for (const index::StubEntry& entry : index::read_stub_file(file)) {
      switch (entry.kind) {
        case index::StubEntry::Kind::Local: {
          std::error_code ec;
          if (!fs::exists(entry.path, ec)) {
            throw std::runtime_error(file.string() + ":" + std::to_string(entry.line) +
                                     ": shard not found: " + entry.path.string());
          }
          add_local(entry.path, top, depth + 1);
          break;
        }
        case index::StubEntry::Kind::RemoteTcp:
          add_remote(entry.host, entry.port);
          break;
        case index::StubEntry::Kind::RemoteProgram: {
          Xapian::Database db;
          try {
            db = Xapian::Remote::open(entry.program, entry.arguments);
          } catch (const Xapian::Error& e) {
            throw std::runtime_error(not_answering(e, entry.name()));
          }
          add_shard(db, entry.name(), nullptr);
          index_.has_remote = true;
          break;
        }
      }
    }
  }

  static std::string not_answering(const Xapian::Error& e, const std::string& name) {
    const char* reason = e.get_error_string();
    return "shard " + name + " does not answer: " + e.get_msg() +
           (reason && *reason ? std::string(" (") + reason + ")" : std::string());
  }

  // The stored passage layout changes with the schema; a shard of another version (or none:
  // not written by kavosh-index) cannot be read, and one such shard spoils every search.
  // `top` is given for a local database only: `name` is then its path.
  void add_shard(const Xapian::Database& db, const std::string& name, const fs::path* top) {
    std::string version;
    try {
      version = db.get_metadata(std::string(schema::kMetaSchemaVersion));
    } catch (const Xapian::NetworkError& e) {
      throw std::runtime_error(not_answering(e, name));
    }
    if (version.empty() && top && first_run_under_way(*top)) throw being_created(*top);
    if (version != schema::kSchemaVersion) {
      const bool is_shard = top == nullptr || name != top->string();
      throw std::runtime_error(
          (is_shard ? "shard " : "database ") + name + " has index schema " +
          (version.empty() ? "(none)" : version) + ", this kavosh-search reads schema " +
          std::string(schema::kSchemaVersion) + ": re-index it with kavosh-index --rebuild");
    }
    // A phrase in a remote shard is checked by xapian-tcpsrv, through Xapian's positions.
    if (!top && !schema::body_positions_in_xapian(db))
      throw std::runtime_error("shard " + name +
                               " was indexed without Xapian's positions of body words, which "
                               "xapian-tcpsrv needs to check its phrases: re-index it with "
                               "kavosh-index --rebuild --xapian-positions");
    index_.db.add_database(db);
    index_.parts.push_back({db, top ? fs::path(name) : fs::path()});
  }

  OpenedIndex& index_;
};

// "HOST:PORT", the host possibly an IPv6 address in brackets.
std::pair<std::string, unsigned> host_and_port(const std::string& address) {
  const auto colon = address.rfind(':');
  unsigned port = 0;
  const char* end = address.data() + address.size();
  if (colon == std::string::npos || colon == 0 ||
      std::from_chars(address.data() + colon + 1, end, port).ptr != end || port == 0 ||
      port > 65535)
    throw std::invalid_argument("a remote shard is HOST:PORT, not '" + address + "'");
  std::string host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return {host, port};
}

}  // namespace

OpenedIndex open_index(const IndexSources& sources) {
  OpenedIndex index;
  Opener opener(index);
  for (const fs::path& path : sources.local) {
    opener.add_local(path, path, 0);
    if (index.side_files.empty()) {
      std::error_code ec;
      index.side_files = fs::is_regular_file(path, ec) ? path.parent_path() : path;
      if (index.side_files.empty()) index.side_files = ".";
    }
    index.name += (index.name.empty() ? "" : " + ") + path.string();
  }
  for (const std::string& address : sources.remote) {
    const auto [host, port] = host_and_port(address);
    opener.add_remote(host, port);
    index.name += (index.name.empty() ? "remote " : " + remote ") + address;
  }
  if (index.parts.empty()) throw std::invalid_argument("no index to search: give --db or --remote");
  return index;
}

void throw_search_error(const Xapian::Error& error, const std::string& name) {
  // Xapian names the connection in the context: "remote:tcp(127.0.0.1:33333)".
  const char* reason = error.get_error_string();
  const std::string why =
      error.get_msg() + (reason && *reason ? std::string(" (") + reason + ")" : std::string());
  if (std::string_view(error.get_type()) == "NetworkError" && !error.get_context().empty())
    throw std::runtime_error("search failed on " + name + ": shard " + error.get_context() +
                             " stopped answering: " + why);
  throw_xapian_error(error, "search failed on " + name);
}

}  // namespace kavosh::search
