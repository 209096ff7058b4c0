#pragma once
// Read-only views of an index for `kavosh-index --stats` and `--show ID`, and compaction.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace kavosh::index {

struct DatabaseSummary {
  std::uint64_t passages = 0;
  std::uint64_t articles = 0;      // from the kavosh.articles metadata
  std::uint64_t total_length = 0;  // body + title + field postings (Xapian document length)
  double average_length = 0;
  std::map<std::string, std::uint64_t> languages;  // "en" -> passages
  std::uint64_t synonym_keys = 0;
  std::uint64_t bytes_on_disk = 0;
  // Where bytes_on_disk goes (index_parts()), and of the postings table's share, the values of
  // the stored passage records (their bytes as stored, before the B-tree's own).
  std::vector<std::pair<std::string, std::uint64_t>> parts;
  std::uint64_t record_bytes = 0;
  // Of the match data's share, where its bytes go (MatchData::part_bytes, every shard's summed).
  std::vector<std::pair<std::string, std::uint64_t>> match_data_parts;
  std::string schema_version;
  std::string english_stemmer;  // the stemmers the index's stems were made with (metadata;
  std::string persian_stemmer;  // an index without it: the defaults of its time)
  // Where the body words' positions are (schema.hpp: kMetaBodyPositions): "xapian" or
  // "sequences".
  std::string body_positions;
  std::vector<std::uint64_t> shard_passages;  // a sharded index's, shard by shard; else empty
};

// Throws std::runtime_error when `db_path` is not a Kavosh/Xapian database.
DatabaseSummary summarize_database(const std::filesystem::path& db_path);
std::string format_summary(const DatabaseSummary& summary);

// One passage (id "ARTICLE#N", or an article id meaning its passage 0) as text: ids, title,
// section, language, fields, stored text, then its terms grouped by prefix with wdf and
// positions, like xapian-delve. Throws std::runtime_error("no such passage or article: ID").
std::string describe_passage(const std::filesystem::path& db_path, const std::string& id);

// Replaces the database by a compacted copy (Xapian::Database::compact into a sibling
// directory, then swapped in); a sharded index, each shard by its compacted copy (the shards
// stay apart). Must not run while a writer holds the database.
void compact_database(const std::filesystem::path& db_path);

std::uintmax_t directory_size(const std::filesystem::path& path);

// The bytes of an index directory by what they hold, over every database in it (a stub's,
// shards'): "positions", "postings and values" (Xapian's postlist table, where the stored
// records and every value live), "termlists", "document data", "match data", "term filter",
// "spelling" (its own database) and "other" (locks, version files, a staged rebuild's leftovers),
// in that order; parts without a byte are left out. They sum to directory_size(path).
std::vector<std::pair<std::string, std::uint64_t>> index_parts(const std::filesystem::path& path);

// (These three are defined in src/shard_set.cpp, beside the rest of what knows Xapian's files.)
// The subdirectories the index directory's Xapian stub file names (schema::kShardStub): a
// first run's shards, or the database their merge made; empty without a stub.
std::vector<std::string> stub_databases(const std::filesystem::path& db_path);
// The shards of a first run not yet merged (killed, or still running); empty otherwise.
std::vector<std::filesystem::path> unmerged_shards(const std::filesystem::path& db_path);
// The shards of a sharded index (kavosh-index --shards N, schema::kIndexShardPrefix), in
// order; empty for any other directory.
std::vector<std::filesystem::path> index_shards(const std::filesystem::path& db_path);

}  // namespace kavosh::index
