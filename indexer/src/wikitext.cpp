// MediaWiki markup -> plain-text article. Removed: comments, <ref>s and other non-prose tag
// blocks, templates (except an infobox, whose parameters become fields and an infobox
// passage, and a few text-bearing templates such as {{lang|fa|...}}), tables, files, images,
// categories and interlanguage links, bold/italic quotes, HTML tags. Kept: link text, list
// items ("• item"), section headings (as each passage's section). Paragraphs become passages
// (split when long). The infobox "abbreviation" parameter gives aliases of the title.
#include <algorithm>
#include <array>
#include <vector>

#include "format_readers.hpp"
#include "kavosh/index/passages.hpp"
#include "kavosh/index/text_cleanup.hpp"

namespace kavosh::index {
namespace {

std::string trim(std::string_view text) { return std::string(text::trim_ascii_whitespace(text)); }

// Where the "close" matching each "open" in a text ends (just past it, counting nesting), or
// npos when it is unbalanced. Scanning from each opening alone costs the rest of the text per
// opening, which made a page of 100 000 unbalanced "[[" take minutes; one scan with a stack
// records the end of every opening after the first one looked up, and the callers, which move
// forward through the text, find the later ones there.
class BracketEnds {
 public:
  BracketEnds(std::string_view text, std::string_view open, std::string_view close)
      : text_(text), open_(open), close_(close) {}

  // `start` must hold an opening.
  std::size_t end_of(std::size_t start) {
    auto found = std::lower_bound(openings_.begin(), openings_.end(), start);
    if (found == openings_.end() || *found != start) {
      scan_from(start);  // an opening the last scan stepped over (or none yet)
      found = openings_.begin();
    }
    return ends_[static_cast<std::size_t>(found - openings_.begin())];
  }

 private:
  void scan_from(std::size_t start) {
    openings_.clear();
    ends_.clear();
    std::vector<std::size_t> unclosed;  // indices into openings_
    std::size_t i = start;
    while (i < text_.size()) {
      if (text_.compare(i, open_.size(), open_) == 0) {
        unclosed.push_back(openings_.size());
        openings_.push_back(i);
        ends_.push_back(std::string_view::npos);
        i += open_.size();
      } else if (text_.compare(i, close_.size(), close_) == 0) {
        i += close_.size();
        if (!unclosed.empty()) {
          ends_[unclosed.back()] = i;
          unclosed.pop_back();
        }
      } else {
        ++i;
      }
    }
  }

  std::string_view text_, open_, close_;
  std::vector<std::size_t> openings_;  // in text order, as the scan meets them
  std::vector<std::size_t> ends_;      // of each opening
};

std::string remove_comments(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t open = text.find("<!--", i);
    if (open == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, open - i));
    const std::size_t close = text.find("-->", open + 4);
    if (close == std::string_view::npos) break;
    i = close + 3;
  }
  return out;
}

// Removes <tag ...>...</tag> and <tag .../> for the tags whose content is not prose.
std::string remove_tag_blocks(std::string_view text) {
  static constexpr std::string_view kTags[] = {
      "ref",    "gallery",  "math",         "timeline",   "score", "syntaxhighlight",
      "source", "imagemap", "templatedata", "references", "chem",  "hiero"};
  // Where the last search for each tag's closing began and what it found: a later search from
  // within that stretch finds the same (a page of thousands of unclosed <ref>s would otherwise
  // search the rest of the text for each).
  struct Search {
    std::size_t from = std::string_view::npos, found = std::string_view::npos;
  };
  std::array<Search, std::size(kTags)> last_search;
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '<') {
      out.push_back(text[i++]);
      continue;
    }
    bool removed = false;
    for (std::size_t t = 0; t < std::size(kTags); ++t) {
      const std::string_view tag = kTags[t];
      if (i + 1 + tag.size() > text.size()) continue;
      if (ascii_lower(text.substr(i + 1, tag.size())) != tag) continue;
      const char after = i + 1 + tag.size() < text.size() ? text[i + 1 + tag.size()] : '>';
      if (after != ' ' && after != '>' && after != '/' && after != '\n') continue;
      const std::size_t tag_end = text.find('>', i);
      if (tag_end == std::string_view::npos) break;
      if (text[tag_end - 1] == '/') {
        i = tag_end + 1;
      } else {
        const std::string close = "</" + std::string(tag);
        std::size_t end = tag_end + 1;
        Search& last = last_search[t];
        const bool known = last.from != std::string_view::npos && end >= last.from &&
                           (last.found == std::string_view::npos || end <= last.found);
        std::size_t found = known ? last.found : std::string_view::npos;
        if (!known) last.from = end;
        while (!known && end < text.size()) {
          const std::size_t candidate = text.find("</", end);
          if (candidate == std::string_view::npos) break;
          if (ascii_lower(text.substr(candidate, close.size())) == close) {
            found = candidate;
            break;
          }
          end = candidate + 2;
        }
        if (!known) last.found = found;
        if (found == std::string_view::npos) {
          i = tag_end + 1;  // unclosed: drop the opening tag only
        } else {
          const std::size_t close_end = text.find('>', found);
          i = close_end == std::string_view::npos ? text.size() : close_end + 1;
        }
      }
      removed = true;
      break;
    }
    if (!removed) out.push_back(text[i++]);
  }
  return out;
}

// Splits template/link content on '|' outside nested {{ }} and [[ ]].
std::vector<std::string_view> split_top_level(std::string_view text) {
  std::vector<std::string_view> parts;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((text.compare(i, 2, "{{") == 0 || text.compare(i, 2, "[[") == 0)) {
      ++depth;
      ++i;
    } else if ((text.compare(i, 2, "}}") == 0 || text.compare(i, 2, "]]") == 0) && depth > 0) {
      --depth;
      ++i;
    } else if (text[i] == '|' && depth == 0) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(text.substr(start));
  return parts;
}

bool is_infobox_name(const std::string& name) {
  return name.rfind("infobox", 0) == 0 || name.rfind("جعبه اطلاعات", 0) == 0 ||
         name.rfind("جعبه", 0) == 0 || name.rfind("صندوق معلومات", 0) == 0 ||
         name.rfind("معلومات", 0) == 0;
}

bool is_skipped_infobox_key(const std::string& key) {
  for (std::string_view part : {"image", "caption", "logo", "map", "signature", "alt",
                                "coordinates", "footnotes", "embed", "module", "pushpin", "width",
                                "size_", "_size", "flag", "seal", "symbol", "blank", "upright"}) {
    if (key.find(part) != std::string::npos) return true;
  }
  return false;
}

std::string clean_inline(std::string_view text, unsigned depth = 0);

struct Infobox {
  std::vector<std::pair<std::string, std::string>> entries;  // display key, value
};

// Removes templates and tables; text-bearing templates leave their text; the first infobox
// is returned through `infobox`.
std::string remove_templates(std::string_view text, std::optional<Infobox>& infobox) {
  std::string out;
  out.reserve(text.size());
  BracketEnds templates(text, "{{", "}}");
  BracketEnds tables(text, "{|", "|}");
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 2, "{{") == 0) {
      const std::size_t end = templates.end_of(i);
      if (end == std::string_view::npos) {
        i += 2;  // unbalanced: drop the braces, keep the rest
        continue;
      }
      const std::string_view inner = text.substr(i + 2, end - i - 4);
      const auto parts = split_top_level(inner);
      const std::string name = ascii_lower(trim(parts[0]));
      if (is_infobox_name(name) && !infobox) {
        infobox.emplace();
        for (std::size_t p = 1; p < parts.size(); ++p) {
          const std::size_t eq = parts[p].find('=');
          if (eq == std::string_view::npos) continue;
          std::string key = trim(parts[p].substr(0, eq));
          std::optional<Infobox> nested;
          std::string value = collapse_spaces_keep_lines(
              clean_inline(remove_templates(parts[p].substr(eq + 1), nested)));
          std::replace(value.begin(), value.end(), '\n', ' ');
          value = collapse_spaces_keep_lines(value);
          if (key.empty() || value.empty() || is_skipped_infobox_key(ascii_lower(key))) continue;
          infobox->entries.emplace_back(std::move(key), std::move(value));
        }
      } else if ((name == "lang" || name.rfind("lang-", 0) == 0 || name == "nowrap" ||
                  name == "transl" || name == "nobr" || name == "small" || name == "noitalic" ||
                  name == "nastaliq") &&
                 parts.size() >= 2) {
        std::optional<Infobox> nested;
        out += remove_templates(parts.back(), nested);
      }
      i = end;
      continue;
    }
    if (text.compare(i, 2, "{|") == 0 && (i == 0 || text[i - 1] == '\n')) {
      const std::size_t end = tables.end_of(i);
      i = end == std::string_view::npos ? i + 2 : end;
      continue;
    }
    out.push_back(text[i++]);
  }
  return out;
}

bool is_dropped_namespace(std::string_view target) {
  const std::size_t colon = target.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string ns = ascii_lower(trim(target.substr(0, colon)));
  for (std::string_view dropped :
       {"file", "image", "category", "media", "wikipedia", "wp", "template", "help", "portal",
        "پرونده", "تصویر", "رده", "ملف", "صورة", "تصنيف", "الگو", "قالب"}) {
    if (ns == dropped) return true;
  }
  // Interlanguage links: [[fa:...]], [[zh-yue:...]].
  const bool language_code =
      ns.size() >= 2 && ns.size() <= 12 &&
      std::all_of(ns.begin(), ns.end(),
                  [](char c) { return (c >= 'a' && c <= 'z') || c == '-'; }) &&
      (ns.size() <= 3 || ns.find('-') != std::string::npos);
  return language_code;
}

// Links nested deeper than this keep their text with the brackets dropped: each level is a
// recursion, and pages nested thousands deep (vandalism, broken bots) overflowed the stack.
constexpr unsigned kMaxLinkNesting = 32;

// Links, external links, quotes, HTML tags, magic words, entities.
std::string clean_inline(std::string_view text, unsigned depth) {
  if (depth > kMaxLinkNesting) {
    std::string plain;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if ((text[i] == '[' || text[i] == ']') && i + 1 < text.size() && text[i + 1] == text[i]) {
        ++i;
        continue;
      }
      plain += text[i];
    }
    return plain;
  }
  std::string out;
  out.reserve(text.size());
  BracketEnds links(text, "[[", "]]");
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 2, "[[") == 0) {
      const std::size_t end = links.end_of(i);
      if (end == std::string_view::npos) {
        i += 2;
        continue;
      }
      const std::string_view inner = text.substr(i + 2, end - i - 4);
      if (!is_dropped_namespace(inner) || (!inner.empty() && inner[0] == ':')) {
        const auto parts = split_top_level(inner);
        std::string_view shown = parts.size() > 1 ? parts.back() : parts[0];
        if (!shown.empty() && shown[0] == ':') shown.remove_prefix(1);
        out += clean_inline(shown, depth + 1);
      }
      i = end;
      continue;
    }
    if (text[i] == '[' &&
        (text.compare(i + 1, 4, "http") == 0 || text.compare(i + 1, 2, "//") == 0)) {
      const std::size_t end = text.find(']', i);
      if (end != std::string_view::npos) {
        const std::string_view inner = text.substr(i + 1, end - i - 1);
        const std::size_t space = inner.find(' ');
        if (space != std::string_view::npos)
          out += clean_inline(inner.substr(space + 1), depth + 1);
        i = end + 1;
        continue;
      }
    }
    if (text.compare(i, 2, "''") == 0) {
      while (i < text.size() && text[i] == '\'') ++i;
      continue;
    }
    if (text[i] == '<' && i + 1 < text.size() &&
        (text::is_ascii_letter(text[i + 1]) || text[i + 1] == '/')) {
      const std::size_t end = text.find('>', i);
      if (end != std::string_view::npos && end - i < 300) {
        const std::string tag =
            ascii_lower(text.substr(i + 1, std::min<std::size_t>(3, end - i - 1)));
        if (tag.rfind("br", 0) == 0) out.push_back(' ');
        i = end + 1;
        continue;
      }
    }
    if (text.compare(i, 2, "__") == 0) {
      const std::size_t end = text.find("__", i + 2);
      if (end != std::string_view::npos && end - i < 30 &&
          std::all_of(text.begin() + static_cast<std::ptrdiff_t>(i) + 2,
                      text.begin() + static_cast<std::ptrdiff_t>(end), text::is_ascii_upper)) {
        i = end + 2;
        continue;
      }
    }
    out.push_back(text[i++]);
  }
  return decode_html_entities(out);
}

// "== Heading ==" -> "Heading"; empty when the line is not a heading.
std::string heading_of(std::string_view line) {
  std::string trimmed = trim(line);
  if (trimmed.size() < 3 || trimmed.front() != '=' || trimmed.back() != '=') return {};
  std::size_t left = 0;
  while (left < trimmed.size() && trimmed[left] == '=') ++left;
  std::size_t right = trimmed.size();
  while (right > left && trimmed[right - 1] == '=') --right;
  if (right <= left) return {};
  return collapse_spaces_keep_lines(clean_inline(trimmed.substr(left, right - left)));
}

// The infobox as one passage of "label: value" lines, each entry also a field; the names of
// an "abbreviation" entry become the article's aliases.
Passage infobox_passage(const Infobox& infobox, std::vector<std::string>& aliases) {
  Passage passage;
  for (const auto& [key, value] : infobox.entries) {
    std::string label = key;
    std::replace(label.begin(), label.end(), '_', ' ');
    if (!passage.text.empty()) passage.text.push_back('\n');
    passage.text += label;
    passage.text += ": ";
    passage.text += value;
    const std::string name = field_name(key);
    if (!name.empty() && name.size() <= 40) {
      if (name == "abbreviation") {
        for (std::string& alias : split_alias_list(value)) aliases.push_back(std::move(alias));
      }
      passage.fields.emplace_back(name, value);
    }
  }
  return passage;
}

// The body's lines become passages of their section: a paragraph is the lines up to a blank
// line, a heading or a list; a list is a run of "*", "#", ":" or ";" items, one "• item" a line.
class BodyPassages {
 public:
  explicit BodyPassages(Article& article) : article_(article) {}

  void add_line(std::string_view line) {
    const std::string trimmed = trim(line);
    if (trimmed.empty()) {
      finish();
      return;
    }
    if (std::string heading = heading_of(trimmed); !heading.empty()) {
      finish();
      section_ = std::move(heading);
      return;
    }
    const char first = trimmed[0];
    if (first == '|' || first == '!' || trimmed.rfind("{|", 0) == 0) return;  // table debris
    if (is_list_marker(first)) {
      flush_paragraph();
      add_list_item(trimmed);
      return;
    }
    flush_list();
    if (!paragraph_.empty()) paragraph_.push_back(' ');
    paragraph_ += trimmed;
  }

  void finish() {
    flush_paragraph();
    flush_list();
  }

 private:
  static bool is_list_marker(char c) { return c == '*' || c == '#' || c == ':' || c == ';'; }

  void add_list_item(std::string_view line) {
    std::size_t k = 0;
    while (k < line.size() && is_list_marker(line[k])) ++k;
    std::string item = collapse_spaces_keep_lines(clean_inline(line.substr(k)));
    std::replace(item.begin(), item.end(), '\n', ' ');
    if (item.empty()) return;
    if (!list_.empty()) list_.push_back('\n');
    list_ += "\xE2\x80\xA2 ";
    list_ += item;
  }

  void flush_paragraph() {
    std::string clean = collapse_spaces_keep_lines(clean_inline(paragraph_));
    paragraph_.clear();
    std::replace(clean.begin(), clean.end(), '\n', ' ');
    clean = collapse_spaces_keep_lines(clean);
    for (std::string& piece : split_long_text(clean)) {
      article_.passages.push_back(Passage{section_, std::move(piece), {}});
    }
  }

  void flush_list() {
    if (list_.empty()) return;
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < list_.size()) {
      std::size_t end = list_.find('\n', start);
      if (end == std::string::npos) end = list_.size();
      lines.push_back(std::string_view(list_).substr(start, end - start));
      start = end + 1;
    }
    if (lines.size() == 1) {
      article_.passages.push_back(Passage{section_, std::string(lines[0]), {}});
    } else {
      add_block_passages(article_, section_, lines);
    }
    list_.clear();
  }

  Article& article_;
  std::string section_;
  std::string paragraph_;
  std::string list_;
};

}  // namespace

Article parse_wikitext(std::string_view wikitext, const std::string& title,
                       const std::string& language) {
  Article article;
  article.id = title;
  article.title = title;
  article.language = language;

  std::optional<Infobox> infobox;
  const std::string text = remove_templates(remove_tag_blocks(remove_comments(wikitext)), infobox);
  if (infobox && !infobox->entries.empty())
    article.passages.push_back(infobox_passage(*infobox, article.aliases));

  BodyPassages body(article);
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    body.add_line(std::string_view(text).substr(start, end - start));
    start = end + 1;
  }
  body.finish();
  return article;
}

}  // namespace kavosh::index
