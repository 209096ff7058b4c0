#include "atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace kavosh::index {
namespace {

void write_all(int fd, std::string_view bytes, const std::filesystem::path& file) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0)
      throw std::system_error(errno, std::generic_category(), "writing " + file.string());
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
}

}  // namespace

void write_file_atomically(const std::filesystem::path& file,
                           std::initializer_list<std::string_view> parts) {
  const std::filesystem::path temporary = file.string() + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    throw std::system_error(errno, std::generic_category(), "creating " + temporary.string());
  try {
    for (std::string_view part : parts) write_all(fd, part, temporary);
    if (::fsync(fd) != 0)
      throw std::system_error(errno, std::generic_category(), "syncing " + temporary.string());
  } catch (...) {
    ::close(fd);
    std::filesystem::remove(temporary);
    throw;
  }
  ::close(fd);
  std::filesystem::rename(temporary, file);
}

}  // namespace kavosh::index
