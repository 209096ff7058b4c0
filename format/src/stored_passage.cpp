// Encoding and bounds-checked decoding of the stored passage record (layout in the header).
#include "kavosh/format/stored_passage.hpp"

namespace kavosh::index {
namespace {

void put_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void put_string(std::string& out, std::string_view text) {
  put_varint(out, text.size());
  out.append(text);
}

void put_u32(std::string& out, std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8)
    out.push_back(static_cast<char>((value >> shift) & 0xFF));
}

std::uint64_t zigzag(std::int64_t value) {
  return (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
}

std::int64_t unzigzag(std::uint64_t value) {
  return static_cast<std::int64_t>(value >> 1) ^ -static_cast<std::int64_t>(value & 1);
}

// Reads a record front to back; every read checks the remaining length first.
class RecordReader {
 public:
  RecordReader(std::string_view bytes, std::size_t base_offset)
      : bytes_(bytes), base_(base_offset) {}

  [[noreturn]] void fail(const char* what) const {
    throw CorruptStoredPassage("corrupt stored passage record at byte " +
                               std::to_string(base_ + at_) + ": " + what);
  }

  std::uint64_t varint(const char* what, unsigned max_bits = 64) {
    // One byte is the common case (offsets are deltas, lengths short): no loop for it.
    if (at_ < bytes_.size() && static_cast<unsigned char>(bytes_[at_]) < 0x80)
      return static_cast<unsigned char>(bytes_[at_++]);
    std::uint64_t value = 0;
    for (unsigned shift = 0;; shift += 7) {
      if (at_ >= bytes_.size() || shift >= 64) fail(what);
      const auto byte = static_cast<unsigned char>(bytes_[at_++]);
      const std::uint64_t bits = byte & 0x7F;
      if (shift == 63 && bits > 1) fail(what);  // more than 64 bits
      value |= bits << shift;
      if ((byte & 0x80) == 0) {
        if (max_bits < 64 && (value >> max_bits) != 0) fail(what);
        return value;
      }
    }
  }

  std::uint32_t u32(const char* what) {
    if (bytes_.size() - at_ < 4) fail(what);
    std::uint32_t value = 0;
    for (int k = 0; k < 4; ++k)
      value |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes_[at_ + k])) << (8 * k);
    at_ += 4;
    return value;
  }

  std::string_view string(const char* what) {
    const std::uint64_t length = varint(what);
    if (length > bytes_.size() - at_) fail(what);
    const std::string_view text = bytes_.substr(at_, length);
    at_ += length;
    return text;
  }

  unsigned char byte(const char* what) {
    if (at_ >= bytes_.size()) fail(what);
    return static_cast<unsigned char>(bytes_[at_++]);
  }

  std::size_t offset() const { return at_; }
  std::string_view rest() const { return bytes_.substr(at_); }
  bool done() const { return at_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  std::size_t base_;
  std::size_t at_ = 0;
};

}  // namespace

std::string encode(const StoredPassage& passage) {
  std::string out;
  out.reserve(64 + passage.article.size() + passage.title.size() + passage.section.size() +
              passage.text.size() + passage.source.size() + 10 * passage.tokens.size());
  out.push_back(static_cast<char>(kStoredPassageFormat));
  put_varint(out, passage.passage);
  put_string(out, passage.article);
  put_string(out, passage.title);
  put_string(out, passage.section);
  put_string(out, passage.lang);
  put_string(out, passage.text);
  put_string(out, passage.source);
  put_string(out, passage.date);
  put_varint(out, passage.fields.size());
  for (const auto& [name, value] : passage.fields) {
    put_string(out, name);
    put_string(out, value);
  }
  put_varint(out, passage.tokens.size());
  std::int64_t previous_begin = 0;
  for (const StoredToken& token : passage.tokens) {
    if (token.end < token.begin || token.end > passage.text.size())
      throw std::invalid_argument("stored passage token [" + std::to_string(token.begin) + ", " +
                                  std::to_string(token.end) + ") outside the text of " +
                                  std::to_string(passage.text.size()) + " bytes");
    put_varint(out, zigzag(static_cast<std::int64_t>(token.begin) - previous_begin));
    previous_begin = token.begin;
    put_varint(out, token.end - token.begin);
    const bool compound = token.span != 1;
    const bool own_stem = token.stem_hash != token.term_hash;
    put_varint(out, (compound ? 1u : 0u) | (own_stem ? 2u : 0u));
    if (compound) put_varint(out, token.span);
    put_u32(out, token.term_hash);
    if (own_stem) put_u32(out, token.stem_hash);
  }
  return out;
}

// Over 80 lines; to be split by whoever next changes it (issue 23).
// NOLINTNEXTLINE(readability-function-size)
StoredPassageView StoredPassageView::parse(std::string_view record) {
  RecordReader in(record, 0);
  // Documents written before schema 2 have no record (their data held JSON).
  if (record.empty())
    throw CorruptStoredPassage(
        "no stored passage record (written before index schema 2?): re-index with "
        "kavosh-index --rebuild");
  if (record.front() == '{')
    throw CorruptStoredPassage(
        "stored passage is in the schema 1 (JSON) format: re-index with kavosh-index --rebuild");
  const unsigned char format = in.byte("format byte");
  if (format != kStoredPassageFormat)
    throw CorruptStoredPassage(
        "stored passage record format " + std::to_string(format) + " is not the supported format " +
        std::to_string(kStoredPassageFormat) + ": re-index with kavosh-index --rebuild");
  StoredPassageView view;
  view.passage = static_cast<std::uint32_t>(in.varint("passage number", 32));
  view.article = in.string("article");
  view.title = in.string("title");
  view.section = in.string("section");
  view.lang = in.string("lang");
  view.text = in.string("text");
  view.source = in.string("source");
  view.date = in.string("date");
  const std::size_t fields_begin = in.offset();
  const std::uint64_t field_count = in.varint("field count");
  for (std::uint64_t i = 0; i < field_count; ++i) {
    in.string("field name");
    in.string("field value");
  }
  view.field_table = record.substr(fields_begin, in.offset() - fields_begin);
  view.token_table_offset = in.offset();
  view.token_table = in.rest();
  return view;
}

std::vector<std::pair<std::string_view, std::string_view>> StoredPassageView::fields() const {
  RecordReader in(field_table, 0);  // checked by parse()
  std::vector<std::pair<std::string_view, std::string_view>> out;
  const std::uint64_t count = in.varint("field count");
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::string_view name = in.string("field name");
    out.emplace_back(name, in.string("field value"));
  }
  return out;
}

void StoredPassageView::decode_tokens(std::vector<StoredToken>& out) const {
  out.clear();
  RecordReader in(token_table, token_table_offset);
  const std::uint64_t count = in.varint("token count");
  // Each token takes at least 7 bytes, so a corrupt count cannot make us reserve gigabytes.
  if (count > token_table.size() / 7 + 1) in.fail("token count larger than the record");
  out.resize(count);
  std::int64_t begin = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    StoredToken& token = out[i];
    begin += unzigzag(in.varint("token begin", 33));
    const std::uint64_t length = in.varint("token length", 32);
    if (begin < 0 || static_cast<std::uint64_t>(begin) > text.size() ||
        length > text.size() - static_cast<std::uint64_t>(begin))
      in.fail("token outside the text");
    token.begin = static_cast<std::uint32_t>(begin);
    token.end = static_cast<std::uint32_t>(begin + static_cast<std::int64_t>(length));
    const std::uint64_t flags = in.varint("token flags");
    if (flags > 3) in.fail("unknown token flags");
    token.span = (flags & 1) ? static_cast<std::uint32_t>(in.varint("token span", 32)) : 1;
    token.term_hash = in.u32("term hash");
    token.stem_hash = (flags & 2) ? in.u32("stem hash") : token.term_hash;
  }
  if (!in.done()) in.fail("bytes after the token table");
}

StoredPassage decode(std::string_view record) {
  const StoredPassageView view = StoredPassageView::parse(record);
  StoredPassage passage;
  passage.article = view.article;
  passage.passage = view.passage;
  passage.title = view.title;
  passage.section = view.section;
  passage.lang = view.lang;
  passage.text = view.text;
  passage.source = view.source;
  passage.date = view.date;
  for (const auto& [name, value] : view.fields()) passage.fields.emplace_back(name, value);
  view.decode_tokens(passage.tokens);
  return passage;
}

}  // namespace kavosh::index
