// TermFilter: holds every term of its revision, rules out most others, and is read back only
// for the database and revision it was built for.
#include "kavosh/format/term_filter.hpp"

#include <gtest/gtest.h>
#include <xapian.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "test_support.hpp"

namespace kavosh::index {
namespace {

using testing::TempDir;

// A database of `count` documents holding "w<i>", "ZSw<i>" and a Persian term each.
void fill_numbered_terms(const std::filesystem::path& path, int count) {
  Xapian::WritableDatabase db(path.string(), Xapian::DB_CREATE_OR_OPEN);
  for (int i = 0; i < count; ++i) {
    Xapian::Document doc;
    doc.add_term("w" + std::to_string(i));
    doc.add_term("ZSw" + std::to_string(i));
    doc.add_term("کتاب" + std::to_string(i));
    db.add_document(doc);
  }
  db.commit();
}

TEST(TermFilter, HoldsEveryTermAndRulesOutMostOthers) {
  TempDir dir;
  fill_numbered_terms(dir / "db", 2000);
  Xapian::Database db((dir / "db").string());
  const TermFilter filter = TermFilter::build(db);
  EXPECT_EQ(filter.terms(), 6000u);
  EXPECT_EQ(filter.bits(), 60000u);
  for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it)
    EXPECT_TRUE(filter.may_hold(*it)) << *it;
  int maybes = 0;
  for (int i = 0; i < 20000; ++i) {
    maybes += filter.may_hold("x" + std::to_string(i));
    maybes += filter.may_hold("w" + std::to_string(i + 2000));  // near misses of held terms
  }
  EXPECT_LT(maybes, 40000 * 3 / 100);  // about 1 % in theory
}

TEST(TermFilter, AnEmptyDatabaseHoldsNothing) {
  TempDir dir;
  fill_numbered_terms(dir / "db", 0);
  const TermFilter filter = TermFilter::build(Xapian::Database((dir / "db").string()));
  EXPECT_EQ(filter.terms(), 0u);
  EXPECT_FALSE(filter.may_hold("w0"));
  EXPECT_FALSE(filter.may_hold(""));
}

TEST(TermFilter, ReadsBackOnlyForItsDatabaseAndRevision) {
  TempDir dir;
  fill_numbered_terms(dir / "db", 300);
  const auto file = dir / "terms.bloom";
  {
    Xapian::Database db((dir / "db").string());
    TermFilter::build(db).write(file);
    const auto read = TermFilter::read(file, db);
    ASSERT_TRUE(read.has_value());
    EXPECT_EQ(read->terms(), 900u);
    for (int i = 0; i < 300; ++i) EXPECT_TRUE(read->may_hold("ZSw" + std::to_string(i)));
    int same = 0;
    const TermFilter built = TermFilter::build(db);
    for (int i = 0; i < 1000; ++i)
      same += read->may_hold("y" + std::to_string(i)) == built.may_hold("y" + std::to_string(i));
    EXPECT_EQ(same, 1000);
  }
  EXPECT_FALSE(std::filesystem::exists(file.string() + ".tmp"));

  // Another database at the same revision (its own UUID), then a later revision of this one.
  fill_numbered_terms(dir / "other", 300);
  EXPECT_FALSE(TermFilter::read(file, Xapian::Database((dir / "other").string())).has_value());
  fill_numbered_terms(dir / "db", 1);
  EXPECT_FALSE(TermFilter::read(file, Xapian::Database((dir / "db").string())).has_value());
}

TEST(TermFilter, MissingTruncatedOrForeignFilesAreIgnored) {
  TempDir dir;
  fill_numbered_terms(dir / "db", 50);
  Xapian::Database db((dir / "db").string());
  EXPECT_FALSE(TermFilter::read(dir / "absent.bloom", db).has_value());

  const auto file = dir / "terms.bloom";
  TermFilter::build(db).write(file);
  ASSERT_TRUE(TermFilter::read(file, db).has_value());
  std::filesystem::resize_file(file, std::filesystem::file_size(file) - 1);
  EXPECT_FALSE(TermFilter::read(file, db).has_value());

  testing::write_file(file, "not a filter at all, but long enough for a header of one");
  EXPECT_FALSE(TermFilter::read(file, db).has_value());
  testing::write_file(file, "");
  EXPECT_FALSE(TermFilter::read(file, db).has_value());
}

// A header field out of what build() can write makes the file foreign: 2^32 probes over a
// filter of all ones kept a search on the CPU for minutes.
TEST(TermFilter, HeadersOutOfBoundsAreIgnored) {
  TempDir dir;
  fill_numbered_terms(dir / "db", 50);
  Xapian::Database db((dir / "db").string());
  const auto file = dir / "terms.bloom";
  TermFilter::build(db).write(file);
  const std::string good = testing::read_text(file);
  auto patched = [&](std::size_t offset, std::uint64_t value, int bytes) {
    std::string text = good;
    for (int i = 0; i < bytes; ++i) text[offset + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
    return text;
  };
  const std::size_t bits_offset = good.size() - TermFilter::build(db).bits() / 8;
  std::string all_ones = good;
  std::fill(all_ones.begin() + static_cast<std::ptrdiff_t>(bits_offset), all_ones.end(), '\xFF');
  struct Case {
    const char* what;
    std::string text;
  };
  std::string crafted = all_ones;
  for (int i = 0; i < 4; ++i) crafted[8 + i] = '\xFF';
  const Case cases[] = {
      {"2^32 - 1 probes over all ones", crafted},
      {"33 probes", patched(8, 33, 4)},
      {"no probes", patched(8, 0, 4)},
      {"reserved bits set", patched(12, 1, 4)},
      {"more terms than bits", patched(16, TermFilter::build(db).bits() + 1, 8)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    testing::write_file(file, c.text);
    EXPECT_FALSE(TermFilter::read(file, db).has_value());
  }
  testing::write_file(file, all_ones);  // useless, but what a writer could make
  EXPECT_TRUE(TermFilter::read(file, db).has_value());
}

}  // namespace
}  // namespace kavosh::index
