// Plain and compressed byte streams for the readers (see byte_source.hpp).
#include "byte_source.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace kavosh::index {

Compression compression_of(const std::filesystem::path& file) {
  std::string name = file.filename().string();
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name.ends_with(".bz2")) return Compression::Bzip2;
  if (name.ends_with(".gz")) return Compression::Gzip;
  if (name.ends_with(".zst")) return Compression::Zstd;
  return Compression::None;
}

std::string without_compression_suffix(std::string name) {
  switch (compression_of(name)) {
    case Compression::Bzip2:
      name.resize(name.size() - 4);
      break;
    case Compression::Gzip:
      name.resize(name.size() - 3);
      break;
    case Compression::Zstd:
      name.resize(name.size() - 4);
      break;
    case Compression::None:
      break;
  }
  return name;
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
