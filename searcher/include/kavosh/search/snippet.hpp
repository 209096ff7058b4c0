#pragma once
// Snippets: the window of a passage's stored text with the most and rarest query terms.
// Query terms meet the passage's words as the analyzer made them (so "mojahedin" marks
// "mojâhedīn" and "Mujahedin", "مجاهدین" marks "مجاهدين"): either through the token table the
// indexer stored with the passage (index/stored_passage.hpp: byte ranges plus 32-bit hashes of
// each token's term and stem, compared with the query keys' hashes, no re-analysis), or by
// running the text through the analyzer again (a query with wildcard prefixes, which a hash
// cannot match, and text without a table). Both give the same snippet, except that a hash
// comparison is wrong with probability about 2^-32 (a different term with an equal hash).
// Windows start and end on the analyzer's word boundaries, so a snippet never cuts a UTF-8
// sequence, a grapheme cluster or a word; whitespace runs become one space; "…" marks text
// cut away on either side.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/format/stored_passage.hpp"
#include "kavosh/search/searcher.hpp"

namespace kavosh::search {

struct SnippetOptions {
  unsigned max_words = 30;  // words in the window
  unsigned max_bytes = 0;   // 0: no byte limit; else whole words are dropped until it fits
};

// What a snippet marks: a passage token matches when its term is in `terms`, when "Z" + its
// stem (or term) is in `terms`, or when its term starts with one of `prefixes` (wildcards).
// A phrase (terms in order) marks a run of consecutive words whose terms are exactly those.
// A prefix cannot be matched by hash: when `prefixes_expanded`, `completions` holds every
// term that completes a prefix (the index's terms, as Xapian's wildcard expansion sees them)
// and the token table is used; otherwise a query with prefixes analyses the passage text.
struct SnippetQuery {
  std::vector<std::string> terms;
  std::vector<std::string> prefixes;
  std::vector<std::vector<std::string>> phrases;
  // Initialized here so that aggregate initializations naming only the first three members
  // stay free of -Wmissing-field-initializers.
  std::vector<std::string> completions = {};
  bool prefixes_expanded = false;
  bool operator==(const SnippetQuery&) const = default;
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
  ~SnippetMaker();
  SnippetMaker(SnippetMaker&&) noexcept;
  SnippetMaker& operator=(SnippetMaker&&) = delete;  // holds a reference to the analyzer

  // Analyses `text` and matches the query against its tokens.
  Snippet make(std::string_view text, analysis::Language language, const SnippetQuery& query);

  // Matches the query's hashed keys against `tokens`, the stored token table of `text`
  // (StoredPassageView::decode_tokens); a query with unexpanded prefixes analyses `text`.
  Snippet make(std::string_view text, const std::vector<index::StoredToken>& tokens,
               analysis::Language language, const SnippetQuery& query);

  // The same for a stored passage record: its text, language and token table (decoded only
  // when it is used). Throws index::CorruptStoredPassage on a corrupt table.
  Snippet make(const index::StoredPassageView& passage, const SnippetQuery& query);

  // The query's keys are hashed, deduplicated and their rarities cached once per distinct
  // query (the last one seen), so making a snippet allocates nothing per token.
 private:
  struct PreparedQuery;
  struct Word {
    std::uint32_t begin, end;
    std::uint32_t token;  // index into the tokens the word came from
  };
  struct Match {
    std::uint32_t begin, end;
    std::size_t key;
  };

  const PreparedQuery& prepare(const SnippetQuery& query);
  double rarity_of_key(std::size_t key);
  Snippet assemble(std::string_view text);
  std::pair<std::size_t, std::size_t> best_window();  // first and last word, inclusive
  void append_window(std::string_view text, std::uint32_t begin, std::uint32_t end,
                     Snippet& snippet);
  // Marks every run of `length` consecutive words where word_is(w + k, k) holds for each k.
  // (A template, not std::function: it runs per word of every hit's passage.)
  template <class WordIs>
  void mark_phrase(std::size_t length, std::size_t key, const WordIs& word_is);

  analysis::Analyzer& analyzer_;
  SnippetOptions options_;
  std::function<double(const std::string&)> rarity_;
  std::unique_ptr<PreparedQuery> prepared_;
  // Per-snippet scratch, kept to reuse its storage.
  std::vector<analysis::Token> tokens_;
  std::vector<index::StoredToken> stored_tokens_;
  std::vector<Word> words_;
  std::vector<Match> matches_;
  std::vector<int> word_matched_;        // per word: index into matches_ or -1
  std::vector<std::string> extra_keys_;  // prefix completions of this snippet (analysis path)
  std::vector<double> rarities_;
  std::vector<char> seen_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges_, merged_;
  std::unordered_map<std::string, double> rarity_cache_;  // of prefix completions
};

// Terminal rendering of a snippet: highlights in bold red on a TTY (ANSI SGR), in [brackets]
// when piped; each run of right-to-left text (Arabic script, Hebrew) wrapped in the Unicode
// bidi isolates U+2068 FIRST STRONG ISOLATE … U+2069 POP DIRECTIONAL ISOLATE so that it
// stays readable inside left-to-right lines. Control characters (C0, DEL, C1) and invalid
// UTF-8 bytes become U+FFFD, so no escape sequence of the text reaches the terminal.
std::string render_for_terminal(const Snippet& snippet, bool tty);

// Appends `text` with every control character (C0, DEL, C1 U+0080-U+009F) and every byte of
// invalid UTF-8 replaced by `replacement`: text from documents or the command line must not be
// able to clear the screen, retitle the window or plant hyperlinks (ESC, OSC, 8-bit CSI), nor
// split a TREC run line.
void append_printable(std::string& out, std::string_view text,
                      std::string_view replacement = "\xEF\xBF\xBD" /* U+FFFD */);

// Any text bound for a terminal (titles, sections, ids, the query, messages): right-to-left
// runs wrapped in bidi isolates, control characters replaced, as render_for_terminal.
std::string isolate_rtl_runs(std::string_view text);

}  // namespace kavosh::search
