#pragma once
// What several searcher test files need: indexing a file into a fresh database through the
// real indexer, and the query a snippet marks for bare words.
#include <filesystem>
#include <string>
#include <vector>

#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/format/schema.hpp"
#include "kavosh/index/readers.hpp"
#include "kavosh/index/writer.hpp"
#include "kavosh/search/snippet.hpp"

namespace kavosh::search::testing {

class WriterListener : public index::ReadListener {
 public:
  explicit WriterListener(index::IndexWriter& writer) : writer_(writer) {}
  void article(index::Article&& article) override { writer_.add(article); }
  void alias_group(std::vector<std::string>&& names) override { writer_.add_alias_group(names); }
  void warning(index::InputWarning&&) override {}

 private:
  index::IndexWriter& writer_;
};

// Indexes `file` (as article `id`) into `db`, replacing whatever was there.
inline void index_file(const std::filesystem::path& db, const std::filesystem::path& file,
                       index::Format format, const std::string& id) {
  index::WriterOptions options;
  options.rebuild = true;
  index::IndexWriter writer(db, options);
  WriterListener listener(writer);
  index::read_file(file, format, id, file.string(), listener);
  writer.commit();
}

// What the query builder asks a snippet to mark for bare words: each word's term and Z-stem.
inline SnippetQuery bare_words_query(analysis::Analyzer& analyzer, const std::string& words) {
  SnippetQuery query;
  for (const auto& token : analyzer.analyze(words)) {
    query.terms.push_back(token.term);
    query.terms.push_back(std::string(index::schema::kStemmed) + token.stem_or_term());
  }
  return query;
}

// The highlighted stretches of a snippet, in order.
inline std::vector<std::string> marked(const Snippet& snippet) {
  std::vector<std::string> out;
  for (const auto& h : snippet.highlights)
    out.push_back(snippet.text.substr(h.begin, h.end - h.begin));
  return out;
}

// Where the tests find the repository (the seed article, fixtures) and ../shared/data.
inline const std::filesystem::path kSourceDir = KAVOSH_SOURCE_DIR;
inline const std::filesystem::path kDataDir = KAVOSH_DATA_DIR;
inline const std::string kSeedArticle = "000_98f3cf22a18d5691.txt";

}  // namespace kavosh::search::testing
