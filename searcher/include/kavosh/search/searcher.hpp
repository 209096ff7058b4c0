#pragma once
// Searcher: query text -> ranked, collapsed, snippeted hits from a Kavosh index.
// Query words go through the same analyzer as the documents (analysis/).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace kavosh::search {

struct SearchRequest {
  std::string query;
  unsigned offset = 0;
  unsigned limit = 10;
  bool all_words = false;     // --all: every bare word required
  bool snippets = true;
  bool collapse = true;       // best passage per article (--passages turns off)
  bool aliases = true;        // expand with the index's synonyms
  std::string model = "bm25"; // bm25, bm25+, lm, pl2, dph, tfidf
  double k1 = 1.2;
  double b = 0.75;
};

struct Highlight {
  std::uint32_t begin = 0;  // byte range into Hit::snippet
  std::uint32_t end = 0;
};

struct Hit {
  unsigned rank = 0;  // 1-based
  std::string id;     // passage id
  std::string article;
  unsigned passage = 0;
  std::string title;
  std::string section;
  std::string lang;
  double score = 0;
  std::string snippet;
  std::vector<Highlight> highlights;
};

struct SearchResults {
  std::vector<Hit> hits;
  std::uint64_t estimated_matches = 0;
  std::string did_you_mean;  // non-empty when the index's spelling data suggests a correction
};

class Searcher {
 public:
  // Throws std::runtime_error naming the path when the database is missing or unreadable.
  explicit Searcher(const std::filesystem::path& db_path);
  ~Searcher();
  Searcher(Searcher&&) noexcept;
  Searcher& operator=(Searcher&&) noexcept;

  // Throws QueryError (query.hpp) for a malformed query.
  SearchResults search(const SearchRequest& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kavosh::search
