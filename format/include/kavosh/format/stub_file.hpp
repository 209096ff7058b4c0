#pragma once
// Xapian's stub database file, as Xapian 1.4 reads it: one database a line, "auto PATH",
// "glass PATH" or "chert PATH" for a local database (PATH relative to the stub's directory),
// "remote HOST:PORT" for a shard served by xapian-tcpsrv, "remote :PROGRAM ARGS" for one
// served by a program over a pipe; blank lines and lines starting with '#' say nothing.
// Kavosh reads it itself to open each shard on its own, so that an error (a shard that does not
// answer, one of another schema) names the shard; the searcher then searches them as one.
#include <filesystem>
#include <string>
#include <vector>

namespace kavosh::index {

struct StubEntry {
  enum class Kind { Local, RemoteTcp, RemoteProgram };
  Kind kind = Kind::Local;
  std::filesystem::path path;  // Local: resolved against the stub's directory
  std::string host;            // RemoteTcp
  unsigned port = 0;           // RemoteTcp
  std::string program;         // RemoteProgram: the program, then its arguments as one string
  std::string arguments;
  unsigned line = 0;  // where the stub says it, for messages

  // "remote 127.0.0.1:33333", "/index/shard-0": how messages name the shard.
  std::string name() const;
};

// Throws std::runtime_error "FILE:LINE: ..." for a line Xapian 1.4 would not read either, or a
// file that cannot be read.
std::vector<StubEntry> read_stub_file(const std::filesystem::path& file);

}  // namespace kavosh::index
