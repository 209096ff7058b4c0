// Query building: query text -> the exact Xapian query (get_description()), through the real
// analyzer and an index holding one alias group and a few terms.
#include <gtest/gtest.h>

#include <filesystem>

#include "kavosh/format/term_filter.hpp"
#include "kavosh/search/query.hpp"
// The word lists are internal to the searcher; this suite checks their entries.
#include "query_builder/arabic_variant.hpp"
#include "query_builder/function_words.hpp"

namespace fs = std::filesystem;
using kavosh::search::BuildOptions;
using kavosh::search::BuiltQuery;
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
    // Zاسمانخراش: آسمان‌خراش written with ZWNJ, for the joined-words case.
    // Zسفر and Zمعلم: Arabic-stemmer stems, for the Arabic variant's cases.
    for (const char* term : {"mujahedin", "Zmujahedin", "khomeini", "XFleader:rajavi", "Zاسمانخراش",
                             "Zسال", "Zکشور", "Zمواد", "Zسفر", "Zمعلم"})
      doc.add_term(term);
    // Title (and one section) stems: a word gets a title clause only when titles hold its stem.
    for (const char* stem : {"iran", "run", "war", "the", "mojahedin", "mujahedin", "mko", "khalq",
                             "میروم", "روم", "اسمان", "خراش", "سنگ", "فرش", "کتاب", "peac", "5000"})
      doc.add_term(std::string("ZS") + stem);
    doc.add_term("ZXHiran");
    db.add_document(doc);
    db.commit();
  }
  static void TearDownTestSuite() {
    fs::remove_all(*path_);
    delete path_;
  }
  static BuiltQuery build(const std::string& query, BuildOptions options = {}) {
    Xapian::Database db(path_->string());
    kavosh::analysis::Analyzer analyzer;
    auto ast = parse_query(query, [](std::string_view name) { return name == "leader"; });
    return QueryBuilder(analyzer, db, options).build(ast);
  }
  static std::string built(const std::string& query, BuildOptions options = {}) {
    return build(query, options).query.get_description();
  }
  // The bare words that became query clauses (function words dropped), as typed.
  static std::string kept(const std::string& query, BuildOptions options = {}) {
    std::string out;
    for (const auto& word : build(query, options).plain_words)
      out += (out.empty() ? "" : " ") + word;
    return out;
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
      // no title holds "tehran": no title clause
      {"tehran", "Query(Ztehran)"},
      // English function words leave a ranked list that has other words
      {"the war of iran", "Query(((Zwar OR 0.5 * ZSwar) OR (Ziran OR 0.5 * ZSiran)))"},
      {"the", "Query((Zthe OR 0.5 * ZSthe))"},
      // romanized vowel variant held by the index
      {"mojahedin",
       "Query(((Zmojahedin SYNONYM Zmujahedin) OR 0.5 * (ZSmojahedin SYNONYM ZSmujahedin)))"},
      // aliases: single term and a two-word key
      {"MKO", "Query(((Zmko SYNONYM Zpmoi SYNONYM (مجاهدین PHRASE 2 خلق)) OR 0.5 * ZSmko))"},
      {"mujahedin khalq",
       "Query(((Zmujahedin OR 0.5 * ZSmujahedin) OR (Zkhalq OR 0.5 * ZSkhalq) OR "
       "((mujahedin PHRASE 2 khalq) SYNONYM Zmko)))"},
      {"\"people's mujahedin\"", "Query((people PHRASE 2 mujahedin))"},
      {"Mujahedin-e-Khalq", "Query((mujahedin PHRASE 3 e PHRASE 3 khalq))"},
      {"می‌روم", "Query((Zمیروم OR 0.5 * ZSمیروم))"},
      // می is a function word, but still joins روم into the compound میروم
      {"می روم", "Query(((Zروم OR 0.5 * ZSروم) OR Zمیروم))"},
      // a joined word the index holds (آسمان‌خراش); سنگفرش is not in this index
      {"آسمان خراش", "Query(((Zاسمان OR 0.5 * ZSاسمان) OR (Zخراش OR 0.5 * ZSخراش) OR Zاسمانخراش))"},
      {"سنگ فرش", "Query(((Zسنگ OR 0.5 * ZSسنگ) OR (Zفرش OR 0.5 * ZSفرش)))"},
      // plural suffix typed apart: کتابها stems to کتاب, so no second clause for it
      {"کتاب ها", "Query((Zکتاب OR 0.5 * ZSکتاب))"},
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
       "Query((((Ziran OR 0.5 * ZSiran) AND (Zwar OR 0.5 * ZSwar)) AND_NOT (Zpeac OR 0.5 * "
       "ZSpeac)))"},
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
  // After چه / کدام / چند the indefinite ی is also taken off (سالی -> سال); shown without
  // the Arabic-stemmer variant, which strips it from any word.
  BuildOptions persian_only;
  persian_only.arabic_variant = false;
  persian_only.weights.title = 0;
  EXPECT_EQ(built("در چه سالی", persian_only), "Query((Zسالی SYNONYM Zسال))");
  EXPECT_EQ(built("کدام کشوری", persian_only), "Query((Zکشوری SYNONYM Zکشور))");
  EXPECT_EQ(built("سالی", persian_only), "Query(Zسالی)");
  EXPECT_EQ(built("چه موادی", persian_only), "Query((Zموادی SYNONYM Zمواد))");
  EXPECT_EQ(built("چه پری", persian_only), "Query(Zپری)");  // too short to lose its ی
  // Of several spellings, those the index lacks (درخت) are left out.
  EXPECT_EQ(built("چه درختی", persian_only), "Query(Zدرختی)");
  // The Arabic stemmer's stem joins a word's where it took off an ending or the article ال,
  // not where it took a Persian word's first letter for a proclitic: فسفر is not سفر.
  BuildOptions with_arabic;
  with_arabic.weights.title = 0;
  EXPECT_EQ(built("المعلمون", with_arabic), "Query((Zالمعلمون SYNONYM Zمعلم))");
  EXPECT_EQ(built("للمعلم", with_arabic), "Query((Zللمعلم SYNONYM Zمعلم))");
  EXPECT_EQ(built("فسفر", with_arabic), "Query(Zفسفر)");
  BuildOptions weighted;
  weighted.weights.title = 3;
  weighted.weights.section = 1.5;
  weighted.weights.field = 2;
  EXPECT_EQ(built("iran", weighted), "Query((Ziran OR 3 * ZSiran OR 1.5 * ZXHiran))");
  EXPECT_EQ(built("leader:rajavi", weighted), "Query(2 * ZXFleader:rajavi)");
}

// Function words (searcher/src/query_builder/function_words.hpp) leave a ranked list that has other
// words; they are compared on the analyzed term, so Arabic letters, ZWNJ, case and punctuation do
// not matter.
TEST_F(QueryBuilding, FunctionWordsLeaveRankedLists) {
  struct KeptCase {
    const char* query;
    const char* kept;
  };
  const KeptCase cases[] = {
      {"چه کسی جامعه شناسی را در ایران ابداع کرد؟", "جامعه شناسی ایران ابداع"},
      {"پارانوئید چه نوع بیماری است؟", "پارانوئید نوع بیماری"},
      {"کدام ویتامین ها در چربی حل نمی شوند؟", "ویتامین چربی حل"},
      {"آیا آب سرد می‌شود", "آب سرد"},
      {"چه‌طور طلا پیدا کنیم", "طلا پیدا"},
      // Arabic letters ي and ك are the same words as ی and ک
      {"راه آهن ايران در چه سالي تصویب شد؟", "راه آهن ايران سالي تصویب"},
      {"كدام كشور", "كشور"},
      // spoken forms
      {"کدوم ایستگاه فضایی الان استفاده می شه؟", "ایستگاه فضایی الان استفاده"},
      // Arabic
      {"ماذا يوجد في مصر", "يوجد مصر"},
      // English, also with punctuation and capitals
      {"What is the war?", "war?"},
      {"Is there any use for it, or not", "use"},
      // only function words: nothing is dropped
      {"چه کسی است", "چه کسی است"},
      {"the of", "the of"},
      // required, excluded and field words are never dropped
      {"+در ایران", "در ایران"},
      {"ایران -از", "ایران از"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    EXPECT_EQ(kept(c.query), c.kept);
  }
  BuildOptions keep;
  keep.drop_stopwords = false;
  EXPECT_EQ(kept("چه کسی جامعه شناسی را ابداع کرد", keep), "چه کسی جامعه شناسی را ابداع کرد");
  BuildOptions all;
  all.all_words = true;
  EXPECT_EQ(kept("کدام کشور", all), "کدام کشور");
}

// Every list entry is one analyzed term, so the set compared against holds all of them.
TEST_F(QueryBuilding, EveryFunctionWordIsOneTerm) {
  kavosh::analysis::Analyzer analyzer;
  auto check = [&](const auto& words) {
    for (const std::string_view word : words) {
      SCOPED_TRACE(std::string(word));
      const auto tokens = analyzer.analyze(word);
      ASSERT_EQ(tokens.size(), 1u);
      EXPECT_EQ(kept(std::string(word) + " iran"), "iran");
    }
  };
  check(kavosh::search::function_words::kEnglish);
  check(kavosh::search::function_words::kPersian);
  check(kavosh::search::function_words::kArabic);
}

// With the index's term filter, a query knows when nothing can match: no term it matches by
// (excluded ones aside) may be in the index, and it has no wildcard.
TEST_F(QueryBuilding, TheTermFilterTellsWhenNothingCanMatch) {
  const Xapian::Database db(path_->string());
  const auto filter = kavosh::index::TermFilter::build(db);
  BuildOptions filtered;
  filtered.term_filter = &filter;
  for (const char* query : {"mujahedin", "qzxv mujahedin", "\"qzxv mujahedin\"", "title:iran",
                            "qzx*", "mujahedin -qzxv", "+qzxv mko", "آسمان خراش"}) {
    SCOPED_TRACE(query);
    EXPECT_TRUE(build(query, filtered).may_match);
  }
  for (const char* query : {"qzxv", "qzxv wqyk", "qzxv -mujahedin", "leader:qzxv", "title:qzxv",
                            "\"qzxv wqyk\"", "qzxv NEAR/3 wqyk", "=qzxv", "قزخو"}) {
    SCOPED_TRACE(query);
    EXPECT_FALSE(build(query, filtered).may_match);
    EXPECT_TRUE(build(query).may_match);  // without a filter, the match decides
  }
}

TEST_F(QueryBuilding, NothingSearchableIsAnError) {
  for (const char* query : {"...", "\"\"", "- +"}) {
    SCOPED_TRACE(query);
    EXPECT_THROW(built(query), QueryError);
  }
}

// Which of the Arabic stemmer's stems a query word tries (Snowball's outputs, 2026-12-07).
TEST(ArabicVariant, TakenWhereTheStemmerTookAnEndingOrTheArticle) {
  struct Case {
    const char* term;
    const char* arabic_stem;
    bool applies;
  };
  const Case cases[] = {
      // Endings only, or letters changed in place.
      {"یکتبون", "یکتب", true},
      {"کتابها", "کتاب", true},
      {"مسئله", "مسیل", true},
      // The definite article in front, alone or after a proclitic.
      {"المعلمون", "معلم", true},
      {"بالمدرسه", "مدرسه", true},
      {"للمعلم", "معلم", true},
      // A Persian word's first letter read as a proclitic.
      {"برگهای", "رگها", false},
      {"برگرفته", "رگرف", false},
      {"فشار", "شار", false},
      {"فسفر", "سفر", false},
      {"بیشتری", "یشتر", false},
      {"وزارت", "زار", false},
  };
  for (const Case& c : cases)
    EXPECT_EQ(kavosh::search::query_building::arabic_variant_applies(c.term, c.arabic_stem),
              c.applies)
        << c.term << " -> " << c.arabic_stem;
}

}  // namespace
