#pragma once
// Shared by the libFuzzer targets: the invariant check, an in-memory file for readers that
// take a path, a UTF-8 validity check, and the small index the query and side-file targets
// run against (built once per process from the indexer's test fixtures).
#include <sys/mman.h>
#include <unistd.h>
#include <xapian.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "kavosh/index/corpus.hpp"
#include "kavosh/index/writer.hpp"

namespace kavosh::fuzz {

// A broken invariant is a crash, so libFuzzer keeps the input; `what` says which one.
inline void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
    std::abort();
  }
}

// An anonymous in-memory file holding the input, reachable by path through /proc/self/fd:
// the readers stream from a path, and this keeps the fuzzer off the disk.
class MemoryFile {
 public:
  MemoryFile() : fd_(::memfd_create("kavosh-fuzz", 0)) { require(fd_ >= 0, "memfd_create"); }
  ~MemoryFile() { ::close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  void assign(const std::uint8_t* data, std::size_t size) {
    require(::ftruncate(fd_, 0) == 0, "ftruncate");
    std::size_t written = 0;
    while (written < size) {
      const ssize_t n = ::pwrite(fd_, data + written, size - written, static_cast<off_t>(written));
      require(n > 0, "pwrite");
      written += static_cast<std::size_t>(n);
    }
  }
  std::filesystem::path path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

inline bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t code_point = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code_point = lead & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    const std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < smallest[length] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF))
      return false;
    i += length;
  }
  return true;
}

// The fixtures' index, in a directory removed at exit. Built with one shard and no analysis
// thread so that the process stays single-threaded for libFuzzer.
inline const std::filesystem::path& fixture_index() {
  static const std::filesystem::path path = [] {
    const auto directory = std::filesystem::temp_directory_path() /
                           ("kavosh-fuzz-index-" + std::to_string(::getpid()));
    std::filesystem::remove_all(directory);
    const std::filesystem::path fixtures =
        std::filesystem::path(KAVOSH_SOURCE_DIR) / "tests/fixtures/indexer";
    index::WriterOptions options;
    options.shards = 1;
    options.analysis_thread = false;
    {
      index::IndexWriter writer(directory, options);
      index::index_corpus(index::list_corpus_files({fixtures}), writer, {});
      writer.commit();
    }
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(std::filesystem::temp_directory_path() /
                                      ("kavosh-fuzz-index-" + std::to_string(::getpid())),
                                  ignored);
    });
    return directory;
  }();
  return path;
}

// An index with long posting lists, so that match.data has blocks: 800 articles of words
// drawn from a small vocabulary. Built like fixture_index(); its side files are written by
// the writer's commit at the end.
inline const std::filesystem::path& side_file_index() {
  static const std::filesystem::path path = [] {
    const auto directory = std::filesystem::temp_directory_path() /
                           ("kavosh-fuzz-side-index-" + std::to_string(::getpid()));
    std::filesystem::remove_all(directory);
    index::WriterOptions options;
    options.shards = 1;
    options.analysis_thread = false;
    {
      index::IndexWriter writer(directory, options);
      std::uint32_t state = 12345;
      for (int a = 0; a < 800; ++a) {
        index::Article article;
        article.id = "a" + std::to_string(a);
        article.title = "Article " + std::to_string(a);
        article.language = "en";
        std::string text;
        const int words = 5 + a % 40;
        for (int w = 0; w < words; ++w) {
          state = state * 1103515245u + 12345u;
          text += "word" + std::to_string((state >> 16) % (w % 3 == 0 ? 5 : 300)) + " ";
        }
        article.passages.push_back(index::Passage{{}, text, {}});
        writer.add(std::move(article));
      }
      writer.commit();
    }
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(std::filesystem::temp_directory_path() /
                                      ("kavosh-fuzz-side-index-" + std::to_string(::getpid())),
                                  ignored);
    });
    return directory;
  }();
  return path;
}

// Applies the fuzzer's edits to a pristine file's bytes: input byte 0 picks truncation (low
// bits, as a fraction of the size) or appending (the rest of the input), then each 3 bytes
// XOR one byte (a 16-bit offset scaled to the file's size) with a non-zero value. Returns the
// lowest offset changed (file size when nothing changed).
inline std::size_t mutate(std::string& file, const std::uint8_t* data, std::size_t size) {
  std::size_t lowest = file.size();
  if (size == 0) return lowest;
  const std::size_t original_size = file.size();
  std::size_t at = 1;
  for (; at + 3 <= size; at += 3) {
    if (file.empty()) break;
    const std::size_t offset =
        ((static_cast<std::size_t>(data[at]) << 8 | data[at + 1]) * file.size()) >> 16;
    const std::uint8_t flip = data[at + 2] == 0 ? 1 : data[at + 2];
    file[offset] = static_cast<char>(static_cast<std::uint8_t>(file[offset]) ^ flip);
    lowest = std::min(lowest, offset);
  }
  if ((data[0] & 3) == 1) {
    file.resize(original_size * (data[0] >> 2) / 64);
    lowest = std::min(lowest, file.size());
  } else if ((data[0] & 3) == 2) {
    file.append(reinterpret_cast<const char*>(data) + at, size - at);
    file.push_back('\0');
    lowest = std::min(lowest, original_size);
  }
  return lowest;
}

// Every term of the index, for probing a side file against the database it describes.
inline std::vector<std::string> all_terms(const Xapian::Database& database) {
  std::vector<std::string> all;
  for (auto it = database.allterms_begin(); it != database.allterms_end(); ++it) all.push_back(*it);
  return all;
}

inline std::string read_whole(const std::filesystem::path& file) {
  std::string bytes;
  std::FILE* in = std::fopen(file.c_str(), "rb");
  require(in != nullptr, "cannot open a side file");
  char buffer[65536];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, in)) > 0) bytes.append(buffer, n);
  std::fclose(in);
  return bytes;
}

inline void write_whole(const std::filesystem::path& file, const std::string& bytes) {
  std::FILE* out = std::fopen(file.c_str(), "wb");
  require(out != nullptr, "cannot write a side file");
  require(std::fwrite(bytes.data(), 1, bytes.size(), out) == bytes.size(), "short write");
  std::fclose(out);
}

}  // namespace kavosh::fuzz
