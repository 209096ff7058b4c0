#pragma once
// MatchData: what the searcher's top-k matcher (searcher/src/matcher/) needs beyond Xapian's
// posting lists, in the file match_data_path(index) beside the database:
//  - every document's length (Xapian's doclength, the sum of its wdfs) in a flat array, so
//    scoring a candidate reads one integer instead of walking the doclength list;
//  - every document's article as a number (equal for the passages of one article; 0 for a
//    document without an article id), so collapsing to one passage per article reads one
//    integer instead of a value slot;
//  - every article's id and every document's passage number, so a page of hits names its
//    passages without a read of Xapian's value slots (a B-tree read, often a system call, a
//    hit);
//  - for every term with at least kMinBlockedPostings postings, its postings cut into blocks of
//    kBlockSize, each with its last docid and its competitive impacts (as Lucene keeps them):
//    the (wdf, document length) pairs of its postings that no other posting beats on both, at
//    most kMaxImpacts (beyond that, neighbouring pairs are merged into one that beats both). A
//    ranking function that grows with wdf and falls with length (BM25) reaches its block maximum
//    at one of them, whatever its parameters, so the matcher can skip a block that cannot reach
//    the top k without decoding it. The term's whole list has impacts of its own;
//  - and those blocks' postings themselves (docids and wdfs, bit-packed per block: see
//    decode_block), so the matcher steps through a long list at a few instructions a posting
//    where Xapian's PostingIterator costs about seventy, and jumps to a block by its last docid;
//  - every shorter list (no blocks), front-coded terms and varint postings in groups of 16
//    terms (short_postings): a wildcard's rare completions and a small collection's words are
//    read in a few hundred instructions a list where opening one through Xapian costs about
//    15 000 (1.2 % of the 1 GB bench index, 5.5 % of the GCIDE one);
//  - every document's adjacent-pair filter (adjacent_pairs.hpp), built from its token sequence
//    (below), so the matcher rules out most candidates of an exact phrase of body terms with a
//    few bit tests;
//  - every document's token sequence: its body positions' term numbers (term_number()), and
//    its stacked compounds beside their positions, read from its stored record, so the matcher
//    checks an exact phrase of body terms from memory where Xapian's phrase matcher reads its
//    position and postlist tables, a system call for each block (on the 1 GB bench the phrase
//    class's p50 509 -> 249 us). A token's term is its text lowercased where its record keeps
//    no hash of it, as snippets read it (the record writer keeps the hash where it differs from
//    that text's: a different term with the same 32-bit hash would be misread, about 2^-32 a
//    token whose term is not its text); a document with a token kept by a hash that two body
//    terms share has no sequence, and its checks read Xapian's positions.
// Since every term is in it, with its count, it is also the searcher's vocabulary: a term's
// document frequency (posting_count) and a wildcard's completions (completions) are read here,
// not from Xapian's postlist B-tree, where each lookup or walk often reads a block.
// Xapian's posting lists stay the record: this is a copy the indexer rewrites with them.
//
// Trust, as for the term filter (term_filter.hpp): written at the end of every indexing run for
// the revision and UUID its last commit leaves, replaced atomically; a reader uses it only when
// both match the database it has open and every field is within the file's bounds, and the
// searcher answers through Xapian's own matcher otherwise.
//
// Integers are stored in the host's byte order (the file is rebuilt, not moved between
// machines; the header records the order and a reader of the other order ignores the file).
#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kavosh::index {

inline std::filesystem::path match_data_path(const std::filesystem::path& database) {
  return database / "match.data";
}

class MatchData {
 public:
  // Postings per block: smaller blocks bound more tightly and cost more bytes (12 per block and
  // 8 per impact). Lucene and PISA use 128.
  static constexpr std::uint32_t kBlockSize = 128;
  static constexpr Xapian::doccount kMinBlockedPostings = 2 * kBlockSize;
  // The largest frontier of a 1 GB bench block is 17 points (`of`; 10.4 on average, `the` 12.5):
  // at 8, merging the rest inflated the bounds of a frequent word's blocks so much that `of`
  // could skip 523 of its 5 335 blocks at the k-th score of `"of the"`, where its exact bounds
  // skip 3 070 (16 impacts skip as many). Files written with 8 read as they are.
  static constexpr std::size_t kMaxImpacts = 16;

  struct Impact {
    std::uint32_t wdf;
    std::uint32_t length;
  };
  struct Block {
    std::uint32_t last_docid;
    std::uint32_t first_impact;  // into TermBlocks::impacts
    std::uint32_t impact_count;
  };
  struct TermBlocks {
    std::span<const Block> blocks;                   // in docid order; empty when the term has none
    std::span<const Impact> impacts;                 // what Block::first_impact counts in
    std::span<const Impact> whole;                   // the whole list's impacts (with blocks only)
    const std::uint64_t* posting_offsets = nullptr;  // each block's, into `postings`
    const unsigned char* postings = nullptr;
  };

  // Block `block` of `term` (one whose blocks() came back non-empty), its docids decoded (at
  // most kBlockSize, in order) and its wdfs still packed: a matcher that skips through a list
  // reads few of them. The term's bytes were checked when blocks() first met it, so this
  // trusts them.
  struct DecodedBlock {
    std::uint32_t count = 0;
    // How many of the block's docids are decoded (the first `decoded`): a matcher skipping to
    // one docid decodes up to it and leaves the rest until it steps there.
    std::uint32_t decoded = 0;
    const unsigned char* packed_gaps = nullptr;
    std::uint32_t gap_width = 0;
    Xapian::docid before = 0;  // the docid the first gap counts from
    const unsigned char* packed_wdfs = nullptr;
    std::uint32_t wdf_width = 0;
    // The wdf of the block's posting `i`.
    std::uint32_t wdf(std::uint32_t i) const {
      const std::uint64_t bit = std::uint64_t{i} * wdf_width;
      std::uint64_t word;
      std::memcpy(&word, packed_wdfs + bit / 8, sizeof word);
      return static_cast<std::uint32_t>((word >> (bit % 8)) &
                                        ((std::uint64_t{1} << wdf_width) - 1));
    }
  };
  static DecodedBlock decode_docids(const TermBlocks& term, std::size_t block,
                                    std::uint32_t* docids);
  // Block `block`'s header, none of its docids decoded yet.
  static DecodedBlock open_block(const TermBlocks& term, std::size_t block);
  // Decodes `block`'s docids into `docids` from block.decoded on, through the first one at
  // least `target` (all of them when none is).
  static void decode_docids_through(DecodedBlock& block, Xapian::docid target,
                                    std::uint32_t* docids);
  // The same with every wdf decoded; returns how many postings.
  static std::uint32_t decode_block(const TermBlocks& term, std::size_t block,
                                    std::uint32_t* docids, std::uint32_t* wdfs);

  // The competitive impacts of `points`: by wdf descending (so length descending too), none
  // beaten on both by another, at most kMaxImpacts.
  static std::vector<Impact> competitive_impacts(std::vector<Impact> points);

  // Builds the data of `db` (a single database at its current revision) and writes it to
  // `file` through a temporary file renamed over it.
  static void write(const Xapian::Database& db, const std::filesystem::path& file);
  // The same with `chunk_docs` documents per checksum of the token sequences and adjacent-pair
  // filters (the default's reasons in match_data.cpp; tests write files with other sizes).
  static void write(const Xapian::Database& db, const std::filesystem::path& file,
                    std::uint64_t chunk_docs);
  // The data of `file` when it was written for `db`'s current revision and UUID and every
  // field is within bounds; otherwise nothing (absent, stale, truncated or foreign files are
  // not errors).
  static std::optional<MatchData> read(const std::filesystem::path& file,
                                       const Xapian::Database& db);
  // Where the bytes of `file` go, by part (the header with the lengths and ids, postings and
  // impacts, short lists, token sequences, adjacent-pair filters), read from its header
  // alone: for `kavosh-index --stats`. Empty for a file of no known layout.
  static std::vector<std::pair<std::string, std::uint64_t>> part_bytes(
      const std::filesystem::path& file);

  // The length of document `docid`; 0 for a docid the revision does not hold.
  std::uint32_t length(Xapian::docid docid) const {
    return docid < length_count_ ? lengths_[docid] : 0;
  }
  // Every document's length by docid (from docid 0, which has none): for a matcher testing
  // several neighbouring documents at once.
  std::span<const std::uint32_t> lengths() const { return {lengths_, length_count_}; }
  // The number of document `docid`'s article; 0 for none.
  std::uint32_t article(Xapian::docid docid) const {
    return docid < length_count_ ? articles_[docid] : 0;
  }
  // The id of document `docid`'s article (empty for none, or a docid the revision does not
  // hold) and its passage number, as the value slots hold them.
  std::string_view article_id(Xapian::docid docid) const {
    const std::uint32_t n = article(docid);
    if (n == 0 || n > article_count_) return {};  // none, or a number the file lies about
    return {id_pool_ + id_offsets_[n - 1], id_offsets_[n] - id_offsets_[n - 1]};
  }
  std::uint32_t passage(Xapian::docid docid) const {
    return docid < length_count_ ? passages_[docid] : 0;
  }
  // Not thread-safe: the first lookup of a term checks its data (a Searcher owns its copy).
  TermBlocks blocks(std::string_view term) const;
  // For a term without blocks (fewer than kMinBlockedPostings postings): true with its
  // postings (docid, wdf) appended to `out` in docid order, none when the index holds no such
  // term; false when the file cannot say (the group of lists holding it fails its checks):
  // read the list through Xapian then. Not thread-safe, as blocks().
  bool short_postings(std::string_view term,
                      std::vector<std::pair<Xapian::docid, std::uint32_t>>& out) const;
  // How many documents hold `term` (Xapian's termfreq for the revision: the file holds every
  // term's postings, 0 for a term the index lacks); nothing when the file cannot say (the
  // term's data fails its checks). Not thread-safe, as blocks().
  std::optional<Xapian::doccount> posting_count(std::string_view term) const;
  // The first `limit` terms that begin with `prefix`, in term order, with how many documents
  // hold each (as Xapian's allterms_begin(prefix) and its termfreqs give them for the
  // revision, without walking its postlist B-tree: a wildcard's expansion read a leaf block
  // for every few of its completions' posting-list chunks, 333 reads for `the*` on the 1 GB
  // bench); nothing when the file cannot say (a term or group of lists in the range fails its
  // checks). Not thread-safe, as blocks().
  std::optional<std::vector<std::pair<std::string, Xapian::doccount>>> completions(
      std::string_view prefix, std::size_t limit = std::numeric_limits<std::size_t>::max()) const;
  // Document `docid`'s adjacent-pair filter; empty when it has none (indexed before filters,
  // or a docid the revision does not hold) or its chunk of the file fails its checks. Not
  // thread-safe, as blocks().
  std::span<const unsigned char> adjacent_pairs(Xapian::docid docid) const;
  // The number of `term` in the file's vocabulary, as the token sequences give it: a term with
  // blocks its place among them, any other the count of those plus its place among the short
  // lists; nothing when the index lacks the term or the file cannot say (its data fails its
  // checks). Not thread-safe, as blocks().
  std::optional<std::uint32_t> term_number(std::string_view term) const;
  // A number no term has: positions() gives it no position.
  static constexpr std::uint32_t kNoTerm = 0xFFFFFFFF;
  // The numbers positions() takes for body terms `terms`: each term_number(), or kNoTerm for a
  // term in none of the file's documents (another shard's word); nothing when the file cannot
  // number one. Not thread-safe, as blocks().
  std::optional<std::vector<std::uint32_t>> position_numbers(
      std::span<const std::string> terms) const;
  // Whether the body terms numbered `phrase` (term_number(), in order) stand at consecutive
  // positions of document `docid`, as Xapian's positions of its unprefixed terms say (a
  // compound joined from spaced parts stands at its first part's position); nothing when the
  // file cannot say: the document has no sequence (its record had a token the writer could not
  // name, or the docid is not the revision's) or its chunk of the file fails its checks. Not
  // thread-safe, as blocks().
  std::optional<bool> phrase_holds(Xapian::docid docid,
                                   std::span<const std::uint32_t> phrase) const;
  // The positions of each of the body terms numbered `terms` (term_number()) in document
  // `docid`, as Xapian's positions of its unprefixed terms give them (the first body position
  // is 1; a compound joined from spaced parts stands at its first part's position): one
  // ascending list a term in `out`, empty for a term the document lacks. False when the file
  // cannot say, as phrase_holds(). Not thread-safe, as blocks().
  bool positions(Xapian::docid docid, std::span<const std::uint32_t> terms,
                 std::vector<std::vector<Xapian::termpos>>& out) const;
  // Asks the processor to start loading length(docid).
  void prefetch_length(Xapian::docid docid) const {
    if (docid < length_count_) __builtin_prefetch(lengths_ + docid);
  }
  // Asks the processor to start loading what adjacent_pairs(docid) will read, so that a
  // matcher testing the filters of a term's postings in docid order overlaps their cache
  // misses: on a large index each filter sits in a different page of the pool. `stage` 0
  // fetches the filter's offset, stage 1 (some postings later) the filter itself through the
  // offset stage 0 fetched. Reads nothing it should not: a prefetch never faults.
  void prefetch_adjacent_pairs(Xapian::docid docid, int stage) const {
    if (docid >= length_count_) return;
    if (stage == 0)
      __builtin_prefetch(pair_offsets_ + docid);
    else
      __builtin_prefetch(pair_pool_ + std::min(pair_offsets_[docid], pair_pool_bytes_));
  }

 private:
  MatchData() = default;
  struct DirectoryEntry;
  struct ShortGroup;
  struct TermSections;  // what write() builds term by term
  enum class TermState : std::uint8_t { Unchecked, Valid, Invalid };
  bool directory_in_bounds(std::uint64_t pool_bytes, std::uint64_t block_count) const;
  bool article_ids_in_bounds(std::uint64_t id_pool_bytes) const;
  bool short_groups_in_bounds() const;
  bool short_group_valid(std::uint64_t group) const;
  // Finds `term` among the short lists and returns found(entry, state) with its entry and its
  // group's state; where no short list holds it, whether the term is absent; false when a group
  // fails its checks.
  template <typename Found>
  bool with_short_list(std::string_view term, Found&& found) const;
  // How walk_short_entries() ended: visit() said stop, the groups ended, or a group failed
  // its checks (and is marked so).
  enum class Walk : std::uint8_t { Stopped, Ended, Damaged };
  // Decodes the short lists of groups [group, end_group) in term order, each group checked
  // before its bytes are read, calling visit(term, entry, group state) until it returns false.
  template <typename Visit>
  Walk walk_short_entries(std::uint64_t group, std::uint64_t end_group, Visit&& visit) const;
  // How many groups of short lists begin with a term before `key` (or equal to it); nothing
  // when a group the search reads fails its checks.
  std::optional<std::uint64_t> groups_before(std::string_view key, bool or_equal) const;
  const DirectoryEntry* directory_entry(std::string_view term) const;  // null when absent
  // The checked posting count of a term with blocks; nothing when its data fails its checks.
  std::optional<Xapian::doccount> blocked_count(const DirectoryEntry& entry) const;
  // Appends the first `limit` short lists' terms that begin with `prefix`, in order, with
  // their counts; false when a group in the range fails its checks.
  bool short_completions(std::string_view prefix, std::size_t limit,
                         std::vector<std::pair<std::string, Xapian::doccount>>& out) const;
  // What short_postings says of a term no short list holds: absent (true), unless the term has
  // blocks, which the caller found failing their checks: then the file cannot say (false).
  bool absent(std::string_view term) const { return directory_entry(term) == nullptr; }
  const unsigned char* short_group_end(std::uint64_t group) const;
  bool verify_term(const DirectoryEntry& entry) const;
  bool term_valid(const DirectoryEntry& entry) const;  // verify_term(), remembered
  static std::uint64_t term_checksum(std::span<const Block> blocks, std::span<const Impact> impacts,
                                     std::span<const std::uint64_t> posting_offsets,
                                     std::string_view postings);
  mutable std::vector<TermState> term_state_;
  Xapian::docid last_docid_ = 0;
  std::shared_ptr<const void> mapping_;
  const std::uint32_t* lengths_ = nullptr;
  const std::uint32_t* articles_ = nullptr;    // as many as lengths_
  const std::uint32_t* passages_ = nullptr;    // as many as lengths_
  const std::uint64_t* id_offsets_ = nullptr;  // article_count_ + 1
  std::uint64_t article_count_ = 0;
  const char* id_pool_ = nullptr;
  std::uint64_t length_count_ = 0;
  const DirectoryEntry* directory_ = nullptr;
  std::uint64_t term_count_ = 0;
  const Block* blocks_ = nullptr;
  const Impact* impacts_ = nullptr;
  std::uint64_t impact_count_ = 0;
  const std::uint64_t* posting_offsets_ = nullptr;  // as many as blocks
  const unsigned char* postings_ = nullptr;
  std::uint64_t posting_bytes_ = 0;  // not counting the zero bytes a decoder may read past them
  const char* pool_ = nullptr;
  const ShortGroup* short_groups_ = nullptr;
  std::uint64_t short_group_count_ = 0;
  const unsigned char* short_pool_ = nullptr;
  std::uint64_t short_pool_bytes_ = 0;
  mutable std::vector<TermState> short_group_state_;
  const std::uint64_t* pair_offsets_ = nullptr;  // length_count_ + 1
  const std::uint64_t* pair_checksums_ = nullptr;
  const unsigned char* pair_pool_ = nullptr;
  std::uint64_t pair_pool_bytes_ = 0;
  std::uint64_t chunk_docs_ = 1;  // documents per checksum of the pairs and the sequences
  mutable std::vector<TermState> pair_chunk_state_;
  const std::uint64_t* sequence_offsets_ = nullptr;    // length_count_ + 1
  const std::uint64_t* sequence_checksums_ = nullptr;  // one a chunk, as pair_checksums_
  const unsigned char* sequence_pool_ = nullptr;
  std::uint64_t sequence_pool_bytes_ = 0;  // not counting the 8 zero bytes that end the pool
  mutable std::vector<TermState> sequence_chunk_state_;
  // A section with a part of its pool for each document (the adjacent-pair filters, the token
  // sequences): offsets by docid, and a checksum per chunk of documents.
  struct DocumentSection {
    const std::uint64_t* offsets;
    const unsigned char* pool;
    std::uint64_t pool_bytes;
    const std::uint64_t* checksums;
    std::uint64_t granule;  // every document's part is a multiple of this many bytes
  };
  // Whether chunk `chunk` of `section` is intact, checked at its first use and remembered in
  // `states`.
  bool chunk_valid(const DocumentSection& section, std::uint64_t chunk,
                   std::vector<TermState>& states) const;
  // A document's token sequence, its parts checked: `count` term numbers + 1 packed `width`
  // bits each at `packed`, then `stacked_count` stacked tokens from `stacked` to `end`.
  struct SequenceView {
    const unsigned char* packed;
    std::uint64_t count;
    std::uint32_t width;
    std::uint64_t stacked_count;
    const unsigned char* stacked;
    const unsigned char* end;
    // The term number + 1 at position `index` (from 0; below count). Reads 8 bytes from the
    // value's first: the pool ends with 8 zero bytes for the last value.
    std::uint64_t value(std::uint64_t index) const {
      const std::uint64_t bit = index * width;
      std::uint64_t word;
      std::memcpy(&word, packed + bit / 8, sizeof word);
      return (word >> (bit % 8)) & ((std::uint64_t{1} << width) - 1);
    }
  };
  // Document `docid`'s token sequence; nothing where it has none or its chunk fails its checks.
  std::optional<SequenceView> sequence(Xapian::docid docid) const;
};

}  // namespace kavosh::index
