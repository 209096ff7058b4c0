// Specification of the collection export: what each real collection becomes (counts, id
// renumbering, relevance grades) and of the wikitext reduction. Runs on ../shared/data.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>

#include "collections.hpp"

namespace harness = kavosh::bench::harness;

namespace {

const std::filesystem::path kData = KAVOSH_BENCH_DATA_DIR;

struct CollectionCounts {
  const char* name;
  std::size_t documents;
  std::size_t queries;
  std::size_t judgments;
};

TEST(CollectionExport, EveryCollectionHasTheCountsOfTheDataReadme) {
  // Counts as in ../shared/data/README.md; PersianQA keeps answerable questions only.
  const CollectionCounts expected[] = {
      {"cranfield", 1400, 225, 1837}, {"cisi", 1460, 112, 3114}, {"cacm", 3204, 64, 796},
      {"npl", 11429, 93, 2083},       {"parsinlu", 1267, 1295, 1295},
      {"persianqa", 93, 651, 651},
  };
  for (const auto& e : expected) {
    const auto c = harness::read_collection(e.name, kData);
    EXPECT_EQ(c.documents.size(), e.documents) << e.name;
    EXPECT_EQ(c.queries.size(), e.queries) << e.name;
    EXPECT_EQ(c.judgments.size(), e.judgments) << e.name;
  }
}

TEST(CollectionExport, CranfieldQueriesAreNumberedInFileOrderAndGradedFiveMinusCode) {
  const auto c = harness::read_collection("cranfield", kData);
  // cran.qry's third query is labelled ".I 004"; cranqrel calls it 3.
  ASSERT_GE(c.queries.size(), 3u);
  EXPECT_EQ(c.queries[2].id, "3");
  EXPECT_EQ(c.queries[2].text,
            "what problems of heat conduction in composite slabs have been solved so far .");
  EXPECT_EQ(c.queries.back().id, "225");
  // cranqrel's first rows: "1 184 2", "1 29 2", "1 31 2", "1 12 3".
  ASSERT_GE(c.judgments.size(), 4u);
  EXPECT_EQ(c.judgments[0].query_id, "1");
  EXPECT_EQ(c.judgments[0].document_id, "184");
  EXPECT_EQ(c.judgments[0].grade, 3);
  EXPECT_EQ(c.judgments[3].grade, 2);
  std::map<int, int> grades;
  for (const auto& j : c.judgments) ++grades[j.grade];
  // Codes -1, 1, 2, 3, 4 occur 225, 128, 387, 734, 363 times.
  EXPECT_EQ(grades, (std::map<int, int>{{0, 225}, {4, 128}, {3, 387}, {2, 734}, {1, 363}}));
}

TEST(CollectionExport, CacmQueryIdsLoseTheirZeroPadding) {
  const auto c = harness::read_collection("cacm", kData);
  EXPECT_EQ(c.judgments.front().query_id, "1");
  EXPECT_EQ(c.queries.front().id, "1");
  EXPECT_TRUE(std::none_of(c.queries.begin(), c.queries.end(),
                           [](const auto& q) { return q.id == "0"; }));
}

TEST(CollectionExport, PersianQuestionsPointAtTheirParagraph) {
  const auto c = harness::read_collection("persianqa", kData);
  ASSERT_FALSE(c.queries.empty());
  EXPECT_EQ(c.queries.front().id, "q9101");
  EXPECT_EQ(c.queries.front().text, "پایتخت اسپانیا کجاست؟");
  EXPECT_EQ(c.judgments.front().document_id, "pq1");
  EXPECT_EQ(c.documents.front().lang, "fa");
}

struct WikitextCase {
  const char* wikitext;
  const char* plain;
};

TEST(Wikitext, MarkupIsReducedToItsText) {
  const WikitextCase cases[] = {
      {"'''Berlin''' is the [[capital city|capital]] of [[Germany]].",
       "Berlin is the capital of Germany.\n"},
      {"A{{Infobox|name={{nested}}}} B", "A B\n"},
      {"Text<ref name=\"x\">cite</ref> more", "Text more\n"},
      {"[[File:Map.png|thumb|a [[map]]]]Left", "Left\n"},
      {"== History ==", "\n\nHistory\n\n"},
      {"* item one", "item one\n"},
      {"See [http://example.org the site].", "See the site.\n"},
      {"[[رده:بازی‌های فکری]]", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(harness::wikitext_to_plain(c.wikitext), c.plain) << c.wikitext;
}

TEST(Wikitext, PersianPagesBecomeParagraphDocuments) {
  const auto docs = harness::read_mediawiki_paragraphs(kData / "wiki-fa" / "1.xml", "fa");
  ASSERT_FALSE(docs.empty());
  EXPECT_EQ(docs.front().title, "آیزاک نیوتن");
  EXPECT_EQ(docs.front().id, "650-1");
  EXPECT_EQ(docs.front().lang, "fa");
}

}  // namespace
