// The real kavosh-index binary, run as a user would: exit codes and messages, summary,
// --stats/--show/--delete/--compact/--strict, the lock error, and kill-and-resume.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "kavosh/format/schema.hpp"
#include "kavosh/index/database_info.hpp"
#include "kavosh/index/writer.hpp"
#include "test_support.hpp"

namespace kavosh::index {
namespace {

using testing::kFixtures;
using testing::run_indexer;
using testing::TempDir;

const std::filesystem::path kCorpus = KAVOSH_CORPUS_DIR;

TEST(KavoshIndexCli, IndexesTheSeedCorpusWithItsAliases) {
  TempDir dir;
  const auto db = (dir / "db").string();
  const auto result = run_indexer({"--db", db, kCorpus.string()}, dir);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out.rfind("indexed 1 article as ", 0), 0u) << result.out;
  EXPECT_NE(result.out.find(" from 2 files"), std::string::npos)
      << result.out;  // article + aliases.tsv
  EXPECT_NE(result.out.find("docs/s"), std::string::npos);
  EXPECT_EQ(result.err, "");  // no progress line when stderr is not a terminal
  Xapian::Database database(db);
  EXPECT_GT(database.get_doccount(), 5u);
  EXPECT_NE(database.synonyms_begin("mek"), database.synonyms_end("mek"));
}

TEST(KavoshIndexCli, RerunningTheSameCommandLeavesTheSameDatabase) {
  TempDir dir;
  const auto db = (dir / "db").string();
  const std::vector<std::string> command = {"--db",
                                            db,
                                            "--quiet",
                                            (kFixtures / "collection").string(),
                                            (kFixtures / "pages.xml").string(),
                                            kCorpus.string()};
  ASSERT_EQ(run_indexer(command, dir).exit_code, 0);
  const std::string first = testing::dump_database(db);
  ASSERT_EQ(run_indexer(command, dir).exit_code, 0);
  EXPECT_EQ(testing::dump_database(db), first);
}

TEST(KavoshIndexCli, UsageAndRuntimeErrorsAreOneLine) {
  TempDir dir;
  testing::write_file(dir / "a-file", "x");
  const struct {
    std::vector<std::string> arguments;
    int exit_code;
    std::string err;
  } cases[] = {
      {{"--db", (dir / "db").string()},
       2,
       "kavosh-index: no input paths (usage: kavosh-index --db DIR [--rebuild] PATH...)\n"},
      {{"--db", (dir / "db").string(), (dir / "missing").string()},
       1,
       "kavosh-index: no such file or directory: " + (dir / "missing").string() + "\n"},
      {{"--db", (dir / "a-file").string(), kCorpus.string()},
       1,
       "kavosh-index: database path is not a directory: " + (dir / "a-file").string() + "\n"},
      {{"--db", (dir / "db").string(), "--format", "pdf", kCorpus.string()},
       2,
       "kavosh-index: unknown --format pdf\n"},
  };
  for (const auto& c : cases) {
    const auto result = run_indexer(c.arguments, dir);
    EXPECT_EQ(result.exit_code, c.exit_code) << c.arguments.back();
    EXPECT_EQ(result.err, c.err);
    EXPECT_EQ(result.out, "");
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "db"));  // nothing half-written
  const auto no_db = run_indexer({kCorpus.string()}, dir);
  EXPECT_EQ(no_db.exit_code, 2);
}

// --xapian-positions keeps body words' positions in Xapian's table (what an index served by
// xapian-tcpsrv needs), --stats says so, a later run keeps the index's layout, and a rebuild
// without the flag drops them.
TEST(KavoshIndexCli, XapianPositionsAreKeptWhereAskedUntilARebuild) {
  TempDir dir;
  const auto db = (dir / "db").string();
  ASSERT_EQ(
      run_indexer({"--db", db, "--quiet", "--xapian-positions", kCorpus.string()}, dir).exit_code,
      0);
  ASSERT_EQ(run_indexer({"--db", db, "--quiet", kCorpus.string()}, dir).exit_code, 0);
  EXPECT_NE(run_indexer({"--db", db, "--stats"}, dir)
                .out.find("\nbody positions: xapian (Xapian's position table)\n"),
            std::string::npos);
  ASSERT_EQ(run_indexer({"--db", db, "--quiet", "--rebuild", kCorpus.string()}, dir).exit_code, 0);
  EXPECT_FALSE(schema::body_positions_in_xapian(Xapian::Database(db)));
}

// The stemmer flags reach the index's metadata (what kavosh-search follows); a later run with
// other stemmers is refused in one line, and an unknown name is a usage error.
TEST(KavoshIndexCli, StemmerChoicesAreRecordedAndKept) {
  TempDir dir;
  const auto db = (dir / "db").string();
  const auto first = run_indexer({"--db", db, "--quiet", "--english-stemmer", "lovins",
                                  "--persian-stemmer", "plurals", kCorpus.string()},
                                 dir);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  {
    Xapian::Database database(db);
    EXPECT_EQ(database.get_metadata(std::string(schema::kMetaEnglishStemmer)), "lovins");
    EXPECT_EQ(database.get_metadata(std::string(schema::kMetaPersianStemmer)), "plurals");
  }
  const auto stats = run_indexer({"--db", db, "--stats"}, dir);
  EXPECT_NE(stats.out.find("\nbody positions: sequences (match.data's token sequences and the "
                           "stored records)\n"),
            std::string::npos)
      << stats.out;
  EXPECT_NE(stats.out.find("\nstemmers: english lovins, persian plurals\n"), std::string::npos)
      << stats.out;
  const auto defaults = run_indexer({"--db", db, "--quiet", kCorpus.string()}, dir);
  EXPECT_EQ(defaults.exit_code, 1);
  EXPECT_EQ(defaults.err, "kavosh-index: database " + db +
                              " was stemmed with --english-stemmer lovins, this run asks for "
                              "porter2: give --english-stemmer lovins or re-index it with "
                              "--rebuild\n");
  const auto same = run_indexer({"--db", db, "--quiet", "--english-stemmer", "lovins",
                                 "--persian-stemmer", "plurals", kCorpus.string()},
                                dir);
  EXPECT_EQ(same.exit_code, 0) << same.err;
  const auto rebuilt = run_indexer({"--db", db, "--quiet", "--rebuild", kCorpus.string()}, dir);
  EXPECT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  EXPECT_EQ(Xapian::Database(db).get_metadata(std::string(schema::kMetaEnglishStemmer)), "porter2");
  const auto unknown =
      run_indexer({"--db", db, "--english-stemmer", "snowball", kCorpus.string()}, dir);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(std::count(unknown.err.begin(), unknown.err.end(), '\n'), 1) << unknown.err;
  EXPECT_NE(unknown.err.find("--english-stemmer"), std::string::npos) << unknown.err;
}

TEST(KavoshIndexCli, WarningsGoToStderrAndStrictMakesThemFail) {
  TempDir dir;
  const auto input = (kFixtures / "docs.trec").string();
  const auto relaxed = run_indexer({"--db", (dir / "db").string(), input}, dir);
  EXPECT_EQ(relaxed.exit_code, 0);
  EXPECT_EQ(relaxed.err, "warning: " + input +
                             ":9: text outside <DOC>...</DOC>, ignored\n"
                             "warning: " +
                             input +
                             ":14: <DOC> without <DOCNO>, skipped\n"
                             "warning: " +
                             input + ":18: <DOC> not closed at the end of the file, skipped\n");
  EXPECT_NE(relaxed.out.find("; 3 warnings\n"), std::string::npos) << relaxed.out;
  const auto strict =
      run_indexer({"--db", (dir / "db2").string(), "--strict", "--quiet", input}, dir);
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_NE(strict.err.find("kavosh-index: 3 warnings (--strict)\n"), std::string::npos)
      << strict.err;
  EXPECT_EQ(strict.out, "");
}

// Issue #17: title-only JSONL records (CACM as JSONL) are indexed and found by their title
// and extra keys; the summary counts what was read, indexed and skipped, and --strict fails
// when anything was skipped.
TEST(KavoshIndexCli, TitleOnlyRecordsAreIndexedAndSkipsAreCountedInTheSummary) {
  TempDir dir;
  const auto input = dir / "cacm.jsonl";
  testing::write_file(
      input,
      R"({"id": "1", "title": "Extraction of Roots by Repeated Subtractions", "text": "", "author": "Sisson, R. A.", "biblio": "CACM March, 1958"})"
      "\n"
      R"({"id": "2", "title": "Glossary of Computer Engineering", "text": "A glossary of terms.", "author": "Smith, J."})"
      "\n"
      R"({"id": "3", "text": ""})"
      "\n"
      "{broken\n");
  const auto db = (dir / "db").string();
  const auto result = run_indexer({"--db", db, input.string()}, dir);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find(
                "\ndocuments: 4 read, 2 indexed, 2 skipped (1 nothing to index, 1 malformed)\n"),
            std::string::npos)
      << result.out;
  Xapian::Database database(db);
  EXPECT_EQ(database.get_metadata(std::string(schema::kMetaArticleCount)), "2");
  EXPECT_TRUE(database.term_exists("subtractions"));
  EXPECT_TRUE(database.term_exists(std::string(schema::kTitle) + "subtractions"));
  EXPECT_TRUE(database.term_exists(schema::field_prefix("author") + "sisson"));
  EXPECT_TRUE(database.term_exists(schema::field_prefix("biblio") + "cacm"));

  const auto strict =
      run_indexer({"--db", (dir / "db2").string(), "--strict", "--quiet", input.string()}, dir);
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_NE(strict.err.find("kavosh-index: 2 warnings (--strict)\n"), std::string::npos)
      << strict.err;
}

TEST(KavoshIndexCli, StatsShowDeleteAndCompact) {
  TempDir dir;
  const auto db = (dir / "db").string();
  ASSERT_EQ(run_indexer({"--db", db, "--quiet", (kFixtures / "smart.all").string()}, dir).exit_code,
            0);

  const auto stats = run_indexer({"--db", db, "--stats"}, dir);
  EXPECT_EQ(stats.exit_code, 0);
  EXPECT_EQ(stats.out.rfind("articles: 4\npassages: 4\n", 0), 0u) << stats.out;

  const auto show = run_indexer({"--db", db, "--show", "1"}, dir);
  EXPECT_EQ(show.exit_code, 0);
  EXPECT_NE(show.out.find("passage: 1#0\ntitle: flow past a flat plate\n"), std::string::npos)
      << show.out;
  EXPECT_NE(show.out.find("field author: smith,j.; jones,k.\n"), std::string::npos);
  EXPECT_NE(show.out.find("text:\nflow past a flat plate ."), std::string::npos);
  EXPECT_NE(show.out.find("  Q: 1#0[0]"), std::string::npos);
  const auto missing = run_indexer({"--db", db, "--show", "99"}, dir);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "kavosh-index: no such passage or article: 99\n");

  const auto deleted = run_indexer({"--db", db, "--delete", "2", "--delete", "77"}, dir);
  EXPECT_EQ(deleted.exit_code, 0);
  EXPECT_EQ(deleted.err, "warning: --delete: no such article: 77\n");
  EXPECT_NE(deleted.out.find("deleted 1 article\n"), std::string::npos) << deleted.out;

  const auto compacted = run_indexer({"--db", db, "--compact", "--quiet"}, dir);
  EXPECT_EQ(compacted.exit_code, 0) << compacted.err;
  Xapian::Database database(db);
  EXPECT_EQ(database.get_doccount(), 3u);
  EXPECT_FALSE(
      database.term_exists(schema::id_term(schema::kPassageId, schema::passage_id("2", 0))));
  EXPECT_EQ(database.get_metadata(std::string(schema::kMetaArticleCount)), "3");
}

// Issue #22: a first run onto a file system that fills up ends with one line and exit 1, not
// std::terminate inside Xapian. Needs a tmpfs mount (root, as in CI); the writer test
// RunningOutOfDiskInAShardThreadReachesTheCaller covers the same path without one.
TEST(KavoshIndexCli, AFullDiskIsOneErrorLineAndExitOne) {
  TempDir dir;
  const auto mount_point = dir / "small";
  std::filesystem::create_directories(mount_point);
  if (::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=4m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here";
  }
  {
    std::ofstream out(dir / "big.jsonl");
    for (int i = 0; i < 6000; ++i) {
      out << R"({"id": "doc)" << i << R"(", "title": "Document )" << i << R"(", "text": ")";
      for (int word = 0; word < 120; ++word) out << "word" << (i * 131 + word * 17) % 50000 << ' ';
      out << "\"}\n";
    }
  }
  const auto result = run_indexer(
      {"--db", (mount_point / "db").string(), "--quiet", (dir / "big.jsonl").string()}, dir);
  ::umount2(mount_point.c_str(), MNT_DETACH);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(result.err.rfind("kavosh-index: ", 0), 0u) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  EXPECT_EQ(result.err.find("terminate"), std::string::npos) << result.err;
}

TEST(KavoshIndexCli, ASecondIndexerIsToldTheDatabaseIsLocked) {
  TempDir dir;
  const auto db = dir / "db";
  IndexWriter holder(db);
  const auto result = run_indexer({"--db", db.string(), kCorpus.string()}, dir);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err,
            "kavosh-index: database is locked by another indexer: " + db.string() + "\n");
}

// Issue #22 item 6: a second document with an id read earlier in the run replaces the first,
// with a warning, and the summary counts it; ids stay as the formats give them.
TEST(KavoshIndexCli, ADuplicateIdInOneRunIsAWarningAndCounted) {
  TempDir dir;
  testing::write_file(
      dir / "a.jsonl",
      R"({"id": "Berlin", "title": "Berlin", "text": "Berlin is the capital of Germany."})"
      "\n"
      R"({"id": "Paris", "title": "Paris", "text": "Paris is the capital of France."})"
      "\n");
  testing::write_file(dir / "b.jsonl",
                      R"({"id": "Berlin", "title": "برلین", "text": "برلین پایتخت آلمان است."})"
                      "\n");
  const auto db = (dir / "db").string();
  const auto result =
      run_indexer({"--db", db, (dir / "a.jsonl").string(), (dir / "b.jsonl").string()}, dir);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err,
            "warning: " + (dir / "b.jsonl").string() +
                ": id \"Berlin\" was read before in this run; this document replaces it\n");
  EXPECT_EQ(result.out.rfind("indexed 2 articles as ", 0), 0u) << result.out;
  EXPECT_NE(
      result.out.find(
          "\ndocuments: 3 read, 2 indexed, 1 replaced by a later one of the same id, 0 skipped\n"),
      std::string::npos)
      << result.out;
  EXPECT_EQ(summarize_database(db).articles, 2u);
}

// A first run that finds nothing to index (an empty file, a UTF-16 file refused as binary)
// still leaves an index: empty, with its schema, so a search says "No matches" rather than
// that a first run is still being created.
TEST(KavoshIndexCli, AFirstRunWithNothingToIndexLeavesAnEmptyIndex) {
  TempDir dir;
  testing::write_file(dir / "empty.jsonl", "");
  const auto db = (dir / "db").string();
  const auto result = run_indexer({"--db", db, (dir / "empty.jsonl").string()}, dir);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(summarize_database(db).articles, 0u);
  const Xapian::Database opened(db);
  EXPECT_EQ(opened.get_doccount(), 0u);
  EXPECT_EQ(opened.get_metadata(std::string(schema::kMetaSchemaVersion)),
            std::string(schema::kSchemaVersion));
}

// A named pipe is read once: neither the readability check nor format detection may open it
// first (each consumed what the writer sent, and the indexer then waited forever). A pipe whose
// name gives no format is a warning asking for --format.
TEST(KavoshIndexCli, ANamedPipeIsReadOnce) {
  TempDir dir;
  const auto pipe = dir / "fed.jsonl";
  ASSERT_EQ(::mkfifo(pipe.c_str(), 0600), 0);
  std::thread writer([&] {
    std::FILE* out = std::fopen(pipe.c_str(), "w");
    if (out == nullptr) return;
    std::fputs(R"({"id": "piped", "text": "words through a pipe"})"
               "\n",
               out);
    std::fclose(out);
  });
  const auto db = (dir / "db").string();
  // Should the indexer never open the pipe, a reader opened here releases the writer (whose
  // write then fails with EPIPE, ignored, instead of killing the test).
  const auto old_handler = ::signal(SIGPIPE, SIG_IGN);
  const auto result = run_indexer({"--db", db, pipe.string()}, dir);
  if (const int release = ::open(pipe.c_str(), O_RDONLY | O_NONBLOCK); release >= 0)
    ::close(release);
  writer.join();
  ::signal(SIGPIPE, old_handler);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err, "");
  EXPECT_EQ(summarize_database(db).articles, 1u);

  // '-' is standard input, its format named with --format.
  const auto piped = run_indexer({"--db", db, "--format", "jsonl", "-"}, dir,
                                 {.as_nobody = false,
                                  .stdin_text = R"({"id": "stdin", "text": "standard input"})"
                                                "\n"});
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(summarize_database(db).articles, 2u);

  const auto unnamed = dir / "fed";
  ASSERT_EQ(::mkfifo(unnamed.c_str(), 0600), 0);
  const auto refused = run_indexer({"--db", db, unnamed.string()}, dir);
  EXPECT_EQ(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("not a regular file (a pipe or device) and its name gives no "
                             "format: name the format with --format"),
            std::string::npos)
      << refused.err;
}

// Issue #22 item 7: an unreadable subdirectory or file in a walk is a warning naming it
// (counted, so --strict fails), and an unreadable named path is not "no such file". Mode 000
// stops only other users, so as root the indexer runs as nobody.
testing::CommandResult run_indexer_unprivileged(const std::vector<std::string>& arguments,
                                                const TempDir& scratch) {
  return run_indexer(arguments, scratch, {.as_nobody = true});
}

TEST(KavoshIndexCli, UnreadableEntriesAreWarningsThatNameThem) {
  TempDir dir;
  namespace fs = std::filesystem;
  fs::permissions(dir.path(), fs::perms::all);  // for nobody's database and output files
  const auto tree = dir / "tree";
  fs::create_directories(tree / "locked");
  testing::write_file(tree / "a.txt", "Readable\n\nThis article can be read.\n");
  testing::write_file(tree / "locked" / "b.txt", "Hidden\n\nThis one cannot.\n");
  testing::write_file(tree / "secret.txt", "Secret\n\nNor this one.\n");
  fs::permissions(tree / "locked", fs::perms::none);
  fs::permissions(tree / "secret.txt", fs::perms::none);
  const auto walked = run_indexer_unprivileged({"--db", (dir / "db").string(), tree.string()}, dir);
  if (walked.exit_code == kavosh::testing::kCannotDropPrivileges)
    GTEST_SKIP() << "cannot drop privileges";
  EXPECT_EQ(walked.exit_code, 0) << walked.err;
  EXPECT_EQ(walked.err, "warning: " + (tree / "locked").string() +
                            ": cannot read directory: Permission denied\n"
                            "warning: " +
                            (tree / "secret.txt").string() + ": cannot read " +
                            (tree / "secret.txt").string() + ": Permission denied\n");
  EXPECT_NE(walked.out.find("; 2 warnings\n"), std::string::npos) << walked.out;
  const auto strict = run_indexer_unprivileged(
      {"--db", (dir / "db2").string(), "--strict", "--quiet", tree.string()}, dir);
  EXPECT_EQ(strict.exit_code, 1);
  const auto named = run_indexer_unprivileged(
      {"--db", (dir / "db3").string(), (tree / "locked" / "b.txt").string()}, dir);
  EXPECT_EQ(named.exit_code, 1);
  EXPECT_EQ(named.err, "kavosh-index: cannot read " + (tree / "locked" / "b.txt").string() +
                           ": Permission denied\n");
  fs::permissions(tree / "locked", fs::perms::owner_all);
}

// Issue #22, messages: an index the indexer cannot write is not "locked by another indexer".
// A read-only bind mount stops root too; without one (no privileges) the test is skipped.
TEST(KavoshIndexCli, AReadOnlyDatabaseSaysWhyItCannotBeWritten) {
  TempDir dir;
  const auto db = dir / "db";
  ASSERT_EQ(run_indexer({"--db", db.string(), "--quiet", (kFixtures / "smart.all").string()}, dir)
                .exit_code,
            0);
  const auto read_only = dir / "ro";
  std::filesystem::create_directories(read_only);
  if (::mount(dir.path().c_str(), read_only.c_str(), nullptr, MS_BIND, nullptr) != 0) {
    GTEST_SKIP() << "cannot bind-mount here";
  }
  if (::mount(nullptr, read_only.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) !=
      0) {
    ::umount2(read_only.c_str(), MNT_DETACH);
    GTEST_SKIP() << "cannot remount read-only here";
  }
  const auto result =
      run_indexer({"--db", (read_only / "db").string(), (kFixtures / "docs.trec").string()}, dir);
  ::umount2(read_only.c_str(), MNT_DETACH);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(
      result.err.rfind("kavosh-index: cannot write to the database " + (read_only / "db").string() +
                           " (its lock file: Read-only file system)",
                       0),
      0u)
      << result.err;
}

// Issue #22 item 3: --compact replaced the directory under a running indexer.
TEST(KavoshIndexCli, CompactRefusesADatabaseAnIndexerIsWriting) {
  TempDir dir;
  const auto db = dir / "db";
  ASSERT_EQ(run_indexer({"--db", db.string(), "--quiet", (kFixtures / "smart.all").string()}, dir)
                .exit_code,
            0);
  const std::string before = testing::dump_database(db);
  {
    IndexWriter holder(db);  // a later run: writes the database in place
    const auto result = run_indexer({"--db", db.string(), "--compact"}, dir);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.err,
              "kavosh-index: database is locked by another indexer: " + db.string() + "\n");
    EXPECT_EQ(result.out, "");
  }
  EXPECT_EQ(testing::dump_database(db), before);
  const auto first_run = dir / "first";
  IndexWriter holder(first_run);  // a first run: writes shards
  const auto result = run_indexer({"--db", first_run.string(), "--compact"}, dir);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err,
            "kavosh-index: database is locked by another indexer: " + first_run.string() + "\n");
}

// The lock dies with a killed process; its lock-holder may take a moment to notice.
testing::CommandResult rerun_after_a_kill(const std::vector<std::string>& command,
                                          const TempDir& dir) {
  testing::CommandResult rerun;
  for (int attempt = 0; attempt < 100; ++attempt) {
    rerun = run_indexer(command, dir);
    if (rerun.err.find("locked") == std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return rerun;
}

// SIGKILL in the middle of a run leaves a database that opens at its last commit (whole
// batches only), and re-running the same command completes it.
TEST(KavoshIndexCli, KilledRunLeavesTheLastCommitAndARerunCompletesIt) {
  TempDir dir;
  constexpr int kArticles = 20000;  // enough that the run is still going when two batches are in
  constexpr int kBatch = 25;
  {
    std::ofstream out(dir / "big.jsonl");
    for (int i = 0; i < kArticles; ++i) {
      out << R"({"id": "doc)" << i << R"(", "title": "Document )" << i
          << R"(", "text": "River number )" << i
          << R"( flows through the valley of the mountains toward the sea, passing villages, farms and old bridges on its way."})"
          << "\n";
    }
  }
  const std::string db = (dir / "db").string();
  const std::vector<std::string> command = {
      "--db", db, "--batch", std::to_string(kBatch), "--quiet", (dir / "big.jsonl").string()};

  kavosh::testing::RunningProcess run(KAVOSH_INDEX_BIN, command);
  // Wait for at least two commits, then kill without warning.
  Xapian::doccount seen = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      seen = Xapian::Database(db).get_doccount();
    } catch (const Xapian::Error&) {
      seen = 0;
    }
    if (seen >= 2 * kBatch) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  run.kill(SIGKILL);
  ASSERT_EQ(run.wait(), 128 + SIGKILL) << "the run finished before it could be killed";

  {
    Xapian::Database killed(db);
    const Xapian::doccount count = killed.get_doccount();
    EXPECT_GE(count, 2u * kBatch);
    EXPECT_LT(count, static_cast<Xapian::doccount>(kArticles));
    EXPECT_EQ(count % kBatch, 0u) << "a partial batch was committed";
    EXPECT_EQ(summarize_database(db).articles, count);
  }

  const testing::CommandResult rerun = rerun_after_a_kill(command, dir);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  Xapian::Database completed(db);
  EXPECT_EQ(completed.get_doccount(), static_cast<Xapian::doccount>(kArticles));
  EXPECT_EQ(completed.get_metadata(std::string(schema::kMetaArticleCount)),
            std::to_string(kArticles));
}

// A rebuild that finds nothing to index in its input (a wrong format, an empty or truncated
// file) keeps the index it would have replaced; without paths it empties it, as asked.
TEST(KavoshIndexCli, ARebuildThatIndexesNothingKeepsTheIndex) {
  TempDir dir;
  const std::string db = (dir / "db").string();
  ASSERT_EQ(run_indexer({"--db", db, "--quiet", (kFixtures / "smart.all").string()}, dir).exit_code,
            0);
  const Xapian::doccount old_count = Xapian::Database(db).get_doccount();
  ASSERT_GT(old_count, 0u);
  testing::write_file(dir / "empty.jsonl", R"({"id": "a", "title": "", "text": ""})"
                                           "\n");
  const auto result =
      run_indexer({"--db", db, "--quiet", "--rebuild", (dir / "empty.jsonl").string()}, dir);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("kavosh-index: --rebuild indexed no documents from its input: " + db +
                            " is kept as it was\n"),
            std::string::npos)
      << result.err;
  EXPECT_EQ(Xapian::Database(db).get_doccount(), old_count);
  EXPECT_FALSE(std::filesystem::exists(dir / "db.rebuild"));

  const auto emptied = run_indexer({"--db", db, "--quiet", "--rebuild"}, dir);
  EXPECT_EQ(emptied.exit_code, 0) << emptied.err;
  EXPECT_EQ(Xapian::Database(db).get_doccount(), 0u);
}

// SIGKILL in the middle of a --rebuild leaves the old index whole and searchable (the new one
// was being written beside it), and re-running the rebuild completes it.
TEST(KavoshIndexCli, AKilledRebuildLeavesTheOldIndexAndARerunCompletesIt) {
  TempDir dir;
  constexpr int kArticles = 10000;
  constexpr int kBatch = 25;
  {
    std::ofstream out(dir / "big.jsonl");
    for (int i = 0; i < kArticles; ++i) {
      out << R"({"id": "doc)" << i << R"(", "title": "Document )" << i
          << R"(", "text": "Rebuilt river )" << i << R"( flows toward the sea."})"
          << "\n";
    }
  }
  const std::string db = (dir / "db").string();
  ASSERT_EQ(run_indexer({"--db", db, "--quiet", (kFixtures / "smart.all").string()}, dir).exit_code,
            0);
  const Xapian::doccount old_count = Xapian::Database(db).get_doccount();
  const std::string staging = (dir / "db.rebuild").string();
  const std::vector<std::string> command = {
      "--db", db, "--rebuild", "--batch", "25", "--quiet", (dir / "big.jsonl").string()};

  kavosh::testing::RunningProcess run(KAVOSH_INDEX_BIN, command);
  Xapian::doccount staged = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline && staged < 2 * kBatch) {
    try {
      staged = Xapian::Database(staging).get_doccount();
    } catch (const Xapian::Error&) {
      staged = 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(Xapian::Database(db).get_doccount(), old_count) << "the rebuild showed early";
  run.kill(SIGKILL);
  ASSERT_EQ(run.wait(), 128 + SIGKILL) << "the rebuild finished before it could be killed";

  EXPECT_EQ(Xapian::Database(db).get_doccount(), old_count);
  EXPECT_EQ(summarize_database(db).articles, old_count);
  EXPECT_TRUE(std::filesystem::exists(staging));

  const testing::CommandResult rerun = rerun_after_a_kill(command, dir);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(Xapian::Database(db).get_doccount(), static_cast<Xapian::doccount>(kArticles));
  EXPECT_FALSE(std::filesystem::exists(staging));
}

}  // namespace
}  // namespace kavosh::index
