#pragma once
// Internal to the indexer library: one entry point per format (read_file dispatches), plus
// the pieces of article building the readers share.
#include <string>
#include <string_view>
#include <vector>

#include "byte_source.hpp"
#include "kavosh/index/passages.hpp"
#include "kavosh/index/readers.hpp"

namespace kavosh::index {

// Shared context of one file's read.
struct FileReadContext {
  std::string file;        // path as shown in warnings
  std::string source;      // Article::source
  std::string article_id;  // id for single-article formats
  ReadListener& listener;
  std::uint64_t element = 0;  // the record being read of a file holding one JSON array

  void warn(std::uint64_t line, std::string message) const {
    listener.warning(InputWarning{file, line, 0, std::move(message), SkipReason::None, element});
  }
  // A warning that a document was lost, counted by its reason in the run's summary.
  void skip(std::uint64_t line, SkipReason reason, std::string message) const {
    listener.warning(InputWarning{file, line, 0, std::move(message), reason, element});
  }
};

void read_article_text_file(ByteSource& input, const FileReadContext& context);
void read_jsonl(ByteSource& input, const FileReadContext& context);
void read_mediawiki(ByteSource& input, const FileReadContext& context);
void read_trec(ByteSource& input, const FileReadContext& context);
void read_smart(ByteSource& input, const FileReadContext& context);
void read_aliases(ByteSource& input, const FileReadContext& context);

// "MEK, MKO, PMOI" / "A or B" -> names.
std::vector<std::string> split_alias_list(std::string_view value);

// Adds the passages of one block of lines (a paragraph, or an infobox/list block).
void add_block_passages(Article& article, const std::string& section,
                        const std::vector<std::string_view>& lines);

// Plain text (paragraphs separated by blank lines, long ones split) -> passages.
void add_text_passages(Article& article, std::string_view text, const std::string& section = {},
                       PassageLimits limits = {});

// Test-collection documents (TREC, SMART) are short: one passage each unless unusually long.
inline constexpr PassageLimits kTestCollectionLimits{600, 1000, 100};

// kMaxArticleBytes as warnings spell it: "8 MB".
inline std::string max_article_size_text() {
  return std::to_string(kMaxArticleBytes >> 20) + " MB";
}
// The warning for a document cut at kMaxArticleBytes: "WHAT larger than 8 MB, truncated".
inline std::string truncated_warning(std::string_view what) {
  return std::string(what) + " larger than " + max_article_size_text() + ", truncated";
}

// Repairs UTF-8 and truncates an oversized text in place, warning through `context`.
void sanitize_text(std::string& text, const FileReadContext& context, std::uint64_t line,
                   std::string_view what);

// Hands a finished article to the listener. A record with a title or fields but no body text
// (bibliographic records, a page whose text was all markup) is still a document: its one
// passage is the title, or else the fields as "name: value" lines, so it is found by those
// words and its snippet shows them. Only an article with nothing to index is skipped, with a
// warning naming `what` (e.g. "record .I 12").
void deliver_article(Article&& article, const FileReadContext& context, std::uint64_t line,
                     std::string_view what);

}  // namespace kavosh::index
