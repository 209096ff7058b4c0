#pragma once
// Passage splitting: a long paragraph is cut into pieces of about min_words..max_words words,
// at sentence ends when there is one in that range, else at a word boundary at max_words.
#include <string>
#include <string_view>
#include <vector>

namespace kavosh::index {

struct PassageLimits {
  unsigned min_words = 150;      // cut at the first sentence end after this many words
  unsigned max_words = 250;      // hard cut when no sentence ends before this
  unsigned min_tail_words = 40;  // a shorter last piece is merged into the one before
};

std::vector<std::string> split_long_text(std::string_view text, PassageLimits limits = {});

// Words as the splitter counts them: runs of non-whitespace.
unsigned count_words(std::string_view text);

}  // namespace kavosh::index
