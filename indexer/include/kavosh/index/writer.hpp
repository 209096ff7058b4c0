#pragma once
// IndexWriter: Articles -> passage documents in a Xapian database. All terms come from the
// analyzer; the layout follows schema.hpp. Re-adding an article replaces its passages.
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kavosh/index/document.hpp"

namespace kavosh::index {

// Another writer holds the database's lock.
class DatabaseLocked : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct WriterOptions {
  bool rebuild = false;           // start from an empty database
  unsigned batch_articles = 1000; // articles per commit
};

struct WriterStats {
  std::uint64_t articles = 0;
  std::uint64_t passages = 0;
  std::uint64_t terms = 0;  // term postings added (with repeats)
  std::uint64_t bytes = 0;  // passage text bytes
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
  bool remove(std::string_view article_id);       // false when no such article
  void add_alias_group(const std::vector<std::string>& names);  // written as Xapian synonyms
  void commit();
  const WriterStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kavosh::index
