// The searcher and the stored passage records the indexer writes: every passage of the seed
// article gives the same snippets from its stored token table as from analysing its text;
// an index of another schema version, or a corrupt record, fails with one clear message.
#include <gtest/gtest.h>
#include <xapian.h>

#include <filesystem>

#include "kavosh/format/schema.hpp"
#include "kavosh/format/stored_passage.hpp"
#include "kavosh/index/readers.hpp"
#include "kavosh/index/writer.hpp"
#include "kavosh/search/searcher.hpp"
#include "kavosh/search/snippet.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
namespace ki = kavosh::index;
namespace ks = kavosh::search;
using kavosh::analysis::Analyzer;

namespace {

const fs::path kSourceDir = KAVOSH_SOURCE_DIR;
const std::string kSeedArticle = "000_98f3cf22a18d5691.txt";

class StoredData : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = fs::temp_directory_path() / ("kavosh-stored-data-test-" + std::to_string(::getpid()));
    fs::remove_all(db_);
    kavosh::search::testing::index_file(db_, kSourceDir / "corpus" / kSeedArticle, ki::Format::Auto,
                                        kSeedArticle);
  }
  void TearDown() override { fs::remove_all(db_); }
  fs::path db_;
};

TEST_F(StoredData, TokenTableSnippetsEqualAnalysedSnippetsOnEveryPassage) {
  const char* queries[] = {"mojahedin",           "مجاهدین",
                           "Mujahedin-e-Khalq",   "rajavi iran",
                           "سازمان مجاهدین خلق",  "khomeini ayatollah 1965",
                           "people's mujahedin",  "شاه ایران",
                           "organization founded"};
  Analyzer analyzer;
  Xapian::Database db(db_.string());
  ASSERT_GT(db.get_doccount(), 3u);
  std::size_t highlighted = 0;
  for (const char* words : queries) {
    SCOPED_TRACE(words);
    ks::SnippetQuery query;
    std::vector<std::string> phrase;
    for (const auto& token : analyzer.analyze(words)) {
      query.terms.push_back(token.term);
      query.terms.push_back("Z" + token.stem_or_term());
      if (token.span == 1) phrase.push_back(token.term);
    }
    query.phrases.push_back(phrase);
    ks::SnippetMaker maker(analyzer, ks::SnippetOptions{.max_words = 20});
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
      const std::string record = db.get_document(*it).get_value(ki::schema::kSlotStoredPassage);
      std::string body;
      const auto view = ki::StoredPassageView::parse(record, body);
      const auto language = kavosh::analysis::parse_language_code(view.lang).value_or(
          kavosh::analysis::Language::Other);
      const ks::Snippet analysed = maker.make(view.text, language, query);
      const ks::Snippet hashed = maker.make(view, query);
      EXPECT_EQ(hashed.text, analysed.text) << view.article << "#" << view.passage;
      ASSERT_EQ(hashed.highlights.size(), analysed.highlights.size());
      for (std::size_t h = 0; h < hashed.highlights.size(); ++h) {
        EXPECT_EQ(hashed.highlights[h].begin, analysed.highlights[h].begin);
        EXPECT_EQ(hashed.highlights[h].end, analysed.highlights[h].end);
      }
      highlighted += hashed.highlights.size();
    }
  }
  EXPECT_GT(highlighted, 20u);  // the table really exercised matching
}

TEST_F(StoredData, AnIndexOfAnotherSchemaMustBeRebuilt) {
  {
    Xapian::WritableDatabase db(db_.string(), Xapian::DB_OPEN);
    // Schema 2: uncompressed records with every hash, the layout schema 3 replaced.
    db.set_metadata(std::string(ki::schema::kMetaSchemaVersion), "2");
    db.commit();
  }
  try {
    ks::Searcher searcher(db_);
    ADD_FAILURE() << "opened a schema 2 index";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "database " + db_.string() +
                                         " has index schema 2, this kavosh-search reads schema 3: "
                                         "re-index it with kavosh-index --rebuild");
  }
}

TEST_F(StoredData, ACorruptRecordFailsTheSearchWithItsPassage) {
  {
    Xapian::WritableDatabase db(db_.string(), Xapian::DB_OPEN);
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
      Xapian::Document doc = db.get_document(*it);
      std::string record = doc.get_value(ki::schema::kSlotStoredPassage);
      record.resize(record.size() - 3);  // cut into the last token's hash
      doc.add_value(ki::schema::kSlotStoredPassage, record);
      db.replace_document(*it, doc);
    }
    db.commit();
  }
  ks::Searcher searcher(db_);
  ks::SearchRequest request;
  request.query = "rajavi";
  try {
    searcher.search(request);
    ADD_FAILURE() << "searched corrupt records";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(db_.string() + ", passage of article " + kSeedArticle + " (docid "),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("corrupt stored passage record at byte"), std::string::npos) << message;
  }
}

}  // namespace
