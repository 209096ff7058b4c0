// Collection readers: SMART (Cranfield, CISI, CACM), TREC (NPL), the Persian question ->
// paragraph sets and MediaWiki samples. See collections.hpp for the contract and
// bench/README.md for the grading decisions.
#include "collections.hpp"

#include <bzlib.h>
#include <expat.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace kavosh::bench::harness {
namespace fs = std::filesystem;

namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

// Collapses runs of whitespace (newlines included) into single spaces.
std::string squeeze_spaces(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = !out.empty();
    } else {
      if (pending_space) out.push_back(' ');
      pending_space = false;
      out.push_back(c);
    }
  }
  return out;
}

// Built with += rather than operator+: GCC 12 -O3 warns falsely (-Wrestrict) on literal + string.
std::string numbered(const char* prefix, std::size_t n) {
  std::string id = prefix;
  id += std::to_string(n);
  return id;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size())
    s.replace(p, from.size(), to);
  return s;
}

std::string strip_leading_zeros(const std::string& s) {
  const auto first = s.find_first_not_of('0');
  return first == std::string::npos ? std::string("0") : s.substr(first);
}

std::vector<std::string> read_lines(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot open");
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // cran.qry is CRLF
    lines.push_back(std::move(line));
  }
  return lines;
}

// One SMART record: ".I <id>" followed by ".X" sections (".T", ".W", ...), each a text block.
struct SmartRecord {
  std::string id;
  std::map<char, std::string> sections;
};

std::vector<SmartRecord> read_smart(const fs::path& file) {
  std::vector<SmartRecord> records;
  char section = 0;
  std::size_t line_number = 0;
  for (const auto& line : read_lines(file)) {
    ++line_number;
    if (line.size() >= 2 && line[0] == '.' && line[1] >= 'A' && line[1] <= 'Z' &&
        (line.size() == 2 || line[2] == ' ' || line[2] == '\t')) {
      section = line[1];
      if (section == 'I') {
        records.push_back({strip_leading_zeros(trim(line.substr(2))), {}});
        if (records.back().id == "0" && trim(line.substr(2)).empty())
          throw std::runtime_error(file.string() + ":" + std::to_string(line_number) +
                                   ": .I without a number");
      }
      continue;
    }
    if (records.empty()) continue;
    auto& text = records.back().sections[section];
    text += line;
    text.push_back('\n');
  }
  return records;
}

std::string section_text(const SmartRecord& r, char section) {
  const auto it = r.sections.find(section);
  return it == r.sections.end() ? std::string() : squeeze_spaces(it->second);
}

std::vector<std::string> fields_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> fields;
  std::string f;
  while (in >> f) fields.push_back(f);
  return fields;
}

// SMART documents: title from .T, searchable text = title + abstract (.W), as the
// collections are usually indexed.
std::vector<CorpusDocument> smart_documents(const fs::path& file) {
  std::vector<CorpusDocument> docs;
  for (const auto& r : read_smart(file)) {
    const std::string title = section_text(r, 'T');
    const std::string body = section_text(r, 'W');
    docs.push_back({r.id, title, body.empty() ? title : body, "en"});
  }
  return docs;
}

std::vector<CollectionQuery> smart_queries(const fs::path& file, bool renumber_in_file_order) {
  std::vector<CollectionQuery> queries;
  for (const auto& r : read_smart(file)) {
    const std::string id =
        renumber_in_file_order ? std::to_string(queries.size() + 1) : r.id;
    if (r.id == "0") continue;  // CACM's ".I 0" sentinel
    queries.push_back({id, section_text(r, 'W')});
  }
  return queries;
}

Collection read_cranfield(const fs::path& dir) {
  Collection c{"cranfield", {}, {}, {}};
  for (auto& d : smart_documents(dir / "cran.all.1400")) {
    // Cranfield's .W repeats the title; keep text as is (the engines index title + text).
    c.documents.push_back(std::move(d));
  }
  // cran.qry numbers queries 001..365 with gaps; cranqrel numbers them 1..225 in file order.
  c.queries = smart_queries(dir / "cran.qry", /*renumber_in_file_order=*/true);
  std::size_t line_number = 0;
  for (const auto& line : read_lines(dir / "cranqrel")) {
    ++line_number;
    const auto f = fields_of(line);
    if (f.empty()) continue;
    if (f.size() != 3)
      throw std::runtime_error("cranqrel:" + std::to_string(line_number) + ": expected 3 fields");
    // Cleverdon's codes: 1 (complete answer) .. 4 (minimum interest); -1 = no interest.
    // Graded relevance for nDCG: grade = 5 - code, so 1 -> 4 .. 4 -> 1; -1 -> 0.
    const int code = std::stoi(f[2]);
    const int grade = (code >= 1 && code <= 4) ? 5 - code : 0;
    c.judgments.push_back({f[0], f[1], grade});
  }
  return c;
}

Collection read_cisi(const fs::path& dir) {
  Collection c{"cisi", smart_documents(dir / "CISI.ALL"),
               smart_queries(dir / "CISI.QRY", false), {}};
  for (const auto& line : read_lines(dir / "CISI.REL")) {
    const auto f = fields_of(line);
    if (f.size() >= 2) c.judgments.push_back({f[0], f[1], 1});
  }
  return c;
}

Collection read_cacm(const fs::path& dir) {
  Collection c{"cacm", smart_documents(dir / "cacm.all"),
               smart_queries(dir / "query.text", false), {}};
  for (const auto& line : read_lines(dir / "qrels.text")) {
    const auto f = fields_of(line);
    // Zero-padded query ids ("01") are normalised to the .I numbers of query.text.
    if (f.size() >= 2) c.judgments.push_back({strip_leading_zeros(f[0]), f[1], 1});
  }
  return c;
}

// Text between <tag> and </tag> starting at from; empty when absent.
std::string between(const std::string& s, const std::string& open, const std::string& close,
                    std::size_t& from) {
  const auto a = s.find(open, from);
  if (a == std::string::npos) {
    from = std::string::npos;
    return {};
  }
  const auto b = s.find(close, a + open.size());
  if (b == std::string::npos) {
    from = std::string::npos;
    return {};
  }
  from = b + close.size();
  return s.substr(a + open.size(), b - a - open.size());
}

Collection read_npl(const fs::path& dir) {
  Collection c{"npl", {}, {}, {}};
  const std::string docs = read_file_bytes(dir / "corpus" / "doc-text.trec");
  for (std::size_t pos = 0; pos != std::string::npos;) {
    const std::string doc = between(docs, "<DOC>", "</DOC>", pos);
    if (pos == std::string::npos) break;
    std::size_t p = 0;
    const std::string docno = trim(between(doc, "<DOCNO>", "</DOCNO>", p));
    const std::string text = p == std::string::npos ? doc : doc.substr(p);
    c.documents.push_back({docno, "", squeeze_spaces(text), "en"});
  }
  const std::string queries = read_file_bytes(dir / "query-text.trec");
  for (std::size_t pos = 0; pos != std::string::npos;) {
    const std::string top = between(queries, "<top>", "</top>", pos);
    if (pos == std::string::npos) break;
    std::size_t p = 0;
    const std::string num = trim(between(top, "<num>", "</num>", p));
    std::size_t t = top.find("<title>");
    std::string title = t == std::string::npos ? "" : top.substr(t + 7);
    if (const auto e = title.find("</title>"); e != std::string::npos) title.resize(e);
    // NPL titles are upper case; lower-case them so every engine sees plain words.
    std::transform(title.begin(), title.end(), title.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    c.queries.push_back({num, squeeze_spaces(title)});
  }
  for (const auto& line : read_lines(dir / "qrels")) {
    const auto f = fields_of(line);  // TREC: qid 0 docid rel
    if (f.size() >= 4 && std::stoi(f[3]) > 0) c.judgments.push_back({f[0], f[2], 1});
  }
  return c;
}

Collection read_parsinlu(const fs::path& dir) {
  Collection c{"parsinlu", {}, {}, {}};
  std::unordered_map<std::string, std::string> passage_ids;
  for (const char* split : {"train", "dev", "eval"}) {
    const fs::path file = dir / (std::string(split) + ".jsonl");
    std::size_t line_number = 0;
    for (const auto& line : read_lines(file)) {
      ++line_number;
      if (trim(line).empty()) continue;
      nlohmann::json j;
      try {
        // Some eval.jsonl lines carry Python's bare NaN as "url"; JSON has no NaN.
        j = nlohmann::json::parse(replace_all(line, ": NaN", ": null"));
      } catch (const std::exception& e) {
        throw std::runtime_error(file.string() + ":" + std::to_string(line_number) + ": " +
                                 e.what());
      }
      const std::string passage = j.at("passage").get<std::string>();
      auto [it, inserted] =
          passage_ids.try_emplace(passage, numbered("pn", passage_ids.size() + 1));
      if (inserted) c.documents.push_back({it->second, "", squeeze_spaces(passage), "fa"});
      const std::string qid = numbered("q", c.queries.size() + 1);
      c.queries.push_back({qid, squeeze_spaces(j.at("question").get<std::string>())});
      c.judgments.push_back({qid, it->second, 1});
    }
  }
  return c;
}

Collection read_persianqa(const fs::path& file) {
  Collection c{"persianqa", {}, {}, {}};
  const auto root = nlohmann::json::parse(read_file_bytes(file));
  for (const auto& article : root.at("data")) {
    const std::string title = article.value("title", "");
    for (const auto& paragraph : article.at("paragraphs")) {
      const std::string doc_id = numbered("pq", c.documents.size() + 1);
      c.documents.push_back(
          {doc_id, title, squeeze_spaces(paragraph.at("context").get<std::string>()), "fa"});
      for (const auto& qa : paragraph.at("qas")) {
        if (qa.value("is_impossible", false)) continue;  // SQuAD 2.0: answerable only
        const std::string qid = numbered("q", qa.at("id").get<std::size_t>());
        c.queries.push_back({qid, squeeze_spaces(qa.at("question").get<std::string>())});
        c.judgments.push_back({qid, doc_id, 1});
      }
    }
  }
  return c;
}

std::string bunzip2(const std::string& compressed, const fs::path& file) {
  bz_stream stream{};
  if (BZ2_bzDecompressInit(&stream, 0, 0) != BZ_OK)
    throw std::runtime_error(file.string() + ": bzip2 init failed");
  std::string out;
  std::vector<char> buffer(1 << 20);
  stream.next_in = const_cast<char*>(compressed.data());
  stream.avail_in = static_cast<unsigned>(compressed.size());
  int rc = BZ_OK;
  while (rc == BZ_OK) {
    stream.next_out = buffer.data();
    stream.avail_out = static_cast<unsigned>(buffer.size());
    rc = BZ2_bzDecompress(&stream);
    out.append(buffer.data(), buffer.size() - stream.avail_out);
    if (rc == BZ_OK && stream.avail_in == 0 && stream.avail_out != 0) break;  // truncated
  }
  BZ2_bzDecompressEnd(&stream);
  if (rc != BZ_STREAM_END && rc != BZ_OK)
    throw std::runtime_error(file.string() + ": bzip2 error " + std::to_string(rc));
  return out;
}

struct WikiPage {
  std::string title, ns, id, text;
  bool redirect = false;
};

struct WikiParseState {
  std::vector<WikiPage> pages;
  std::vector<std::string> path;
  std::string chars;
};

void XMLCALL on_start(void* user, const XML_Char* name, const XML_Char**) {
  auto& s = *static_cast<WikiParseState*>(user);
  const std::string n = name;
  if (n == "page") s.pages.emplace_back();
  if (n == "redirect" && !s.pages.empty()) s.pages.back().redirect = true;
  s.path.push_back(n);
  s.chars.clear();
}

void XMLCALL on_end(void* user, const XML_Char* name) {
  auto& s = *static_cast<WikiParseState*>(user);
  const std::string n = name;
  const std::string parent = s.path.size() >= 2 ? s.path[s.path.size() - 2] : "";
  if (!s.pages.empty()) {
    auto& page = s.pages.back();
    if (parent == "page" && n == "title") page.title = s.chars;
    if (parent == "page" && n == "ns") page.ns = s.chars;
    if (parent == "page" && n == "id") page.id = s.chars;
    if (parent == "revision" && n == "text") page.text = s.chars;
  }
  if (!s.path.empty()) s.path.pop_back();
  s.chars.clear();
}

void XMLCALL on_chars(void* user, const XML_Char* text, int length) {
  static_cast<WikiParseState*>(user)->chars.append(text, static_cast<std::size_t>(length));
}

// Removes balanced open..close spans (nested), e.g. templates and tables.
std::string remove_nested(const std::string& s, const std::string& open,
                          const std::string& close) {
  std::string out;
  out.reserve(s.size());
  int depth = 0;
  for (std::size_t i = 0; i < s.size();) {
    if (s.compare(i, open.size(), open) == 0) {
      ++depth;
      i += open.size();
    } else if (depth > 0 && s.compare(i, close.size(), close) == 0) {
      --depth;
      i += close.size();
    } else {
      if (depth == 0) out.push_back(s[i]);
      ++i;
    }
  }
  return out;
}

std::string remove_between(const std::string& s, const std::string& open,
                           const std::string& close) {
  std::string out;
  std::size_t i = 0;
  while (true) {
    const auto a = s.find(open, i);
    if (a == std::string::npos) break;
    out.append(s, i, a - i);
    const auto b = s.find(close, a + open.size());
    if (b == std::string::npos) {
      i = s.size();
      break;
    }
    i = b + close.size();
  }
  out.append(s, std::min(i, s.size()), std::string::npos);
  return out;
}

bool is_file_or_category_link(const std::string& target) {
  static const char* const prefixes[] = {"File:", "Image:", "Category:", "file:", "image:",
                                         "category:", "پرونده:", "رده:", "تصویر:", "Media:"};
  for (const char* p : prefixes)
    if (target.rfind(p, 0) == 0) return true;
  return false;
}

// [[target|text]] -> text, [[target]] -> target, file/category links dropped (with nesting).
std::string reduce_links(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (s.compare(i, 2, "[[") == 0) {
      int depth = 1;
      std::size_t j = i + 2;
      while (j < s.size() && depth > 0) {
        if (s.compare(j, 2, "[[") == 0) {
          ++depth;
          j += 2;
        } else if (s.compare(j, 2, "]]") == 0) {
          --depth;
          j += 2;
        } else {
          ++j;
        }
      }
      const std::string inner = s.substr(i + 2, (depth == 0 ? j - 2 : j) - i - 2);
      if (!is_file_or_category_link(inner)) {
        const auto bar = inner.rfind('|');
        out += bar == std::string::npos ? inner : inner.substr(bar + 1);
      }
      i = j;
    } else if (s[i] == '[' && (s.compare(i + 1, 4, "http") == 0 || s.compare(i + 1, 2, "//") == 0)) {
      const auto close = s.find(']', i);
      if (close == std::string::npos) {
        ++i;
        continue;
      }
      const std::string inner = s.substr(i + 1, close - i - 1);
      const auto space = inner.find(' ');
      if (space != std::string::npos) out += inner.substr(space + 1);
      i = close + 1;
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

}  // namespace

std::string read_file_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot open");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string wikitext_to_plain(const std::string& wikitext) {
  std::string s = remove_between(wikitext, "<!--", "-->");
  s = remove_between(s, "<ref", "</ref>");  // also swallows <ref name=x/> up to the next </ref>
  s = remove_nested(s, "{{", "}}");
  s = remove_nested(s, "{|", "|}");
  s = reduce_links(s);
  s = replace_all(s, "'''", "");
  s = replace_all(s, "''", "");
  s = replace_all(s, "&nbsp;", " ");
  s = replace_all(s, "&ndash;", "-");
  s = replace_all(s, "&mdash;", "-");
  // Remaining HTML tags.
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<') {
      const auto close = s.find('>', i);
      if (close != std::string::npos && close - i < 200) {
        i = close;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  // Line-level markup: headings become their own paragraph, list markers go.
  std::string result;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    std::string t = trim(line);
    if (!t.empty() && t.front() == '=') {
      while (!t.empty() && t.front() == '=') t.erase(t.begin());
      while (!t.empty() && t.back() == '=') t.pop_back();
      result += "\n\n" + trim(t) + "\n\n";
      continue;
    }
    while (!t.empty() && (t.front() == '*' || t.front() == '#' || t.front() == ':' ||
                          t.front() == ';'))
      t.erase(t.begin());
    if (!t.empty() && (t.front() == '|' || t.front() == '!')) continue;  // stray table rows
    result += trim(t);
    result.push_back('\n');
  }
  return result;
}

std::vector<CorpusDocument> read_mediawiki_paragraphs(const fs::path& file,
                                                      const std::string& lang) {
  std::string xml = read_file_bytes(file);
  if (file.extension() == ".bz2") xml = bunzip2(xml, file);
  const auto first = xml.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first != std::string::npos && xml.compare(first, 5, "<page") == 0)
    xml = "<mediawiki>" + xml + "</mediawiki>";  // bare <page> export

  WikiParseState state;
  XML_Parser parser = XML_ParserCreate("UTF-8");
  XML_SetUserData(parser, &state);
  XML_SetElementHandler(parser, on_start, on_end);
  XML_SetCharacterDataHandler(parser, on_chars);
  const bool ok = XML_Parse(parser, xml.data(), static_cast<int>(xml.size()), 1) != XML_STATUS_ERROR;
  std::string error;
  if (!ok)
    error = file.string() + ":" + std::to_string(XML_GetCurrentLineNumber(parser)) + ": " +
            XML_ErrorString(XML_GetErrorCode(parser));
  XML_ParserFree(parser);
  if (!ok) throw std::runtime_error(error);

  std::vector<CorpusDocument> docs;
  for (const auto& page : state.pages) {
    if (page.redirect || (page.ns != "0" && !page.ns.empty())) continue;
    const std::string plain = wikitext_to_plain(page.text);
    std::size_t n = 0;
    std::size_t pos = 0;
    while (pos < plain.size()) {
      auto end = plain.find("\n\n", pos);
      if (end == std::string::npos) end = plain.size();
      const std::string paragraph = squeeze_spaces(plain.substr(pos, end - pos));
      pos = end + 2;
      // Headings and fragments are too short to be passages of their own.
      if (std::count(paragraph.begin(), paragraph.end(), ' ') < 8) continue;
      docs.push_back({page.id + "-" + std::to_string(++n), page.title, paragraph, lang});
    }
  }
  return docs;
}

const std::vector<std::string>& known_collections() {
  static const std::vector<std::string> names = {"cranfield", "cisi",      "cacm",    "npl",
                                                 "parsinlu",  "persianqa", "wiki-en", "wiki-fa"};
  return names;
}

Collection read_collection(const std::string& name, const fs::path& data_dir) {
  if (name == "cranfield") return read_cranfield(data_dir / "cranfield");
  if (name == "cisi") return read_cisi(data_dir / "cisi");
  if (name == "cacm") return read_cacm(data_dir / "cacm");
  if (name == "npl") return read_npl(data_dir / "npl-vaswani");
  if (name == "parsinlu")
    return read_parsinlu(data_dir / "persian-qa" / "parsinlu-reading-comprehension");
  if (name == "persianqa")
    return read_persianqa(data_dir / "persian-qa" / "persianqa" / "pqa_test.json");
  if (name == "wiki-en" || name == "wiki-fa") {
    Collection c{name, {}, {}, {}};
    const std::string lang = name == "wiki-en" ? "en" : "fa";
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(data_dir / name))
      if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      const auto s = f.string();
      if (s.find(".xml") == std::string::npos && s.find(".bz2") == std::string::npos) continue;
      for (auto& d : read_mediawiki_paragraphs(f, lang)) {
        d.id = f.stem().stem().string().substr(0, 12) + ":" + d.id;  // unique across files
        c.documents.push_back(std::move(d));
      }
    }
    return c;
  }
  throw std::runtime_error("unknown collection '" + name + "'");
}

}  // namespace kavosh::bench::harness
