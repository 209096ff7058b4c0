#pragma once
// Snippets: the window of a passage's stored text with the most and rarest query terms, found
// by running the passage through the same analyzer as the query (so "mojahedin" marks
// "mojâhedīn" and "Mujahedin", "مجاهدین" marks "مجاهدين"). Windows start and end on the
// analyzer's word boundaries, so a snippet never cuts a UTF-8 sequence, a grapheme cluster or
// a word; whitespace runs become one space; "…" marks text cut away on either side.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/search/searcher.hpp"

namespace kavosh::search {

struct SnippetOptions {
  unsigned max_words = 30;  // words in the window
  unsigned max_bytes = 0;   // 0: no byte limit; else whole words are dropped until it fits
};

// What a snippet marks: a passage token matches when its term is in `terms`, when "Z" + its
// stem (or term) is in `terms`, or when its term starts with one of `prefixes` (wildcards).
// A phrase (terms in order) marks a run of consecutive words whose terms are exactly those.
struct SnippetQuery {
  std::vector<std::string> terms;
  std::vector<std::string> prefixes;
  std::vector<std::vector<std::string>> phrases;
};

struct Snippet {
  std::string text;
  std::vector<Highlight> highlights;  // byte ranges into text, ascending, not overlapping
};

class SnippetMaker {
 public:
  // `rarity(key)` gives the weight of a matched key (e.g. IDF from the index); the best window
  // maximizes the sum over DISTINCT matched keys, so one rare word beats a repeated common one.
  SnippetMaker(analysis::Analyzer& analyzer, SnippetOptions options,
               std::function<double(const std::string&)> rarity = {});

  Snippet make(std::string_view text, analysis::Language language, const SnippetQuery& query);

 private:
  double rarity_of(const std::string& key);

  analysis::Analyzer& analyzer_;
  SnippetOptions options_;
  std::function<double(const std::string&)> rarity_;
  std::unordered_map<std::string, double> rarity_cache_;
  std::vector<analysis::Token> tokens_;
};

// Terminal rendering of a snippet: highlights in bold red on a TTY (ANSI SGR), in [brackets]
// when piped; each run of right-to-left text (Arabic script, Hebrew) wrapped in the Unicode
// bidi isolates U+2068 FIRST STRONG ISOLATE … U+2069 POP DIRECTIONAL ISOLATE so that it
// stays readable inside left-to-right lines.
std::string render_for_terminal(const Snippet& snippet, bool tty);

// Wraps right-to-left runs of any text (titles, sections) in bidi isolates.
std::string isolate_rtl_runs(std::string_view text);

}  // namespace kavosh::search
