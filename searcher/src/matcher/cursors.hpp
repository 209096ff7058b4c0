#pragma once
// Cursors over one term's postings and over one scored clause (a term or a synonym of terms),
// with the bounds the algorithms prune by. Both move forward only.
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <xapian.h>

#include "kavosh/index/match_data.hpp"
#include "matcher/bm25.hpp"
#include "matcher/plan.hpp"

namespace kavosh::search::matcher {

inline constexpr Xapian::docid kEnd = std::numeric_limits<Xapian::docid>::max();

// What a stretch of postings can score at most: the largest wdf and smallest document length
// in it, valid for documents up to `last_docid`.
struct BlockBound {
  std::uint32_t max_wdf = 0;
  std::uint32_t min_length = std::numeric_limits<std::uint32_t>::max();
  Xapian::docid last_docid = kEnd;
};

class TermCursor {
 public:
  // A term with blocks in `data` is read through Xapian as the matcher goes; a shorter list
  // (or a term without blocks) is read whole here, its bound taken from its postings.
  TermCursor(const Xapian::Database& db, const std::string& term, const index::MatchData& data);

  Xapian::docid docid() const { return docid_; }
  std::uint32_t wdf() const { return list_ ? list_wdf_ : postings_[position_].second; }
  void next();
  void skip_to(Xapian::docid target);
  // The bound of the block holding `target` (the next posting at or after it); `target` must
  // not decrease between calls. Past the last posting: an empty bound up to kEnd.
  BlockBound block_at(Xapian::docid target);
  const BlockBound& whole() const { return whole_; }

 private:
  void settle_list();

  bool list_ = false;  // reading through Xapian (blocked) or from postings_
  Xapian::PostingIterator it_, end_;
  std::uint32_t list_wdf_ = 0;
  std::vector<std::pair<Xapian::docid, std::uint32_t>> postings_;
  std::size_t position_ = 0;
  Xapian::docid docid_ = kEnd;
  index::MatchData::TermBlocks blocks_;
  std::size_t block_ = 0;
  BlockBound whole_;
};

// One scored clause: its terms' postings merged, wdfs summed (clamped to the document length
// for a synonym, as Xapian's SynonymPostList does), weighed by one Bm25Clause.
class ClauseCursor {
 public:
  ClauseCursor(const Xapian::Database& db, const index::MatchData& data, const ScoredClause& clause,
               const Bm25Parameters& parameters);

  Xapian::docid docid() const { return docid_; }
  double score(std::uint32_t length) const;
  void next();
  void skip_to(Xapian::docid target);
  double max_score() const { return max_score_; }
  // The most the clause can add to a document in [target, *last_docid]; lowers *last_docid to
  // the end of the stretch the bound holds for.
  double block_bound(Xapian::docid target, Xapian::docid* last_docid);
  double termfreq() const { return termfreq_; }

 private:
  void settle();

  std::vector<TermCursor> terms_;
  Bm25Clause weight_;
  Xapian::docid docid_ = kEnd;
  double max_score_ = 0;
  double termfreq_ = 0;
};

}  // namespace kavosh::search::matcher
