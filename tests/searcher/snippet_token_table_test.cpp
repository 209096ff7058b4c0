// Snippets from the stored token table (hash matching, no re-analysis) are the snippets the
// analysis path makes, on a table of passages and queries in English, Persian (ZWNJ, spaced
// compounds), romanized Persian with diacritics and Arabic-vs-Persian letters; a query with
// wildcard prefixes still analyses the text.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kavosh/format/stored_passage.hpp"
#include "kavosh/search/snippet.hpp"
#include "test_support.hpp"

using kavosh::analysis::Analyzer;
using kavosh::analysis::Language;
using kavosh::index::StoredPassage;
using kavosh::index::StoredPassageView;
using kavosh::index::StoredToken;
using kavosh::index::token_hash;
using kavosh::search::Snippet;
using kavosh::search::SnippetMaker;
using kavosh::search::SnippetOptions;
using kavosh::search::SnippetQuery;

namespace {

// The token table the indexer stores for `text` (DocumentBuilder::prepare does the same).
std::vector<StoredToken> table_of(Analyzer& analyzer, const std::string& text, Language language) {
  std::vector<StoredToken> tokens;
  for (const auto& t : analyzer.analyze(text, language))
    tokens.push_back({t.begin, t.end, t.span, token_hash(t.term), token_hash(t.stem_or_term())});
  return tokens;
}

// Bare words ask for each word's term and Z-stem; a quoted query adds its terms as a phrase.
SnippetQuery query_of(Analyzer& analyzer, const std::string& words, bool phrase = false) {
  if (!phrase) return kavosh::search::testing::bare_words_query(analyzer, words);
  SnippetQuery query;
  std::vector<std::string> phrase_terms;
  for (const auto& token : analyzer.analyze(words))
    if (token.span == 1) phrase_terms.push_back(token.term);
  query.phrases.push_back(phrase_terms);
  return query;
}

using kavosh::search::testing::marked;

struct Case {
  const char* query;
  bool phrase;
  const char* text;
  Language language;
  unsigned max_words;
  std::vector<std::string> marks;  // what both paths mark
};

TEST(SnippetTokenTable, GivesTheSnippetsOfTheAnalysisPath) {
  const Case cases[] = {
      {"rivers flowing",
       false,
       "The Karun river flows through Ahvaz. Many rivers flowed here; the flow of a river.",
       Language::English,
       30,
       {"river", "flows", "rivers", "flowed", "flow", "river"}},
      {"karun river",
       true,
       "Karun is long. The Karun river flows, river Karun does not.",
       Language::English,
       30,
       {"Karun river"}},
      {"ahvaz",
       false,
       "one two three four five six seven eight nine ten eleven twelve Ahvaz thirteen fourteen",
       Language::English,
       5,
       {"Ahvaz"}},
      {"mojahedin",
       false,
       "sâzmân-e mojâhedīn-e khalq, the People's Mojahedin of Iran",
       Language::English,
       30,
       {"mojâhedīn", "Mojahedin"}},
      // Folding diacritics, not o/u variants (the query builder adds those as extra terms).
      {"mojâhedīn khalq",
       false,
       "The Mujahedin-e Khalq (MEK), also Mojahedin-e-Khalq",
       Language::English,
       30,
       {"Khalq", "Mojahedin", "Khalq"}},
      {"میروم",
       false,
       "من به خانه می‌روم و او نمی‌آید",
       Language::Persian,
       30,
       {"می‌روم"}},
      {"میروم", false, "من به خانه می روم و او نمی آید", Language::Persian, 30, {"می روم"}},
      {"کتابها",
       false,
       "این کتاب‌ها و آن کتاب ها را خواندم",
       Language::Persian,
       30,
       {"کتاب‌ها", "کتاب ها"}},
      {"مجاهدین",
       false,
       "سازمان مجاهدين خلق ايران در سال ۱۳۴۴ تأسيس شد",
       Language::Persian,
       30,
       {"مجاهدين"}},
      {"كتاب", false, "یک کتاب خوب و يك كتاب ديگر", Language::Persian, 30, {"کتاب", "كتاب"}},
      {"سازمان خلق", true, "سازمان مجاهدين خلق، سازمان خلق", Language::Persian, 30, {"سازمان خلق"}},
      {"nothing", false, "No query word occurs in this text at all", Language::English, 4, {}},
      {"anything", false, "… — !!", Language::Other, 30, {}},
  };
  Analyzer analyzer;
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.query) + " | " + c.text);
    const SnippetQuery query = query_of(analyzer, c.query, c.phrase);
    SnippetMaker maker(analyzer, SnippetOptions{.max_words = c.max_words});
    const Snippet analysed = maker.make(c.text, c.language, query);
    const Snippet hashed =
        maker.make(c.text, table_of(analyzer, c.text, c.language), c.language, query);
    EXPECT_EQ(hashed.text, analysed.text);
    EXPECT_EQ(marked(hashed), marked(analysed));
    EXPECT_EQ(marked(hashed), c.marks);
    // Through an encoded record too, as the searcher reads it.
    StoredPassage stored;
    stored.text = c.text;
    stored.lang = std::string(kavosh::analysis::language_code(c.language));
    stored.tokens = table_of(analyzer, c.text, c.language);
    const std::string record = kavosh::index::encode(stored);
    std::string body;
    const Snippet from_record = maker.make(StoredPassageView::parse(record, body), query);
    EXPECT_EQ(from_record.text, analysed.text);
    EXPECT_EQ(marked(from_record), c.marks);
  }
}

// The rarest key wins the window on both paths, with rarities asked once per key and query.
TEST(SnippetTokenTable, RarityPicksTheSameWindowAndIsAskedOncePerKey) {
  const std::string text =
      "iran iran one two three four five six seven eight nine ten eleven twelve thirteen "
      "fourteen fifteen sixteen rajavi seventeen eighteen";
  std::vector<std::string> asked;
  Analyzer analyzer;
  SnippetMaker maker(analyzer, SnippetOptions{.max_words = 5}, [&](const std::string& key) {
    asked.push_back(key);
    return key.find("rajavi") != std::string::npos ? 5.0 : 0.1;
  });
  const SnippetQuery query = query_of(analyzer, "iran rajavi");
  const auto table = table_of(analyzer, text, Language::English);
  for (int repeat = 0; repeat < 3; ++repeat) {
    const Snippet hashed = maker.make(text, table, Language::English, query);
    EXPECT_EQ(hashed.text, "… fifteen sixteen rajavi seventeen eighteen");
    EXPECT_EQ(marked(hashed), (std::vector<std::string>{"rajavi"}));
  }
  EXPECT_EQ(asked, (std::vector<std::string>{"iran", "rajavi"}));
}

// A prefix cannot be matched by hash: with prefixes, the table is not used (here it is empty,
// yet the completions are marked) and the result is the analysis path's.
TEST(SnippetTokenTable, WildcardQueriesAnalyseTheText) {
  Analyzer analyzer;
  SnippetMaker maker(analyzer, SnippetOptions{});
  const std::string text = "Mojahedin and mojâhedīn but not Mujahedin";
  const SnippetQuery query{{}, {"moja"}, {}};
  const Snippet from_empty_table = maker.make(text, {}, Language::English, query);
  EXPECT_EQ(marked(from_empty_table), (std::vector<std::string>{"Mojahedin", "mojâhedīn"}));
  StoredPassage stored;
  stored.text = text;
  stored.lang = "en";
  const std::string record = kavosh::index::encode(stored);
  std::string body;
  EXPECT_EQ(marked(maker.make(StoredPassageView::parse(record, body), query)),
            (std::vector<std::string>{"Mojahedin", "mojâhedīn"}));
}

// Expanded into the index's completions, a prefix is matched by hash, with the analysis path's
// order: a token's term, then its stem, then a completion ("organization" and "organizers"
// are marked through their stem key, not as completions, on both paths).
TEST(SnippetTokenTable, ExpandedPrefixesMatchByHashLikeTheAnalysisPath) {
  Analyzer analyzer;
  std::vector<std::string> asked;
  SnippetMaker maker(analyzer, SnippetOptions{}, [&](const std::string& key) {
    asked.push_back(key);
    return 1.0;
  });
  const std::string text =
      "The organization of the Mojahedin and mojâhedīn organizers but not Mujahedin";
  const std::string stem_key = "Z" + analyzer.analyze("organization").at(0).stem_or_term();
  const SnippetQuery analysed_query{{stem_key}, {"moja", "organi"}, {}, {}, false};
  const SnippetQuery expanded_query{
      {stem_key}, {"moja", "organi"}, {}, {"mojahedin", "organization", "organizers"}, true};
  const Snippet analysed = maker.make(text, Language::English, analysed_query);
  const std::vector<std::string> analysed_keys = asked;
  asked.clear();
  // An empty table would mark nothing: the marks below come from the table.
  const auto table = table_of(analyzer, text, Language::English);
  const Snippet hashed = maker.make(text, table, Language::English, expanded_query);
  EXPECT_EQ(hashed.text, analysed.text);
  EXPECT_EQ(marked(hashed), marked(analysed));
  EXPECT_EQ(marked(hashed),
            (std::vector<std::string>{"organization", "Mojahedin", "mojâhedīn", "organizers"}));
  EXPECT_EQ(analysed_keys, (std::vector<std::string>{stem_key, "mojahedin"}));
  EXPECT_EQ(asked, analysed_keys);
  EXPECT_TRUE(marked(maker.make(text, {}, Language::English, expanded_query)).empty());
}

// One maker serves many queries: a changed query is prepared again, not matched with the
// previous one's keys.
TEST(SnippetTokenTable, AChangedQueryIsPreparedAgain) {
  Analyzer analyzer;
  SnippetMaker maker(analyzer, SnippetOptions{});
  const std::string text = "alpha beta gamma";
  const auto table = table_of(analyzer, text, Language::English);
  EXPECT_EQ(marked(maker.make(text, table, Language::English, query_of(analyzer, "alpha"))),
            (std::vector<std::string>{"alpha"}));
  EXPECT_EQ(marked(maker.make(text, table, Language::English, query_of(analyzer, "gamma"))),
            (std::vector<std::string>{"gamma"}));
}

}  // namespace
