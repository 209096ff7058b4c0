#pragma once
// Internal: a byte stream over a plain, bzip2-, gzip- or zstd-compressed file, with a line
// reader on top. Readers stream through it, so memory does not grow with the file.
#include <bzlib.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kavosh::index {

// How a file is compressed, from its name: .bz2 (Wikipedia dumps), .gz (TREC collections,
// BEIR and MS MARCO corpora), .zst; anything else is read as it is.
enum class Compression { None, Bzip2, Gzip, Zstd };
Compression compression_of(const std::filesystem::path& file);
// The file name without the suffix compression_of read ("docs.jsonl.gz" -> "docs.jsonl").
std::string without_compression_suffix(std::string name);
// "bzip2", "gzip", "zstd"; empty for None.
std::string_view compression_name(Compression compression);
// Whether text starts with a UTF-32 byte order mark (FF FE 00 00 or 00 00 FE FF), which a
// ByteSource does not decode (it does UTF-16's).
inline bool starts_as_utf32(std::string_view text) {
  using namespace std::string_view_literals;
  return text.starts_with("\xFF\xFE\0\0"sv) || text.starts_with("\0\0\xFE\xFF"sv);
}

// Compressed data that cannot be decompressed (corrupt, or cut short), as against a file that
// cannot be opened or read at all (std::runtime_error).
struct DecompressionError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ByteSource {
 public:
  // Opens `file`, decompressing as `compression` says. Throws std::runtime_error.
  ByteSource(const std::filesystem::path& file, Compression compression);
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
  // The file's text as UTF-8: what read_decompressed gives (a UTF-8 byte order mark is kept,
  // for the readers to skip), or, when that starts with a UTF-16 byte order mark, transcoded.
  std::size_t read_raw(char* buffer, std::size_t size);
  std::size_t read_utf16(char* buffer, std::size_t size);
  std::size_t read_decompressed(char* buffer, std::size_t size);
  std::size_t read_bzip2(char* buffer, std::size_t size);
  std::size_t read_gzip(char* buffer, std::size_t size);
  std::size_t read_zstd(char* buffer, std::size_t size);
  // Refills raw_ with compressed bytes once the decompressor has taken all it had; returns
  // how many (0 at the end of the file).
  std::size_t refill_raw();
  bool fill();

  std::FILE* file_ = nullptr;
  std::string name_;
  Compression compression_ = Compression::None;
  bool bz_open_ = false;
  bool raw_eof_ = false;
  bz_stream bz_{};
  bool gz_open_ = false;
  z_stream gz_{};
  ZSTD_DStream* zstd_ = nullptr;
  ZSTD_inBuffer zstd_in_{};
  std::size_t zstd_pending_ = 0;  // ZSTD_decompressStream's hint: 0 when a frame has ended
  std::vector<char> raw_;
  // Text encoding, from the first bytes: Windows' "Unicode" text is UTF-16 with a byte order
  // mark, and is read as UTF-8 (unpaired surrogates and an odd last byte as U+FFFD).
  enum class Encoding { Unknown, Utf8, Utf16LittleEndian, Utf16BigEndian };
  Encoding encoding_ = Encoding::Unknown;
  std::string prefix_;  // the first bytes read to tell the encoding, still to be returned
  std::vector<char> wide_;
  std::string decoded_;
  std::size_t decoded_pos_ = 0;
  int odd_byte_ = -1;            // a UTF-16 unit's first byte, waiting for its second
  char16_t high_surrogate_ = 0;  // waiting for its low surrogate
  std::uint64_t consumed_ = 0;
  // Buffer for read_line.
  std::vector<char> buffer_;
  std::size_t buffer_pos_ = 0;
  std::size_t buffer_end_ = 0;
  bool eof_ = false;
};

}  // namespace kavosh::index
