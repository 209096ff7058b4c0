#pragma once
// A corpus run: expand the paths the user gave into files (directories walked recursively in
// sorted order, hidden entries skipped), read each file by its format, and feed articles and
// alias groups to an IndexWriter, reporting warnings and progress through callbacks.
#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kavosh/format/schema.hpp"
#include "kavosh/index/readers.hpp"
#include "kavosh/index/writer.hpp"

namespace kavosh::index {

struct CorpusFile {
  std::filesystem::path file;
  std::string article_id;  // for single-article formats: path relative to the root / file name
  std::string source;      // shown in warnings and stored as Article::source
  std::uintmax_t size = 0;
  std::string unreadable;  // why a directory walk could not open it (warned when it is read)
};

// A file a directory walk leaves out, and why.
struct LeftOutFile {
  std::filesystem::path file;
  std::string reason;
};

// Files named on the command line are read as asked. A directory walk reads only files whose
// format their name or content identifies (.jsonl, .trec, .xml, .bz2 dumps, SMART, TREC,
// JSON, .txt article text, aliases.tsv), and leaves out the rest, and query and relevance
// judgement files of test collections (*.qry, *.rel, qrel*, query*, queries*), into
// `left_out` when given: `kavosh-index --db c cranfield/` indexes exactly the collection.
// Throws std::runtime_error("no such file or directory: P") for a missing path and
// std::runtime_error for an unreadable directory; nothing is read yet.
std::vector<CorpusFile> list_corpus_files(const std::vector<std::filesystem::path>& paths,
                                          std::vector<LeftOutFile>* left_out = nullptr);

struct IndexProgress {
  std::uint64_t files_done = 0;
  std::uint64_t files_total = 0;
  std::uint64_t bytes_done = 0;   // input bytes read (compressed bytes for .bz2)
  std::uint64_t bytes_total = 0;  // sum of the input files' sizes
  std::uint64_t articles = 0;
  std::uint64_t warnings = 0;
};

// The callbacks run on the reading thread (one thread; never concurrently with each other).
struct CorpusOptions {
  Format format = Format::Auto;  // applies to every file except aliases.tsv
  std::function<void(const InputWarning&)> on_warning;
  std::function<void(const IndexProgress&)> on_progress;  // at most every few articles
};

struct CorpusStats {
  std::uint64_t files = 0;
  std::uint64_t articles = 0;    // documents handed to the writer
  std::uint64_t duplicates = 0;  // of them, ones whose id an earlier one had: they replaced it
  std::uint64_t alias_groups = 0;
  std::uint64_t warnings = 0;
  std::uint64_t input_bytes = 0;
  std::array<std::uint64_t, kSkipReasons> skipped{};  // documents lost, by SkipReason

  std::uint64_t skipped_total() const;
  CorpusStats& operator+=(const CorpusStats& other);
};

// Reads every file into the writer (which commits in batches; call writer.commit() after).
// Files are read on a second thread while this one writes. A file that cannot be opened or
// is corrupt is a warning, not an error; writer errors propagate.
CorpusStats index_corpus(const std::vector<CorpusFile>& files, IndexWriter& writer,
                         const CorpusOptions& options);

}  // namespace kavosh::index
