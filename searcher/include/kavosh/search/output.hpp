#pragma once
// Output formats of kavosh-search, and the batch input they pair with:
//  - terminal: rank, title, section, score, snippet (highlights per render_for_terminal);
//  - JSON lines: one object per hit {rank, id, article, passage, title, section, lang, score,
//    snippet, highlights: [[begin, end], ...] byte ranges into snippet} (+ "explain");
//  - TREC run lines: `qid Q0 docid rank score tag`, docid = the article (collection) id, or
//    the passage id (article#n) for runs that list passages: trec_eval wants each docid once;
//  - topics: TSV `qid<TAB>query` lines, or TREC topic files (<top><num>…<title>…</top>).
#include <filesystem>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/search/searcher.hpp"

namespace kavosh::search {

std::string format_terminal(const Hit& hit, bool tty);
std::string format_json(const Hit& hit);
// One analyzer token of `text` as a JSON object {text, terms: [term, "Z" + stem], position,
// begin, end, script, span (when > 1)}: what kavosh-serve's /analyze lists.
std::string format_token_json(std::string_view text, const analysis::Token& token);
enum class TrecDocid { Article, Passage };
std::string format_trec(const std::string& qid, const Hit& hit, const std::string& tag,
                        TrecDocid docid = TrecDocid::Article);

struct Topic {
  std::string id;
  std::string query;
};

// Throws eval::FormatError naming the source and line for a TSV line without a tab or a TREC
// topic without <num> or <title>.
std::vector<Topic> parse_topics(std::istream& in, const std::string& source_name);
std::vector<Topic> load_topics(const std::filesystem::path& path);

}  // namespace kavosh::search
