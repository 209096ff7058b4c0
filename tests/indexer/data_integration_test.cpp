// Integration on the real files of ../shared/data (KAVOSH_DATA_DIR): every reader on the
// collections of its format, with the document counts the data's README states.
#include <gtest/gtest.h>
#include <xapian.h>

#include <set>

#include "kavosh/format/schema.hpp"
#include "kavosh/index/corpus.hpp"
#include "test_support.hpp"

namespace kavosh::index {
namespace {

using testing::CountingListener;
using testing::kData;

CountingListener read_data(const std::string& relative) {
  CountingListener listener;
  for (const CorpusFile& file : list_corpus_files({kData / relative})) {
    read_file(file.file, Format::Auto, file.article_id, file.source, listener);
  }
  return listener;
}

class SharedData : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(kData)) GTEST_SKIP() << "no shared data at " << kData;
  }
};

TEST_F(SharedData, SmartCollectionsHaveTheirDocumentCounts) {
  const struct {
    std::string file;
    std::uint64_t articles, warnings;
  } cases[] = {
      // Cranfield records 471 and 995 have no text at all: skipped with a warning each.
      {"cranfield/cran.all.1400", 1398, 2},
      {"cisi/CISI.ALL", 1460, 0},
      {"cacm/cacm.all", 3204, 0},
  };
  for (const auto& c : cases) {
    const auto result = read_data(c.file);
    EXPECT_EQ(result.articles, c.articles) << c.file;
    EXPECT_EQ(result.warnings, c.warnings)
        << c.file << ": " << (result.first_warnings.empty() ? "" : result.first_warnings[0]);
  }
}

TEST_F(SharedData, TrecCollectionHasItsDocumentCount) {
  const auto result = read_data("npl-vaswani/corpus/doc-text.trec");
  EXPECT_EQ(result.articles, 11429u);
  EXPECT_EQ(result.warnings, 0u);
}

TEST_F(SharedData, MediaWikiDumpsGiveArticlesAndRedirects) {
  const auto gensim =
      read_data("wiki-en/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2");
  EXPECT_EQ(gensim.articles, 106u);
  EXPECT_EQ(gensim.alias_groups, 99u);
  EXPECT_EQ(gensim.warnings, 0u);
  EXPECT_EQ(gensim.titles.at(0), "Anarchism");

  const auto dbpedia = read_data("wiki-en/dbpedia-minidump-en-wiki.xml.bz2");
  EXPECT_EQ(dbpedia.articles, 24u);
  EXPECT_EQ(dbpedia.warnings, 0u);

  // DBpedia's Persian minidump says xml:lang="en": the pages' script wins, with one warning.
  const auto persian = read_data("wiki-fa");
  EXPECT_EQ(
      persian.first_warnings,
      (std::vector<std::string>{(kData / "wiki-fa/dbpedia-minidump-fa-wiki.xml.bz2").string() +
                                ":46: the dump says xml:lang=\"en\" but page \"برلین\" is written "
                                "in fa: pages whose script "
                                "contradicts the header take the language of their text"}));
  const std::set<std::string> titles(persian.titles.begin(), persian.titles.end());
  for (const std::string title : {"آیزاک نیوتن", "بازی فکری", "اسپانیا", "برلین"}) {
    EXPECT_TRUE(titles.count(title)) << title;
  }
}

TEST_F(SharedData, ParsinluJsonlGivesItsDistinctPassages) {
  struct DistinctIds : CountingListener {
    std::set<std::string> ids;
    void article(Article&& a) override {
      ids.insert(a.id);
      CountingListener::article(std::move(a));
    }
  } listener;
  for (const CorpusFile& file :
       list_corpus_files({kData / "persian-qa/parsinlu-reading-comprehension"})) {
    read_file(file.file, Format::Auto, file.article_id, file.source, listener);
  }
  // One line per question (1295), eval.jsonl line 194 too: its "url": NaN (Python's
  // json.dumps of a missing value) is not JSON, and is read as null with a warning.
  EXPECT_EQ(listener.articles, 1295u);
  EXPECT_EQ(listener.first_warnings,
            (std::vector<std::string>{
                (kData / "persian-qa/parsinlu-reading-comprehension/eval.jsonl").string() +
                ":194: 1 NaN or Infinity read as null"}));
  // Ids hash the text within a file: the README's 1267 distinct passages, counted per split.
  EXPECT_GE(listener.ids.size(), 1267u);
  EXPECT_LT(listener.ids.size(), 1295u);
}

TEST_F(SharedData, PersianDumpIsIndexedAndSearchableByItsTerms) {
  testing::TempDir dir;
  {
    IndexWriter writer(dir / "db");
    CorpusOptions options;
    const auto stats = index_corpus(
        list_corpus_files({kData / "wiki-fa/dbpedia-minidump-fa-wiki.xml.bz2"}), writer, options);
    EXPECT_EQ(stats.articles, 1u);
    writer.commit();
  }
  Xapian::Database db((dir / "db").string());
  EXPECT_GT(db.get_doccount(), 1u);
  // Persian, although the dump's header says English (issue #22 item 12): `lang:fa` finds it.
  EXPECT_EQ(db.get_termfreq(schema::id_term(schema::kLanguage, "fa")), db.get_doccount());
  // Every passage belongs to the one article, numbered without gaps.
  for (Xapian::doccount number = 0; number < db.get_doccount(); ++number)
    EXPECT_TRUE(
        db.term_exists(schema::id_term(schema::kPassageId, schema::passage_id("برلین", number))))
        << number;
  EXPECT_EQ(db.get_metadata(std::string(schema::kMetaArticleCount)), "1");
}

}  // namespace
}  // namespace kavosh::index
