// One index searched three ways gives one ranking: a single database, the same articles in N
// local shards (kavosh-index --shards N), and those shards served by xapian-tcpsrv on loopback.
// Xapian's multi-database computes every statistic over all shards, so ids and scores agree
// (ties may fall in another order: docids differ). And the faults a set of shards can have,
// each with its one-line error: a remote shard that does not answer or stops answering, a
// shard of another schema, a stub naming a missing shard.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>
#include <xapian.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "kavosh/format/match_data.hpp"
#include "kavosh/format/schema.hpp"
#include "kavosh/index/corpus.hpp"
#include "kavosh/index/database_info.hpp"
#include "kavosh/index/writer.hpp"
#include "kavosh/search/searcher.hpp"
#include "made_up_articles.hpp"
#include "process.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace ki = kavosh::index;
namespace ks = kavosh::search;
using kavosh::search::testing::WriterListener;
using kavosh::testing::RunningProcess;

using kavosh::search::testing::kDataDir;
using kavosh::search::testing::kSourceDir;
constexpr unsigned kShards = 3;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("kavosh-shards-test-" + std::to_string(::getpid()) + "-" +
                                         std::to_string(std::random_device{}()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  fs::path operator/(const std::string& name) const { return path_ / name; }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// A port nothing listens on now (the kernel's choice for a socket bound to port 0).
unsigned free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("no free port on loopback");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

// Whether a socket listens on 127.0.0.1:port, from the kernel's table: asking by connecting
// would use up a --one-shot server's one connection.
bool listening(unsigned port) {
  std::ifstream table("/proc/net/tcp");
  std::string line;
  char wanted[16];
  std::snprintf(wanted, sizeof wanted, "0100007F:%04X", port);
  constexpr std::string_view kListen = "0A";
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    if (local == wanted && state == kListen) return true;
  }
  return false;
}

// xapian-tcpsrv serving one shard on a free loopback port for one connection (--one-shot): no
// forked child outlives the test, and killing the server cuts its connection. The destructor
// kills it whatever the test's outcome.
class ShardServer {
 public:
  explicit ShardServer(const fs::path& shard) {
    if (!fs::exists(KAVOSH_XAPIAN_TCPSRV))
      throw std::runtime_error(std::string("no ") + KAVOSH_XAPIAN_TCPSRV +
                               ": install xapian-tools (scripts/install-deps)");
    constexpr int kAttempts = 5;  // another process may take the port before the server does
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      port_ = free_port();
      process_ = std::make_unique<RunningProcess>(
          KAVOSH_XAPIAN_TCPSRV,
          std::vector<std::string>{"--one-shot", "--quiet", "--interface", "127.0.0.1", "--port",
                                   std::to_string(port_), shard.string()});
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (std::chrono::steady_clock::now() < deadline) {
        if (listening(port_)) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      process_.reset();
    }
    throw std::runtime_error("xapian-tcpsrv did not listen for " + shard.string());
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  void kill() {
    process_->kill(SIGKILL);
    process_->wait();
  }

 private:
  unsigned port_ = 0;
  std::unique_ptr<RunningProcess> process_;
};

struct Servers {
  std::vector<std::unique_ptr<ShardServer>> running;
  ks::IndexSources sources;  // the remote shards alone
  // A stub file naming them, in the index directory: its dictionary (spelling, and the copy of
  // the synonyms) serves searches through it. One of the two: a server takes one connection.
  fs::path stub;
};

Servers serve(const fs::path& sharded_index) {
  Servers servers;
  servers.stub = sharded_index / "remote.stub";
  std::ofstream stub(servers.stub);
  for (const fs::path& shard : ki::index_shards(sharded_index)) {
    servers.running.push_back(std::make_unique<ShardServer>(shard));
    servers.sources.remote.push_back(servers.running.back()->address());
    stub << "remote " << servers.running.back()->address() << "\n";
  }
  return servers;
}

// The same input into one database and into kShards shards.
template <typename Write>
void index_both(const fs::path& one, const fs::path& sharded, Write&& write) {
  for (unsigned shards : {0u, kShards}) {
    ki::WriterOptions options;
    options.rebuild = true;
    options.index_shards = shards;
    // xapian-tcpsrv checks the shards' phrases with Xapian's positions, and the one database
    // keeps them too: without them an alias's phrase weighs otherwise (decision 0007).
    options.body_positions_in_xapian = true;
    ki::IndexWriter writer(shards == 0 ? one : sharded, options);
    write(writer);
    writer.commit();
  }
  ASSERT_EQ(ki::index_shards(sharded).size(), kShards);
}

// Words of a made-up language, drawn Zipf-like, so that terms have every frequency.
std::vector<ki::Article> generated_articles(unsigned count) {
  std::vector<std::string> vocabulary;
  const std::string letters = "aeioukrstnlmpdv";
  std::uint64_t state = 42;
  auto next = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::uint32_t>(state >> 33);
  };
  for (int i = 0; i < 3000; ++i) {
    std::string word;
    const unsigned length = 3 + next() % 6;
    for (unsigned c = 0; c < length; ++c) word += letters[next() % letters.size()];
    vocabulary.push_back(word);
  }
  auto zipf_word = [&]() -> const std::string& {
    const double u = (next() % 1000000 + 1) / 1000001.0;
    const auto rank = static_cast<std::size_t>(std::pow(vocabulary.size(), u)) - 1;
    return vocabulary[std::min(rank, vocabulary.size() - 1)];
  };
  std::vector<ki::Article> articles;
  for (unsigned a = 0; a < count; ++a) {
    ki::Article article;
    article.id = "gen-" + std::to_string(a);
    article.title = zipf_word() + " " + zipf_word();
    article.language = "en";
    article.source = "generated";
    const unsigned passages = 1 + next() % 4;
    for (unsigned p = 0; p < passages; ++p) {
      ki::Passage passage;
      const unsigned words = 20 + next() % 60;
      for (unsigned w = 0; w < words; ++w) passage.text += (w ? " " : "") + zipf_word();
      article.passages.push_back(passage);
    }
    articles.push_back(std::move(article));
  }
  return articles;
}

struct Ranked {
  std::string id;
  double score = 0;
};

std::vector<Ranked> ranking(ks::Searcher& searcher, const std::string& query, bool passages,
                            bool aliases = true) {
  ks::SearchRequest request;
  request.query = query;
  request.limit = 10;
  request.collapse = !passages;
  request.aliases = aliases;
  std::vector<Ranked> ranked;
  for (const ks::Hit& hit : searcher.search(request).hits) ranked.push_back({hit.id, hit.score});
  return ranked;
}

// Same scores rank by rank; the same ids among each run of equal scores (a run cut by the
// limit may hold different ones: docids break ties, and shards number documents otherwise).
void expect_same_ranking(const std::vector<Ranked>& expected, const std::vector<Ranked>& actual,
                         const std::string& what, std::size_t limit = 10) {
  ASSERT_EQ(expected.size(), actual.size()) << what;
  const auto same_score = [](double a, double b) {
    return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(a));
  };
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_TRUE(same_score(expected[i].score, actual[i].score))
        << what << " rank " << i + 1 << ": " << expected[i].score << " vs " << actual[i].score;
  for (std::size_t begin = 0; begin < expected.size();) {
    std::size_t end = begin + 1;
    while (end < expected.size() && same_score(expected[end].score, expected[begin].score)) ++end;
    if (end < expected.size() || expected.size() < limit) {
      std::multiset<std::string> want, got;
      for (std::size_t i = begin; i < end; ++i) {
        want.insert(expected[i].id);
        got.insert(actual[i].id);
      }
      EXPECT_EQ(want, got) << what << " ranks " << begin + 1 << "-" << end;
    }
    begin = end;
  }
}

// The single database, the local shards and the remote shards rank every query alike.
void expect_one_ranking(const fs::path& one, const fs::path& sharded,
                        const std::vector<std::string>& queries) {
  Servers servers = serve(sharded);
  ks::Searcher single(one), local(sharded), remote(servers.stub);
  std::size_t nonempty = 0;
  for (const std::string& query : queries) {
    for (bool passages : {false, true}) {
      const std::string what = "'" + query + "'" + (passages ? " (passages)" : "");
      const auto expected = ranking(single, query, passages);
      if (!expected.empty()) ++nonempty;
      expect_same_ranking(expected, ranking(local, query, passages), what + " local shards");
      expect_same_ranking(expected, ranking(remote, query, passages), what + " remote shards");
    }
  }
  EXPECT_GE(nonempty, queries.size());  // the queries find something: a test of rankings
  // Local shards rank with the block-max matcher; remote ones through Xapian, which says why.
  ks::SearchRequest request;
  request.query = queries.front();
  EXPECT_EQ(local.search(request).matcher, "block-max");
  EXPECT_EQ(remote.search(request).matcher,
            "xapian (a remote shard: the block-max matcher runs on local shards only)");
}

TEST(Shards, SeedCorpusRanksAlikeInOneDatabaseAndInLocalAndRemoteShards) {
  TempDir dir;
  const auto files = ki::list_corpus_files({kSourceDir / "corpus"});
  index_both(dir / "one", dir / "sharded", [&](ki::IndexWriter& writer) {
    ki::index_corpus(files, writer, ki::CorpusOptions{});
  });
  expect_one_ranking(dir / "one", dir / "sharded",
                     {"Rajavi", "mojahedin khalq", "مجاهدين", "Maryam Rajavi leader",
                      "\"people's mujahedin\"", "MEK Iran", "title:mujahedin"});

  // Remote shards alone have no dictionary, hence no aliases: MEK is only the word MEK.
  Servers servers = serve(dir / "sharded");
  ks::Searcher single(dir / "one"), remote(servers.sources);
  const auto with_aliases = ranking(single, "MEK Iran", true);
  const auto without = ranking(single, "MEK Iran", true, false);
  ASSERT_FALSE(with_aliases.empty());
  EXPECT_NE(with_aliases.front().score, without.front().score);  // the aliases count
  expect_same_ranking(without, ranking(remote, "MEK Iran", true), "'MEK Iran' remote alone");
}

TEST(Shards, CranfieldRanksAlikeInOneDatabaseAndInLocalAndRemoteShards) {
  const fs::path collection = kDataDir / "cranfield" / "cran.all.1400";
  if (!fs::exists(collection)) GTEST_SKIP() << "no Cranfield data at " << collection;
  TempDir dir;
  index_both(dir / "one", dir / "sharded", [&](ki::IndexWriter& writer) {
    WriterListener listener(writer);
    ki::read_file(collection, ki::Format::Smart, "cran.all.1400", collection.string(), listener);
  });
  expect_one_ranking(
      dir / "one", dir / "sharded",
      {"boundary layer", "heat transfer at supersonic speeds", "shock wave interaction",
       "laminar flow over a flat plate", "aerodynamic heating", "buckling of thin cylinders",
       "similarity laws", "\"boundary layer\" separation"});
}

TEST(Shards, AGeneratedCorpusRanksAlikeInOneDatabaseAndInLocalAndRemoteShards) {
  TempDir dir;
  const std::vector<ki::Article> articles = generated_articles(1500);
  index_both(dir / "one", dir / "sharded", [&](ki::IndexWriter& writer) {
    for (const ki::Article& article : articles) writer.add(article);
  });
  // Words of every frequency: the first passages' first words, a pair, and a title word.
  std::vector<std::string> queries;
  for (int i = 0; i < 8; ++i) {
    const std::string& text = articles[i * 150].passages[0].text;
    queries.push_back(text.substr(0, text.find(' ')));
  }
  const std::string& text = articles[77].passages[0].text;
  queries.push_back(text.substr(0, text.find(' ', text.find(' ') + 1)));
  queries.push_back("title:" + articles[3].title.substr(0, articles[3].title.find(' ')));
  expect_one_ranking(dir / "one", dir / "sharded", queries);
}

// Each shard of a sharded index trains a record dictionary of its own: hits and snippets read
// through every shard's, local or served by xapian-tcpsrv, are the one database's.
TEST(Shards, EachShardsRecordDictionaryServesItsSnippetsLocallyAndRemotely) {
  TempDir dir;
  const std::vector<ki::Article> articles = kavosh::testing::made_up_articles(4800, 0, 21);
  index_both(dir / "one", dir / "sharded", [&](ki::IndexWriter& writer) {
    for (const ki::Article& article : articles) writer.add(article);
  });
  std::set<std::string> dictionaries;
  for (const fs::path& shard : ki::index_shards(dir / "sharded")) {
    const std::string id = Xapian::Database(shard.string())
                               .get_metadata(std::string(ki::schema::kMetaRecordDictionary));
    EXPECT_FALSE(id.empty()) << shard;
    dictionaries.insert(id);
  }
  EXPECT_EQ(dictionaries.size(), kShards);
  Servers servers = serve(dir / "sharded");
  ks::Searcher single(dir / "one"), local(dir / "sharded"), remote(servers.stub);
  std::size_t compared = 0;
  for (int i = 0; i < 4800; i += 731) {
    const std::string& text = articles[i].passages[0].text;
    const std::size_t begin = text.find(' ', text.size() / 2) + 1;
    ks::SearchRequest request;
    request.query = text.substr(begin, text.find(' ', text.find(' ', begin) + 1) - begin);
    SCOPED_TRACE(request.query);
    const ks::SearchResults expected = single.search(request);
    ASSERT_FALSE(expected.hits.empty());
    for (ks::Searcher* searcher : {&local, &remote}) {
      const ks::SearchResults actual = searcher->search(request);
      ASSERT_EQ(actual.hits.size(), expected.hits.size());
      for (std::size_t h = 0; h < expected.hits.size(); ++h) {
        // Equal scores may rank in another order: compare each hit with the one of its id.
        const auto same =
            std::find_if(actual.hits.begin(), actual.hits.end(),
                         [&](const ks::Hit& hit) { return hit.id == expected.hits[h].id; });
        if (same == actual.hits.end()) continue;  // a tie cut by the limit
        ++compared;
        EXPECT_EQ(same->snippet, expected.hits[h].snippet) << same->id;
        EXPECT_EQ(same->title, expected.hits[h].title) << same->id;
        EXPECT_EQ(same->highlights.size(), expected.hits[h].highlights.size()) << same->id;
      }
      EXPECT_EQ(actual.hits.front().snippet.empty(), false);
    }
    const std::optional<ki::StoredPassage> stored = local.stored_passage(articles[i].id);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->text, text);
    // kavosh-index --show reads every shard's dictionaries too.
    EXPECT_NE(ki::describe_passage(dir / "sharded", articles[i].id).find(text), std::string::npos);
  }
  EXPECT_GT(compared, 50u);
}

// The block-max matcher over a set of local shards. Each page is asked three ways: of the one
// database, of the shards (the block-max matcher, with the whole set's statistics) and of the
// shards through Xapian's Enquire. The shards' page must be the one database's (ids among
// equal scores, scores to 1e-9) and Enquire's on the same shards (the same docids, so the same
// order, but for scores a rounding apart), for k 1, 10 and 100, collapsed or not, and a page
// from offset 5.
struct Page {
  std::vector<Ranked> hits;
  ks::SearchResults results;
};

Page page(ks::Searcher& searcher, const std::string& query, unsigned limit, unsigned offset,
          bool collapse, ks::SearchRequest::Matcher matcher) {
  ks::SearchRequest request;
  request.query = query;
  request.limit = limit;
  request.offset = offset;
  request.collapse = collapse;
  request.matcher = matcher;
  request.snippets = false;
  request.spelling = false;
  Page result;
  result.results = searcher.search(request);
  for (const ks::Hit& hit : result.results.hits) result.hits.push_back({hit.id, hit.score});
  return result;
}

// Xapian's own matcher over shards expands a wildcard in each shard and weighs each
// completion by its frequency in the first shard holding it (localsubmatch.cc in Xapian
// 1.4), so there Enquire on the shards ranks otherwise than one database, and the block-max
// matcher follows the one database: `differs_from_enquire` skips that comparison.
struct ShardQuery {
  std::string query;
  bool differs_from_enquire = false;
};

// Returns how many pages the block-max matcher answered on the shards.
unsigned expect_block_max_on_shards(const fs::path& one, const fs::path& sharded,
                                    const std::vector<ShardQuery>& queries) {
  using Matcher = ks::SearchRequest::Matcher;
  ks::Searcher single(one), shards(sharded);
  unsigned fast = 0;
  for (const ShardQuery& q : queries)
    for (const bool collapse : {true, false})
      for (const auto& [limit, offset] : {std::pair{1u, 0u}, {10u, 0u}, {100u, 0u}, {10u, 5u}}) {
        const std::string what = "'" + q.query + "' k " + std::to_string(limit) + " from " +
                                 std::to_string(offset) + (collapse ? "" : " (passages)");
        const Page expected = page(single, q.query, limit, offset, collapse, Matcher::Automatic);
        const Page actual = page(shards, q.query, limit, offset, collapse, Matcher::Automatic);
        const Page enquire = page(shards, q.query, limit, offset, collapse, Matcher::Xapian);
        // Where one database ranks with the block-max matcher, so do its shards.
        if (expected.results.matcher == "block-max") {
          EXPECT_EQ(actual.results.matcher, "block-max") << what;
        }
        if (actual.results.matcher != "block-max") continue;
        ++fast;
        if (offset == 0) {
          expect_same_ranking(expected.hits, actual.hits, what + " one database", limit);
        } else {  // a page may start inside a run of equal scores: the scores only
          EXPECT_EQ(expected.hits.size(), actual.hits.size()) << what;
          for (std::size_t i = 0; i < std::min(expected.hits.size(), actual.hits.size()); ++i)
            EXPECT_NEAR(expected.hits[i].score, actual.hits[i].score,
                        1e-9 * std::max(1.0, expected.hits[i].score))
                << what << " rank " << i + 1;
        }
        // The counts: the one database's when both are exact, and bounds around it.
        const auto& counts = actual.results;
        const auto& one = expected.results;
        EXPECT_LE(counts.matches_lower_bound, counts.estimated_matches) << what;
        EXPECT_GE(counts.matches_upper_bound, counts.estimated_matches) << what;
        if (one.matches_lower_bound == one.matches_upper_bound) {
          EXPECT_LE(counts.matches_lower_bound, one.estimated_matches) << what;
          EXPECT_GE(counts.matches_upper_bound, one.estimated_matches) << what;
          if (counts.matches_lower_bound == counts.matches_upper_bound) {
            EXPECT_EQ(counts.estimated_matches, one.estimated_matches) << what;
          }
        }
        if (q.differs_from_enquire) continue;
        EXPECT_EQ(enquire.hits.size(), actual.hits.size()) << what;
        const std::vector<Ranked>& hits = actual.hits;
        for (std::size_t i = 0; i < std::min(enquire.hits.size(), hits.size()); ++i) {
          // Equal scores may be computed a rounding apart: their order is then either's.
          const auto close = [](double a, double b) {
            return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(a));
          };
          const bool tied = (i > 0 && close(hits[i].score, hits[i - 1].score)) ||
                            (i + 1 < hits.size() && close(hits[i].score, hits[i + 1].score));
          if (!tied) {
            EXPECT_EQ(enquire.hits[i].id, hits[i].id) << what << " rank " << i + 1;
          }
          EXPECT_NEAR(enquire.hits[i].score, hits[i].score,
                      1e-9 * std::max(1.0, enquire.hits[i].score))
              << what << " rank " << i + 1;
        }
      }
  return fast;
}

TEST(ShardsBlockMax, SeedCorpusRanksAsOneDatabase) {
  TempDir dir;
  const auto files = ki::list_corpus_files({kSourceDir / "corpus"});
  index_both(dir / "one", dir / "sharded", [&](ki::IndexWriter& writer) {
    ki::index_corpus(files, writer, ki::CorpusOptions{});
  });
  // Words, Persian with its variants, aliases (MEK), a phrase, a field, - and +, NEAR, a
  // language filter and a wildcard.
  const std::vector<ShardQuery> queries = {{"Rajavi"},
                                           {"Iran"},
                                           {"mojahedin khalq"},
                                           {"مجاهدين"},
                                           {"Maryam Rajavi leader"},
                                           {"\"people's mujahedin\""},
                                           {"MEK Iran"},
                                           {"title:mujahedin"},
                                           {"Iran -Rajavi"},
                                           {"+Khomeini revolution"},
                                           {"Rajavi NEAR/5 Massoud"},
                                           {"Islamic Republic operation"},
                                           {"Iran lang:en"},
                                           {"mojah*", true}};
  const unsigned fast = expect_block_max_on_shards(dir / "one", dir / "sharded", queries);
  EXPECT_GE(fast, 60u);  // most pages went through the block-max matcher
}

TEST(ShardsBlockMax, CranfieldRanksAsOneDatabase) {
  const fs::path collection = kDataDir / "cranfield" / "cran.all.1400";
  if (!fs::exists(collection)) GTEST_SKIP() << "no Cranfield data at " << collection;
  TempDir dir;
  index_both(dir / "one", dir / "sharded", [&](ki::IndexWriter& writer) {
    WriterListener listener(writer);
    ki::read_file(collection, ki::Format::Smart, "cran.all.1400", collection.string(), listener);
  });
  const unsigned fast = expect_block_max_on_shards(dir / "one", dir / "sharded",
                                                   {{"boundary layer"},
                                                    {"heat transfer at supersonic speeds"},
                                                    {"shock wave interaction"},
                                                    {"laminar flow over a flat plate"},
                                                    {"aerodynamic heating"},
                                                    {"buckling of thin cylinders"},
                                                    {"\"boundary layer\" separation"},
                                                    {"flow NEAR/3 pressure"},
                                                    {"+supersonic -heat flow"},
                                                    {"title:boundary layer"},
                                                    {"the"},
                                                    {"turbul*", true}});
  EXPECT_GE(fast, 80u);
}

TEST(ShardsBlockMax, AGeneratedCorpusRanksAsOneDatabase) {
  TempDir dir;
  const std::vector<ki::Article> articles = generated_articles(1500);
  index_both(dir / "one", dir / "sharded", [&](ki::IndexWriter& writer) {
    for (const ki::Article& article : articles) writer.add(article);
  });
  // Words of every frequency (the generator draws them Zipf-like), pairs, a phrase of two
  // neighbouring words, a NEAR, a title word, a required and an excluded word, a wildcard.
  const auto word = [&](std::size_t article, std::size_t n) {
    std::istringstream text(articles[article].passages[0].text);
    std::string w;
    for (std::size_t i = 0; i <= n; ++i) text >> w;
    return w;
  };
  std::vector<ShardQuery> queries;
  for (std::size_t i = 0; i < 6; ++i) queries.push_back({word(i * 250, 0)});
  queries.push_back({word(77, 0) + " " + word(77, 1)});
  queries.push_back({word(10, 0) + " " + word(20, 2) + " " + word(30, 4)});
  queries.push_back({"\"" + word(99, 2) + " " + word(99, 3) + "\""});
  queries.push_back({word(5, 1) + " NEAR/4 " + word(5, 3)});
  queries.push_back({"title:" + articles[3].title.substr(0, articles[3].title.find(' '))});
  queries.push_back({"+" + word(40, 0) + " " + word(41, 0) + " -" + word(42, 0)});
  queries.push_back({word(60, 0).substr(0, 2) + "*", true});
  const unsigned fast = expect_block_max_on_shards(dir / "one", dir / "sharded", queries);
  EXPECT_GE(fast, 80u);
}

// A shard whose match data is not for its revision (the shard committed since; another
// shard's file) or missing sends the search to Xapian's matcher, which says so, with the page
// the block-max matcher gave.
TEST(ShardsBlockMax, AShardWithoutValidMatchDataFallsBackToEnquire) {
  TempDir dir;
  const std::vector<ki::Article> articles = generated_articles(600);
  index_both(dir / "one", dir / "sharded", [&](ki::IndexWriter& writer) {
    for (const ki::Article& article : articles) writer.add(article);
  });
  const std::vector<fs::path> shards = ki::index_shards(dir / "sharded");
  const std::string query = articles[7].title;
  const auto search = [&] {
    ks::Searcher searcher(dir / "sharded");
    return page(searcher, query, 10, 0, true, ks::SearchRequest::Matcher::Automatic);
  };
  const Page fast = search();
  ASSERT_EQ(fast.results.matcher, "block-max");
  ASSERT_FALSE(fast.hits.empty());
  {  // a commit of metadata alone: a new revision, the same documents
    Xapian::WritableDatabase shard(shards[1].string(), Xapian::DB_OPEN);
    shard.set_metadata("kavosh-test", "a new revision");
    shard.commit();
  }
  const std::string fallback_matcher =
      "xapian (no match data for shard " + shards[1].string() + "'s revision)";
  const Page stale = search();
  EXPECT_EQ(stale.results.matcher, fallback_matcher);
  const fs::path file = ki::match_data_path(shards[1]);
  fs::copy_file(ki::match_data_path(shards[0]), file, fs::copy_options::overwrite_existing);
  const Page foreign = search();
  EXPECT_EQ(foreign.results.matcher, fallback_matcher);
  fs::remove(file);
  const Page missing = search();
  EXPECT_EQ(missing.results.matcher, fallback_matcher);
  for (const Page* fallback : {&stale, &foreign, &missing}) {
    ASSERT_EQ(fallback->hits.size(), fast.hits.size());
    for (std::size_t i = 0; i < fast.hits.size(); ++i) {
      EXPECT_EQ(fallback->hits[i].id, fast.hits[i].id) << "rank " << i + 1;
      EXPECT_NEAR(fallback->hits[i].score, fast.hits[i].score, 1e-9 * fast.hits[i].score);
    }
  }
}

// A small sharded index for the fault tests.
fs::path small_sharded_index(const TempDir& dir) {
  const fs::path db = dir / "sharded";
  ki::WriterOptions options;
  options.index_shards = 2;
  options.body_positions_in_xapian = true;  // served by xapian-tcpsrv
  ki::IndexWriter writer(db, options);
  for (const ki::Article& article : generated_articles(200)) writer.add(article);
  writer.commit();
  return db;
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

// kavosh-serve's /stats figures are the index's, not its first shard's: Xapian reads a
// combined database's metadata from the first database only.
TEST(Shards, TheSummaryCountsEveryShardAsKavoshIndexStatsDoes) {
  TempDir dir;
  const fs::path db = small_sharded_index(dir);
  const ki::DatabaseSummary expected = ki::summarize_database(db);
  const ks::IndexSummary summary = ks::Searcher(db).summary();
  EXPECT_EQ(summary.passages, expected.passages);
  ASSERT_TRUE(summary.articles);
  EXPECT_EQ(*summary.articles, expected.articles);
  EXPECT_EQ(*summary.articles, 200u);
  EXPECT_EQ(summary.total_length, expected.total_length);
  EXPECT_FALSE(summary.revision);  // several databases have no one revision
}

TEST(Shards, ARemoteShardKilledMidRunIsNamedInTheError) {
  TempDir dir;
  const fs::path db = small_sharded_index(dir);
  Servers servers = serve(db);
  ks::Searcher searcher(servers.sources);
  ks::SearchRequest request;
  request.query = generated_articles(1)[0].title;
  EXPECT_FALSE(searcher.search(request).hits.empty());
  servers.running[1]->kill();
  const std::string error = error_of([&] { searcher.search(request); });
  EXPECT_NE(error.find("stopped answering"), std::string::npos) << error;
  EXPECT_NE(error.find(servers.sources.remote[1]), std::string::npos) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

TEST(Shards, ARemoteShardThatDoesNotAnswerIsNamed) {
  const std::string address = "127.0.0.1:" + std::to_string(free_port());
  const std::string error = error_of([&] {
    ks::Searcher searcher(ks::IndexSources{{}, {address}});
  });
  EXPECT_EQ(error,
            "shard remote " + address + " does not answer: Couldn't connect (Connection refused)");
}

TEST(Shards, AShardOfAnotherSchemaIsNamed) {
  TempDir dir;
  const fs::path db = small_sharded_index(dir);
  const fs::path shard = ki::index_shards(db)[1];
  {
    Xapian::WritableDatabase writable(shard.string(), Xapian::DB_OPEN);
    writable.set_metadata(std::string(ki::schema::kMetaSchemaVersion), "1");
    writable.commit();
  }
  const std::string local = error_of([&] { ks::Searcher searcher(db); });
  EXPECT_NE(local.find("shard " + shard.string() + " has index schema 1"), std::string::npos)
      << local;
  Servers servers = serve(db);
  const std::string remote = error_of([&] { ks::Searcher searcher(servers.sources); });
  EXPECT_NE(remote.find("shard remote " + servers.sources.remote[1] + " has index schema 1"),
            std::string::npos)
      << remote;
}

// xapian-tcpsrv checks a shard's phrases with Xapian's positions: a shard indexed without those
// of its body words is refused when served remotely, naming it and the way out; searched
// locally it answers.
TEST(Shards, ARemoteShardWithoutXapiansBodyPositionsIsRefused) {
  TempDir dir;
  const fs::path db = dir / "sharded";
  {
    ki::WriterOptions options;
    options.index_shards = 2;
    ki::IndexWriter writer(db, options);
    for (const ki::Article& article : generated_articles(60)) writer.add(article);
    writer.commit();
  }
  ks::Searcher local(db);
  ks::SearchRequest request;
  request.query = "\"" + generated_articles(1).front().passages.front().text.substr(0, 20) + "\"";
  EXPECT_NO_THROW(local.search(request));
  Servers servers = serve(db);
  const std::string remote = error_of([&] { ks::Searcher searcher(servers.sources); });
  EXPECT_NE(remote.find("shard remote " + servers.sources.remote[0] +
                        " was indexed without Xapian's positions of body words"),
            std::string::npos)
      << remote;
  EXPECT_NE(remote.find("kavosh-index --rebuild --xapian-positions"), std::string::npos) << remote;
}

TEST(Shards, AStubNamingAMissingShardSaysWhichLine) {
  TempDir dir;
  const fs::path db = small_sharded_index(dir);
  const fs::path stub = dir / "set.stub";
  {
    std::ofstream out(stub);
    out << "# two shards\nglass sharded/shard-0\nglass sharded/shard-7\n";
  }
  EXPECT_EQ(error_of([&] { ks::Searcher searcher(stub); }),
            stub.string() + ":3: shard not found: " + (dir / "sharded/shard-7").string());
  {
    std::ofstream out(stub);
    out << "remote tcp 127.0.0.1 33333\n";
  }
  EXPECT_EQ(error_of([&] { ks::Searcher searcher(stub); }),
            stub.string() + ":1: a remote shard is \"remote HOST:PORT\"");
}

// A stub file can mix local and remote shards, and the command line says which shard failed
// in one line, exit 1.
TEST(Shards, TheCommandLineSearchesAStubOfLocalAndRemoteShards) {
  TempDir dir;
  const fs::path db = small_sharded_index(dir);
  const std::vector<fs::path> shards = ki::index_shards(db);
  ShardServer server(shards[1]);
  const fs::path stub = dir / "mixed.stub";
  {
    std::ofstream out(stub);
    out << "glass " << shards[0].string() << "\nremote " << server.address() << "\n";
  }
  const std::string query = generated_articles(1)[0].title;
  const auto mixed = kavosh::testing::run_process(
      KAVOSH_SEARCH_BINARY, {"--db", stub.string(), "--trec", "--limit", "5", query}, dir.path());
  ASSERT_EQ(mixed.exit_code, 0) << mixed.err;
  const auto local = kavosh::testing::run_process(
      KAVOSH_SEARCH_BINARY, {"--db", db.string(), "--trec", "--limit", "5", query}, dir.path());
  ASSERT_EQ(local.exit_code, 0) << local.err;
  EXPECT_EQ(mixed.out, local.out);
  EXPECT_FALSE(mixed.out.empty());
  // Kavosh's own LM weight ranks the local shards; a remote one's server would not know it
  // (a server of its own: each serves one connection).
  ShardServer lm_server(shards[1]);
  const fs::path lm_stub = dir / "lm.stub";
  {
    std::ofstream out(lm_stub);
    out << "glass " << shards[0].string() << "\nremote " << lm_server.address() << "\n";
  }
  const auto lm = kavosh::testing::run_process(
      KAVOSH_SEARCH_BINARY, {"--db", lm_stub.string(), "--model", "lm", query}, dir.path());
  EXPECT_EQ(lm.exit_code, 2) << lm.err;
  EXPECT_EQ(lm.err,
            "kavosh-search: model lm is Kavosh's own weighting scheme, which remote shards "
            "(xapian-tcpsrv) do not know: choose another model\n");
  const auto local_lm = kavosh::testing::run_process(
      KAVOSH_SEARCH_BINARY, {"--db", db.string(), "--model", "lm", "--trec", query}, dir.path());
  EXPECT_EQ(local_lm.exit_code, 0) << local_lm.err;
  EXPECT_FALSE(local_lm.out.empty());

  const std::string nobody = "127.0.0.1:" + std::to_string(free_port());
  const auto refused = kavosh::testing::run_process(
      KAVOSH_SEARCH_BINARY, {"--db", db.string(), "--remote", nobody, query}, dir.path());
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err, "kavosh-search: shard remote " + nobody +
                             " does not answer: Couldn't connect (Connection refused)\n");
}

}  // namespace
