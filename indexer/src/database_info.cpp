// Read-only database views and compaction (see database_info.hpp).
#include "kavosh/index/database_info.hpp"

#include <xapian.h>

#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "article_count_merger.hpp"
#include "kavosh/format/match_data.hpp"
#include "kavosh/format/record_dictionary.hpp"
#include "kavosh/format/schema.hpp"
#include "kavosh/format/stored_passage.hpp"
#include "kavosh/format/term_filter.hpp"
#include "kavosh/index/writer.hpp"
#include "kavosh/text/ascii.hpp"
#include "kavosh/xapian/errors.hpp"
#include "kavosh/xapian/open_database.hpp"
#include "shard_set.hpp"
#include "staged_rebuild.hpp"

namespace kavosh::index {
namespace {

Xapian::Database open_database(const std::filesystem::path& db_path) {
  std::error_code error;
  if (!std::filesystem::is_directory(db_path, error)) {
    throw std::runtime_error("no database at " + db_path.string());
  }
  return rethrow_xapian_errors("cannot open database " + db_path.string(),
                               [&] { return open_readable_database(db_path.string()); });
}

// Every record dictionary of the index: Xapian reads a combined database's metadata from its
// first database only, so a sharded index's (or an unfinished first run's) shards are read one
// by one.
RecordDictionaries record_dictionaries(const std::filesystem::path& db_path,
                                       const Xapian::Database& db) {
  std::vector<std::filesystem::path> shards = index_shards(db_path);
  if (shards.empty()) shards = unmerged_shards(db_path);
  RecordDictionaries dictionaries;
  if (shards.empty()) dictionaries.add_from(db);
  for (const auto& shard : shards) dictionaries.add_from(open_database(shard));
  return dictionaries;
}

std::string human_bytes(std::uint64_t bytes) {
  std::ostringstream out;
  out.precision(1);
  out << std::fixed;
  if (bytes >= (1ull << 30))
    out << static_cast<double>(bytes) / (1ull << 30) << " GB";
  else if (bytes >= (1ull << 20))
    out << static_cast<double>(bytes) / (1ull << 20) << " MB";
  else if (bytes >= 1024)
    out << static_cast<double>(bytes) / 1024 << " KB";
  else
    out << bytes << " B";
  return out.str();
}

// The prefix of a term: its leading capitals, plus "<name>:" for field terms.
std::string prefix_of(const std::string& term) {
  std::size_t i = 0;
  while (i < term.size() && text::is_ascii_upper(term[i])) ++i;
  std::string prefix = term.substr(0, i);
  const std::string stemmed_field =
      std::string(schema::kStemmed) + std::string(schema::kFieldPrefix);
  if (prefix == schema::kFieldPrefix || prefix == stemmed_field) {
    const std::size_t colon = term.find(':', i);
    if (colon != std::string::npos) prefix = term.substr(0, colon + 1);
  }
  return prefix;
}

// The index_parts() name of a file of an index directory.
std::string_view part_of(const std::filesystem::path& file, const std::filesystem::path& index) {
  const std::filesystem::path relative = file.lexically_relative(index);
  if (!relative.empty() && *relative.begin() == schema::spelling_path({}).filename())
    return "spelling";
  const std::string name = file.filename().string();
  if (name == "position.glass") return "positions";
  if (name == "postlist.glass") return "postings and values";
  if (name == "termlist.glass") return "termlists";
  if (name == "docdata.glass") return "document data";
  if (file.filename() == match_data_path({}).filename()) return "match data";
  if (file.filename() == term_filter_path({}).filename()) return "term filter";
  return "other";
}

// The summed size of every value in `slot`.
std::uint64_t value_bytes(const Xapian::Database& db, Xapian::valueno slot) {
  std::uint64_t bytes = 0;
  for (auto it = db.valuestream_begin(slot); it != db.valuestream_end(slot); ++it)
    bytes += (*it).size();
  return bytes;
}

// Calls visit(path, bytes) for every regular file under `path`, subdirectories included; a
// directory that cannot be read ends the walk there.
template <typename Visit>
void for_each_file(const std::filesystem::path& path, Visit&& visit) {
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(path, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error))
    if (it->is_regular_file(error)) visit(it->path(), it->file_size(error));
}

// Adds `bytes` to the part named `name` of `parts`, appending the part when it is new.
void add_to_part(std::vector<std::pair<std::string, std::uint64_t>>& parts, std::string_view name,
                 std::uint64_t bytes) {
  for (auto& [part, sum] : parts)
    if (part == name) {
      sum += bytes;
      return;
    }
  parts.emplace_back(name, bytes);
}

}  // namespace

std::vector<std::pair<std::string, std::uint64_t>> index_parts(const std::filesystem::path& path) {
  std::vector<std::pair<std::string, std::uint64_t>> parts;
  for (const char* name : {"positions", "postings and values", "termlists", "document data",
                           "match data", "term filter", "spelling", "other"})
    parts.emplace_back(name, 0);
  for_each_file(path, [&](const std::filesystem::path& file, std::uint64_t bytes) {
    add_to_part(parts, part_of(file, path), bytes);
  });
  std::erase_if(parts, [](const auto& part) { return part.second == 0; });
  return parts;
}

std::uintmax_t directory_size(const std::filesystem::path& path) {
  std::uintmax_t total = 0;
  for_each_file(path, [&](const std::filesystem::path&, std::uint64_t bytes) { total += bytes; });
  return total;
}

DatabaseSummary summarize_database(const std::filesystem::path& db_path) {
  Xapian::Database db = open_database(db_path);
  DatabaseSummary summary;
  summary.passages = db.get_doccount();
  // Xapian answers metadata from a stub's first database only; a first run still in its
  // shards, and a sharded index, keep a count in each shard.
  std::vector<Xapian::Database> counted{db};
  std::vector<std::filesystem::path> shards = unmerged_shards(db_path);
  const std::vector<std::filesystem::path> kept = index_shards(db_path);
  if (shards.empty()) shards = kept;
  if (!shards.empty()) {
    counted.clear();
    for (const auto& shard : shards) counted.push_back(open_database(shard));
  }
  if (!kept.empty()) {
    for (const Xapian::Database& shard : counted)
      summary.shard_passages.push_back(shard.get_doccount());
  }
  for (const Xapian::Database& part : counted)
    summary.articles += schema::article_count(part).value_or(0);
  summary.schema_version = db.get_metadata(std::string(schema::kMetaSchemaVersion));
  summary.english_stemmer = db.get_metadata(std::string(schema::kMetaEnglishStemmer));
  if (summary.english_stemmer.empty())
    summary.english_stemmer = schema::kEnglishStemmerOfOlderIndexes;
  summary.persian_stemmer = db.get_metadata(std::string(schema::kMetaPersianStemmer));
  if (summary.persian_stemmer.empty())
    summary.persian_stemmer = schema::kPersianStemmerOfOlderIndexes;
  summary.body_positions = schema::body_positions_in_xapian(db) ? schema::kBodyPositionsInXapian
                                                                : schema::kBodyPositionsInSequences;
  summary.total_length = db.get_total_length();
  summary.average_length = db.get_avlength();
  const std::string language_prefix(schema::kLanguage);
  for (auto it = db.allterms_begin(language_prefix); it != db.allterms_end(language_prefix); ++it) {
    summary.languages[(*it).substr(language_prefix.size())] = it.get_termfreq();
  }
  for (auto it = db.synonym_keys_begin(); it != db.synonym_keys_end(); ++it) ++summary.synonym_keys;
  summary.bytes_on_disk = directory_size(db_path);
  summary.parts = index_parts(db_path);
  summary.record_bytes = value_bytes(db, schema::kSlotStoredPassage);
  for_each_file(db_path, [&](const std::filesystem::path& file, std::uint64_t) {
    if (file.filename() != match_data_path({}).filename()) return;
    for (const auto& [part, bytes] : MatchData::part_bytes(file))
      add_to_part(summary.match_data_parts, part, bytes);
  });
  return summary;
}

std::string format_summary(const DatabaseSummary& summary) {
  std::ostringstream out;
  out << "articles: " << summary.articles << "\n";
  out << "passages: " << summary.passages << "\n";
  if (!summary.shard_passages.empty()) {
    out << "shards: " << summary.shard_passages.size() << " (passages:";
    for (std::uint64_t passages : summary.shard_passages) out << " " << passages;
    out << ")\n";
  }
  out << "term postings: " << summary.total_length << "\n";
  out.precision(1);
  out << std::fixed << "average passage length: " << summary.average_length << " terms\n";
  out << "languages:";
  if (summary.languages.empty()) out << " none";
  for (const auto& [language, count] : summary.languages) out << " " << language << "=" << count;
  out << "\n";
  out << "synonym keys: " << summary.synonym_keys << "\n";
  out << "size on disk: " << human_bytes(summary.bytes_on_disk) << "\n";
  for (const auto& [part, bytes] : summary.parts) {
    out << "  " << part << ": " << human_bytes(bytes);
    if (part == "postings and values") {
      out << " (stored records " << human_bytes(summary.record_bytes) << ")";
    }
    if (part == "match data" && !summary.match_data_parts.empty()) {
      const char* separator = " (";
      for (const auto& [name, share] : summary.match_data_parts) {
        out << separator << name << " " << human_bytes(share);
        separator = ", ";
      }
      out << ")";
    }
    out << "\n";
  }
  out << "schema: " << (summary.schema_version.empty() ? "unknown" : summary.schema_version)
      << "\n";
  out << "stemmers: english " << summary.english_stemmer << ", persian " << summary.persian_stemmer
      << "\n";
  out << "body positions: " << summary.body_positions
      << (summary.body_positions == schema::kBodyPositionsInXapian
              ? " (Xapian's position table)\n"
              : " (match.data's token sequences and the stored records)\n");
  return out.str();
}

std::string describe_passage(const std::filesystem::path& db_path, const std::string& id) {
  Xapian::Database db = open_database(db_path);
  const std::optional<Xapian::docid> found = schema::passage_docid(db, id);
  if (!found) throw std::runtime_error("no such passage or article: " + id);
  const Xapian::docid docid = *found;
  const Xapian::Document doc = db.get_document(docid);
  std::ostringstream out;
  const std::string stored = doc.get_value(schema::kSlotStoredPassage);
  StoredPassage data;
  try {
    const RecordDictionaries dictionaries = record_dictionaries(db_path, db);
    data = decode(stored, &dictionaries);
  } catch (const CorruptStoredPassage& e) {
    throw std::runtime_error(db_path.string() + ", docid " + std::to_string(docid) + ": " +
                             e.what());
  }
  out << "docid: " << docid << "\n";
  out << "passage: " << data.article << "#" << data.passage << "\n";
  out << "title: " << data.title << "\n";
  out << "section: " << data.section << "\n";
  out << "lang: " << data.lang << "\n";
  out << "source: " << data.source << "\n";
  if (!data.date.empty()) out << "date: " << data.date << "\n";
  for (const auto& [name, value] : data.fields) out << "field " << name << ": " << value << "\n";
  out << "text:\n" << data.text << "\n";
  out << "stored tokens: " << data.tokens.size() << " (record of " << stored.size() << " bytes)\n";
  out << "terms (prefix: term[wdf, positions]):\n";
  std::string current_prefix = "\x01";
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    const std::string t = *it;
    const std::string prefix = prefix_of(t);
    if (prefix != current_prefix) {
      out << (current_prefix == "\x01" ? "" : "\n") << "  " << (prefix.empty() ? "(body)" : prefix)
          << (prefix.ends_with(':') ? "" : ":");
      current_prefix = prefix;
    }
    out << " " << t.substr(prefix.size()) << "[" << it.get_wdf();
    const Xapian::termcount positions = it.positionlist_count();
    if (positions > 0) out << "," << positions;
    out << "]";
  }
  out << "\n";
  return out.str();
}

void compact_database(const std::filesystem::path& db_path) {
  namespace fs = std::filesystem;
  // Compacting the stub would merge the shards into one database: each is compacted alone.
  // (The spelling dictionary of a sharded index is left as it is.)
  if (const auto shards = index_shards(db_path); !shards.empty()) {
    for (const fs::path& shard : shards) compact_database(shard);
    return;
  }
  finish_interrupted_publish(db_path);  // a compaction or rebuild killed between two renames
  Xapian::Database db = open_database(db_path);
  // An indexer holds the write lock of every database it writes (a first run's shards, or the
  // database); holding them here refuses to compact under a running indexer, and keeps one
  // from starting until the compacted copy has replaced the directory.
  std::vector<Xapian::WritableDatabase> locks;
  try {
    locks = lock_databases(db_path, unmerged_shards(db_path));
  } catch (const Xapian::Error& e) {
    throw_xapian_error(e, "cannot open database " + db_path.string());
  }
  const fs::path normal = db_path.lexically_normal();
  const fs::path base = normal.has_filename() ? normal : normal.parent_path();
  // Written beside the database as a rebuild is, and swapped in the same way: searchers go on
  // with the old copy until the new one is complete, and a kill leaves the old one.
  const fs::path compacted = clear_staging(base);
  try {
    ArticleCountMerger merger;  // a killed first run's shards hold different articles
    db.compact(compacted.string(), 0, 0, merger);
    // The compacted database is a new one (revision, UUID): its own term filter.
    const Xapian::Database compacted_db(compacted.string());
    TermFilter::build(compacted_db).write(term_filter_path(compacted));
    MatchData::write(compacted_db, match_data_path(compacted));
    // The spelling dictionary lives inside the index directory and moves with it.
    const fs::path spelling = schema::spelling_path(base);
    if (fs::is_directory(spelling)) {
      Xapian::Database(spelling.string()).compact(schema::spelling_path(compacted).string());
    }
  } catch (const Xapian::Error& e) {
    fs::remove_all(compacted);
    throw_xapian_error(e, "compacting " + db_path.string());
  }
  db.close();
  const fs::path old = swap_in(compacted, base);
  for (Xapian::WritableDatabase& lock : locks) lock.close();
  std::error_code error;
  fs::remove_all(old, error);  // else the next run removes it
}

}  // namespace kavosh::index
