// Read-only database views and compaction (see database_info.hpp).
#include "kavosh/index/database_info.hpp"

#include <sstream>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "kavosh/index/schema.hpp"

namespace kavosh::index {
namespace {

Xapian::Database open_database(const std::filesystem::path& db_path) {
  std::error_code error;
  if (!std::filesystem::is_directory(db_path, error)) {
    throw std::runtime_error("no database at " + db_path.string());
  }
  try {
    return Xapian::Database(db_path.string());
  } catch (const Xapian::Error& e) {
    throw std::runtime_error("cannot open database " + db_path.string() + ": " + e.get_msg());
  }
}

std::string human_bytes(std::uint64_t bytes) {
  std::ostringstream out;
  out.precision(1);
  out << std::fixed;
  if (bytes >= (1ull << 30)) out << static_cast<double>(bytes) / (1ull << 30) << " GB";
  else if (bytes >= (1ull << 20)) out << static_cast<double>(bytes) / (1ull << 20) << " MB";
  else if (bytes >= 1024) out << static_cast<double>(bytes) / 1024 << " KB";
  else out << bytes << " B";
  return out.str();
}

// The prefix of a term: its leading capitals, plus "XF<name>:" for field terms.
std::string prefix_of(const std::string& term) {
  std::size_t i = 0;
  while (i < term.size() && term[i] >= 'A' && term[i] <= 'Z') ++i;
  std::string prefix = term.substr(0, i);
  if (prefix == "XF" || prefix == "ZXF") {
    const std::size_t colon = term.find(':', i);
    if (colon != std::string::npos) prefix = term.substr(0, colon + 1);
  }
  return prefix;
}

}  // namespace

std::uintmax_t directory_size(const std::filesystem::path& path) {
  std::uintmax_t total = 0;
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(path, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (it->is_regular_file(error)) total += it->file_size(error);
  }
  return total;
}

DatabaseSummary summarize_database(const std::filesystem::path& db_path) {
  Xapian::Database db = open_database(db_path);
  DatabaseSummary summary;
  summary.passages = db.get_doccount();
  const std::string articles = db.get_metadata(std::string(schema::kMetaArticleCount));
  if (!articles.empty()) summary.articles = std::stoull(articles);
  summary.schema_version = db.get_metadata(std::string(schema::kMetaSchemaVersion));
  summary.total_length = db.get_total_length();
  summary.average_length = db.get_avlength();
  const std::string language_prefix(schema::kLanguage);
  for (auto it = db.allterms_begin(language_prefix); it != db.allterms_end(language_prefix); ++it) {
    summary.languages[(*it).substr(language_prefix.size())] = it.get_termfreq();
  }
  for (auto it = db.synonym_keys_begin(); it != db.synonym_keys_end(); ++it) ++summary.synonym_keys;
  summary.bytes_on_disk = directory_size(db_path);
  return summary;
}

std::string format_summary(const DatabaseSummary& summary) {
  std::ostringstream out;
  out << "articles: " << summary.articles << "\n";
  out << "passages: " << summary.passages << "\n";
  out << "term postings: " << summary.total_length << "\n";
  out.precision(1);
  out << std::fixed << "average passage length: " << summary.average_length << " terms\n";
  out << "languages:";
  if (summary.languages.empty()) out << " none";
  for (const auto& [language, count] : summary.languages) out << " " << language << "=" << count;
  out << "\n";
  out << "synonym keys: " << summary.synonym_keys << "\n";
  out << "size on disk: " << human_bytes(summary.bytes_on_disk) << "\n";
  out << "schema: " << (summary.schema_version.empty() ? "unknown" : summary.schema_version) << "\n";
  return out.str();
}

std::string describe_passage(const std::filesystem::path& db_path, const std::string& id) {
  Xapian::Database db = open_database(db_path);
  std::string term = schema::id_term(schema::kPassageId, id);
  if (!db.term_exists(term)) term = schema::id_term(schema::kPassageId, schema::passage_id(id, 0));
  if (!db.term_exists(term)) throw std::runtime_error("no such passage or article: " + id);
  const Xapian::docid docid = *db.postlist_begin(term);
  const Xapian::Document doc = db.get_document(docid);
  std::ostringstream out;
  const nlohmann::json data = nlohmann::json::parse(doc.get_data(), nullptr, false);
  out << "docid: " << docid << "\n";
  if (data.is_object()) {
    out << "passage: " << data.value("article", std::string()) << "#" << data.value("passage", 0) << "\n";
    out << "title: " << data.value("title", std::string()) << "\n";
    out << "section: " << data.value("section", std::string()) << "\n";
    out << "lang: " << data.value("lang", std::string()) << "\n";
    out << "source: " << data.value("source", std::string()) << "\n";
    if (data.contains("date")) out << "date: " << data.value("date", std::string()) << "\n";
    if (data.contains("fields") && data["fields"].is_object()) {
      for (const auto& [name, value] : data["fields"].items()) {
        out << "field " << name << ": " << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
      }
    }
    out << "text:\n" << data.value("text", std::string()) << "\n";
  }
  out << "terms (prefix: term[wdf, positions]):\n";
  std::string current_prefix = "\x01";
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    const std::string t = *it;
    const std::string prefix = prefix_of(t);
    if (prefix != current_prefix) {
      out << (current_prefix == "\x01" ? "" : "\n") << "  " << (prefix.empty() ? "(body)" : prefix) << (prefix.ends_with(':') ? "" : ":");
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
  Xapian::Database db = open_database(db_path);
  const fs::path normal = db_path.lexically_normal();
  const fs::path base = normal.has_filename() ? normal : normal.parent_path();
  const fs::path compacted = base.string() + ".compact-tmp";
  const fs::path old = base.string() + ".compact-old";
  fs::remove_all(compacted);
  fs::remove_all(old);
  try {
    db.compact(compacted.string());
  } catch (const Xapian::Error& e) {
    fs::remove_all(compacted);
    throw std::runtime_error("compacting " + db_path.string() + ": " + e.get_msg());
  }
  db.close();
  fs::rename(base, old);
  fs::rename(compacted, base);
  fs::remove_all(old);
}

}  // namespace kavosh::index
