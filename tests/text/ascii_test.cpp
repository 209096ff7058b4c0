// ASCII helpers: byte-wise, locale-free, UTF-8 bytes untouched.
#include "kavosh/text/ascii.hpp"

#include <gtest/gtest.h>

namespace kavosh::text {
namespace {

TEST(AsciiClasses, EdgesOfEachClass) {
  EXPECT_TRUE(is_ascii_upper('A') && is_ascii_upper('Z'));
  EXPECT_FALSE(is_ascii_upper('@') || is_ascii_upper('[') || is_ascii_upper('a'));
  EXPECT_TRUE(is_ascii_lower('a') && is_ascii_lower('z'));
  EXPECT_FALSE(is_ascii_lower('`') || is_ascii_lower('{') || is_ascii_lower('A'));
  EXPECT_TRUE(is_ascii_digit('0') && is_ascii_digit('9'));
  EXPECT_FALSE(is_ascii_digit('/') || is_ascii_digit(':'));
  EXPECT_FALSE(is_ascii_letter('\xC3'));  // a UTF-8 lead byte is no letter
  for (const char c : {' ', '\t', '\n', '\v', '\f', '\r'}) EXPECT_TRUE(is_ascii_whitespace(c));
  EXPECT_FALSE(is_ascii_whitespace('\0') || is_ascii_whitespace('\xA0') ||
               is_ascii_whitespace('x'));
}

TEST(AsciiCase, LowersAsciiLettersOnly) {
  EXPECT_EQ(ascii_lower("README.TXT.BZ2"), "readme.txt.bz2");
  EXPECT_EQ(ascii_lower("\xC3\x89T\xC3\x89"), "\xC3\x89t\xC3\x89");  // ÉTÉ: É stays
  EXPECT_EQ(ascii_lower("@[`{"), "@[`{");
  EXPECT_EQ(ascii_lower('Q'), 'q');
  EXPECT_EQ(ascii_upper('q'), 'Q');
  std::string text = "Fa-Latn";
  ascii_lower_in_place(text);
  EXPECT_EQ(text, "fa-latn");
}

TEST(AsciiTrim, RemovesAsciiWhitespaceAtBothEndsOnly) {
  EXPECT_EQ(trim_ascii_whitespace(" \t\r\n a b \f\v"), "a b");
  EXPECT_EQ(trim_ascii_whitespace(" \n "), "");
  EXPECT_EQ(trim_ascii_whitespace(""), "");
  EXPECT_EQ(trim_ascii_whitespace("\xC2\xA0x\xC2\xA0"), "\xC2\xA0x\xC2\xA0");  // NBSP is not ASCII
}

TEST(AsciiWhitespaceRuns, BecomeOneSpaceOnOneLine) {
  EXPECT_EQ(collapse_whitespace_to_one_line("  Number:\n\t 401 \r\n"), "Number: 401");
  EXPECT_EQ(collapse_whitespace_to_one_line("a\f\vb"), "a b");
  EXPECT_EQ(collapse_whitespace_to_one_line(" \n "), "");
  EXPECT_EQ(collapse_whitespace_to_one_line("\xD8\xA7 \xD8\xA8"), "\xD8\xA7 \xD8\xA8");
}

}  // namespace
}  // namespace kavosh::text
