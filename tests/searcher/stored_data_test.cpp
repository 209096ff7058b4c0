// The searcher and the stored passage records the indexer writes: every passage of the seed
// article gives the same snippets from its stored token table as from analysing its text;
// an index of another schema version, or a corrupt record, fails with one clear message;
// records compressed with the index's record dictionaries (two runs, three dictionaries) read
// back in hits, snippets and stored_passage(), and a missing or corrupt dictionary is an error
// naming it.
#include <gtest/gtest.h>
#include <xapian.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "kavosh/format/record_dictionary.hpp"
#include "kavosh/format/schema.hpp"
#include "kavosh/format/stored_passage.hpp"
#include "kavosh/index/readers.hpp"
#include "kavosh/index/writer.hpp"
#include "kavosh/search/searcher.hpp"
#include "kavosh/search/snippet.hpp"
#include "made_up_articles.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
namespace ki = kavosh::index;
namespace ks = kavosh::search;
using kavosh::analysis::Analyzer;

namespace {

using kavosh::search::testing::kSeedArticle;
using kavosh::search::testing::kSourceDir;

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

// Three consecutive words of a passage: as a phrase, a query that finds that passage.
std::string phrase_of(const std::string& text, std::size_t word) {
  std::size_t begin = 0;
  for (std::size_t w = 0; w < word; ++w) begin = text.find(' ', begin) + 1;
  std::size_t end = begin;
  for (int w = 0; w < 3; ++w) end = text.find(' ', end + 1);
  return text.substr(begin, end - begin);
}

std::vector<std::string> dictionary_keys(const Xapian::Database& db) {
  std::vector<std::string> keys;
  const std::string prefix(ki::schema::kMetaRecordDictionaryPrefix);
  for (auto key = db.metadata_keys_begin(prefix); key != db.metadata_keys_end(prefix); ++key)
    keys.push_back(*key);
  return keys;
}

class RecordDictionaries : public ::testing::Test {
 protected:
  // A first run of 3 600 passages (its two shards train a dictionary each, both kept by the
  // merge), and a second run of 200 that compresses with the one the index names.
  void SetUp() override {
    db_ = fs::temp_directory_path() /
          ("kavosh-record-dictionaries-test-" + std::to_string(::getpid()));
    fs::remove_all(db_);
    for (const auto& [count, first, seed] : {std::tuple{3600, 0, 11u}, {200, 10000, 12u}}) {
      // With Xapian's positions of body words: a phrase search there reads no record, which
      // AMissingOrCorruptDictionaryIsAnErrorNamingIt counts on once its change of the
      // dictionary has made match.data stale (without them, a phrase is checked in the records
      // then, and fails with the same message).
      ki::WriterOptions options;
      options.body_positions_in_xapian = true;
      ki::IndexWriter writer(db_, options);
      for (const ki::Article& article : kavosh::testing::made_up_articles(count, first, seed)) {
        writer.add(article);
        texts_[article.id] = article.passages[0].text;
      }
      writer.commit();
    }
  }
  void TearDown() override { fs::remove_all(db_); }

  fs::path db_;
  std::map<std::string, std::string> texts_;  // by article id
};

TEST_F(RecordDictionaries, RecordsOfBothRunsShowInHitsSnippetsAndStoredPassages) {
  {
    const Xapian::Database db(db_.string());
    ASSERT_EQ(dictionary_keys(db).size(), 2u);
    std::size_t compressed = 0;
    for (auto value = db.valuestream_begin(ki::schema::kSlotStoredPassage);
         value != db.valuestream_end(ki::schema::kSlotStoredPassage); ++value)
      compressed += static_cast<unsigned char>((*value).at(1)) == ki::kStoredZstd;
    EXPECT_EQ(compressed, 3800u);
  }
  ks::Searcher searcher(db_);
  for (const std::string id :
       {"made-up-0", "made-up-1799", "made-up-3599", "made-up-10000", "made-up-10199"}) {
    SCOPED_TRACE(id);
    const std::string& text = texts_.at(id);
    const std::string phrase = phrase_of(text, 10);
    ks::SearchRequest request;
    request.query = "\"" + phrase + "\"";
    const ks::SearchResults results = searcher.search(request);
    auto hit = std::find_if(results.hits.begin(), results.hits.end(),
                            [&](const ks::Hit& h) { return h.article == id; });
    ASSERT_NE(hit, results.hits.end()) << request.query;
    EXPECT_NE(hit->snippet.find(phrase), std::string::npos) << hit->snippet;
    ASSERT_FALSE(hit->highlights.empty());
    const auto& first = hit->highlights.front();
    EXPECT_EQ(hit->snippet.substr(first.begin, first.end - first.begin), phrase);
    const std::optional<ki::StoredPassage> stored = searcher.stored_passage(id);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->text, text);
  }
  EXPECT_FALSE(searcher.stored_passage("no-such-article"));
}

// The records name a dictionary the index no longer holds, or one cut short: searches that
// show no record still answer; one that shows records fails with a message naming it.
TEST_F(RecordDictionaries, AMissingOrCorruptDictionaryIsAnErrorNamingIt) {
  std::string key;
  std::string stored;
  {
    Xapian::WritableDatabase db(db_.string(), Xapian::DB_OPEN);
    key = dictionary_keys(db).front();
    stored = db.get_metadata(key);
    db.set_metadata(key, stored.substr(0, stored.size() - 10));
    db.commit();
  }
  const std::string id_hex = key.substr(ki::schema::kMetaRecordDictionaryPrefix.size());
  ks::SearchRequest request;
  request.query = "\"" + phrase_of(texts_.at("made-up-7"), 5) + "\"";
  request.snippets = false;
  request.hit_details = false;
  {
    ks::Searcher searcher(db_);
    EXPECT_FALSE(searcher.search(request).hits.empty());
    request.snippets = true;
    try {
      searcher.search(request);
      ADD_FAILURE() << "searched with a corrupt dictionary";
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()), db_.string() + ": record dictionary " + id_hex +
                                           " (metadata " + key +
                                           "): fails its checksum: re-index with "
                                           "kavosh-index --rebuild");
    }
  }
  {
    Xapian::WritableDatabase db(db_.string(), Xapian::DB_OPEN);
    db.set_metadata(key, "");  // Xapian removes a key set to nothing
    db.commit();
  }
  ks::Searcher searcher(db_);
  std::size_t errors = 0;
  // Articles of both shards of the first run: some records name the missing dictionary.
  for (const std::string id : {"made-up-7", "made-up-100", "made-up-1000", "made-up-2000"}) {
    request.query = "\"" + phrase_of(texts_.at(id), 5) + "\"";
    try {
      searcher.search(request);
    } catch (const std::runtime_error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("compressed with record dictionary " + id_hex +
                             ", which the index does not hold"),
                std::string::npos)
          << message;
      ++errors;
    }
  }
  EXPECT_GT(errors, 0u);
}

}  // namespace
