// TREC SGML: <DOC> ... </DOC> blocks, the id in <DOCNO>, an optional <TITLE> or <HEADLINE>
// (tag names in any case); every other tag is dropped and its text kept; HTML entities are
// decoded. Article id = DOCNO.
#include <algorithm>
#include <cctype>

#include "format_readers.hpp"
#include "kavosh/index/text_cleanup.hpp"

namespace kavosh::index {
namespace {

// Where `tag` (with its brackets) first starts at or after `from`, its letters in any case:
// SGML element names are case-insensitive, and some collections write <doc> and <docno>.
std::size_t find_tag(std::string_view text, std::string_view tag, std::size_t from = 0) {
  const auto same = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  };
  for (std::size_t at = text.find('<', from); at != std::string_view::npos;
       at = text.find('<', at + 1)) {
    if (text.size() - at >= tag.size() &&
        std::equal(tag.begin(), tag.end(), text.begin() + static_cast<std::ptrdiff_t>(at), same))
      return at;
  }
  return std::string_view::npos;
}

// Content of the first <tag>...</tag>, removed from `text`.
std::optional<std::string> take_element(std::string& text, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  const std::size_t begin = find_tag(text, open);
  if (begin == std::string::npos) return std::nullopt;
  const std::size_t end = find_tag(text, close, begin + open.size());
  if (end == std::string::npos) return std::nullopt;
  std::string content = text.substr(begin + open.size(), end - begin - open.size());
  text.erase(begin, end + close.size() - begin);
  return content;
}

std::string strip_tags(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '<') {
      const std::size_t close = text.find('>', i);
      if (close != std::string_view::npos && close - i < 200) {
        i = close + 1;
        out.push_back(' ');
        continue;
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

void emit(std::string& raw, std::uint64_t line, bool truncated, const FileReadContext& context) {
  auto docno = take_element(raw, "DOCNO");
  if (!docno || collapse_spaces_keep_lines(*docno).empty()) {
    context.skip(line, SkipReason::Malformed, "<DOC> without <DOCNO>, skipped");
    return;
  }
  Article article;
  article.id = collapse_spaces_keep_lines(*docno);
  repair_utf8(article.id);
  article.source = context.source;
  const std::string what = "document " + article.id;
  if (truncated) context.warn(line, truncated_warning(what));
  for (std::string_view tag : {"TITLE", "HEADLINE", "HEAD"}) {
    if (auto title = take_element(raw, tag)) {
      std::string clean = decode_html_entities(strip_tags(*title));
      repair_utf8(clean);
      std::replace(clean.begin(), clean.end(), '\n', ' ');
      article.title = collapse_spaces_keep_lines(clean);
      break;
    }
  }
  std::string text = decode_html_entities(strip_tags(raw));
  sanitize_text(text, context, line, what);
  add_text_passages(article, text, {}, kTestCollectionLimits);
  deliver_article(std::move(article), context, line, what);
}

}  // namespace

void read_trec(ByteSource& input, const FileReadContext& context) {
  std::string line;
  bool overlong = false;
  std::uint64_t number = 0;
  bool inside = false;
  bool truncated = false;
  std::uint64_t doc_line = 0;
  std::string raw;
  bool warned_outside = false;
  std::uint64_t documents = 0;
  while (input.read_line(line, overlong, kMaxArticleBytes)) {
    ++number;
    std::string_view rest = line;
    while (!rest.empty()) {
      if (!inside) {
        const std::size_t open = find_tag(rest, "<DOC>");
        const std::string_view before = rest.substr(0, open);
        if (!warned_outside && !collapse_spaces_keep_lines(before).empty()) {
          context.warn(number, "text outside <DOC>...</DOC>, ignored");
          warned_outside = true;
        }
        if (open == std::string_view::npos) break;
        inside = true;
        truncated = overlong;
        doc_line = number;
        raw.clear();
        rest.remove_prefix(open + 5);
        continue;
      }
      const std::size_t close = find_tag(rest, "</DOC>");
      const std::size_t reopen = find_tag(rest, "<DOC>");
      if (reopen != std::string_view::npos && (close == std::string_view::npos || reopen < close)) {
        context.skip(doc_line, SkipReason::Malformed,
                     "<DOC> not closed before the next <DOC> (line " + std::to_string(number) +
                         "), skipped");
        inside = false;
        rest.remove_prefix(reopen);
        continue;
      }
      const std::string_view content = rest.substr(0, close);
      if (raw.size() + content.size() <= kMaxArticleBytes) {
        raw.append(content);
        raw.push_back('\n');
      } else {
        // Keep what fits: dropping the whole line lost a one-line document entirely.
        if (raw.size() < kMaxArticleBytes)
          raw.append(content.substr(0, kMaxArticleBytes - raw.size()));
        truncated = true;
      }
      if (close == std::string_view::npos) break;
      emit(raw, doc_line, truncated, context);
      if (++documents % 64 == 0) context.listener.progress(input.bytes_consumed());
      inside = false;
      rest.remove_prefix(close + 6);
    }
  }
  if (inside)
    context.skip(doc_line, SkipReason::Malformed,
                 "<DOC> not closed at the end of the file, skipped");
}

}  // namespace kavosh::index
