// Compound joiner: spaced Persian prefixes and suffixes get a stacked, joined token.
#include "compound_joiner.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "script_detection.hpp"

namespace kavosh::analysis {
namespace {

// Span-1 tokens for whitespace-separated words of `text` (terms are the words themselves).
std::vector<Token> plain_tokens(std::string_view text) {
  std::vector<Token> tokens;
  std::uint32_t position = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    while (start < text.size() && text[start] == ' ') ++start;
    std::size_t end = start;
    while (end < text.size() && text[end] != ' ') ++end;
    if (end > start) {
      Token t;
      t.term = std::string(text.substr(start, end - start));
      t.position = position++;
      t.begin = static_cast<std::uint32_t>(start);
      t.end = static_cast<std::uint32_t>(end);
      t.script = script_of_term(t.term);
      tokens.push_back(t);
    }
    start = end;
  }
  return tokens;
}

std::string describe(const std::vector<Token>& tokens) {
  std::ostringstream out;
  for (const Token& t : tokens) {
    if (&t != &tokens.front()) out << ' ';
    out << t.term << "@" << t.position << "x" << t.span << "[" << t.begin << "," << t.end << ")";
  }
  return out.str();
}

TEST(CompoundJoiner, StacksJoinedFormsOfSpacedAffixes) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"می روم", "می@0x1[0,4) میروم@0x2[0,11) روم@1x1[5,11)"},
      {"نمی دانم", "نمی@0x1[0,6) نمیدانم@0x2[0,15) دانم@1x1[7,15)"},
      {"کتاب ها", "کتاب@0x1[0,8) کتابها@0x2[0,13) ها@1x1[9,13)"},
      {"کتاب های", "کتاب@0x1[0,8) کتابهای@0x2[0,15) های@1x1[9,15)"},
      {"بزرگ ترین", "بزرگ@0x1[0,8) بزرگترین@0x2[0,17) ترین@1x1[9,17)"},
      {"خانه ی", "خانه@0x1[0,8) خانهی@0x2[0,11) ی@1x1[9,11)"},
      {"خانه ای", "خانه@0x1[0,8) خانهای@0x2[0,13) ای@1x1[9,13)"},
      {"کتاب ی", "کتاب@0x1[0,8) ی@1x1[9,11)"},  // ezafe ی only after ه
      {"ماه می", "ماه@0x1[0,6) می@1x1[7,11)"},  // می is a prefix only in first place
      {"می ها", "می@0x1[0,4) ها@1x1[5,9)"},     // prefix + suffix: nothing to join
      {"کتاب خوب", "کتاب@0x1[0,8) خوب@1x1[9,15)"},
      {"ketab ha", "ketab@0x1[0,5) ha@1x1[6,8)"},  // Latin: never
      {"محبوب ترین ها",
       "محبوب@0x1[0,10) محبوبترین@0x2[0,19) محبوبترینها@0x3[0,24) ترین@1x1[11,19) "
       "ترینها@1x2[11,24) ها@2x1[20,24)"},
      {"اخلال گر", "اخلال@0x1[0,10) اخلالگر@0x2[0,15) گر@1x1[11,15)"},
  };
  for (const auto& [text, expected] : cases) {
    std::vector<Token> tokens = plain_tokens(text);
    join_spaced_compounds(text, tokens);
    EXPECT_EQ(describe(tokens), expected) << text;
  }
}

TEST(CompoundJoiner, JoinsOnlyAcrossWhitespace) {
  const std::string text = "کتاب،ها";
  std::vector<Token> tokens = {{"کتاب", "", 0, 1, 0, 8, Script::Arabic},
                               {"ها", "", 1, 1, 10, 14, Script::Arabic}};
  join_spaced_compounds(text, tokens);
  EXPECT_EQ(tokens.size(), 2u);
}

TEST(CompoundJoiner, KnowsItsAffixLists) {
  EXPECT_TRUE(is_joinable_prefix("می"));
  EXPECT_TRUE(is_joinable_prefix("نمی"));
  EXPECT_FALSE(is_joinable_prefix("میز"));
  EXPECT_TRUE(is_joinable_suffix("کتاب", "هایشان"));
  EXPECT_TRUE(is_joinable_suffix("رفته", "اند"));
  EXPECT_FALSE(is_joinable_suffix("رفته", "است"));
}

}  // namespace
}  // namespace kavosh::analysis

namespace kavosh::analysis {
namespace {

// Analyzer::joins_spaced answers exactly what analyzing the spaced pair does: a joined token
// (span 2) appears for every pair it says yes to, and for no other. The words include the
// prefixes, suffixes (the ezafe ی after ه and not after other letters), ordinary words and
// Arabic-script variants the normalizer unifies (ي, ك).
TEST(CompoundJoiner, AnalyzerKnowsWhichSpacedPairsJoin) {
  const std::vector<std::string> words = {"می",  "نمی", "بی",   "ها",   "های",  "ترین", "اند",
                                          "ی",   "ای",  "گر",   "کتاب", "خانه", "رفته", "روم",
                                          "است", "ميز", "كتاب", "زمین", "لرزه"};
  for (const bool join : {true, false}) {
    AnalyzerOptions options;
    options.join_compounds = join;
    Analyzer analyzer(options);
    for (const auto& first : words) {
      for (const auto& next : words) {
        const auto first_tokens = analyzer.analyze(first);
        const auto next_tokens = analyzer.analyze(next);
        ASSERT_EQ(first_tokens.size(), 1u) << first;
        ASSERT_EQ(next_tokens.size(), 1u) << next;
        bool joined = false;
        for (const Token& token : analyzer.analyze(first + " " + next)) joined |= token.span == 2;
        EXPECT_EQ(analyzer.joins_spaced(first_tokens[0].term, next_tokens[0].term), joined)
            << first << " " << next << (join ? "" : " (joining off)");
      }
    }
  }
}

}  // namespace
}  // namespace kavosh::analysis
