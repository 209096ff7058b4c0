// MediaWiki markup -> plain text passages: table of markup and the text each passage shows.
#include <gtest/gtest.h>

#include "kavosh/index/readers.hpp"

namespace kavosh::index {
namespace {

std::vector<std::string> texts(const Article& article) {
  std::vector<std::string> out;
  for (const Passage& passage : article.passages) out.push_back(passage.text);
  return out;
}

TEST(Wikitext, ReducesMarkupToPlainText) {
  const struct {
    std::string markup;
    std::vector<std::string> expected;
  } cases[] = {
      {"'''Bold''' and ''italic'' text.", {"Bold and italic text."}},
      {"A [[link target|shown text]] and [[Plain link]]s.", {"A shown text and Plain links."}},
      {"Cited.<ref name=\"a\">Source, p. 3</ref> Again.<ref name=\"a\"/>", {"Cited. Again."}},
      {"Before {{citation needed|date=May 2020}}after.", {"Before after."}},
      {"Nested {{outer|{{inner|x}}|y}}template.", {"Nested template."}},
      {"Persian {{lang|fa|سازمان مجاهدين}} name.", {"Persian سازمان مجاهدين name."}},
      {"See [http://example.org the site] or [http://example.org].", {"See the site or ."}},
      {"Hidden<!-- comment --> text.", {"Hidden text."}},
      {"[[File:X.jpg|thumb|A [[nested]] caption]]Text.", {"Text."}},
      {"Text.\n[[Category:Things]]\n[[de:Ding]]", {"Text."}},
      {"{| class=\"wikitable\"\n| a || b\n|}\nAfter table.", {"After table."}},
      {"Line one\ncontinues here.\n\nSecond paragraph.",
       {"Line one continues here.", "Second paragraph."}},
      {"x &amp; y&nbsp;z<br/>w", {"x & y z w"}},
      {"__NOTOC__Text.", {"Text."}},
      {"* one\n* two [[x|three]]\n# four",
       {"\xE2\x80\xA2 one\n\xE2\x80\xA2 two three\n\xE2\x80\xA2 four"}},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(texts(parse_wikitext(c.markup, "T", "en")), c.expected) << c.markup;
  }
}

TEST(Wikitext, HeadingsBecomeSections) {
  const Article article =
      parse_wikitext("Lead.\n== History ==\nOld.\n=== Early [[years]] ===\nEarlier.", "T", "");
  ASSERT_EQ(article.passages.size(), 3u);
  EXPECT_EQ(article.passages[0].section, "");
  EXPECT_EQ(article.passages[1].section, "History");
  EXPECT_EQ(article.passages[2].section, "Early years");
  EXPECT_EQ(article.passages[2].text, "Earlier.");
}

TEST(Wikitext, InfoboxParametersBecomeFieldsAndAliases) {
  const Article article = parse_wikitext(
      "{{Infobox political party\n| name = People's Mujahedin\n| abbreviation = MEK, PMOI\n"
      "| leader = [[Maryam Rajavi]]<ref>x</ref>\n| logo = Logo.svg\n| founded = {{start "
      "date|1965}}\n}}\nLead text.",
      "People's Mujahedin of Iran", "en");
  EXPECT_EQ(article.id, "People's Mujahedin of Iran");
  EXPECT_EQ(article.aliases, (std::vector<std::string>{"MEK", "PMOI"}));
  ASSERT_EQ(article.passages.size(), 2u);
  EXPECT_EQ(article.passages[0].fields, (std::vector<Field>{{"name", "People's Mujahedin"},
                                                            {"abbreviation", "MEK, PMOI"},
                                                            {"leader", "Maryam Rajavi"}}));
  EXPECT_EQ(article.passages[0].text,
            "name: People's Mujahedin\nabbreviation: MEK, PMOI\nleader: Maryam Rajavi");
  EXPECT_EQ(article.passages[1].text, "Lead text.");
}

TEST(Wikitext, UnbalancedMarkupDoesNotLoseTheRest) {
  EXPECT_EQ(texts(parse_wikitext("Start {{broken template and [[open link. End.", "T", "")),
            (std::vector<std::string>{"Start broken template and open link. End."}));
}

}  // namespace
}  // namespace kavosh::index
