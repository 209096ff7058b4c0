#pragma once
// IndexWriter: Articles -> passage documents in a Xapian database. All terms come from the
// analyzer; the layout follows schema.hpp. Re-adding an article replaces its passages.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/index/document.hpp"

namespace kavosh::index {

// Another writer holds the database's lock.
class DatabaseLocked : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Commits happen after the article that brings the batch to batch_passages passages or
// batch_bytes of passage text, whichever comes first (an article is never split); each batch is one Xapian transaction, so a killed run leaves the database at
// its last commit and re-running the same input completes it (ids are stable).
// Writing to the database failed (disk full, corrupt database, ...): not an input problem.
class IndexWriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct WriterOptions {
  bool rebuild = false;           // start from an empty database
  // Passages (documents) per commit. Smaller than Xapian's own autoflush (10000): on the
  // generated bench corpus 2500 took the writing thread 28 % less CPU than 10000, and plain
  // Xapian gains alike with XAPIAN_FLUSH_THRESHOLD=2500 (bench/RESULTS.md); below ~2000 the
  // spelling thread's per-commit work grows faster than the writer's shrinks.
  unsigned batch_passages = 2500;
  std::uint64_t batch_bytes = 32ull << 20;  // passage text bytes per commit (bounds memory)
  bool spelling = true;           // write Xapian spelling data ("did you mean")
  bool analysis_thread = true;    // analyze + build documents on a second thread
  unsigned queue_articles = 64;   // articles in flight between the threads (bounded memory)
  kavosh::analysis::AnalyzerOptions analyzer;
};

struct WriterStats {
  std::uint64_t articles = 0;
  std::uint64_t passages = 0;
  std::uint64_t terms = 0;  // term postings added (with repeats)
  std::uint64_t bytes = 0;  // passage text bytes
  std::uint64_t removed = 0;       // articles deleted through remove()
  std::uint64_t alias_groups = 0;  // alias groups written as synonyms
  std::uint64_t commits = 0;
};

class IndexWriter {
 public:
  // Creates the database when missing. Throws DatabaseLocked when another writer holds it,
  // std::runtime_error for a path that is not a usable database directory.
  IndexWriter(const std::filesystem::path& db_path, WriterOptions options = {});
  ~IndexWriter();  // commits what was added
  IndexWriter(const IndexWriter&) = delete;
  IndexWriter& operator=(const IndexWriter&) = delete;

  void add(const Article& article);               // replaces any earlier version of article.id
  void add(Article&& article);                    // same, without copying the article
  bool remove(std::string_view article_id);       // false when no such article
  void add_alias_group(const std::vector<std::string>& names);  // written as Xapian synonyms
  void commit();
  const WriterStats& stats() const;  // exact after commit(); add() may still be in flight
  const std::filesystem::path& path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kavosh::index
