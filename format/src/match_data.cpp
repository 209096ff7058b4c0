// MatchData: see match_data.hpp for what it holds and when it is trusted.
#include "kavosh/format/match_data.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstring>
#include <iterator>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "atomic_file.hpp"
#include "kavosh/format/adjacent_pairs.hpp"
#include "kavosh/format/record_dictionary.hpp"
#include "kavosh/format/schema.hpp"
#include "kavosh/format/stored_passage.hpp"
#include "packed_values.hpp"
#include "varint.hpp"

namespace kavosh::index {

// File layout, all integers in host order (the byte-order mark tells which):
//   header: magic (8), byte-order mark u32, block size u32, revision u64, UUID length u64,
//           length count u64, term count u64, block count u64, impact count u64,
//           pool bytes u64, posting bytes u64, article count u64, id pool bytes u64,
//           short group count u64, short pool bytes u64, pair pool bytes u64, sequence pool
//           bytes u64, chunk documents u64 (documents per checksum of the token sequences and
//           of the adjacent pairs), checksum u64 (of every section but blocks, posting
//           offsets, impacts, postings, the short pool, the adjacent pairs and the token
//           sequences), UUID (padded with zeros to a multiple of 8)
//   lengths: u32[length count], indexed by docid, padded to a multiple of 8 bytes
//   articles: u32[length count], indexed by docid, padded the same way
//   passages: u32[length count], each document's passage number, padded the same way
//   article id offsets: u64[article count + 1], where article n's id starts in the id pool
//                       (n from 1; its end is the next one's start)
//   id pool: the article ids' bytes, padded to a multiple of 8
//   directory: DirectoryEntry[term count], sorted by term bytes, each with the checksum of its
//              term's blocks, impacts and postings (checked when the term is first looked up,
//              so opening an index reads only the arrays every query needs)
//   blocks: Block[block count], padded to a multiple of 8 bytes
//   posting offsets: u64[block count], where each block's postings start
//   impacts: Impact[impact count]: each block's, and each term's whole list's
//   postings: posting bytes of encoded blocks (see encode_block), then kPostingSlack zero
//             bytes, padded to a multiple of 8
//   pool: the terms' bytes, padded to a multiple of 8
//   short groups: ShortGroup[short group count]
//   short pool: short group bytes. The terms with fewer than kMinBlockedPostings postings, in
//               term order, in groups of kShortGroupTerms; each term: varint bytes it shares
//               with the term before it in its group (0 for a group's first), varint length
//               and bytes of the rest, varint posting count, varint posting bytes, then per
//               posting varint (docid - previous docid - 1) << 1 | (wdf != 1) (the first
//               counting from docid 0) and, when that bit is set, varint wdf
//   sequence offsets: u64[length count + 1], where each document's token sequence starts in
//                     the sequence pool (as the pair offsets)
//   sequence checksums: u64 per chunk of documents, as the pair checksums
//   sequence pool: per document, a byte kSequenceUnknown (no sequence: the checks read
//                  Xapian's positions) or kSequenceKnown followed by varint n, a byte w, the
//                  n body positions' term numbers + 1 (0: a term the index lacks) packed w bits
//                  each from the least significant bit up (whole bytes), varint m, and m
//                  stacked tokens as varint position and varint term number + 1; then 8 zero
//                  bytes (a reader loads 8 bytes at a time), padded to a multiple of 8
//   pair offsets: u64[length count + 1], where each document's adjacent-pair filter starts in
//                 the pair pool (document d's ends where d + 1's starts; empty for none)
//   pair checksums: u64 per chunk of documents (docids from 0), of the chunk's pair
//                   offsets and filters (checked when a filter of the chunk is first read)
//   pair pool: the filters' bytes (each a multiple of 8 bytes long: adjacent_pairs.hpp)
struct MatchData::DirectoryEntry {
  std::uint64_t pool_offset;
  std::uint64_t first_block;
  std::uint32_t term_bytes;
  std::uint32_t block_count;
  std::uint32_t first_impact;  // the whole list's impacts
  std::uint32_t impact_count;
  std::uint64_t postings_end;  // where the term's last block's postings end
  std::uint64_t checksum;  // of the term's blocks, impacts (the blocks' and the whole's), postings
};

struct MatchData::ShortGroup {
  std::uint64_t offset;  // into the short pool; the group ends where the next begins
  std::uint32_t term_count;
  std::uint32_t checksum;  // of the group's bytes (checked when the group is first looked up)
};

namespace {

constexpr std::array<char, 8> kMatchDataMagic = {'K', 'V', 'M', 'A', 'T', 'C', 'H', '8'};
// Documents per checksum of the token sequences and of the adjacent-pair filters, in files
// written now: a document's part is checked, with its chunk, the first time it is read. At
// 1 024 (every file before 2026-12-07) a phrase query's first run in a process checked most
// of both sections, 540 MB on the 1 GB bench, for a few thousand documents' filters: 130 of a
// cold single phrase query's 240 ms. A chunk of 4 costs 2 bytes a document per section.
constexpr std::uint64_t kChunkDocs = 4;
// Files written before the header held the chunk size: a header 8 bytes shorter
// (kHeaderBytesWithoutChunkSize), chunks of kOldChunkDocs; read as they are.
constexpr std::array<char, 8> kMatchDataMagicOldChunks = {'K', 'V', 'M', 'A', 'T', 'C', 'H', '7'};
constexpr std::uint64_t kOldChunkDocs = 1024;
// Files written before the token sequences: the same layout without them, and a header without
// their size (kHeaderBytesWithoutSequences long), chunks of kOldChunkDocs. Read as they are,
// every phrase check then reading Xapian's positions, until an indexing run or --compact writes
// the file again.
constexpr std::array<char, 8> kMatchDataMagicWithoutSequences = {'K', 'V', 'M', 'A',
                                                                 'T', 'C', 'H', '6'};
// Chunks are at most this many documents (a damaged header's size is refused).
constexpr std::uint64_t kMaxChunkDocs = 1 << 20;
constexpr std::uint32_t kByteOrderMark = 0x01020304;
struct Header {
  char magic[8];
  std::uint32_t byte_order;
  std::uint32_t block_size;
  std::uint64_t revision;
  std::uint64_t uuid_bytes;
  std::uint64_t length_count;
  std::uint64_t term_count;
  std::uint64_t block_count;
  std::uint64_t impact_count;
  std::uint64_t pool_bytes;
  std::uint64_t posting_bytes;
  std::uint64_t article_count;
  std::uint64_t id_pool_bytes;
  std::uint64_t short_group_count;
  std::uint64_t short_pool_bytes;
  std::uint64_t pair_pool_bytes;
  std::uint64_t sequence_pool_bytes;
  std::uint64_t chunk_docs;
  std::uint64_t checksum;
};
static_assert(sizeof(Header) == 144);
constexpr std::size_t kHeaderBytesWithoutChunkSize = 136;
constexpr std::size_t kHeaderBytesWithoutSequences = 128;

// `header` from the first bytes of a file of `size` bytes, and how long it is there; nothing
// for a file of none of the layouts. An older header's missing fields are filled in.
std::optional<std::size_t> read_header(const char* in, std::uint64_t size, Header& header) {
  const auto older = [&](std::size_t fields_bytes, std::size_t header_bytes) {
    std::memcpy(&header, in, fields_bytes);
    if (fields_bytes <= offsetof(Header, sequence_pool_bytes)) header.sequence_pool_bytes = 0;
    header.chunk_docs = kOldChunkDocs;
    std::memcpy(&header.checksum, in + fields_bytes, sizeof header.checksum);
    return header_bytes;
  };
  if (size >= sizeof header &&
      std::memcmp(in, kMatchDataMagic.data(), kMatchDataMagic.size()) == 0) {
    std::memcpy(&header, in, sizeof header);
    return sizeof header;
  }
  if (size >= kHeaderBytesWithoutChunkSize &&
      std::memcmp(in, kMatchDataMagicOldChunks.data(), kMatchDataMagicOldChunks.size()) == 0)
    return older(offsetof(Header, chunk_docs), kHeaderBytesWithoutChunkSize);
  if (size >= kHeaderBytesWithoutSequences &&
      std::memcmp(in, kMatchDataMagicWithoutSequences.data(),
                  kMatchDataMagicWithoutSequences.size()) == 0)
    return older(offsetof(Header, sequence_pool_bytes), kHeaderBytesWithoutSequences);
  return std::nullopt;
}
// A document's token sequence: known, or not (the checks read Xapian's positions).
constexpr unsigned char kSequenceUnknown = 0;
constexpr unsigned char kSequenceKnown = 1;
constexpr std::uint64_t chunk_count(std::uint64_t length_count, std::uint64_t chunk_docs) {
  return (length_count + chunk_docs - 1) / chunk_docs;
}
// The documents [first, end) of chunk `chunk` of a section by document.
struct DocumentChunk {
  std::uint64_t first;
  std::uint64_t end;
};
constexpr DocumentChunk document_chunk(std::uint64_t chunk, std::uint64_t length_count,
                                       std::uint64_t chunk_docs) {
  const std::uint64_t first = chunk * chunk_docs;
  return {first, std::min(length_count, first + chunk_docs)};
}
// Terms per group of short lists: a lookup finds its group by binary search over their first
// terms, then reads at most this many front-coded terms.
constexpr std::uint32_t kShortGroupTerms = 16;
// Xapian's terms are at most 245 bytes.
constexpr std::size_t kMaxTermBytes = 256;

constexpr std::uint64_t padded8(std::uint64_t bytes) { return (bytes + 7) / 8 * 8; }

// A checksum of 8-byte words (every section is a multiple of 8 bytes long): a flipped bit
// anywhere changes it, at a few milliseconds for the 20 MB of a 1 GB index.
class Checksum {
 public:
  void add(std::string_view bytes) {
    for (std::size_t at = 0; at + 8 <= bytes.size(); at += 8) {
      std::uint64_t word;
      std::memcpy(&word, bytes.data() + at, 8);
      hash_ = (hash_ ^ word) * 0x100000001B3ull;
      hash_ ^= hash_ >> 29;
    }
    for (std::size_t at = bytes.size() / 8 * 8; at < bytes.size(); ++at)
      hash_ = (hash_ ^ static_cast<unsigned char>(bytes[at])) * 0x100000001B3ull;
  }
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = 14695981039346656037ull;
};

// A group of short lists' checksum: 32 bits of Checksum's, never 0xFFFFFFFF (which marks a
// group still being written).
std::uint32_t short_group_checksum(std::string_view bytes) {
  Checksum checksum;
  checksum.add(bytes);
  const auto value = static_cast<std::uint32_t>(checksum.value());
  return value == 0xFFFFFFFF ? 0 : value;
}

template <typename T>
std::string_view bytes_of(std::span<const T> items) {
  return {reinterpret_cast<const char*>(items.data()), items.size() * sizeof(T)};
}

template <typename T>
std::string_view bytes_of(const std::vector<T>& items) {
  return bytes_of(std::span<const T>(items));
}

// A block of postings is three bytes (count - 1, the bit width of the docid gaps, the bit width
// of the wdfs) and then the gaps and the wdfs, each bit-packed from the least significant bit
// up. A gap is a docid minus the one before it minus one (the first block's first docid counts
// from 0, a later block's from the previous block's last docid). Fixed widths per block decode
// without a branch per value; a block of 128 postings of a frequent term packs into about a
// byte a posting.
constexpr std::size_t kBlockHeaderBytes = 3;
// A decoder reads 8 bytes at a time, so the section ends with that many zero bytes.
constexpr std::uint64_t kPostingSlack = 8;

std::uint32_t bit_width_of(std::uint32_t largest) {
  std::uint32_t width = 0;
  while (width < 32 && (largest >> width) != 0) ++width;
  return width;
}

std::uint64_t packed_bytes(std::uint32_t count, std::uint32_t width) {
  return (std::uint64_t{count} * width + 7) / 8;
}

void pack_bits(std::string& out, const std::vector<std::uint32_t>& values, std::uint32_t width) {
  const std::size_t begin = out.size();
  out.resize(begin + packed_bytes(static_cast<std::uint32_t>(values.size()), width), '\0');
  std::uint64_t bit = 0;
  for (const std::uint32_t value : values) {
    for (std::uint32_t i = 0; i < width; ++i, ++bit)
      if ((value >> i) & 1u)
        out[begin + bit / 8] = static_cast<char>(out[begin + bit / 8] | (1 << (bit % 8)));
  }
}

void encode_block(std::string& out, const std::vector<std::uint32_t>& docids,
                  const std::vector<std::uint32_t>& wdfs, Xapian::docid previous) {
  std::vector<std::uint32_t> gaps;
  gaps.reserve(docids.size());
  for (const std::uint32_t docid : docids) {
    gaps.push_back(docid - previous - 1);
    previous = docid;
  }
  const std::uint32_t gap_width = bit_width_of(*std::max_element(gaps.begin(), gaps.end()));
  const std::uint32_t wdf_width = bit_width_of(*std::max_element(wdfs.begin(), wdfs.end()));
  out.push_back(static_cast<char>(docids.size() - 1));
  out.push_back(static_cast<char>(gap_width));
  out.push_back(static_cast<char>(wdf_width));
  pack_bits(out, gaps, gap_width);
  pack_bits(out, wdfs, wdf_width);
}

// The unpackers this processor runs best, by width.
const bool kAvx2 = packed::have_avx2();
const packed::GapUnpackers kGapUnpackers = packed::gap_unpackers<false>(kAvx2);
const packed::GapUnpackers kGapUnpackersToTarget = packed::gap_unpackers<true>(kAvx2);
const packed::ValueUnpackers kValueUnpackers = packed::value_unpackers(kAvx2);

}  // namespace

std::uint64_t MatchData::term_checksum(std::span<const Block> blocks,
                                       std::span<const Impact> impacts,
                                       std::span<const std::uint64_t> posting_offsets,
                                       std::string_view postings) {
  Checksum checksum;
  checksum.add(bytes_of(blocks));
  checksum.add(bytes_of(impacts));
  checksum.add(bytes_of(posting_offsets));
  checksum.add(postings);
  return checksum.value();
}

MatchData::DecodedBlock MatchData::open_block(const TermBlocks& term, std::size_t block) {
  const unsigned char* in = term.postings + term.posting_offsets[block];
  DecodedBlock opened;
  opened.count = std::uint32_t{in[0]} + 1;
  opened.gap_width = in[1];
  opened.wdf_width = in[2];
  opened.packed_gaps = in + kBlockHeaderBytes;
  opened.before = block == 0 ? 0 : term.blocks[block - 1].last_docid;
  opened.packed_wdfs = opened.packed_gaps + packed_bytes(opened.count, opened.gap_width);
  return opened;
}

void MatchData::decode_docids_through(DecodedBlock& block, Xapian::docid target,
                                      std::uint32_t* docids) {
  if (block.decoded >= block.count) return;
  const std::uint32_t previous = block.decoded == 0 ? block.before : docids[block.decoded - 1];
  const auto& unpackers =
      target == std::numeric_limits<Xapian::docid>::max() ? kGapUnpackers : kGapUnpackersToTarget;
  block.decoded = unpackers[block.gap_width](block.packed_gaps, block.decoded, block.count,
                                             previous, target, docids);
}

MatchData::DecodedBlock MatchData::decode_docids(const TermBlocks& term, std::size_t block,
                                                 std::uint32_t* docids) {
  DecodedBlock decoded = open_block(term, block);
  decoded.decoded = kGapUnpackers[decoded.gap_width](decoded.packed_gaps, 0, decoded.count,
                                                     decoded.before, 0, docids);
  return decoded;
}

std::uint32_t MatchData::decode_block(const TermBlocks& term, std::size_t block,
                                      std::uint32_t* docids, std::uint32_t* wdfs) {
  const DecodedBlock decoded = decode_docids(term, block, docids);
  kValueUnpackers[decoded.wdf_width](decoded.packed_wdfs, decoded.count, wdfs);
  return decoded.count;
}

namespace {

// Every document's length by docid, padded to a multiple of 8 bytes.
std::vector<std::uint32_t> document_lengths(const Xapian::Database& db, Xapian::docid last) {
  std::vector<std::uint32_t> lengths(static_cast<std::size_t>(last) + 1, 0);
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it)
    lengths[*it] = it.get_doclength();
  lengths.resize(padded8(lengths.size() * 4) / 4, 0);
  return lengths;
}

// Every document's article by docid, numbered from 1 in the order their first passage is met,
// and the articles' ids in that order (offsets into a pool).
struct ArticleSections {
  std::vector<std::uint32_t> numbers;        // by docid
  std::vector<std::uint64_t> id_offsets{0};  // article n's id is [id_offsets[n - 1], [n])
  std::string id_pool;
};
ArticleSections article_sections(const Xapian::Database& db, Xapian::docid last, std::size_t size) {
  ArticleSections out;
  out.numbers.assign(size, 0);
  std::unordered_map<std::string, std::uint32_t> numbers;
  for (auto it = db.valuestream_begin(schema::kSlotArticleId);
       it != db.valuestream_end(schema::kSlotArticleId); ++it) {
    const std::string article = *it;
    if (article.empty() || it.get_docid() > last) continue;
    const auto next = static_cast<std::uint32_t>(numbers.size() + 1);
    const auto [at, added] = numbers.emplace(article, next);
    if (added) {
      out.id_pool += article;
      out.id_offsets.push_back(out.id_pool.size());
    }
    out.numbers[it.get_docid()] = at->second;
  }
  out.id_pool.resize(padded8(out.id_pool.size()), '\0');
  return out;
}

// Every document's passage number by docid (0 where the slot is empty), padded like lengths.
std::vector<std::uint32_t> passage_numbers(const Xapian::Database& db, Xapian::docid last,
                                           std::size_t size) {
  std::vector<std::uint32_t> passages(size, 0);
  for (auto it = db.valuestream_begin(schema::kSlotPassageNo);
       it != db.valuestream_end(schema::kSlotPassageNo); ++it)
    if (it.get_docid() <= last)
      passages[it.get_docid()] = static_cast<std::uint32_t>(Xapian::sortable_unserialise(*it));
  return passages;
}

// The checksum of chunk `chunk` of a section by document (the adjacent-pair filters, the token
// sequences): its documents' offsets (through the next chunk's first) and their bytes in
// `pool`. The offsets must be within the pool.
std::uint64_t chunk_checksum(std::uint64_t chunk, std::uint64_t length_count,
                             std::uint64_t chunk_docs, const std::uint64_t* offsets,
                             const unsigned char* pool) {
  const auto [first, end] = document_chunk(chunk, length_count, chunk_docs);
  Checksum checksum;
  checksum.add(std::string_view(reinterpret_cast<const char*>(offsets + first),
                                (end + 1 - first) * sizeof(std::uint64_t)));
  checksum.add(std::string_view(reinterpret_cast<const char*>(pool) + offsets[first],
                                offsets[end] - offsets[first]));
  return checksum.value();
}

// A section with a part of one pool for each document (the adjacent-pair filters, the token
// sequences): offsets by docid and a checksum per chunk of documents.
struct DocumentSections {
  std::vector<std::uint64_t> offsets;
  std::vector<std::uint64_t> checksums;
  std::string pool;
};
// Ends `section`'s pool with `zero_tail` zero bytes, pads it to a multiple of 8 and sums its
// chunks of `chunk_docs` documents.
void finish_section(DocumentSections& section, std::size_t zero_tail, std::uint64_t chunk_docs) {
  section.pool.append(zero_tail, '\0');
  section.pool.resize(padded8(section.pool.size()), '\0');
  const std::uint64_t count = section.offsets.size() - 1;
  for (std::uint64_t chunk = 0; chunk < chunk_count(count, chunk_docs); ++chunk)
    section.checksums.push_back(
        chunk_checksum(chunk, count, chunk_docs, section.offsets.data(),
                       reinterpret_cast<const unsigned char*>(section.pool.data())));
}

// Term numbers of the body's terms (those without a prefix), for the token sequences: a
// term with blocks has its place in the directory, a short list's term the number of terms
// with blocks plus its place among the short lists (MatchData::term_number).
struct BodyTermNumbers {
  // token_hash of each body term, to its number; kAmbiguousHash where two terms share one.
  std::unordered_map<std::uint32_t, std::uint32_t> by_hash;
  static constexpr std::uint32_t kAmbiguousHash = 0xFFFFFFFF;
  // The terms whose hash another term shares, to their numbers.
  std::unordered_map<std::string, std::uint32_t> ambiguous;
  // Each body term's adjacent_term_key(), by its number.
  std::vector<std::uint64_t> pair_keys;

  // From every body term and its number.
  explicit BodyTermNumbers(const std::vector<std::pair<std::string, std::uint32_t>>& terms) {
    std::vector<std::uint32_t> hashes;
    hashes.reserve(terms.size());
    for (const auto& [name, number] : terms) {
      hashes.push_back(token_hash(name));
      const auto [at, inserted] = by_hash.emplace(hashes.back(), number);
      if (!inserted) at->second = kAmbiguousHash;
      if (number >= pair_keys.size()) pair_keys.resize(std::size_t{number} + 1, 0);
      pair_keys[number] = adjacent_term_key(name);
    }
    for (std::size_t i = 0; i < terms.size(); ++i)
      if (by_hash.at(hashes[i]) == kAmbiguousHash) ambiguous.emplace(terms[i]);
  }
};

// The number + 1 of `token`'s term in `numbers` (0: a term the index lacks); nothing where its
// hash is two terms' and the record keeps the hash only. `term` is scratch.
std::optional<std::uint32_t> token_number(std::string_view text, const StoredToken& token,
                                          const BodyTermNumbers& numbers, std::string& term) {
  const auto found = numbers.by_hash.find(token.term_hash);
  if (found == numbers.by_hash.end()) return 0;  // no body term has its hash
  if (found->second != BodyTermNumbers::kAmbiguousHash) return found->second + 1;
  if (!term_from_text(text, token, term)) return std::nullopt;  // the record keeps the hash
  const auto named = numbers.ambiguous.find(term);
  return named == numbers.ambiguous.end() ? 0 : named->second + 1;
}

// Appends `values` packed `width` bits each from the least significant bit up.
void append_packed(const std::vector<std::uint32_t>& values, std::uint32_t width,
                   std::string& out) {
  std::uint64_t pending = 0;  // bits not yet appended, at most 7 before a value is added
  std::uint32_t pending_bits = 0;
  for (const std::uint32_t value : values) {
    pending |= std::uint64_t{value} << pending_bits;
    pending_bits += width;
    for (; pending_bits >= 8; pending_bits -= 8, pending >>= 8)
      out.push_back(static_cast<char>(pending & 0xFF));
  }
  if (pending_bits > 0) out.push_back(static_cast<char>(pending & 0xFF));
}

// A record's body tokens as term numbers + 1 (0: a term the index lacks): one a position, and
// the stacked compounds with the position of their first part.
struct NumberedTokens {
  std::vector<std::uint32_t> positions;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> stacked;
};

// `record`'s tokens numbered into `out`; false where a token's term cannot be told.
bool number_tokens(const StoredPassageView& record, const BodyTermNumbers& numbers,
                   std::vector<StoredToken>& tokens, std::string& lowered, NumberedTokens& out) {
  out.positions.clear();
  out.stacked.clear();
  record.decode_tokens(tokens);
  for (const StoredToken& token : tokens) {
    const std::optional<std::uint32_t> number = token_number(record.text, token, numbers, lowered);
    if (!number) return false;
    if (token.span == 1) {
      out.positions.push_back(*number);
    } else {
      if (out.positions.empty()) return false;  // a compound before any word: never written so
      out.stacked.emplace_back(static_cast<std::uint32_t>(out.positions.size() - 1), *number);
    }
  }
  return true;
}

// The token sequence of numbered tokens (see the layout at the top of this file), appended to
// `out`.
void append_sequence(const NumberedTokens& tokens, std::string& out) {
  std::uint32_t largest = 0;
  for (std::uint32_t number : tokens.positions) largest = std::max(largest, number);
  const auto width = static_cast<std::uint32_t>(std::bit_width(largest));
  out.push_back(static_cast<char>(kSequenceKnown));
  put_varint(out, tokens.positions.size());
  out.push_back(static_cast<char>(width));
  append_packed(tokens.positions, width, out);
  put_varint(out, tokens.stacked.size());
  for (const auto& [position, number] : tokens.stacked) {
    put_varint(out, position);
    put_varint(out, number);
  }
}

// The adjacent-pair filter of numbered tokens, appended to `out` (a term the index lacks is in
// no phrase the matcher checks: it makes no pair).
void append_pair_filter(const NumberedTokens& tokens, const BodyTermNumbers& numbers,
                        AdjacentPairsBuilder& builder, std::string& out) {
  builder.clear();
  const auto add = [&](std::uint32_t position, std::uint32_t number) {
    if (number != 0) builder.add(position, numbers.pair_keys[number - 1]);
  };
  for (std::size_t position = 0; position < tokens.positions.size(); ++position)
    add(static_cast<std::uint32_t>(position), tokens.positions[position]);
  for (const auto& [position, number] : tokens.stacked) add(position, number);
  builder.append_filter(out);
}

// Every document's token sequence and adjacent-pair filter, from its stored record (value
// slot kSlotStoredPassage). A document whose record cannot be read, or one of whose tokens
// cannot be told, has a sequence that says so (kSequenceUnknown) and no filter. The sequence
// pool ends with 8 zero bytes (a reader loads 8 bytes at a time).
struct RecordSections {
  DocumentSections sequences;
  DocumentSections pairs;
};
RecordSections record_sections(const Xapian::Database& db, Xapian::docid last,
                               const BodyTermNumbers& numbers, std::uint64_t chunk_docs) {
  RecordDictionaries dictionaries;
  dictionaries.add_from(db);
  std::string buffer, lowered;
  std::vector<StoredToken> tokens;
  NumberedTokens numbered;
  AdjacentPairsBuilder filter;
  RecordSections out;
  const std::uint64_t count = std::uint64_t{last} + 1;
  out.sequences.offsets.assign(count + 1, 0);
  out.pairs.offsets.assign(count + 1, 0);
  std::uint64_t next = 0;  // the first docid whose offsets are not yet set
  const auto set_offsets_through = [&](std::uint64_t docid) {
    for (; next <= docid; ++next) {
      out.sequences.offsets[next] = out.sequences.pool.size();
      out.pairs.offsets[next] = out.pairs.pool.size();
    }
  };
  for (auto it = db.valuestream_begin(schema::kSlotStoredPassage);
       it != db.valuestream_end(schema::kSlotStoredPassage); ++it) {
    const Xapian::docid docid = it.get_docid();
    if (docid > last) break;
    set_offsets_through(docid);
    const std::string value = *it;  // the parsed record may borrow from it
    bool known = false;
    try {
      known = number_tokens(StoredPassageView::parse(value, buffer, &dictionaries), numbers, tokens,
                            lowered, numbered);
    } catch (const CorruptStoredPassage&) {
      known = false;
    }
    if (!known) {
      out.sequences.pool.push_back(static_cast<char>(kSequenceUnknown));
      continue;
    }
    append_sequence(numbered, out.sequences.pool);
    append_pair_filter(numbered, numbers, filter, out.pairs.pool);
  }
  set_offsets_through(count);
  finish_section(out.sequences, 8, chunk_docs);
  finish_section(out.pairs, 0, chunk_docs);
  return out;
}

}  // namespace

struct MatchData::TermSections {
  std::vector<DirectoryEntry> directory;
  std::vector<Block> blocks;
  std::vector<std::uint64_t> posting_offsets;
  std::vector<Impact> impacts;
  std::string postings;  // then kPostingSlack zero bytes, padded to a multiple of 8
  std::uint64_t posting_bytes = 0;
  std::string pool;
  std::vector<ShortGroup> short_groups;
  std::string short_pool;

  // Blocks, impacts and postings of `name`, a term with blocks, and its directory entry.
  void add_term(const Xapian::Database& db, const std::string& name,
                std::span<const std::uint32_t> lengths);
  // The postings of `name`, a term too short for blocks, in the short pool (terms in order).
  void add_short_term(const Xapian::Database& db, const std::string& name);
  // Ends the last group of short lists.
  void finish_short_terms() { close_short_group(); }
  // Every term of `db`, as add_term() or add_short_term(); returns the body terms with their
  // numbers (MatchData::term_number).
  std::vector<std::pair<std::string, std::uint32_t>> add_every_term(
      const Xapian::Database& db, std::span<const std::uint32_t> lengths);

 private:
  std::string previous_short_;  // the last term of the open group
  std::string short_postings_;  // scratch
  void close_short_group() {
    if (short_groups.empty() || short_groups.back().checksum != kOpenGroup) return;
    ShortGroup& group = short_groups.back();
    group.checksum = short_group_checksum(std::string_view(short_pool).substr(group.offset));
  }
  static constexpr std::uint32_t kOpenGroup = 0xFFFFFFFF;  // no checksum yet (never a value)

  void add_impacts(std::vector<Impact> points, std::uint32_t& first, std::uint32_t& count) {
    const std::vector<Impact> kept = competitive_impacts(std::move(points));
    first = static_cast<std::uint32_t>(impacts.size());
    count = static_cast<std::uint32_t>(kept.size());
    impacts.insert(impacts.end(), kept.begin(), kept.end());
  }
};

void MatchData::TermSections::add_term(const Xapian::Database& db, const std::string& name,
                                       std::span<const std::uint32_t> lengths) {
  DirectoryEntry entry{
      pool.size(), blocks.size(), static_cast<std::uint32_t>(name.size()), 0, 0, 0, 0, 0};
  const std::size_t term_impacts_begin = impacts.size();
  const std::size_t term_postings_begin = postings.size();
  pool += name;
  std::vector<Impact> block_points, term_points;
  std::vector<std::uint32_t> block_docids, block_wdfs;
  Xapian::docid previous_last = 0;
  auto close_block = [&] {
    Block block{block_docids.back(), 0, 0};
    add_impacts(block_points, block.first_impact, block.impact_count);
    // The whole list's impacts are among its blocks' ones.
    term_points.insert(term_points.end(), impacts.end() - block.impact_count, impacts.end());
    blocks.push_back(block);
    posting_offsets.push_back(postings.size());
    encode_block(postings, block_docids, block_wdfs, previous_last);
    previous_last = block.last_docid;
    block_points.clear();
    block_docids.clear();
    block_wdfs.clear();
  };
  for (auto posting = db.postlist_begin(name); posting != db.postlist_end(name); ++posting) {
    block_docids.push_back(*posting);
    block_wdfs.push_back(posting.get_wdf());
    block_points.push_back({posting.get_wdf(), lengths[*posting]});
    if (block_points.size() == kBlockSize) close_block();
  }
  if (!block_points.empty()) close_block();
  entry.block_count = static_cast<std::uint32_t>(blocks.size() - entry.first_block);
  entry.postings_end = postings.size();
  add_impacts(term_points, entry.first_impact, entry.impact_count);
  entry.checksum =
      term_checksum(std::span<const Block>(blocks).subspan(entry.first_block, entry.block_count),
                    std::span<const Impact>(impacts).subspan(term_impacts_begin),
                    std::span<const std::uint64_t>(posting_offsets).subspan(entry.first_block),
                    std::string_view(postings).substr(term_postings_begin));
  directory.push_back(entry);
}

void MatchData::TermSections::add_short_term(const Xapian::Database& db, const std::string& name) {
  if (short_groups.empty() || short_groups.back().term_count == kShortGroupTerms) {
    close_short_group();
    short_groups.push_back({short_pool.size(), 0, kOpenGroup});
    previous_short_.clear();
  }
  std::size_t shared = 0;
  while (shared < previous_short_.size() && shared < name.size() &&
         previous_short_[shared] == name[shared])
    ++shared;
  put_varint(short_pool, shared);
  put_varint(short_pool, name.size() - shared);
  short_pool.append(name, shared);
  short_postings_.clear();
  std::uint64_t count = 0;
  Xapian::docid previous = 0;
  for (auto posting = db.postlist_begin(name); posting != db.postlist_end(name); ++posting) {
    // Most postings of a rare term have wdf 1: the gap's low bit says whether a wdf follows.
    const Xapian::termcount wdf = posting.get_wdf();
    put_varint(short_postings_, std::uint64_t{*posting - previous - 1} << 1 | (wdf != 1));
    if (wdf != 1) put_varint(short_postings_, wdf);
    previous = *posting;
    ++count;
  }
  put_varint(short_pool, count);
  put_varint(short_pool, short_postings_.size());
  short_pool += short_postings_;
  previous_short_ = name;
  ++short_groups.back().term_count;
}

std::vector<std::pair<std::string, std::uint32_t>> MatchData::TermSections::add_every_term(
    const Xapian::Database& db, std::span<const std::uint32_t> lengths) {
  std::vector<std::pair<std::string, std::uint32_t>> body_terms;
  std::vector<std::size_t> short_body_terms;  // numbered once the terms with blocks are counted
  std::uint32_t short_terms = 0;
  for (auto term = db.allterms_begin(); term != db.allterms_end(); ++term) {
    const std::string name = *term;
    if (term.get_termfreq() >= kMinBlockedPostings) {
      if (schema::is_body_term(name))
        body_terms.emplace_back(name, static_cast<std::uint32_t>(directory.size()));
      add_term(db, name, lengths);
    } else {
      if (schema::is_body_term(name)) {
        short_body_terms.push_back(body_terms.size());
        body_terms.emplace_back(name, short_terms);
      }
      ++short_terms;
      add_short_term(db, name);
    }
  }
  finish_short_terms();
  for (const std::size_t at : short_body_terms)
    body_terms[at].second += static_cast<std::uint32_t>(directory.size());
  return body_terms;
}

void MatchData::write(const Xapian::Database& db, const std::filesystem::path& file) {
  write(db, file, kChunkDocs);
}

void MatchData::write(const Xapian::Database& db, const std::filesystem::path& file,
                      std::uint64_t chunk_docs) {
  chunk_docs = std::clamp<std::uint64_t>(chunk_docs, 1, kMaxChunkDocs);  // as read() accepts
  const Xapian::docid last = db.get_lastdocid();
  const std::vector<std::uint32_t> lengths = document_lengths(db, last);
  const ArticleSections articles = article_sections(db, last, lengths.size());
  const std::vector<std::uint32_t> passages = passage_numbers(db, last, lengths.size());
  TermSections terms;
  const BodyTermNumbers numbers(terms.add_every_term(db, lengths));
  const auto [sequences, pairs] = record_sections(db, last, numbers, chunk_docs);
  terms.posting_bytes = terms.postings.size();
  terms.postings.resize(padded8(terms.posting_bytes + kPostingSlack), '\0');

  const std::string uuid = db.get_uuid();
  Header header{};
  std::memcpy(header.magic, kMatchDataMagic.data(), kMatchDataMagic.size());
  header.byte_order = kByteOrderMark;
  header.block_size = kBlockSize;
  header.revision = db.get_revision();
  header.uuid_bytes = uuid.size();
  header.length_count = static_cast<std::uint64_t>(last) + 1;
  header.term_count = terms.directory.size();
  header.block_count = terms.blocks.size();
  header.impact_count = terms.impacts.size();
  header.pool_bytes = terms.pool.size();
  header.posting_bytes = terms.posting_bytes;
  header.article_count = articles.id_offsets.size() - 1;
  header.id_pool_bytes = articles.id_pool.size();
  header.short_group_count = terms.short_groups.size();
  header.short_pool_bytes = terms.short_pool.size();
  header.pair_pool_bytes = pairs.pool.size();
  header.sequence_pool_bytes = sequences.pool.size();
  header.chunk_docs = chunk_docs;
  std::string uuid_padded = uuid;
  uuid_padded.resize(padded8(uuid.size()), '\0');
  std::string pool_padded = terms.pool;
  pool_padded.resize(padded8(terms.pool.size()), '\0');
  std::string block_section(bytes_of(terms.blocks));
  block_section.resize(padded8(terms.blocks.size() * sizeof(Block)), '\0');
  Checksum checksum;
  for (std::string_view part :
       {std::string_view(uuid_padded), bytes_of(lengths), bytes_of(articles.numbers),
        bytes_of(passages), bytes_of(articles.id_offsets), std::string_view(articles.id_pool),
        bytes_of(terms.directory), std::string_view(terms.pool), bytes_of(terms.short_groups)})
    checksum.add(part);
  header.checksum = checksum.value();
  write_file_atomically(
      file, {std::string_view(reinterpret_cast<const char*>(&header), sizeof header),
             uuid_padded,
             bytes_of(lengths),
             bytes_of(articles.numbers),
             bytes_of(passages),
             bytes_of(articles.id_offsets),
             articles.id_pool,
             bytes_of(terms.directory),
             block_section,
             bytes_of(terms.posting_offsets),
             bytes_of(terms.impacts),
             terms.postings,
             pool_padded,
             bytes_of(terms.short_groups),
             terms.short_pool,
             std::string(padded8(terms.short_pool.size()) - terms.short_pool.size(), '\0'),
             bytes_of(sequences.offsets),
             bytes_of(sequences.checksums),
             sequences.pool,
             bytes_of(pairs.offsets),
             bytes_of(pairs.checksums),
             pairs.pool});
}

namespace {

struct MappedFile {
  std::shared_ptr<const void> mapping;
  std::uint64_t size = 0;
  const char* bytes() const { return static_cast<const char*>(mapping.get()); }
};

// The whole of `file`, mapped read-only; nothing when it cannot be or is shorter than a header.
std::optional<MappedFile> map_file(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat status {};
  const bool stat_ok = ::fstat(fd, &status) == 0 &&
                       status.st_size >= static_cast<off_t>(kHeaderBytesWithoutSequences);
  void* mapped = stat_ok ? ::mmap(nullptr, static_cast<std::size_t>(status.st_size), PROT_READ,
                                  MAP_SHARED, fd, 0)
                         : MAP_FAILED;
  ::close(fd);
  if (mapped == MAP_FAILED) return std::nullopt;
  const auto size = static_cast<std::uint64_t>(status.st_size);
  return MappedFile{std::shared_ptr<const void>(
                        mapped, [size](const void* p) { ::munmap(const_cast<void*>(p), size); }),
                    size};
}

// Where each section starts (see the layout at the top of this file).
struct Layout {
  std::uint64_t lengths, articles, passages, id_offsets, id_pool, directory, blocks, offsets,
      impacts, postings, pool, short_groups, short_pool, pair_offsets, pair_checksums, pair_pool,
      sequence_offsets, sequence_checksums, sequence_pool;
};

// The sections of a file of `size` bytes with `header`, when they fill it exactly. Every count
// is checked against the size before any is multiplied or added, so a crafted count cannot
// overflow the sums.
template <typename DirectoryEntry, typename Block, typename Impact, typename ShortGroup>
std::optional<Layout> layout_of(const Header& header, std::size_t header_bytes,
                                std::uint64_t size) {
  const bool sequences = header_bytes != kHeaderBytesWithoutSequences;
  if (header.short_group_count > size / sizeof(ShortGroup) || header.short_pool_bytes > size ||
      header.term_count > size / sizeof(DirectoryEntry) ||
      header.block_count > size / sizeof(Block) || header.impact_count > size / sizeof(Impact) ||
      header.pool_bytes > size || header.posting_bytes > size || header.length_count > size ||
      header.article_count >= size / sizeof(std::uint64_t) || header.id_pool_bytes > size ||
      header.id_pool_bytes % 8 != 0 || header.uuid_bytes > kMaxUuidBytes ||
      header.pair_pool_bytes > size || header.pair_pool_bytes % 8 != 0 ||
      header.sequence_pool_bytes > size || header.sequence_pool_bytes % 8 != 0 ||
      (sequences && header.sequence_pool_bytes < 8) || header.chunk_docs == 0 ||
      header.chunk_docs > kMaxChunkDocs)
    return std::nullopt;
  const std::uint64_t chunks = chunk_count(header.length_count, header.chunk_docs);
  Layout at{};
  at.lengths = header_bytes + padded8(header.uuid_bytes);
  at.articles = at.lengths + padded8(header.length_count * 4);
  at.passages = at.articles + padded8(header.length_count * 4);
  at.id_offsets = at.passages + padded8(header.length_count * 4);
  at.id_pool = at.id_offsets + (header.article_count + 1) * sizeof(std::uint64_t);
  at.directory = at.id_pool + header.id_pool_bytes;
  at.blocks = at.directory + header.term_count * sizeof(DirectoryEntry);
  at.offsets = at.blocks + padded8(header.block_count * sizeof(Block));
  at.impacts = at.offsets + header.block_count * sizeof(std::uint64_t);
  at.postings = at.impacts + header.impact_count * sizeof(Impact);
  at.pool = at.postings + padded8(header.posting_bytes + kPostingSlack);
  at.short_groups = at.pool + padded8(header.pool_bytes);
  at.short_pool = at.short_groups + header.short_group_count * sizeof(ShortGroup);
  at.sequence_offsets = at.short_pool + padded8(header.short_pool_bytes);
  at.sequence_checksums = at.sequence_offsets;
  at.sequence_pool = at.sequence_offsets;
  if (sequences) {
    at.sequence_checksums = at.sequence_offsets + (header.length_count + 1) * sizeof(std::uint64_t);
    at.sequence_pool = at.sequence_checksums + chunks * sizeof(std::uint64_t);
  }
  at.pair_offsets = at.sequence_pool + header.sequence_pool_bytes;
  at.pair_checksums = at.pair_offsets + (header.length_count + 1) * sizeof(std::uint64_t);
  at.pair_pool = at.pair_checksums + chunks * sizeof(std::uint64_t);
  if (at.pair_pool + header.pair_pool_bytes != size) return std::nullopt;
  return at;
}

}  // namespace

std::optional<MatchData> MatchData::read(const std::filesystem::path& file,
                                         const Xapian::Database& db) {
  Xapian::rev revision = 0;
  std::string uuid;
  Xapian::docid last = 0;
  try {
    revision = db.get_revision();  // throws for a stub of several shards: no single revision
    uuid = db.get_uuid();
    last = db.get_lastdocid();
  } catch (const Xapian::Error&) {
    return std::nullopt;
  }
  if (uuid.empty()) return std::nullopt;
  std::optional<MappedFile> mapped = map_file(file);
  if (!mapped) return std::nullopt;
  const char* in = mapped->bytes();
  Header header;
  const std::optional<std::size_t> header_bytes = read_header(in, mapped->size, header);
  if (!header_bytes || header.byte_order != kByteOrderMark || header.block_size != kBlockSize ||
      header.revision != revision || header.uuid_bytes != uuid.size() ||
      header.length_count != static_cast<std::uint64_t>(last) + 1)
    return std::nullopt;
  const auto at =
      layout_of<DirectoryEntry, Block, Impact, ShortGroup>(header, *header_bytes, mapped->size);
  if (!at || std::memcmp(in + *header_bytes, uuid.data(), uuid.size()) != 0) return std::nullopt;
  // Summed section by section, as written; blocks, impacts and postings have a checksum per
  // term, the short lists one per group.
  Checksum checksum;
  const std::pair<std::uint64_t, std::uint64_t> sections[] = {
      {*header_bytes, at->lengths},      {at->lengths, at->articles},
      {at->articles, at->passages},      {at->passages, at->id_offsets},
      {at->id_offsets, at->id_pool},     {at->id_pool, at->directory},
      {at->directory, at->blocks},       {at->pool, at->pool + header.pool_bytes},
      {at->short_groups, at->short_pool}};
  for (const auto& [begin, end] : sections) checksum.add(std::string_view(in + begin, end - begin));
  if (checksum.value() != header.checksum) return std::nullopt;

  MatchData data;
  data.lengths_ = reinterpret_cast<const std::uint32_t*>(in + at->lengths);
  data.articles_ = reinterpret_cast<const std::uint32_t*>(in + at->articles);
  data.passages_ = reinterpret_cast<const std::uint32_t*>(in + at->passages);
  data.id_offsets_ = reinterpret_cast<const std::uint64_t*>(in + at->id_offsets);
  data.article_count_ = header.article_count;
  data.id_pool_ = in + at->id_pool;
  data.length_count_ = header.length_count;
  data.directory_ = reinterpret_cast<const DirectoryEntry*>(in + at->directory);
  data.term_count_ = header.term_count;
  data.blocks_ = reinterpret_cast<const Block*>(in + at->blocks);
  data.impacts_ = reinterpret_cast<const Impact*>(in + at->impacts);
  data.impact_count_ = header.impact_count;
  data.posting_offsets_ = reinterpret_cast<const std::uint64_t*>(in + at->offsets);
  data.postings_ = reinterpret_cast<const unsigned char*>(in + at->postings);
  data.posting_bytes_ = header.posting_bytes;
  data.pool_ = in + at->pool;
  data.short_groups_ = reinterpret_cast<const ShortGroup*>(in + at->short_groups);
  data.short_group_count_ = header.short_group_count;
  data.short_pool_ = reinterpret_cast<const unsigned char*>(in + at->short_pool);
  data.short_pool_bytes_ = header.short_pool_bytes;
  data.pair_offsets_ = reinterpret_cast<const std::uint64_t*>(in + at->pair_offsets);
  data.pair_checksums_ = reinterpret_cast<const std::uint64_t*>(in + at->pair_checksums);
  data.pair_pool_ = reinterpret_cast<const unsigned char*>(in + at->pair_pool);
  data.pair_pool_bytes_ = header.pair_pool_bytes;
  data.chunk_docs_ = header.chunk_docs;
  data.pair_chunk_state_.assign(chunk_count(header.length_count, header.chunk_docs),
                                TermState::Unchecked);
  if (*header_bytes != kHeaderBytesWithoutSequences)
    data.sequence_offsets_ = reinterpret_cast<const std::uint64_t*>(in + at->sequence_offsets);
  data.sequence_checksums_ = reinterpret_cast<const std::uint64_t*>(in + at->sequence_checksums);
  data.sequence_pool_ = reinterpret_cast<const unsigned char*>(in + at->sequence_pool);
  // The 8 zero bytes that end the pool are not a document's.
  data.sequence_pool_bytes_ = data.sequence_offsets_ ? header.sequence_pool_bytes - 8 : 0;
  data.sequence_chunk_state_.assign(chunk_count(header.length_count, header.chunk_docs),
                                    TermState::Unchecked);
  if (!data.directory_in_bounds(header.pool_bytes, header.block_count) ||
      !data.article_ids_in_bounds(header.id_pool_bytes) || !data.short_groups_in_bounds())
    return std::nullopt;
  data.short_group_state_.assign(header.short_group_count, TermState::Unchecked);
  data.last_docid_ = last;
  data.term_state_.assign(header.term_count, TermState::Unchecked);
  data.mapping_ = std::move(mapped->mapping);
  return data;
}

std::vector<std::pair<std::string, std::uint64_t>> MatchData::part_bytes(
    const std::filesystem::path& file) {
  const std::optional<MappedFile> mapped = map_file(file);
  if (!mapped) return {};
  Header header;
  const std::optional<std::size_t> header_bytes =
      read_header(mapped->bytes(), mapped->size, header);
  if (!header_bytes || header.byte_order != kByteOrderMark) return {};
  const auto at =
      layout_of<DirectoryEntry, Block, Impact, ShortGroup>(header, *header_bytes, mapped->size);
  if (!at) return {};
  return {{"lengths and ids", at->directory},  // and the header
          {"postings and impacts", at->short_groups - at->directory},
          {"short lists", at->sequence_offsets - at->short_groups},
          {"token sequences", at->pair_offsets - at->sequence_offsets},
          {"adjacent-pair filters", mapped->size - at->pair_offsets}};
}

// Article ids' offsets ascending within the pool (a document's article number is checked
// against their count when its id is looked up).
bool MatchData::article_ids_in_bounds(std::uint64_t id_pool_bytes) const {
  if (id_offsets_[0] != 0) return false;
  for (std::uint64_t n = 1; n <= article_count_; ++n)
    if (id_offsets_[n] < id_offsets_[n - 1] || id_offsets_[n] > id_pool_bytes) return false;
  return true;
}

// Every entry within bounds and in order; each term's blocks, impacts and postings are checked
// when first looked up (verify_term), so lookups can trust them: a matcher that followed a
// wrong bound would drop documents silently.
bool MatchData::directory_in_bounds(std::uint64_t pool_bytes, std::uint64_t block_count) const {
  std::string_view previous;
  for (std::uint64_t i = 0; i < term_count_; ++i) {
    const DirectoryEntry& entry = directory_[i];
    if (entry.pool_offset > pool_bytes || entry.term_bytes > pool_bytes - entry.pool_offset ||
        entry.first_block > block_count || entry.block_count > block_count - entry.first_block ||
        entry.block_count == 0 || entry.postings_end > posting_bytes_)
      return false;
    const std::string_view term(pool_ + entry.pool_offset, entry.term_bytes);
    if (i > 0 && !(previous < term)) return false;
    previous = term;
  }
  return true;
}

namespace {

// A term of a group of short lists, as short_postings reads them: `at` moves past it.
struct ShortEntry {
  std::string_view rest;  // the bytes after those it shares with the term before it
  std::uint64_t shared = 0;
  std::uint64_t count = 0;
  const unsigned char* postings = nullptr;
  const unsigned char* postings_end = nullptr;
};
// An entry's term: the bytes it shares with the term before it, and the rest.
inline bool read_short_term(const unsigned char*& at, const unsigned char* end,
                            std::uint64_t& shared, std::string_view& rest) {
  std::uint64_t rest_bytes = 0;
  if (!read_varint(at, end, shared) || !read_varint(at, end, rest_bytes) ||
      rest_bytes > static_cast<std::uint64_t>(end - at))
    return false;
  rest = {reinterpret_cast<const char*>(at), static_cast<std::size_t>(rest_bytes)};
  at += rest_bytes;
  return true;
}

bool read_short_entry(const unsigned char*& at, const unsigned char* end, ShortEntry& entry) {
  std::uint64_t posting_bytes = 0;
  if (!read_short_term(at, end, entry.shared, entry.rest) || !read_varint(at, end, entry.count) ||
      !read_varint(at, end, posting_bytes) || posting_bytes > static_cast<std::uint64_t>(end - at))
    return false;
  entry.postings = at;
  at += posting_bytes;
  entry.postings_end = at;
  return true;
}

}  // namespace

const unsigned char* MatchData::short_group_end(std::uint64_t group) const {
  return short_pool_ +
         (group + 1 < short_group_count_ ? short_groups_[group + 1].offset : short_pool_bytes_);
}

// Groups in order within the pool, none empty (the group table is in the file's checksum; a
// group's bytes are checked when a lookup first reads them: short_group_valid).
bool MatchData::short_groups_in_bounds() const {
  for (std::uint64_t g = 0; g < short_group_count_; ++g) {
    const ShortGroup& group = short_groups_[g];
    // Every group but the last is full: term_number() counts on it.
    if (group.term_count == 0 || group.offset > short_pool_bytes_ ||
        (g > 0 && group.offset <= short_groups_[g - 1].offset) ||
        (g + 1 < short_group_count_ && group.term_count != kShortGroupTerms))
      return false;
  }
  return true;
}

std::span<const unsigned char> MatchData::adjacent_pairs(Xapian::docid docid) const {
  if (docid >= length_count_) return {};
  // Each filter is whole 8-byte words.
  const bool valid = chunk_valid({pair_offsets_, pair_pool_, pair_pool_bytes_, pair_checksums_, 8},
                                 docid / chunk_docs_, pair_chunk_state_);
  if (!valid) return {};  // damaged: no filter, Xapian's positions decide
  return {pair_pool_ + pair_offsets_[docid], pair_offsets_[docid + 1] - pair_offsets_[docid]};
}

std::optional<std::vector<std::uint32_t>> MatchData::position_numbers(
    std::span<const std::string> terms) const {
  std::vector<std::uint32_t> numbers;
  numbers.reserve(terms.size());
  for (const std::string& term : terms) {
    if (const std::optional<std::uint32_t> number = term_number(term))
      numbers.push_back(*number);
    else if (posting_count(term) == Xapian::doccount{0})
      numbers.push_back(kNoTerm);
    else
      return std::nullopt;
  }
  return numbers;
}

std::optional<std::uint32_t> MatchData::term_number(std::string_view term) const {
  if (const DirectoryEntry* entry = directory_entry(term))
    return static_cast<std::uint32_t>(entry - directory_);
  const std::optional<std::uint64_t> before = groups_before(term, /*or_equal=*/true);
  if (!before || *before == 0) return std::nullopt;
  const std::uint64_t group = *before - 1;
  std::uint64_t place = 0;
  std::optional<std::uint32_t> number;
  const Walk walk = walk_short_entries(
      group, *before, [&](std::string_view current, const ShortEntry&, TermState&) {
        if (current < term) {
          ++place;
          return true;
        }
        // Every group but the last holds kShortGroupTerms terms (checked when the file is read).
        if (current == term)
          number = static_cast<std::uint32_t>(term_count_ + group * kShortGroupTerms + place);
        return false;
      });
  if (walk == Walk::Damaged) return std::nullopt;
  return number;
}

bool MatchData::chunk_valid(const DocumentSection& section, std::uint64_t chunk,
                            std::vector<TermState>& states) const {
  TermState& state = states[chunk];
  if (state == TermState::Unchecked) {
    // Offsets ascending within the pool, each document's bytes whole granules, and the checksum
    // as written.
    const auto [first, end] = document_chunk(chunk, length_count_, chunk_docs_);
    bool valid = true;
    for (std::uint64_t d = first; d < end && valid; ++d)
      valid = section.offsets[d] <= section.offsets[d + 1] &&
              section.offsets[d + 1] <= section.pool_bytes &&
              (section.offsets[d + 1] - section.offsets[d]) % section.granule == 0;
    valid = valid && chunk_checksum(chunk, length_count_, chunk_docs_, section.offsets,
                                    section.pool) == section.checksums[chunk];
    state = valid ? TermState::Valid : TermState::Invalid;
  }
  return state == TermState::Valid;
}

std::optional<MatchData::SequenceView> MatchData::sequence(Xapian::docid docid) const {
  if (sequence_offsets_ == nullptr || docid >= length_count_ ||
      !chunk_valid(
          {sequence_offsets_, sequence_pool_, sequence_pool_bytes_, sequence_checksums_, 1},
          docid / chunk_docs_, sequence_chunk_state_))
    return std::nullopt;
  const unsigned char* at = sequence_pool_ + sequence_offsets_[docid];
  const unsigned char* const end = sequence_pool_ + sequence_offsets_[docid + 1];
  if (at == end || *at++ != kSequenceKnown) return std::nullopt;
  SequenceView view{};
  if (!read_varint(at, end, view.count) || at == end) return std::nullopt;
  view.width = *at++;
  if (view.width > packed::kMaxBitWidth || view.count > static_cast<std::uint64_t>(end - at) * 8)
    return std::nullopt;
  view.packed = at;
  const std::uint64_t packed_bytes = (view.count * view.width + 7) / 8;
  if (packed_bytes > static_cast<std::uint64_t>(end - at)) return std::nullopt;
  at += packed_bytes;
  if (!read_varint(at, end, view.stacked_count)) return std::nullopt;
  view.stacked = at;
  view.end = end;
  return view;
}

std::optional<bool> MatchData::phrase_holds(Xapian::docid docid,
                                            std::span<const std::uint32_t> phrase) const {
  if (phrase.empty()) return std::nullopt;
  const std::optional<SequenceView> sequence = this->sequence(docid);
  if (!sequence) return std::nullopt;
  // The stacked tokens, (position, number + 1) pairs as varints: read through once to check
  // them, keeping the phrase's own terms' (reading the list again at every position where a
  // phrase term missed made a check cost tokens times stacked tokens). A passage with more
  // than kKeptStacked of them, never seen on the bench corpora, is answered by positions().
  constexpr std::size_t kKeptStacked = 16;
  std::array<std::pair<std::uint64_t, std::uint64_t>, kKeptStacked> kept;
  std::size_t kept_count = 0;
  bool too_many = false;
  const unsigned char* at = sequence->stacked;
  for (std::uint64_t n = 0, position = 0, number = 0; n < sequence->stacked_count; ++n) {
    if (!read_varint(at, sequence->end, position) || !read_varint(at, sequence->end, number))
      return std::nullopt;
    if (number == 0 || std::find(phrase.begin(), phrase.end(), number - 1) == phrase.end())
      continue;
    if (kept_count == kKeptStacked) too_many = true;
    if (!too_many) kept[kept_count++] = {position, number};
  }
  if (at != sequence->end) return std::nullopt;
  if (too_many) {
    std::vector<std::vector<Xapian::termpos>> lists;
    if (!positions(docid, phrase, lists)) return std::nullopt;
    for (Xapian::termpos start : lists[0]) {
      bool all = true;
      for (std::size_t k = 1; k < lists.size() && all; ++k)
        all = std::binary_search(lists[k].begin(), lists[k].end(),
                                 start + static_cast<Xapian::termpos>(k));
      if (all) return true;
    }
    return false;
  }
  const auto stands = [&](std::uint64_t position, std::uint32_t term) {
    const std::uint64_t stored = std::uint64_t{term} + 1;
    if (sequence->value(position) == stored) return true;
    for (std::size_t n = 0; n < kept_count; ++n)
      if (kept[n].first == position && kept[n].second == stored) return true;
    return false;
  };
  for (std::uint64_t start = 0; start + phrase.size() <= sequence->count; ++start) {
    std::size_t k = 0;
    while (k < phrase.size() && stands(start + k, phrase[k])) ++k;
    if (k == phrase.size()) return true;
  }
  return false;
}

bool MatchData::positions(Xapian::docid docid, std::span<const std::uint32_t> terms,
                          std::vector<std::vector<Xapian::termpos>>& out) const {
  const std::optional<SequenceView> sequence = this->sequence(docid);
  if (!sequence) return false;
  out.resize(terms.size());
  for (auto& list : out) list.clear();
  // Xapian numbers a passage's body positions from 1.
  const auto add = [&](std::uint64_t index, std::uint64_t stored) {
    for (std::size_t t = 0; t < terms.size(); ++t)
      if (std::uint64_t{terms[t]} + 1 == stored)
        out[t].push_back(static_cast<Xapian::termpos>(index + 1));
  };
  for (std::uint64_t index = 0; index < sequence->count; ++index)
    add(index, sequence->value(index));
  const unsigned char* at = sequence->stacked;
  bool stacked_any = false;
  for (std::uint64_t n = 0, position = 0, number = 0; n < sequence->stacked_count; ++n) {
    if (!read_varint(at, sequence->end, position) || !read_varint(at, sequence->end, number) ||
        position >= sequence->count)
      return false;
    if (number == 0) continue;
    add(position, number);
    stacked_any = true;
  }
  if (at != sequence->end) return false;
  if (stacked_any) {
    for (auto& list : out) {
      std::sort(list.begin(), list.end());
      list.erase(std::unique(list.begin(), list.end()), list.end());
    }
  }
  return true;
}

bool MatchData::short_group_valid(std::uint64_t group) const {
  TermState& state = short_group_state_[group];
  if (state == TermState::Unchecked) {
    const unsigned char* begin = short_pool_ + short_groups_[group].offset;
    const std::string_view bytes(reinterpret_cast<const char*>(begin),
                                 static_cast<std::size_t>(short_group_end(group) - begin));
    state = short_group_checksum(bytes) == short_groups_[group].checksum ? TermState::Valid
                                                                         : TermState::Invalid;
  }
  return state == TermState::Valid;
}

std::optional<std::uint64_t> MatchData::groups_before(std::string_view key, bool or_equal) const {
  // Every group the search reads is checked first, so a damaged one cannot steer it to a
  // wrong group.
  std::uint64_t low = 0, high = short_group_count_;
  while (low < high) {
    const std::uint64_t middle = low + (high - low) / 2;
    // Only the group's first term is read (it shares nothing), not its postings.
    const unsigned char* at = short_pool_ + short_groups_[middle].offset;
    std::uint64_t shared = 0;
    std::string_view first;
    if (!short_group_valid(middle) ||
        !read_short_term(at, short_group_end(middle), shared, first) || shared != 0)
      return std::nullopt;
    if (first < key || (or_equal && first == key))
      low = middle + 1;
    else
      high = middle;
  }
  return low;
}

template <typename Visit>
MatchData::Walk MatchData::walk_short_entries(std::uint64_t group, std::uint64_t end_group,
                                              Visit&& visit) const {
  std::array<char, kMaxTermBytes> bytes;  // the current term, front-decoded
  for (; group < end_group; ++group) {
    if (!short_group_valid(group)) return Walk::Damaged;
    TermState& state = short_group_state_[group];
    const unsigned char* at = short_pool_ + short_groups_[group].offset;
    const unsigned char* const group_end = short_group_end(group);
    std::size_t length = 0;
    for (std::uint32_t t = 0; t < short_groups_[group].term_count; ++t) {
      ShortEntry entry;
      if (!read_short_entry(at, group_end, entry) || entry.shared > length ||
          entry.rest.size() > kMaxTermBytes - entry.shared ||
          entry.count > std::numeric_limits<Xapian::doccount>::max()) {
        state = TermState::Invalid;
        return Walk::Damaged;
      }
      std::memcpy(bytes.data() + entry.shared, entry.rest.data(), entry.rest.size());
      length = static_cast<std::size_t>(entry.shared) + entry.rest.size();
      if (!visit(std::string_view(bytes.data(), length), entry, state)) return Walk::Stopped;
    }
  }
  return Walk::Ended;
}

template <typename Found>
bool MatchData::with_short_list(std::string_view term, Found&& found) const {
  // The last group whose first term is not after `term`.
  const std::optional<std::uint64_t> before = groups_before(term, /*or_equal=*/true);
  if (!before) return false;
  if (*before == 0) return absent(term);  // before every short list
  bool answer = false;
  const Walk walk =
      walk_short_entries(*before - 1, *before,
                         [&](std::string_view current, const ShortEntry& entry, TermState& state) {
                           if (current < term) return true;
                           // Terms are in order: past `term`, none holds it.
                           answer = current > term ? absent(term) : found(entry, state);
                           return false;
                         });
  if (walk == Walk::Damaged) return false;
  return walk == Walk::Stopped ? answer : absent(term);
}

bool MatchData::short_postings(std::string_view term,
                               std::vector<std::pair<Xapian::docid, std::uint32_t>>& out) const {
  return with_short_list(term, [&](const ShortEntry& entry, TermState& state) {
    const std::size_t begin = out.size();
    Xapian::docid docid = 0;
    const unsigned char* posting = entry.postings;
    for (std::uint64_t n = 0; n < entry.count; ++n) {
      std::uint64_t gap_and_flag = 0, wdf = 1;
      const bool read = read_varint(posting, entry.postings_end, gap_and_flag) &&
                        (!(gap_and_flag & 1) || read_varint(posting, entry.postings_end, wdf));
      const std::uint64_t gap = (gap_and_flag >> 1) + 1;
      if (!read || gap > last_docid_ - docid || wdf > std::numeric_limits<std::uint32_t>::max()) {
        out.resize(begin);
        state = TermState::Invalid;
        return false;
      }
      docid += static_cast<Xapian::docid>(gap);
      out.emplace_back(docid, static_cast<std::uint32_t>(wdf));
    }
    if (posting != entry.postings_end) {
      out.resize(begin);
      state = TermState::Invalid;
      return false;
    }
    return true;
  });
}

bool MatchData::short_completions(
    std::string_view prefix, std::size_t limit,
    std::vector<std::pair<std::string, Xapian::doccount>>& out) const {
  // From the last group whose first term is before `prefix` (an earlier one ends before it),
  // group by group until a term past the prefix's range.
  const std::optional<std::uint64_t> before = groups_before(prefix, /*or_equal=*/false);
  if (!before) return false;
  return walk_short_entries(*before == 0 ? 0 : *before - 1, short_group_count_,
                            [&](std::string_view term, const ShortEntry& entry, TermState&) {
                              if (!term.starts_with(prefix)) return term < prefix;
                              if (out.size() == limit) return false;
                              out.emplace_back(term, static_cast<Xapian::doccount>(entry.count));
                              return true;
                            }) != Walk::Damaged;
}

std::optional<std::vector<std::pair<std::string, Xapian::doccount>>> MatchData::completions(
    std::string_view prefix, std::size_t limit) const {
  std::vector<std::pair<std::string, Xapian::doccount>> blocked, listed;
  const DirectoryEntry* const end = directory_ + term_count_;
  const DirectoryEntry* entry = std::lower_bound(
      directory_, end, prefix, [this](const DirectoryEntry& e, std::string_view p) {
        return std::string_view(pool_ + e.pool_offset, e.term_bytes) < p;
      });
  // The first `limit` of each kind hold the first `limit` of both.
  for (; entry != end && blocked.size() < limit; ++entry) {
    const std::string_view term(pool_ + entry->pool_offset, entry->term_bytes);
    if (!term.starts_with(prefix)) break;
    const std::optional<Xapian::doccount> count = blocked_count(*entry);
    if (!count) return std::nullopt;
    blocked.emplace_back(term, *count);
  }
  if (!short_completions(prefix, limit, listed)) return std::nullopt;
  // A term has blocks or a short list, never both: the two ranges merge without ties.
  std::vector<std::pair<std::string, Xapian::doccount>> out;
  out.reserve(blocked.size() + listed.size());
  std::merge(std::make_move_iterator(blocked.begin()), std::make_move_iterator(blocked.end()),
             std::make_move_iterator(listed.begin()), std::make_move_iterator(listed.end()),
             std::back_inserter(out),
             [](const auto& a, const auto& b) { return a.first < b.first; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

const MatchData::DirectoryEntry* MatchData::directory_entry(std::string_view term) const {
  const DirectoryEntry* end = directory_ + term_count_;
  const DirectoryEntry* found = std::lower_bound(
      directory_, end, term, [this](const DirectoryEntry& entry, std::string_view t) {
        return std::string_view(pool_ + entry.pool_offset, entry.term_bytes) < t;
      });
  if (found == end || std::string_view(pool_ + found->pool_offset, found->term_bytes) != term)
    return nullptr;
  return found;
}

std::vector<MatchData::Impact> MatchData::competitive_impacts(std::vector<Impact> points) {
  // By wdf descending, then length ascending: a point is competitive when it is shorter than
  // every point before it.
  std::sort(points.begin(), points.end(), [](const Impact& a, const Impact& b) {
    return a.wdf != b.wdf ? a.wdf > b.wdf : a.length < b.length;
  });
  std::vector<Impact> kept;
  for (const Impact& point : points)
    if (kept.empty() || point.length < kept.back().length) kept.push_back(point);
  // Too many: merge neighbours into one beating both (the first's wdf, the second's length),
  // from the long end, where a bound matters least for BM25.
  while (kept.size() > kMaxImpacts) {
    const std::size_t at = kept.size() - kMaxImpacts - 1;  // merge with the one after it
    kept[at] = {kept[at].wdf, kept[at + 1].length};
    kept.erase(kept.begin() + static_cast<std::ptrdiff_t>(at) + 1);
  }
  return kept;
}

bool MatchData::verify_term(const DirectoryEntry& entry) const {
  const std::span<const Impact> impacts(impacts_, impact_count_);
  auto impacts_valid = [&](std::uint64_t first, std::uint64_t count) {
    if (count == 0 || count > kMaxImpacts || first > impacts.size() ||
        count > impacts.size() - first)
      return false;
    for (std::uint64_t i = first + 1; i < first + count; ++i)
      if (!(impacts[i].wdf < impacts[i - 1].wdf && impacts[i].length < impacts[i - 1].length))
        return false;
    return true;
  };
  if (!impacts_valid(entry.first_impact, entry.impact_count)) return false;
  const std::span<const Block> blocks(blocks_ + entry.first_block, entry.block_count);
  std::uint32_t last_docid = 0;
  std::uint64_t impacts_begin = entry.first_impact;
  for (const Block& block : blocks) {
    if (block.last_docid <= last_docid || block.last_docid > last_docid_ ||
        !impacts_valid(block.first_impact, block.impact_count))
      return false;
    last_docid = block.last_docid;
    impacts_begin = std::min<std::uint64_t>(impacts_begin, block.first_impact);
  }
  // Every block's postings within the term's bytes, each as long as its header says, so that
  // decode_block cannot read outside the section whatever the bytes hold.
  const std::span<const std::uint64_t> offsets(posting_offsets_ + entry.first_block,
                                               entry.block_count);
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    const std::uint64_t begin = offsets[i];
    const std::uint64_t end = i + 1 < offsets.size() ? offsets[i + 1] : entry.postings_end;
    if (begin > end || end > posting_bytes_ || end - begin < kBlockHeaderBytes) return false;
    const unsigned char* header = postings_ + begin;
    const std::uint32_t count = std::uint32_t{header[0]} + 1;
    if (count > kBlockSize || (i + 1 < offsets.size() && count != kBlockSize) ||
        header[1] > packed::kMaxBitWidth || header[2] > packed::kMaxBitWidth ||
        kBlockHeaderBytes + packed_bytes(count, header[1]) + packed_bytes(count, header[2]) !=
            end - begin)
      return false;
  }
  // The term's impacts run from its first block's to the end of the whole list's.
  const std::uint64_t impacts_end = std::uint64_t{entry.first_impact} + entry.impact_count;
  const std::string_view postings(reinterpret_cast<const char*>(postings_) + offsets.front(),
                                  entry.postings_end - offsets.front());
  return term_checksum(blocks, impacts.subspan(impacts_begin, impacts_end - impacts_begin), offsets,
                       postings) == entry.checksum;
}

bool MatchData::term_valid(const DirectoryEntry& entry) const {
  TermState& state = term_state_[static_cast<std::size_t>(&entry - directory_)];
  if (state == TermState::Unchecked)
    state = verify_term(entry) ? TermState::Valid : TermState::Invalid;
  return state == TermState::Valid;
}

std::optional<Xapian::doccount> MatchData::blocked_count(const DirectoryEntry& entry) const {
  if (!term_valid(entry)) return std::nullopt;
  // Every block but the last is full (verify_term checked it).
  const TermBlocks term{{blocks_ + entry.first_block, entry.block_count},
                        {},
                        {},
                        posting_offsets_ + entry.first_block,
                        postings_};
  const std::size_t last = entry.block_count - 1;
  return static_cast<Xapian::doccount>(last * kBlockSize + open_block(term, last).count);
}

std::optional<Xapian::doccount> MatchData::posting_count(std::string_view term) const {
  if (const DirectoryEntry* found = directory_entry(term)) return blocked_count(*found);
  // A short list's count is in its entry, under its group's checksum: no need to decode it
  // (the matcher's cursor decodes it once, later).
  Xapian::doccount count = 0;
  if (!with_short_list(term, [&](const ShortEntry& entry, TermState&) {
        count = static_cast<Xapian::doccount>(entry.count);
        return true;
      }))
    return std::nullopt;
  return count;
}

MatchData::TermBlocks MatchData::blocks(std::string_view term) const {
  const DirectoryEntry* found = directory_entry(term);
  if (!found || !term_valid(*found)) return {};  // none, or failing: read the list whole
  const std::span<const Impact> impacts(impacts_, impact_count_);
  return {{blocks_ + found->first_block, found->block_count},
          impacts,
          impacts.subspan(found->first_impact, found->impact_count),
          posting_offsets_ + found->first_block,
          postings_};
}

}  // namespace kavosh::index
