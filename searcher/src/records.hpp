#pragma once
// The hits of a ranked page: each hit's ids, and, when the request shows them, what its stored
// passage record holds (title, section, language) and its snippet.
#include <xapian.h>

#include <filesystem>
#include <optional>
#include <span>
#include <vector>

#include "kavosh/search/query.hpp"
#include "kavosh/search/searcher.hpp"
#include "kavosh/search/snippet.hpp"
#include "match.hpp"

namespace kavosh::search {

struct HitSnippets {
  SnippetMaker maker;
  SnippetQuery query;
};

// What the snippets of a page mark, weighing each matched key by its rarity in `db`; nothing
// when the request shows no snippets or the page is empty. Frequencies and a wildcard's
// completions come from the match data of `match_shards` (empty when one has none), as the
// matcher takes them, where Xapian would read its postlist B-tree.
std::optional<HitSnippets> hit_snippets(analysis::Analyzer& analyzer, const Xapian::Database& db,
                                        std::span<const matcher::LocalShard> match_shards,
                                        const SearchRequest& r, const BuiltQuery& built,
                                        const Ranking& ranking);

// The page's hits, in rank order, their ids from the match data of `match_shards` (each
// database `db` searches, MatchSources::match_shards; empty when one has none) when the
// request reads no stored record. With one passage per article (single_passages) an article's
// only passage is number 0 and is not read. `dictionaries`: the index's record dictionaries,
// needed (and read) only when the request reads stored records (reads_records). Throws
// std::runtime_error naming the index and the article when a stored record is corrupt.
bool reads_records(const SearchRequest& r, const Ranking& ranking);
std::vector<Hit> make_hits(const Xapian::Database& db,
                           std::span<const matcher::LocalShard> match_shards,
                           const std::filesystem::path& index_path, const SearchRequest& r,
                           const Ranking& ranking, bool single_passages,
                           const index::RecordDictionaries* dictionaries, HitSnippets* snippets);

}  // namespace kavosh::search
