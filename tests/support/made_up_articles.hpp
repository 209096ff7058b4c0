#pragma once
// Articles of a made-up English for tests that need many records alike in what they share (a
// record dictionary learns from them) and different in their words (searches find single
// ones): the indexer's and the searcher's dictionary tests.
#include <cstdint>
#include <string>
#include <vector>

#include "kavosh/index/document.hpp"

namespace kavosh::testing {

// One-passage articles of a made-up English (a few thousand words of its own, drawn unevenly),
// about 500 bytes of text each: enough of them give a run the record bodies to train a record
// dictionary on. Deterministic.
inline std::vector<index::Article> made_up_articles(int count, int first_number,
                                                    std::uint32_t seed) {
  std::uint64_t state = seed;
  auto next = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::uint32_t>(state >> 33);
  };
  static const std::vector<std::string> vocabulary = [] {
    std::vector<std::string> words;
    std::uint64_t word_state = 7;
    for (int i = 0; i < 3000; ++i) {
      std::string word;
      word_state = word_state * 6364136223846793005ull + 1442695040888963407ull;
      for (std::uint64_t bits = word_state >> 20, length = 3 + bits % 7; word.size() < length;
           bits /= 26)
        word.push_back(static_cast<char>('a' + bits % 26));
      words.push_back(word);
    }
    return words;
  }();
  std::vector<index::Article> articles;
  for (int i = 0; i < count; ++i) {
    index::Article article;
    article.id = "made-up-" + std::to_string(first_number + i);
    article.title = vocabulary[next() % 300] + " " + vocabulary[next() % 3000];
    article.language = "en";
    article.source = "made-up.jsonl";
    index::Passage passage;
    for (int words = 60 + static_cast<int>(next() % 40); words > 0; --words) {
      if (!passage.text.empty()) passage.text.push_back(' ');
      passage.text += vocabulary[next() % (1 + next() % vocabulary.size())];
    }
    article.passages.push_back(passage);
    articles.push_back(std::move(article));
  }
  return articles;
}

}  // namespace kavosh::testing
