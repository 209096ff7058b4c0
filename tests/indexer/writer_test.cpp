// IndexWriter: the schema layout of a passage document, replacement, deletion, identical
// contents on re-index, synonyms, spelling, batched commits, and the lock error.
#include "kavosh/index/writer.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xapian.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/format/record_dictionary.hpp"
#include "kavosh/format/schema.hpp"
#include "kavosh/format/stored_passage.hpp"
#include "kavosh/format/term_filter.hpp"
#include "kavosh/index/database_info.hpp"
#include "made_up_articles.hpp"
#include "test_support.hpp"

namespace kavosh::index {
namespace {

using kavosh::analysis::Analyzer;
using kavosh::analysis::Language;
using kavosh::testing::made_up_articles;
using testing::passages_of;
using testing::TempDir;

Article sample_article(const std::string& id, unsigned passages) {
  Article article;
  article.id = id;
  article.title = "Rivers of Persia";
  article.language = "en";
  article.source = "fixtures/rivers.txt";
  article.date = "2020-05-06";
  article.fields = {{"region", "Khuzestan"}};
  for (unsigned i = 0; i < passages; ++i) {
    Passage passage;
    passage.section = i == 0 ? "" : "Geography";
    passage.text = "The Karun river flows through Ahvaz " + std::to_string(i) + " organization";
    if (i == 0) passage.fields = {{"length", "950 km"}};
    article.passages.push_back(passage);
  }
  return article;
}

std::set<std::string> terms_of(const Xapian::Document& doc) {
  std::set<std::string> terms;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) terms.insert(*it);
  return terms;
}

Xapian::Document passage_document(const Xapian::Database& db, const std::string& passage_id) {
  const std::string term = schema::id_term(schema::kPassageId, passage_id);
  auto it = db.postlist_begin(term);
  if (it == db.postlist_end(term)) throw std::runtime_error("no passage " + passage_id);
  return db.get_document(*it);
}

// The synonym key the writer must use for a name (schema.hpp): span-1 terms joined by spaces.
std::string synonym_key(Analyzer& analyzer, const std::string& name) {
  std::string key;
  bool have = false;
  std::uint32_t last = 0;
  for (const auto& token : analyzer.analyze(name, Analyzer::detect_language(name))) {
    if (token.span != 1 || (have && token.position == last)) continue;
    have = true;
    last = token.position;
    if (!key.empty()) key += ' ';
    key += token.term;
  }
  return key;
}

// The spelling dictionary of the index at `db_path`: word -> frequency.
std::map<std::string, unsigned> spelling_of(const std::filesystem::path& db_path) {
  Xapian::Database db(schema::spelling_path(db_path).string());
  std::map<std::string, unsigned> spelling;
  for (auto it = db.spellings_begin(); it != db.spellings_end(); ++it)
    spelling[schema::spelling_word(*it)] = it.get_termfreq();
  return spelling;
}

std::set<std::string> synonyms_of(const Xapian::Database& db, const std::string& key) {
  std::set<std::string> out;
  for (auto it = db.synonyms_begin(key); it != db.synonyms_end(key); ++it) out.insert(*it);
  return out;
}

TEST(IndexWriter, WritesThePassageLayoutOfSchemaHpp) {
  TempDir dir;
  {
    IndexWriter writer(dir / "db");
    writer.add(sample_article("rivers", 2));
    writer.commit();
  }
  Xapian::Database db((dir / "db").string());
  EXPECT_EQ(db.get_doccount(), 2u);
  EXPECT_EQ(db.get_metadata(std::string(schema::kMetaArticleCount)), "1");
  EXPECT_EQ(db.get_metadata(std::string(schema::kMetaSchemaVersion)),
            std::string(schema::kSchemaVersion));

  const Xapian::Document doc = passage_document(db, "rivers#0");
  const auto terms = terms_of(doc);
  Analyzer analyzer;
  std::set<std::string> expected = {"Qrivers#0", "Len"};
  for (const auto& token :
       analyzer.analyze("The Karun river flows through Ahvaz 0 organization", Language::English)) {
    expected.insert(token.term);
    expected.insert("Z" + token.stem_or_term());
  }
  for (const auto& token : analyzer.analyze("Rivers of Persia", Language::English)) {
    expected.insert("S" + token.term);
    expected.insert("ZS" + token.stem_or_term());
  }
  for (const auto& [field, value] :
       std::vector<Field>{{"region", "Khuzestan"}, {"length", "950 km"}}) {
    for (const auto& token : analyzer.analyze(value, Language::English)) {
      expected.insert(schema::field_prefix(field) + token.term);
      expected.insert("Z" + schema::field_prefix(field) + token.stem_or_term());
    }
  }
  EXPECT_EQ(terms, expected);
  // Positions on title words, counted from 1; body words' are kept by the stored record and
  // match.data's sequences only (kMetaBodyPositions), their wdf as with positions.
  const auto positions = [&](const std::string& term) {
    return std::vector<Xapian::termpos>(db.positionlist_begin(doc.get_docid(), term),
                                        db.positionlist_end(doc.get_docid(), term));
  };
  const auto karun = analyzer.analyze("Karun", Language::English).at(0).term;
  EXPECT_TRUE(positions(karun).empty());
  Xapian::TermIterator body_term = doc.termlist_begin();
  body_term.skip_to(karun);
  ASSERT_EQ(*body_term, karun);
  EXPECT_EQ(body_term.get_wdf(), 1u);
  EXPECT_EQ(positions("S" + analyzer.analyze("Persia", Language::English).at(0).term),
            std::vector<Xapian::termpos>{3});
  EXPECT_EQ(db.get_metadata(std::string(schema::kMetaBodyPositions)),
            schema::kBodyPositionsInSequences);
  // The section heading is indexed on the passage that has one.
  const auto second_terms = terms_of(passage_document(db, "rivers#1"));
  const auto geography = analyzer.analyze("Geography", Language::English).at(0);
  EXPECT_TRUE(second_terms.count("XH" + geography.term));
  EXPECT_TRUE(second_terms.count("ZXH" + geography.stem_or_term()));

  EXPECT_EQ(doc.get_value(schema::kSlotArticleId), "rivers");
  EXPECT_EQ(Xapian::sortable_unserialise(doc.get_value(schema::kSlotPassageNo)), 0.0);
  EXPECT_EQ(doc.get_value(schema::kSlotDate), "2020-05-06");
  EXPECT_EQ(doc.get_value(schema::kSlotLanguage), "en");

  // The stored record: what the searcher displays, fields in the order given, and the token
  // table of the body as the analyzer made it.
  const std::string text = "The Karun river flows through Ahvaz 0 organization";
  StoredPassage expected_data;
  expected_data.article = "rivers";
  expected_data.passage = 0;
  expected_data.title = "Rivers of Persia";
  expected_data.lang = "en";
  expected_data.text = text;
  expected_data.fields = {{"region", "Khuzestan"}, {"length", "950 km"}};
  expected_data.source = "fixtures/rivers.txt";
  expected_data.date = "2020-05-06";
  for (const auto& token : analyzer.analyze(text, Language::English))
    expected_data.tokens.push_back({token.begin, token.end, token.span, token_hash(token.term),
                                    token_hash(token.stem_or_term())});
  EXPECT_EQ(decode(doc.get_value(schema::kSlotStoredPassage)), expected_data);
  EXPECT_EQ(doc.get_data(), "");
}

// Asked to, the writer keeps body words' positions in Xapian's table too (an index served by
// xapian-tcpsrv needs them); a later run keeps whichever the index has, and one asking for the
// other is refused before it writes.
TEST(IndexWriter, KeepsXapiansBodyPositionsWhereAskedAndAnIndexsLayoutAfterwards) {
  TempDir dir;
  const auto run = [&](std::optional<bool> in_xapian, const Article& article) {
    WriterOptions options;
    options.body_positions_in_xapian = in_xapian;
    IndexWriter writer(dir / "db", options);
    writer.add(article);
    writer.commit();
  };
  run(true, sample_article("rivers", 1));
  run(std::nullopt, sample_article("lakes", 1));
  Xapian::Database db((dir / "db").string());
  EXPECT_EQ(db.get_metadata(std::string(schema::kMetaBodyPositions)),
            schema::kBodyPositionsInXapian);
  Analyzer analyzer;
  const auto karun = analyzer.analyze("Karun", Language::English).at(0).term;
  for (const std::string id : {"rivers#0", "lakes#0"}) {
    const Xapian::docid docid = passage_document(db, id).get_docid();
    EXPECT_EQ(std::vector<Xapian::termpos>(db.positionlist_begin(docid, karun),
                                           db.positionlist_end(docid, karun)),
              std::vector<Xapian::termpos>{2})
        << id;
  }
  try {
    run(false, sample_article("seas", 1));
    ADD_FAILURE() << "a run asking for the other layout was not refused";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("re-index it with --rebuild"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(Xapian::Database((dir / "db").string()).get_doccount(), 2u);
}
TEST(IndexWriter, ReAddingAnArticleReplacesItsPassagesAndDropsStaleOnes) {
  TempDir dir;
  {
    IndexWriter writer(dir / "db");
    writer.add(sample_article("rivers", 3));
    writer.add(sample_article("other", 1));
    writer.commit();
    writer.add(sample_article("rivers", 1));
  }
  Xapian::Database db((dir / "db").string());
  EXPECT_EQ(db.get_doccount(), 2u);
  EXPECT_TRUE(db.term_exists("Qrivers#0"));
  EXPECT_FALSE(db.term_exists("Qrivers#1"));
  EXPECT_FALSE(db.term_exists("Qrivers#2"));
  EXPECT_EQ(db.get_metadata(std::string(schema::kMetaArticleCount)), "2");
}

TEST(IndexWriter, IndexingTheSameInputTwiceGivesTheSameContents) {
  TempDir dir;
  auto index = [](const std::filesystem::path& path, int times) {
    IndexWriter writer(path);
    for (int i = 0; i < times; ++i) {
      writer.add(sample_article("rivers", 3));
      writer.add(sample_article("other", 2));
      writer.add_alias_group({"Karun", "Karoon"});
      writer.commit();
    }
  };
  index(dir / "once", 1);
  index(dir / "twice", 2);
  const std::string once = testing::dump_database(dir / "once");
  EXPECT_NE(once.find("spelling "), std::string::npos);
  EXPECT_NE(once.find("synonyms "), std::string::npos);
  EXPECT_EQ(testing::dump_database(dir / "twice"), once);
}

// Every record of `db` by passage id: its compression byte and its text, read with the
// dictionaries the database holds.
struct StoredRecord {
  unsigned char compression = 0;
  std::string text;
};
std::map<std::string, StoredRecord> stored_records(const Xapian::Database& db) {
  RecordDictionaries dictionaries;
  dictionaries.add_from(db);
  std::map<std::string, StoredRecord> records;
  for (auto value = db.valuestream_begin(schema::kSlotStoredPassage);
       value != db.valuestream_end(schema::kSlotStoredPassage); ++value) {
    const std::string record = *value;
    const StoredPassage passage = decode(record, &dictionaries);
    records[schema::passage_id(passage.article, passage.passage)] = {
        static_cast<unsigned char>(record.at(1)), passage.text};
  }
  return records;
}

std::vector<std::string> dictionary_keys(const Xapian::Database& db) {
  std::vector<std::string> keys;
  const std::string prefix(schema::kMetaRecordDictionaryPrefix);
  for (auto key = db.metadata_keys_begin(prefix); key != db.metadata_keys_end(prefix); ++key)
    keys.push_back(*key);
  return keys;
}

// A run with a few records leaves them without a dictionary; the next run, with enough,
// holds its first batch's records back, trains the dictionary on them and stores it in the
// batch that writes them (a record replaced or deleted while held is written as it ends up);
// the run after that compresses with the same dictionary. Every record reads back.
TEST(IndexWriter, ARunTrainsARecordDictionaryOnItsFirstBatchAndLaterRunsReuseIt) {
  TempDir dir;
  const auto db_path = dir / "db";
  std::map<std::string, std::string> texts;  // what each passage must read back as
  auto add = [&texts](IndexWriter& writer, const Article& article) {
    writer.add(article);
    texts[article.id + "#0"] = article.passages[0].text;
  };
  {
    IndexWriter writer(db_path);
    for (const Article& article : made_up_articles(20, 0, 1)) add(writer, article);
  }
  {
    const Xapian::Database db(db_path.string());
    EXPECT_EQ(db.get_metadata(std::string(schema::kMetaRecordDictionary)), "");
    EXPECT_TRUE(dictionary_keys(db).empty());
    for (const auto& [id, record] : stored_records(db))
      EXPECT_EQ(record.compression, kStoredLz4) << id;
  }
  // 1 600 passages of about 750 bytes of body: the first batch trains on 1.2 MB.
  WriterOptions options;
  options.batch_passages = 1600;
  {
    IndexWriter writer(db_path, options);
    const std::vector<Article> articles = made_up_articles(2400, 1000, 2);
    for (int i = 0; i < 1000; ++i) add(writer, articles[i]);
    Article replaced = made_up_articles(1, 1003, 3).front();  // held, then replaced
    add(writer, replaced);
    ASSERT_TRUE(writer.remove("made-up-1004"));  // held, then deleted
    texts.erase("made-up-1004#0");
    for (int i = 1000; i < 2400; ++i) add(writer, articles[i]);
    writer.commit();
    EXPECT_EQ(writer.stats().commits, 2u);  // the batch that trained, and the rest
  }
  std::string dictionary;
  {
    const Xapian::Database db(db_path.string());
    dictionary = db.get_metadata(std::string(schema::kMetaRecordDictionary));
    EXPECT_EQ(
        dictionary_keys(db),
        std::vector<std::string>{std::string(schema::kMetaRecordDictionaryPrefix) + dictionary});
    const auto records = stored_records(db);
    ASSERT_EQ(records.size(), texts.size());
    std::size_t compressed = 0;
    for (const auto& [id, text] : texts) {
      ASSERT_TRUE(records.contains(id)) << id;
      EXPECT_EQ(records.at(id).text, text) << id;
      const bool first_run = std::stoi(id.substr(std::string("made-up-").size())) < 20;
      EXPECT_EQ(records.at(id).compression, first_run ? kStoredLz4 : kStoredZstd) << id;
      if (records.at(id).compression == kStoredZstd) ++compressed;
    }
    EXPECT_EQ(compressed, 2399u);
  }
  {
    IndexWriter writer(db_path);
    for (const Article& article : made_up_articles(50, 5000, 4)) add(writer, article);
  }
  // kavosh-index --show reads records of either kind.
  for (const std::string id : {"made-up-3", "made-up-1003", "made-up-5007"})
    EXPECT_NE(describe_passage(db_path, id).find("text:\n" + texts.at(id + "#0") + "\n"),
              std::string::npos)
        << id;
  const Xapian::Database db(db_path.string());
  EXPECT_EQ(db.get_metadata(std::string(schema::kMetaRecordDictionary)), dictionary);
  EXPECT_EQ(dictionary_keys(db).size(), 1u);
  const auto records = stored_records(db);
  for (int i = 5000; i < 5050; ++i) {
    const std::string id = "made-up-" + std::to_string(i) + "#0";
    EXPECT_EQ(records.at(id).compression, kStoredZstd) << id;
    EXPECT_EQ(records.at(id).text, texts.at(id)) << id;
  }
}

// Batches too small to train on commit as they would without a dictionary, their records
// with LZ4, and their bodies count towards the training of a later batch of the run.
TEST(IndexWriter, BatchesTooSmallToTrainOnCommitWithLz4AndALaterOneTrains) {
  TempDir dir;
  WriterOptions options;
  options.shards = 1;
  options.analysis_thread = false;
  options.batch_passages = 600;  // about 450 KB of bodies a batch
  std::map<std::string, std::string> texts;
  {
    IndexWriter writer(dir / "db", options);
    for (const Article& article : made_up_articles(2400, 0, 6)) {
      writer.add(article);
      texts[article.id + "#0"] = article.passages[0].text;
      if (article.id == "made-up-1000") {  // one batch committed, too small to train on
        const Xapian::Database committed((dir / "db").string());
        EXPECT_EQ(committed.get_doccount(), 600u);
        EXPECT_TRUE(dictionary_keys(committed).empty());
      }
    }
    writer.commit();
    EXPECT_EQ(writer.stats().commits, 4u);
  }
  const Xapian::Database db((dir / "db").string());
  EXPECT_EQ(dictionary_keys(db).size(), 1u);
  std::map<unsigned char, std::size_t> kinds;
  for (const auto& [id, record] : stored_records(db)) {
    ++kinds[record.compression];
    EXPECT_EQ(record.text, texts.at(id)) << id;
    const bool first_batches = std::stoi(id.substr(std::string("made-up-").size())) < 1200;
    EXPECT_EQ(record.compression, first_batches ? kStoredLz4 : kStoredZstd) << id;
  }
  EXPECT_EQ(kinds[kStoredLz4], 1200u);
  EXPECT_EQ(kinds[kStoredZstd], 1200u);
}

// A first run's two shards each train a dictionary of their own; the merge keeps both, and
// the records of both read back.
TEST(IndexWriter, AFirstRunsShardsEachTrainADictionaryAndTheMergeKeepsBoth) {
  TempDir dir;
  std::map<std::string, std::string> texts;
  {
    IndexWriter writer(dir / "db");
    for (const Article& article : made_up_articles(3600, 0, 5)) {
      writer.add(article);
      texts[article.id + "#0"] = article.passages[0].text;
    }
  }
  const Xapian::Database db((dir / "db").string());
  const std::vector<std::string> keys = dictionary_keys(db);
  ASSERT_EQ(keys.size(), 2u);
  const std::string current = db.get_metadata(std::string(schema::kMetaRecordDictionary));
  EXPECT_TRUE(keys[0].ends_with(current) || keys[1].ends_with(current)) << current;
  const auto records = stored_records(db);
  ASSERT_EQ(records.size(), texts.size());
  for (const auto& [id, record] : records) {
    EXPECT_EQ(record.compression, kStoredZstd) << id;
    EXPECT_EQ(record.text, texts.at(id)) << id;
  }
  // An index whose stored dictionary was cut short is refused by the next run, by name.
  {
    Xapian::WritableDatabase writable((dir / "db").string());
    const std::string key = std::string(schema::kMetaRecordDictionaryPrefix) + current;
    const std::string stored = writable.get_metadata(key);
    writable.set_metadata(key, stored.substr(0, stored.size() / 2));
    writable.commit();
  }
  try {
    IndexWriter writer(dir / "db");
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "database " + (dir / "db").string() + ": record dictionary " + current +
                  " (metadata kavosh.record-dictionary." + current +
                  "): fails its checksum: re-index with kavosh-index --rebuild");
  }
}

TEST(IndexWriter, RemoveDeletesEveryPassageAndItsSpellingData) {
  TempDir dir;
  IndexWriter writer(dir / "db", WriterOptions{});
  writer.add(sample_article("rivers", 3));
  writer.commit();
  EXPECT_TRUE(writer.remove("rivers"));
  EXPECT_FALSE(writer.remove("rivers"));
  EXPECT_FALSE(writer.remove("never-indexed"));
  writer.commit();
  Xapian::Database db((dir / "db").string());
  EXPECT_EQ(db.get_doccount(), 0u);
  Xapian::Database spelling(schema::spelling_path(dir / "db").string());
  EXPECT_EQ(spelling.spellings_begin(), spelling.spellings_end());
  EXPECT_EQ(db.get_metadata(std::string(schema::kMetaArticleCount)), "0");
  EXPECT_EQ(writer.stats().removed, 1u);
}

TEST(IndexWriter, AliasGroupsAndArticleAliasesBecomeSynonyms) {
  TempDir dir;
  {
    IndexWriter writer(dir / "db");
    writer.add_alias_group(
        {"MEK", "People's Mujahedin Organization of Iran", "سازمان مجاهدين خلق ايران"});
    Article article = sample_article("rivers", 1);
    article.aliases = {"RoP"};
    writer.add(article);
    writer.commit();
  }
  Xapian::Database db((dir / "db").string());
  Analyzer analyzer;
  const std::string mek = synonym_key(analyzer, "MEK");
  const std::string english = synonym_key(analyzer, "People's Mujahedin Organization of Iran");
  const std::string persian = synonym_key(analyzer, "سازمان مجاهدين خلق ايران");
  EXPECT_EQ(synonyms_of(db, mek), (std::set<std::string>{english, persian}));
  EXPECT_EQ(synonyms_of(db, persian), (std::set<std::string>{mek, english}));
  EXPECT_EQ(synonyms_of(db, synonym_key(analyzer, "RoP")),
            (std::set<std::string>{synonym_key(analyzer, "Rivers of Persia")}));
}

TEST(IndexWriter, SpellingDataComesFromBodyWordsButNotNumbers) {
  TempDir dir;
  {
    IndexWriter writer(dir / "db");
    writer.add(sample_article("rivers", 1));
  }
  Xapian::Database db(schema::spelling_path(dir / "db").string());
  Analyzer analyzer;
  const std::string organization = analyzer.analyze("organization", Language::English).at(0).term;
  EXPECT_EQ(db.get_spelling_suggestion("organizaton"), organization);
  std::set<std::string> words;
  for (auto it = db.spellings_begin(); it != db.spellings_end(); ++it) words.insert(*it);
  EXPECT_FALSE(words.count("0"));
  EXPECT_FALSE(words.count("950"));
}

// Arabic-script words are keyed one byte a letter (schema::spelling_key): a misspelled Persian
// word finds its word through the key, and a dictionary written before the keys (UTF-8 words,
// no key metadata) is rewritten by the next run.
TEST(IndexWriter, PersianSpellingWordsAreKeyedByLetter) {
  TempDir dir;
  std::filesystem::create_directories(dir / "db");
  {
    Xapian::WritableDatabase old_format(schema::spelling_path(dir / "db").string(),
                                        Xapian::DB_CREATE);
    old_format.add_spelling("ایران", 1);
    old_format.add_spelling("karun", 1);
    old_format.commit();
  }
  {
    IndexWriter writer(dir / "db");
    Article article = sample_article("fa", 2);
    article.language = "fa";
    article.passages.at(0).text = "سازمان مجاهدین خلق";
    article.passages.at(1).text = "مجاهدین karun";
    writer.add(article);
  }
  EXPECT_EQ(spelling_of(dir / "db"), (std::map<std::string, unsigned>{
                                         {"سازمان", 1}, {"مجاهدین", 2}, {"خلق", 1}, {"karun", 1}}));
  Xapian::Database dictionary(schema::spelling_path(dir / "db").string());
  EXPECT_EQ(dictionary.get_metadata(std::string(schema::kMetaSpellingKeys)), schema::kSpellingKeys);
  EXPECT_EQ(
      schema::spelling_word(dictionary.get_spelling_suggestion(*schema::spelling_key("مجاهدبن"))),
      "مجاهدین");
  EXPECT_EQ(
      schema::spelling_word(dictionary.get_spelling_suggestion(*schema::spelling_key("سزمان"))),
      "سازمان");
}

// Spelling counts are added per batch and made exact at commit(): replacing or removing an
// article, inside one batch or across batches, must leave exactly the passage counts of what
// is indexed.
TEST(IndexWriter, SpellingCountsAreExactWhenAnArticleChanges) {
  struct Case {
    const char* name;
    std::vector<std::string> texts;  // successive versions of article "a"
    bool remove_at_end;
    std::map<std::string, unsigned> expected;  // spelling word -> passages holding it
    unsigned batch_passages = 10000;
  };
  const std::vector<Case> cases = {
      {"one version", {"alpha alpha beta"}, false, {{"alpha", 1}, {"beta", 1}}},
      {"replaced", {"alpha alpha beta", "alpha gamma"}, false, {{"alpha", 1}, {"gamma", 1}}},
      {"replaced twice", {"beta", "gamma", "beta beta"}, false, {{"beta", 1}}},
      {"removed", {"alpha beta"}, true, {}},
      {"replaced across batches", {"alpha beta", "beta gamma", "gamma"}, false, {{"gamma", 1}}, 1},
      {"removed across batches", {"alpha beta", "beta"}, true, {}, 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    {
      WriterOptions options;
      options.batch_passages = c.batch_passages;
      IndexWriter writer(dir / "db", options);
      for (const std::string& text : c.texts) {
        Article article = sample_article("a", 1);  // title and fields give no spelling words
        article.passages.at(0).text = text;
        writer.add(article);
      }
      if (c.remove_at_end) writer.remove("a");
      writer.commit();
    }
    EXPECT_EQ(spelling_of(dir / "db"), c.expected);
  }
}

// A word's dictionary frequency is the bit width of its passage count (1, 2-3, 4-7, ...):
// Xapian only compares frequencies, and classes change rarely, so later batches rewrite little.
TEST(IndexWriter, SpellingFrequencyIsThePopularityClassOfThePassageCount) {
  TempDir dir;
  {
    WriterOptions options;
    options.batch_passages = 2;  // classes must come out the same across batches
    IndexWriter writer(dir / "db", options);
    for (int i = 0; i < 7; ++i) {
      Article article = sample_article("a" + std::to_string(i), 1);
      article.passages.at(0).text = i < 3 ? "delta epsilon" : "delta";
      if (i == 6) article.passages.at(0).text += " zeta";
      writer.add(article);
    }
  }
  EXPECT_EQ(spelling_of(dir / "db"),
            (std::map<std::string, unsigned>{{"delta", 3}, {"epsilon", 2}, {"zeta", 1}}));
}

// The dictionary is a function of the committed index: passages written without it (an
// older --no-spelling run, or a run killed before its final commit) are counted by the next
// run that commits anything.
TEST(IndexWriter, SpellingDictionaryCatchesUpWithPassagesWrittenWithoutIt) {
  TempDir dir;
  {
    WriterOptions options;
    options.spelling = false;
    IndexWriter writer(dir / "db", options);
    Article article = sample_article("a", 1);
    article.passages.at(0).text = "alpha beta";
    writer.add(article);
  }
  EXPECT_FALSE(std::filesystem::exists(schema::spelling_path(dir / "db")));
  {
    IndexWriter writer(dir / "db");
    Article article = sample_article("b", 1);
    article.passages.at(0).text = "beta gamma";
    writer.add(article);
  }
  EXPECT_EQ(spelling_of(dir / "db"),
            (std::map<std::string, unsigned>{{"alpha", 1}, {"beta", 2}, {"gamma", 1}}));
}

// Appending to an index of another schema would mix two stored-record layouts.
// Schema 1 held JSON, schema 2 uncompressed records with every hash.
TEST(IndexWriter, RefusesToAddToAnIndexOfAnotherSchema) {
  TempDir dir;
  for (const std::string old_schema : {"1", "2"}) {
    SCOPED_TRACE(old_schema);
    {
      Xapian::WritableDatabase old((dir / "db").string(), Xapian::DB_CREATE_OR_OPEN);
      if (old.get_doccount() == 0) old.add_document(Xapian::Document());
      old.set_metadata(std::string(schema::kMetaSchemaVersion), old_schema);
      old.commit();
    }
    try {
      IndexWriter writer(dir / "db");
      ADD_FAILURE() << "opened a schema-" << old_schema << " index for writing";
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()), "database " + (dir / "db").string() + " has index schema " +
                                           old_schema + ", this kavosh-index writes schema " +
                                           std::string(schema::kSchemaVersion) +
                                           ": re-index it with --rebuild");
    }
  }
  WriterOptions rebuild;
  rebuild.rebuild = true;
  IndexWriter writer(dir / "db", rebuild);  // --rebuild starts over, whatever was there
  writer.add(sample_article("a", 1));
  writer.commit();
  EXPECT_EQ(Xapian::Database((dir / "db").string()).get_doccount(), 1u);
}

TEST(IndexWriter, CommitsInBatchesOfArticles) {
  TempDir dir;
  WriterOptions options;
  options.batch_passages = 2;
  options.analysis_thread = false;  // deterministic timing of writes for this test
  IndexWriter writer(dir / "db", options);
  for (int i = 0; i < 5; ++i) writer.add(sample_article("a" + std::to_string(i), 1));
  Xapian::Database committed((dir / "db").string());
  EXPECT_EQ(committed.get_doccount(), 4u);
  EXPECT_EQ(writer.stats().commits, 2u);
  writer.commit();
  committed.reopen();
  EXPECT_EQ(committed.get_doccount(), 5u);
}

// By default a batch is a sixteenth of the database's passages, between 2 500 and 10 000.
TEST(IndexWriter, AutomaticBatchesGrowWithTheDatabase) {
  EXPECT_EQ(automatic_batch_passages(0), 2500u);
  EXPECT_EQ(automatic_batch_passages(40'000), 2500u);
  EXPECT_EQ(automatic_batch_passages(80'000), 5000u);
  EXPECT_EQ(automatic_batch_passages(160'000), 10000u);
  EXPECT_EQ(automatic_batch_passages(5'000'000'000ull), 10000u);

  // An empty database commits after 2 500 passages, and again after the next 2 500.
  TempDir dir;
  WriterOptions options;
  options.analysis_thread = false;
  options.spelling = false;
  IndexWriter writer(dir / "db", options);
  for (int i = 0; i < 2600; ++i) writer.add(sample_article("a" + std::to_string(i), 2));
  EXPECT_EQ(writer.stats().commits, 2u);
  EXPECT_EQ(Xapian::Database((dir / "db").string()).get_doccount(), 5000u);
}

TEST(IndexWriter, TheAnalysisThreadWritesEverythingInOrder) {
  TempDir dir;
  WriterOptions options;
  options.queue_articles = 2;
  options.shards = 1;  // a merge of shards numbers shard by shard
  {
    IndexWriter writer(dir / "db", options);
    for (int i = 0; i < 50; ++i) writer.add(sample_article("a" + std::to_string(i), 2));
    writer.commit();
    EXPECT_EQ(writer.stats().articles, 50u);
    EXPECT_EQ(writer.stats().passages, 100u);
  }
  Xapian::Database db((dir / "db").string());
  EXPECT_EQ(db.get_doccount(), 100u);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(passage_document(db, "a" + std::to_string(i) + "#0").get_docid(),
              static_cast<Xapian::docid>(2 * i + 1));
  }
}

// Ids 64 numbers apart: a first run routes numbered ids in blocks of 64 neighbours, so these
// fall to both shards.
std::string shard_test_id(int i) { return "a" + std::to_string(i * 64); }

std::vector<Article> shard_test_articles() {
  std::vector<Article> articles;
  for (int i = 0; i < 40; ++i) {
    Article article = sample_article(shard_test_id(i), 1 + i % 3);
    article.passages[0].text += " word" + std::to_string(i);
    if (i % 10 == 0) article.aliases = {"Karun " + std::to_string(i)};
    articles.push_back(article);
  }
  return articles;
}

// A first run writes two shards on two threads and merges them; the index is the one a
// single database would have been, but for docids.
TEST(IndexWriter, AFirstRunInShardsMakesTheSameIndexAsOneDatabase) {
  TempDir dir;
  for (unsigned shards : {1u, 2u}) {
    WriterOptions options;
    options.shards = shards;
    options.batch_passages = 7;
    IndexWriter writer(dir / ("db" + std::to_string(shards)), options);
    writer.add_alias_group({"MEK", "PMOI"});
    for (const Article& article : shard_test_articles()) writer.add(article);
    writer.remove(shard_test_id(5));
    writer.add(sample_article(shard_test_id(7), 1));  // a shorter new version
    writer.commit();
    EXPECT_EQ(writer.stats().articles, 41u);
    EXPECT_EQ(writer.stats().removed, 1u);
  }
  Xapian::Database one((dir / "db1").string()), merged((dir / "db2").string());
  EXPECT_EQ(merged.get_doccount(), 75u);
  EXPECT_EQ(passages_of(merged), passages_of(one));
  EXPECT_EQ(merged.get_metadata(std::string(schema::kMetaArticleCount)), "39");
  EXPECT_EQ(merged.get_metadata(std::string(schema::kMetaArticleCount)),
            one.get_metadata(std::string(schema::kMetaArticleCount)));
  EXPECT_EQ(synonyms_of(merged, "mek"), synonyms_of(one, "mek"));
  EXPECT_EQ(synonyms_of(merged, "karun 10"), synonyms_of(one, "karun 10"));
  EXPECT_FALSE(synonyms_of(merged, "karun 10").empty());
  EXPECT_EQ(spelling_of(dir / "db2"), spelling_of(dir / "db1"));
  EXPECT_TRUE(unmerged_shards(dir / "db2").empty());
  EXPECT_FALSE(std::filesystem::exists(schema::shard_path(dir / "db2", 0)));
  EXPECT_FALSE(std::filesystem::exists(schema::shard_path(dir / "db2", 1)));

  // The merged index takes updates in place, and the same first run gives the same docids.
  {
    IndexWriter writer(dir / "db2");
    writer.add(sample_article(shard_test_id(1), 1));
    writer.commit();
  }
  merged.reopen();
  EXPECT_EQ(merged.get_doccount(), 74u);
  WriterOptions options;
  options.batch_passages = 7;
  {
    IndexWriter writer(dir / "again", options);
    writer.add_alias_group({"MEK", "PMOI"});
    for (const Article& article : shard_test_articles()) writer.add(article);
    writer.remove(shard_test_id(5));
    writer.add(sample_article(shard_test_id(7), 1));
  }
  Xapian::Database again((dir / "again").string());
  for (int i = 0; i < 40; i += 3) {
    const std::string id = shard_test_id(i) + "#0";
    if (i == 5) continue;
    EXPECT_EQ(passage_document(again, id).get_docid(),
              passage_document(Xapian::Database((dir / "db2").string()), id).get_docid())
        << id;
  }
}

// What a reader sees of an index the writers are committing to (0 when it caught them mid-commit).
Xapian::doccount committed_passages(const std::filesystem::path& db_path) {
  try {
    return Xapian::Database(db_path.string()).get_doccount();
  } catch (const Xapian::Error&) {
    return 0;
  }
}

// A first run that dies (no destructor, no merge) leaves its shards, which read as one index
// at their last commits; the next run goes on in them and merges.
TEST(IndexWriter, ARunAfterAFirstRunDiedGoesOnInItsShards) {
  TempDir dir;
  const auto db_path = dir / "db";
  WriterOptions options;
  options.batch_passages = 5;
  const int died =
      kavosh::testing::run_in_child([&] {
        IndexWriter writer(db_path, options);
        // Adding goes on (the same 30 articles again) until at least 20 passages are committed;
        // however the ids fall, the shards' commits reach that within the first round or two.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        for (int i = 0; std::chrono::steady_clock::now() < deadline; ++i) {
          writer.add(sample_article(shard_test_id(i % 30), 1));
          if (i >= 30 && committed_passages(db_path) >= 20) break;
          if (i >= 30) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        std::fflush(nullptr);
        ::_exit(unmerged_shards(db_path).size() == 2 ? 0 : 3);  // before the writer's destructor
        return 0;
      }).exit_code;
  ASSERT_EQ(died, 0);
  ASSERT_EQ(unmerged_shards(db_path).size(), 2u);
  {
    Xapian::Database died(db_path.string());
    const Xapian::doccount committed = died.get_doccount();
    EXPECT_GE(committed, 20u);
    EXPECT_LT(committed, 30u + 1);
    EXPECT_EQ(summarize_database(db_path).articles, committed);
  }
  {
    IndexWriter writer(db_path, options);
    for (int i = 0; i < 31; ++i) writer.add(sample_article(shard_test_id(i), 1));
  }
  EXPECT_TRUE(unmerged_shards(db_path).empty());
  Xapian::Database completed(db_path.string());
  EXPECT_EQ(completed.get_doccount(), 31u);
  EXPECT_EQ(completed.get_metadata(std::string(schema::kMetaArticleCount)), "31");
}

// Ids numbered in order keep neighbouring docids through a first run's shards and merge
// (blocks of 64 numbers take turns between the shards), so a term they share has a posting
// list without jumps; hashed one by one they were spread over both shards' docid ranges.
TEST(IndexWriter, AFirstRunKeepsNumberedNeighboursTogether) {
  TempDir dir;
  {
    WriterOptions options;
    options.shards = 2;
    IndexWriter writer(dir / "db", options);
    for (int i = 1; i <= 256; ++i) writer.add(sample_article("g60-" + std::to_string(i), 1));
  }
  Xapian::Database db((dir / "db").string());
  ASSERT_EQ(db.get_doccount(), 256u);
  unsigned jumps = 0;
  Xapian::docid previous = 0;
  for (int i = 1; i <= 256; ++i) {
    const Xapian::docid docid = passage_document(db, "g60-" + std::to_string(i) + "#0").get_docid();
    if (i > 1 && docid != previous + 1) ++jumps;
    previous = docid;
  }
  EXPECT_EQ(jumps, 4u);  // at 64, 128, 192 and 256: blocks 0 to 4 alternate between the shards
}

// Shards of a first run that an older kavosh-index routed differently (no routing metadata)
// are refused rather than gone on in, which could put an article in both.
TEST(IndexWriter, ARunRefusesShardsRoutedAnotherWay) {
  TempDir dir;
  const auto db_path = dir / "db";
  std::filesystem::create_directories(db_path);
  for (unsigned k = 0; k < 2; ++k) {
    Xapian::WritableDatabase shard(schema::shard_path(db_path, k).string(), Xapian::DB_CREATE);
    shard.add_document(Xapian::Document());
    shard.set_metadata(std::string(schema::kMetaSchemaVersion),
                       std::string(schema::kSchemaVersion));
    shard.commit();
  }
  testing::write_file(db_path / schema::kShardStub, "glass .shard-0\nglass .shard-1\n");
  ASSERT_EQ(unmerged_shards(db_path).size(), 2u);
  try {
    IndexWriter writer(db_path);
    FAIL() << "went on in shards routed another way";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "the unfinished first run in " + db_path.string() +
                  " was written by an older kavosh-index; start over with --rebuild");
  }
  WriterOptions rebuild;
  rebuild.rebuild = true;
  IndexWriter writer(db_path, rebuild);
  writer.add(sample_article("a1", 1));
  writer.commit();
  // The rebuild is staged: the old shards stay what readers see until it closes.
  EXPECT_EQ(Xapian::Database(db_path.string()).get_doccount(), 2u);
  writer.close();
  EXPECT_EQ(Xapian::Database(db_path.string()).get_doccount(), 1u);
}

// Every run leaves a term filter of the revision it committed (term_filter.hpp), which a
// reader of that revision trusts; the next run and a compaction replace it.
TEST(IndexWriter, EveryRunLeavesATermFilterOfItsRevision) {
  TempDir dir;
  const auto db_path = dir / "db";
  {
    IndexWriter writer(db_path);  // a first run, in shards merged at the end
    for (const Article& article : shard_test_articles()) writer.add(article);
    writer.commit();
  }
  {
    Xapian::Database db(db_path.string());
    const auto filter = TermFilter::read(term_filter_path(db_path), db);
    ASSERT_TRUE(filter.has_value());
    std::uint64_t terms = 0;
    for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it, ++terms)
      EXPECT_TRUE(filter->may_hold(*it)) << *it;
    EXPECT_EQ(filter->terms(), terms);
    EXPECT_FALSE(filter->may_hold("zayandeh"));
  }
  {
    IndexWriter writer(db_path);
    Article article = sample_article("zayandeh", 1);
    article.passages[0].text = "The Zayandeh river";
    writer.add(article);
  }  // committed by the destructor
  {
    Xapian::Database db(db_path.string());
    const auto filter = TermFilter::read(term_filter_path(db_path), db);
    ASSERT_TRUE(filter.has_value());
    EXPECT_TRUE(filter->may_hold("zayandeh"));
  }
  compact_database(db_path);
  Xapian::Database compacted(db_path.string());
  const auto filter = TermFilter::read(term_filter_path(db_path), compacted);
  ASSERT_TRUE(filter.has_value());
  EXPECT_TRUE(filter->may_hold("zayandeh"));
}

TEST(IndexWriter, ASecondWriterGetsALockError) {
  TempDir dir;
  IndexWriter first(dir / "db");
  try {
    IndexWriter second(dir / "db");
    FAIL() << "the second writer opened the database";
  } catch (const DatabaseLocked& e) {
    EXPECT_EQ(std::string(e.what()),
              "database is locked by another indexer: " + (dir / "db").string());
  }
}

TEST(IndexWriter, ADatabasePathThatIsAFileIsAnError) {
  TempDir dir;
  testing::write_file(dir / "file", "x");
  try {
    IndexWriter writer(dir / "file");
    FAIL() << "opened a file as a database";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "database path is not a directory: " + (dir / "file").string());
  }
}

TEST(IndexWriter, RebuildStartsFromAnEmptyDatabase) {
  TempDir dir;
  {
    IndexWriter writer(dir / "db");
    writer.add(sample_article("old", 1));
  }
  {
    WriterOptions options;
    options.rebuild = true;
    IndexWriter writer(dir / "db", options);
    writer.add(sample_article("new", 1));
  }
  Xapian::Database db((dir / "db").string());
  EXPECT_EQ(db.get_doccount(), 1u);
  EXPECT_TRUE(db.term_exists("Qnew#0"));
}

TEST(IdTerm, LongIdsAreShortenedWithAHash) {
  const std::string long_id(300, 'x');
  const std::string term = schema::id_term("Q", long_id);
  EXPECT_LE(term.size(), schema::kMaxTermBytes);
  EXPECT_NE(term, schema::id_term("Q", long_id + "y"));
  EXPECT_EQ(schema::id_term("Q", "short"), "Qshort");
}

}  // namespace
}  // namespace kavosh::index

namespace kavosh::index {
namespace {

// Issue #22: a full disk during a first run. The shard threads' commits find too little
// room; their error reaches the caller (add or commit), and the database stays at its last
// commit instead of the process ending in std::terminate inside Xapian.
TEST(IndexWriter, RunningOutOfDiskInAShardThreadReachesTheCaller) {
  TempDir dir;
  const auto db_path = dir / "db";
  WriterOptions options;
  options.batch_passages = 4;
  std::atomic<int> probes = 0;
  // Room for the first commits, then none.
  options.free_disk_bytes = [&](const std::filesystem::path&) -> std::uint64_t {
    return ++probes <= 2 ? UINT64_MAX : 1u << 20;
  };
  std::string error;
  try {
    IndexWriter writer(db_path, options);
    for (int i = 0; i < 200; ++i) writer.add(sample_article(shard_test_id(i), 1));
    writer.commit();
  } catch (const IndexWriteError& e) {
    error = e.what();
  }
  EXPECT_NE(error.find("not enough disk space in " + db_path.string() + ": 1 MB free"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("the database is left at its last commit"), std::string::npos) << error;
  // The shards read as one index at their last commits, and a run with room completes it.
  const Xapian::doccount committed = committed_passages(db_path);
  EXPECT_GE(committed, 4u);
  EXPECT_LT(committed, 200u);
  EXPECT_EQ(summarize_database(db_path).articles, committed);
  {
    IndexWriter writer(db_path);
    for (int i = 0; i < 200; ++i) writer.add(sample_article(shard_test_id(i), 1));
  }
  EXPECT_EQ(committed_passages(db_path), 200u);
}

}  // namespace
}  // namespace kavosh::index

namespace kavosh::index {
namespace {

// Issue #22 item 4: --compact of a killed first run's shards kept one shard's article count
// (Xapian's default for a metadata key both shards hold), and re-runs kept the wrong count.
TEST(IndexWriter, CompactingAKilledFirstRunSumsTheShardsArticleCounts) {
  TempDir dir;
  const auto db_path = dir / "db";
  const int died =
      kavosh::testing::run_in_child([&] {
        WriterOptions options;
        options.batch_passages = 5;
        auto* writer = new IndexWriter(db_path, options);  // never destroyed: the run "dies"
        for (int i = 0; i < 40; ++i) writer->add(sample_article(shard_test_id(i), 1));
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (committed_passages(db_path) < 40 && std::chrono::steady_clock::now() < deadline)
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        std::fflush(nullptr);
        return unmerged_shards(db_path).size() == 2 && committed_passages(db_path) == 40 ? 0 : 3;
      }).exit_code;
  ASSERT_EQ(died, 0);
  compact_database(db_path);
  EXPECT_TRUE(unmerged_shards(db_path).empty());
  EXPECT_EQ(summarize_database(db_path).passages, 40u);
  EXPECT_EQ(summarize_database(db_path).articles, 40u);
  {
    IndexWriter writer(db_path);
    for (int i = 0; i < 40; ++i) writer.add(sample_article(shard_test_id(i), 1));
  }
  EXPECT_EQ(summarize_database(db_path).articles, 40u);
}

}  // namespace
}  // namespace kavosh::index
