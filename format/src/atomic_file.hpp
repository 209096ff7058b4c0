#pragma once
// Side files beside an index (term filter, match data) are replaced whole: written to a
// temporary file, synced, then renamed over the old one, so after a crash a reader finds the
// old file or the new one, never a new header over data that did not reach the disk.
#include <cstddef>
#include <filesystem>
#include <initializer_list>
#include <string_view>

namespace kavosh::index {

// Side files name the database they describe by its UUID (Xapian's have 36 characters); a
// header giving a longer one is damaged.
inline constexpr std::size_t kMaxUuidBytes = 64;

// Writes the concatenation of `parts` to `file` that way. Throws std::system_error naming the
// temporary file; nothing is left behind on failure.
void write_file_atomically(const std::filesystem::path& file,
                           std::initializer_list<std::string_view> parts);

}  // namespace kavosh::index
