#pragma once
// The index schema: every term prefix, value slot and id rule, spelled in exactly one place.
// The indexer writes by it and the searcher reads by it; nothing else names a prefix.
#include <xapian.h>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "kavosh/text/utf8.hpp"

namespace kavosh::index::schema {

// Term prefixes (Xapian convention: an uppercase prefix; "Z" + prefix marks a stemmed term).
// How the indexer writes each kind of text (all tokens come from kavosh::analysis::Analyzer):
//  - body words: Token::term unprefixed, WITH positions (Xapian position = Token::position + 1;
//    stacked compound tokens, span > 1, are posted at their first position too);
//  - stems: "Z" + Token::stem_or_term() for EVERY body token (no positions, wdf counted), so a
//    stemmed query can always use Z-terms alone and an exact/phrase query the unprefixed terms;
//  - title words: "S" + term with positions (wdf kTitleWdf each) and "ZS" + stem_or_term, on
//    every passage of the article; section heading words: "XH" + term (positions), "ZXH" + stem;
//  - field words: field_prefix(name) + term with positions and "Z" + field_prefix(name) +
//    stem_or_term ("ZXFleader:rajavi"). A passage's own fields (the infobox) are also in its
//    displayed text, hence in the body; article-level fields (JSONL extras, SMART authors)
//    are indexed only under their field prefix, on every passage;
//  - boolean terms: "L" + language code and "Q" + passage id, passed through id_term() (long
//    ids are shortened with a hash). An article's passages are found by their numbers (Q terms
//    of passage_id(article, 0), 1, ... until one is missing): a per-article term would add a
//    new posting list per passage to the writing thread's work for nothing;
//  - terms longer than kMaxTermBytes are dropped (Xapian's limit is 245 bytes).
// Synonyms (aliases): each name of an alias group is analyzed; its terms (Token::term of the
// span-1 tokens, one per position) joined with single spaces form its synonym key, and every
// key gets every other member's key as a synonym. The searcher looks up single terms and
// space-joined term n-grams as keys and turns a multi-term synonym into a phrase.
// Spelling ("did you mean"): unprefixed body terms of Latin or Arabic script that are not
// numbers, each with the number of passages holding it, in a Xapian database of their own at
// spelling_path(database) (written on its own thread; see indexer/src/spelling_store.hpp),
// under spelling_key(term) (see there).
inline constexpr std::string_view kStemmed = "Z";
inline constexpr std::string_view kTitle = "S";         // article title words
inline constexpr std::string_view kSection = "XH";      // section heading words
inline constexpr std::string_view kLanguage = "L";      // boolean: "Len", "Lfa", "Lar", "Lother"
inline constexpr std::string_view kPassageId = "Q";     // boolean, unique: "Q" + passage id
inline constexpr std::string_view kFieldPrefix = "XF";  // "XF" + field name + ":" + word

// A field's term prefix: field names are lowercase ASCII ("leader", "founded", ...).
inline std::string field_prefix(std::string_view field) {
  std::string prefix(kFieldPrefix);
  prefix.append(field);
  prefix.push_back(':');
  return prefix;
}

inline constexpr std::size_t kMaxTermBytes = 240;

// Whether `term` is a body word's: unprefixed. Every prefix starts with an uppercase ASCII
// letter, and analysis case-folds every term, so no body word does.
inline bool is_body_term(std::string_view term) {
  return !term.empty() && !(term.front() >= 'A' && term.front() <= 'Z');
}

// The spelling database lives inside the index directory, so the two move together.
inline std::filesystem::path spelling_path(const std::filesystem::path& database) {
  return database / "spelling";
}

// Spelling keys. Xapian's spelling table cuts words into byte n-grams, so a Persian word in
// UTF-8 (two bytes a letter) had twice the n-grams of its letters, and n-grams of lead and
// continuation bytes that most words share, whose long entries every commit rewrote: writing
// the dictionary was half the indexing time of a small Persian collection. An Arabic-script
// word is therefore keyed as kArabicSpellingMark and one byte per letter, 0x80 + the letter's
// place in the letter table of format/src/spelling_keys.cpp (ParsiNLU's dictionary: 205 -> 106 ms
// to write, and as many right suggestions for 2000 typos). Neither byte can begin a UTF-8 sequence,
// so Xapian's edit distance (UTF-8 characters; any other byte is a character of its own) counts a
// letter as one, and the keys sort after every Latin word, in the order of their UTF-8 words, as
// the index's terms do (SpellingStore::sync_with walks the two in step). A Latin word is its own
// key; an Arabic-script term with a character outside the table (a mixed-script token) has
// none. Dictionaries written before these keys have no kMetaSpellingKeys and are read as
// UTF-8 (the next indexing run rewrites them).
inline constexpr char kArabicSpellingMark = '\xF8';
inline constexpr std::string_view kMetaSpellingKeys = "kavosh.spelling-keys";
inline constexpr std::string_view kSpellingKeys = "arabic-letter-bytes";

// The dictionary key of a spelling word (see above), or nothing when it has none.
std::optional<std::string> spelling_key(std::string_view word);
// The word a dictionary key stands for: the inverse of spelling_key.
std::string spelling_word(std::string_view key);

// A first indexing run (an empty database) writes its passages into kShardCount shard
// databases inside the index directory, each on its own thread, and merges them into the
// directory's own database at the end (Xapian::Database::compact; see indexer/README.md).
// Meanwhile the directory holds a Xapian stub file (kShardStub) listing the shards, so readers
// see every shard's last commit and a second writer meets the shards' locks. An article goes
// to the shard its id routes to (kMetaShardRouting: ids numbered in order in blocks of 64
// neighbours, others by hash), a function of the id alone, so a re-run after a kill finds it
// where it was.
inline constexpr unsigned kShardCount = 2;
inline constexpr std::string_view kShardStub = "XAPIANDB";
inline constexpr std::string_view kShardPrefix = ".shard-";
inline std::filesystem::path shard_path(const std::filesystem::path& database, unsigned shard) {
  return database / (std::string(kShardPrefix) + std::to_string(shard));
}
inline bool is_shard_name(std::string_view name) { return name.starts_with(kShardPrefix); }
// A sharded index (kavosh-index --shards N) keeps its shards apart instead: DIR/shard-0 ..
// DIR/shard-<N-1>, routed like a first run's, named by the same stub file, so every Xapian
// and Kavosh tool opens DIR as one index, and each shard can be served on its own
// (xapian-tcpsrv). Each shard is a complete index with its own side files (term filter,
// match data); the spelling dictionary stays one, in DIR.
inline constexpr std::string_view kIndexShardPrefix = "shard-";
inline std::filesystem::path index_shard_path(const std::filesystem::path& database,
                                              unsigned shard) {
  return database / (std::string(kIndexShardPrefix) + std::to_string(shard));
}
inline bool is_index_shard_name(std::string_view name) {
  return name.starts_with(kIndexShardPrefix);
}
// The lock file Xapian's glass backend keeps in a database directory (while a writer holds it
// open, and left behind): what tells a directory Xapian wrote from any other.
inline constexpr std::string_view kXapianLockFile = "flintlock";
// Glass's version file: each commit writes a new one and renames it into place, so a directory
// holding it is one database, and its identity changes with every commit.
inline constexpr std::string_view kGlassVersionFile = "iamglass";

// The project's one byte-string hash (64-bit FNV-1a): ids, stored token hashes and the term
// filter keep its values in the index, so it is stable across platforms and releases.
// Passing a previous result as `hash` continues it: fnv1a_64(b, fnv1a_64(a)) == fnv1a_64(a + b).
inline constexpr std::uint64_t kFnv1aOffsetBasis = 14695981039346656037ull;
constexpr std::uint64_t fnv1a_64(std::string_view bytes, std::uint64_t hash = kFnv1aOffsetBasis) {
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

// The project's 64-bit mixers: xor-shifts and multiplications that carry every input bit to
// every output bit. Their values are kept in the index, so each set of constants stays.
template <int Shift1, std::uint64_t Multiplier1, int Shift2, std::uint64_t Multiplier2, int Shift3>
constexpr std::uint64_t xorshift_multiply(std::uint64_t x) {
  x ^= x >> Shift1;
  x *= Multiplier1;
  x ^= x >> Shift2;
  x *= Multiplier2;
  x ^= x >> Shift3;
  return x;
}
// splitmix64's constants: the term filter and the adjacent-pair filters.
constexpr std::uint64_t mix64(std::uint64_t x) {
  return xorshift_multiply<30, 0xBF58476D1CE4E5B9ull, 27, 0x94D049BB133111EBull, 31>(x);
}

// The low `digits` hex digits of `value`, lowercase, leading zeros kept.
inline std::string fixed_hex(std::uint64_t value, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4)
    hex.push_back(kHex[(value >> shift) & 0xF]);
  return hex;
}

// fnv1a_64 of `bytes` as 16 lowercase hex digits.
inline std::string fnv1a_64_hex(std::string_view bytes) { return fixed_hex(fnv1a_64(bytes), 16); }

// A boolean id term: prefix + id, or, when that would exceed kMaxTermBytes, prefix + the first
// 200 bytes of the id (cut on a UTF-8 boundary) + "#" + 16 hex digits of the id's FNV-1a hash.
inline std::string id_term(std::string_view prefix, std::string_view id) {
  std::string term(prefix);
  if (prefix.size() + id.size() <= kMaxTermBytes) {
    term.append(id);
    return term;
  }
  term.append(id.substr(0, text::utf8_boundary_at_or_before(id, 200)));
  term.push_back('#');
  term += fnv1a_64_hex(id);
  return term;
}

// Value slots.
inline constexpr Xapian::valueno kSlotArticleId = 0;  // collapse key: best passage per article
inline constexpr Xapian::valueno kSlotPassageNo = 1;  // Xapian::sortable_serialise(passage number)
inline constexpr Xapian::valueno kSlotDate = 2;       // "YYYY-MM-DD" when the format gives one
inline constexpr Xapian::valueno kSlotLanguage = 3;   // "en", "fa", "ar", "other"
// The stored passage record (stored_passage.hpp), see the note on document data below. A value
// slot, not the document data: Xapian (glass) zlib-compresses document data, and inflating
// ~2 KB per hit was 27 % of the instructions of a top-10 search with snippets (callgrind,
// generated bench corpus); value streams are stored as given, so the record compresses
// itself, with LZ4, whose inflating costs little (see stored_passage.hpp).
inline constexpr Xapian::valueno kSlotStoredPassage = 4;
// Slot 5 held each document's adjacent-pair filter until 2026-12-07 (adjacent_pairs.hpp);
// nothing reads it, and it is not to be given another meaning while indexes written then last.

// Ids: an article id is the collection's own document id (DOCNO, .I number, JSONL "id",
// MediaWiki page title) or, for plain files, the file path relative to the indexed root.
// A passage id is article id + "#" + passage number, so re-indexing replaces in place.
inline std::string passage_id(std::string_view article_id, unsigned passage_no) {
  std::string id(article_id);
  id.push_back('#');
  id += std::to_string(passage_no);
  return id;
}

// The document of passage id `id`, or of article `id`'s first passage (kavosh-index --show,
// kavosh-serve's GET /doc/ID); none when the index holds neither.
inline std::optional<Xapian::docid> passage_docid(const Xapian::Database& db, std::string_view id) {
  for (const std::string& candidate : {std::string(id), passage_id(id, 0)}) {
    const std::string term = id_term(kPassageId, candidate);
    const Xapian::PostingIterator posting = db.postlist_begin(term);
    if (posting != db.postlist_end(term)) return *posting;
  }
  return std::nullopt;
}

// Within-document frequency given to a title word per occurrence, and to a field word;
// body words get 1. The searcher scales title/field subqueries by its own weights too.
inline constexpr unsigned kTitleWdf = 1;
inline constexpr unsigned kFieldWdf = 1;

// Value slot kSlotStoredPassage: the binary stored passage record
// (schema 2 on; schema 1 held a JSON object in the document data, which is now empty) with
// article, passage number, title, section, lang, text, fields, source, date and the token
// table of the body text that snippets match against. "fields" merges article-level and
// passage fields in the order first given, repeated names joined with "; ".

// Xapian metadata keys.
inline constexpr std::string_view kMetaSchemaVersion = "kavosh.schema";
// 3: stored passage record format 2 (LZ4-compressed, or zstd with a dictionary of the index
// since 2026-12-05: the records say which, so indexes of either kind read alike);
// 2: record format 1 (uncompressed, every hash stored); 1: JSON document data. A searcher
// refuses any other version, and the indexer will not add to one, with a message to re-index
// with --rebuild.
inline constexpr std::string_view kSchemaVersion = "3";
inline constexpr std::string_view kMetaArticleCount = "kavosh.articles";  // decimal count

// A kMetaArticleCount value as a number; none when it is not a decimal count.
inline std::optional<std::uint64_t> parse_article_count(std::string_view value) {
  std::uint64_t count = 0;
  const char* end = value.data() + value.size();
  const auto [stop, error] = std::from_chars(value.data(), end, count);
  if (value.empty() || error != std::errc() || stop != end) return std::nullopt;
  return count;
}
// One database's article count; none in an index written before the count was kept. Xapian
// reads a combined database's metadata (a stub's shards) from its first database only, so
// the count of such an index is the sum of its parts'.
inline std::optional<std::uint64_t> article_count(const Xapian::Database& db) {
  return parse_article_count(db.get_metadata(std::string(kMetaArticleCount)));
}
// The analyzer option that changes the index's terms, "1" or "0"; the searcher analyzes its
// queries with the value the index was written with (absent in older indexes, which were
// normalized).
inline constexpr std::string_view kMetaNormalizeArabicScript =
    "kavosh.analysis.normalize_arabic_script";
// The stemmers the index's stems ("Z" terms) were made with, by name (analysis::
// english_stemmer_name, persian_stemmer_name): the searcher stems queries with the same ones,
// and the indexer adds to an index only with the same ones. Absent in indexes written before
// the choice existed (2026-12-05), which were stemmed as the two names below say; a name this
// build does not know is refused.
inline constexpr std::string_view kMetaEnglishStemmer = "kavosh.analysis.english_stemmer";
inline constexpr std::string_view kMetaPersianStemmer = "kavosh.analysis.persian_stemmer";
inline constexpr std::string_view kEnglishStemmerOfOlderIndexes = "porter2";
inline constexpr std::string_view kPersianStemmerOfOlderIndexes = "light";
// Where an index keeps the positions of its body (unprefixed) terms. kBodyPositionsInSequences:
// only in match.data's token sequences and in the stored records (whose text, analysed again,
// gives them), not in Xapian's position table, whose largest part they were (decision 0007);
// phrases and NEAR of body words are checked there, and Xapian's Enquire is given a posting
// source that does so. kBodyPositionsInXapian: in Xapian's position table too, as in every index
// written before the key (2026-12-08), and as an index served through xapian-tcpsrv needs,
// since that server can run no posting source of Kavosh's.
inline constexpr std::string_view kMetaBodyPositions = "kavosh.body-positions";
inline constexpr std::string_view kBodyPositionsInXapian = "xapian";
inline constexpr std::string_view kBodyPositionsInSequences = "sequences";
// Whether a database's Xapian position table holds its body terms' positions.
inline bool body_positions_in_xapian(const Xapian::Database& db) {
  return db.get_metadata(std::string(kMetaBodyPositions)) != kBodyPositionsInSequences;
}
// How a first run routed article ids to its shards; a re-run goes on only in shards routed
// the same way (written to the shards, and kept by their merge).
inline constexpr std::string_view kMetaShardRouting = "kavosh.shard-routing";
// The stored records' zstd dictionaries (record_dictionary.hpp): the prefix + 8 hex digits of
// a dictionary's id -> the dictionary; kMetaRecordDictionary -> the id of the one new records
// of this database are compressed with. Absent in indexes written before them (2026-12-05),
// and in databases whose runs built too few records to train one.
inline constexpr std::string_view kMetaRecordDictionary = "kavosh.record-dictionary";
inline constexpr std::string_view kMetaRecordDictionaryPrefix = "kavosh.record-dictionary.";

}  // namespace kavosh::index::schema
