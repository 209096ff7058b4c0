#pragma once
// Opens what a Searcher searches (IndexSources, searcher.hpp) as one Xapian::Database: every
// shard on its own first, local or remote, so that an error names the shard (one that does not
// answer, one of another schema), then added to the one database Xapian searches with global
// statistics. Stub files are read by kavosh::index::read_stub_file.
#include <xapian.h>

#include <filesystem>
#include <string>
#include <vector>

#include "kavosh/search/searcher.hpp"

namespace kavosh::search {

struct OpenedIndex {
  Xapian::Database db;
  // Every shard on its own, in the order `db` numbers them; a remote one has no path.
  struct Shard {
    Xapian::Database db;
    std::filesystem::path path;
  };
  std::vector<Shard> parts;
  bool has_remote = false;  // a shard is served over the network
  // Where the side files of a single local index are (spelling dictionary, term filter, match
  // data): the first local source, or the directory of its stub file; empty without one.
  std::filesystem::path side_files;
  std::string name;  // for messages: the sources as given
  // The file a commit to a local shard replaces (commit_stamps reads them): each glass
  // database's version file. Not the stubs that lead to it: a stub renamed into place (a
  // merge, a rebuild) names a new directory, and nothing writes the old one any more; when it
  // is removed, its version file's stamp changes too.
  std::vector<std::filesystem::path> commit_files;
};

// Throws std::runtime_error naming the source or shard.
OpenedIndex open_index(const IndexSources& sources);

// "search failed on NAME: ...": a remote shard that stopped answering is named.
[[noreturn]] void throw_search_error(const Xapian::Error& error, const std::string& name);

}  // namespace kavosh::search
