// Plain/bzip2 byte streams for the readers (see byte_source.hpp).
#include "byte_source.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace kavosh::index {

ByteSource::ByteSource(const std::filesystem::path& file, bool bzip2)
    : name_(file.string()), bzip2_(bzip2) {
  file_ = std::fopen(name_.c_str(), "rb");
  if (file_ == nullptr) {
    throw std::runtime_error("cannot read " + name_ + ": " + std::strerror(errno));
  }
  if (bzip2_) {
    raw_.resize(1 << 16);
    if (BZ2_bzDecompressInit(&bz_, 0, 0) != BZ_OK) {
      std::fclose(file_);
      throw std::runtime_error("cannot start bzip2 decompression for " + name_);
    }
    bz_open_ = true;
  }
  buffer_.resize(1 << 16);
}

ByteSource::~ByteSource() {
  if (bz_open_) BZ2_bzDecompressEnd(&bz_);
  if (file_ != nullptr) std::fclose(file_);
}

std::uint64_t ByteSource::bytes_consumed() const {
  return bzip2_ ? consumed_ - bz_.avail_in : consumed_;
}

std::size_t ByteSource::read_raw(char* buffer, std::size_t size) {
  if (!bzip2_) {
    const std::size_t n = std::fread(buffer, 1, size, file_);
    consumed_ += n;
    if (n == 0 && std::ferror(file_)) throw std::runtime_error("read error in " + name_);
    return n;
  }
  for (;;) {
    if (bz_.avail_in == 0 && !raw_eof_) {
      const std::size_t n = std::fread(raw_.data(), 1, raw_.size(), file_);
      if (n == 0 && std::ferror(file_)) throw std::runtime_error("read error in " + name_);
      if (n == 0) raw_eof_ = true;
      consumed_ += n;
      bz_.next_in = raw_.data();
      bz_.avail_in = static_cast<unsigned>(n);
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
      throw std::runtime_error("corrupt bzip2 data in " + name_ + " near byte " +
                               std::to_string(bytes_consumed()));
    }
    if (produced > 0) return produced;
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
