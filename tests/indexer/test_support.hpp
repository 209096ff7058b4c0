#pragma once
// Shared by the indexer tests: a listener that records what a reader produced, temporary
// directories, running the real kavosh-index, and a canonical dump of a database's contents.
#include <sys/wait.h>
#include <unistd.h>
#include <xapian.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kavosh/format/schema.hpp"
#include "kavosh/index/readers.hpp"
#include "process.hpp"

namespace kavosh::index::testing {

inline const std::filesystem::path kFixtures = KAVOSH_FIXTURES_DIR;
inline const std::filesystem::path kData = KAVOSH_DATA_DIR;

// Where a document's body terms stand, by Xapian's positions: position -> the terms there.
inline std::map<Xapian::termpos, std::vector<std::string>> body_positions(
    const Xapian::Document& doc) {
  std::map<Xapian::termpos, std::vector<std::string>> at;
  for (auto term = doc.termlist_begin(); term != doc.termlist_end(); ++term) {
    if (!schema::is_body_term(*term)) continue;
    for (auto position = term.positionlist_begin(); position != term.positionlist_end(); ++position)
      at[*position].push_back(*term);
  }
  return at;
}

struct RecordingListener : ReadListener {
  std::vector<Article> articles;
  std::vector<std::vector<std::string>> alias_groups;
  std::vector<std::string> warnings;  // InputWarning::to_string()
  void article(Article&& a) override { articles.push_back(std::move(a)); }
  void alias_group(std::vector<std::string>&& names) override {
    alias_groups.push_back(std::move(names));
  }
  void warning(InputWarning&& w) override { warnings.push_back(w.to_string()); }
};

// Counts without keeping (for large real files).
struct CountingListener : ReadListener {
  std::uint64_t articles = 0, passages = 0, alias_groups = 0, warnings = 0;
  std::vector<std::string> first_warnings;
  std::vector<std::string> titles;
  void article(Article&& a) override {
    ++articles;
    passages += a.passages.size();
    if (titles.size() < 100000) titles.push_back(a.title);
  }
  void alias_group(std::vector<std::string>&&) override { ++alias_groups; }
  void warning(InputWarning&& w) override {
    ++warnings;
    if (first_warnings.size() < 5) first_warnings.push_back(w.to_string());
  }
};

// Reads a fixture; warnings name it relative to the fixtures folder.
inline RecordingListener read_fixture(const std::string& name, Format format = Format::Auto) {
  RecordingListener listener;
  read_file(kFixtures / name, format, name, name, listener);
  const std::string prefix = (kFixtures / "").string();
  for (std::string& warning : listener.warnings) {
    if (warning.rfind(prefix, 0) == 0) warning.erase(0, prefix.size());
  }
  return listener;
}

class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("kavosh-indexer-test-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

using CommandResult = kavosh::testing::ProcessResult;

// Runs kavosh-index with `arguments`, capturing stdout and stderr in `scratch`.
inline CommandResult run_indexer(const std::vector<std::string>& arguments, const TempDir& scratch,
                                 const kavosh::testing::ProcessOptions& options = {}) {
  return kavosh::testing::run_process(KAVOSH_INDEX_BIN, arguments, scratch.path(), options);
}

// Everything a search can see, in docid order: data, terms with wdf and positions, values;
// then synonyms, spelling words with frequencies, and metadata.
inline std::string dump_database(const std::filesystem::path& db_path) {
  Xapian::Database db(db_path.string());
  std::ostringstream out;
  out << "doccount " << db.get_doccount() << " lastdocid " << db.get_lastdocid() << "\n";
  for (auto doc_it = db.postlist_begin(""); doc_it != db.postlist_end(""); ++doc_it) {
    const Xapian::Document doc = db.get_document(*doc_it);
    out << "doc " << *doc_it << " " << doc.get_data() << "\n";
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
      out << "  " << *t << " " << t.get_wdf();
      for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) out << " " << *p;
      out << "\n";
    }
    for (auto v = doc.values_begin(); v != doc.values_end(); ++v)
      out << "  value " << v.get_valueno() << " " << *v << "\n";
  }
  for (auto k = db.synonym_keys_begin(); k != db.synonym_keys_end(); ++k) {
    out << "synonyms " << *k << ":";
    for (auto s = db.synonyms_begin(*k); s != db.synonyms_end(*k); ++s) out << " [" << *s << "]";
    out << "\n";
  }
  if (std::filesystem::is_directory(schema::spelling_path(db_path))) {
    Xapian::Database spelling(schema::spelling_path(db_path).string());
    for (auto s = spelling.spellings_begin(); s != spelling.spellings_end(); ++s)
      out << "spelling " << schema::spelling_word(*s) << " " << s.get_termfreq() << "\n";
  }
  for (auto m = db.metadata_keys_begin(); m != db.metadata_keys_end(); ++m)
    out << "meta " << *m << "=" << db.get_metadata(*m) << "\n";
  return out.str();
}

// Everything a passage is in the index, by passage id: terms with wdf and positions, values.
inline std::map<std::string, std::string> passages_of(const Xapian::Database& db) {
  std::map<std::string, std::string> passages;
  for (auto doc = db.postlist_begin(""); doc != db.postlist_end(""); ++doc) {
    const Xapian::Document document = db.get_document(*doc);
    std::string id, description;
    for (auto term = document.termlist_begin(); term != document.termlist_end(); ++term) {
      if ((*term).rfind("Q", 0) == 0) id = *term;
      description += *term + "/" + std::to_string(term.get_wdf()) + "@";
      for (auto pos = term.positionlist_begin(); pos != term.positionlist_end(); ++pos)
        description += std::to_string(*pos) + ",";
      description += " ";
    }
    for (auto value = document.values_begin(); value != document.values_end(); ++value) {
      description += std::to_string(value.get_valueno()) + "=" + *value + " ";
    }
    passages[id] = description;
  }
  return passages;
}

}  // namespace kavosh::index::testing
