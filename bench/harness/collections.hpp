#pragma once
// Readers for the real collections in ../shared/data, turning each into the benchmark's common
// shape: documents (id, title, text, lang), queries and graded judgments. Documents come from
// the indexer's readers (kavosh::index::read_file), so peers see exactly the text kavosh
// indexes; only queries, judgments and the Persian QA paragraphs are read here. Used by
// kavosh-bench-export (to write corpus JSONL / queries TSV / TREC qrels) and by
// kavosh-bench-generate (to learn word statistics from real text).
// Every quirk of the raw files (numbering, CRLF, relevance codes) is resolved here, once.
#include <filesystem>
#include <string>
#include <vector>

namespace kavosh::bench::harness {

struct CorpusDocument {
  std::string id;
  std::string title;
  std::string text;
  std::string lang;  // "en" or "fa"
};

struct CollectionQuery {
  std::string id;
  std::string text;
};

struct Judgment {
  std::string query_id;
  std::string document_id;
  int grade = 1;  // > 0 relevant; 0 judged non-relevant
};

struct Collection {
  std::string name;
  std::vector<CorpusDocument> documents;
  std::vector<CollectionQuery> queries;
  std::vector<Judgment> judgments;
  // The indexer reader's warnings ("FILE:LINE: message"), e.g. records skipped as empty.
  std::vector<std::string> warnings;
};

// The names kavosh-bench-export knows, in the order it writes them.
const std::vector<std::string>& known_collections();

// Reads one collection by name from data_dir. Collections without judgments (the Wikipedia
// samples) come back with empty queries/judgments. Throws std::runtime_error naming the file
// when a file is missing or malformed.
Collection read_collection(const std::string& name, const std::filesystem::path& data_dir);

std::string read_file_bytes(const std::filesystem::path& file);

}  // namespace kavosh::bench::harness
