// The query language's syntax: every construct and every error, as query -> AST dump or
// query -> exact error message (with its 1-based character position).
#include <gtest/gtest.h>

#include "kavosh/search/query.hpp"
#include "kavosh/search/settings.hpp"

using kavosh::search::as_plain_words;
using kavosh::search::dump;
using kavosh::search::parse_query;
using kavosh::search::QueryError;

namespace {

bool infobox_field(std::string_view name) { return name == "leader" || name == "founded"; }

struct ParseCase {
  const char* query;
  const char* ast;
};

const ParseCase kParseCases[] = {
    {"mojahedin", "(list (word mojahedin))"},
    {"mojahedin khalq", "(list (word mojahedin) (word khalq))"},
    {"  spaced\tout  ", "(list (word spaced) (word out))"},
    {"\"people's mujahedin\"", "(list (phrase \"people's mujahedin\"))"},
    {"“curly quotes”", "(list (phrase \"curly quotes\"))"},
    {"«سازمان مجاهدين»", "(list (phrase \"سازمان مجاهدين\"))"},
    {"a AND b", "(list (and (word a) (word b)))"},
    {"a AND b AND c", "(list (and (word a) (word b) (word c)))"},
    {"a OR b", "(list (or (word a) (word b)))"},
    {"a NOT b", "(list (andnot (word a) (word b)))"},
    {"a AND NOT b", "(list (andnot (word a) (word b)))"},
    {"a AND -b", "(list (andnot (word a) (word b)))"},
    {"a OR b AND c", "(list (or (word a) (and (word b) (word c))))"},
    {"a b OR c", "(list (word a) (or (word b) (word c)))"},
    {"a and b", "(list (word a) (word and) (word b))"},
    {"+a b", "(list +(word a) (word b))"},
    {"a -b", "(list (word a) -(word b))"},
    {"a - b", "(list (word a) (word b))"},
    {"Mujahedin-e-Khalq", "(list (word Mujahedin-e-Khalq))"},
    {"می‌روم", "(list (word می‌روم))"},
    {"(a OR b) AND c", "(list (and (or (word a) (word b)) (word c)))"},
    {"(a b) c", "(list (list (word a) (word b)) (word c))"},
    {"-(a b) c", "(list -(list (word a) (word b)) (word c))"},
    {"((a))", "(list (word a))"},
    {"a NEAR b", "(list (near/10 (word a) (word b)))"},
    {"a NEAR/3 b", "(list (near/3 (word a) (word b)))"},
    {"a NEAR/2 b NEAR/5 c", "(list (near/5 (word a) (word b) (word c)))"},
    {"mojah*", "(list (wildcard mojah))"},
    {"mojah** x", "(list (wildcard mojah) (word x))"},
    {"=running", "(list (exact running))"},
    {"+=running", "(list +(exact running))"},
    {"title:iran", "(list (field title (word iran)))"},
    {"Title:iran", "(list (field title (word iran)))"},
    {"title:\"people's mujahedin\"", "(list (field title (phrase \"people's mujahedin\")))"},
    {"title:(iran war)", "(list (field title (list (word iran) (word war))))"},
    {"title:moj*", "(list (field title (wildcard moj)))"},
    {"section:history", "(list (field section (word history)))"},
    {"lang:fa مجاهدين", "(list (field lang (word fa)) (word مجاهدين))"},
    {"lang:FA x", "(list (field lang (word fa)) (word x))"},
    {"leader:rajavi", "(list (field leader (word rajavi)))"},
    {"-leader:rajavi iran", "(list -(field leader (word rajavi)) (word iran))"},
    {"http://example.org", "(list (word http://example.org))"},
    {"10:30", "(list (word 10:30))"},
    {"a =", "(list (word a))"},
    {"\"\" a", "(list (phrase \"\") (word a))"},
};

TEST(QueryParser, EveryConstructParsesToItsAst) {
  for (const auto& c : kParseCases) {
    SCOPED_TRACE(c.query);
    EXPECT_EQ(dump(parse_query(c.query, infobox_field)), c.ast);
  }
}

struct ErrorCase {
  const char* query;
  const char* message;  // what() of the QueryError
};

const ErrorCase kErrorCases[] = {
    {"", "query error at 1: empty query"},
    {"   ", "query error at 1: empty query"},
    {"abc \"def", "query error at 5: unbalanced quote"},
    {"«abc", "query error at 1: unbalanced quote"},
    {"(a b", "query error at 1: unbalanced '('"},
    {"a (b (c)", "query error at 3: unbalanced '('"},
    {"a b)", "query error at 4: unbalanced ')'"},
    {"()", "query error at 1: empty parentheses"},
    {"foo:bar", "query error at 1: unknown field 'foo'"},
    {"iran colour:red", "query error at 6: unknown field 'colour'"},
    {"title:", "query error at 1: field 'title' needs a value"},
    {"title: iran", "query error at 1: field 'title' needs a value"},
    {"title:section:x", "query error at 7: a field inside a field"},
    {"lang:xx", "query error at 6: unknown language 'xx' (use en, fa, ar or other)"},
    {"lang:\"fa\"", "query error at 6: unknown language 'fa' (use en, fa, ar or other)"},
    {"AND", "query error at 1: operator AND needs words on both sides"},
    {"a AND", "query error at 3: operator AND needs words on both sides"},
    {"OR b", "query error at 1: operator OR needs words on both sides"},
    {"a OR OR b", "query error at 3: operator OR needs words on both sides"},
    {"NOT a", "query error at 1: operator NOT needs words on both sides"},
    {"a NEAR", "query error at 3: operator NEAR needs words on both sides"},
    {"a NEAR/x b", "query error at 3: NEAR needs a distance from 1 to 9999, like NEAR/5"},
    {"a NEAR/0 b", "query error at 3: NEAR needs a distance from 1 to 9999, like NEAR/5"},
    {"\"a b\" NEAR c", "query error at 1: NEAR joins single words"},
    {"a NEAR moj*", "query error at 8: NEAR joins single words"},
    {"*", "query error at 1: wildcard needs a prefix, like mojah*"},
    {"=moj*", "query error at 1: '=' and '*' cannot be combined"},
    {"-a", "query error at 1: only excluded words: add a word to search for"},
    {"-a -b", "query error at 1: only excluded words: add a word to search for"},
    {"a OR -b", "query error at 6: '+'/'-' only start an item of a word list"},
    {"مجاهدين \"خلق", "query error at 9: unbalanced quote"},
};

TEST(QueryParser, EveryErrorNamesItsPosition) {
  for (const auto& c : kErrorCases) {
    SCOPED_TRACE(c.query);
    try {
      auto ast = parse_query(c.query, infobox_field);
      ADD_FAILURE() << "parsed as " << dump(ast);
    } catch (const QueryError& e) {
      EXPECT_EQ(std::string(e.what()), c.message);
    }
  }
}

// The fallback for topic text: the syntax goes, the words stay, and the result parses as a
// list of plain words.
TEST(QueryParser, PlainWordsFallbackKeepsOnlyWords) {
  struct PlainCase {
    const char* query;
    const char* plain;
  };
  const PlainCase cases[] = {
      {"List all articles on EL1 and ECL (EL1 may be given as EL/1; I don't remember",
       "List all articles on EL1 and ECL EL1 may be given as EL/1; I don't remember"},
      {"iran (war", "iran war"},
      {"\"leader rajavi", "leader rajavi"},
      {"a AND (b OR", "a and b or"},
      {"NOT a NEAR/3 b", "not a near/3 b"},
      {"title:iran -war +peace =running mojah*", "title iran war peace running mojah"},
      {"«صلح» “جنگ” ایران:", "صلح جنگ ایران"},
      {"Mujahedin-e-Khalq 5,000", "Mujahedin-e-Khalq 5,000"},
      {"( ) - +", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    const std::string plain = as_plain_words(c.query);
    EXPECT_EQ(plain, c.plain);
    if (plain.empty()) continue;
    const std::string ast = dump(parse_query(plain, infobox_field));
    for (const char* syntax :
         {"(phrase", "(field", "(or", "(and", "(near", "(wildcard", "(exact", "+(", "-("})
      EXPECT_EQ(ast.find(syntax), std::string::npos) << ast;
  }
}

// Topic files are prose: "Examples:" or "Note:" name no field, and in batch mode
// (unknown_fields_as_words) they are words; known fields stay fields, interactive use keeps
// the error (kErrorCases).
TEST(QueryParser, UnknownFieldIsAWordWhenAsked) {
  const ParseCase cases[] = {
      {"Examples: tree search", "(list (word Examples) (word tree) (word search))"},
      {"iran colour:red", "(list (word iran) (word colour) (word red))"},
      {"note:\"a b\"", "(list (word note) (phrase \"a b\"))"},
      {"see:(a OR b)", "(list (word see) (or (word a) (word b)))"},
      {"foo:title:x", "(list (word foo) (field title (word x)))"},
      {"leader:rajavi title:x", "(list (field leader (word rajavi)) (field title (word x)))"},
      {"+Purpose: -x y", "(list +(word Purpose) -(word x) (word y))"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    EXPECT_EQ(dump(parse_query(c.query, infobox_field, true)), c.ast);
  }
  EXPECT_THROW(parse_query("Examples: tree", infobox_field), QueryError);
  EXPECT_THROW(parse_query("title: iran", infobox_field, true), QueryError);
  EXPECT_THROW(parse_query("lang:xx", infobox_field, true), QueryError);
}

TEST(QueryParser, ErrorCarriesPositionAndMessageSeparately) {
  try {
    parse_query("iran (war");
    FAIL();
  } catch (const QueryError& e) {
    EXPECT_EQ(e.position(), 6u);
    EXPECT_EQ(e.message(), "unbalanced '('");
  }
}

// The lexer decodes with the project's strict decoder: an overlong form of '"' or of a space is
// ill-formed, so it is part of a word, never syntax (the old lexer decoded C0 A2 as '"'), and an
// ill-formed subpart counts as one character in positions.
TEST(QueryParser, IllFormedUtf8IsNeverSyntax) {
  EXPECT_EQ(dump(parse_query("a\xC0\xA0"
                             "b")),
            "(list (word a\xC0\xA0"
            "b))");  // overlong ' '
  EXPECT_EQ(dump(parse_query("\xC0\xA2x\xC0\xA2")),
            "(list (word \xC0\xA2x\xC0\xA2))");  // overlong '"'
  EXPECT_EQ(dump(parse_query("a\xED\xA0\x80 b")),
            "(list (word a\xED\xA0\x80) (word b))");  // surrogate
  try {
    parse_query("\xE2\x80 \"x");  // a sequence cut short, then an unclosed quote
    FAIL();
  } catch (const QueryError& e) {
    EXPECT_EQ(e.position(), 3u);
    EXPECT_EQ(e.message(), "unbalanced quote");
  }
}

std::string repeated(std::string_view piece, unsigned times) {
  std::string out;
  for (unsigned i = 0; i < times; ++i) out += piece;
  return out;
}

std::string parse_error(const std::string& query) {
  try {
    return "parsed as " + dump(parse_query(query, infobox_field));
  } catch (const QueryError& e) {
    return e.what();
  }
}

// Each of these overflowed the stack (exit 139) at a few thousand levels: the parser and the
// walks over the AST recurse once per level.
TEST(QueryParser, NestingDeeperThanTheLimitIsAnError) {
  using kavosh::search::kMaxQueryNesting;
  EXPECT_EQ(parse_error(repeated("(", 5000) + "x" + repeated(")", 5000)),
            "query error at 101: nesting too deep (more than 100 levels)");
  EXPECT_EQ(parse_error(repeated("(", 5000) + "x"),
            "query error at 101: nesting too deep (more than 100 levels)");
  EXPECT_EQ(parse_error("y " + repeated("-(x ", 5000) + "z"),
            "query error at 404: nesting too deep (more than 100 levels)");
  EXPECT_EQ(parse_error(repeated("title:(", 200) + "x"),
            "query error at 707: nesting too deep (more than 100 levels)");
  // Without parentheses: AND and NOT alternate, and each change of operator nests a level.
  EXPECT_EQ(parse_error("a" + repeated(" AND b NOT c", 5000)),
            "query error at 597: nesting too deep (more than 100 levels)");
  // Up to the limit parses; flat chains do not nest at all.
  const unsigned groups = kMaxQueryNesting - 2;  // the outer list and the innermost are levels too
  EXPECT_NE(dump(parse_query(repeated("(a ", groups) + "b" + repeated(")", groups))), "");
  EXPECT_NE(dump(parse_query(repeated("(", 100) + "x" + repeated(")", 100))), "");
  EXPECT_NE(dump(parse_query("a" + repeated(" AND b", 1000))), "");
  EXPECT_NE(dump(parse_query("a" + repeated(" NOT b", 98))), "");
  EXPECT_NE(dump(parse_query("a" + repeated(" NEAR b", 1000))), "");
}

TEST(QueryParser, NearDistanceIsBounded) {
  EXPECT_EQ(parse_error("a NEAR/2147483647 b"),
            "query error at 3: NEAR needs a distance from 1 to 9999, like NEAR/5");
  EXPECT_EQ(parse_error("a NEAR/4294967297 b"),
            "query error at 3: NEAR needs a distance from 1 to 9999, like NEAR/5");
  EXPECT_EQ(dump(parse_query("a NEAR/9999 b")), "(list (near/9999 (word a) (word b)))");
}

TEST(QueryParser, RandomBytesNeverCrash) {
  std::uint32_t state = 12345;
  const std::string alphabet = "ab \"()+-=*:ANDORNT/3\xd9\x85\xe2\x80\x8c\xc3";
  for (int round = 0; round < 3000; ++round) {
    std::string query;
    const int length = static_cast<int>(state % 24);
    for (int i = 0; i < length; ++i) {
      state = state * 1664525u + 1013904223u;
      query.push_back(alphabet[(state >> 16) % alphabet.size()]);
    }
    state = state * 1664525u + 1013904223u;
    try {
      parse_query(query, infobox_field);
    } catch (const QueryError& e) {
      EXPECT_GE(e.position(), 1u);
    }
  }
}

// settings.hpp names the language codes once; they are the analyzer's own spellings, and the
// messages that list them are built from them.
TEST(SearchSettings, LanguageCodesAreTheAnalyzersOwnAndListedInMessages) {
  for (const std::string_view code : kavosh::search::kLanguageCodes) {
    const auto language = kavosh::analysis::parse_language_code(code);
    ASSERT_TRUE(language.has_value()) << code;
    EXPECT_EQ(kavosh::analysis::language_code(*language), code);
  }
  EXPECT_EQ(kavosh::search::list_choices(kavosh::search::kLanguageCodes, " or "),
            "en, fa, ar or other");
  EXPECT_EQ(kavosh::search::list_choices(kavosh::search::kRankingModels),
            "bm25, bm25+, lm, pl2, dph, tfidf");
  EXPECT_EQ(kavosh::search::list_choices(std::span<const std::string_view>{}), "");
}

TEST(SearchSettings, NearWithoutADistanceUsesTheDefaultWindow) {
  EXPECT_EQ(
      dump(parse_query("a NEAR b")),
      "(list (near/" + std::to_string(kavosh::search::kDefaultNearWindow) + " (word a) (word b)))");
}

}  // namespace
