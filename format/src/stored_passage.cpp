// Encoding and bounds-checked decoding of the stored passage record (layout in the header).
#include "kavosh/format/stored_passage.hpp"

#include <lz4.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <optional>

#include "kavosh/format/record_dictionary.hpp"
#include "kavosh/text/ascii.hpp"
#include "varint.hpp"

namespace kavosh::index {
namespace {

// Token flags (see the layout in the header).
constexpr unsigned kSpan = 1;
constexpr unsigned kTermHash = 2;
constexpr unsigned kStemEdit = 4;
constexpr unsigned kStemHash = 8;
constexpr unsigned kFlagBits = 4;

// Bodies shorter than this are stored raw: LZ4 saves little on them.
constexpr std::size_t kMinCompressedBody = 64;
constexpr std::size_t kRecordHeaderBytes = 2;  // format byte, compression byte
// LZ4 writes at most 255 bytes of match length per input byte: a larger claimed size is
// corruption, never an allocation. zstd can write more (a repeated byte), so the encoder
// stores such a body with LZ4, and the same bound holds for every record.
constexpr std::size_t kMaxExpansion = 256;

}  // namespace

// 8 bytes at a time, so that it costs a fraction of the decompression it guards (FNV-1a per
// byte would cost more than LZ4 itself).
std::uint32_t stored_checksum(std::string_view bytes) {
  constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15ull;
  std::uint64_t hash = bytes.size() * kMultiplier;
  std::size_t at = 0;
  for (; at + 8 <= bytes.size(); at += 8) {
    std::uint64_t word;
    std::memcpy(&word, bytes.data() + at, 8);
    // Little-endian words on every host: the checksum is stored in the index.
    if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
    hash = (hash ^ word) * kMultiplier;
    hash ^= hash >> 29;
  }
  for (; at < bytes.size(); ++at) {
    hash = (hash ^ static_cast<unsigned char>(bytes[at])) * kMultiplier;
    hash ^= hash >> 29;
  }
  return static_cast<std::uint32_t>(hash >> 32);
}

namespace {

// FNV-1a 64 of `bytes` with ASCII letters lowercased, and of its first `prefix` bytes.
struct LoweredHashes {
  std::uint64_t whole = schema::kFnv1aOffsetBasis;
  std::uint64_t prefix = schema::kFnv1aOffsetBasis;
};
// One byte into an FNV-1a hash, lowercased if an ASCII letter. Snippets hash every token of
// every hit's record, so no branch on the letter.
std::uint64_t add_lowered(std::uint64_t hash, char c) {
  const auto byte = static_cast<unsigned char>(c);
  const char lowered =
      static_cast<char>(byte + (static_cast<unsigned char>(byte - 'A') < 26 ? 32 : 0));
  return schema::fnv1a_64(std::string_view(&lowered, 1), hash);
}

LoweredHashes lowered_fnv(std::string_view bytes, std::size_t prefix) {
  prefix = std::min(prefix, bytes.size());
  std::uint64_t hash = schema::kFnv1aOffsetBasis;
  for (std::size_t i = 0; i < prefix; ++i) hash = add_lowered(hash, bytes[i]);
  LoweredHashes hashes;
  hashes.prefix = hash;
  for (std::size_t i = prefix; i < bytes.size(); ++i) hash = add_lowered(hash, bytes[i]);
  hashes.whole = hash;
  return hashes;
}

// Stems the encoder tries as edits of the term: Snowball's English stems cut a suffix and
// often end in "i" or "e" where the word had "y" or more ("happy" -> "happi", "hopeful" ->
// "hope"); Persian's cut suffixes. An edit is only a shorter way to write the stem's hash,
// checked against it, so a stem these miss costs its 4 bytes and nothing else.
constexpr std::string_view kStemEndings[] = {"", "i", "e"};
constexpr std::size_t kMaxStemCut = 8;

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

  [[noreturn]] void fail(const std::string& what) const {
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

  std::size_t offset() const { return at_; }
  std::string_view rest() const { return bytes_.substr(at_); }
  bool done() const { return at_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  std::size_t base_;
  std::size_t at_ = 0;
};

}  // namespace

namespace {

// The edit (cut, ending) that turns `term` into a stem hashing to `stem_hash`, if one of
// kStemEndings after at most kMaxStemCut bytes does.
std::optional<std::pair<std::size_t, std::string_view>> find_stem_edit(std::string_view term,
                                                                       std::uint32_t stem_hash) {
  std::uint64_t prefixes[kMaxStemCut + 1];  // prefixes[c]: FNV of the term without c bytes
  const std::size_t max_cut = std::min(kMaxStemCut, term.size());
  std::uint64_t hash = lowered_fnv(term, term.size() - max_cut).prefix;
  prefixes[max_cut] = hash;
  for (std::size_t cut = max_cut; cut > 0; --cut) {
    hash = add_lowered(hash, term[term.size() - cut]);
    prefixes[cut - 1] = hash;
  }
  for (const std::string_view ending : kStemEndings) {
    for (std::size_t cut = 0; cut <= max_cut; ++cut) {
      if (token_hash_of_fnv(schema::fnv1a_64(ending, prefixes[cut])) == stem_hash)
        return std::pair{cut, ending};
    }
  }
  return std::nullopt;
}

void put_token_table(std::string& out, const StoredPassage& passage) {
  put_varint(out, passage.tokens.size());
  std::int64_t previous_end = 0;
  for (const StoredToken& token : passage.tokens) {
    if (token.end < token.begin || token.end > passage.text.size())
      throw std::invalid_argument("stored passage token [" + std::to_string(token.begin) + ", " +
                                  std::to_string(token.end) + ") outside the text of " +
                                  std::to_string(passage.text.size()) + " bytes");
    put_varint(out, zigzag(static_cast<std::int64_t>(token.begin) - previous_end));
    previous_end = token.end;
    const std::string_view text =
        std::string_view(passage.text).substr(token.begin, token.end - token.begin);
    unsigned flags = token.span != 1 ? kSpan : 0;
    if (token_hash_of_fnv(lowered_fnv(text, text.size()).whole) != token.term_hash)
      flags |= kTermHash;
    std::optional<std::pair<std::size_t, std::string_view>> stem_edit;
    if (token.stem_hash != token.term_hash) {
      if (!(flags & kTermHash)) stem_edit = find_stem_edit(text, token.stem_hash);
      flags |= stem_edit ? kStemEdit : kStemHash;
    }
    put_varint(out, (static_cast<std::uint64_t>(text.size()) << kFlagBits) | flags);
    if (flags & kSpan) put_varint(out, token.span);
    if (flags & kTermHash) put_u32(out, token.term_hash);
    if (stem_edit) {
      put_varint(out, stem_edit->first);
      put_string(out, stem_edit->second);
    } else if (flags & kStemHash) {
      put_u32(out, token.stem_hash);
    }
  }
}

}  // namespace

std::string encode_body(const StoredPassage& passage) {
  std::string out;
  out.reserve(64 + passage.article.size() + passage.title.size() + passage.section.size() +
              passage.text.size() + passage.source.size() + 4 * passage.tokens.size());
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
  put_token_table(out, passage);
  return out;
}

std::string encode(const StoredPassage& passage, const RecordDictionary* dictionary) {
  return compress_record(encode_body(passage), dictionary);
}

std::string compress_record(std::string_view body, const RecordDictionary* dictionary) {
  std::string record;
  record.push_back(static_cast<char>(kStoredPassageFormat));
  if (dictionary && body.size() >= kMinCompressedBody && body.size() <= LZ4_MAX_INPUT_SIZE) {
    const std::string frame = dictionary->compress(body);
    record.push_back(static_cast<char>(kStoredZstd));
    put_varint(record, body.size());
    put_u32(record, stored_checksum(body));
    put_u32(record, dictionary->id());
    if (!frame.empty() && frame.size() + record.size() - kRecordHeaderBytes < body.size() &&
        body.size() <= frame.size() * kMaxExpansion) {
      record += frame;
      return record;
    }
    record.resize(1);
  }
  if (body.size() >= kMinCompressedBody && body.size() <= LZ4_MAX_INPUT_SIZE) {
    record.push_back(static_cast<char>(kStoredLz4));
    put_varint(record, body.size());
    put_u32(record, stored_checksum(body));
    const std::size_t header = record.size();
    const int bound = LZ4_compressBound(static_cast<int>(body.size()));
    record.resize(header + static_cast<std::size_t>(bound));
    // LZ4's fast mode: its high-compression mode (level 9) made GCIDE's records 1.8 % smaller
    // for 11 times the instructions (300 000 a record). Reusing a stream per thread saves the
    // 16 KB table this clears per call (16 000 of its 26 000 instructions a record) but made
    // records 2 % larger (stale table entries cost matches).
    const int size = LZ4_compress_default(body.data(), record.data() + header,
                                          static_cast<int>(body.size()), bound);
    if (size > 0 && static_cast<std::size_t>(size) + header - kRecordHeaderBytes < body.size()) {
      record.resize(header + static_cast<std::size_t>(size));
      return record;
    }
    record.resize(1);
  }
  record.push_back(static_cast<char>(kStoredRaw));
  record += body;
  return record;
}

namespace {

// The body of a record (after the header checks): the record's own bytes when raw, else
// decompressed into `buffer`; and where it starts in the record, for messages (0 when
// decompressed: offsets then count in the body).
struct RecordBody {
  std::string_view bytes;
  std::size_t base = 0;
};
RecordBody record_body(std::string_view record, std::string& buffer,
                       const RecordDictionaries* dictionaries) {
  // Documents written before schema 2 have no record (their data held JSON).
  if (record.empty())
    throw CorruptStoredPassage(
        "no stored passage record (written before index schema 2?): re-index with "
        "kavosh-index --rebuild");
  if (record.front() == '{')
    throw CorruptStoredPassage(
        "stored passage is in the schema 1 (JSON) format: re-index with kavosh-index --rebuild");
  const auto format = static_cast<unsigned char>(record[0]);
  if (format != kStoredPassageFormat)
    throw CorruptStoredPassage(
        "stored passage record format " + std::to_string(format) + " is not the supported format " +
        std::to_string(kStoredPassageFormat) + ": re-index with kavosh-index --rebuild");
  if (record.size() < kRecordHeaderBytes)
    throw CorruptStoredPassage("corrupt stored passage record at byte 1: compression byte");
  const auto compression = static_cast<unsigned char>(record[1]);
  const std::string_view payload = record.substr(kRecordHeaderBytes);
  if (compression == kStoredRaw) return {payload, kRecordHeaderBytes};
  if (compression != kStoredLz4 && compression != kStoredZstd)
    throw CorruptStoredPassage("corrupt stored passage record at byte 1: unknown compression " +
                               std::to_string(compression));
  RecordReader in(payload, kRecordHeaderBytes);
  const std::uint64_t size = in.varint("body size", 31);
  const std::uint32_t checksum = in.u32("body checksum");
  const std::uint32_t dictionary = compression == kStoredZstd ? in.u32("dictionary id") : 0;
  const std::string_view block = in.rest();
  if (size > block.size() * kMaxExpansion) in.fail("body size larger than the block holds");
  if (compression == kStoredZstd && !(dictionaries && dictionaries->knows(dictionary)))
    in.fail("compressed with record dictionary " + dictionary_id_hex(dictionary) +
            ", which the index does not hold");
  buffer.resize(size);
  if (compression == kStoredZstd) {
    if (!dictionaries->decompress(dictionary, block, buffer)) in.fail("corrupt compressed body");
  } else {
    const int got = LZ4_decompress_safe(block.data(), buffer.data(), static_cast<int>(block.size()),
                                        static_cast<int>(size));
    if (got < 0 || static_cast<std::uint64_t>(got) != size) in.fail("corrupt compressed body");
  }
  if (stored_checksum(buffer) != checksum) in.fail("compressed body fails its checksum");
  return {buffer, 0};
}

}  // namespace

StoredPassageView StoredPassageView::parse(std::string_view record, std::string& buffer,
                                           const RecordDictionaries* dictionaries) {
  const auto [body, base] = record_body(record, buffer, dictionaries);
  RecordReader in(body, base);
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
  view.field_table = body.substr(fields_begin, in.offset() - fields_begin);
  view.token_table_offset = base + in.offset();
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
  // Each token takes at least 2 bytes, so a corrupt count cannot make us reserve gigabytes.
  if (count > token_table.size() / 2 + 1) in.fail("token count larger than the record");
  out.resize(count);
  std::int64_t previous_end = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    StoredToken& token = out[i];
    const std::int64_t begin = previous_end + unzigzag(in.varint("token begin", 34));
    const std::uint64_t head = in.varint("token length", 32 + kFlagBits);
    const std::uint64_t length = head >> kFlagBits;
    const unsigned flags = static_cast<unsigned>(head & ((1u << kFlagBits) - 1));
    if (begin < 0 || static_cast<std::uint64_t>(begin) > text.size() ||
        length > text.size() - static_cast<std::uint64_t>(begin))
      in.fail("token outside the text");
    if ((flags & kStemEdit) && (flags & (kTermHash | kStemHash))) in.fail("unknown token flags");
    token.begin = static_cast<std::uint32_t>(begin);
    token.end = static_cast<std::uint32_t>(begin + static_cast<std::int64_t>(length));
    previous_end = token.end;
    token.span = (flags & kSpan) ? static_cast<std::uint32_t>(in.varint("token span", 32)) : 1;
    if (flags & kTermHash) {
      token.term_hash = in.u32("term hash");
      token.stem_hash = (flags & kStemHash) ? in.u32("stem hash") : token.term_hash;
      continue;
    }
    const std::string_view word = text.substr(token.begin, length);
    std::size_t cut = 0;
    std::string_view ending;
    if (flags & kStemEdit) {
      cut = in.varint("stem cut");
      if (cut > length) in.fail("stem cut longer than the word");
      ending = in.string("stem ending");
    }
    const LoweredHashes hashes = lowered_fnv(word, length - cut);
    token.term_hash = token_hash_of_fnv(hashes.whole);
    if (flags & kStemEdit)
      token.stem_hash = token_hash_of_fnv(schema::fnv1a_64(ending, hashes.prefix));
    else
      token.stem_hash = (flags & kStemHash) ? in.u32("stem hash") : token.term_hash;
  }
  if (!in.done()) in.fail("bytes after the token table");
}

StoredPassage decode(std::string_view record, const RecordDictionaries* dictionaries) {
  std::string buffer;
  const StoredPassageView view = StoredPassageView::parse(record, buffer, dictionaries);
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

bool term_from_text(std::string_view text, const StoredToken& token, std::string& term) {
  const std::string_view bytes = text.substr(token.begin, token.end - token.begin);
  if (token_hash_of_fnv(lowered_fnv(bytes, bytes.size()).whole) != token.term_hash) return false;
  term.assign(bytes);
  text::ascii_lower_in_place(term);
  return true;
}

}  // namespace kavosh::index
