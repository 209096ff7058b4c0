#pragma once
// Corpus readers: one per input format, each streaming a file into Articles (and alias
// groups) through a ReadListener. Bad input never stops a read: it becomes an InputWarning
// with the file and line (or byte offset), and the document is skipped or truncated.
//
// Formats and ids (details in each reader's source file):
//  - text (the seed's format): id = path relative to the indexed directory (file name when a
//    file is given); first line = title; infobox lines -> fields; "Abbreviation" -> aliases;
//  - jsonl: id <- "id"/"_id"/"docid"/"doc_id", else "<file name>:<hash of the text>";
//    text <- "text"/"passage"/"contents"/"content"/"body"/"context"; title, lang, date;
//    other string values -> article fields, except question/answer keys;
//  - mediawiki: id = page title; ns 0 only; redirects -> alias groups; infobox -> fields;
//  - trec: id = DOCNO; title from <TITLE>/<HEADLINE>;  smart: id = the .I number.
// Test-collection documents (TREC, SMART) stay one passage up to 1000 words; other text is
// cut into passages of about 150-250 words (passages.hpp).
//
// Limits: an article's text is cut at kMaxArticleBytes (warning "truncated"); a JSONL record of
// any length is read with its strings cut to that as it is read (jsonl_reader.cpp), and only
// one too large even so is skipped; invalid UTF-8 bytes are replaced by U+FFFD (warning). A
// record with a title or fields but no body text is still a document (deliver_article in
// format_readers.hpp); only one with nothing to index is skipped (warning "nothing to index").
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kavosh/index/document.hpp"

namespace kavosh::index {

inline constexpr std::size_t kMaxArticleBytes = 8u << 20;

enum class Format : std::uint8_t {
  Auto,         // decide from the file name, then from the first bytes
  ArticleText,  // the seed's plain article text: title line, paragraphs, infobox lines
  Jsonl,        // one JSON object per line
  MediaWiki,    // pages-articles XML, plain or .bz2
  Trec,         // <DOC><DOCNO>..</DOCNO>..</DOC>
  Smart,        // .I/.T/.A/.B/.W (Cranfield, CISI, CACM, MED)
  Aliases,      // aliases.tsv: one alias group per line, tab-separated names
};

std::string_view format_name(Format format);  // "auto", "text", "jsonl", ...
std::optional<Format> parse_format(std::string_view name);
// Name first (.jsonl, .trec, .xml, .bz2, aliases.tsv, .txt), then content sniffing (<DOC>,
// ".I ", <mediawiki or <page, '{'); returns ArticleText for other UTF-8 text and nullopt for
// binary or unsupported files. Throws std::runtime_error when the file cannot be read.
std::optional<Format> detect_format(const std::filesystem::path& file);

// Why a warning's document was not indexed; None when the warning lost no document.
enum class SkipReason : std::uint8_t {
  None,
  NothingToIndex,  // no text, title or field
  Malformed,       // not parseable as a record of its format, or without an id
  TooLarge,        // a JSONL record over 24 MB even with its strings cut (jsonl_reader.cpp)
};
inline constexpr std::size_t kSkipReasons = 4;
std::string_view skip_reason_name(SkipReason reason);  // "nothing to index", "malformed", ...

struct InputWarning {
  std::string file;
  std::uint64_t line = 0;    // 1-based; 0 when only a byte offset is known
  std::uint64_t offset = 0;  // byte offset (of the compressed stream for .bz2); 0: none known
  std::string message;
  SkipReason skipped = SkipReason::None;
  std::uint64_t element = 0;  // 1-based record of a file holding one JSON array; 0: none
  // "FILE:LINE: message", "FILE: element N: message", "FILE: byte N: message" or "FILE: message"
  std::string to_string() const;
};

class ReadListener {
 public:
  virtual ~ReadListener() = default;
  virtual void article(Article&& article) = 0;
  virtual void alias_group(std::vector<std::string>&& names) = 0;
  virtual void warning(InputWarning&& warning) = 0;
  virtual void progress(std::uint64_t /*bytes_read_in_file*/) {}
};

// Reads one file. `article_id` is the id plain-text formats give their single article (the
// path relative to the indexed root); collection formats use their own ids. `source` is what
// Article::source is set to. Throws std::runtime_error when the file cannot be opened.
void read_file(const std::filesystem::path& file, Format format, const std::string& article_id,
               const std::string& source, ReadListener& listener);

// The seed's article text format, from memory (read_file uses it for ArticleText files).
Article parse_article_text(std::string_view content, const std::string& id,
                           const std::string& source);

// MediaWiki markup of one page -> article (plain text passages, infobox fields, aliases).
Article parse_wikitext(std::string_view wikitext, const std::string& title,
                       const std::string& language);

}  // namespace kavosh::index
