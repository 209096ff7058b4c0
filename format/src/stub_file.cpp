#include "kavosh/format/stub_file.hpp"

#include <charconv>
#include <fstream>
#include <stdexcept>

#include "kavosh/text/ascii.hpp"

namespace kavosh::index {
namespace {

std::string_view trimmed(std::string_view text) { return text::trim_ascii_whitespace(text); }

}  // namespace

std::string StubEntry::name() const {
  switch (kind) {
    case Kind::RemoteTcp:
      return "remote " + host + ":" + std::to_string(port);
    case Kind::RemoteProgram:
      return "remote :" + program + (arguments.empty() ? "" : " " + arguments);
    case Kind::Local:
      break;
  }
  return path.string();
}

std::vector<StubEntry> read_stub_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read the stub file " + file.string());
  std::vector<StubEntry> entries;
  std::string text;
  for (unsigned number = 1; std::getline(in, text); ++number) {
    const std::string_view line = trimmed(text);
    if (line.empty() || line.front() == '#') continue;
    const auto bad = [&](const std::string& why) {
      return std::runtime_error(file.string() + ":" + std::to_string(number) + ": " + why);
    };
    const auto space = line.find_first_of(" \t");
    if (space == std::string_view::npos) throw bad("a database line is TYPE WHERE");
    const std::string_view type = line.substr(0, space);
    const std::string_view where = trimmed(line.substr(space));
    StubEntry entry;
    entry.line = number;
    if (type == "auto" || type == "glass" || type == "chert") {
      entry.path = std::filesystem::path(where).is_absolute()
                       ? std::filesystem::path(where)
                       : file.parent_path() / std::filesystem::path(where);
    } else if (type == "remote" && where.starts_with(':')) {
      entry.kind = StubEntry::Kind::RemoteProgram;
      const std::string_view command = where.substr(1);
      const auto program_end = command.find_first_of(" \t");
      entry.program = std::string(command.substr(0, program_end));
      if (program_end != std::string_view::npos)
        entry.arguments = std::string(trimmed(command.substr(program_end)));
    } else if (type == "remote") {
      // Xapian's own syntax is HOST:PORT; "remote tcp HOST PORT" is not Xapian 1.4's.
      const auto colon = where.rfind(':');
      unsigned port = 0;
      const char* port_end = where.data() + where.size();
      const bool port_read =
          colon != std::string_view::npos &&
          std::from_chars(where.data() + colon + 1, port_end, port).ptr == port_end && port > 0 &&
          port <= 65535;
      if (!port_read || colon == 0) throw bad("a remote shard is \"remote HOST:PORT\"");
      entry.kind = StubEntry::Kind::RemoteTcp;
      entry.host = std::string(where.substr(0, colon));
      entry.port = port;
    } else {
      throw bad("unknown database type '" + std::string(type) + "' (auto, glass, chert or remote)");
    }
    entries.push_back(std::move(entry));
  }
  if (entries.empty()) throw std::runtime_error(file.string() + ": the stub names no database");
  return entries;
}

}  // namespace kavosh::index
