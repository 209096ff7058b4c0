// A rebuild of an existing index is written beside it and swapped in when it closes
// (indexer/src/staged_rebuild.hpp): readers see the old index until then, a rebuild that never
// closes leaves the old index as it was, and what it left is removed by the next run.
#include "staged_rebuild.hpp"

#include <gtest/gtest.h>
#include <xapian.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "kavosh/format/schema.hpp"
#include "kavosh/format/term_filter.hpp"
#include "kavosh/index/database_info.hpp"
#include "kavosh/index/writer.hpp"
#include "test_support.hpp"

namespace kavosh::index {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

Article article_with(const std::string& id, const std::string& word) {
  Article article;
  article.id = id;
  article.title = "Rivers of Persia";
  article.language = "en";
  Passage passage;
  passage.text = "The Karun river flows through Ahvaz past " + word;
  article.passages.push_back(passage);
  return article;
}

void write_index(const fs::path& db, const std::string& id, const std::string& word,
                 WriterOptions options = {}) {
  IndexWriter writer(db, options);
  writer.add(article_with(id, word));
  writer.close();
}

bool holds(const fs::path& db, const std::string& id) {
  return Xapian::Database(db.string()).term_exists(schema::id_term(schema::kPassageId, id + "#0"));
}

Xapian::doccount spelling_frequency(const fs::path& db, const std::string& word) {
  const Xapian::Database dictionary(schema::spelling_path(db).string());
  auto it = dictionary.spellings_begin();
  it.skip_to(word);
  return it != dictionary.spellings_end() && *it == word ? it.get_termfreq() : 0;
}

WriterOptions rebuild_options() {
  WriterOptions options;
  options.rebuild = true;
  return options;
}

TEST(StagedRebuild, ReadersSeeTheOldIndexUntilTheRebuildClosesThenOnlyTheNewOne) {
  TempDir dir;
  const fs::path db = dir / "db";
  write_index(db, "old", "oldword");
  {
    IndexWriter writer(db, rebuild_options());
    writer.add(article_with("new", "newword"));
    writer.commit();
    EXPECT_TRUE(holds(db, "old"));
    EXPECT_FALSE(holds(db, "new"));
    EXPECT_TRUE(fs::exists(staging_path(db)));
    writer.close();
    EXPECT_THROW(writer.add(article_with("late", "lateword")), std::logic_error);
  }
  EXPECT_FALSE(holds(db, "old"));
  EXPECT_TRUE(holds(db, "new"));
  EXPECT_FALSE(fs::exists(staging_path(db)));
  // The side files came with it: the dictionary knows the new words only.
  EXPECT_GT(spelling_frequency(db, "newword"), 0u);
  EXPECT_EQ(spelling_frequency(db, "oldword"), 0u);
  EXPECT_TRUE(fs::exists(term_filter_path(db)));
}

TEST(StagedRebuild, AShardedIndexIsRebuiltBesideItToo) {
  TempDir dir;
  const fs::path db = dir / "db";
  WriterOptions sharded;
  sharded.index_shards = 2;
  write_index(db, "old", "oldword", sharded);
  WriterOptions rebuild = rebuild_options();
  rebuild.index_shards = 3;
  IndexWriter writer(db, rebuild);
  writer.add(article_with("new", "newword"));
  writer.commit();
  EXPECT_EQ(index_shards(db).size(), 2u);
  EXPECT_TRUE(holds(db, "old"));
  writer.close();
  EXPECT_EQ(index_shards(db).size(), 3u);
  EXPECT_TRUE(holds(db, "new"));
  EXPECT_FALSE(holds(db, "old"));
}

// An error that unwinds the run (a reader's fatal error, say) leaves the old index; the next
// run, rebuild or not, removes what the failed one left once it holds the index's locks.
TEST(StagedRebuild, AFailedRebuildLeavesTheOldIndexAndTheNextRunRemovesItsStaging) {
  TempDir dir;
  const fs::path db = dir / "db";
  write_index(db, "old", "oldword");
  try {
    IndexWriter writer(db, rebuild_options());
    writer.add(article_with("new", "newword"));
    writer.commit();
    throw std::runtime_error("input.jsonl: cannot be read");
  } catch (const std::runtime_error&) {
  }
  EXPECT_TRUE(holds(db, "old"));
  EXPECT_FALSE(holds(db, "new"));
  ASSERT_TRUE(fs::exists(staging_path(db)));
  write_index(db, "more", "moreword");
  EXPECT_FALSE(fs::exists(staging_path(db)));
  EXPECT_TRUE(holds(db, "old"));
  EXPECT_TRUE(holds(db, "more"));
}

TEST(StagedRebuild, ARebuildAndAnotherWriterExcludeEachOther) {
  TempDir dir;
  const fs::path db = dir / "db";
  write_index(db, "old", "oldword");
  {
    IndexWriter writer(db);
    EXPECT_THROW(IndexWriter(db, rebuild_options()), DatabaseLocked);
  }
  IndexWriter rebuild(db, rebuild_options());
  rebuild.add(article_with("new", "newword"));
  rebuild.commit();
  EXPECT_THROW(IndexWriter{db}, DatabaseLocked);
  EXPECT_THROW(IndexWriter(db, rebuild_options()), DatabaseLocked);
  EXPECT_TRUE(fs::exists(staging_path(db) / schema::kShardStub)) << "a locked-out run removed it";
  rebuild.close();
  EXPECT_TRUE(holds(db, "new"));
}

// Without RENAME_EXCHANGE the old index is renamed aside, then the new one into place; a kill
// between the two renames leaves no index directory, and the next run finishes the swap.
TEST(StagedRebuild, TwoRenamesWhereExchangeIsMissingAndAKillBetweenThemIsFinishedNext) {
  TempDir dir;
  const fs::path db = dir / "db";
  write_index(db, "old", "oldword");
  {
    auto staged = StagedRebuild::begin(db);
    ASSERT_TRUE(staged.has_value());
    write_index(staged->directory(), "new", "newword");
    staged->publish(false);
  }
  EXPECT_TRUE(holds(db, "new"));
  EXPECT_FALSE(fs::exists(staging_path(db)));
  EXPECT_FALSE(fs::exists(replaced_path(db)));

  // The state a kill after the first rename leaves.
  {
    auto staged = StagedRebuild::begin(db);
    ASSERT_TRUE(staged.has_value());
    write_index(staged->directory(), "newer", "newerword");
  }
  fs::rename(db, replaced_path(db));
  write_index(db, "more", "moreword");  // a plain run
  EXPECT_TRUE(holds(db, "newer"));
  EXPECT_TRUE(holds(db, "more"));
  EXPECT_FALSE(holds(db, "new"));
  EXPECT_FALSE(fs::exists(replaced_path(db)));
  EXPECT_FALSE(fs::exists(staging_path(db)));
}

// --compact writes its copy where a rebuild would and swaps it in the same way: nothing is
// left beside the index, and a compaction killed between the two renames of a file system
// without RENAME_EXCHANGE is finished by the next compaction (or run).
TEST(StagedRebuild, ACompactionIsSwappedInAsARebuildIs) {
  TempDir dir;
  const fs::path db = dir / "db";
  write_index(db, "old", "oldword");
  compact_database(db);
  EXPECT_TRUE(holds(db, "old"));
  EXPECT_FALSE(fs::exists(staging_path(db)));
  EXPECT_FALSE(fs::exists(replaced_path(db)));

  // The state such a kill leaves: the compacted copy complete, the index moved aside.
  Xapian::Database(db.string()).compact(staging_path(db).string());
  fs::rename(db, replaced_path(db));
  compact_database(db);
  EXPECT_TRUE(holds(db, "old"));
  EXPECT_FALSE(fs::exists(staging_path(db)));
  EXPECT_FALSE(fs::exists(replaced_path(db)));
}

// The state of a kill between the two renames, with the new index then removed by hand: the
// old one goes back in place rather than be lost to a new empty index.
TEST(StagedRebuild, AnIndexMovedAsideWithNoNewOneToReplaceItGoesBack) {
  TempDir dir;
  const fs::path db = dir / "db";
  write_index(db, "old", "oldword");
  fs::rename(db, replaced_path(db));
  write_index(db, "more", "moreword");
  EXPECT_TRUE(holds(db, "old"));
  EXPECT_TRUE(holds(db, "more"));
  EXPECT_FALSE(fs::exists(replaced_path(db)));
}

TEST(StagedRebuild, ADirectoryOfTheStagingNameThatIsNotAnIndexIsNeverRemoved) {
  TempDir dir;
  const fs::path db = dir / "db";
  write_index(db, "old", "oldword");
  fs::create_directories(staging_path(db));
  testing::write_file(staging_path(db) / "notes.txt", "mine");
  try {
    IndexWriter writer(db, rebuild_options());
    FAIL() << "a rebuild wrote over " << staging_path(db);
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              staging_path(db).string() +
                  " exists and is not a Kavosh index: a rebuild writes the new index there while "
                  "the old one serves searches; move it away");
  }
  write_index(db, "more", "moreword");
  EXPECT_TRUE(fs::exists(staging_path(db) / "notes.txt"));
  EXPECT_TRUE(holds(db, "old"));
  // Nor one of the name the two-rename swap uses.
  fs::create_directories(replaced_path(db));
  testing::write_file(replaced_path(db) / "notes.txt", "mine");
  write_index(db, "again", "againword");
  EXPECT_TRUE(fs::exists(replaced_path(db) / "notes.txt"));
}

TEST(StagedRebuild, TheStagingDirectoryIsASiblingOfTheIndexHoweverItIsNamed) {
  TempDir dir;
  fs::create_directories(dir / "db");
  fs::create_symlink(dir / "db", dir / "link");
  const fs::path expected = fs::canonical(dir.path()) / "db.rebuild";
  EXPECT_EQ(staging_path(dir / "db"), expected);
  EXPECT_EQ(staging_path(dir / "db" / ""), expected);
  EXPECT_EQ(staging_path(dir / "link"), expected);
  EXPECT_EQ(staging_path(dir / "db" / "."), expected);
}

// Nothing to keep: a new index, or a directory that holds none, is written in place.
TEST(StagedRebuild, ARebuildOfNoIndexIsWrittenInPlace) {
  TempDir dir;
  EXPECT_FALSE(StagedRebuild::begin(dir / "db").has_value());
  fs::create_directories(dir / "db");
  EXPECT_FALSE(StagedRebuild::begin(dir / "db").has_value());
  write_index(dir / "db", "new", "newword", rebuild_options());
  EXPECT_TRUE(holds(dir / "db", "new"));
  EXPECT_FALSE(fs::exists(staging_path(dir / "db")));
}

}  // namespace
}  // namespace kavosh::index
