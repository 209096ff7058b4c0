#pragma once
// A frequent word's best postings: the thousand or so of its list that score highest, with a
// bound of the rest. A phrase or NEAR of frequent words (`"of the"`, `"the value is"`) holds in
// most documents that hold its words, and its words' blocks all bound near their best score,
// so block-max reads most of both lists (8-11 ms on the 1 GB bench, where a phrase of content
// words takes under 1). Its top k stand almost always where its words score best: the matcher
// ranks those documents first (BestPostingsFirst in shards.cpp) and keeps that ranking when no
// document outside them can reach its k-th score, which it knows exactly from what the best
// postings leave out.
//
// The order of a term's postings under BM25 is that of Bm25Clause::saturation(): the same for
// any weight of the term (its idf, a field's factor) at one k1, b and average length, so one
// choice serves every query with those parameters.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "kavosh/format/match_data.hpp"
#include "matcher/bm25.hpp"
#include "matcher/cursors.hpp"

namespace kavosh::search::matcher {

struct BestPostings {
  std::vector<TermCursor::Posting> postings;  // in docid order
  index::MatchData::Impact best;              // the best of them (wdf, length)
  // A cursor over them at their first, its block bounds computed once (each a length lookup a
  // posting, most of them cache misses): a search reads a copy.
  TermCursor cursor;
  // What bounds every posting of the list that is not among them under BM25 (wdf, length): the
  // best such posting, or the best impact of a block of them; none when all are kept.
  std::optional<index::MatchData::Impact> best_left_out;
};

// Each term's best postings in one database (or shard) at one revision, chosen at their first
// use and kept: a LocalShard holds one for the life of its match data. Not thread-safe, as
// MatchData's lookups are not: a Searcher owns its shards.
class BestPostingsCache {
 public:
  struct Sizes {
    // How many postings a term keeps: the measured best of 256 to 8 192 on the 1 GB and 200 MB
    // benches' phrases (decision 0006). Fewer leave the rest within reach more often (`"of the"`
    // needs `of`'s best 2 923 alone, or both words' best 1 024 together); more cost more to rank.
    std::uint32_t kept = 1024;
    // Only lists at least this long: on shorter ones block-max skips well enough.
    Xapian::doccount least_list = 4 * 1024;
  };
  BestPostingsCache() = default;
  explicit BestPostingsCache(Sizes sizes) : sizes_(sizes) {}
  const Sizes& sizes() const { return sizes_; }

  // `term`'s best postings in `data` in the order of `weight`'s saturation(), computed once for
  // each term and order. Nothing for a list shorter than sizes().least_list, or one `data` has
  // no blocks of (it fails its checks). Shared: a search keeps what it was given while the cache
  // forgets terms to make room.
  std::shared_ptr<const BestPostings> best(const index::MatchData& data, const std::string& term,
                                           const Bm25Clause& weight);

 private:
  struct Entry {
    Bm25Clause order;  // whose saturation() chose them
    std::shared_ptr<const BestPostings> best;
  };
  // Terms kept at most: a search asks for a handful, a long-running server for many.
  static constexpr std::size_t kMaxTerms = 256;
  Sizes sizes_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace kavosh::search::matcher
