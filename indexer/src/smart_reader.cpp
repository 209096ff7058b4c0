// SMART-format test collections (Cranfield, CISI, CACM, MED): records start with ".I N";
// ".T" title, ".A" authors (one per line), ".B" bibliographic note, ".W" text, ".K" keywords;
// ".X", ".N", ".C" (cross-references, ids, categories) are not text and are ignored.
// Article id = the .I number; title = .T; fields "author" (authors joined with "; "),
// "bib" and "keywords" (article-level); the .W text is one passage (split when long); a record
// without .W text is still a document (deliver_article).
#include <algorithm>

#include "format_readers.hpp"
#include "kavosh/index/passages.hpp"
#include "kavosh/index/text_cleanup.hpp"

namespace kavosh::index {
namespace {

struct SmartRecord {
  std::string id;
  std::uint64_t line = 0;
  std::string title;
  std::vector<std::string> authors;
  std::string bib;
  std::string keywords;
  std::string text;
  bool truncated = false;
};

// In place: building a new string per line made a record of many short lines quadratic
// (minutes for 8 MB of 70-byte lines).
void append_line(std::string& so_far, std::string_view line) {
  if (!so_far.empty()) so_far.push_back('\n');
  so_far.append(line);
}

void emit(SmartRecord& record, const FileReadContext& context) {
  const std::string what = "record .I " + record.id;
  if (record.truncated) context.warn(record.line, truncated_warning(what));
  std::string text = record.text;
  sanitize_text(text, context, record.line, what);
  Article article;
  article.id = record.id;
  article.source = context.source;
  std::string title = record.title;
  repair_utf8(title);
  std::replace(title.begin(), title.end(), '\n', ' ');
  article.title = collapse_spaces_keep_lines(title);
  if (!record.authors.empty()) {
    std::string authors;
    for (const std::string& author : record.authors) {
      if (!authors.empty()) authors += "; ";
      authors += author;
    }
    repair_utf8(authors);
    article.fields.emplace_back("author", authors);
  }
  for (auto [name, value] : {std::pair<const char*, std::string*>{"bib", &record.bib},
                             std::pair<const char*, std::string*>{"keywords", &record.keywords}}) {
    std::string clean = *value;
    repair_utf8(clean);
    std::replace(clean.begin(), clean.end(), '\n', ' ');
    clean = collapse_spaces_keep_lines(clean);
    if (!clean.empty()) article.fields.emplace_back(name, clean);
  }
  std::replace(text.begin(), text.end(), '\n', ' ');
  text = collapse_spaces_keep_lines(text);
  for (std::string& piece : split_long_text(text, kTestCollectionLimits)) {
    article.passages.push_back(Passage{{}, std::move(piece), {}});
  }
  deliver_article(std::move(article), context, record.line, what);
}

// Where a section's lines go (.T, .W, .B, .K); nothing for .A (a list) and sections not indexed.
std::string* section_text(SmartRecord& record, char section) {
  switch (section) {
    case 'T':
      return &record.title;
    case 'W':
      return &record.text;
    case 'B':
      return &record.bib;
    case 'K':
      return &record.keywords;
    default:
      return nullptr;
  }
}

// A line of the record's current section (.T, .W, .B, .K or .A; others are not indexed).
void add_to_section(SmartRecord& record, char section, const std::string& line) {
  if (section == 'A') {
    std::string author = collapse_spaces_keep_lines(line);
    if (!author.empty()) record.authors.push_back(std::move(author));
    return;
  }
  std::string* target = section_text(record, section);
  if (!target) return;
  // The joining newline counts: without it a full record was one byte over the cap, and
  // sanitize_text warned of its truncation a second time.
  const std::size_t separator = target->empty() ? 0 : 1;
  if (target->size() + separator + line.size() > kMaxArticleBytes) {
    record.truncated = true;
    return;
  }
  append_line(*target, line);
}

}  // namespace

void read_smart(ByteSource& input, const FileReadContext& context) {
  std::string line;
  bool overlong = false;
  std::uint64_t number = 0;
  std::optional<SmartRecord> record;
  char section = 0;
  bool warned_preamble = false;
  bool skipping = false;  // inside a record whose .I line was malformed
  std::uint64_t records = 0;
  while (input.read_line(line, overlong, kMaxArticleBytes)) {
    ++number;
    const bool marker = line.size() >= 2 && line[0] == '.' && text::is_ascii_upper(line[1]) &&
                        (line.size() == 2 || line[2] == ' ' || line[2] == '\t');
    if (marker && line[1] == 'I') {
      if (record) emit(*record, context);
      if (++records % 64 == 0) context.listener.progress(input.bytes_consumed());
      record.reset();
      section = 0;
      std::string id = collapse_spaces_keep_lines(std::string_view(line).substr(2));
      repair_utf8(id);  // as TREC's DOCNO: an id reaches terms, JSON output and terminals
      if (id.empty() || id.find(' ') != std::string::npos) {
        context.skip(number, SkipReason::Malformed,
                     "malformed .I line (expected \".I NUMBER\"), record skipped");
        skipping = true;
        continue;
      }
      skipping = false;
      record.emplace();
      record->id = std::move(id);
      record->line = number;
      continue;
    }
    if (!record) {
      if (skipping) continue;
      const bool blank = collapse_spaces_keep_lines(line).empty();
      if (!blank && !warned_preamble && !marker) {
        context.warn(number, "text outside a .I record, ignored");
        warned_preamble = true;
      }
      if (marker) section = line[1];
      continue;
    }
    if (marker) {
      section = line[1];
      const std::string rest = collapse_spaces_keep_lines(std::string_view(line).substr(2));
      if (rest.empty()) continue;
      line = rest;  // text on the marker line itself (".T Title")
    }
    if (overlong) record->truncated = true;
    add_to_section(*record, section, line);
  }
  if (record) emit(*record, context);
}

}  // namespace kavosh::index
