// Query building: query text -> the exact Xapian query (get_description()), through the real
// analyzer and an index holding one alias group and a few terms.
#include <gtest/gtest.h>

#include <filesystem>

#include "kavosh/search/query.hpp"

namespace fs = std::filesystem;
using kavosh::search::BuildOptions;
using kavosh::search::parse_query;
using kavosh::search::QueryBuilder;
using kavosh::search::QueryError;

namespace {

class QueryBuilding : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = new fs::path(fs::temp_directory_path() /
                         ("kavosh-builder-test-" + std::to_string(::getpid())));
    fs::remove_all(*path_);
    Xapian::WritableDatabase db(path_->string(), Xapian::DB_CREATE_OR_OVERWRITE);
    db.add_synonym("mko", "pmoi");
    db.add_synonym("mko", "مجاهدین خلق");
    db.add_synonym("mujahedin khalq", "mko");
    Xapian::Document doc;
    for (const char* term : {"mujahedin", "khomeini", "XFleader:rajavi"}) doc.add_term(term);
    db.add_document(doc);
    db.commit();
  }
  static void TearDownTestSuite() {
    fs::remove_all(*path_);
    delete path_;
  }
  static std::string built(const std::string& query, BuildOptions options = {}) {
    Xapian::Database db(path_->string());
    kavosh::analysis::Analyzer analyzer;
    auto ast = parse_query(query, [](std::string_view name) { return name == "leader"; });
    return QueryBuilder(analyzer, db, options).build(ast).query.get_description();
  }
  static fs::path* path_;
};
fs::path* QueryBuilding::path_ = nullptr;

struct BuildCase {
  const char* query;
  const char* description;
};

TEST_F(QueryBuilding, EveryConstructBuildsItsXapianQuery) {
  const BuildCase cases[] = {
      // bare word: body stem OR title stem at the title weight
      {"iran", "Query((Ziran OR 0.5 * ZSiran))"},
      {"running", "Query((Zrun OR 0.5 * ZSrun))"},
      {"iran war", "Query(((Ziran OR 0.5 * ZSiran) OR (Zwar OR 0.5 * ZSwar)))"},
      // English function words leave a ranked list that has other words
      {"the war of iran", "Query(((Zwar OR 0.5 * ZSwar) OR (Ziran OR 0.5 * ZSiran)))"},
      {"the", "Query((Zthe OR 0.5 * ZSthe))"},
      // romanized vowel variant held by the index
      {"mojahedin", "Query(((Zmojahedin SYNONYM Zmujahedin) OR 0.5 * (ZSmojahedin SYNONYM ZSmujahedin)))"},
      // aliases: single term and a two-word key
      {"MKO", "Query(((Zmko SYNONYM Zpmoi SYNONYM (مجاهدین PHRASE 2 خلق)) OR 0.5 * ZSmko))"},
      {"mujahedin khalq",
       "Query(((Zmujahedin OR 0.5 * ZSmujahedin) OR (Zkhalq OR 0.5 * ZSkhalq) OR "
       "((mujahedin PHRASE 2 khalq) SYNONYM Zmko)))"},
      {"\"people's mujahedin\"", "Query((people PHRASE 2 mujahedin))"},
      {"Mujahedin-e-Khalq", "Query((mujahedin PHRASE 3 e PHRASE 3 khalq))"},
      {"می‌روم", "Query((Zمیروم OR 0.5 * ZSمیروم))"},
      {"می روم", "Query(((Zمی OR 0.5 * ZSمی) OR (Zروم OR 0.5 * ZSروم) OR Zمیروم))"},
      {"=running", "Query(running)"},
      {"moj*", "Query(WILDCARD SYNONYM moj)"},
      {"a NEAR/3 b", "Query((a NEAR 4 b))"},
      {"title:iran", "Query(ZSiran)"},
      {"title:\"a b\"", "Query((Sa PHRASE 2 Sb))"},
      {"section:history", "Query(ZXHhistori)"},
      {"leader:rajavi", "Query(ZXFleader:rajavi)"},
      {"lang:fa iran", "Query(((Ziran OR 0.5 * ZSiran) FILTER 0 * Lfa))"},
      {"+iran -war peace",
       "Query((((Ziran OR 0.5 * ZSiran) AND_MAYBE (Zpeac OR 0.5 * ZSpeac)) AND_NOT "
       "(Zwar OR 0.5 * ZSwar)))"},
      {"iran AND war NOT peace",
       "Query((((Ziran OR 0.5 * ZSiran) AND (Zwar OR 0.5 * ZSwar)) AND_NOT (Zpeac OR 0.5 * ZSpeac)))"},
      {"iran OR war", "Query(((Ziran OR 0.5 * ZSiran) OR (Zwar OR 0.5 * ZSwar)))"},
      {"5,000", "Query((Z5000 OR 0.5 * ZS5000))"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    EXPECT_EQ(built(c.query), c.description);
  }
}

TEST_F(QueryBuilding, OptionsChangeTheQuery) {
  BuildOptions all;
  all.all_words = true;
  EXPECT_EQ(built("iran war", all), "Query(((Ziran OR 0.5 * ZSiran) AND (Zwar OR 0.5 * ZSwar)))");
  BuildOptions plain;
  plain.aliases = false;
  plain.romanized_variants = false;
  plain.weights.title = 0;
  EXPECT_EQ(built("MKO mojahedin", plain), "Query((Zmko OR Zmojahedin))");
  BuildOptions weighted;
  weighted.weights.title = 3;
  weighted.weights.section = 1.5;
  weighted.weights.field = 2;
  EXPECT_EQ(built("iran", weighted), "Query((Ziran OR 3 * ZSiran OR 1.5 * ZXHiran))");
  EXPECT_EQ(built("leader:rajavi", weighted), "Query(2 * ZXFleader:rajavi)");
}

TEST_F(QueryBuilding, NothingSearchableIsAnError) {
  for (const char* query : {"...", "\"\"", "- +"}) {
    SCOPED_TRACE(query);
    EXPECT_THROW(built(query), QueryError);
  }
}

}  // namespace
