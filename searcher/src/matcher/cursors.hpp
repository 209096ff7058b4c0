#pragma once
// Cursors over one term's postings and over one scored clause (a term or a synonym of terms),
// with the bounds the algorithms prune by. Both move forward only.
#include <xapian.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "kavosh/format/adjacent_pairs.hpp"
#include "kavosh/format/match_data.hpp"
#include "kavosh/format/schema.hpp"
#include "matcher/bm25.hpp"
#include "matcher/body_positions.hpp"
#include "matcher/plan.hpp"

namespace kavosh::search::matcher {

inline constexpr Xapian::docid kEnd = std::numeric_limits<Xapian::docid>::max();

// Whether a cursor over a short list computes its impacts (the bounds block-max prunes by), or
// leaves them out for a pass that bounds nothing: over a small collection they were a third of
// opening a question's cursors.
enum class Bounds { Computed, None };

// What a stretch of postings can score at most: its competitive impacts (MatchData), valid
// for documents up to `last_docid`; none when no posting is left.
struct BlockBound {
  std::span<const index::MatchData::Impact> impacts;
  Xapian::docid last_docid = kEnd;

  // The most `weight` gives any posting of the stretch.
  double best(const Bm25Clause& weight) const {
    double most = 0;
    for (const auto& impact : impacts)
      most = std::max(most, weight.score(impact.wdf, impact.length));
    return most;
  }
  // The most `weight` gives a posting of the stretch in a document of length `length`: a
  // posting there has that length, so its wdf is at most that of the first impact (largest
  // wdf first) no longer than it; nothing when every impact is longer (no posting of the
  // stretch is in such a document). Far below best() for a document of average length, where
  // best() is set by the stretch's shortest documents.
  double best_at_length(const Bm25Clause& weight, std::uint32_t length) const {
    for (const auto& impact : impacts)
      if (impact.length <= length) return weight.score(impact.wdf, length);
    return 0;
  }
};

// The most a synonym (its terms' wdfs summed, scored as one term) scores in a stretch where
// each of its terms is bounded by a BlockBound. A posting of a term has at most the wdf of one
// of its impacts no longer than its document, so a document holding several of the terms
// scores at most the sum of one impact of each at the longest of their lengths, and one
// holding a single term at most that term's best. Tighter than the terms' largest wdfs summed at
// their least length (the bound before, which pairs the largest wdf of one term's long
// passages with the shortest passage of another): on the 1 GB bench, where a Persian word is
// a synonym of its two stems, `میانه` 797 -> 603 us and `مجموعهٔ علف لبنیات` 1 350 -> 1 030 us.
class SynonymBound {
 public:
  // Terms with no posting left in the stretch have empty bounds and add nothing.
  double operator()(const Bm25Clause& weight, std::span<const BlockBound> terms);

 private:
  using Point = index::MatchData::Impact;
  // Folds `impacts` into frontier_: every point either gives or both sum.
  void fold(std::span<const Point> impacts);
  // The points of the terms folded so far that no other beats on both wdf and length, at most
  // kMaxPoints (neighbours merged into one that beats both beyond that).
  static constexpr std::size_t kMaxPoints = 32;
  std::vector<Point> frontier_;
  std::vector<Point> scratch_;
};

// For each small wdf, the least document length at which a posting scores at most a limit
// under one weight, computed the first time a posting of that wdf is met: a matcher passing
// over the postings that cannot reach the top k then compares lengths instead of dividing.
// Kept while the limit holds (a stretch of blocks, between rises of the k-th score).
class HopelessLengths {
 public:
  static constexpr std::uint32_t kTabled = 16;  // wdfs below this are tabled
  void aim(const Bm25Clause& weight, double limit) {
    if (&weight == weight_ && limit == limit_) return;
    weight_ = &weight;
    limit_ = limit;
    known_ = 0;
    ++aims_;
  }
  // How many times aim() changed the limit: a copy of the table knows when it is stale.
  std::uint64_t aims() const { return aims_; }
  // Every tabled wdf's least hopeless length in 32 bits, kNoLength32 where none is (no
  // document is that long), for a test of several documents at once.
  static constexpr std::uint32_t kNoLength32 = std::numeric_limits<std::uint32_t>::max();
  void fill(std::array<std::uint32_t, kTabled>& out) {
    for (std::uint32_t wdf = 0; wdf < kTabled; ++wdf) {
      (void)hopeless(wdf, 0);  // computes the entry
      out[wdf] = static_cast<std::uint32_t>(std::min<std::uint64_t>(shortest_[wdf], kNoLength32));
    }
  }
  bool hopeless(std::uint32_t wdf, std::uint32_t length) {
    if (wdf >= kTabled) return weight_->score(wdf, length) <= limit_;
    if (!(known_ & (1U << wdf))) {
      known_ |= 1U << wdf;
      shortest_[wdf] = weight_->shortest_length_scoring_at_most(wdf, limit_);
    }
    return length >= shortest_[wdf];
  }

 private:
  const Bm25Clause* weight_ = nullptr;
  double limit_ = 0;
  std::uint32_t known_ = 0;
  std::uint64_t aims_ = 0;
  std::array<std::uint64_t, kTabled> shortest_{};
};

class TermCursor {
 public:
  using Posting = std::pair<Xapian::docid, std::uint32_t>;  // docid, wdf

  // A term with blocks in `data` is decoded from there a block at a time as the matcher goes;
  // a shorter list is read whole here, from `data`'s short lists (through Xapian where those
  // fail their checks), its bound taken from its postings.
  // `termfreq`: how many postings to expect (0 when unknown). With Bounds::None a short list
  // has no impacts: whole() and block_at() bound nothing.
  TermCursor(const Xapian::Database& db, const std::string& term, const index::MatchData& data,
             Xapian::doccount termfreq, Bounds bounds = Bounds::Computed);
  // Postings already read (in docid order), with blocks computed from them; a wdf above its
  // document's length (a synonym's summed wdfs) is clamped to it.
  TermCursor(std::vector<Posting> postings, const index::MatchData& data);

  Xapian::docid docid() const { return docid_; }
  std::uint32_t wdf() const {
    return list_ ? decoded_.wdf(in_block_) : postings_[position_].second;
  }
  // Inline: the matcher's inner loop steps once per posting.
  void next() {
    if (list_ && ++in_block_ < decoded_.decoded)
      docid_ = block_docids_[in_block_];
    else
      next_block_or_posting();
  }
  void skip_to(Xapian::docid target);
  // The docid `ahead` postings after the current one, where the cursor already holds it (its
  // decoded block, or its read postings); kEnd otherwise. For prefetching.
  Xapian::docid docid_ahead(std::uint32_t ahead) {
    if (!list_) {
      const std::size_t at = position_ + ahead;
      return at < postings_.size() ? postings_[at].first : kEnd;
    }
    const std::uint32_t at = in_block_ + ahead;
    if (at >= decoded_.count) return kEnd;
    if (at >= decoded_.decoded)
      index::MatchData::decode_docids_through(decoded_, kEnd, block_docids_.data());
    return block_docids_[at];
  }
  // The wdf of the posting `ahead` after the current one, which docid_ahead(ahead) found.
  std::uint32_t wdf_ahead(std::uint32_t ahead) const {
    return list_ ? decoded_.wdf(in_block_ + ahead) : postings_[position_ + ahead].second;
  }
  // Steps past the postings up to docid `last` that are hopeless: by `lengths` (lengths from
  // `data`), or failing that by also_hopeless(docid, length, wdf). Stops on the first that is
  // neither; true when it passed any.
  template <typename AlsoHopeless>
  bool pass_hopeless(HopelessLengths& lengths, Xapian::docid last, const index::MatchData& data,
                     AlsoHopeless&& also_hopeless) {
    bool passed = false;
    auto hopeless = [&](Xapian::docid at, std::uint32_t wdf) {
      const std::uint32_t length = data.length(at);
      return lengths.hopeless(wdf, length) || also_hopeless(at, length, wdf);
    };
    if (!list_) {
      for (; docid_ <= last && docid_ != kEnd && hopeless(docid_, postings_[position_].second);
           passed = true)
        docid_ = ++position_ < postings_.size() ? postings_[position_].first : kEnd;
      return passed;
    }
    index::MatchData::decode_docids_through(decoded_, kEnd, block_docids_.data());
    while (docid_ != kEnd) {
      for (; in_block_ < decoded_.count; ++in_block_, passed = true) {
        const Xapian::docid at = block_docids_[in_block_];
        if (at > last || !hopeless(at, decoded_.wdf(in_block_))) {
          docid_ = at;
          return passed;
        }
      }
      load_block(loaded_block_ + 1);
    }
    return passed;
  }
  // The bound of the block holding `target` (the next posting at or after it); `target` must
  // not decrease between calls. Past the last posting: an empty bound up to kEnd.
  BlockBound block_at(Xapian::docid target);
  BlockBound whole() const;
  // The term's positions in the current document.
  Xapian::PositionIterator positions(const Xapian::Database& db, const std::string& term) const {
    return db.positionlist_begin(docid_, term);
  }

 private:
  // Decodes block `block` of the term's blocks through the first docid at least `through`
  // (none past the last: the cursor ends), the cursor on its first posting.
  void load_block(std::size_t block, Xapian::docid through = kEnd);
  void next_block_or_posting();

  const index::MatchData* data_;
  bool list_ = false;                        // decoding blocks (blocked) or from postings_
  index::MatchData::Impact exact_impact_{};  // what block_at() gives for one posting
  // The decoded block, its number and the cursor's place in it.
  std::array<std::uint32_t, index::MatchData::kBlockSize> block_docids_{};
  index::MatchData::DecodedBlock decoded_;
  std::size_t loaded_block_ = 0;
  std::uint32_t in_block_ = 0;
  std::vector<Posting> postings_;
  // Blocks and impacts of read postings (a copy of the cursor must not point into another's).
  std::vector<index::MatchData::Block> owned_blocks_;
  std::vector<index::MatchData::Impact> owned_impacts_;
  std::span<const index::MatchData::Block> block_table() const;
  std::span<const index::MatchData::Impact> impact_table() const;
  index::MatchData::Block whole_block_{kEnd, 0, 0};  // the whole list's impacts, in impact_table()
  std::size_t position_ = 0;
  Xapian::docid docid_ = kEnd;
  index::MatchData::TermBlocks blocks_;
  std::size_t block_ = 0;
};

// One term of one positional clause read from some of its postings only (its best ones,
// best_postings.hpp), through a copy of a cursor over them: the clause then matches only where
// those stand.
struct RestrictedTerm {
  std::size_t clause = 0;
  std::size_t term = 0;
  const TermCursor* cursor = nullptr;  // at its first posting
  std::size_t postings = 0;            // how many it reads
};

// One scored clause. Kind::Any: its terms' postings merged, wdfs summed (clamped to the
// document length for a synonym, as Xapian's SynonymPostList does), weighed by one Bm25Clause.
// Kind::Phrase and Kind::Near: the documents holding every term, each term weighed by its own
// Bm25Clause; where the terms stand is checked only by positions_hold(), which the algorithms
// call for a document that can still enter the top k.
class ClauseCursor {
 public:
  // Postings from `db` (one database, or one shard of a set) and `data`, its match data;
  // weighed by the collection size and average length of `statistics` (`db` itself, or the
  // whole set of shards, as Xapian's combined Database computes them).
  // With `restricted`, a positional clause's term `restricted->term` is read from those
  // postings instead of its list.
  // `body_positions`: where the body terms' positions are, if not in Xapian's position table
  // (none: they are there).
  ClauseCursor(const Xapian::Database& db, const index::MatchData& data,
               const BodyPositions* body_positions, const ScoredClause& clause,
               const Bm25Parameters& parameters, const Xapian::Database& statistics,
               Bounds bounds = Bounds::Computed, const RestrictedTerm* restricted = nullptr);

  Xapian::docid docid() const { return docid_; }
  // At `docid`, and not turned down there by positions_hold().
  bool matches(Xapian::docid docid) const { return docid_ == docid && !rejected_; }
  void reject_current() { rejected_ = true; }
  // The clause's score in the current document (of length `length`): remembered, since the
  // algorithms ask for it while bounding a candidate and again when they finish it.
  double score(std::uint32_t length) const {
    if (scored_docid_ != docid_) {
      scored_docid_ = docid_;
      last_score_ =
          one_term_ ? weights_[0].score(terms_[0].wdf(), length) : score_of_several(length);
    }
    return last_score_;
  }
  // Inline for a clause of one term, the common case: once per posting.
  void next() {
    if (one_term_ && docid_ != kEnd) {
      terms_[0].next();
      docid_ = terms_[0].docid();
      rejected_ = false;
      return;
    }
    next_of_several();
  }
  void skip_to(Xapian::docid target) {
    if (docid_ < target || unsettled_) move_to(target);
  }
  // Whether the clause may match at `target` (at or after where it stands), asked without
  // searching past it: a phrase's or NEAR's terms all there and its adjacent-pair filter
  // passing (positions unread), or one of a synonym's terms there. True leaves the cursor on
  // `target`. False leaves a phrase's or NEAR's unsettled: docid() is then past `target` and
  // no match lies before it, but it need not be one; skip_to() settles it again (next() must
  // not be asked before). For a clause asked about other clauses' candidates: skipped to one it
  // misses, a phrase would search on through its rarest term's postings, testing their
  // filters, to its next match.
  bool probe(Xapian::docid target);
  // Steps past the documents up to `last` where the clause scores at most `limit` (lengths
  // from `data`, through `lengths`), or failing that where also_hopeless(docid, length, score)
  // says so; stops on the first that is neither; true when it passed any. For the matcher's
  // one essential clause, whose postings mostly cannot lift a document into the top k.
  template <typename AlsoHopeless>
  bool pass_hopeless(double limit, Xapian::docid last, const index::MatchData& data,
                     HopelessLengths& lengths, AlsoHopeless&& also_hopeless) {
    if (one_term_) {
      lengths.aim(weights_[0], limit);
      const Bm25Clause& weight = weights_[0];
      const bool passed = terms_[0].pass_hopeless(
          lengths, last, data, [&](Xapian::docid at, std::uint32_t length, std::uint32_t wdf) {
            return also_hopeless(at, length, weight.score(wdf, length));
          });
      docid_ = terms_[0].docid();
      rejected_ = false;
      return passed;
    }
    if (positional()) return pass_hopeless_conjunction(limit, last, data, also_hopeless);
    bool passed = false;
    for (; docid_ <= last && docid_ != kEnd; passed = true) {
      const std::uint32_t length = data.length(docid_);
      const double here = score(length);
      if (here > limit && !also_hopeless(docid_, length, here)) break;
      next();
    }
    return passed;
  }
  // pass_hopeless() for a phrase or NEAR: its rarest term's postings that cannot lift the
  // clause over `limit` are passed over without moving the other terms to them, first by a
  // length comparison with the other terms' block bounds, then with those bounds at the
  // posting's own length (lead_hopeless). The cursor keeps `limit` for the stretch up to
  // `last`, so that its settle() passes them over too when the matcher steps it past a
  // candidate: on the 1 GB bench's "plane wave" 15 000 of the rarer word's 20 600 postings
  // had their adjacent-pair filter tested, each a cache miss, where 600 could still lift the
  // phrase into the top k.
  template <typename AlsoHopeless>
  bool pass_hopeless_conjunction(double limit, Xapian::docid last, const index::MatchData& data,
                                 AlsoHopeless&& also_hopeless) {
    const std::size_t lead = rarest_first_[0];
    double others = 0;
    for (std::size_t i = 0; i < stretch_best_.size(); ++i)
      if (i != lead) others += stretch_best_[i];
    lead_lengths_.aim(weights_[lead], limit - others);
    hopeless_limit_ = limit;
    hopeless_last_ = last;
    const auto also_short = [&](Xapian::docid, std::uint32_t length, std::uint32_t wdf) {
      return short_of_limit(wdf, length);
    };
    bool passed = false;
    while (docid_ <= last && docid_ != kEnd) {
      if (terms_[lead].pass_hopeless(lead_lengths_, last, data, also_short)) {
        passed = true;
        settle();
        continue;
      }
      const std::uint32_t length = data.length(docid_);
      const double here = score(length);
      if (here > limit && !also_hopeless(docid_, length, here)) break;
      next();
      passed = true;
    }
    return take_passed_hopeless() || passed;
  }
  // Whether settle() passed over documents that cannot enter the top k since last asked.
  bool take_passed_hopeless() { return std::exchange(passed_hopeless_, false); }
  double max_score() const { return max_score_; }
  // The most the clause can add to a document in [target, *last_docid]; lowers *last_docid to
  // the end of the stretch the bound holds for.
  double block_bound(Xapian::docid target, Xapian::docid* last_docid);
  double termfreq() const { return termfreq_; }
  // At most this many documents match the clause: its terms' frequencies summed (any of them),
  // or the least of them (all of them).
  double termfreq_upper_bound() const { return termfreq_upper_; }
  bool positional() const { return kind_ != ScoredClause::Kind::Any; }
  // Whether the terms stand as the phrase or NEAR asks in the cursor's current document: by its
  // token sequence where that can say, else by Xapian's positions (or where the index keeps
  // none of its body terms, by holds_elsewhere()).
  bool positions_hold(const Xapian::Database& db) const;
  // Whether the clause's positions are missing from Xapian's position table: a phrase or NEAR
  // of body terms in an index that keeps them elsewhere (schema.hpp: kMetaBodyPositions).
  bool positions_elsewhere() const { return body_positions_ != nullptr && body_terms(); }
  // Where positions_elsewhere(): whether the phrase or NEAR holds in document `docid` of `db`,
  // by its token sequence or its stored record (BodyPositions).
  bool holds_elsewhere(const Xapian::Database& db, Xapian::docid docid) const;
  // The phrase or NEAR as a Xapian query, for PositionalCheck: Xapian's own phrase matcher
  // checks candidates through B-tree cursors it keeps from one document to the next.
  Xapian::Query positional_query() const;
  // A phrase's or NEAR's terms, in order.
  const std::vector<std::string>& positional_terms() const { return names_; }
  // Whether the phrase or NEAR holds in document `docid` by its token sequence in the match
  // data; nothing where that cannot say (a term with a prefix or one the data does not number,
  // or a document without a sequence): Xapian's positions decide there.
  std::optional<bool> holds_by_sequence(Xapian::docid docid) const;
  // Whether the clause is an exact phrase (its terms at consecutive positions, in order) of
  // body terms: what match.data's adjacent-pair filters answer for.
  bool body_phrase() const {
    return kind_ == ScoredClause::Kind::Phrase && window_ == names_.size() && body_terms();
  }
  // Whether every term of the clause is a body term: what the token sequences answer for.
  bool body_terms() const {
    return std::all_of(names_.begin(), names_.end(),
                       [](const std::string& term) { return index::schema::is_body_term(term); });
  }

 private:
  // Moves the terms to the next document at or after the rarest term's where all of them
  // stand (a word clause: to its terms' least docid). Leapfrog, rarest term first: each other
  // term moves to the rarest one's docid, and the rarest to theirs when they pass it. Before
  // the others move, the rarest term's posting is passed over where the exact phrase's
  // adjacent-pair filter rules it out (testing it there, not once all the terms agree: 14 %
  // fewer instructions on the 200 MB bench's phrases), or, up to hopeless_last_, where it
  // cannot lift the clause over hopeless_limit_.
  void settle() {
    rejected_ = false;
    if (!positional()) {
      docid_ = kEnd;
      for (const auto& term : terms_) docid_ = std::min(docid_, term.docid());
      return;
    }
    settle_positional();
  }
  void settle_positional();
  // skip_to() where the cursor must move: out of line, so that the common early return needs
  // no call.
  void move_to(Xapian::docid target);
  // Whether the clause cannot score over hopeless_limit_ where its rarest term has `wdf` in
  // document `docid` (up to hopeless_last_; none known past it).
  bool lead_cannot_lift(Xapian::docid docid, std::uint32_t wdf) {
    if (docid > hopeless_last_) return false;
    const std::uint32_t length = data_->length(docid);
    return lead_lengths_.hopeless(wdf, length) || short_of_limit(wdf, length);
  }
  // lead_cannot_lift(), noting that a document was passed over for it.
  bool lead_hopeless(Xapian::docid docid, std::uint32_t wdf) {
    if (!lead_cannot_lift(docid, wdf)) return false;
    passed_hopeless_ = true;
    return true;
  }
  // The clause's bound where its rarest term has `wdf` in a document of `length`, with the
  // other terms' stretch bounds at that length, at most hopeless_limit_.
  bool short_of_limit(std::uint32_t wdf, std::uint32_t length) const {
    const std::size_t lead = rarest_first_[0];
    double most = weights_[lead].score(wdf, length);
    for (std::size_t i = 0; i < stretch_bounds_.size(); ++i)
      if (i != lead) most += stretch_bounds_[i].best_at_length(weights_[i], length);
    return most <= hopeless_limit_;
  }
  // settle_positional() tests the lead term's postings in docid order, each filter in another
  // page of a pool far larger than the cache, and most postings' lengths rule them out first:
  // at each step it starts loading the length and filter offsets of the posting
  // kPrefetchFarAhead on, and the filter of the one kPrefetchNearAhead on unless that one's
  // length (loaded by then) rules it out. (When only a tested posting prefetched, eight
  // postings on, it mostly fetched filters that lengths then passed over, and the tested ones
  // came cold: this way the phrase class's p50 on the 1 GB bench is 8 % lower.)
  void prefetch_lead_ahead(TermCursor& lead) {
    if (pair_keys_.empty()) return;
    const Xapian::docid far = lead.docid_ahead(kPrefetchFarAhead);
    data_->prefetch_length(far);
    data_->prefetch_adjacent_pairs(far, 0);
    const Xapian::docid near = lead.docid_ahead(kPrefetchNearAhead);
    if (near == kEnd) return;
    // (Past hopeless_last_ nothing is known: its wdf is not worth decoding.)
    if (near <= hopeless_last_ && lead_cannot_lift(near, lead.wdf_ahead(kPrefetchNearAhead)))
      return;
    data_->prefetch_adjacent_pairs(near, 1);
  }
  static constexpr std::uint32_t kPrefetchFarAhead = 16;
  static constexpr std::uint32_t kPrefetchNearAhead = 8;
  // False where document `docid`'s adjacent-pair filter rules the exact phrase out: some pair
  // of its neighbouring terms stands nowhere side by side there. True for anything else (a
  // NEAR, a word clause, a title or field phrase, a document without a filter). settle() tests it
  // at every docid the terms might agree on, so the cursor never stands on a document it rules out:
  // whatever positions_hold() and PositionalCheck are asked about has passed it.
  bool filter_passes(Xapian::docid docid) const {
    const std::span<const unsigned char> filter = data_->adjacent_pairs(docid);
    for (const std::uint64_t key : pair_keys_)
      if (!index::adjacent_pair_may_hold(filter, key)) return false;
    return true;
  }
  double score_of_several(std::uint32_t length) const;
  void next_of_several();
  template <typename OpenPositions>
  bool positions_hold_with(OpenPositions&& open) const;
  // For Kind::Any, the most the clause adds where each term is bounded by bound_of_term(term):
  // one term's best impact, or for a synonym what SynonymBound gives.
  template <typename BoundOfTerm>
  double bound_of(BoundOfTerm&& bound_of_term) {
    if (terms_.size() == 1) return bound_of_term(terms_[0]).best(weights_[0]);
    term_bounds_.clear();
    for (auto& term : terms_) term_bounds_.push_back(bound_of_term(term));
    return synonym_bound_(weights_[0], term_bounds_);
  }

  const index::MatchData* data_;
  const BodyPositions* body_positions_;
  mutable std::optional<BodyPhraseCheck> body_check_;  // holds_elsewhere()'s, once asked
  ScoredClause::Kind kind_;
  Xapian::termcount window_;
  std::vector<std::string> names_;         // a phrase's or NEAR's terms, for their positions
  std::vector<std::size_t> rarest_first_;  // positional terms, least frequent first
  std::vector<std::uint64_t> pair_keys_;   // an exact phrase's neighbouring terms' pairs
  // The phrase's or NEAR's terms' numbers in the match data, in order, where its token
  // sequences can check it; else empty.
  std::vector<std::uint32_t> sequence_terms_;
  // A NEAR's or windowed phrase's positions in the document checked last (holds_by_sequence).
  mutable std::vector<std::vector<Xapian::termpos>> sequence_positions_;
  std::vector<TermCursor> terms_;
  std::vector<Bm25Clause> weights_;  // one for Kind::Any, one per term otherwise
  // A phrase's or NEAR's terms' block bounds in the stretch of the last block_bound().
  std::vector<double> stretch_best_;
  // The same stretch's bounds themselves: views of the terms' block tables (or of a short
  // list's one impact), valid until the next block_bound().
  std::vector<BlockBound> stretch_bounds_;
  // A synonym's terms' bounds, for bound_of(), and what combines them.
  std::vector<BlockBound> term_bounds_;
  SynonymBound synonym_bound_;
  // What the last pass_hopeless_conjunction() was told: up to docid hopeless_last_ (0: none)
  // a document where the clause scores at most hopeless_limit_ cannot enter the top k, nor
  // will it later (the k-th score only rises). block_bound() forgets it with the stretch.
  double hopeless_limit_ = 0;
  Xapian::docid hopeless_last_ = 0;
  HopelessLengths lead_lengths_;  // the rarest term's lengths for that limit
  bool passed_hopeless_ = false;  // settle() passed such a document since the matcher asked
  Xapian::docid docid_ = kEnd;
  bool one_term_ = false;  // not positional, one term
  bool rejected_ = false;
  bool unsettled_ = false;  // a false probe() left docid_ a bound (positional clauses only)
  mutable Xapian::docid scored_docid_ = 0;  // what last_score_ is the score of
  mutable double last_score_ = 0;
  double max_score_ = 0;
  double termfreq_ = 0;
  double termfreq_upper_ = 0;
};

}  // namespace kavosh::search::matcher
