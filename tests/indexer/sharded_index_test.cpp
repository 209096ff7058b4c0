// A sharded index (kavosh-index --shards N): N shard databases kept apart and named by the
// index directory's stub, so that Xapian opens the directory as one index; every run writes
// the shards; re-sharding is a rebuild; --stats and --compact see the shards.
#include <gtest/gtest.h>
#include <xapian.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "kavosh/format/match_data.hpp"
#include "kavosh/format/schema.hpp"
#include "kavosh/format/term_filter.hpp"
#include "kavosh/index/database_info.hpp"
#include "kavosh/index/writer.hpp"
#include "test_support.hpp"

namespace kavosh::index {
namespace {

using testing::passages_of;
using testing::TempDir;

Article numbered_article(int number, unsigned passages) {
  Article article;
  article.id = "doc-" + std::to_string(number);
  article.title = "Article " + std::to_string(number);
  article.language = "en";
  article.source = "generated";
  for (unsigned i = 0; i < passages; ++i) {
    Passage passage;
    passage.text = "The Karun river passage " + std::to_string(i) + " of article number " +
                   std::to_string(number) + (number % 3 == 0 ? " flows through Ahvaz" : "");
    article.passages.push_back(passage);
  }
  return article;
}

// Articles whose ids fall in different blocks of 64, so every shard gets some.
constexpr int kArticles = 300;
int article_number(int i) { return i * 37; }

void write_articles(const std::filesystem::path& db, WriterOptions options) {
  IndexWriter writer(db, options);
  writer.add_alias_group({"MEK", "PMOI"});
  for (int i = 0; i < kArticles; ++i) writer.add(numbered_article(article_number(i), 1 + i % 3));
  writer.commit();
}

WriterOptions sharded(unsigned shards) {
  WriterOptions options;
  options.index_shards = shards;
  options.batch_passages = 50;
  return options;
}

TEST(ShardedIndex, HoldsWhatOneDatabaseHoldsInShardsKeptApart) {
  TempDir dir;
  write_articles(dir / "one", WriterOptions{});
  write_articles(dir / "sharded", sharded(3));

  const std::vector<std::filesystem::path> shards = index_shards(dir / "sharded");
  ASSERT_EQ(shards.size(), 3u);
  EXPECT_EQ(shards[0], schema::index_shard_path(dir / "sharded", 0));
  EXPECT_TRUE(unmerged_shards(dir / "sharded").empty());
  // The stub makes the directory one index for every Xapian tool.
  const Xapian::Database one((dir / "one").string()), all((dir / "sharded").string());
  EXPECT_EQ(passages_of(all), passages_of(one));
  EXPECT_EQ(all.get_doccount(), one.get_doccount());
  EXPECT_EQ(all.get_total_length(), one.get_total_length());

  // Each article is whole in one shard, each shard holds some, and the article counts add up.
  std::uint64_t articles = 0;
  std::set<std::string> seen;
  for (const auto& path : shards) {
    const Xapian::Database shard(path.string());
    EXPECT_GT(shard.get_doccount(), 0u) << path;
    articles += std::stoull(shard.get_metadata(std::string(schema::kMetaArticleCount)));
    for (const auto& [id, description] : passages_of(shard)) {
      EXPECT_TRUE(seen.insert(id).second) << id << " in two shards";
    }
    // Each shard is a whole index of its own: its side files describe it.
    EXPECT_TRUE(TermFilter::read(term_filter_path(path), shard).has_value()) << path;
    EXPECT_TRUE(MatchData::read(match_data_path(path), shard).has_value()) << path;
  }
  EXPECT_EQ(articles, static_cast<std::uint64_t>(kArticles));
  EXPECT_FALSE(std::filesystem::exists(term_filter_path(dir / "sharded")));
  EXPECT_FALSE(std::filesystem::exists(match_data_path(dir / "sharded")));
  EXPECT_TRUE(std::filesystem::is_directory(schema::spelling_path(dir / "sharded")));

  const DatabaseSummary summary = summarize_database(dir / "sharded");
  EXPECT_EQ(summary.articles, static_cast<std::uint64_t>(kArticles));
  EXPECT_EQ(summary.shard_passages.size(), 3u);
  EXPECT_NE(format_summary(summary).find("shards: 3 (passages: "), std::string::npos);
  EXPECT_TRUE(summarize_database(dir / "one").shard_passages.empty());
}

TEST(ShardedIndex, SummaryTellsWhereTheBytesGoInOneDatabaseAndInShards) {
  TempDir dir;
  write_articles(dir / "one", WriterOptions{});
  write_articles(dir / "sharded", sharded(3));
  const std::vector<std::string> order = {
      "positions",  "postings and values", "termlists", "document data",
      "match data", "term filter",         "spelling",  "other"};
  for (const char* name : {"one", "sharded"}) {
    const DatabaseSummary summary = summarize_database(dir / name);
    std::uint64_t summed = 0;
    std::size_t last = 0;
    std::map<std::string, std::uint64_t> parts;
    for (const auto& [part, bytes] : summary.parts) {
      const auto at = std::find(order.begin(), order.end(), part);
      ASSERT_NE(at, order.end()) << part;
      EXPECT_GE(static_cast<std::size_t>(at - order.begin()), last) << part << " out of order";
      last = static_cast<std::size_t>(at - order.begin());
      EXPECT_GT(bytes, 0u) << part;
      summed += bytes;
      parts[part] = bytes;
    }
    EXPECT_EQ(summed, summary.bytes_on_disk) << name;
    for (const char* part :
         {"positions", "postings and values", "termlists", "match data", "spelling"})
      EXPECT_TRUE(parts.contains(part)) << name << ": " << part;
    // The records are values, which live in the postings table.
    EXPECT_GT(summary.record_bytes, 0u) << name;
    EXPECT_LT(summary.record_bytes, parts["postings and values"]);
    EXPECT_NE(format_summary(summary).find("\n  postings and values: "), std::string::npos);
    EXPECT_NE(format_summary(summary).find(" (stored records "), std::string::npos);
    // The match data's parts sum to its files' bytes, and each is there.
    std::uint64_t match_parts = 0;
    for (const auto& [part, bytes] : summary.match_data_parts) {
      EXPECT_GT(bytes, 0u) << name << ": " << part;
      match_parts += bytes;
    }
    EXPECT_EQ(summary.match_data_parts.size(), 5u) << name;
    EXPECT_EQ(match_parts, parts["match data"]) << name;
    EXPECT_NE(format_summary(summary).find(", token sequences "), std::string::npos);
  }
}

TEST(ShardedIndex, UpdatesAndDeletesGoToTheArticlesShard) {
  TempDir dir;
  write_articles(dir / "one", WriterOptions{});
  write_articles(dir / "sharded", sharded(2));
  for (const char* name : {"one", "sharded"}) {
    IndexWriter writer(dir / name);  // no --shards: a sharded index stays as it is
    EXPECT_TRUE(writer.remove("doc-" + std::to_string(article_number(10))));
    writer.add(numbered_article(article_number(11), 1));  // was 3 passages
    writer.add(numbered_article(999999, 2));              // new
    writer.commit();
  }
  ASSERT_EQ(index_shards(dir / "sharded").size(), 2u);
  const Xapian::Database one((dir / "one").string()), all((dir / "sharded").string());
  EXPECT_EQ(passages_of(all), passages_of(one));
  EXPECT_EQ(summarize_database(dir / "sharded").articles, summarize_database(dir / "one").articles);
}

TEST(ShardedIndex, ReshardingIsARebuildAndAnotherCountWithoutOneIsRefused) {
  TempDir dir;
  write_articles(dir / "db", sharded(2));
  try {
    IndexWriter writer(dir / "db", sharded(4));
    FAIL() << "opened 2 shards as 4";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("has 2 shards; re-shard it with --rebuild --shards 4"),
              std::string::npos)
        << e.what();
  }
  WriterOptions rebuild = sharded(4);
  rebuild.rebuild = true;
  write_articles(dir / "db", rebuild);
  ASSERT_EQ(index_shards(dir / "db").size(), 4u);
  EXPECT_EQ(summarize_database(dir / "db").articles, static_cast<std::uint64_t>(kArticles));

  // An index that is not sharded is not sharded by a run that adds to it.
  write_articles(dir / "plain", WriterOptions{});
  EXPECT_THROW(IndexWriter(dir / "plain", sharded(2)), std::runtime_error);
  // --rebuild --shards 1 makes it one database again.
  WriterOptions unshard = sharded(1);
  unshard.rebuild = true;
  write_articles(dir / "db", unshard);
  EXPECT_TRUE(index_shards(dir / "db").empty());
  EXPECT_FALSE(std::filesystem::exists(schema::index_shard_path(dir / "db", 0)));
  EXPECT_EQ(Xapian::Database((dir / "db").string()).get_doccount(),
            Xapian::Database((dir / "plain").string()).get_doccount());
}

TEST(ShardedIndex, CompactingKeepsTheShardsApart) {
  TempDir dir;
  write_articles(dir / "db", sharded(2));
  const auto before = passages_of(Xapian::Database((dir / "db").string()));
  compact_database(dir / "db");
  const std::vector<std::filesystem::path> shards = index_shards(dir / "db");
  ASSERT_EQ(shards.size(), 2u);
  EXPECT_EQ(passages_of(Xapian::Database((dir / "db").string())), before);
  for (const auto& path : shards) {
    const Xapian::Database shard(path.string());
    EXPECT_TRUE(MatchData::read(match_data_path(path), shard).has_value()) << path;
  }
}

TEST(ShardedIndex, TheCommandLineShardsAndSaysSo) {
  TempDir dir;
  testing::write_file(dir / "a.jsonl",
                      "{\"id\":\"a1\",\"title\":\"One\",\"text\":\"Karun river\"}\n"
                      "{\"id\":\"a200\",\"title\":\"Two\",\"text\":\"Ahvaz city\"}\n"
                      "{\"id\":\"b7\",\"title\":\"Three\",\"text\":\"Zagros mountains\"}\n");
  const std::string db = (dir / "db").string();
  auto result =
      testing::run_indexer({"--db", db, "--shards", "2", "-q", (dir / "a.jsonl").string()}, dir);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(index_shards(dir / "db").size(), 2u);
  result = testing::run_indexer({"--db", db, "--stats"}, dir);
  EXPECT_NE(result.out.find("articles: 3\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("shards: 2 "), std::string::npos) << result.out;
  result =
      testing::run_indexer({"--db", db, "--shards", "3", "-q", (dir / "a.jsonl").string()}, dir);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("re-shard it with --rebuild --shards 3"), std::string::npos)
      << result.err;
  result = testing::run_indexer({"--db", db, "--shards", "0", "--stats"}, dir);
  EXPECT_EQ(result.exit_code, 2) << result.err;
}

}  // namespace
}  // namespace kavosh::index
