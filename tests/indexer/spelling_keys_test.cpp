// schema::spelling_key / spelling_word: Arabic-script words as one byte a letter, in the order
// of their UTF-8 words, never a UTF-8 sequence; Latin words as themselves.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "kavosh/format/schema.hpp"
#include "kavosh/text/utf8.hpp"

namespace schema = kavosh::index::schema;

TEST(SpellingKeys, LatinWordsAreTheirOwnKeys) {
  for (const std::string word : {"rajavi", "mojahedin", "sâzmân", "éte"}) {
    EXPECT_EQ(schema::spelling_key(word), word);
    EXPECT_EQ(schema::spelling_word(word), word);
  }
}

TEST(SpellingKeys, ArabicScriptWordsTakeOneByteALetterAndComeBack) {
  for (const std::string word :
       {"مجاهدین", "سازمان", "ايران", "می‌روم", "كتاب", "گچ", "ۀ", "مُحَمَّد"}) {
    SCOPED_TRACE(word);
    const auto key = schema::spelling_key(word);
    ASSERT_TRUE(key.has_value());
    EXPECT_EQ(key->front(), schema::kArabicSpellingMark);
    EXPECT_EQ(key->size(), kavosh::text::count_code_points(word) + 1);
    // No byte may start a UTF-8 sequence, so Xapian counts each as one character.
    for (const char byte : key->substr(1)) {
      const auto b = static_cast<unsigned char>(byte);
      EXPECT_TRUE(kavosh::text::is_utf8_continuation_byte(byte)) << int(b);
    }
    EXPECT_EQ(schema::spelling_word(*key), word);
  }
}

TEST(SpellingKeys, MixedScriptTermsHaveNoKey) {
  EXPECT_FALSE(schema::spelling_key("فارسیa").has_value());
  EXPECT_FALSE(schema::spelling_key("عدد۳").has_value());  // Persian digit: not a letter
  EXPECT_FALSE(schema::spelling_key("\xD8").has_value());  // cut UTF-8
}

// SpellingStore::sync_with walks the index's terms and the dictionary's keys in step.
TEST(SpellingKeys, KeysSortAsTheirWords) {
  std::vector<std::string> words = {"zebra", "abc",           "ébène", "ايران", "آب", "ب",  "بازی",
                                    "پارس",  "می‌روم", "میروم", "مي",    "ی",  "ءا", "zz",
                                    "ÿ"};
  std::sort(words.begin(), words.end());
  std::vector<std::string> keys;
  for (const auto& w : words) keys.push_back(*schema::spelling_key(w));
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  EXPECT_EQ(std::adjacent_find(keys.begin(), keys.end()), keys.end());
}
