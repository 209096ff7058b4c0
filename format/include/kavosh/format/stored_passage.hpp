#pragma once
// The stored passage record: what a passage document stores for display (schema version 2),
// in value slot schema::kSlotStoredPassage; the document data stays empty.
// Everything the searcher displays (ids, title, section, language, text, fields) plus a token
// table written from the indexer's analysis of the text, so that snippets match query terms
// against 32-bit hashes instead of analysing every hit's passage again.
//
// Layout (all integers unsigned LEB128 varints unless said otherwise; a "string" is a varint
// byte length followed by that many bytes):
//   format byte kStoredPassageFormat
//   varint passage number
//   string article, title, section, lang, text, source, date
//   varint field count, then per field: string name, string value
//   varint token count, then per token (in the analyzer's order):
//     varint zigzag(begin - previous token's begin)   (the first token: begin - 0)
//     varint end - begin
//     varint flags: bit 0 span != 1, bit 1 stem hash differs from term hash
//     [varint span, when bit 0]
//     4 bytes term hash, little-endian
//     [4 bytes stem hash, little-endian, when bit 1; else stem hash = term hash]
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

inline constexpr unsigned char kStoredPassageFormat = 1;

// Stable across platforms and releases: the value is stored in the index.
constexpr std::uint32_t token_hash(std::string_view bytes) {
  std::uint64_t hash = schema::fnv1a_64(bytes);
  hash ^= hash >> 33;
  hash *= 0xff51afd7ed558ccdull;
  hash ^= hash >> 33;
  hash *= 0xc4ceb9fe1a85ec53ull;
  hash ^= hash >> 33;
  return static_cast<std::uint32_t>(hash >> 32);
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

std::string encode(const StoredPassage& passage);
// Throws CorruptStoredPassage (with the byte offset) on a truncated or malformed record, and
// names schema 1 (JSON data) when given one.
StoredPassage decode(std::string_view record);

// A decoded record that borrows from the record bytes (which must outlive it): strings are
// views, the token table is decoded on demand into a caller's vector. What the searcher uses
// per hit, so reading a hit allocates nothing beyond the copies it keeps.
struct StoredPassageView {
  std::uint32_t passage = 0;
  std::string_view article, title, section, lang, text, source, date;
  std::string_view field_table;        // field count and fields, still encoded (checked by parse)
  std::string_view token_table;        // token count and tokens, still encoded
  std::size_t token_table_offset = 0;  // of token_table within the record, for error messages

  // Same checks as decode() up to the token table, which decode_tokens() checks.
  static StoredPassageView parse(std::string_view record);
  std::vector<std::pair<std::string_view, std::string_view>> fields() const;
  // Clears `out` and fills it with the token table (reusing its storage).
  void decode_tokens(std::vector<StoredToken>& out) const;
};

}  // namespace kavosh::index
