// Plain and compressed byte streams for the readers (see byte_source.hpp).
#include "byte_source.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "kavosh/text/utf8.hpp"

namespace kavosh::index {

namespace {

struct CompressionSuffix {
  std::string_view suffix;  // lowercase
  Compression compression;
  std::string_view name;
};
constexpr CompressionSuffix kCompressionSuffixes[] = {
    {".bz2", Compression::Bzip2, "bzip2"},
    {".gz", Compression::Gzip, "gzip"},
    {".zst", Compression::Zstd, "zstd"},
};

const CompressionSuffix* compression_suffix_of(std::string_view name) {
  for (const CompressionSuffix& entry : kCompressionSuffixes) {
    if (name.size() < entry.suffix.size()) continue;
    const std::string_view tail = name.substr(name.size() - entry.suffix.size());
    if (std::equal(tail.begin(), tail.end(), entry.suffix.begin(),
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }))
      return &entry;
  }
  return nullptr;
}

}  // namespace

Compression compression_of(const std::filesystem::path& file) {
  const CompressionSuffix* entry = compression_suffix_of(file.filename().string());
  return entry ? entry->compression : Compression::None;
}

std::string without_compression_suffix(std::string name) {
  if (const CompressionSuffix* entry = compression_suffix_of(name))
    name.resize(name.size() - entry->suffix.size());
  return name;
}

std::string_view compression_name(Compression compression) {
  for (const CompressionSuffix& entry : kCompressionSuffixes)
    if (entry.compression == compression) return entry.name;
  return "";
}

ByteSource::ByteSource(const std::filesystem::path& file, Compression compression)
    : name_(file.string()), compression_(compression) {
  file_ = std::fopen(name_.c_str(), "rb");
  if (file_ == nullptr) {
    throw std::runtime_error("cannot read " + name_ + ": " + std::strerror(errno));
  }
  bool started = true;
  switch (compression_) {
    case Compression::None:
      break;
    case Compression::Bzip2:
      started = BZ2_bzDecompressInit(&bz_, 0, 0) == BZ_OK;
      bz_open_ = started;
      break;
    case Compression::Gzip:
      // 15 + 32: a gzip or zlib header, read from the data.
      started = inflateInit2(&gz_, 15 + 32) == Z_OK;
      gz_open_ = started;
      break;
    case Compression::Zstd:
      zstd_ = ZSTD_createDStream();
      started = zstd_ != nullptr && !ZSTD_isError(ZSTD_initDStream(zstd_));
      break;
  }
  if (!started) {
    std::fclose(file_);
    if (zstd_ != nullptr) ZSTD_freeDStream(zstd_);
    throw std::runtime_error("cannot start decompressing " + name_);
  }
  if (compression_ != Compression::None) raw_.resize(1 << 16);
  buffer_.resize(1 << 16);
}

ByteSource::~ByteSource() {
  if (bz_open_) BZ2_bzDecompressEnd(&bz_);
  if (gz_open_) inflateEnd(&gz_);
  if (zstd_ != nullptr) ZSTD_freeDStream(zstd_);
  if (file_ != nullptr) std::fclose(file_);
}

std::uint64_t ByteSource::bytes_consumed() const {
  switch (compression_) {
    case Compression::Bzip2:
      return consumed_ - bz_.avail_in;
    case Compression::Gzip:
      return consumed_ - gz_.avail_in;
    case Compression::Zstd:
      return consumed_ - (zstd_in_.size - zstd_in_.pos);
    case Compression::None:
      break;
  }
  return consumed_;
}

std::size_t ByteSource::refill_raw() {
  if (raw_eof_) return 0;
  const std::size_t n = std::fread(raw_.data(), 1, raw_.size(), file_);
  if (n == 0 && std::ferror(file_)) throw std::runtime_error("read error in " + name_);
  if (n == 0) raw_eof_ = true;
  consumed_ += n;
  return n;
}

std::size_t ByteSource::read_raw(char* buffer, std::size_t size) {
  if (encoding_ == Encoding::Unknown) {
    // Four bytes tell UTF-16 (FF FE or FE FF) from UTF-32's FF FE 00 00, which is left for
    // format detection to refuse.
    char head[4];
    std::size_t got = 0;
    while (got < sizeof head) {
      const std::size_t n = read_decompressed(head + got, sizeof head - got);
      if (n == 0) break;
      got += n;
    }
    prefix_.assign(head, got);
    const bool utf32 = starts_as_utf32(prefix_);
    if (!utf32 && prefix_.starts_with("\xFF\xFE")) {
      encoding_ = Encoding::Utf16LittleEndian;
    } else if (!utf32 && prefix_.starts_with("\xFE\xFF")) {
      encoding_ = Encoding::Utf16BigEndian;
    } else {
      encoding_ = Encoding::Utf8;
    }
    if (encoding_ != Encoding::Utf8) {
      prefix_.erase(0, 2);  // the byte order mark
      wide_.resize(1 << 16);
    }
  }
  if (encoding_ != Encoding::Utf8) return read_utf16(buffer, size);
  if (!prefix_.empty()) {
    const std::size_t n = std::min(size, prefix_.size());
    std::memcpy(buffer, prefix_.data(), n);
    prefix_.erase(0, n);
    return n;
  }
  return read_decompressed(buffer, size);
}

std::size_t ByteSource::read_utf16(char* buffer, std::size_t size) {
  const auto emit = [this](char32_t c) { text::append_utf8(decoded_, c); };
  const auto unit = [&](char16_t u) {
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (high_surrogate_ != 0) emit(text::kReplacementCharacter);
      high_surrogate_ = u;
      return;
    }
    if (u >= 0xDC00 && u <= 0xDFFF) {
      if (high_surrogate_ == 0) {
        emit(text::kReplacementCharacter);
      } else {
        emit(0x10000 + ((static_cast<char32_t>(high_surrogate_) - 0xD800) << 10) +
             (static_cast<char32_t>(u) - 0xDC00));
        high_surrogate_ = 0;
      }
      return;
    }
    if (high_surrogate_ != 0) emit(text::kReplacementCharacter);
    high_surrogate_ = 0;
    emit(u);
  };
  const auto bytes = [&](const char* data, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      const auto byte = static_cast<unsigned char>(data[i]);
      if (odd_byte_ < 0) {
        odd_byte_ = byte;
        continue;
      }
      const auto first = static_cast<unsigned>(odd_byte_);
      odd_byte_ = -1;
      unit(static_cast<char16_t>(encoding_ == Encoding::Utf16LittleEndian ? first | (byte << 8)
                                                                          : (first << 8) | byte));
    }
  };
  while (decoded_pos_ == decoded_.size()) {
    decoded_.clear();
    decoded_pos_ = 0;
    if (!prefix_.empty()) {
      bytes(prefix_.data(), prefix_.size());
      prefix_.clear();
      continue;
    }
    const std::size_t n = read_decompressed(wide_.data(), wide_.size());
    if (n == 0) {
      if (odd_byte_ >= 0 || high_surrogate_ != 0) emit(text::kReplacementCharacter);
      odd_byte_ = -1;
      high_surrogate_ = 0;
      if (decoded_.empty()) return 0;
      break;
    }
    bytes(wide_.data(), n);
  }
  const std::size_t n = std::min(size, decoded_.size() - decoded_pos_);
  std::memcpy(buffer, decoded_.data() + decoded_pos_, n);
  decoded_pos_ += n;
  return n;
}

std::size_t ByteSource::read_decompressed(char* buffer, std::size_t size) {
  switch (compression_) {
    case Compression::Bzip2:
      return read_bzip2(buffer, size);
    case Compression::Gzip:
      return read_gzip(buffer, size);
    case Compression::Zstd:
      return read_zstd(buffer, size);
    case Compression::None:
      break;
  }
  const std::size_t n = std::fread(buffer, 1, size, file_);
  consumed_ += n;
  if (n == 0 && std::ferror(file_)) throw std::runtime_error("read error in " + name_);
  return n;
}

std::size_t ByteSource::read_bzip2(char* buffer, std::size_t size) {
  for (;;) {
    if (bz_.avail_in == 0 && !raw_eof_) {
      bz_.avail_in = static_cast<unsigned>(refill_raw());
      bz_.next_in = raw_.data();
    }
    if (bz_.avail_in == 0 && raw_eof_) return 0;
    bz_.next_out = buffer;
    bz_.avail_out = static_cast<unsigned>(size);
    const int status = BZ2_bzDecompress(&bz_);
    const std::size_t produced = size - bz_.avail_out;
    if (status == BZ_STREAM_END) {
      // Concatenated streams (pbzip2, multistream dumps): start the next one.
      BZ2_bzDecompressEnd(&bz_);
      char* next_in = bz_.next_in;
      const unsigned avail_in = bz_.avail_in;
      bz_ = bz_stream{};
      if (BZ2_bzDecompressInit(&bz_, 0, 0) != BZ_OK) {
        bz_open_ = false;
        throw std::runtime_error("cannot restart bzip2 decompression for " + name_);
      }
      bz_.next_in = next_in;
      bz_.avail_in = avail_in;
    } else if (status != BZ_OK) {
      throw DecompressionError("corrupt bzip2 data in " + name_ + " near byte " +
                               std::to_string(bytes_consumed()));
    }
    if (produced > 0) return produced;
  }
}

std::size_t ByteSource::read_gzip(char* buffer, std::size_t size) {
  for (;;) {
    if (gz_.avail_in == 0 && !raw_eof_) {
      gz_.avail_in = static_cast<uInt>(refill_raw());
      gz_.next_in = reinterpret_cast<Bytef*>(raw_.data());
    }
    if (gz_.avail_in == 0 && raw_eof_) {
      // Input ended inside a member (not after one): the file was cut short.
      if (gz_.total_in > 0)
        throw DecompressionError("truncated gzip data in " + name_ + " at byte " +
                                 std::to_string(bytes_consumed()));
      return 0;
    }
    gz_.next_out = reinterpret_cast<Bytef*>(buffer);
    gz_.avail_out = static_cast<uInt>(size);
    const int status = inflate(&gz_, Z_NO_FLUSH);
    const std::size_t produced = size - gz_.avail_out;
    if (status == Z_STREAM_END) {
      // Concatenated members (cat a.gz b.gz, pigz): the next one, if any, starts afresh;
      // total_in 0 marks "between members" for the truncation check above.
      if (inflateReset(&gz_) != Z_OK)
        throw std::runtime_error("cannot restart gzip decompression for " + name_);
    } else if (status != Z_OK && !(status == Z_BUF_ERROR && gz_.avail_in == 0)) {
      throw DecompressionError("corrupt gzip data in " + name_ + " near byte " +
                               std::to_string(bytes_consumed()));
    }
    if (produced > 0) return produced;
  }
}

std::size_t ByteSource::read_zstd(char* buffer, std::size_t size) {
  for (;;) {
    if (zstd_in_.pos == zstd_in_.size && !raw_eof_) {
      zstd_in_ = ZSTD_inBuffer{raw_.data(), refill_raw(), 0};
    }
    if (zstd_in_.pos == zstd_in_.size && raw_eof_) {
      if (zstd_pending_ != 0)
        throw DecompressionError("truncated zstd data in " + name_ + " at byte " +
                                 std::to_string(bytes_consumed()));
      return 0;
    }
    ZSTD_outBuffer out{buffer, size, 0};
    const std::size_t hint = ZSTD_decompressStream(zstd_, &out, &zstd_in_);
    if (ZSTD_isError(hint))
      throw DecompressionError("corrupt zstd data in " + name_ + " near byte " +
                               std::to_string(bytes_consumed()) + ": " + ZSTD_getErrorName(hint));
    zstd_pending_ = hint;
    if (out.pos > 0) return out.pos;
  }
}

std::size_t ByteSource::read(char* buffer, std::size_t size) {
  if (buffer_pos_ < buffer_end_) {
    const std::size_t n = std::min(size, buffer_end_ - buffer_pos_);
    std::memcpy(buffer, buffer_.data() + buffer_pos_, n);
    buffer_pos_ += n;
    return n;
  }
  return read_raw(buffer, size);
}

std::string_view ByteSource::peek() {
  if (buffer_pos_ >= buffer_end_) fill();
  return {buffer_.data() + buffer_pos_, buffer_end_ - buffer_pos_};
}

bool ByteSource::fill() {
  if (eof_) return false;
  buffer_end_ = read_raw(buffer_.data(), buffer_.size());
  buffer_pos_ = 0;
  if (buffer_end_ == 0) eof_ = true;
  return buffer_end_ > 0;
}

bool ByteSource::read_line_pieces(const std::function<void(std::string_view)>& consume) {
  bool any = false;
  for (;;) {
    if (buffer_pos_ >= buffer_end_ && !fill()) break;
    any = true;
    const char* begin = buffer_.data() + buffer_pos_;
    const std::size_t available = buffer_end_ - buffer_pos_;
    const void* newline = std::memchr(begin, '\n', available);
    const std::size_t take = newline ? static_cast<const char*>(newline) - begin : available;
    if (take > 0) consume(std::string_view(begin, take));
    buffer_pos_ += take;
    if (newline) {
      ++buffer_pos_;
      break;
    }
  }
  return any;
}

bool ByteSource::read_line(std::string& line, bool& overlong, std::size_t max_line) {
  line.clear();
  overlong = false;
  const bool any = read_line_pieces([&](std::string_view piece) {
    if (overlong) return;
    if (line.size() + piece.size() > max_line) {
      line.append(piece.substr(0, max_line - line.size()));
      overlong = true;
    } else {
      line.append(piece);
    }
  });
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return any;
}

}  // namespace kavosh::index
