// Output formats and topic files; see output.hpp.
#include "kavosh/search/output.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "kavosh/format/schema.hpp"
#include "kavosh/search/evaluation.hpp"
#include "kavosh/search/snippet.hpp"
#include "kavosh/text/ascii.hpp"

namespace kavosh::search {

namespace {

std::string trim(std::string_view s) { return std::string(text::trim_ascii_whitespace(s)); }

}  // namespace

std::string format_terminal(const Hit& hit, bool tty) {
  char score[32];
  std::snprintf(score, sizeof score, "%.3f", hit.score);
  std::string out = std::to_string(hit.rank) + ". ";
  const std::string title = isolate_rtl_runs(hit.title.empty() ? hit.article : hit.title);
  out += tty ? "\x1b[1m" + title + "\x1b[0m" : title;
  if (!hit.section.empty()) out += " \xE2\x80\x94 " + isolate_rtl_runs(hit.section);
  out += "  [" + std::string(score) + "]  " + isolate_rtl_runs(hit.id) + "\n";
  if (!hit.snippet.empty())
    out += "   " + render_for_terminal(Snippet{hit.snippet, hit.highlights}, tty) + "\n";
  for (const auto& c : hit.explanation) {
    char weight[32];
    std::snprintf(weight, sizeof weight, "%8.4f", c.weight);
    out += "     " + std::string(weight) + "  " + isolate_rtl_runs(c.clause) + "\n";
  }
  return out;
}

std::string format_json(const Hit& hit) {
  nlohmann::json j;
  j["rank"] = hit.rank;
  j["id"] = hit.id;
  j["article"] = hit.article;
  j["passage"] = hit.passage;
  j["title"] = hit.title;
  j["section"] = hit.section;
  j["lang"] = hit.lang;
  j["score"] = hit.score;
  j["snippet"] = hit.snippet;
  j["highlights"] = nlohmann::json::array();
  for (const auto& h : hit.highlights) j["highlights"].push_back({h.begin, h.end});
  if (!hit.explanation.empty()) {
    j["explain"] = nlohmann::json::array();
    for (const auto& c : hit.explanation)
      j["explain"].push_back({{"clause", c.clause}, {"weight", c.weight}});
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string format_token_json(std::string_view text, const analysis::Token& token) {
  nlohmann::json j;
  j["text"] = std::string(text.substr(token.begin, token.end - token.begin));
  j["terms"] = nlohmann::json::array({token.term});
  if (!token.stem.empty()) j["terms"].push_back(std::string(index::schema::kStemmed) + token.stem);
  j["position"] = token.position;
  j["begin"] = token.begin;
  j["end"] = token.end;
  j["script"] = std::string(analysis::script_name(token.script));
  if (token.span > 1) j["span"] = token.span;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string format_trec(const std::string& qid, const Hit& hit, const std::string& tag,
                        TrecDocid docid_kind) {
  char score[40];
  std::snprintf(score, sizeof score, "%.6f", hit.score);
  // A TREC docid is one whitespace-free field; ids with spaces (MediaWiki titles) use '_', and
  // so do control characters (a newline would split the line, ESC reach the terminal).
  std::string docid;
  append_printable(docid, docid_kind == TrecDocid::Passage ? hit.id : hit.article, "_");
  std::replace(docid.begin(), docid.end(), ' ', '_');
  return qid + " Q0 " + docid + " " + std::to_string(hit.rank) + " " + score + " " + tag;
}

namespace {

// A run file that lists one query id twice is ambiguous to trec_eval (it merges or drops the
// lists), and the evaluation would count the query once with the wrong hits.
void reject_repeated_ids(const std::vector<Topic>& topics, const std::vector<unsigned>& lines,
                         const std::string& source_name) {
  std::unordered_map<std::string_view, unsigned> first_line;
  for (std::size_t i = 0; i < topics.size(); ++i) {
    const auto [at, inserted] = first_line.emplace(topics[i].id, lines[i]);
    if (!inserted)
      throw eval::FormatError(source_name + ":" + std::to_string(lines[i]) + ": query id '" +
                              topics[i].id + "' was given before, on line " +
                              std::to_string(at->second));
  }
}

}  // namespace

std::vector<Topic> parse_topics(std::istream& in, const std::string& source_name) {
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  eval::strip_byte_order_mark(text);
  std::vector<Topic> topics;
  std::vector<unsigned> topic_lines;  // where each topic starts, to name a repeated id's lines
  // TREC topics; tag names in any case and <top> with attributes (CLEF's <top lang="fa">, as
  // the Hamshahri Persian topics have), the title in <title> or CLEF's <EN-title>, <FA-title>.
  const std::string lower = text::ascii_lower(text);  // same offsets as `text`
  const auto open_tag = [&](std::string_view name, std::size_t from) {
    for (std::size_t at = lower.find("<" + std::string(name), from); at != std::string::npos;
         at = lower.find("<" + std::string(name), at + 1)) {
      const std::size_t after = at + 1 + name.size();
      if (after < lower.size() && (lower[after] == '>' || lower[after] == ' ')) return at;
    }
    return std::string::npos;
  };
  if (open_tag("top", 0) != std::string::npos) {
    std::size_t from = 0;
    while ((from = open_tag("top", from)) != std::string::npos) {
      const std::size_t end = std::min(lower.find("</top>", from), text.size());
      const unsigned line = 1 + static_cast<unsigned>(std::count(
                                    text.begin(), text.begin() + static_cast<long>(from), '\n'));
      // The text after the first tag in [from, end) whose name is `name` or ends in `suffix`,
      // up to the next tag.
      auto field = [&](std::string_view name, std::string_view suffix) -> std::string {
        for (std::size_t at = lower.find('<', from + 1); at < end; at = lower.find('<', at + 1)) {
          const std::size_t close = lower.find('>', at);
          if (close == std::string::npos || close > end) break;
          const std::string_view tag = std::string_view(lower).substr(at + 1, close - at - 1);
          const std::string_view tag_name = tag.substr(0, tag.find(' '));
          if (tag_name != name && !(!suffix.empty() && tag_name.ends_with(suffix))) continue;
          const std::size_t stop = std::min(text.find('<', close + 1), end);
          return text::collapse_whitespace_to_one_line(text.substr(close + 1, stop - close - 1));
        }
        return {};
      };
      std::string num = field("num", "");
      if (num.starts_with("Number:")) num = trim(num.substr(7));
      std::string title = field("title", "-title");
      if (title.starts_with("Topic:")) title = trim(title.substr(6));
      if (num.empty() || title.empty())
        throw eval::FormatError(source_name + ":" + std::to_string(line) +
                                ": TREC topic without <num> or <title>");
      topics.push_back({num, title});
      topic_lines.push_back(line);
      from = end;
    }
    reject_repeated_ids(topics, topic_lines, source_name);
    return topics;
  }
  std::istringstream lines(text);
  std::string line;
  unsigned line_no = 0;
  while (std::getline(lines, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty()) continue;
    const auto tab = line.find('\t');
    if (tab == std::string::npos || trim(line.substr(0, tab)).empty())
      throw eval::FormatError(source_name + ":" + std::to_string(line_no) +
                              ": expected 'qid<TAB>query'");
    topics.push_back({trim(line.substr(0, tab)), trim(line.substr(tab + 1))});
    topic_lines.push_back(line_no);
  }
  reject_repeated_ids(topics, topic_lines, source_name);
  return topics;
}

std::vector<Topic> load_topics(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return parse_topics(in, path.string());
}

}  // namespace kavosh::search
