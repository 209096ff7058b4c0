// The block-max top-k matcher (searcher/src/matcher/) against Xapian's Enquire and against
// itself: on the seed article, Cranfield and the Persian Wikipedia sample, random queries of
// every class must rank exactly as Enquire ranks them with the same BM25 (same passages, scores
// equal to 1e-9 relative, equal scores in ascending docid order), and the top k at limit k must
// be the first k at a limit that holds every match, for k = 1, 3, 10, 50.
#include "matcher/matcher.hpp"

#include <gtest/gtest.h>
#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/format/match_data.hpp"
#include "kavosh/format/schema.hpp"
#include "kavosh/index/database_info.hpp"
#include "kavosh/index/writer.hpp"
#include "kavosh/search/query.hpp"
#include "kavosh/search/searcher.hpp"
#include "kavosh/text/utf8.hpp"
#include "matcher/best_postings.hpp"
#include "matcher/bm25.hpp"
#include "matcher/cursors.hpp"
#include "matcher/plan.hpp"
#include "matcher/top_k.hpp"
#include "proximity.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
namespace ki = kavosh::index;
namespace ks = kavosh::search;
namespace km = kavosh::search::matcher;

namespace {

using kavosh::search::testing::kDataDir;
using kavosh::search::testing::kSourceDir;

bool close(double a, double b) {
  return std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b));
}

// Words of the index's own vocabulary (unprefixed body terms) to build queries from.
std::vector<std::string> vocabulary(const fs::path& db_path) {
  Xapian::Database db(db_path.string());
  std::vector<std::string> words;
  for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) {
    const std::string term = *it;
    const auto first = static_cast<unsigned char>(term[0]);
    if ((first >= 'A' && first <= 'Z') || (first >= '0' && first <= '9')) continue;
    if (term.size() < 3 || it.get_termfreq() < 2) continue;
    words.push_back(term);
  }
  return words;
}

// The index's body words, most frequent first (ties by term, descending).
std::vector<std::string> words_by_frequency(const Xapian::Database& db) {
  std::vector<std::pair<Xapian::doccount, std::string>> counted;
  for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) {
    const std::string term = *it;
    if (term.empty() || !std::islower(static_cast<unsigned char>(term[0]))) continue;
    counted.emplace_back(it.get_termfreq(), term);
  }
  std::sort(counted.rbegin(), counted.rend());
  std::vector<std::string> words;
  for (auto& [count, term] : counted) words.push_back(std::move(term));
  return words;
}

// The plan of `query` over `db`, built as the searcher builds it; nothing for a shape that
// Enquire answers.
std::optional<km::MatchPlan> plan_of(kavosh::analysis::Analyzer& analyzer,
                                     const Xapian::Database& db, const std::string& query) {
  const ks::BuiltQuery built =
      ks::QueryBuilder(analyzer, db, ks::BuildOptions{}).build(ks::parse_query(query));
  return km::plan_query(built.query, built.node_details, db);
}

// The same documents with bitwise equal scores, in the same order.
void expect_same_docs(const km::TopK& got, const km::TopK& want, const std::string& what) {
  ASSERT_EQ(got.docs.size(), want.docs.size()) << what;
  for (std::size_t i = 0; i < got.docs.size(); ++i) {
    EXPECT_EQ(got.docs[i].docid, want.docs[i].docid) << what << " rank " << i + 1;
    EXPECT_EQ(got.docs[i].score, want.docs[i].score) << what << " rank " << i + 1;
  }
}

struct Case {
  std::string query;
  std::string language;
};

// Pairs of body terms that stand next to each other somewhere in the index, for phrases and
// NEAR queries that match.
std::vector<std::string> neighbours(const fs::path& db_path, unsigned count, unsigned seed) {
  Xapian::Database db(db_path.string());
  std::mt19937 random(seed);
  std::vector<std::string> pairs;
  for (unsigned tries = 0; pairs.size() < count && tries < count * 20; ++tries) {
    const auto docid = std::uniform_int_distribution<Xapian::docid>(1, db.get_lastdocid())(random);
    std::vector<std::pair<Xapian::termpos, std::string>> at;
    try {
      for (auto t = db.termlist_begin(docid); t != db.termlist_end(docid); ++t) {
        const std::string term = *t;
        const auto first = static_cast<unsigned char>(term[0]);
        if ((first >= 'A' && first <= 'Z') || (first >= '0' && first <= '9')) continue;
        for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p)
          at.emplace_back(*p, term);
      }
    } catch (const Xapian::DocNotFoundError&) {
      continue;
    }
    std::sort(at.begin(), at.end());
    if (at.size() < 2) continue;
    const auto i = std::uniform_int_distribution<std::size_t>(0, at.size() - 2)(random);
    if (at[i + 1].first == at[i].first + 1 && at[i].second != at[i + 1].second)
      pairs.push_back(at[i].second + " " + at[i + 1].second);
  }
  return pairs;
}

// Random queries of every class: words, +required, -excluded, title: fields, phrases, NEAR,
// wildcards (each also with --all by the caller), some with a language filter.
std::vector<Case> random_cases(const std::vector<std::string>& words,
                               const std::vector<std::string>& pairs, unsigned count,
                               unsigned seed) {
  std::mt19937 random(seed);
  auto word = [&] {
    return words[std::uniform_int_distribution<std::size_t>(0, words.size() - 1)(random)];
  };
  auto pair = [&] {
    return pairs[std::uniform_int_distribution<std::size_t>(0, pairs.size() - 1)(random)];
  };
  auto prefix = [&] {
    const std::string w = word();
    std::size_t cut = std::min<std::size_t>(w.size(), 3);
    while (cut < w.size() && kavosh::text::is_utf8_continuation_byte(w[cut])) ++cut;
    return w.substr(0, cut) + "*";
  };
  std::vector<Case> cases;
  for (unsigned i = 0; i < count; ++i) {
    Case c;
    switch (i % 10) {
      case 0:
        c.query = word();
        break;
      case 1:
        c.query = word() + " " + word();
        break;
      case 2:
        c.query = word() + " " + word() + " " + word() + " " + word();
        break;
      case 3:
        c.query = "+" + word() + " " + word() + " " + word();
        break;
      case 4:
        c.query = word() + " " + word() + " -" + word();
        break;
      case 5:
        c.query = "title:" + word() + " " + word();
        break;
      case 6: {
        // Every other one repeats its first word at its end.
        const std::string p = pairs.empty() ? word() + " " + word() : pair();
        c.query = "\"" + p + (i % 20 == 6 ? "" : " " + p.substr(0, p.find(' '))) + "\"";
        break;
      }
      case 7: {
        // Every other one beside one of its own words.
        const std::string p = pairs.empty() ? word() + " " + word() : pair();
        c.query = "\"" + p + "\" " + (i % 20 == 7 ? word() : p.substr(p.find(' ') + 1));
        break;
      }
      case 8: {
        const std::string p = pairs.empty() ? word() + " " + word() : pair();
        c.query = p.substr(0, p.find(' ')) + " NEAR/3 " + p.substr(p.find(' ') + 1) + " " + word();
        break;
      }
      case 9:
        // Every other one alone: a wildcard by itself has a pass of its own.
        c.query = prefix() + (i % 20 == 9 ? "" : " " + word());
        break;
    }
    if (i % 7 == 3) c.language = "en";
    cases.push_back(c);
  }
  return cases;
}

// Long questions, as bibliographic collections ask them: 5 to 12 words, some with a phrase or
// two among them (a hyphenated or possessive word is one), so that the plan has eight clauses
// or more over a small collection and the term-at-a-time pass answers.
std::vector<Case> long_cases(const std::vector<std::string>& words,
                             const std::vector<std::string>& pairs, unsigned count, unsigned seed) {
  std::mt19937 random(seed);
  const auto pick = [&](const std::vector<std::string>& from) {
    return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(random)];
  };
  std::vector<Case> cases;
  for (unsigned i = 0; i < count; ++i) {
    std::string query;
    const unsigned length = 5 + i % 8;
    for (unsigned w = 0; w < length; ++w) {
      if (!query.empty()) query += ' ';
      query += (!pairs.empty() && (w + i) % 5 == 2) ? "\"" + pick(pairs) + "\"" : pick(words);
    }
    cases.push_back({query, ""});
  }
  return cases;
}

struct Mode {
  bool all_words = false;
  bool collapse = false;
};

ks::SearchResults search(ks::Searcher& searcher, const Case& c, unsigned limit,
                         ks::SearchRequest::Matcher matcher, Mode mode) {
  ks::SearchRequest request;
  request.query = c.query;
  request.language = c.language;
  request.limit = limit;
  request.collapse = mode.collapse;
  request.snippets = false;
  request.hit_details = false;
  request.spelling = false;
  request.all_words = mode.all_words;
  request.matcher = matcher;
  return searcher.search(request);
}

// With pruning from the first full heap (not after the first 1000 matches, which these small
// indexes rarely reach), block-max MaxScore returns exactly what scoring every document
// returns: the same documents with bitwise equal scores (both sum in the plan's order).
void check_against_exhaustive(const fs::path& db_path, const std::vector<Case>& cases) {
  Xapian::Database db(db_path.string());
  const auto data = ki::MatchData::read(ki::match_data_path(db_path), db);
  ASSERT_TRUE(data);
  kavosh::analysis::Analyzer analyzer;
  const km::Bm25Parameters parameters;
  unsigned planned = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE("query [" + c.query + "]");
    ks::BuiltQuery built;
    try {
      const auto known = [&db](std::string_view name) {
        const std::string prefix = kavosh::index::schema::field_prefix(name);
        return db.allterms_begin(prefix) != db.allterms_end(prefix);
      };
      built =
          ks::QueryBuilder(analyzer, db, ks::BuildOptions{}).build(ks::parse_query(c.query, known));
    } catch (const ks::QueryError&) {
      continue;
    }
    const auto plan = km::plan_query(built.query, built.node_details, db);
    if (!plan) continue;
    ++planned;
    // Both passes: these indexes are small enough that most plans go term at a time.
    for (const auto by_term : {km::TermAtATime::WherePays, km::TermAtATime::Never})
      for (bool collapse : {false, true})
        for (unsigned k : {1u, 3u, 10u, 50u}) {
          const auto fast =
              km::block_max_maxscore(db, *data, *plan, parameters, k, collapse, 0, by_term);
          const auto every = km::exhaustive(db, *data, *plan, parameters, k, collapse);
          expect_same_docs(fast, every,
                           "k " + std::to_string(k) + " collapse " + std::to_string(collapse) +
                               " by term " + std::to_string(by_term == km::TermAtATime::WherePays));
          EXPECT_LE(fast.matches_lower_bound, every.estimated_matches);
          EXPECT_GE(fast.matches_upper_bound, every.estimated_matches);
        }
  }
  EXPECT_GT(planned, cases.size() / 2);
}

// Enquire's full ranking and the matcher's agree, and every top k is a prefix of the full one.
// Counts in `fast` the searches the block-max matcher answered.
void check_against_enquire(const fs::path& db_path, const std::vector<Case>& cases,
                           unsigned& fast) {
  ks::Searcher searcher(db_path);
  const auto every = static_cast<unsigned>(Xapian::Database(db_path.string()).get_doccount() + 1);
  fast = 0;
  for (const auto& c : cases) {
    for (const Mode mode : {Mode{false, false}, Mode{true, false}, Mode{false, true}}) {
      SCOPED_TRACE("query [" + c.query + "] lang [" + c.language + "]" +
                   (mode.all_words ? " --all" : "") + (mode.collapse ? " collapsed" : ""));
      ks::SearchResults full, reference;
      try {
        full = search(searcher, c, every, ks::SearchRequest::Matcher::Automatic, mode);
        reference = search(searcher, c, every, ks::SearchRequest::Matcher::Xapian, mode);
      } catch (const ks::QueryError&) {
        continue;  // e.g. only function words: no query, on both paths alike
      }
      if (full.matcher == "block-max") ++fast;
      EXPECT_NE(reference.matcher, "block-max");
      ASSERT_EQ(full.hits.size(), reference.hits.size());
      for (std::size_t i = 0; i < full.hits.size(); ++i) {
        ASSERT_TRUE(close(full.hits[i].score, reference.hits[i].score))
            << "rank " << i + 1 << ": " << full.hits[i].score << " vs " << reference.hits[i].score;
        // Equal scores may be computed a rounding apart: their order is then either's.
        const bool tied =
            (i > 0 && close(full.hits[i].score, full.hits[i - 1].score)) ||
            (i + 1 < full.hits.size() && close(full.hits[i].score, full.hits[i + 1].score));
        if (!tied) {
          EXPECT_EQ(full.hits[i].id, reference.hits[i].id) << "rank " << i + 1;
        }
      }
      if (!full.hits.empty() && !reference.hits.empty()) {
        EXPECT_EQ(full.estimated_matches, reference.estimated_matches);
      }
      for (unsigned k : {1u, 3u, 10u, 50u}) {
        const auto top = search(searcher, c, k, ks::SearchRequest::Matcher::Automatic, mode);
        ASSERT_EQ(top.hits.size(), std::min<std::size_t>(k, full.hits.size())) << "k " << k;
        for (std::size_t i = 0; i < top.hits.size(); ++i) {
          EXPECT_EQ(top.hits[i].id, full.hits[i].id) << "k " << k << " rank " << i + 1;
          EXPECT_TRUE(close(top.hits[i].score, full.hits[i].score))
              << "k " << k << " rank " << i + 1;
        }
      }
    }
  }
}

// Articles whose titles draw their words from the other end of the vocabulary than their
// passages: a word frequent in bodies is rare in titles, so its title clause holds a small
// share of its body clause's documents, as on Wikipedia, where the matcher passes the body
// postings between two title postings by their lengths alone, or a whole block of them by
// its bound.
std::vector<ki::Article> titles_apart_articles(unsigned count) {
  std::mt19937 random(29);
  std::vector<std::string> vocabulary;
  const std::string letters = "aeioukrstnlmpdv";
  for (int i = 0; i < 2000; ++i) {
    std::string word;
    const unsigned length = 3 + random() % 6;
    for (unsigned c = 0; c < length; ++c) word += letters[random() % letters.size()];
    vocabulary.push_back(word);
  }
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto rank = [&] {  // Zipf-like: rank r about as often as 1/r
    return std::min(static_cast<std::size_t>(std::pow(vocabulary.size(), unit(random))) - 1,
                    vocabulary.size() - 1);
  };
  std::vector<ki::Article> articles;
  for (unsigned a = 0; a < count; ++a) {
    ki::Article article;
    article.id = "apart-" + std::to_string(a);
    article.title = vocabulary[vocabulary.size() - 1 - rank()] + " " +
                    vocabulary[vocabulary.size() - 1 - rank()];
    article.language = "en";
    article.source = "generated";
    const unsigned passages = 1 + random() % 3;
    for (unsigned p = 0; p < passages; ++p) {
      ki::Passage passage;
      // The later half long: blocks of the frequent words there bound low.
      const unsigned words = a < count / 2 ? 5 + random() % 120 : 250 + random() % 150;
      for (unsigned w = 0; w < words; ++w) passage.text += (w ? " " : "") + vocabulary[rank()];
      article.passages.push_back(std::move(passage));
    }
    articles.push_back(std::move(article));
  }
  return articles;
}

// A fresh index of `articles` at `db`.
// Ten made-up words for generated passages, and `count` of them drawn by `random`.
const std::vector<std::string> kFillerWords = {"dorun", "kesta", "pilmo", "ravek", "sunta",
                                               "tovil", "brisk", "calmo", "fendu", "gorva"};
std::string filler_words(std::mt19937& random, unsigned count) {
  std::string text;
  for (unsigned i = 0; i < count; ++i) text += " " + kFillerWords[random() % kFillerWords.size()];
  return text;
}

// An English article of generated passages, to be filled in.
ki::Article generated_article(std::string id, std::string title) {
  ki::Article article;
  article.id = std::move(id);
  article.title = std::move(title);
  article.language = "en";
  article.source = "generated";
  return article;
}

void index_articles(const fs::path& db, const std::vector<ki::Article>& articles,
                    unsigned shards = 1, bool body_positions_in_xapian = false) {
  ki::WriterOptions options;
  options.rebuild = true;
  options.index_shards = shards;
  options.body_positions_in_xapian = body_positions_in_xapian;
  ki::IndexWriter writer(db, options);
  for (const ki::Article& article : articles) writer.add(article);
  writer.commit();
}

// `count` generated articles, prefix-0 on, article a titled title(a), each of one to three
// passages: the text passage_text() gives, then 5 to 64 filler words, all drawn by `random`.
std::vector<ki::Article> generated_articles(std::mt19937& random, const std::string& prefix,
                                            unsigned count,
                                            const std::function<std::string(unsigned)>& title,
                                            const std::function<std::string()>& passage_text) {
  std::vector<ki::Article> articles;
  for (unsigned a = 0; a < count; ++a) {
    ki::Article article = generated_article(prefix + "-" + std::to_string(a), title(a));
    const unsigned passages = 1 + random() % 3;
    for (unsigned p = 0; p < passages; ++p) {
      ki::Passage passage;
      passage.text = passage_text();
      passage.text += filler_words(random, 5 + random() % 60);
      article.passages.push_back(std::move(passage));
    }
    articles.push_back(std::move(article));
  }
  return articles;
}

// Passage texts drawn from `fragments`, one each (an empty one: none).
std::function<std::string()> one_of(std::mt19937& random, std::vector<std::string> fragments) {
  return [&random, fragments = std::move(fragments)] {
    return fragments[random() % fragments.size()];
  };
}

// `articles` indexed under `dir` as "with" (Xapian's positions of body words), "without" (the
// default) and "no-data" (without them, its match.data removed: every phrase checked in the
// stored records).
void index_in_both_layouts(const fs::path& dir, const std::vector<ki::Article>& articles) {
  index_articles(dir / "with", articles, 1, /*body_positions_in_xapian=*/true);
  index_articles(dir / "without", articles, 1, /*body_positions_in_xapian=*/false);
  index_articles(dir / "no-data", articles, 1, /*body_positions_in_xapian=*/false);
  fs::remove(ki::match_data_path(dir / "no-data"));
}

// The local shards of the sharded index at `path` (or the database there as its one shard),
// each with its match data and no best postings, and the set as one database. Empty (a test
// failure added) when one cannot be read.
struct OpenShards {
  Xapian::Database whole;
  std::vector<ki::MatchData> data;  // the shards point into it: not copied
  std::vector<km::LocalShard> shards;
};
std::unique_ptr<OpenShards> open_shards(const fs::path& path) {
  auto open = std::make_unique<OpenShards>();
  std::vector<fs::path> paths = ki::index_shards(path);
  if (paths.empty()) paths.push_back(path);
  open->data.reserve(paths.size());
  for (const fs::path& shard_path : paths) {
    const Xapian::Database shard(shard_path.string());
    open->whole.add_database(shard);
    auto read = ki::MatchData::read(ki::match_data_path(shard_path), shard);
    if (!read) {
      ADD_FAILURE() << "no match data for " << shard_path;
      open->shards.clear();
      return open;
    }
    open->data.push_back(std::move(*read));
    open->shards.push_back({shard, &open->data.back(), nullptr, nullptr});
  }
  return open;
}

class MatcherExactness : public ::testing::Test {
 protected:
  fs::path temp_ = fs::temp_directory_path() / ("kavosh-matcher-" + std::to_string(::getpid()));
  void SetUp() override { fs::create_directories(temp_); }
  void TearDown() override { fs::remove_all(temp_); }
};

}  // namespace

TEST(Bm25, SynonymFrequencyOfTwoTermsIsTheirIndependentUnion) {
  // 300 + 200 - 300 * 200 / 1000 = 440.
  EXPECT_EQ(km::synonym_termfreq(1000, {300, 200}), 440);
  EXPECT_EQ(km::synonym_termfreq(1000, {300}), 300);
}

TEST(Bm25, ScoreGrowsWithWdfAndFallsWithLength) {
  const km::Bm25Clause clause(km::Bm25Parameters{1.2, 0.75, 0.5}, 1000, 10, 1.0, 100);
  EXPECT_GT(clause.score(3, 100), clause.score(2, 100));
  EXPECT_GT(clause.score(3, 50), clause.score(3, 100));
  EXPECT_EQ(clause.score(0, 100), 0);
}

// The matcher passes over hopeless postings by comparing their length with this one: it
// must be exactly where score() first falls to the limit, whatever the parameters (b or k1
// zero makes the score independent of the length; the minimum normalised length flattens it
// for short documents).
TEST(Bm25, ShortestLengthScoringAtMostIsWhereTheScoreFirstFallsToTheLimit) {
  const std::vector<km::Bm25Parameters> parameter_sets = {
      {1.2, 0.75, 0.5}, {0.9, 0.4, 0.5}, {1.2, 0, 0.5}, {0, 0.75, 0.5}, {2.0, 1.0, 0.0}};
  for (const auto& parameters : parameter_sets) {
    const km::Bm25Clause clause(parameters, 100000, 321, 1.0, 87.5);
    for (const std::uint32_t wdf : {1U, 2U, 3U, 7U, 15U, 40U}) {
      const std::vector<double> limits = {-1.0,
                                          0.0,
                                          clause.score(wdf, 10),
                                          clause.score(wdf, 100) * 0.999,
                                          clause.score(wdf, 5000),
                                          clause.score(wdf, 1) * 1.5,
                                          clause.score(wdf, 4000000000U)};
      for (const double limit : limits) {
        const std::uint64_t shortest = clause.shortest_length_scoring_at_most(wdf, limit);
        SCOPED_TRACE(::testing::Message() << "k1 " << parameters.k1 << " b " << parameters.b
                                          << " wdf " << wdf << " limit " << limit);
        if (shortest < km::Bm25Clause::kNoShortestLength) {
          EXPECT_LE(clause.score(wdf, static_cast<std::uint32_t>(shortest)), limit);
        } else {
          EXPECT_GT(clause.score(wdf, 4294967295U), limit);
        }
        if (shortest > 0 && shortest <= km::Bm25Clause::kNoShortestLength) {
          EXPECT_GT(clause.score(wdf, static_cast<std::uint32_t>(shortest - 1)), limit);
        }
      }
    }
  }
}

// A phrase's cursor passes over its rarer word's postings by the other words' block bounds
// at the posting's own length: a posting of a block must never score above that bound in a
// document of its length, and the bound never exceeds the block's best at any length.
TEST(BlockBound, BestAtLengthBoundsEveryPostingOfThatLength) {
  std::mt19937 random(17);
  const km::Bm25Clause weight(km::Bm25Parameters{1.2, 0.5, 0.5}, 100000, 2500, 1.0, 120);
  for (int block = 0; block < 200; ++block) {
    std::vector<ki::MatchData::Impact> postings;
    const int count = 1 + static_cast<int>(random() % 128);
    for (int i = 0; i < count; ++i) {
      const auto length = static_cast<std::uint32_t>(1 + random() % 600);
      const auto wdf =
          static_cast<std::uint32_t>(1 + random() % std::min<std::uint32_t>(length, 9));
      postings.push_back({wdf, length});
    }
    const std::vector<ki::MatchData::Impact> impacts = ki::MatchData::competitive_impacts(postings);
    const km::BlockBound bound{impacts, km::kEnd};
    const double best = bound.best(weight);
    for (const auto& posting : postings) {
      const double at_length = bound.best_at_length(weight, posting.length);
      EXPECT_LE(weight.score(posting.wdf, posting.length), at_length) << block;
      EXPECT_LE(at_length, best) << block;
    }
    std::uint32_t shortest = postings[0].length;
    for (const auto& posting : postings) shortest = std::min(shortest, posting.length);
    if (shortest > 1) {
      EXPECT_EQ(bound.best_at_length(weight, shortest - 1), 0) << block;
    }
  }
}

// A synonym's bound from its terms' impacts: no document of the stretch may score above it,
// whichever of the terms it holds, and it is never looser than the terms' largest wdfs summed
// at their least length (what bounded synonyms before).
TEST(SynonymBound, BoundsEveryDocumentAndIsNoLooserThanTheLargestWdfsSummed) {
  std::mt19937 random(23);
  const km::Bm25Clause weight(km::Bm25Parameters{1.2, 0.75, 0.5}, 100000, 4000, 1.0, 110);
  km::SynonymBound synonym_bound;
  std::size_t tighter = 0;
  for (int stretch = 0; stretch < 300; ++stretch) {
    const std::size_t term_count = 2 + random() % 4;  // up to 5 terms: 3 folds
    const int documents = 1 + static_cast<int>(random() % 200);
    std::vector<std::vector<ki::MatchData::Impact>> postings(term_count);
    std::vector<double> document_scores;
    for (int d = 0; d < documents; ++d) {
      const auto length = static_cast<std::uint32_t>(1 + random() % 800);
      std::uint32_t summed = 0;
      for (std::size_t t = 0; t < term_count; ++t) {
        if (random() % 3 != 0) continue;
        const auto wdf =
            static_cast<std::uint32_t>(1 + random() % std::min<std::uint32_t>(length, 12));
        postings[t].push_back({wdf, length});
        summed += wdf;
      }
      if (summed > 0) document_scores.push_back(weight.score(summed, length));
    }
    std::vector<std::vector<ki::MatchData::Impact>> impacts(term_count);
    std::vector<km::BlockBound> bounds;
    std::uint32_t largest_wdfs = 0;
    std::uint32_t least_length = std::numeric_limits<std::uint32_t>::max();
    for (std::size_t t = 0; t < term_count; ++t) {
      if (!postings[t].empty()) impacts[t] = ki::MatchData::competitive_impacts(postings[t]);
      bounds.push_back({impacts[t], km::kEnd});
      if (impacts[t].empty()) continue;
      largest_wdfs += impacts[t].front().wdf;  // impacts: the largest wdf first
      least_length = std::min(least_length, impacts[t].back().length);
    }
    const double bound = synonym_bound(weight, bounds);
    for (const double score : document_scores) EXPECT_LE(score, bound) << stretch;
    if (document_scores.empty()) {
      EXPECT_EQ(bound, 0) << stretch;
      continue;
    }
    const double loose = weight.score(largest_wdfs, least_length);
    EXPECT_LE(bound, loose) << stretch;
    tighter += bound < loose;
  }
  EXPECT_GT(tighter, 100u);  // the point of it: most stretches bound more tightly
}

// Deferred phrase checks offer documents best first, not in docid order: the heap must still
// keep Enquire's order (of equal scores the lower docid), collapsed or not.
TEST(TopKHeap, KeepsTheLowerDocidOfEqualScoresWhateverTheOfferOrder) {
  km::TopKHeap heap(2, false);
  EXPECT_TRUE(heap.offer(9, 1.0, 0).entered);
  EXPECT_TRUE(heap.offer(7, 1.0, 0).entered);
  EXPECT_TRUE(heap.offer(3, 1.0, 0).entered);   // beats docid 9 on the tie
  EXPECT_FALSE(heap.offer(8, 1.0, 0).entered);  // loses to 3 and 7
  EXPECT_FALSE(heap.offer(1, 0.5, 0).entered);
  const auto kept = heap.take_sorted();
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].docid, 3u);
  EXPECT_EQ(kept[1].docid, 7u);

  km::TopKHeap collapsed(2, true);
  collapsed.offer(9, 2.0, 5);
  collapsed.offer(4, 2.0, 5);  // same article, same score, lower docid: replaces 9
  collapsed.offer(6, 1.0, 6);
  EXPECT_FALSE(collapsed.offer(8, 2.0, 5).entered);
  const auto best = collapsed.take_sorted();
  ASSERT_EQ(best.size(), 2u);
  EXPECT_EQ(best[0].docid, 4u);
  EXPECT_EQ(best[1].docid, 6u);
}

// The heap against the plain definition of its result: of every offer, per article (when
// collapsing) the best, then the best k of those, in Enquire's order. Random offers with many
// equal scores and repeated articles, k from 1 to past the slot table's first growth.
TEST(TopKHeap, KeepsWhatSortingEveryOfferWouldKeep) {
  std::mt19937 random(16);
  for (int round = 0; round < 400; ++round) {
    const unsigned k = 1 + random() % 40;
    const bool collapse = round % 2 == 1;
    const std::uint32_t articles = 1 + random() % 60;
    km::TopKHeap heap(k, collapse);
    std::vector<km::ScoredDoc> offered;
    std::vector<std::uint32_t> article_of;
    std::vector<Xapian::docid> docids(300);
    for (std::size_t i = 0; i < docids.size(); ++i) docids[i] = static_cast<Xapian::docid>(i + 1);
    std::shuffle(docids.begin(), docids.end(), random);
    for (const Xapian::docid docid : docids) {
      const double score = static_cast<double>(random() % 12) / 4.0;
      const std::uint32_t article = random() % 5 == 0 ? 0 : 1 + random() % articles;
      heap.offer(docid, score, article);
      offered.push_back({docid, score});
      article_of.push_back(article);
    }
    const auto better = [](const km::ScoredDoc& a, const km::ScoredDoc& b) {
      return a.score != b.score ? a.score > b.score : a.docid < b.docid;
    };
    std::vector<std::size_t> order(offered.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return better(offered[a], offered[b]); });
    std::vector<km::ScoredDoc> expected;
    std::vector<bool> article_taken(articles + 1, false);
    for (const std::size_t i : order) {
      if (expected.size() == k) break;
      const std::uint32_t article = article_of[i];
      if (collapse && article != 0) {
        if (article_taken[article]) continue;
        article_taken[article] = true;
      }
      expected.push_back(offered[i]);
    }
    const auto kept = heap.take_sorted();
    ASSERT_EQ(kept.size(), expected.size()) << "round " << round;
    for (std::size_t i = 0; i < kept.size(); ++i) {
      EXPECT_EQ(kept[i].docid, expected[i].docid) << "round " << round << ", rank " << i;
      EXPECT_EQ(kept[i].score, expected[i].score) << "round " << round << ", rank " << i;
    }
    if (kept.size() == k) {
      EXPECT_EQ(heap.threshold(), expected.back().score) << "round " << round;
    }
  }
}

TEST(MatchPlan, ReadsScoredClausesFiltersAndExclusions) {
  const Xapian::Database empty;
  ks::QueryNodeDetails details;
  const Xapian::Query title(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query("ZSiran"), 0.5);
  details[title.internal.get()].factor = 0.5;
  const Xapian::Query word(Xapian::Query::OP_OR, Xapian::Query("Ziran"), title);
  const Xapian::Query synonym(Xapian::Query::OP_SYNONYM, Xapian::Query("Zmojahedin"),
                              Xapian::Query("Zmujahedin"));
  const std::vector<Xapian::Query> words{Xapian::Query("national"), Xapian::Query("council")};
  const Xapian::Query phrase(Xapian::Query::OP_PHRASE, words.begin(), words.end(), 2);
  details[phrase.internal.get()].window = 2;
  Xapian::Query query(Xapian::Query::OP_AND_MAYBE, word,
                      Xapian::Query(Xapian::Query::OP_OR, synonym, phrase));
  query = Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query("Len"));
  query = Xapian::Query(Xapian::Query::OP_AND_NOT, query, Xapian::Query("Zkhomeini"));
  const auto plan = km::plan_query(query, details, empty);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->clauses.size(), 4u);
  EXPECT_EQ(plan->clauses[1].terms, std::vector<std::string>{"ZSiran"});
  EXPECT_EQ(plan->clauses[1].factor, 0.5);
  EXPECT_EQ(plan->clauses[2].terms, (std::vector<std::string>{"Zmojahedin", "Zmujahedin"}));
  EXPECT_EQ(plan->clauses[2].kind, km::ScoredClause::Kind::Any);
  EXPECT_EQ(plan->clauses[3].terms, (std::vector<std::string>{"national", "council"}));
  EXPECT_EQ(plan->clauses[3].kind, km::ScoredClause::Kind::Phrase);
  EXPECT_EQ(plan->clauses[3].window, 2u);
  ASSERT_EQ(plan->required.size(), 1u);
  EXPECT_EQ(plan->required[0], (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(plan->filters, std::vector<std::string>{"Len"});
  EXPECT_EQ(plan->excluded, std::vector<std::string>{"Zkhomeini"});
}

// With a vocabulary (the match data's), the planner asks it, not the database: a term's
// frequency, and a wildcard's completions, of which it keeps the most frequent past the
// limit as Xapian does.
TEST(MatchPlan, TakesFrequenciesAndCompletionsFromTheVocabulary) {
  const Xapian::Database empty;
  ks::QueryNodeDetails details;
  const auto wildcard = [&](Xapian::termcount limit) {
    const Xapian::Query q(Xapian::Query::OP_WILDCARD, "mojah", limit,
                          Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    details[q.internal.get()].pattern = "mojah";
    details[q.internal.get()].max_expansion = limit;
    return q;
  };
  std::vector<std::string> asked;
  const km::Vocabulary vocabulary{
      .termfreq = [](const std::string& term) -> Xapian::doccount { return term.size(); },
      .completions =
          [&](const std::string& prefix) {
            asked.push_back(prefix);
            return std::vector<std::pair<std::string, Xapian::doccount>>{
                {"mojahed", 5}, {"mojahedin", 9}, {"mojahid", 1}};
          }};
  const Xapian::Query all_three(Xapian::Query::OP_OR, wildcard(200), Xapian::Query("iran"));
  auto plan = km::plan_query(all_three, details, empty, nullptr, vocabulary);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->clauses.size(), 2u);
  EXPECT_EQ(plan->clauses[0].terms, (std::vector<std::string>{"mojahed", "mojahedin", "mojahid"}));
  EXPECT_EQ(plan->clauses[0].termfreqs, (std::vector<Xapian::doccount>{5, 9, 1}));
  EXPECT_EQ(plan->clauses[1].termfreqs,
            std::vector<Xapian::doccount>{4});  // "iran", by the vocabulary
  EXPECT_EQ(asked, std::vector<std::string>{"mojah"});
  plan = km::plan_query(wildcard(2), details, empty, nullptr, vocabulary);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->clauses.size(), 1u);
  std::vector<std::string> kept = plan->clauses[0].terms;
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(kept, (std::vector<std::string>{"mojahed", "mojahedin"}));
}

TEST(MatchPlan, LeavesUnrecordedNodesAndConjunctionsUnderOrToEnquire) {
  const Xapian::Database empty;
  const ks::QueryNodeDetails none;
  std::string why;
  const std::vector<Xapian::Query> words{Xapian::Query("a"), Xapian::Query("b")};
  const Xapian::Query phrase(Xapian::Query::OP_PHRASE, words.begin(), words.end(), 2);
  EXPECT_FALSE(km::plan_query(phrase, none, empty, &why)) << "a window the builder did not record";
  EXPECT_FALSE(why.empty());
  const Xapian::Query scaled(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query("a"), 2.0);
  EXPECT_FALSE(km::plan_query(scaled, none, empty));
  const Xapian::Query conjunction(Xapian::Query::OP_AND, Xapian::Query("a"), Xapian::Query("b"));
  EXPECT_FALSE(km::plan_query(Xapian::Query(Xapian::Query::OP_OR, conjunction, Xapian::Query("c")),
                              none, empty));
}

// Xapian weighs each occurrence of a repeated term alone (query frequency 1): the plan keeps
// them as clauses of their own, and MatcherExactness holds the scores to Enquire's.
TEST(MatchPlan, KeepsATermRepeatedInTwoClauses) {
  const Xapian::Database empty;
  const ks::QueryNodeDetails none;
  const auto plan = km::plan_query(
      Xapian::Query(
          Xapian::Query::OP_OR, Xapian::Query("a"),
          Xapian::Query(Xapian::Query::OP_SYNONYM, Xapian::Query("a"), Xapian::Query("b"))),
      none, empty);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->clauses.size(), 2u);
  EXPECT_EQ(plan->clauses[0].terms, std::vector<std::string>{"a"});
  EXPECT_EQ(plan->clauses[1].terms, (std::vector<std::string>{"a", "b"}));
}

TEST_F(MatcherExactness, SeedArticleRanksAsEnquire) {
  const fs::path db = temp_ / "seed";
  ks::testing::index_file(db, kSourceDir / "corpus" / "000_98f3cf22a18d5691.txt", ki::Format::Auto,
                          "000_98f3cf22a18d5691.txt");
  {  // so that comparing with Enquire holds the adjacent-pair filters to Xapian's positions
    const Xapian::Database database(db.string());
    const auto data = ki::MatchData::read(ki::match_data_path(db), database);
    ASSERT_TRUE(data);
    for (Xapian::docid docid = 1; docid <= database.get_lastdocid(); ++docid)
      ASSERT_FALSE(data->adjacent_pairs(docid).empty()) << docid;
  }
  std::vector<Case> cases = random_cases(vocabulary(db), neighbours(db, 20, 7), 160, 7);
  for (Case& c : long_cases(vocabulary(db), neighbours(db, 20, 8), 24, 8)) cases.push_back(c);
  check_against_exhaustive(db, cases);
  for (const char* fixed : {"Rajavi", "mojahedin khalq", "مجاهدين", "سازمان مجاهدین خلق",
                            "rajavi -khomeini", "+iran mek", "leader:maryam", "MKO"})
    cases.push_back({fixed, ""});
  unsigned fast = 0;
  check_against_enquire(db, cases, fast);
  EXPECT_GT(fast, cases.size());
}

TEST_F(MatcherExactness, CranfieldRanksAsEnquire) {
  const fs::path collection = kDataDir / "cranfield" / "cran.all.1400";
  if (!fs::exists(collection)) GTEST_SKIP() << "no Cranfield data at " << collection;
  const fs::path db = temp_ / "cranfield";
  ks::testing::index_file(db, collection, ki::Format::Smart, "cran.all.1400");
  ASSERT_TRUE(ki::MatchData::read(ki::match_data_path(db), Xapian::Database(db.string())));
  std::vector<Case> cases = random_cases(vocabulary(db), neighbours(db, 40, 11), 300, 11);
  for (Case& c : long_cases(vocabulary(db), neighbours(db, 40, 12), 40, 12)) cases.push_back(c);
  check_against_exhaustive(db, cases);
  unsigned fast = 0;
  check_against_enquire(db, cases, fast);
  EXPECT_GT(fast, cases.size());
}

TEST_F(MatcherExactness, PersianWikipediaRanksAsEnquire) {
  const fs::path dump = kDataDir / "wiki-fa" / "dbpedia-minidump-fa-wiki.xml.bz2";
  if (!fs::exists(dump)) GTEST_SKIP() << "no Persian Wikipedia sample at " << dump;
  const fs::path db = temp_ / "wiki-fa";
  ks::testing::index_file(db, dump, ki::Format::MediaWiki, "fa");
  const auto cases = random_cases(vocabulary(db), neighbours(db, 40, 13), 240, 13);
  check_against_exhaustive(db, cases);
  unsigned fast = 0;
  check_against_enquire(db, cases, fast);
  EXPECT_GT(fast, cases.size());
}

// Frequent body words whose title clauses are sparse, alone, in pairs, beside a title word,
// required or excluded: the runs of body postings that no title posting reaches are passed by
// their lengths without the title clause's bound, and must lose no document that ranks.
TEST_F(MatcherExactness, FrequentWordsRareInTitlesRankAsEveryDocument) {
  const fs::path db = temp_ / "apart";
  index_articles(db, titles_apart_articles(4000));
  const std::vector<std::string> by_frequency = words_by_frequency(Xapian::Database(db.string()));
  ASSERT_GT(by_frequency.size(), 40u);
  const auto word = [&](std::size_t rank) { return by_frequency[rank]; };
  std::vector<Case> cases;
  for (std::size_t r = 0; r < 16; ++r) cases.push_back({word(r), ""});
  for (std::size_t r = 0; r < 6; ++r) {
    cases.push_back({word(r) + " " + word(r + 1), ""});
    cases.push_back({word(r) + " " + word(30 + r), ""});
    cases.push_back({word(r) + " " + word(by_frequency.size() / 2 + r), ""});
    cases.push_back({"+" + word(r) + " " + word(20 + r), ""});
    cases.push_back({word(r) + " -" + word(r + 2), ""});
    cases.push_back({word(r) + " title:" + word(r + 3), ""});
  }
  check_against_exhaustive(db, cases);
  unsigned fast = 0;
  check_against_enquire(db, cases, fast);
  EXPECT_GT(fast, cases.size());
}

// A wildcard alone (a synonym merged from many completions) counts its matches exactly up to
// exact_count_up_to; past that its hopeless documents are only tallied, and the count becomes
// a range holding the exact one, its estimate inside. The ranking never changes.
TEST_F(MatcherExactness, ALoneWildcardCountsExactlyUpToTheLimitThenKeepsTheCountInRange) {
  const fs::path db_path = temp_ / "apart";
  index_articles(db_path, titles_apart_articles(4000));
  Xapian::Database db(db_path.string());
  const auto data = ki::MatchData::read(ki::match_data_path(db_path), db);
  ASSERT_TRUE(data);
  // The first letter that begins the most body words.
  std::map<char, int> completions;
  for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) {
    const std::string term = *it;
    if (!term.empty() && std::islower(static_cast<unsigned char>(term[0]))) ++completions[term[0]];
  }
  const auto most =
      std::max_element(completions.begin(), completions.end(),
                       [](const auto& a, const auto& b) { return a.second < b.second; });
  ASSERT_NE(most, completions.end());
  kavosh::analysis::Analyzer analyzer;
  const ks::BuiltQuery built = ks::QueryBuilder(analyzer, db, ks::BuildOptions{})
                                   .build(ks::parse_query(std::string(1, most->first) + "*"));
  const auto plan = km::plan_query(built.query, built.node_details, db);
  ASSERT_TRUE(plan);
  ASSERT_TRUE(km::lone_synonym_pays(*plan)) << most->second << " completions";
  const km::Bm25Parameters parameters;
  for (bool collapse : {false, true}) {
    SCOPED_TRACE(collapse ? "collapsed" : "passages");
    const auto every = km::exhaustive(db, *data, *plan, parameters, 10, collapse);
    const auto exact = km::block_max_maxscore(db, *data, *plan, parameters, 10, collapse,
                                              std::numeric_limits<Xapian::doccount>::max());
    EXPECT_EQ(exact.matches_lower_bound, every.estimated_matches);
    EXPECT_EQ(exact.matches_upper_bound, every.estimated_matches);
    EXPECT_EQ(exact.estimated_matches, every.estimated_matches);
    const auto early = km::block_max_maxscore(db, *data, *plan, parameters, 10, collapse, 20);
    EXPECT_LT(early.matches_lower_bound, every.estimated_matches);
    EXPECT_GE(early.matches_lower_bound, 20u);
    EXPECT_GE(early.matches_upper_bound, every.estimated_matches);
    EXPECT_GE(early.estimated_matches, early.matches_lower_bound);
    EXPECT_LE(early.estimated_matches, early.matches_upper_bound);
    ASSERT_EQ(early.docs.size(), every.docs.size());
    for (std::size_t i = 0; i < every.docs.size(); ++i) {
      EXPECT_EQ(early.docs[i].docid, every.docs[i].docid) << "rank " << i + 1;
      EXPECT_EQ(early.docs[i].score, every.docs[i].score) << "rank " << i + 1;
    }
  }
}

// A frequent word's best postings are the `kept` that score most (by saturation, which orders
// every weight of the term alike), in docid order, with what bounds the others; a short list
// has none; a second search is given the same postings.
TEST_F(MatcherExactness, BestPostingsAreTheBestScoringInDocidOrderWithTheBestLeftOut) {
  const fs::path db_path = temp_ / "apart";
  index_articles(db_path, titles_apart_articles(1000));
  Xapian::Database db(db_path.string());
  const auto data = ki::MatchData::read(ki::match_data_path(db_path), db);
  ASSERT_TRUE(data);
  const std::vector<std::string> by_frequency = words_by_frequency(db);
  ASSERT_FALSE(by_frequency.empty());
  const std::string& frequent = by_frequency.front();
  const auto rare =
      std::find_if(by_frequency.begin(), by_frequency.end(),
                   [&](const std::string& word) { return db.get_termfreq(word) == 30; });
  ASSERT_FALSE(data->blocks(frequent).blocks.empty());  // chosen block by block, best first
  ASSERT_NE(rare, by_frequency.end());
  const km::Bm25Parameters parameters;
  const km::Bm25Clause weight(parameters, db.get_doccount(), db.get_termfreq(frequent), 1.0,
                              db.get_avlength());
  km::BestPostingsCache cache({/*kept=*/50, /*least_list=*/100});
  const auto best = cache.best(*data, frequent, weight);
  ASSERT_TRUE(best);
  ASSERT_EQ(best->postings.size(), 50u);
  ASSERT_TRUE(best->best_left_out);
  EXPECT_TRUE(std::is_sorted(best->postings.begin(), best->postings.end()));
  const double left_out = weight.saturation(best->best_left_out->wdf, best->best_left_out->length);
  const double most = weight.saturation(best->best.wdf, best->best.length);
  std::size_t above = 0;
  for (auto it = db.postlist_begin(frequent); it != db.postlist_end(frequent); ++it) {
    const double saturation = weight.saturation(it.get_wdf(), it.get_doclength());
    EXPECT_LE(saturation, most) << *it;
    const bool kept =
        std::binary_search(best->postings.begin(), best->postings.end(),
                           std::pair<Xapian::docid, std::uint32_t>{*it, it.get_wdf()});
    if (kept)
      EXPECT_GE(saturation, left_out) << *it;
    else
      EXPECT_LE(saturation, left_out) << *it;
    if (saturation > left_out) ++above;
  }
  EXPECT_LE(above, 50u);
  EXPECT_EQ(cache.best(*data, frequent, weight), best);
  EXPECT_FALSE(cache.best(*data, *rare, weight));
}

// Phrases and NEARs of frequent words, ranked first from their words' best postings (kept
// small here, so that both outcomes occur): the top k is the same as scoring every document
// gives, whether the best postings were enough or the whole lists were read.
TEST_F(MatcherExactness, PhrasesOfFrequentWordsRankFromTheirBestPostingsAsEveryDocument) {
  const fs::path db_path = temp_ / "apart";
  index_articles(db_path, titles_apart_articles(3000));
  Xapian::Database db(db_path.string());
  const auto data = ki::MatchData::read(ki::match_data_path(db_path), db);
  ASSERT_TRUE(data);
  const std::vector<std::string> by_frequency = words_by_frequency(db);
  ASSERT_GT(by_frequency.size(), 40u);
  const auto word = [&](std::size_t rank) { return by_frequency[rank]; };
  std::vector<std::string> queries;
  for (std::size_t r = 0; r < 8; ++r) {
    queries.push_back("\"" + word(r) + " " + word(r + 1) + "\"");
    queries.push_back("\"" + word(r + 1) + " " + word(r) + "\"");
    queries.push_back("\"" + word(r) + " " + word(r + 2) + " " + word(r) + "\"");
    queries.push_back(word(r) + " NEAR/3 " + word(r + 3));
    queries.push_back("\"" + word(r) + " " + word(12 + r) + "\"");
  }
  for (const std::string& pair : neighbours(db_path, 40, 17)) queries.push_back("\"" + pair + "\"");
  kavosh::analysis::Analyzer analyzer;
  const km::Bm25Parameters parameters;
  const std::vector<km::LocalShard> shards{
      {db, &*data, std::make_shared<km::BestPostingsCache>(km::BestPostingsCache::Sizes{80, 240}),
       nullptr}};
  unsigned from_best = 0, from_lists = 0;
  for (const std::string& query : queries) {
    SCOPED_TRACE("query [" + query + "]");
    const auto plan = plan_of(analyzer, db, query);
    if (!plan) continue;
    for (bool collapse : {false, true})
      for (unsigned k : {1u, 3u, 10u, 50u}) {
        const auto fast = km::block_max_maxscore(db, shards, *plan, parameters, k, collapse, 0,
                                                 km::TermAtATime::Never);
        const auto every = km::exhaustive(db, *data, *plan, parameters, k, collapse);
        (fast.from_best_postings ? from_best : from_lists) += 1;
        expect_same_docs(fast, every,
                         "k " + std::to_string(k) + " collapse " + std::to_string(collapse));
        EXPECT_LE(fast.matches_lower_bound, every.estimated_matches);
        EXPECT_GE(fast.matches_upper_bound, every.estimated_matches);
      }
  }
  EXPECT_GT(from_best, 20u);
  EXPECT_GT(from_lists, 20u);
}

// The same over two local shards, each with its own best postings (one shard's may rule the
// rest out where the other's do not): the top k is what the shards' whole lists give.
TEST_F(MatcherExactness,
       PhrasesOfFrequentWordsOverLocalShardsRankFromBestPostingsAsFromWholeLists) {
  const fs::path sharded = temp_ / "apart-shards";
  index_articles(sharded, titles_apart_articles(3000), 2);
  const auto open = open_shards(sharded);
  ASSERT_EQ(open->shards.size(), 2u);
  const Xapian::Database& whole = open->whole;
  const std::vector<km::LocalShard>& whole_lists = open->shards;
  std::vector<km::LocalShard> with_best = whole_lists;
  for (km::LocalShard& shard : with_best)
    shard.best_postings = std::make_shared<km::BestPostingsCache>(
        km::BestPostingsCache::Sizes{/*kept=*/40, /*least_list=*/120});
  const std::vector<std::string> by_frequency = words_by_frequency(whole);
  ASSERT_GT(by_frequency.size(), 40u);
  std::vector<std::string> queries;
  for (std::size_t r = 0; r < 10; ++r) {
    queries.push_back("\"" + by_frequency[r] + " " + by_frequency[r + 1] + "\"");
    queries.push_back("\"" + by_frequency[r + 2] + " " + by_frequency[r] + "\"");
    queries.push_back(by_frequency[r] + " NEAR/2 " + by_frequency[r + 4]);
  }
  kavosh::analysis::Analyzer analyzer;
  const km::Bm25Parameters parameters;
  unsigned from_best = 0;
  for (const std::string& query : queries) {
    SCOPED_TRACE("query [" + query + "]");
    const auto plan = plan_of(analyzer, whole, query);
    if (!plan) continue;
    for (bool collapse : {false, true})
      for (unsigned k : {1u, 3u, 5u}) {
        const auto fast = km::block_max_maxscore(whole, with_best, *plan, parameters, k, collapse,
                                                 0, km::TermAtATime::Never);
        const auto reference = km::block_max_maxscore(whole, whole_lists, *plan, parameters, k,
                                                      collapse, 0, km::TermAtATime::Never);
        from_best += fast.from_best_postings ? 1 : 0;
        EXPECT_FALSE(reference.from_best_postings);
        expect_same_docs(fast, reference,
                         "k " + std::to_string(k) + " collapse " + std::to_string(collapse));
      }
  }
  EXPECT_GT(from_best, 10u);
}

// Passages where each neighbouring pair of a three-word phrase stands, but not the phrase
// (the adjacent-pair filters pass them, their position checks fail), mostly scoring above the
// passages where it holds: the deferred checks go best first in stages, and a stage that
// leaves the heap short is followed by another, also below docids already checked.
TEST_F(MatcherExactness, PhrasesWhoseBestCandidatesFailTheirChecksRankAsEveryDocument) {
  std::mt19937 random(41);
  const std::vector<std::string>& filler = kFillerWords;
  const auto some_filler = [&](unsigned count) { return filler_words(random, count); };
  const auto articles = generated_articles(
      random, "stage", 1500, [&](unsigned a) { return filler[a % filler.size()]; },
      [&] {
        std::string text;
        const unsigned kind = random() % 10;
        if (kind < 7) {  // both pairs, apart, often several times: high scores, no phrase
          const unsigned times = 1 + random() % 4;
          for (unsigned t = 0; t < times; ++t)
            text += " velk morin" + some_filler(1 + random() % 3) + " morin tasp";
        } else if (kind < 8) {  // the phrase once, in a longer passage
          text += " velk morin tasp";
        }
        return text;
      });
  const fs::path db = temp_ / "stages";
  index_articles(db, articles);
  check_against_exhaustive(db, {{"\"velk morin tasp\"", ""},
                                {"\"velk morin tasp\" kesta", ""},
                                {"\"velk morin tasp\" morin", ""},
                                {"+\"velk morin tasp\" pilmo -gorva", ""},
                                {"\"morin tasp\" \"velk morin\"", ""}});
}

// Without Xapian's positions of body words (the default layout), phrases and NEAR are checked
// by match.data's token sequences, else by the stored records analysed again; every way of
// answering ranks as an index with those positions does: the matcher and Enquire on one database
// and on two shards, LM (Enquire only), the proximity rerank, and one database whose match.data
// is gone (every check from the records). Every hit, by id, scores within 1e-9; equal scores in
// id order, since two shards number the passages otherwise.
TEST_F(MatcherExactness, PhrasesRankAlikeWithAndWithoutXapiansBodyPositions) {
  std::mt19937 random(53);
  const std::vector<ki::Article> articles = generated_articles(
      random, "layout", 240, [](unsigned a) { return "Layout " + std::to_string(a); },
      one_of(random, {"velk morin tasp ", "morin velk dorun tasp ", "می‌روم dorun kesta ",
                      "می روم kesta velk ", ""}));
  index_in_both_layouts(temp_, articles);
  index_articles(temp_ / "shards", articles, 2, /*body_positions_in_xapian=*/false);
  ASSERT_TRUE(ki::schema::body_positions_in_xapian(Xapian::Database((temp_ / "with").string())));
  ASSERT_FALSE(
      ki::schema::body_positions_in_xapian(Xapian::Database((temp_ / "without").string())));
  struct Way {
    std::string index;
    ks::SearchRequest::Matcher matcher;
  };
  const std::vector<Way> ways = {{"without", ks::SearchRequest::Matcher::Automatic},
                                 {"without", ks::SearchRequest::Matcher::Xapian},
                                 {"shards", ks::SearchRequest::Matcher::Automatic},
                                 {"shards", ks::SearchRequest::Matcher::Xapian},
                                 {"no-data", ks::SearchRequest::Matcher::Automatic}};
  const auto ranked = [&](const std::string& index, const ks::SearchRequest& request) {
    ks::Searcher searcher(temp_ / index);
    std::vector<std::pair<std::string, double>> hits;
    for (const ks::Hit& hit : searcher.search(request).hits)
      hits.emplace_back(hit.article + "#" + std::to_string(hit.passage),
                        std::round(hit.score * 1e9) / 1e9);
    std::sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    return hits;
  };
  std::size_t compared = 0;
  for (const std::string query :
       {"\"velk morin tasp\"", "\"morin tasp\"", "velk NEAR/2 tasp", "\"velk morin\" dorun",
        "+\"morin velk\" -kesta", "\"velk kesta\"", "kesta NEAR/1 velk", "\"dorun kesta\"",
        "\"tasp dorun\""}) {
    for (const std::string model : {"bm25", "lm"}) {
      for (const unsigned rerank : {0u, 20u}) {
        SCOPED_TRACE(query + " " + model + " rerank " + std::to_string(rerank));
        ks::SearchRequest request;
        request.query = query;
        request.model = model;
        request.limit = 1000;  // every match
        request.collapse = false;
        request.snippets = false;
        request.spelling = false;
        request.proximity_rerank_depth = rerank;
        const auto want = ranked("with", request);
        if (query != "\"velk kesta\"") {
          EXPECT_FALSE(want.empty());
        }
        for (const Way& way : ways) {
          SCOPED_TRACE(way.index);
          request.matcher = way.matcher;
          const auto got = ranked(way.index, request);
          ASSERT_EQ(got.size(), want.size());
          for (std::size_t i = 0; i < got.size(); ++i) {
            EXPECT_EQ(got[i].first, want[i].first) << "rank " << i;
            EXPECT_NEAR(got[i].second, want[i].second, 1e-9 * std::abs(want[i].second));
          }
          ++compared;
        }
      }
    }
  }
  EXPECT_EQ(compared, 9u * 2 * 2 * ways.size());
}

// A phrase that is one of a synonym's alternatives (a word the analyzer splits, as "می روم" with
// its compound "میروم"; an alias's words) cannot be checked by a posting source inside Xapian's
// synonym, so without Xapian's positions the synonym weighs the phrase's terms wherever the
// passage holds them (QueryTerms::alternatives): the same passages match as with those
// positions, under other scores, and every way of answering agrees on them.
TEST_F(MatcherExactness, ASplitWordMatchesThePassagesItDoesWithXapiansBodyPositions) {
  std::mt19937 random(59);
  const std::vector<ki::Article> articles = generated_articles(
      random, "split", 160, [](unsigned a) { return "Split " + std::to_string(a); },
      one_of(random, {"می‌روم dorun ", "می روم kesta ", "روم می velk ", ""}));
  index_in_both_layouts(temp_, articles);
  const auto ranked = [&](const std::string& index, ks::SearchRequest::Matcher matcher) {
    ks::Searcher searcher(temp_ / index);
    ks::SearchRequest request;
    request.query = "\"می روم\"";
    request.limit = 1000;
    request.collapse = false;
    request.snippets = false;
    request.spelling = false;
    request.matcher = matcher;
    std::map<std::string, double> hits;
    for (const ks::Hit& hit : searcher.search(request).hits)
      hits[hit.article + "#" + std::to_string(hit.passage)] = hit.score;
    return hits;
  };
  const auto ids = [](const std::map<std::string, double>& hits) {
    std::vector<std::string> out;
    for (const auto& [id, score] : hits) out.push_back(id);
    return out;
  };
  const auto with = ranked("with", ks::SearchRequest::Matcher::Automatic);
  const auto without = ranked("without", ks::SearchRequest::Matcher::Automatic);
  EXPECT_GT(with.size(), 40u);
  EXPECT_EQ(ids(without), ids(with));
  for (const auto& [index, matcher] :
       {std::pair{"without", ks::SearchRequest::Matcher::Xapian},
        std::pair{"no-data", ks::SearchRequest::Matcher::Automatic}}) {
    SCOPED_TRACE(index);
    const auto got = ranked(index, matcher);
    ASSERT_EQ(ids(got), ids(without));
    for (const auto& [id, score] : got) EXPECT_NEAR(score, without.at(id), 1e-9 * score) << id;
  }
}

// Passages holding a word and a phrase, the phrase alone (often several times: a high score
// of its own), the word alone, the phrase's words apart (its filter mostly turns them down)
// and the word in some titles: the documents holding every full-weight clause are ranked
// first (ConjunctionFirst), those holding some are left to the disjunctive pass.
TEST_F(MatcherExactness, WordsBesideAPhraseRankTheirConjunctionFirstAsEveryDocument) {
  std::mt19937 random(43);
  const std::vector<std::string>& filler = kFillerWords;
  const auto some_filler = [&](unsigned count) { return filler_words(random, count); };
  const auto articles = generated_articles(
      random, "conjunction", 1500,
      [&](unsigned a) {
        return random() % 8 == 0 ? "zarin " + filler[a % filler.size()] : filler[a % filler.size()];
      },
      [&] {
        std::string text;
        const unsigned kind = random() % 10;
        const unsigned times = 1 + random() % 3;
        for (unsigned t = 0; t < times; ++t) {
          if (kind < 2)
            text += " zarin" + some_filler(random() % 4) + " velk morin";
          else if (kind < 5)
            text += " velk morin" + some_filler(random() % 3);
          else if (kind < 7)
            text += " zarin" + some_filler(random() % 3);
          else if (kind < 8)
            text += " velk" + some_filler(1) + " morin zarin";
        }
        return text;
      });
  const fs::path db_path = temp_ / "conjunction";
  index_articles(db_path, articles);
  const std::vector<Case> cases = {{"zarin \"velk morin\"", ""},
                                   {"\"velk morin\" zarin kesta", ""},
                                   {"zarin velk-morin", ""},
                                   {"+zarin \"velk morin\" -gorva", ""},
                                   {"zarin \"velk morin\" title:zarin", ""},
                                   {"zarin NEAR/3 kesta velk", ""}};
  check_against_exhaustive(db_path, cases);
  // Which plans rank their conjunction first: two full-weight clauses.
  Xapian::Database db(db_path.string());
  const auto data = ki::MatchData::read(ki::match_data_path(db_path), db);
  ASSERT_TRUE(data);
  kavosh::analysis::Analyzer analyzer;
  const km::Bm25Parameters parameters;
  const auto ranked_first = [&](const std::string& query) {
    const auto plan = plan_of(analyzer, db, query);
    if (!plan) return false;
    return km::block_max_maxscore(db, *data, *plan, parameters, 10, true, 0, km::TermAtATime::Never)
        .conjunction_first;
  };
  EXPECT_TRUE(ranked_first("zarin \"velk morin\""));
  EXPECT_TRUE(ranked_first("zarin velk-morin"));
  EXPECT_TRUE(ranked_first("+zarin \"velk morin\" -gorva"));
  EXPECT_FALSE(ranked_first("\"velk morin\" zarin kesta"));  // three: mostly empty
  EXPECT_TRUE(ranked_first("zarin kesta"));                  // two words (the next test)
  EXPECT_FALSE(ranked_first("\"velk morin\""));              // one clause
  // Two local shards, each ranking its own conjunction first: as Enquire ranks them.
  const fs::path sharded = temp_ / "conjunction-shards";
  index_articles(sharded, articles, 2);
  unsigned fast = 0;
  check_against_enquire(sharded, cases, fast);
  EXPECT_GT(fast, cases.size());
}

// Two words rank the documents holding both first too, and still count their matches exactly
// up to exact_count_up_to, as a pass over the whole lists counts them: a search with fewer
// matches knows their number, one with more knows at least that many.
TEST_F(MatcherExactness, TwoWordsRankTheirConjunctionFirstAndCountAsEveryDocument) {
  std::mt19937 random(47);
  const auto some_filler = [&](unsigned count) { return filler_words(random, count); };
  const auto articles = generated_articles(
      random, "words", 1200,
      [&](unsigned) { return random() % 6 == 0 ? "tarven" + some_filler(1) : "halmo"; },
      [&] {
        std::string text;
        const unsigned kind = random() % 12;
        const unsigned times = 1 + random() % 3;
        for (unsigned t = 0; t < times; ++t) {
          if (kind < 1)
            text += " tarven" + some_filler(random() % 6) + " oskel";
          else if (kind < 4)
            text += " oskel" + some_filler(random() % 3);
          else if (kind < 6)
            text += " tarven" + some_filler(random() % 3);
          else if (kind < 7)
            text += " brundi";
          else if (kind < 8)
            text += random() % 8 == 0 ? " quorra tarven" : " quorra";
        }
        return text;
      });
  const fs::path db_path = temp_ / "two-words";
  index_articles(db_path, articles);
  check_against_exhaustive(db_path, {{"tarven oskel", ""},
                                     {"oskel tarven title:tarven", ""},
                                     {"+tarven oskel -brundi", ""},
                                     {"tarven brundi", ""}});
  Xapian::Database db(db_path.string());
  const auto data = ki::MatchData::read(ki::match_data_path(db_path), db);
  ASSERT_TRUE(data);
  kavosh::analysis::Analyzer analyzer;
  const km::Bm25Parameters parameters;
  // Ranked so only where the larger word's documents are four times the count or more.
  const auto ranks_first = [](const km::MatchPlan& plan, Xapian::doccount up_to) {
    double full = 0, most = 0;
    for (const km::ScoredClause& clause : plan.clauses) full = std::max(full, clause.factor);
    for (const km::ScoredClause& clause : plan.clauses)
      if (clause.factor == full) most = std::max(most, km::most_documents(clause));
    return most >= 4.0 * up_to;
  };
  unsigned exact = 0, at_least = 0, ranked = 0;
  // `quorra tarven`: fewer documents hold both than a heap of 50 holds, so the whole lists
  // are read after them, as without the conjunction.
  for (const std::string query :
       {"tarven oskel", "+tarven oskel -brundi", "tarven brundi", "quorra tarven"}) {
    const auto plan = plan_of(analyzer, db, query);
    ASSERT_TRUE(plan) << query;
    for (bool collapse : {false, true})
      for (unsigned k : {1u, 3u, 10u, 50u})
        for (Xapian::doccount up_to : {Xapian::doccount{1}, Xapian::doccount{40},
                                       Xapian::doccount{400}, km::kExactCountUpTo}) {
          const std::string what = query + " k " + std::to_string(k) + " collapse " +
                                   std::to_string(collapse) + " up to " + std::to_string(up_to);
          const auto fast = km::block_max_maxscore(db, *data, *plan, parameters, k, collapse, up_to,
                                                   km::TermAtATime::Never);
          const auto every = km::exhaustive(db, *data, *plan, parameters, k, collapse);
          EXPECT_EQ(fast.conjunction_first, ranks_first(*plan, up_to)) << what;
          ranked += fast.conjunction_first ? 1 : 0;
          expect_same_docs(fast, every, what);
          const Xapian::doccount matches = every.estimated_matches;
          if (matches <= up_to) {
            ++exact;
            EXPECT_EQ(fast.matches_lower_bound, matches) << what;
            EXPECT_EQ(fast.matches_upper_bound, matches) << what;
            EXPECT_EQ(fast.estimated_matches, matches) << what;
          } else {
            ++at_least;
            EXPECT_GE(fast.matches_lower_bound, up_to) << what;
            EXPECT_LE(fast.matches_lower_bound, matches) << what;
            EXPECT_GE(fast.matches_upper_bound, matches) << what;
          }
        }
  }
  EXPECT_GT(exact, 0U);
  EXPECT_GT(at_least, 0U);
  EXPECT_GT(ranked, 40U);
  // Not for a small collection, answered term at a time, nor for one word or three.
  const auto ranked_first = [&](const std::string& query, km::TermAtATime by_term) {
    const auto plan = plan_of(analyzer, db, query);
    return plan && km::block_max_maxscore(db, *data, *plan, parameters, 10, true,
                                          km::kExactCountUpTo, by_term)
                       .conjunction_first;
  };
  EXPECT_FALSE(ranked_first("tarven oskel", km::TermAtATime::WherePays));
  EXPECT_FALSE(ranked_first("tarven", km::TermAtATime::Never));
  EXPECT_FALSE(ranked_first("tarven oskel brundi", km::TermAtATime::Never));
  // Two local shards, each ranking its own conjunction, counted over both: as the shards are
  // answered term at a time.
  const fs::path sharded = temp_ / "two-words-shards";
  index_articles(sharded, articles, 2);
  const auto open = open_shards(sharded);
  ASSERT_EQ(open->shards.size(), 2u);
  const Xapian::Database& whole = open->whole;
  const std::vector<km::LocalShard>& shards = open->shards;
  // (A + or - keeps a plan document at a time: those are checked above.)
  for (const std::string query : {"tarven oskel", "oskel tarven", "quorra tarven"}) {
    const auto plan = plan_of(analyzer, whole, query);
    ASSERT_TRUE(plan) << query;
    for (bool collapse : {false, true})
      for (unsigned k : {1u, 10u, 50u})
        for (Xapian::doccount up_to : {Xapian::doccount{40}, km::kExactCountUpTo}) {
          const std::string what = query + " shards k " + std::to_string(k) + " collapse " +
                                   std::to_string(collapse) + " up to " + std::to_string(up_to);
          const auto fast = km::block_max_maxscore(whole, shards, *plan, parameters, k, collapse,
                                                   up_to, km::TermAtATime::Never);
          const auto by_term = km::block_max_maxscore(whole, shards, *plan, parameters, k, collapse,
                                                      up_to, km::TermAtATime::WherePays);
          EXPECT_EQ(fast.conjunction_first, ranks_first(*plan, up_to)) << what;
          ASSERT_FALSE(by_term.conjunction_first) << what;
          expect_same_docs(fast, by_term, what);
          const Xapian::doccount matches = by_term.matches_lower_bound;
          ASSERT_EQ(by_term.matches_upper_bound, matches) << what;  // term at a time counts all
          if (matches <= up_to) {
            EXPECT_EQ(fast.matches_lower_bound, matches) << what;
            EXPECT_EQ(fast.matches_upper_bound, matches) << what;
          } else {
            EXPECT_GE(fast.matches_lower_bound, up_to) << what;
            EXPECT_LE(fast.matches_lower_bound, matches) << what;
            EXPECT_GE(fast.matches_upper_bound, matches) << what;
          }
        }
  }
}

// The proximity boost and rerank count their windows from the match data's token sequences
// where a local shard has them: the same weights as from Xapian's positions, in one database
// and over two shards, with stacked compounds among the words.
TEST_F(MatcherExactness, ProximityWindowsFromTokenSequencesAreAsFromXapiansPositions) {
  std::mt19937 random(41);
  const std::vector<ki::Article> articles = generated_articles(
      random, "prox", 150, [](unsigned a) { return "Proximity " + std::to_string(a); },
      [&, first = true]() mutable {
        // One passage holds `solitar`: its shard's data numbers it, the other's does not.
        if (std::exchange(first, false)) return std::string("solitar dorun kesta solitar");
        return random() % 3 == 0 ? std::string("می روم dorun می‌روم kesta")
                                 : std::string();
      });
  // With Xapian's positions too: the reference windows are counted from them.
  index_articles(temp_ / "one", articles, 1, /*body_positions_in_xapian=*/true);
  index_articles(temp_ / "two", articles, 2, /*body_positions_in_xapian=*/true);
  // Each query's words, and at least how many passages gain a window.
  const std::vector<std::pair<std::vector<std::string>, std::size_t>> queries = {
      {{"dorun", "kesta"}, 10},           {{"kesta", "pilmo", "ravek", "kesta"}, 5},
      {{"میروم", "dorun"}, 10},           {{"می", "روم", "kesta"}, 10},
      {{"dorun", "solitar", "kesta"}, 1}, {{"sunta", "nosuchword", "tovil"}, 0}};
  ks::proximity::Parameters parameters;
  for (const std::string name : {"one", "two"}) {
    const auto open = open_shards(temp_ / name);
    ASSERT_FALSE(open->shards.empty()) << name;
    const Xapian::Database& whole = open->whole;
    for (const auto& [terms, least_lifted] : queries) {
      std::string what = name + ":";
      for (const std::string& term : terms) what += " " + term;
      // Every passage reranked, from first-pass scores with ties.
      std::vector<km::ScoredDoc> from_sequences, from_positions;
      for (Xapian::docid docid = 1; docid <= whole.get_lastdocid(); ++docid)
        from_sequences.push_back({docid, 1.0 + static_cast<double>(docid % 7) / 10});
      from_positions = from_sequences;
      std::vector<std::string> no_keys;
      ks::proximity::rerank(whole, open->shards, nullptr, terms, parameters, from_sequences.size(),
                            from_sequences, no_keys);
      ks::proximity::rerank(whole, {}, nullptr, terms, parameters, from_positions.size(),
                            from_positions, no_keys);
      ASSERT_EQ(from_sequences.size(), from_positions.size()) << what;
      std::size_t lifted = 0;
      for (std::size_t i = 0; i < from_sequences.size(); ++i) {
        EXPECT_EQ(from_sequences[i].docid, from_positions[i].docid) << what << " at " << i;
        EXPECT_EQ(from_sequences[i].score, from_positions[i].score) << what << " at " << i;
        const Xapian::docid docid = from_sequences[i].docid;
        lifted += from_sequences[i].score > 1.0 + static_cast<double>(docid % 7) / 10 ? 1 : 0;
      }
      EXPECT_GE(lifted, least_lifted) << what;
      // The boost, ranked by Enquire.
      const auto boosted = [&](std::span<const km::LocalShard> shards) {
        Xapian::Enquire enquire(whole);
        enquire.set_query(ks::proximity::boost(whole, shards, nullptr, terms, parameters));
        std::vector<km::ScoredDoc> docs;
        const Xapian::MSet mset = enquire.get_mset(0, whole.get_doccount());
        for (auto it = mset.begin(); it != mset.end(); ++it) docs.push_back({*it, it.get_weight()});
        return docs;
      };
      const std::vector<km::ScoredDoc> boost_from_sequences = boosted(open->shards);
      const std::vector<km::ScoredDoc> boost_from_positions = boosted({});
      ASSERT_EQ(boost_from_sequences.size(), boost_from_positions.size()) << what;
      for (std::size_t i = 0; i < boost_from_sequences.size(); ++i) {
        EXPECT_EQ(boost_from_sequences[i].docid, boost_from_positions[i].docid) << what;
        EXPECT_EQ(boost_from_sequences[i].score, boost_from_positions[i].score) << what;
      }
      EXPECT_GE(boost_from_sequences.size(), least_lifted) << what;
    }
  }
}

// A match.data file left from an earlier revision (a run killed before writing its own) or
// missing: the searcher answers through Enquire, with the same results.
TEST_F(MatcherExactness, StaleOrMissingMatchDataFallsBackToEnquire) {
  const fs::path db = temp_ / "seed";
  ks::testing::index_file(db, kSourceDir / "corpus" / "000_98f3cf22a18d5691.txt", ki::Format::Auto,
                          "000_98f3cf22a18d5691.txt");
  const fs::path data = ki::match_data_path(db);
  const fs::path kept = temp_ / "match.data.old";
  fs::copy_file(data, kept);
  const Case c{"rajavi iran", ""};
  ks::SearchResults before;
  {
    ks::Searcher searcher(db);
    before = search(searcher, c, 10, ks::SearchRequest::Matcher::Automatic, Mode{});
    EXPECT_EQ(before.matcher, "block-max");
  }
  // Another commit: the kept file no longer describes the index.
  {
    Xapian::WritableDatabase writable(db.string());
    Xapian::Document doc;
    doc.add_term("Zunrelated");
    writable.add_document(doc);
    writable.commit();
  }
  fs::copy_file(kept, data, fs::copy_options::overwrite_existing);
  for (bool missing : {false, true}) {
    if (missing) fs::remove(data);
    ks::Searcher searcher(db);
    const auto after = search(searcher, c, 10, ks::SearchRequest::Matcher::Automatic, Mode{});
    const auto reference = search(searcher, c, 10, ks::SearchRequest::Matcher::Xapian, Mode{});
    EXPECT_EQ(after.matcher, "xapian (no match data for this revision)");
    ASSERT_EQ(after.hits.size(), reference.hits.size());
    ASSERT_EQ(after.hits.size(), before.hits.size());  // the new document matches neither word
    for (std::size_t i = 0; i < after.hits.size(); ++i) {
      EXPECT_EQ(after.hits[i].id, reference.hits[i].id);
      EXPECT_EQ(after.hits[i].score, reference.hits[i].score);
    }
  }
}
