// Snippets: matched through the analyzer, marked, cut only at word boundaries, ellipses where
// text is cut, right-to-left runs isolated on the terminal.
#include "kavosh/search/snippet.hpp"

#include <gtest/gtest.h>

#include <map>

#include "kavosh/text/utf8.hpp"
#include "test_support.hpp"

using kavosh::analysis::Analyzer;
using kavosh::analysis::Language;
using kavosh::search::Highlight;
using kavosh::search::render_for_terminal;
using kavosh::search::Snippet;
using kavosh::search::SnippetMaker;
using kavosh::search::SnippetOptions;
using kavosh::search::SnippetQuery;

namespace {

using kavosh::search::testing::bare_words_query;
using kavosh::search::testing::marked;

bool on_code_point_boundary(const std::string& s, std::size_t offset) {
  return offset == s.size() || !kavosh::text::is_utf8_continuation_byte(s[offset]);
}

struct MarkCase {
  const char* query;
  const char* text;
  std::vector<std::string> marks;
};

TEST(Snippet, MarksWhatTheAnalyzerMatches) {
  const MarkCase cases[] = {
      {"mojahedin",
       "sâzmân-e mojâhedīn-e khalq, the People's Mojahedin of Iran",
       {"mojâhedīn", "Mojahedin"}},
      {"mujahedin", "the Mujahedin-e-Khalq, MUJAHEDIN", {"Mujahedin", "MUJAHEDIN"}},
      {"مجاهدین", "سازمان مجاهدين خلق ايران", {"مجاهدين"}},
      {"میروم", "من به خانه می‌روم و او نمی‌آید", {"می‌روم"}},
      {"rajavi", "Leader Maryam Rajavi and Massoud Rajavi", {"Rajavi", "Rajavi"}},
      {"organizations", "The People's Mujahedin Organization of Iran", {"Organization"}},
      {"nothing", "No query word occurs in this text", {}},
  };
  Analyzer analyzer;
  SnippetMaker maker(analyzer, SnippetOptions{});
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    auto snippet =
        maker.make(c.text, Analyzer::detect_language(c.text), bare_words_query(analyzer, c.query));
    EXPECT_EQ(snippet.text, c.text);
    EXPECT_EQ(marked(snippet), c.marks);
  }
}

TEST(Snippet, WildcardPrefixesMarkEveryCompletion) {
  Analyzer analyzer;
  SnippetMaker maker(analyzer, SnippetOptions{});
  SnippetQuery query{{}, {"moja"}, {}};
  auto snippet = maker.make("Mojahedin and mojâhedīn but not Mujahedin", Language::English, query);
  EXPECT_EQ(marked(snippet), (std::vector<std::string>{"Mojahedin", "mojâhedīn"}));
}

TEST(Snippet, WindowWithTheRarestTermWins) {
  // "iran" is common, "rajavi" rare: the window around "rajavi" wins although the first one
  // holds "iran" twice.
  const std::string text =
      "iran iran one two three four five six seven eight nine ten eleven twelve thirteen "
      "fourteen fifteen sixteen rajavi seventeen eighteen";
  std::map<std::string, double> rarity{
      {"iran", 0.1}, {"Ziran", 0.1}, {"rajavi", 5}, {"Zrajavi", 5}};
  Analyzer analyzer;
  SnippetMaker maker(analyzer, SnippetOptions{.max_words = 5},
                     [&](const std::string& key) { return rarity.count(key) ? rarity[key] : 1.0; });
  auto snippet = maker.make(text, Language::English, bare_words_query(analyzer, "iran rajavi"));
  EXPECT_EQ(snippet.text, "… fifteen sixteen rajavi seventeen eighteen");
  EXPECT_EQ(marked(snippet), (std::vector<std::string>{"rajavi"}));
}

TEST(Snippet, EllipsesWhereTextIsCutAndWhitespaceCollapsed) {
  const std::string text = "alpha beta\n\ngamma   delta epsilon zeta eta theta iota kappa";
  Analyzer analyzer;
  SnippetMaker maker(analyzer, SnippetOptions{.max_words = 4});
  auto snippet = maker.make(text, Language::English, bare_words_query(analyzer, "delta"));
  EXPECT_EQ(snippet.text, "… gamma delta epsilon zeta …");
  ASSERT_EQ(snippet.highlights.size(), 1u);
  EXPECT_EQ(snippet.text.substr(snippet.highlights[0].begin, 5), "delta");
  auto start = maker.make(text, Language::English, bare_words_query(analyzer, "alpha"));
  EXPECT_EQ(start.text, "alpha beta gamma delta …");
}

TEST(Snippet, ByteLimitDropsWholeWordsNeverCutsUtf8) {
  const std::string text = "سازمان مجاهدين خلق ايران يك سازمان سياسي است که در سال ۱۳۴۴ تأسيس شد";
  Analyzer analyzer;
  for (unsigned limit : {1u, 7u, 20u, 33u, 50u, 80u}) {
    SCOPED_TRACE(limit);
    SnippetMaker maker(analyzer, SnippetOptions{.max_words = 30, .max_bytes = limit});
    auto snippet = maker.make(text, Language::Persian, bare_words_query(analyzer, "مجاهدین"));
    std::string body = snippet.text;
    for (const std::string cut : {"… ", " …"}) {
      auto at = body.find(cut);
      if (at != std::string::npos) body.erase(at, cut.size());
    }
    EXPECT_NE(text.find(body), std::string::npos) << body;  // whole words of the original
    for (const auto& h : snippet.highlights) {
      EXPECT_TRUE(on_code_point_boundary(snippet.text, h.begin));
      EXPECT_TRUE(on_code_point_boundary(snippet.text, h.end));
    }
    // The word before/after the body in the original is a whole word: it starts after a space.
    const auto at = text.find(body);
    EXPECT_TRUE(at == 0 || text[at - 1] == ' ');
    EXPECT_TRUE(at + body.size() == text.size() || text[at + body.size()] == ' ');
    if (limit >= 14) {
      EXPECT_EQ(marked(snippet), (std::vector<std::string>{"مجاهدين"}));
    }
  }
}

TEST(Snippet, CombiningMarksStayWithTheirLetter) {
  // e + U+0301 COMBINING ACUTE: one grapheme, never separated from its base letter.
  const std::string text = "cafe\xCC\x81 au lait and more words after it";
  Analyzer analyzer;
  SnippetMaker maker(analyzer, SnippetOptions{.max_words = 2});
  auto snippet = maker.make(text, Language::English, bare_words_query(analyzer, "cafe"));
  EXPECT_EQ(snippet.text, "cafe\xCC\x81 au …");
  EXPECT_EQ(marked(snippet), (std::vector<std::string>{"cafe\xCC\x81"}));
}

TEST(Snippet, TerminalIsolatesRightToLeftRuns) {
  // U+2068 FSI … U+2069 PDI around the Persian run (spaces between its words stay inside).
  Snippet s{"Leader سازمان مجاهدين of Iran", {{20, 34}}};
  EXPECT_EQ(render_for_terminal(s, false),
            "Leader \xE2\x81\xA8سازمان [مجاهدين]\xE2\x81\xA9 of Iran");
  EXPECT_EQ(render_for_terminal(s, true),
            "Leader \xE2\x81\xA8سازمان \x1b[1;31mمجاهدين\x1b[0m\xE2\x81\xA9 of Iran");
  Snippet latin{"People's Mujahedin", {{9, 18}}};
  EXPECT_EQ(render_for_terminal(latin, false), "People's [Mujahedin]");
  EXPECT_EQ(kavosh::search::isolate_rtl_runs("۱۹۶۵ سال"), "\xE2\x81\xA8۱۹۶۵ سال\xE2\x81\xA9");
}

// Document text and queries reached the terminal raw: ESC[2J cleared the screen, OSC 0
// retitled the window, OSC 8 planted a hyperlink, 8-bit CSI (U+009B) did the same.
TEST(Snippet, TerminalTextHasNoControlCharacters) {
  const std::string r = "\xEF\xBF\xBD";  // U+FFFD
  Snippet s{
      "a\x1b[2Jb \x1b]0;pwned\x07 Rajavi \xC2\x9B"
      "31m\x7F\x01",
      {{18, 24}}};
  EXPECT_EQ(render_for_terminal(s, false),
            "a" + r + "[2Jb " + r + "]0;pwned" + r + " [Rajavi] " + r + "31m" + r + r);
  EXPECT_EQ(render_for_terminal(s, true), "a" + r + "[2Jb " + r + "]0;pwned" + r +
                                              " \x1b[1;31mRajavi\x1b[0m " + r + "31m" + r + r);
  EXPECT_EQ(kavosh::search::isolate_rtl_runs("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"),
            r + "]8;;http://x" + r + "\\link" + r + "]8;;" + r + "\\");
  // Invalid UTF-8 (a lone continuation byte or lead byte) goes too; other text stays.
  EXPECT_EQ(kavosh::search::isolate_rtl_runs("x\x9B\xC3y é\t"), "x" + r + r + "y é" + r);
  // The terminal's decoder is the project's strict one: surrogates, overlong forms and values
  // above U+10FFFF are ill-formed (the old one let them through to the terminal), and a
  // sequence cut short is one replacement.
  EXPECT_EQ(kavosh::search::isolate_rtl_runs("a\xED\xA0\x80"
                                             "b"),
            "a" + r + r + r + "b");
  EXPECT_EQ(kavosh::search::isolate_rtl_runs("a\xC1\xBF"
                                             "b"),
            "a" + r + r + "b");
  EXPECT_EQ(kavosh::search::isolate_rtl_runs("a\xF5\x80\x80\x80"
                                             "b"),
            "a" + r + r + r + r + "b");
  EXPECT_EQ(kavosh::search::isolate_rtl_runs("a\xE2\x80"
                                             "b"),
            "a" + r + "b");
}

}  // namespace
