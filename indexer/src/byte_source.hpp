#pragma once
// Internal: a byte stream over a plain or bzip2-compressed file, with a line reader on top.
// Readers stream through it, so memory does not grow with the file.
#include <bzlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kavosh::index {

class ByteSource {
 public:
  // Opens `file`; decompresses when `bzip2` is true. Throws std::runtime_error.
  ByteSource(const std::filesystem::path& file, bool bzip2);
  ~ByteSource();
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  // Up to `size` bytes; 0 at the end. Throws std::runtime_error on a corrupt bzip2 stream.
  std::size_t read(char* buffer, std::size_t size);
  // Next line without its '\n' (and '\r'); false at the end. Lines longer than max_line are
  // cut: `overlong` is set and the rest of the line is skipped.
  bool read_line(std::string& line, bool& overlong, std::size_t max_line);
  // Next line as it comes from the buffer, in pieces (none empty) that `consume` must copy
  // what it keeps of; the '\n' is not passed. False at the end. Memory does not grow with
  // the line.
  bool read_line_pieces(const std::function<void(std::string_view)>& consume);
  std::uint64_t bytes_consumed() const;  // from the file (compressed bytes for bzip2)
  // The bytes read ahead (a first block is read if none is), not consumed: a reader may look
  // at how its input starts.
  std::string_view peek();

 private:
  std::size_t read_raw(char* buffer, std::size_t size);
  bool fill();

  std::FILE* file_ = nullptr;
  std::string name_;
  bool bzip2_ = false;
  bool bz_open_ = false;
  bool raw_eof_ = false;
  bz_stream bz_{};
  std::vector<char> raw_;
  std::uint64_t consumed_ = 0;
  // Buffer for read_line.
  std::vector<char> buffer_;
  std::size_t buffer_pos_ = 0;
  std::size_t buffer_end_ = 0;
  bool eof_ = false;
};

}  // namespace kavosh::index
