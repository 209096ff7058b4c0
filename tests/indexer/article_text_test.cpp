// The seed's article text format: title, paragraphs, infobox blocks with glued labels,
// bullets, citation markers, headings, aliases from "Abbreviation".
#include <gtest/gtest.h>

#include "kavosh/index/readers.hpp"
#include "test_support.hpp"

namespace kavosh::index {
namespace {

using testing::kFixtures;
using testing::read_text;

TEST(ArticleText, FixtureBecomesTitledPassagesWithFieldsAndAliases) {
  const Article article =
      parse_article_text(read_text(kFixtures / "article.txt"), "article.txt", "src");
  EXPECT_EQ(article.id, "article.txt");
  EXPECT_EQ(article.source, "src");
  EXPECT_EQ(article.title, "Example Organization");
  ASSERT_EQ(article.passages.size(), 3u);

  EXPECT_EQ(article.passages[0].section, "");
  EXPECT_EQ(article.passages[0].text,
            "The Example Organization (EO), also called the Sample Group, is a fictional body used "
            "in tests. It was founded in 1990.");

  const Passage& infobox = article.passages[1];
  EXPECT_EQ(infobox.text,
            "Example Organization\n"
            "Abbreviation: EO, TSG\n"
            "Leader: Jane Doe and John Roe\n"
            "Secretary-General: Ali Rezaei\n"
            "Founded: 5 May 1990; 34 years ago\n"
            "Ideology: see below\n"
            "Membership (2020): 1,000 (estimate)\n"
            "Colours: Blue\n"
            "\xE2\x80\xA2 First founder\n"
            "\xE2\x80\xA2 Second founder");
  const std::vector<Field> expected_fields = {{"abbreviation", "EO, TSG"},
                                              {"leader", "Jane Doe and John Roe"},
                                              {"secretary_general", "Ali Rezaei"},
                                              {"founded", "5 May 1990; 34 years ago"},
                                              {"ideology", "see below"},
                                              {"membership", "1,000 (estimate)"},
                                              {"colours", "Blue"}};
  EXPECT_EQ(infobox.fields, expected_fields);
  EXPECT_EQ(article.aliases, (std::vector<std::string>{"EO", "TSG"}));

  EXPECT_EQ(article.passages[2].section, "History");
  EXPECT_EQ(article.passages[2].text,
            "The organization grew quickly during the 1990s. Its members met in Tehran.");
}

TEST(ArticleText, SeedArticleIsIndexedAsGiven) {
  const auto seed = std::filesystem::path(KAVOSH_CORPUS_DIR) / "000_98f3cf22a18d5691.txt";
  const Article article = parse_article_text(read_text(seed), "seed", "seed");
  EXPECT_EQ(article.title, "People's Mujahedin of Iran");
  EXPECT_EQ(article.aliases, (std::vector<std::string>{"MEK", "MKO", "PMOI"}));
  std::map<std::string, std::string> fields;
  std::string all_text;
  for (const Passage& passage : article.passages) {
    for (const auto& [name, value] : passage.fields) fields[name] = value;
    all_text += passage.text + "\n";
  }
  EXPECT_EQ(fields["leader"], "Maryam Rajavi and Massoud Rajavi");
  EXPECT_EQ(fields["secretary_general"], "Zahra Merrikhi");
  EXPECT_EQ(fields["founded"], "5 September 1965; 56 years ago (1965-09-05)");
  EXPECT_EQ(fields["ideology"], "see below");
  EXPECT_EQ(fields["split_from"], "Freedom Movement");
  EXPECT_EQ(fields["membership"], "5,000 to 13,500 (DoD estimate)");
  EXPECT_EQ(fields["colours"], "Red");
  for (const std::string marker : {"[26]", "[note 1]", "[citation needed]", "[page needed]"}) {
    EXPECT_EQ(all_text.find(marker), std::string::npos) << marker;
  }
  EXPECT_NE(all_text.find("Leader: Maryam Rajavi and Massoud Rajavi\n"), std::string::npos);
  EXPECT_NE(all_text.find("سازمان مجاهدين خلق ايران"), std::string::npos);
}

TEST(ArticleText, TitleOnlyFileHasNoPassages) {
  const Article article = parse_article_text("Just a title\n\n\n", "t", "t");
  EXPECT_EQ(article.title, "Just a title");
  EXPECT_TRUE(article.passages.empty());
}

}  // namespace
}  // namespace kavosh::index
