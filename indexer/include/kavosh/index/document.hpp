#pragma once
// The document model: what every reader produces and the writer indexes. An Article is the
// unit of identity and update; a Passage is the unit of retrieval (one Xapian document).
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace kavosh::index {

using Field = std::pair<std::string, std::string>;  // name (lowercase ASCII), value (display text)

struct Passage {
  std::string section;        // heading the passage sits under; empty for the lead
  std::string text;           // display text: citation markers and markup already removed
  std::vector<Field> fields;  // e.g. the infobox passage's label/value pairs
};

struct Article {
  std::string id;  // stable id (see schema.hpp)
  std::string title;
  std::string language;       // "en"/"fa"/"ar" when the format says; empty -> detected per passage
  std::string source;         // file the article came from
  std::string date;           // "YYYY-MM-DD" when known
  std::vector<Field> fields;  // article-level fields (applied to every passage)
  std::vector<std::string> aliases;  // other names: abbreviations, redirects
  std::vector<Passage> passages;
};

// Bytes of an article's passage texts: what the indexing queues and batches are bounded by.
inline std::size_t passage_text_bytes(const Article& article) {
  std::size_t bytes = 0;
  for (const Passage& passage : article.passages) bytes += passage.text.size();
  return bytes;
}

}  // namespace kavosh::index
