// Collection readers: documents through the indexer's readers (SMART, TREC, MediaWiki), TREC
// topics through the searcher's topic reader; SMART queries (.I/.W) and judgments, which
// neither library reads, parsed here, as are the Persian question -> paragraph sets (see
// bench/README.md for why). See collections.hpp for the contract and bench/README.md for the
// grading decisions.
#include "collections.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "kavosh/index/readers.hpp"
#include "kavosh/search/output.hpp"
#include "kavosh/text/ascii.hpp"

namespace kavosh::bench::harness {
namespace fs = std::filesystem;

namespace {

std::string trim(std::string_view s) { return std::string(text::trim_ascii_whitespace(s)); }

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

// One SMART query record: ".I <id>" followed by ".X" sections (".W", ...), each a text block.
// Only query files are read this way; documents go through the indexer's SMART reader.
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
    if (line.size() >= 2 && line[0] == '.' && text::is_ascii_upper(line[1]) &&
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
  return it == r.sections.end() ? std::string() : text::collapse_whitespace_to_one_line(it->second);
}

std::vector<std::string> fields_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> fields;
  std::string f;
  while (in >> f) fields.push_back(f);
  return fields;
}

// Documents are never parsed here: the indexer's reader turns the file into Articles, so every
// engine is fed exactly the text kavosh indexes. Records the reader skips (empty text) are
// absent; its warnings are kept for the caller to report.
class ArticleCollector : public index::ReadListener {
 public:
  void article(index::Article&& article) override {
    // A later article with the same id replaces the earlier one, as an update does in the index.
    const auto [it, inserted] = position_.try_emplace(article.id, articles.size());
    if (inserted) {
      articles.push_back(std::move(article));
    } else {
      articles[it->second] = std::move(article);
    }
  }
  void alias_group(std::vector<std::string>&&) override {}
  void warning(index::InputWarning&& warning) override { warnings.push_back(warning.to_string()); }

  std::vector<index::Article> articles;
  std::vector<std::string> warnings;

 private:
  std::unordered_map<std::string, std::size_t> position_;
};

void read_articles(const fs::path& file, index::Format format, ArticleCollector& collector) {
  index::read_file(file, format, file.filename().string(), file.string(), collector);
}

// Test collections: one document per article, its passages' text joined (a long record is
// split by the reader into several passages; the judgments are about the whole record).
std::vector<CorpusDocument> article_documents(const fs::path& file, index::Format format,
                                              const std::string& default_lang,
                                              std::vector<std::string>& warnings) {
  ArticleCollector collector;
  read_articles(file, format, collector);
  std::vector<CorpusDocument> docs;
  for (auto& article : collector.articles) {
    std::string text;
    for (const auto& passage : article.passages) {
      if (passage.text.empty()) continue;
      if (!text.empty()) text.push_back(' ');
      text += passage.text;
    }
    docs.push_back({std::move(article.id), std::move(article.title), std::move(text),
                    article.language.empty() ? default_lang : article.language});
  }
  warnings.insert(warnings.end(), collector.warnings.begin(), collector.warnings.end());
  return docs;
}

// Wikipedia: one document per passage (the unit kavosh retrieves), id "<article id>#<n>" with
// n counting the article's passages from 1 (passages without text keep their number).
std::vector<CorpusDocument> passage_documents(std::vector<index::Article>& articles,
                                              const std::string& default_lang) {
  std::vector<CorpusDocument> docs;
  for (auto& article : articles) {
    const std::string lang = article.language.empty() ? default_lang : article.language;
    std::size_t n = 0;
    for (auto& passage : article.passages) {
      ++n;
      if (passage.text.empty()) continue;
      std::string id = article.id;
      id += '#';
      id += std::to_string(n);
      docs.push_back({std::move(id), article.title, std::move(passage.text), lang});
    }
  }
  return docs;
}

std::vector<CollectionQuery> smart_queries(const fs::path& file, bool renumber_in_file_order) {
  std::vector<CollectionQuery> queries;
  for (const auto& r : read_smart(file)) {
    const std::string id = renumber_in_file_order ? std::to_string(queries.size() + 1) : r.id;
    if (r.id == "0") continue;  // CACM's ".I 0" sentinel
    queries.push_back({id, section_text(r, 'W')});
  }
  return queries;
}

Collection read_cranfield(const fs::path& dir) {
  Collection c{"cranfield", {}, {}, {}, {}};
  // The reader skips records 471 and 995 (no text): judgments naming them match nothing.
  c.documents = article_documents(dir / "cran.all.1400", index::Format::Smart, "en", c.warnings);
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
  Collection c{"cisi", {}, smart_queries(dir / "CISI.QRY", false), {}, {}};
  c.documents = article_documents(dir / "CISI.ALL", index::Format::Smart, "en", c.warnings);
  for (const auto& line : read_lines(dir / "CISI.REL")) {
    const auto f = fields_of(line);
    if (f.size() >= 2) c.judgments.push_back({f[0], f[1], 1});
  }
  return c;
}

Collection read_cacm(const fs::path& dir) {
  Collection c{"cacm", {}, smart_queries(dir / "query.text", false), {}, {}};
  c.documents = article_documents(dir / "cacm.all", index::Format::Smart, "en", c.warnings);
  for (const auto& line : read_lines(dir / "qrels.text")) {
    const auto f = fields_of(line);
    // Both ids are zero-padded ("01 0046"); cacm.all's and query.text's .I numbers are not.
    if (f.size() >= 2)
      c.judgments.push_back({strip_leading_zeros(f[0]), strip_leading_zeros(f[1]), 1});
  }
  return c;
}

Collection read_npl(const fs::path& dir) {
  Collection c{"npl", {}, {}, {}, {}};
  c.documents =
      article_documents(dir / "corpus" / "doc-text.trec", index::Format::Trec, "en", c.warnings);
  // TREC topics (<top><num>..</num><title>..</title></top>) through the searcher's reader, the
  // one kavosh-search --queries uses.
  for (auto& topic : search::load_topics(dir / "query-text.trec")) {
    // NPL titles are upper case; lower-case them so every engine sees plain words.
    c.queries.push_back({std::move(topic.id),
                         text::collapse_whitespace_to_one_line(text::ascii_lower(topic.query))});
  }
  for (const auto& line : read_lines(dir / "qrels")) {
    const auto f = fields_of(line);  // TREC: qid 0 docid rel
    if (f.size() >= 4 && std::stoi(f[3]) > 0) c.judgments.push_back({f[0], f[2], 1});
  }
  return c;
}

Collection read_parsinlu(const fs::path& dir) {
  Collection c{"parsinlu", {}, {}, {}, {}};
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
      if (inserted)
        c.documents.push_back(
            {it->second, "", text::collapse_whitespace_to_one_line(passage), "fa"});
      const std::string qid = numbered("q", c.queries.size() + 1);
      c.queries.push_back(
          {qid, text::collapse_whitespace_to_one_line(j.at("question").get<std::string>())});
      c.judgments.push_back({qid, it->second, 1});
    }
  }
  return c;
}

Collection read_persianqa(const fs::path& file) {
  Collection c{"persianqa", {}, {}, {}, {}};
  const auto root = nlohmann::json::parse(read_file_bytes(file));
  for (const auto& article : root.at("data")) {
    const std::string title = article.value("title", "");
    for (const auto& paragraph : article.at("paragraphs")) {
      const std::string doc_id = numbered("pq", c.documents.size() + 1);
      c.documents.push_back(
          {doc_id, title,
           text::collapse_whitespace_to_one_line(paragraph.at("context").get<std::string>()),
           "fa"});
      for (const auto& qa : paragraph.at("qas")) {
        if (qa.value("is_impossible", false)) continue;  // SQuAD 2.0: answerable only
        const std::string qid = numbered("q", qa.at("id").get<std::size_t>());
        c.queries.push_back(
            {qid, text::collapse_whitespace_to_one_line(qa.at("question").get<std::string>())});
        c.judgments.push_back({qid, doc_id, 1});
      }
    }
  }
  return c;
}

}  // namespace

std::string read_file_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot open");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
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
    Collection c{name, {}, {}, {}, {}};
    // One collector for all files: a page present in two samples is one article, the later
    // file's version winning, as when the indexer reads the folder.
    ArticleCollector collector;
    const std::string lang = name == "wiki-en" ? "en" : "fa";
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(data_dir / name))
      if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      const auto s = f.string();
      if (s.find(".xml") == std::string::npos && s.find(".bz2") == std::string::npos) continue;
      read_articles(f, index::Format::MediaWiki, collector);
    }
    c.documents = passage_documents(collector.articles, lang);
    c.warnings = std::move(collector.warnings);
    return c;
  }
  throw std::runtime_error("unknown collection '" + name + "'");
}

}  // namespace kavosh::bench::harness
