#include "bench_text.hpp"

#include <bzlib.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

namespace kavosh::bench {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string read_bzip2(const std::filesystem::path& path) {
  const std::string compressed = read_file(path);
  bz_stream stream{};
  if (BZ2_bzDecompressInit(&stream, 0, 0) != BZ_OK) throw std::runtime_error("bzip2 init failed");
  std::string out;
  std::vector<char> buffer(1 << 20);
  stream.next_in = const_cast<char*>(compressed.data());
  stream.avail_in = static_cast<unsigned>(compressed.size());
  int status = BZ_OK;
  while (status != BZ_STREAM_END) {
    stream.next_out = buffer.data();
    stream.avail_out = static_cast<unsigned>(buffer.size());
    status = BZ2_bzDecompress(&stream);
    if (status != BZ_OK && status != BZ_STREAM_END) {
      BZ2_bzDecompressEnd(&stream);
      throw std::runtime_error("bzip2 error " + std::to_string(status) + " in " + path.string());
    }
    out.append(buffer.data(), buffer.size() - stream.avail_out);
    if (status == BZ_OK && stream.avail_in == 0 && stream.avail_out != 0) break;  // truncated input
  }
  BZ2_bzDecompressEnd(&stream);
  return out;
}

// Copying rather than std::string::replace: GCC 12 reports a false -Wrestrict on the latter.
void replace_all(std::string& s, std::string_view from, std::string_view to) {
  std::string out;
  out.reserve(s.size());
  std::size_t start = 0;
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, start)) {
    out.append(s, start, at - start);
    out.append(to);
    start = at + from.size();
  }
  out.append(s, start, std::string::npos);
  s.swap(out);
}

// Paragraphs (blank-line separated) of every <text ...>...</text> element, entities decoded.
void add_wiki_paragraphs(const std::string& xml, std::vector<std::string>& passages) {
  for (std::size_t at = xml.find("<text"); at != std::string::npos; at = xml.find("<text", at)) {
    const std::size_t body = xml.find('>', at);
    const std::size_t close = xml.find("</text>", body);
    if (body == std::string::npos || close == std::string::npos) break;
    std::string text = xml.substr(body + 1, close - body - 1);
    replace_all(text, "&lt;", "<");
    replace_all(text, "&gt;", ">");
    replace_all(text, "&quot;", "\"");
    replace_all(text, "&amp;", "&");
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find("\n\n", start);
      if (end == std::string::npos) end = text.size();
      if (end - start > 40) passages.push_back(text.substr(start, end - start));
      start = end + 2;
    }
    at = close;
  }
}

}  // namespace

std::size_t TextSample::bytes() const {
  std::size_t total = 0;
  for (const std::string& p : passages) total += p.size();
  return total;
}

TextSample english_wikipedia(const std::filesystem::path& data_dir) {
  TextSample sample{"english-wikipedia", "en", {}};
  for (const char* file : {"enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2",
                           "dbpedia-minidump-en-wiki.xml.bz2"}) {
    add_wiki_paragraphs(read_bzip2(data_dir / "wiki-en" / file), sample.passages);
  }
  return sample;
}

TextSample english_cranfield(const std::filesystem::path& data_dir) {
  TextSample sample{"english-cranfield", "en", {}};
  const std::string all = read_file(data_dir / "cranfield" / "cran.all.1400");
  // Records start with ".I n"; the abstract follows ".W".
  for (std::size_t at = all.find(".W\n"); at != std::string::npos; at = all.find(".W\n", at)) {
    const std::size_t next = all.find("\n.I ", at);
    const std::size_t end = next == std::string::npos ? all.size() : next;
    sample.passages.push_back(all.substr(at + 3, end - at - 3));
    at = end;
  }
  return sample;
}

TextSample persian_passages(const std::filesystem::path& data_dir) {
  TextSample sample{"persian-passages", "fa", {}};
  std::set<std::string> seen;
  const std::filesystem::path parsinlu = data_dir / "persian-qa" / "parsinlu-reading-comprehension";
  for (const char* file : {"train.jsonl", "dev.jsonl", "eval.jsonl"}) {
    std::ifstream in(parsinlu / file);
    if (!in) throw std::runtime_error("cannot read " + (parsinlu / file).string());
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      replace_all(line, ": NaN", ": null");  // one eval.jsonl record has a Python NaN url
      const auto record = nlohmann::json::parse(line);
      const std::string passage = record.value("passage", "");
      if (!passage.empty() && seen.insert(passage).second) sample.passages.push_back(passage);
    }
  }
  const auto squad =
      nlohmann::json::parse(read_file(data_dir / "persian-qa" / "persianqa" / "pqa_test.json"));
  for (const auto& article : squad.at("data")) {
    for (const auto& paragraph : article.at("paragraphs")) {
      const std::string context = paragraph.value("context", "");
      if (!context.empty() && seen.insert(context).second) sample.passages.push_back(context);
    }
  }
  return sample;
}

}  // namespace kavosh::bench
