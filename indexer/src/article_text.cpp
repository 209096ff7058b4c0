// The seed's article text format: the first non-empty line is the title; blocks of lines are
// separated by blank lines. A one-line block is a paragraph (long ones are split into
// passages), or a section heading when it is short and unpunctuated and text follows. A
// multi-line block is an infobox or list: each line becomes one line of a single passage,
// lines whose label is glued to the value ("LeaderMaryam Rajavi") become fields shown as
// "Leader: Maryam Rajavi", and bullets stay bullets. "Abbreviation" values are aliases.
#include <string>
#include <vector>

#include "format_readers.hpp"
#include "kavosh/index/passages.hpp"
#include "kavosh/index/readers.hpp"
#include "kavosh/index/text_cleanup.hpp"

namespace kavosh::index {
namespace {

// Lines hold no '\n': trimming them of all ASCII whitespace trims spaces, tabs and CRs.
std::string_view trim_view(std::string_view text) { return text::trim_ascii_whitespace(text); }

bool looks_like_heading(std::string_view line) {
  if (line.empty() || count_words(line) > 6) return false;
  const char last = line.back();
  return last != '.' && last != ':' && last != ';' && last != ',' && last != '!' && last != '?' &&
         last != ')' && last != ']' && last != '"';
}

// A bullet line ("    • Mohammad Hanifnejad", "* item", "- item") -> "• item", else empty.
std::string bullet_item(std::string_view line) {
  for (std::string_view bullet : {"\xE2\x80\xA2", "\xC2\xB7", "*", "-"}) {
    if (line.substr(0, bullet.size()) == bullet && line.size() > bullet.size() &&
        (line[bullet.size()] == ' ' || line[bullet.size()] == '\t')) {
      return "\xE2\x80\xA2 " + collapse_spaces_keep_lines(line.substr(bullet.size()));
    }
  }
  return {};
}

}  // namespace

std::vector<std::string> split_alias_list(std::string_view value) {
  std::vector<std::string> names;
  std::string current;
  auto flush = [&] {
    std::string name = collapse_spaces_keep_lines(current);
    if (!name.empty()) names.push_back(std::move(name));
    current.clear();
  };
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == ',' || c == ';' || c == '/' || c == '\n') {
      flush();
    } else if (value.substr(i, 4) == " or ") {
      flush();
      i += 3;
    } else {
      current.push_back(c);
    }
  }
  flush();
  return names;
}

void add_block_passages(Article& article, const std::string& section,
                        const std::vector<std::string_view>& lines) {
  if (lines.size() == 1) {
    const std::string text = collapse_spaces_keep_lines(strip_citation_markers(lines[0]));
    for (std::string& piece : split_long_text(text)) {
      article.passages.push_back(Passage{section, std::move(piece), {}});
    }
    return;
  }
  // Infobox or list: one passage (or several when very long, cut at line ends).
  Passage passage{section, {}, {}};
  unsigned words = 0;
  auto flush = [&] {
    if (!passage.text.empty()) article.passages.push_back(std::move(passage));
    passage = Passage{section, {}, {}};
    words = 0;
  };
  PassageLimits limits;
  for (std::string_view raw : lines) {
    const std::string cleaned = strip_citation_markers(raw);
    std::string display = bullet_item(trim_view(cleaned));
    if (display.empty()) {
      if (auto entry = split_infobox_line(cleaned)) {
        display = entry->label + ": " + entry->value;
        if (entry->field == "abbreviation") {
          for (std::string& alias : split_alias_list(entry->value))
            article.aliases.push_back(std::move(alias));
        }
        passage.fields.emplace_back(entry->field, entry->value);
      } else {
        display = collapse_spaces_keep_lines(cleaned);
      }
    }
    if (display.empty()) continue;
    if (words >= limits.max_words) flush();
    if (!passage.text.empty()) passage.text.push_back('\n');
    passage.text += display;
    words += count_words(display);
  }
  flush();
}

Article parse_article_text(std::string_view content, const std::string& id,
                           const std::string& source) {
  Article article;
  article.id = id;
  article.source = source;

  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= content.size()) {
    std::size_t end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    lines.push_back(content.substr(start, end - start));
    start = end + 1;
  }

  std::size_t i = 0;
  while (i < lines.size() && trim_view(lines[i]).empty()) ++i;
  if (i < lines.size()) {
    article.title = collapse_spaces_keep_lines(strip_citation_markers(trim_view(lines[i])));
    ++i;
  }

  // Blocks of consecutive non-blank lines.
  std::vector<std::vector<std::string_view>> blocks;
  for (; i < lines.size(); ++i) {
    if (trim_view(lines[i]).empty()) {
      if (!blocks.empty() && !blocks.back().empty()) blocks.emplace_back();
      continue;
    }
    if (blocks.empty()) blocks.emplace_back();
    blocks.back().push_back(lines[i]);
  }
  while (!blocks.empty() && blocks.back().empty()) blocks.pop_back();

  std::string section;
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    const auto& block = blocks[b];
    if (block.size() == 1 && b + 1 < blocks.size() && blocks[b + 1].size() == 1 &&
        looks_like_heading(trim_view(block[0])) && count_words(blocks[b + 1][0]) > 6) {
      section = collapse_spaces_keep_lines(trim_view(block[0]));
      continue;
    }
    add_block_passages(article, section, block);
  }
  return article;
}

}  // namespace kavosh::index
