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
  using Posting = std::pair<Xapian::docid, std::uint32_t>;  // docid, wdf

  // A term with blocks in `data` is read through Xapian as the matcher goes; a shorter list
  // (or a term without blocks) is read whole here, its bound taken from its postings.
  TermCursor(const Xapian::Database& db, const std::string& term, const index::MatchData& data);
  // Postings already read (in docid order), with blocks computed from them.
  TermCursor(std::vector<Posting> postings, const index::MatchData& data);

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
  std::vector<Posting> postings_;
  std::vector<index::MatchData::Block> owned_blocks_;  // blocks_ of read postings
  std::size_t position_ = 0;
  Xapian::docid docid_ = kEnd;
  index::MatchData::TermBlocks blocks_;
  std::size_t block_ = 0;
  BlockBound whole_;
};

// One scored clause. Kind::Any: its terms' postings merged, wdfs summed (clamped to the
// document length for a synonym, as Xapian's SynonymPostList does), weighed by one Bm25Clause.
// Kind::Phrase and Kind::Near: the documents holding every term, each term weighed by its own
// Bm25Clause; where the terms stand is checked only by positions_hold(), which the algorithms
// call for a document that can still enter the top k.
class ClauseCursor {
 public:
  ClauseCursor(const Xapian::Database& db, const index::MatchData& data, const ScoredClause& clause,
               const Bm25Parameters& parameters);

  Xapian::docid docid() const { return docid_; }
  // At `docid`, and not turned down there by positions_hold().
  bool matches(Xapian::docid docid) const { return docid_ == docid && !rejected_; }
  void reject_current() { rejected_ = true; }
  double score(std::uint32_t length) const;
  void next();
  void skip_to(Xapian::docid target);
  double max_score() const { return max_score_; }
  // The most the clause can add to a document in [target, *last_docid]; lowers *last_docid to
  // the end of the stretch the bound holds for.
  double block_bound(Xapian::docid target, Xapian::docid* last_docid);
  double termfreq() const { return termfreq_; }
  bool positional() const { return kind_ != ScoredClause::Kind::Any; }
  // Whether the terms stand as the phrase or NEAR asks in document `docid`, the cursor's
  // current document.
  bool positions_hold(const Xapian::Database& db, Xapian::docid docid) const;

 private:
  void settle();

  ScoredClause::Kind kind_;
  Xapian::termcount window_;
  std::vector<std::string> names_;
  std::vector<std::size_t> rarest_first_;  // positional terms, least frequent first
  std::vector<TermCursor> terms_;
  std::vector<Bm25Clause> weights_;  // one for Kind::Any, one per term otherwise
  Xapian::docid docid_ = kEnd;
  bool rejected_ = false;
  double max_score_ = 0;
  double termfreq_ = 0;
};

}  // namespace kavosh::search::matcher
