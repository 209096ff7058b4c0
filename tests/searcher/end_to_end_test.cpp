// End to end: indexes built with the indexer's public API (readers + IndexWriter) from the
// seed corpus and from Cranfield, searched through kavosh::search::Searcher.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numeric>
#include <set>
#include <sstream>

#include "kavosh/format/term_filter.hpp"
#include "kavosh/index/readers.hpp"
#include "kavosh/index/writer.hpp"
#include "kavosh/search/evaluation.hpp"
#include "kavosh/search/query.hpp"
#include "kavosh/search/searcher.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
namespace ki = kavosh::index;
namespace ks = kavosh::search;

namespace {

using kavosh::search::testing::kDataDir;
using kavosh::search::testing::kSeedArticle;
using kavosh::search::testing::kSourceDir;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() /
                       ("kavosh-searcher-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

using kavosh::search::testing::index_file;

std::vector<std::string> marked(const ks::Hit& hit) {
  std::vector<std::string> out;
  for (const auto& h : hit.highlights) out.push_back(hit.snippet.substr(h.begin, h.end - h.begin));
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

class SeedSearch : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new fs::path(fresh_dir("seed"));
    index_file(*db_, kSourceDir / "corpus" / kSeedArticle, ki::Format::Auto, kSeedArticle);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*db_);
    delete db_;
  }
  static ks::SearchResults search(const std::string& query, ks::SearchRequest request = {}) {
    ks::Searcher searcher(*db_);
    request.query = query;
    return searcher.search(request);
  }
  static fs::path* db_;
};
fs::path* SeedSearch::db_ = nullptr;

struct SeedCase {
  const char* query;
  std::vector<std::string> must_mark;  // in the top hit's snippet
};

TEST_F(SeedSearch, FindsTheSeedArticleAndMarksTheMatch) {
  const SeedCase cases[] = {
      {"Rajavi", {"Rajavi"}},
      {"مجاهدين", {"مجاهدين"}},
      {"مجاهدین", {"مجاهدين"}},
      {"mojahedin", {"mojâhedīn", "Mujahedin"}},
      {"Mujahedin-e-Khalq", {"Mujahedin-e-Khalq"}},
      {"mujahedin e khalq", {"Mujahedin", "Khalq"}},
      {"\"people's mujahedin\"", {"People's Mujahedin"}},
      {"Badizadegan", {"Badi'zadegan"}},
      {"1965", {"1965"}},
      {"khomeini AND ayatollah", {"Ayatollah", "Khomeini"}},
      {"rajav*", {"Rajavi"}},
      {"=rajavi", {"Rajavi"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    auto results = search(c.query);
    ASSERT_FALSE(results.hits.empty());
    const auto& top = results.hits.front();
    EXPECT_EQ(top.article, kSeedArticle);
    EXPECT_EQ(top.title, "People's Mujahedin of Iran");
    EXPECT_EQ(top.rank, 1u);
    EXPECT_GT(top.score, 0);
    EXPECT_EQ(top.id, top.article + "#" + std::to_string(top.passage));
    const auto marks = marked(top);
    for (const auto& m : c.must_mark) EXPECT_TRUE(contains(marks, m)) << m << " in " << top.snippet;
  }
}

// The term filter (kavosh/format/term_filter.hpp) only saves lookups: with its file moved
// away, every query gives the same hits, scores and snippets.
TEST_F(SeedSearch, TheTermFilterChangesNoResult) {
  const fs::path filter = ki::term_filter_path(*db_);
  ASSERT_TRUE(fs::exists(filter));
  const std::vector<std::string> queries = {
      "mojahedin khalq", "mujahedin", "Rajavi organization", "title:people", "leader:rajavi",
      "مجاهدين خلق", "سازمان مجاهدین", "می روم", "Khomeini revolution", "ideology",
      // Nothing held: answered without a match when the filter rules every term out.
      "qzxv wqyk", "mujahedinnn", "qzxv -iran", "title:qzxv", "قزخو", "qzx*", "mujah*"};
  const auto outcome = [](const ks::SearchResults& results) {
    std::ostringstream out;
    out << results.estimated_matches << " [" << results.did_you_mean << "]\n";
    for (const auto& hit : results.hits)
      out << hit.id << " " << hit.score << " " << hit.snippet << "\n";
    return out.str();
  };
  std::vector<std::string> with_filter;
  for (const auto& query : queries) with_filter.push_back(outcome(search(query)));
  const fs::path kept = filter.string() + ".kept";
  fs::rename(filter, kept);
  for (std::size_t i = 0; i < queries.size(); ++i)
    EXPECT_EQ(outcome(search(queries[i])), with_filter[i]) << queries[i];
  fs::rename(kept, filter);
  EXPECT_NE(with_filter[0].find('\n'), with_filter[0].size() - 1);  // hits
  EXPECT_EQ(with_filter[10], "0 []\n");
  EXPECT_NE(with_filter[11].find("mujahedin"), std::string::npos);    // did you mean
  EXPECT_NE(with_filter[16].find('\n'), with_filter[16].size() - 1);  // mujah*: hits
}

TEST_F(SeedSearch, AliasesFindOtherNamesUnlessTurnedOff) {
  ks::SearchRequest with_passages;
  with_passages.collapse = false;
  with_passages.limit = 20;
  auto expanded = search("PMOI", with_passages);
  with_passages.aliases = false;
  auto plain = search("PMOI", with_passages);
  ASSERT_FALSE(plain.hits.empty());
  EXPECT_GT(expanded.hits.size(), plain.hits.size());  // MEK/MKO passages join in
  bool marks_other_name = false;
  for (const auto& hit : expanded.hits)
    for (const auto& m : marked(hit)) marks_other_name |= m == "MEK" || m == "MKO";
  EXPECT_TRUE(marks_other_name);
}

TEST_F(SeedSearch, CollapseKeepsOneHitPerArticle) {
  auto collapsed = search("Iran");
  ks::SearchRequest request;
  request.collapse = false;
  auto passages = search("Iran", request);
  EXPECT_EQ(collapsed.hits.size(), 1u);
  EXPECT_GT(passages.hits.size(), 1u);
  EXPECT_EQ(collapsed.hits[0].id, passages.hits[0].id);
  for (std::size_t i = 1; i < passages.hits.size(); ++i)
    EXPECT_GE(passages.hits[i - 1].score, passages.hits[i].score);
}

// Without hit details (TREC runs, --qrels) the ids come from the collapse key and the id
// values instead of the stored record: the same ids either way.
TEST_F(SeedSearch, HitIdsAreTheSameWithoutDetails) {
  for (const bool collapse : {true, false}) {
    ks::SearchRequest detailed;
    detailed.collapse = collapse;
    detailed.limit = 20;
    ks::SearchRequest bare = detailed;
    bare.hit_details = false;
    bare.snippets = false;
    const auto with_details = search("Rajavi Iran", detailed);
    const auto without = search("Rajavi Iran", bare);
    ASSERT_GE(with_details.hits.size(), collapse ? 1u : 2u);  // the seed is one article
    ASSERT_EQ(without.hits.size(), with_details.hits.size());
    for (std::size_t i = 0; i < without.hits.size(); ++i) {
      EXPECT_EQ(without.hits[i].id, with_details.hits[i].id);
      EXPECT_EQ(without.hits[i].article, with_details.hits[i].article);
      EXPECT_EQ(without.hits[i].passage, with_details.hits[i].passage);
    }
  }
}

TEST_F(SeedSearch, OffsetAndLimitPage) {
  ks::SearchRequest request;
  request.collapse = false;
  request.limit = 2;
  auto first = search("Iran", request);
  request.offset = 2;
  auto second = search("Iran", request);
  ASSERT_EQ(first.hits.size(), 2u);
  ASSERT_FALSE(second.hits.empty());
  EXPECT_EQ(second.hits[0].rank, 3u);
  EXPECT_NE(second.hits[0].id, first.hits[0].id);
  EXPECT_NE(second.hits[0].id, first.hits[1].id);
  EXPECT_GE(first.estimated_matches, 3u);
}

TEST_F(SeedSearch, EveryRankingModelFindsTheSeed) {
  for (const std::string_view model : ks::kRankingModels) {
    SCOPED_TRACE(model);
    ks::SearchRequest request;
    request.model = model;
    auto results = search("Rajavi leader", request);
    ASSERT_FALSE(results.hits.empty());
    EXPECT_EQ(results.hits[0].article, kSeedArticle);
  }
  ks::SearchRequest bad;
  bad.model = "vector";
  EXPECT_THROW(search("Rajavi", bad), std::invalid_argument);
}

// An API caller's unknown language is its own mistake (std::invalid_argument), not a
// QueryError in the user's query text.
TEST_F(SeedSearch, AnUnknownLanguageFilterIsAnInvalidArgument) {
  ks::SearchRequest request;
  request.language = "xx";
  try {
    search("Rajavi", request);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "unknown language 'xx' (use en, fa, ar or other)");
  }
}

TEST_F(SeedSearch, ExplainedContributionsSumToTheScore) {
  ks::SearchRequest request;
  request.explain = true;
  request.collapse = false;
  auto results = search("Rajavi Khomeini", request);
  ASSERT_FALSE(results.hits.empty());
  for (const auto& hit : results.hits) {
    ASSERT_FALSE(hit.explanation.empty());
    double sum = 0;
    for (const auto& c : hit.explanation) sum += c.weight;
    EXPECT_NEAR(sum, hit.score, 1e-6 * std::max(1.0, hit.score)) << hit.id;
  }
}

// The rerank adds the windows' weight to the first passages and sorts them again; a page is
// cut from the reranked list, and --explain names the windows' share.
TEST_F(SeedSearch, ProximityRerankReordersAndPagesTheFirstPassages) {
  ks::SearchRequest request;
  request.collapse = false;
  request.limit = 20;
  const auto plain = search("Iran Iraq", request);
  request.proximity_rerank_depth = 20;
  const auto reranked = search("Iran Iraq", request);
  ASSERT_GE(plain.hits.size(), 8u);
  ASSERT_EQ(reranked.hits.size(), plain.hits.size());
  std::map<std::string, double> plain_score;
  for (const auto& hit : plain.hits) plain_score[hit.id] = hit.score;
  std::size_t raised = 0;
  for (std::size_t i = 0; i < reranked.hits.size(); ++i) {
    const auto& hit = reranked.hits[i];
    ASSERT_EQ(plain_score.count(hit.id), 1u) << hit.id;  // the same 20 passages
    EXPECT_GE(hit.score, plain_score[hit.id] - 1e-9) << hit.id;
    if (hit.score > plain_score[hit.id] + 1e-9) ++raised;
    EXPECT_EQ(hit.rank, i + 1);
    if (i > 0) {
      EXPECT_LE(hit.score, reranked.hits[i - 1].score);
    }
  }
  EXPECT_GT(raised, 0u);  // the seed names the two countries side by side

  ks::SearchRequest page = request;
  page.offset = 3;
  page.limit = 4;
  const auto second = search("Iran Iraq", page);
  ASSERT_EQ(second.hits.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(second.hits[i].id, reranked.hits[3 + i].id);
    EXPECT_EQ(second.hits[i].rank, 4 + i);
  }

  page.offset = 0;
  page.explain = true;
  for (const auto& hit : search("Iran Iraq", page).hits) {
    double sum = 0;
    for (const auto& c : hit.explanation) sum += c.weight;
    EXPECT_NEAR(sum, hit.score, 1e-6 * std::max(1.0, hit.score)) << hit.id;
  }

  request.proximity_weight = 0;  // no weight, no rerank
  const auto weightless = search("Iran Iraq", request);
  for (std::size_t i = 0; i < plain.hits.size(); ++i) {
    EXPECT_EQ(weightless.hits[i].id, plain.hits[i].id);
    EXPECT_EQ(weightless.hits[i].score, plain.hits[i].score);
  }
}

TEST_F(SeedSearch, PseudoRelevanceFeedbackAddsTerms) {
  ks::SearchRequest request;
  request.prf_documents = 2;
  request.collapse = false;
  request.describe_query = true;
  auto plain = search("Rajavi");
  auto expanded = search("Rajavi", request);
  EXPECT_GE(expanded.estimated_matches, plain.estimated_matches);
  // The expansion is OR'd in at --prf-weight 0.5.
  EXPECT_NE(expanded.query_description.find(" OR 0.5 * (1 * Z"), std::string::npos)
      << expanded.query_description;
}

TEST_F(SeedSearch, FieldsAndFilters) {
  EXPECT_FALSE(search("title:mujahedin").hits.empty());
  EXPECT_FALSE(search("leader:rajavi").hits.empty());  // the infobox's "Leader" label
  EXPECT_TRUE(search("leader:khomeini").hits.empty());
  EXPECT_TRUE(search("title:khomeini").hits.empty());
  EXPECT_FALSE(search("lang:en rajavi").hits.empty());
  EXPECT_TRUE(search("lang:fa rajavi").hits.empty());
  ks::SearchRequest request;
  request.language = "fa";
  EXPECT_TRUE(search("rajavi", request).hits.empty());
  EXPECT_THROW(search("nosuchfield:x"), ks::QueryError);
}

// "-word" leaves out exactly the passages that hold the word: rajavi -khomeini finds the
// passages of rajavi that do not mention khomeini, and none of those that do.
TEST_F(SeedSearch, AnExcludedWordLeavesOutThePassagesThatHoldIt) {
  ks::SearchRequest request;
  request.collapse = false;
  request.limit = 1000;
  const auto passages = [&](const std::string& query) {
    std::set<std::string> ids;
    for (const auto& hit : search(query, request).hits) ids.insert(hit.id);
    return ids;
  };
  const std::set<std::string> rajavi = passages("rajavi");
  const std::set<std::string> khomeini = passages("khomeini");
  std::set<std::string> both, rajavi_only;
  std::set_intersection(rajavi.begin(), rajavi.end(), khomeini.begin(), khomeini.end(),
                        std::inserter(both, both.end()));
  std::set_difference(rajavi.begin(), rajavi.end(), khomeini.begin(), khomeini.end(),
                      std::inserter(rajavi_only, rajavi_only.end()));
  // The seed has passages of each kind, or the exclusion would have nothing to show.
  ASSERT_FALSE(both.empty());
  ASSERT_FALSE(rajavi_only.empty());
  const std::set<std::string> excluded = passages("rajavi -khomeini");
  EXPECT_EQ(excluded, rajavi_only);
  for (const auto& id : both) EXPECT_EQ(excluded.count(id), 0u) << id << " mentions khomeini";
}

TEST_F(SeedSearch, DidYouMeanOnAMisspelling) {
  auto results = search("Rajavu");
  EXPECT_TRUE(results.hits.empty());
  EXPECT_EQ(results.did_you_mean, "rajavi");
}

// "run" is only a stem of the seed ("running"): it found a passage and still offered "sun".
TEST_F(SeedSearch, NoDidYouMeanForAWordTheIndexHoldsAsAStem) {
  auto results = search("run");
  EXPECT_FALSE(results.hits.empty());
  EXPECT_EQ(results.did_you_mean, "");
  EXPECT_EQ(search("Rajavi Rajavu").did_you_mean, "Rajavi rajavi");  // one hit: few
}

// The seed writes مجاهدين (Arabic yeh); the dictionary holds its normalized form, keyed by letter.
TEST_F(SeedSearch, DidYouMeanOnAPersianMisspelling) {
  auto results = search("مجاهدبن");
  EXPECT_TRUE(results.hits.empty());
  EXPECT_EQ(results.did_you_mean, "مجاهدین");
}

TEST_F(SeedSearch, MalformedQueryIsAnErrorNotAnEmptyResult) {
  try {
    search("Rajavi \"leader");
    FAIL();
  } catch (const ks::QueryError& e) {
    EXPECT_EQ(std::string(e.what()), "query error at 8: unbalanced quote");
  }
  EXPECT_THROW(search("..."), ks::QueryError);
}

// Batch topics are prose ("(what is the MEK"): asked to, the searcher runs them as plain
// words and says why, so the topic is ranked like its words rather than lost.
TEST_F(SeedSearch, MalformedBatchTopicRunsAsPlainWordsWhenAsked) {
  ks::SearchRequest request;
  request.malformed_as_plain_words = true;
  const auto fallback = search("(Rajavi \"leader", request);
  EXPECT_EQ(fallback.parse_fallback, "query error at 9: unbalanced quote");
  const auto plain = search("Rajavi leader");
  ASSERT_FALSE(plain.hits.empty());
  ASSERT_EQ(fallback.hits.size(), plain.hits.size());
  EXPECT_EQ(fallback.hits[0].id, plain.hits[0].id);
  EXPECT_EQ(fallback.hits[0].score, plain.hits[0].score);
  EXPECT_TRUE(search("Rajavi", request).parse_fallback.empty());
}

// "Examples:" in a topic names no field of the index: in batch mode it is a word and the
// topic parses (no fallback); interactively it stays an unknown-field error.
TEST_F(SeedSearch, UnknownFieldOfABatchTopicIsAWord) {
  ks::SearchRequest request;
  request.malformed_as_plain_words = true;
  const auto topic = search("Examples: Rajavi leader", request);
  EXPECT_TRUE(topic.parse_fallback.empty()) << topic.parse_fallback;
  const auto plain = search("Examples Rajavi leader");
  ASSERT_FALSE(plain.hits.empty());
  ASSERT_EQ(topic.hits.size(), plain.hits.size());
  EXPECT_EQ(topic.hits[0].id, plain.hits[0].id);
  EXPECT_EQ(topic.hits[0].score, plain.hits[0].score);
  EXPECT_THROW(search("Examples: Rajavi leader"), ks::QueryError);
}

TEST(Searcher, MissingDatabaseNamesThePath) {
  const fs::path missing = fresh_dir("missing");
  try {
    ks::Searcher searcher(missing);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "database not found: " + missing.string());
  }
}

// Cranfield through the indexer's SMART reader, queried with default settings and evaluated
// with trec_eval definitions. Measured when the defaults were chosen: MAP 0.312, nDCG@10 0.378;
// plain Xapian (TermGenerator + QueryParser + BM25, same text) scores MAP 0.285 and Lucene 4.10
// about 0.31. The bound guards against regressions below plain Xapian's figure.
TEST(Cranfield, DefaultSettingsBeatPlainXapian) {
  const fs::path dir = kDataDir / "cranfield";
  if (!fs::exists(dir / "cran.all.1400")) GTEST_SKIP() << "no Cranfield data at " << dir;
  const fs::path db = fresh_dir("cranfield");
  index_file(db, dir / "cran.all.1400", ki::Format::Smart, "cran.all.1400");

  // cran.qry numbers queries 001..365 with gaps; cranqrel numbers them 1..225 in file order.
  std::ifstream queries(dir / "cran.qry");
  std::vector<std::string> texts;
  std::string line;
  bool in_text = false;
  while (std::getline(queries, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.starts_with(".I")) {
      texts.emplace_back();
      in_text = false;
    } else if (line.starts_with(".W")) {
      in_text = true;
    } else if (in_text) {
      texts.back() += line + " ";
    }
  }
  ASSERT_EQ(texts.size(), 225u);
  // Cleverdon's codes 1 (complete answer) .. 4 (minimal interest) -> grades 4 .. 1; -1 -> 0.
  std::ifstream judgments(dir / "cranqrel");
  std::stringstream qrels_text;
  std::string qid, docid;
  int code;
  while (judgments >> qid >> docid >> code)
    qrels_text << qid << " 0 " << docid << " " << (code >= 1 && code <= 4 ? 5 - code : 0) << "\n";
  const auto qrels = ks::eval::parse_qrels(qrels_text, "cranqrel");

  ks::Searcher searcher(db);
  ks::eval::Run run;
  ks::SearchRequest request;
  request.limit = 1000;
  request.snippets = false;
  request.spelling = false;
  request.hit_details = false;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    // Cranfield queries are prose; a stray operator-like word must not make a query fail.
    std::string text = texts[i];
    for (char& c : text)
      if (c == '"' || c == '(' || c == ')' || c == '*' || c == ':') c = ' ';
    request.query = text;
    auto results = searcher.search(request);
    auto& lines = run.queries[std::to_string(i + 1)];
    for (const auto& hit : results.hits) lines.push_back({hit.article, hit.score, hit.rank});
  }
  const auto evaluation = ks::eval::evaluate(run, qrels);
  std::cout << "Cranfield default: MAP " << evaluation.mean.map << " nDCG@10 "
            << evaluation.mean.ndcg_at_10 << " P@10 " << evaluation.mean.p_at_10 << "\n";
  EXPECT_EQ(evaluation.per_query.size(), 225u);
  EXPECT_GT(evaluation.mean.map, 0.29);
  EXPECT_GT(evaluation.mean.ndcg_at_10, 0.35);
  fs::remove_all(db);
}

}  // namespace

namespace {

// One article per passage, written through IndexWriter with the given analysis options.
void index_articles(const fs::path& db,
                    const std::vector<std::pair<std::string, std::string>>& texts,
                    const kavosh::analysis::AnalyzerOptions& analysis) {
  ki::WriterOptions options;
  options.rebuild = true;
  options.analyzer = analysis;
  ki::IndexWriter writer(db, options);
  for (const auto& [id, text] : texts) {
    ki::Article article;
    article.id = id;
    article.title = id;
    article.passages.resize(1);
    article.passages[0].text = text;
    writer.add(article);
  }
  writer.commit();
}

}  // namespace

// The Persian normalization ablation: an index built without normalization records it, and a
// Searcher on it analyzes queries the same way, so an Arabic-form spelling (ك U+0643, ي U+064A)
// meets itself. Forcing normalization on the query side loses it: the query becomes the
// Persian form (ک U+06A9, ی U+06CC), which that index never saw.
TEST(Searcher, QueriesFollowTheIndexNormalization) {
  const std::string arabic_form = "\xD9\x83\xD8\xAA\xD8\xA7\xD8\xA8";  // كتاب
  for (const bool normalized : {true, false}) {
    SCOPED_TRACE(normalized ? "normalized index" : "unnormalized index");
    const fs::path db = fresh_dir(normalized ? "norm-on" : "norm-off");
    kavosh::analysis::AnalyzerOptions analysis;
    analysis.normalize_arabic_script = normalized;
    index_articles(db, {{"book", "این " + arabic_form + " خوب است"}, {"other", "متن دیگر"}},
                   analysis);
    ks::SearchRequest request;
    request.query = arabic_form;
    ks::Searcher follows_index(db);
    EXPECT_EQ(follows_index.analyzer_options().normalize_arabic_script, normalized);
    const auto hits = follows_index.search(request).hits;
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].article, "book");

    kavosh::analysis::AnalyzerOptions always_normalize;
    ks::Searcher forced(db, always_normalize);
    EXPECT_TRUE(forced.analyzer_options().normalize_arabic_script);
    EXPECT_EQ(forced.search(request).hits.size(), normalized ? 1u : 0u);
    fs::remove_all(db);
  }
}

// The index records its stemmers; a Searcher stems queries with them. Unstemmed, "connections"
// is its own stem, which the default Porter2 query ("connect") does not meet.
TEST(Searcher, QueriesFollowTheIndexStemmers) {
  namespace ka = kavosh::analysis;
  const fs::path db = fresh_dir("stemmer-none");
  ka::AnalyzerOptions unstemmed;
  unstemmed.english_stemmer = ka::EnglishStemmer::None;
  unstemmed.persian_stemmer = ka::PersianStemmer::Plurals;
  index_articles(db, {{"a1", "network connections fail"}, {"a2", "unrelated words"}}, unstemmed);
  ks::SearchRequest request;
  request.query = "connections";
  ks::Searcher follows_index(db);
  EXPECT_EQ(follows_index.analyzer_options().english_stemmer, ka::EnglishStemmer::None);
  EXPECT_EQ(follows_index.analyzer_options().persian_stemmer, ka::PersianStemmer::Plurals);
  ASSERT_EQ(follows_index.search(request).hits.size(), 1u);
  ks::Searcher porter2_queries(db, ka::AnalyzerOptions{});
  EXPECT_EQ(porter2_queries.search(request).hits.size(), 0u);
  request.query = "connection";
  EXPECT_EQ(follows_index.search(request).hits.size(), 0u);

  // Adding to it with other stemmers is refused, naming the index's; with its own, it goes on.
  ki::WriterOptions porter2;
  try {
    ki::IndexWriter writer(db, porter2);
    ADD_FAILURE() << "a Porter2 run added to an unstemmed index";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("was stemmed with --english-stemmer none, this run asks "
                                         "for porter2"),
              std::string::npos)
        << e.what();
  }
  ki::WriterOptions same;
  same.analyzer = unstemmed;
  EXPECT_NO_THROW(ki::IndexWriter(db, same).commit());
  fs::remove_all(db);
}

// An index written before the stemmers were recorded was stemmed with Porter2 and the light
// Persian stemmer, and is searched and extended as such; a stemmer this build does not know is
// refused with the database's name.
TEST(Searcher, IndexesWithoutStemmerMetadataWereStemmedByTheOldDefaults) {
  namespace ka = kavosh::analysis;
  const fs::path db = fresh_dir("stemmer-old");
  ka::AnalyzerOptions lovins;
  lovins.english_stemmer = ka::EnglishStemmer::Lovins;
  index_articles(db, {{"a1", "network connections fail"}}, lovins);
  {
    Xapian::WritableDatabase writable(db.string());
    writable.set_metadata("kavosh.analysis.english_stemmer", "");
    writable.set_metadata("kavosh.analysis.persian_stemmer", "");
    writable.commit();
  }
  EXPECT_EQ(ks::Searcher(db).analyzer_options().english_stemmer, ka::EnglishStemmer::Porter2);
  EXPECT_EQ(ks::Searcher(db).analyzer_options().persian_stemmer, ka::PersianStemmer::Light);
  ki::WriterOptions lovins_run;
  lovins_run.analyzer = lovins;
  EXPECT_THROW(ki::IndexWriter(db, lovins_run), std::runtime_error);
  EXPECT_NO_THROW(ki::IndexWriter(db, ki::WriterOptions{}).commit());
  {
    Xapian::WritableDatabase writable(db.string());
    writable.set_metadata("kavosh.analysis.english_stemmer", "snowball");
    writable.commit();
  }
  try {
    ks::Searcher searcher(db);
    ADD_FAILURE() << "an unknown stemmer was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(
        std::string(e.what()).find("database " + db.string() + " was stemmed with 'snowball'"),
        std::string::npos)
        << e.what();
  }
  fs::remove_all(db);
}

// With one passage per article collapsing is skipped (it cannot change anything); the hits,
// their order, scores and ids must equal the uncollapsed search's.
TEST(Searcher, OnePassagePerArticleGivesTheSameHitsWithoutCollapsing) {
  const fs::path db = fresh_dir("single-passages");
  index_articles(db,
                 {{"a", "wind tunnel tests of a wing"},
                  {"b", "a wing in a wind tunnel, wind again"},
                  {"c", "boundary layer of a wing"}},
                 kavosh::analysis::AnalyzerOptions{});
  ks::Searcher searcher(db);
  ks::SearchRequest request;
  request.query = "wind wing";
  const auto collapsed = searcher.search(request).hits;
  request.collapse = false;
  const auto plain = searcher.search(request).hits;
  ASSERT_EQ(collapsed.size(), 3u);
  ASSERT_EQ(collapsed.size(), plain.size());
  for (std::size_t i = 0; i < plain.size(); ++i) {
    EXPECT_EQ(collapsed[i].id, plain[i].id);
    EXPECT_EQ(collapsed[i].passage, 0u);
    EXPECT_DOUBLE_EQ(collapsed[i].score, plain[i].score);
  }
  fs::remove_all(db);
}
