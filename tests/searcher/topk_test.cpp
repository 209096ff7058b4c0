// The top k at --limit k is the first k of the whole ranking (issue 24), and the Xapian
// behaviour that made it not so: Xapian 1.4.22's matcher, once its MSet is full, skips
// documents that belong in it. The XapianBehaviour test builds a plain Xapian database and
// asserts the current (wrong) Xapian result, so it fails, and the workaround in searcher.cpp
// (Impl::exact_top_k) can go, once Debian's Xapian ranks exactly.
#include <gtest/gtest.h>
#include <xapian.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "kavosh/search/searcher.hpp"
#include "kavosh/text/utf8.hpp"
#include "test_support.hpp"
#include "weighting.hpp"

namespace fs = std::filesystem;
namespace ki = kavosh::index;
namespace ks = kavosh::search;

namespace {

using kavosh::search::testing::kDataDir;
using kavosh::search::testing::kSourceDir;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("kavosh-topk-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

// The postings of ParsiNLU question 52's four query terms in a Kavosh index (a = خفاش,
// s1/s2 = تاریکی/تاریک under OP_SYNONYM, c = میبیند), other documents padded to 190 words.
TEST(XapianBehaviour, BM25TopOneMissesTheBestDocumentBesideASynonym) {
  struct Posting {
    Xapian::docid id;
    Xapian::termcount length;
    std::map<std::string, Xapian::termcount> wdf;
  };
  const Posting postings[] = {
      {16, 298, {{"s2", 4}}},
      {55, 338, {{"a", 11}}},
      {56, 284, {{"a", 8}}},
      {64, 320, {{"s2", 1}}},
      {110, 108, {{"a", 3}}},
      {175, 104, {{"c", 1}}},
      {194, 148, {{"a", 4}}},
      {255, 148, {{"s1", 1}}},
      {279, 130, {{"a", 2}}},
      {362, 360, {{"c", 1}}},
      {416, 282, {{"a", 2}}},
      {680, 212, {{"c", 1}}},
      {752, 224, {{"s2", 1}, {"a", 6}}},
      {780, 194, {{"s1", 1}}},
      {883, 118, {{"a", 1}}},
      {896, 244, {{"c", 1}}},
      {939, 192, {{"c", 1}}},
      {991, 326, {{"c", 1}}},
      {1013, 106, {{"a", 2}}},
      {1052, 242, {{"s2", 1}}},
      {1065, 298, {{"c", 2}}},
      {1073, 386, {{"a", 6}}},
      {1114, 314, {{"a", 1}}},
      {1157, 184, {{"a", 3}}},
      {1215, 206, {{"s2", 1}}},
      {1256, 214, {{"s2", 1}, {"s1", 2}, {"a", 4}}},
  };
  const fs::path path = fresh_dir("xapian");
  {
    Xapian::WritableDatabase db(path.string(), Xapian::DB_CREATE_OR_OVERWRITE);
    for (Xapian::docid id = 1; id <= 1349; ++id) {
      Xapian::Document doc;
      doc.add_term("x", 190);
      db.replace_document(id, doc);
    }
    for (const Posting& p : postings) {
      Xapian::Document doc;
      Xapian::termcount words = 0;
      for (const auto& [term, wdf] : p.wdf) {
        doc.add_term(term, wdf);
        words += wdf;
      }
      doc.add_term("x", p.length - words);
      db.replace_document(p.id, doc);
    }
    db.commit();
  }
  Xapian::Database db(path.string());
  // Not a bound below the truth: each term's wdf bound covers its largest wdf.
  for (const char* term : {"a", "s1", "s2", "c"}) {
    Xapian::termcount largest = 0;
    for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it)
      largest = std::max(largest, it.get_wdf());
    EXPECT_GE(db.get_wdf_upper_bound(term), largest) << term;
  }
  const std::vector<Xapian::Query> parts{
      Xapian::Query("a"),
      Xapian::Query(Xapian::Query::OP_SYNONYM, Xapian::Query("s1"), Xapian::Query("s2")),
      Xapian::Query("c")};
  Xapian::Enquire enquire(db);
  enquire.set_query(Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end()));
  enquire.set_weighting_scheme(*ks::bm25_weight(1.2, 0));  // b = 0: bounds are wdf only
  const Xapian::MSet whole = enquire.get_mset(0, 1000);
  ASSERT_GE(whole.size(), 2u);
  EXPECT_EQ(*whole.begin(), 1256u);  // a 4, s1 + s2 3: 15.55
  // Xapian 1.4.22: at limit 1, once document 752 (13.37) fills the MSet, 1256 is never
  // scored, though every bound involved is above its real maximum. Failing here means
  // Xapian got this right: exact_top_k in searcher/src/match.cpp can go.
  EXPECT_EQ(*enquire.get_mset(0, 1).begin(), 752u) << "Xapian's top 1 is exact now";
  // Kavosh's path: checking every document keeps the matcher from skipping.
  EXPECT_EQ(*enquire.get_mset(0, 1, db.get_doccount()).begin(), 1256u);
  fs::remove_all(path);
}

// Writes ParsiNLU's distinct passages as JSONL (as bench/'s export does) for the indexer, and
// collects its questions.
bool write_parsinlu(const fs::path& out, std::vector<std::string>& questions) {
  const fs::path dir = kDataDir / "persian-qa" / "parsinlu-reading-comprehension";
  std::ofstream jsonl(out);
  std::set<std::string> seen;
  for (const char* name : {"train.jsonl", "dev.jsonl", "eval.jsonl"}) {
    std::ifstream in(dir / name);
    if (!in) return false;
    std::string line;
    while (std::getline(in, line)) {
      for (auto at = line.find(": NaN"); at != std::string::npos; at = line.find(": NaN"))
        line.replace(at, 5, ": null");  // a bare NaN url in eval.jsonl
      const auto record = nlohmann::json::parse(line, nullptr, false);
      if (record.is_discarded() || !record.contains("passage")) continue;
      if (record.contains("question")) questions.push_back(record["question"].get<std::string>());
      const std::string passage = record["passage"].get<std::string>();
      if (!seen.insert(passage).second) continue;
      jsonl << nlohmann::json{{"id", "pn" + std::to_string(seen.size())},
                              {"title", ""},
                              {"text", passage},
                              {"lang", "fa"}}
                   .dump()
            << "\n";
    }
  }
  return true;
}

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string w; in >> w;) {
    while (!w.empty() && std::string(".,;:!?()\"'«»؟،").find(w.back()) != std::string::npos)
      w.pop_back();
    if (w.size() >= 3 && w.find_first_of("\"()*:+-=") == std::string::npos) words.push_back(w);
  }
  return words;
}

// A query of one of several classes made of words that occur together in one passage.
std::string random_query(std::mt19937& rng, const std::vector<std::string>& texts) {
  std::vector<std::string> words;
  while (words.size() < 4) words = words_of(texts[rng() % texts.size()]);
  const std::size_t at = rng() % (words.size() - 3);
  const std::string& a = words[at];
  const std::string& b = words[at + 1];
  const std::string& c = words[(at + 2 + rng() % (words.size() - at - 2))];
  std::string prefix;  // the first three characters, UTF-8 aware
  for (std::size_t i = 0, chars = 0; i < a.size() && chars < 3; ++chars) {
    const std::size_t n = kavosh::text::decode_utf8(a, i).length;
    prefix += a.substr(i, n);
    i += n;
  }
  switch (rng() % 8) {
    case 0:
      return a;
    case 1:
      return a + " " + c;
    case 2:
      return a + " " + b + " " + c;
    case 3:
      return "\"" + a + " " + b + "\"";
    case 4:
      return a + " NEAR/5 " + c;
    case 5:
      return prefix + "*";
    case 6:
      return "+" + a + " " + b + " -" + c;
    default:
      return "title:" + a + " " + b;
  }
}

// Each query's top k for k = 1, 3, 10, 50 against the first k of its top 1000; the questions
// (if any) are asked as they are, then `random` queries made by random_query.
void expect_exact_top_k(const fs::path& db, const std::vector<std::string>& texts,
                        const std::vector<std::string>& questions, int random) {
  ks::Searcher searcher(db);
  std::mt19937 rng(24);
  for (std::size_t q = 0; q < questions.size() + random; ++q) {
    ks::SearchRequest request;
    request.query = q < questions.size() ? questions[q] : random_query(rng, texts);
    request.collapse = rng() % 2 == 0;
    request.snippets = false;
    request.hit_details = false;
    request.malformed_as_plain_words = true;
    request.limit = 1000;
    const auto whole = searcher.search(request).hits;
    for (unsigned k : {1u, 3u, 10u, 50u}) {
      request.limit = k;
      const auto top = searcher.search(request).hits;
      ASSERT_EQ(top.size(), std::min<std::size_t>(k, whole.size()))
          << "query '" << request.query << "' collapse " << request.collapse << " k " << k;
      for (std::size_t i = 0; i < top.size(); ++i) {
        EXPECT_EQ(top[i].id, whole[i].id) << "query '" << request.query << "' collapse "
                                          << request.collapse << " k " << k << " rank " << i + 1;
        EXPECT_EQ(top[i].score, whole[i].score) << "query '" << request.query << "' k " << k;
      }
    }
  }
}

// ParsiNLU's passages (Persian) with its own questions, and random queries on them and on the
// seed article (English, Persian, romanized): words, phrases, NEAR, wildcards, title: fields
// and +/- lists, collapse on and off.
TEST(TopK, LimitKIsTheFirstKOfTheWholeRanking) {
  const fs::path corpus = fresh_dir("parsinlu.jsonl");
  std::vector<std::string> questions;
  if (!write_parsinlu(corpus, questions)) GTEST_SKIP() << "no ParsiNLU data under " << kDataDir;
  const fs::path db = fresh_dir("parsinlu");
  ks::testing::index_file(db, corpus, ki::Format::Jsonl, "parsinlu");
  std::vector<std::string> texts;
  {
    std::ifstream in(corpus);
    for (std::string line; std::getline(in, line);)
      texts.push_back(nlohmann::json::parse(line)["text"].get<std::string>());
  }
  // Every 3rd question: 5 of the 1295 lost a passage at some k before the workaround.
  std::vector<std::string> asked;
  for (std::size_t i = 0; i < questions.size(); i += 3) asked.push_back(questions[i]);
  expect_exact_top_k(db, texts, asked, 150);

  const fs::path seed_db = fresh_dir("seed");
  const fs::path seed_file = kSourceDir / "corpus" / "000_98f3cf22a18d5691.txt";
  ks::testing::index_file(seed_db, seed_file, ki::Format::Auto, "seed");
  std::ifstream in(seed_file);
  std::vector<std::string> paragraphs;
  for (std::string line; std::getline(in, line);)
    if (line.size() > 40) paragraphs.push_back(line);
  expect_exact_top_k(seed_db, paragraphs, {}, 100);
  fs::remove_all(db);
  fs::remove_all(seed_db);
  fs::remove(corpus);
}

}  // namespace
