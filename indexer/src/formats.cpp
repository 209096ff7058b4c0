// Format names and detection, warnings, the read_file dispatcher, and the helpers every
// reader shares (text sanitizing, plain text -> passages, article text and aliases files).
#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "format_readers.hpp"
#include "kavosh/index/passages.hpp"
#include "kavosh/index/text_cleanup.hpp"
#include "kavosh/text/utf8.hpp"

namespace kavosh::index {
namespace {

// The first bytes of a (possibly compressed) file, for sniffing.
std::string head_of(const std::filesystem::path& file, std::size_t size) {
  ByteSource source(file, compression_of(file));
  std::string head(size, '\0');
  std::size_t got = 0;
  while (got < size) {
    const std::size_t n = source.read(head.data() + got, size - got);
    if (n == 0) break;
    got += n;
  }
  head.resize(got);
  return head;
}

// A format, or why none: what the warning about a skipped file says.
struct Detection {
  std::optional<Format> format;
  std::string unrecognized;
};

Detection sniff(std::string_view head) {
  std::size_t i = 0;
  if (head.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // UTF-8 byte order mark
  while (i < head.size() &&
         (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t'))
    ++i;
  const std::string_view start = head.substr(i);
  if (ascii_lower(std::string(start.substr(0, 4))) == "<doc") return {Format::Trec, {}};
  if (start.substr(0, 3) == ".I " || start.substr(0, 3) == ".I\t") return {Format::Smart, {}};
  if (start.substr(0, 1) == "<") {
    if (head.find("<mediawiki") != std::string_view::npos ||
        head.find("<page") != std::string_view::npos) {
      return {Format::MediaWiki, {}};
    }
    return {std::nullopt, "markup that is neither a MediaWiki dump nor TREC <DOC>s"};
  }
  if (start.substr(0, 1) == "{") return {Format::Jsonl, {}};
  // A JSON array of records; text that opens with "[1] ..." stays text.
  if (start.substr(0, 1) == "[") {
    const std::size_t element = start.find_first_not_of(" \t\r\n", 1);
    if (element != std::string_view::npos && start[element] == '{') return {Format::Jsonl, {}};
  }
  // A stray NUL byte in text is replaced when the text is read (sanitize_text); binary files
  // are full of them.
  const auto nul_bytes = static_cast<std::size_t>(std::count(head.begin(), head.end(), '\0'));
  if (nul_bytes > 1 && nul_bytes * 100 > head.size()) {
    return {std::nullopt, "binary content (" + std::to_string(nul_bytes) +
                              " NUL bytes in its first " + std::to_string(head.size()) + ")"};
  }
  return {Format::ArticleText, {}};
}

Detection detect(const std::filesystem::path& file) {
  const Compression compression = compression_of(file);
  // The name without its compression suffix names the format: docs.jsonl.gz is JSONL.
  const std::string name = without_compression_suffix(ascii_lower(file.filename().string()));
  // A pipe or device is read once: its head cannot be looked at before it is read.
  std::error_code error;
  const bool regular = std::filesystem::is_regular_file(file, error);
  std::string head;
  if (regular) {
    try {
      head = head_of(file, 4096);
    } catch (const DecompressionError& e) {
      return {std::nullopt, std::string(compression_name(compression)) +
                                " data that cannot be decompressed (" + e.what() + ")"};
    }
  }
  // UTF-32, rarer than UTF-16, is not decoded: every other byte NUL, each record would be lost.
  if (starts_as_utf32(head))
    return {std::nullopt,
            "UTF-32 text (it starts with a byte order mark): convert it to UTF-8 first, e.g. "
            "iconv -f UTF-32 -t UTF-8"};
  if (name == "aliases.tsv") return {Format::Aliases, {}};
  if (name.ends_with(".jsonl") || name.ends_with(".ndjson")) return {Format::Jsonl, {}};
  if (name.ends_with(".trec")) return {Format::Trec, {}};
  if (!regular)
    return {std::nullopt,
            "not a regular file (a pipe or device) and its name gives no format: name the "
            "format with --format"};
  if (compression != Compression::None && head.empty())
    return {std::nullopt, "no data could be decompressed: truncated, or not " +
                              std::string(compression_name(compression))};
  if (compression == Compression::Bzip2 || name.ends_with(".xml")) {
    if (head.find("<mediawiki") != std::string::npos || head.find("<page") != std::string::npos) {
      return {Format::MediaWiki, {}};
    }
    if (name.ends_with(".xml"))
      return {std::nullopt, "no <mediawiki> or <page> in its first 4 KB: not a MediaWiki dump"};
  }
  return sniff(head);
}

}  // namespace

std::string_view format_name(Format format) {
  switch (format) {
    case Format::Auto:
      return "auto";
    case Format::ArticleText:
      return "text";
    case Format::Jsonl:
      return "jsonl";
    case Format::MediaWiki:
      return "mediawiki";
    case Format::Trec:
      return "trec";
    case Format::Smart:
      return "smart";
    case Format::Aliases:
      return "aliases";
  }
  return "auto";
}

std::optional<Format> parse_format(std::string_view name) {
  for (Format format : {Format::Auto, Format::ArticleText, Format::Jsonl, Format::MediaWiki,
                        Format::Trec, Format::Smart, Format::Aliases}) {
    if (format_name(format) == name) return format;
  }
  return std::nullopt;
}

std::optional<Format> detect_format(const std::filesystem::path& file) {
  return detect(file).format;
}

std::string InputWarning::to_string() const {
  if (line > 0) return file + ":" + std::to_string(line) + ": " + message;
  if (element > 0) return file + ": element " + std::to_string(element) + ": " + message;
  if (offset > 0) return file + ": byte " + std::to_string(offset) + ": " + message;
  return file + ": " + message;  // about the whole file, or no place in it is known
}

void sanitize_text(std::string& text, const FileReadContext& context, std::uint64_t line,
                   std::string_view what) {
  if (text.size() > kMaxArticleBytes) {
    const std::size_t cut = text::utf8_boundary_at_or_before(text, kMaxArticleBytes);
    context.warn(line, truncated_warning(what.empty() ? "document" : what));
    text.resize(cut);
  }
  if (auto bad = repair_utf8(text)) {
    context.warn(line, (what.empty() ? std::string("text") : std::string(what)) +
                           ": invalid UTF-8 at byte " + std::to_string(*bad) +
                           " of its text, replaced by U+FFFD");
  }
  if (const auto nul_bytes = std::count(text.begin(), text.end(), '\0'); nul_bytes > 0) {
    std::replace(text.begin(), text.end(), '\0', ' ');
    context.warn(line, (what.empty() ? std::string("text") : std::string(what)) + ": " +
                           std::to_string(nul_bytes) + " NUL bytes replaced by spaces");
  }
}

void deliver_article(Article&& article, const FileReadContext& context, std::uint64_t line,
                     std::string_view what) {
  if (article.passages.empty() && !article.title.empty()) {
    article.passages.push_back(Passage{{}, article.title, {}});
  }
  if (article.passages.empty() && !article.fields.empty()) {
    std::string text;
    for (const auto& [name, value] : article.fields) {
      if (!text.empty()) text.push_back('\n');
      text += name;
      text += ": ";
      text += value;
    }
    article.passages.push_back(Passage{{}, std::move(text), {}});
  }
  if (article.passages.empty()) {
    context.skip(line, SkipReason::NothingToIndex,
                 std::string(what) + (what.empty() ? "" : ": ") +
                     "nothing to index (no text, title or field), skipped");
    return;
  }
  context.listener.article(std::move(article));
}

std::string_view skip_reason_name(SkipReason reason) {
  switch (reason) {
    case SkipReason::None:
      return "not skipped";
    case SkipReason::NothingToIndex:
      return "nothing to index";
    case SkipReason::Malformed:
      return "malformed";
    case SkipReason::TooLarge:
      return "too large";
  }
  return "not skipped";
}

void add_text_passages(Article& article, std::string_view text, const std::string& section,
                       PassageLimits limits) {
  // Paragraphs: split on blank lines; single newlines inside a paragraph are spaces.
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find("\n\n", start);
    std::size_t next = end;
    if (end == std::string_view::npos) {
      end = text.size();
      next = text.size();
    }
    std::string paragraph(text.substr(start, end - start));
    std::replace(paragraph.begin(), paragraph.end(), '\n', ' ');
    paragraph = collapse_spaces_keep_lines(paragraph);
    for (std::string& piece : split_long_text(paragraph, limits)) {
      article.passages.push_back(Passage{section, std::move(piece), {}});
    }
    start = next;
    while (start < text.size() && (text[start] == '\n' || text[start] == '\r')) ++start;
  }
}

void read_article_text_file(ByteSource& input, const FileReadContext& context) {
  std::string content;
  char buffer[1 << 16];
  bool truncated = false;
  for (std::size_t n; (n = input.read(buffer, sizeof buffer)) > 0;) {
    if (content.size() + n > kMaxArticleBytes + 4) {
      content.append(buffer, kMaxArticleBytes + 4 - content.size());
      truncated = true;
      break;
    }
    content.append(buffer, n);
  }
  if (truncated) content.resize(kMaxArticleBytes + 1);  // sanitize_text warns and cuts
  sanitize_text(content, context, 1, "document");
  deliver_article(parse_article_text(content, context.article_id, context.source), context, 1,
                  "document");
}

void read_aliases(ByteSource& input, const FileReadContext& context) {
  std::string line;
  bool overlong = false;
  std::uint64_t number = 0;
  while (input.read_line(line, overlong, 1 << 16)) {
    ++number;
    if (overlong) {
      context.warn(number, "alias line longer than 64 KB, skipped");
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    if (repair_utf8(line)) context.warn(number, "invalid UTF-8 replaced by U+FFFD");
    std::vector<std::string> names;
    std::size_t start = 0;
    while (start <= line.size()) {
      std::size_t end = line.find('\t', start);
      if (end == std::string::npos) end = line.size();
      std::string name = collapse_spaces_keep_lines(line.substr(start, end - start));
      if (!name.empty()) names.push_back(std::move(name));
      start = end + 1;
    }
    if (names.size() < 2) {
      context.warn(number, "alias group needs at least two tab-separated names, skipped");
      continue;
    }
    context.listener.alias_group(std::move(names));
  }
}

void read_file(const std::filesystem::path& file, Format format, const std::string& article_id,
               const std::string& source, ReadListener& listener) {
  if (format == Format::Auto) {
    Detection detected = detect(file);
    if (!detected.format) {
      listener.warning(
          InputWarning{file.string(), 0, 0,
                       "unrecognized file format (" + detected.unrecognized + "), skipped"});
      return;
    }
    format = *detected.format;
  }
  ByteSource input(file, compression_of(file));
  FileReadContext context{file.string(), source, article_id, listener};
  switch (format) {
    case Format::Auto:
    case Format::ArticleText:
      read_article_text_file(input, context);
      break;
    case Format::Jsonl:
      read_jsonl(input, context);
      break;
    case Format::MediaWiki:
      read_mediawiki(input, context);
      break;
    case Format::Trec:
      read_trec(input, context);
      break;
    case Format::Smart:
      read_smart(input, context);
      break;
    case Format::Aliases:
      read_aliases(input, context);
      break;
  }
  listener.progress(input.bytes_consumed());
}

}  // namespace kavosh::index
