// A full disk during a later run (issue #17), on a small tmpfs this test mounts (root, as in
// CI; skipped with a message where mounting is not permitted): the run stops with one error
// line naming the database and exit 1, the index stays at its last commit (it opens, with
// every document the first run committed), and the side files describe no later revision
// than the index's. The first-run case is KavoshIndexCli.AFullDiskIsOneErrorLineAndExitOne.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <xapian.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <string>

#include "kavosh/format/match_data.hpp"
#include "kavosh/format/schema.hpp"
#include "kavosh/format/term_filter.hpp"
#include "test_support.hpp"

namespace kavosh::index {
namespace {

using testing::run_indexer;
using testing::TempDir;

void write_corpus(const std::filesystem::path& file, int first, int count, int words) {
  std::ofstream out(file);
  for (int i = first; i < first + count; ++i) {
    out << R"({"id": "doc)" << i << R"(", "title": "Document )" << i << R"(", "text": ")";
    for (int word = 0; word < words; ++word) out << "word" << (i * 131 + word * 17) % 50000 << ' ';
    out << "\"}\n";
  }
}

// The revision a side file's header names (little-endian u64 at `offset`), if it has one.
std::optional<std::uint64_t> header_revision(const std::filesystem::path& file,
                                             std::size_t offset) {
  std::ifstream in(file, std::ios::binary);
  char bytes[8];
  if (!in.seekg(static_cast<std::streamoff>(offset)) || !in.read(bytes, 8)) return std::nullopt;
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return value;
}

TEST(FullDisk, ALaterRunStopsWithOneLineAndLeavesTheLastCommit) {
  TempDir dir;
  const auto mount_point = dir / "small";
  std::filesystem::create_directories(mount_point);
  if (::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=24m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (needs root): the full-disk path is covered "
                    "without one by IndexWriter.RunningOutOfDiskInAShardThreadReachesTheCaller";
  }
  struct Unmount {
    std::filesystem::path point;
    ~Unmount() { ::umount2(point.c_str(), MNT_DETACH); }
  } unmount{mount_point};
  const auto db = mount_point / "db";
  write_corpus(dir / "small.jsonl", 0, 200, 40);
  write_corpus(dir / "big.jsonl", 200, 8000, 120);

  const auto first =
      run_indexer({"--db", db.string(), "--quiet", (dir / "small.jsonl").string()}, dir);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto full = run_indexer(
      {"--db", db.string(), "--quiet", "--batch", "500", (dir / "big.jsonl").string()}, dir);
  EXPECT_EQ(full.exit_code, 1) << full.err;
  EXPECT_EQ(full.err.rfind("kavosh-index: ", 0), 0u) << full.err;
  EXPECT_NE(full.err.find(db.string()), std::string::npos) << full.err;
  EXPECT_EQ(std::count(full.err.begin(), full.err.end(), '\n'), 1) << full.err;

  // The last commit: at least the first run's documents, each whole.
  Xapian::Database database(db.string());
  EXPECT_GE(database.get_doccount(), 200u);
  for (int i = 0; i < 200; ++i) {
    EXPECT_TRUE(database.term_exists(
        schema::id_term(schema::kPassageId, schema::passage_id("doc" + std::to_string(i), 0))))
        << i;
  }
  // Side files: absent, or of a revision the index has reached.
  for (const auto& [file, offset] : {std::pair{term_filter_path(db), std::size_t{32}},
                                     std::pair{match_data_path(db), std::size_t{16}}}) {
    if (const auto revision = header_revision(file, offset)) {
      EXPECT_LE(*revision, database.get_revision()) << file;
    }
  }
  // A search opens it (through the CLI's library: the same checks as kavosh-search).
  EXPECT_EQ(run_indexer({"--db", db.string(), "--stats"}, dir).exit_code, 0);
}

}  // namespace
}  // namespace kavosh::index
