// ASCII fast path: exact word spans, and the property that it cuts ASCII text exactly as
// ICU's word BreakIterator does.
#include "ascii_word_breaker.hpp"

#include <gtest/gtest.h>

#include <random>

#include "word_tokenizer.hpp"

namespace kavosh::analysis {
namespace {

std::vector<std::string> words_of(std::string_view text) {
  std::vector<WordSpan> spans;
  break_ascii_words(text, 0, spans);
  std::vector<std::string> words;
  for (const WordSpan& s : spans) words.emplace_back(text.substr(s.begin, s.end - s.begin));
  return words;
}

TEST(AsciiWordBreaker, CutsWordsLikeUax29) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"Hello, world!", {"Hello", "world"}},
      {"don't stop", {"don't", "stop"}},
      {"3.14 and 5,000 and 1;2", {"3.14", "and", "5,000", "and", "1;2"}},
      {"U.S.A. e.g.", {"U.S.A", "e.g"}},
      {"a.b.c..d", {"a.b.c", "d"}},
      {"Mujahedin-e-Khalq", {"Mujahedin", "e", "Khalq"}},
      {"1965-09-05", {"1965", "09", "05"}},
      {"snake_case _x x_ _ __", {"snake_case", "_x", "x_", "__"}},
      {"a:b a;b 1:2", {"a", "b", "a", "b", "1", "2"}},
      {"abc123 123abc a1.2", {"abc123", "123abc", "a1.2"}},
      {"1.a a.1 'quoted' it's", {"1", "a", "a", "1", "quoted", "it's"}},
      {"tab\tnew\nline\r\nend", {"tab", "new", "line", "end"}},
      {"", {}},
      {"!!! ... ---", {}},
      {"trailing. dot", {"trailing", "dot"}},
  };
  for (const auto& [text, expected] : cases) EXPECT_EQ(words_of(text), expected) << text;
}

TEST(AsciiWordBreaker, OffsetsAreShiftedByBase) {
  std::vector<WordSpan> spans;
  break_ascii_words("ab cd", 100, spans);
  EXPECT_EQ(spans, (std::vector<WordSpan>{{100, 102}, {103, 105}}));
}

// Property: on random ASCII text (biased towards the characters the rules care about) the
// fast path and ICU agree on every word span.
TEST(AsciiWordBreakerProperty, AgreesWithIcuOnRandomAscii) {
  const std::string alphabet = "aZq09_.',;: -\t\n\r!?$`\"()x5._''..,,";
  std::mt19937 random(20240611);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> any_ascii(1, 127);
  std::uniform_int_distribution<int> length(0, 40);
  IcuWordBreaker icu;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int n = length(random);
    for (int i = 0; i < n; ++i) {
      text.push_back(round % 3 == 0 ? static_cast<char>(any_ascii(random))
                                    : alphabet[pick(random)]);
    }
    std::vector<WordSpan> fast;
    std::vector<WordSpan> reference;
    break_ascii_words(text, 0, fast);
    icu.break_words(text, 0, reference);
    ASSERT_EQ(fast, reference) << "text bytes: " << testing::PrintToString(text);
  }
}

}  // namespace
}  // namespace kavosh::analysis
