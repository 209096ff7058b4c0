#pragma once
// The stored passage record: what a passage document stores for display (schema version 3),
// in value slot schema::kSlotStoredPassage; the document data stays empty.
// Everything the searcher displays (ids, title, section, language, text, fields) plus a token
// table written from the indexer's analysis of the text, so that snippets match query terms
// against 32-bit hashes instead of analysing every hit's passage again.
//
// Layout (all integers unsigned LEB128 varints unless said otherwise; a "string" is a varint
// byte length followed by that many bytes):
//   format byte kStoredPassageFormat
//   compression byte: kStoredRaw (the body follows as is: bodies under 64 bytes, or ones
//     compression does not shrink), kStoredLz4: varint body size, 4 bytes body checksum
//     (little-endian, so a corrupt body is an error, never a wrong text), then the body as one
//     LZ4 block; or kStoredZstd: varint body size, 4 bytes body checksum, 4 bytes id of the
//     index's record dictionary it was compressed with (record_dictionary.hpp), then the zstd
//     frame without its magic number, checksum, content size or dictionary id
//   body:
//   varint passage number
//   string article, title, section, lang, text, source, date
//   varint field count, then per field: string name, string value
//   varint token count, then per token (in the analyzer's order):
//     varint zigzag(begin - previous token's end)   (the first token: begin - 0)
//     varint (end - begin) << 4 | flags, flags:
//       bit 0 (kSpan): span != 1, and a varint span follows
//       bit 1 (kTermHash): 4 bytes term hash follow, little-endian; without it the term is
//         the token's text with ASCII letters lowercased (most words) and its hash is computed
//       bit 2 (kStemEdit): the stem is the term with its last `cut` bytes replaced by `ending`
//         (Snowball stems mostly are): varint cut and string ending follow (never with bit 1)
//       bit 3 (kStemHash): 4 bytes stem hash follow, little-endian
//       neither bit 2 nor bit 3: the stem hash is the term hash
// Which indexes write what: since 2026-12-05 a database's records are kStoredZstd once it has
// a record dictionary, trained at the end of the first batch whose record bodies (held back
// until then) make 1 MB with those of smaller batches before it, and reused by later runs;
// records before that, and of databases that never had enough, are kStoredLz4 (as every
// record of indexes written before), and both read alike. A kavosh-search from before reads
// an index with kStoredZstd records up to the first record it shows, which it reports as an
// unknown compression.
// Why zstd only with a dictionary: without one, zstd (level 3) took 24 000 instructions to
// inflate a GCIDE body where LZ4 takes 1 400 to 1 800 (its per-frame entropy tables dominate
// on small inputs), for bodies 17 % smaller; with the dictionary digested once (ZSTD_DDict,
// whose tables frames reuse) it takes 9 400, for bodies 43 % smaller than LZ4's. The
// dictionary's figures and the choice against LZ4 with a dictionary: record_dictionary.hpp.
// Measurements: bench/RESULTS.md, "Footprint".
// Decoding checks every length and every token range against the text, so a truncated or
// corrupt record throws CorruptStoredPassage and never reads out of bounds.
//
// Hashes: token_hash() below (FNV-1a 64 over the bytes, then a 64-bit finalizer, top 32 bits).
// Matching a query key against a token by hash instead of by string is wrong with probability
// about 2^-32 per comparison (a different term with the same hash); with k query keys and n
// tokens a passage shows a false highlight with probability about k * n * 2^-32, i.e. about
// one hit in ten million for 10 keys and 400 tokens. Only snippets use the hashes; matching
// and ranking use Xapian's terms.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kavosh/format/schema.hpp"

namespace kavosh::index {

inline constexpr unsigned char kStoredPassageFormat = 2;
inline constexpr unsigned char kStoredRaw = 0;
inline constexpr unsigned char kStoredLz4 = 1;
inline constexpr unsigned char kStoredZstd = 2;

class RecordDictionary;    // record_dictionary.hpp
class RecordDictionaries;  // record_dictionary.hpp

// token_hash of bytes whose FNV-1a 64 is `hash` (so a hash can be computed piecewise).
// (MurmurHash3's finalizer constants, which every stored record's token hashes were made with.)
constexpr std::uint32_t token_hash_of_fnv(std::uint64_t hash) {
  return static_cast<std::uint32_t>(
      schema::xorshift_multiply<33, 0xff51afd7ed558ccdull, 33, 0xc4ceb9fe1a85ec53ull, 33>(hash) >>
      32);
}

// Stable across platforms and releases: the value is stored in the index.
constexpr std::uint32_t token_hash(std::string_view bytes) {
  return token_hash_of_fnv(schema::fnv1a_64(bytes));
}

// One analyzer token of the stored text: byte range [begin, end) into StoredPassage::text,
// the positions it covers (span > 1 for a compound joined from spaced parts) and the hashes
// of its Token::term and Token::stem_or_term().
struct StoredToken {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
  std::uint32_t span = 1;
  std::uint32_t term_hash = 0;
  std::uint32_t stem_hash = 0;
  bool operator==(const StoredToken&) const = default;
};

struct StoredPassage {
  std::string article;
  std::uint32_t passage = 0;
  std::string title;
  std::string section;
  std::string lang;
  std::string text;
  std::vector<std::pair<std::string, std::string>> fields;  // in the order first given
  std::string source;
  std::string date;  // empty when unknown
  std::vector<StoredToken> tokens;
  bool operator==(const StoredPassage&) const = default;
};

class CorruptStoredPassage : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// With a dictionary, a body that zstd shrinks with it is stored kStoredZstd; otherwise as LZ4
// or raw. encode() is compress_record(encode_body()): a writer that trains the dictionary on
// the bodies first keeps them, and compresses them once it exists.
std::string encode(const StoredPassage& passage, const RecordDictionary* dictionary = nullptr);
std::string encode_body(const StoredPassage& passage);
std::string compress_record(std::string_view body, const RecordDictionary* dictionary);
// Throws CorruptStoredPassage (with the byte offset) on a truncated or malformed record, and
// names schema 1 (JSON data) and format 1 records when given one; a kStoredZstd record needs
// the dictionary it names among `dictionaries`, or that is the error.
StoredPassage decode(std::string_view record, const RecordDictionaries* dictionaries = nullptr);

// The checksum of a compressed record's body, and a record dictionary's id: 32 bits of a
// multiply-xor hash over 8 bytes at a time (little-endian, so stable across hosts).
std::uint32_t stored_checksum(std::string_view bytes);

// Whether a decoded `token` of `text` is one whose record keeps no term hash (flag kTermHash
// unset: the encoder's test, its text's hash with ASCII letters lowercased); its term, that
// lowercased text, is then written to `term`.
bool term_from_text(std::string_view text, const StoredToken& token, std::string& term);

// A decoded record that borrows from the record's body: the record bytes when stored raw, else
// the caller's buffer it was decompressed into (whichever it is must outlive the view).
// Strings are views, the token table is decoded on demand into a caller's vector. What the
// searcher uses per hit, so reading a hit allocates nothing once its buffers have grown.
struct StoredPassageView {
  std::uint32_t passage = 0;
  std::string_view article, title, section, lang, text, source, date;
  std::string_view field_table;        // field count and fields, still encoded (checked by parse)
  std::string_view token_table;        // token count and tokens, still encoded
  std::size_t token_table_offset = 0;  // of token_table within the body, for error messages

  // Same checks as decode() up to the token table, which decode_tokens() checks. `buffer`
  // receives the decompressed body of a compressed record (its old content is dropped).
  static StoredPassageView parse(std::string_view record, std::string& buffer,
                                 const RecordDictionaries* dictionaries = nullptr);
  std::vector<std::pair<std::string_view, std::string_view>> fields() const;
  // Clears `out` and fills it with the token table (reusing its storage).
  void decode_tokens(std::vector<StoredToken>& out) const;
};

}  // namespace kavosh::index
