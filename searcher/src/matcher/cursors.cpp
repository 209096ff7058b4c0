#include "matcher/cursors.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <utility>

#include "matcher/body_positions.hpp"
#include "matcher/synonym_postings.hpp"

namespace kavosh::search::matcher {
namespace {
constexpr std::uint32_t kNoLength = std::numeric_limits<std::uint32_t>::max();
}  // namespace

TermCursor::TermCursor(const Xapian::Database& db, const std::string& term,
                       const index::MatchData& data, Xapian::doccount termfreq, Bounds bounds)
    : data_(&data), blocks_(data.blocks(term)) {
  if (!blocks_.blocks.empty()) {
    list_ = true;
    whole_block_ = {kEnd, static_cast<std::uint32_t>(blocks_.whole.data() - blocks_.impacts.data()),
                    static_cast<std::uint32_t>(blocks_.whole.size())};
    load_block(0);
    return;
  }
  // The whole list's competitive impacts from the shortest length at each wdf: of points with
  // one wdf only the shortest can be competitive, and a short list's wdfs are small, so a
  // table by wdf leaves competitive_impacts() a few points to sort instead of every posting.
  constexpr std::uint32_t kTabledWdfs = 64;
  std::array<std::uint32_t, kTabledWdfs> shortest_at_wdf;
  shortest_at_wdf.fill(kNoLength);
  std::vector<index::MatchData::Impact> points;
  // A list without blocks is shorter than kMinBlockedPostings here; `termfreq` may count a
  // whole set of shards.
  postings_.reserve(std::min<Xapian::doccount>(termfreq, index::MatchData::kMinBlockedPostings));
  if (!data.short_postings(term, postings_)) {
    for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it)
      postings_.emplace_back(*it, it.get_wdf());
  }
  docid_ = postings_.empty() ? kEnd : postings_[0].first;
  if (bounds == Bounds::None) return;  // whole_block_ keeps no impacts
  for (const auto& [docid, wdf] : postings_) {
    const std::uint32_t length = data.length(docid);
    if (wdf < kTabledWdfs)
      shortest_at_wdf[wdf] = std::min(shortest_at_wdf[wdf], length);
    else
      points.push_back({wdf, length});
  }
  for (std::uint32_t wdf = 0; wdf < kTabledWdfs; ++wdf)
    if (shortest_at_wdf[wdf] != kNoLength) points.push_back({wdf, shortest_at_wdf[wdf]});
  owned_impacts_ = index::MatchData::competitive_impacts(std::move(points));
  whole_block_ = {kEnd, 0, static_cast<std::uint32_t>(owned_impacts_.size())};
}

TermCursor::TermCursor(std::vector<Posting> postings, const index::MatchData& data)
    : data_(&data), postings_(std::move(postings)) {
  // Read postings are a wildcard's merged completions, built for one query: their bounds must
  // cost a pass, not a sort. Each block is bounded by one pair (its largest wdf at its
  // shortest length), looser than competitive impacts but enough where the list is already in
  // memory; the whole list gets its exact competitive impacts from a table by wdf.
  constexpr std::uint32_t kWdfTable = 4096;  // wdfs above share the last row
  std::vector<std::uint32_t> shortest_at_wdf(kWdfTable + 1, kNoLength);
  std::uint32_t largest_wdf = 0;
  for (std::size_t begin = 0; begin < postings_.size(); begin += index::MatchData::kBlockSize) {
    const std::size_t end = std::min(postings_.size(), begin + index::MatchData::kBlockSize);
    index::MatchData::Impact bound{0, kNoLength};
    for (std::size_t i = begin; i < end; ++i) {
      const std::uint32_t length = data.length(postings_[i].first);
      std::uint32_t& wdf = postings_[i].second;
      wdf = std::min(wdf, length);
      bound.wdf = std::max(bound.wdf, wdf);
      bound.length = std::min(bound.length, length);
      std::uint32_t& row = shortest_at_wdf[std::min(wdf, kWdfTable)];
      row = std::min(row, length);
    }
    largest_wdf = std::max(largest_wdf, bound.wdf);
    owned_blocks_.push_back(
        {postings_[end - 1].first, static_cast<std::uint32_t>(owned_impacts_.size()), 1});
    owned_impacts_.push_back(bound);
  }
  // From the largest wdf down, the shortest length among postings with at least that wdf: a
  // pair is competitive where that length drops.
  std::vector<index::MatchData::Impact> whole;
  std::uint32_t shortest = kNoLength;
  for (std::uint32_t wdf = kWdfTable + 1; wdf-- > 0;) {
    if (shortest_at_wdf[wdf] >= shortest) continue;
    shortest = shortest_at_wdf[wdf];
    whole.push_back({wdf == kWdfTable ? largest_wdf : wdf, shortest});
  }
  whole = index::MatchData::competitive_impacts(std::move(whole));
  whole_block_ = {kEnd, static_cast<std::uint32_t>(owned_impacts_.size()),
                  static_cast<std::uint32_t>(whole.size())};
  owned_impacts_.insert(owned_impacts_.end(), whole.begin(), whole.end());
  docid_ = postings_.empty() ? kEnd : postings_[0].first;
}

std::span<const index::MatchData::Block> TermCursor::block_table() const {
  return owned_blocks_.empty() ? blocks_.blocks
                               : std::span<const index::MatchData::Block>(owned_blocks_);
}

std::span<const index::MatchData::Impact> TermCursor::impact_table() const {
  return list_ ? blocks_.impacts : std::span<const index::MatchData::Impact>(owned_impacts_);
}

BlockBound TermCursor::whole() const {
  return {impact_table().subspan(whole_block_.first_impact, whole_block_.impact_count), kEnd};
}

void TermCursor::load_block(std::size_t block, Xapian::docid through) {
  loaded_block_ = block;
  in_block_ = 0;
  if (block >= blocks_.blocks.size()) {
    decoded_ = {};
    docid_ = kEnd;
    return;
  }
  decoded_ = index::MatchData::open_block(blocks_, block);
  index::MatchData::decode_docids_through(decoded_, through, block_docids_.data());
  docid_ = block_docids_[0];
}

void TermCursor::next_block_or_posting() {
  if (list_) {
    if (in_block_ < decoded_.count) {  // decoded only up to where a skip stopped
      index::MatchData::decode_docids_through(decoded_, kEnd, block_docids_.data());
      docid_ = block_docids_[in_block_];
      return;
    }
    load_block(loaded_block_ + 1);
    return;
  }
  ++position_;
  docid_ = position_ < postings_.size() ? postings_[position_].first : kEnd;
}

void TermCursor::skip_to(Xapian::docid target) {
  if (docid_ >= target) return;
  if (list_) {
    const auto& blocks = blocks_.blocks;
    if (target > blocks[loaded_block_].last_docid) {
      const auto later = std::lower_bound(
          blocks.begin() + static_cast<std::ptrdiff_t>(loaded_block_) + 1, blocks.end(), target,
          [](const index::MatchData::Block& block, Xapian::docid d) {
            return block.last_docid < d;
          });
      load_block(static_cast<std::size_t>(later - blocks.begin()), target);
      if (docid_ == kEnd) return;
      in_block_ = decoded_.decoded - 1;  // decoding stopped at the first docid not before it
    }
    // The target is within the loaded block, at or before its last posting. Decoding stops at
    // the first docid at least the target, so when the decoded ones all fall short, the one
    // that does not is the last decoded.
    if (block_docids_[decoded_.decoded - 1] < target) {
      index::MatchData::decode_docids_through(decoded_, target, block_docids_.data());
      in_block_ = decoded_.decoded - 1;
    } else {
      while (block_docids_[in_block_] < target) ++in_block_;
    }
    docid_ = block_docids_[in_block_];
    if (docid_ < target) load_block(loaded_block_ + 1);  // only a file that lies gets here
    return;
  }
  // Short lists: a gallop would rarely beat the few steps a list under two blocks takes.
  while (position_ < postings_.size() && postings_[position_].first < target) ++position_;
  docid_ = position_ < postings_.size() ? postings_[position_].first : kEnd;
}

BlockBound TermCursor::block_at(Xapian::docid target) {
  if (docid_ == kEnd) return {};
  const auto blocks = block_table();
  if (blocks.empty()) {
    // A short list read whole bounds exactly: nothing before its next posting, and that
    // posting's own wdf and length at it. Otherwise its best posting would weigh on every
    // stretch of the long lists beside it and keep them from being skipped.
    auto next = std::lower_bound(postings_.begin() + static_cast<std::ptrdiff_t>(position_),
                                 postings_.end(), target,
                                 [](const Posting& p, Xapian::docid d) { return p.first < d; });
    if (next == postings_.end()) return {};
    if (next->first > target) return {{}, next->first - 1};
    exact_impact_ = {next->second, data_->length(next->first)};
    return {{&exact_impact_, 1}, target};
  }
  while (block_ < blocks.size() && blocks[block_].last_docid < target) ++block_;
  if (block_ == blocks.size()) return {};
  const auto& block = blocks[block_];
  return {impact_table().subspan(block.first_impact, block.impact_count), block.last_docid};
}

namespace {

// A synonym's postings as one list (the cursor clamps the wdfs to the document lengths).
std::vector<TermCursor::Posting> merged_synonym_postings(const Xapian::Database& db,
                                                         const index::MatchData& data,
                                                         const ScoredClause& clause) {
  std::vector<TermCursor::Posting> merged;
  double postings = 0;
  for (const Xapian::doccount termfreq : clause.termfreqs) postings += termfreq;
  merged.reserve(static_cast<std::size_t>(std::min<double>(postings, db.get_lastdocid())));
  for_each_synonym_posting(db, data, clause, [&](Xapian::docid docid, std::uint32_t wdf) {
    merged.emplace_back(docid, wdf);
  });
  return merged;
}

}  // namespace

ClauseCursor::ClauseCursor(const Xapian::Database& db, const index::MatchData& data,
                           const BodyPositions* body_positions, const ScoredClause& clause,
                           const Bm25Parameters& parameters, const Xapian::Database& statistics,
                           Bounds bounds, const RestrictedTerm* restricted)
    : data_(&data),
      body_positions_(body_positions),
      kind_(clause.kind),
      window_(clause.window),
      names_(clause.kind == ScoredClause::Kind::Any ? std::vector<std::string>{} : clause.terms) {
  const double collection_size = statistics.get_doccount();
  const double average_length = statistics.get_avlength();
  // A synonym of many terms (a wildcard's completions) is read whole and merged into one list
  // with its own blocks.
  terms_.reserve(clause.terms.size());  // a cursor holds a decoded block: moves are not free
  if (!positional() && clause.terms.size() > kMergedSynonymTerms) {
    terms_.emplace_back(merged_synonym_postings(db, data, clause), data);
  } else {
    for (std::size_t i = 0; i < clause.terms.size(); ++i) {
      if (restricted && positional() && restricted->term == i)
        terms_.push_back(*restricted->cursor);
      else
        terms_.emplace_back(db, clause.terms[i], data,
                            i < clause.termfreqs.size() ? clause.termfreqs[i] : 0, bounds);
    }
  }
  const std::vector<Xapian::doccount>& termfreqs = clause.termfreqs;
  termfreq_upper_ = most_documents(clause);
  if (!positional()) {
    termfreq_ = termfreqs.size() == 1 ? termfreqs[0]
                                      : synonym_termfreq(statistics.get_doccount(), termfreqs);
    weights_.emplace_back(parameters, collection_size, termfreq_, clause.factor, average_length);
    max_score_ = bound_of([](TermCursor& term) { return term.whole(); });
  } else {
    termfreq_ = collection_size;
    for (std::size_t i = 0; i < terms_.size(); ++i) {
      const double termfreq = termfreqs[i];
      rarest_first_.push_back(i);
      termfreq_ *= collection_size > 0 ? termfreq / collection_size : 0;
      weights_.emplace_back(parameters, collection_size, termfreq, clause.factor, average_length);
      max_score_ += terms_[i].whole().best(weights_[i]);
    }
    // A restricted term leads by the postings it is read from: few, where its list is long.
    const auto postings = [&](std::size_t i) -> double {
      if (restricted && restricted->term == i) return static_cast<double>(restricted->postings);
      return termfreqs[i];
    };
    std::stable_sort(rarest_first_.begin(), rarest_first_.end(),
                     [&](std::size_t a, std::size_t b) { return postings(a) < postings(b); });
    if (body_phrase())
      for (std::size_t i = 0; i + 1 < names_.size(); ++i)
        pair_keys_.push_back(index::adjacent_pair_key(index::adjacent_term_key(names_[i]),
                                                      index::adjacent_term_key(names_[i + 1])));
    if (body_terms()) {
      for (const std::string& term : names_) {
        const std::optional<std::uint32_t> number = data.term_number(term);
        if (!number) {
          sequence_terms_.clear();
          break;
        }
        sequence_terms_.push_back(*number);
      }
    }
  }
  one_term_ = !positional() && terms_.size() == 1;
  settle();
}

void ClauseCursor::settle_positional() {
  unsettled_ = false;
  TermCursor& lead = terms_[rarest_first_[0]];
  Xapian::docid target = lead.docid();
  while (target != kEnd) {
    lead.skip_to(target);
    target = lead.docid();
    if (target == kEnd) break;
    prefetch_lead_ahead(lead);
    if (lead_hopeless(target, lead.wdf()) || !filter_passes(target)) {
      lead.next();
      target = lead.docid();
      continue;
    }
    bool agreed = true;
    for (std::size_t k = 1; k < rarest_first_.size() && agreed; ++k) {
      TermCursor& term = terms_[rarest_first_[k]];
      term.skip_to(target);
      agreed = term.docid() == target;
      if (!agreed) target = term.docid();
    }
    if (agreed) break;
  }
  docid_ = target;
}

double ClauseCursor::score_of_several(std::uint32_t length) const {
  if (positional()) {
    double sum = 0;
    for (std::size_t i = 0; i < terms_.size(); ++i)
      sum += weights_[i].score(terms_[i].wdf(), length);
    return sum;
  }
  std::uint32_t wdf = 0;
  for (const auto& term : terms_)
    if (term.docid() == docid_) wdf += term.wdf();
  if (terms_.size() > 1) wdf = std::min(wdf, length);
  return weights_[0].score(wdf, length);
}

void ClauseCursor::next_of_several() {
  const Xapian::docid current = docid_;
  if (current == kEnd) return;
  if (positional()) {
    terms_[rarest_first_[0]].next();
    settle();
    return;
  }
  // A synonym's terms step past `current` and find the next docid in one pass over them:
  // 3.4 % fewer instructions on the 1 GB bench's Persian words, whose Arabic-stemmer variants
  // make two-term synonyms, than stepping them and then calling settle().
  Xapian::docid next = kEnd;
  for (auto& term : terms_) {
    if (term.docid() == current) term.next();
    next = std::min(next, term.docid());
  }
  docid_ = next;
  rejected_ = false;
}

void ClauseCursor::move_to(Xapian::docid target) {
  for (auto& term : terms_) term.skip_to(target);
  settle();
}

bool ClauseCursor::probe(Xapian::docid target) {
  if (docid_ > target) return false;  // its next match, or (unsettled) nothing before it
  if (docid_ == target && !unsettled_) return !rejected_;
  if (!positional()) {
    skip_to(target);
    return docid_ == target;
  }
  rejected_ = false;
  // Rarest first, stopping at the first term missing there: the frequent ones' blocks are
  // decoded only where the rare ones stand.
  Xapian::docid beyond = target;
  for (std::size_t k = 0; k < rarest_first_.size() && beyond == target; ++k) {
    TermCursor& term = terms_[rarest_first_[k]];
    term.skip_to(target);
    beyond = term.docid();
  }
  // Without settle_positional()'s prefetches, which are for a pass over the lead's postings.
  if (beyond == target && filter_passes(target)) {
    docid_ = target;
    unsettled_ = false;
    return true;
  }
  docid_ = beyond == target ? target + 1 : beyond;
  unsettled_ = true;
  return false;
}

double SynonymBound::operator()(const Bm25Clause& weight, std::span<const BlockBound> terms) {
  frontier_.clear();
  std::size_t last = terms.size();  // the last term with postings: scored, not folded
  while (last > 0 && terms[last - 1].impacts.empty()) --last;
  if (last == 0) return 0;
  for (std::size_t i = 0; i + 1 < last; ++i)
    if (!terms[i].impacts.empty()) fold(terms[i].impacts);
  double most = 0;
  for (const Point& point : frontier_) most = std::max(most, weight.score(point.wdf, point.length));
  for (const Point& impact : terms[last - 1].impacts) {
    most = std::max(most, weight.score(impact.wdf, impact.length));
    for (const Point& point : frontier_)
      most = std::max(most,
                      weight.score(point.wdf + impact.wdf, std::max(point.length, impact.length)));
  }
  return most;
}

void SynonymBound::fold(std::span<const Point> impacts) {
  scratch_.assign(frontier_.begin(), frontier_.end());
  for (const Point& impact : impacts) {
    scratch_.push_back(impact);
    for (const Point& point : frontier_)
      scratch_.push_back({point.wdf + impact.wdf, std::max(point.length, impact.length)});
  }
  // Shortest first, the largest wdf first among equals: a point is kept where its wdf beats
  // every shorter one's.
  std::sort(scratch_.begin(), scratch_.end(), [](const Point& a, const Point& b) {
    return a.length != b.length ? a.length < b.length : a.wdf > b.wdf;
  });
  frontier_.clear();
  for (const Point& point : scratch_)
    if (frontier_.empty() || point.wdf > frontier_.back().wdf) frontier_.push_back(point);
  while (frontier_.size() > kMaxPoints) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < frontier_.size(); i += 2)
      frontier_[kept++] = i + 1 < frontier_.size()
                              ? Point{std::max(frontier_[i].wdf, frontier_[i + 1].wdf),
                                      std::min(frontier_[i].length, frontier_[i + 1].length)}
                              : frontier_[i];
    frontier_.resize(kept);
  }
}

double ClauseCursor::block_bound(Xapian::docid target, Xapian::docid* last_docid) {
  if (positional()) {
    stretch_best_.assign(terms_.size(), 0);
    stretch_bounds_.assign(terms_.size(), {});
    hopeless_last_ = 0;  // the limit was for the stretch these bounds replace
    double sum = 0;
    for (std::size_t i = 0; i < terms_.size(); ++i) {
      const BlockBound bound = terms_[i].block_at(target);
      *last_docid = std::min(*last_docid, bound.last_docid);
      if (bound.impacts.empty()) return 0;  // a term with no posting left: no document matches
      stretch_bounds_[i] = bound;
      stretch_best_[i] = bound.best(weights_[i]);
      sum += stretch_best_[i];
    }
    return sum;
  }
  return bound_of([&](TermCursor& term) {
    const BlockBound bound = term.block_at(target);
    *last_docid = std::min(*last_docid, bound.last_docid);
    return bound;
  });
}

std::optional<bool> ClauseCursor::holds_by_sequence(Xapian::docid docid) const {
  if (sequence_terms_.empty()) return std::nullopt;
  if (kind_ == ScoredClause::Kind::Phrase && window_ == names_.size())
    return data_->phrase_holds(docid, sequence_terms_);
  if (!data_->positions(docid, sequence_terms_, sequence_positions_)) return std::nullopt;
  for (const auto& list : sequence_positions_)
    if (list.empty()) return false;
  return kind_ == ScoredClause::Kind::Phrase ? phrase_holds(sequence_positions_, window_)
                                             : near_holds(sequence_positions_, window_);
}

bool ClauseCursor::positions_hold(const Xapian::Database& db) const {
  if (const std::optional<bool> holds = holds_by_sequence(docid_)) return *holds;
  if (positions_elsewhere()) return holds_elsewhere(db, docid_);
  return positions_hold_with([&](std::size_t i) { return terms_[i].positions(db, names_[i]); });
}

bool ClauseCursor::holds_elsewhere(const Xapian::Database& db, Xapian::docid docid) const {
  if (!body_check_)
    body_check_ = body_positions_->check(
        db, names_,
        kind_ == ScoredClause::Kind::Phrase ? Xapian::Query::OP_PHRASE : Xapian::Query::OP_NEAR,
        window_);
  return body_check_->holds(docid);
}

Xapian::Query ClauseCursor::positional_query() const {
  std::vector<Xapian::Query> terms;
  for (const auto& name : names_) terms.emplace_back(name);
  return Xapian::Query(
      kind_ == ScoredClause::Kind::Phrase ? Xapian::Query::OP_PHRASE : Xapian::Query::OP_NEAR,
      terms.begin(), terms.end(), window_);
}

template <typename OpenPositions>
bool ClauseCursor::positions_hold_with(OpenPositions&& open) const {
  if (!positional()) return true;
  if (kind_ == ScoredClause::Kind::Phrase && window_ == names_.size()) {
    // An exact phrase: each position of the rarest term fixes where every other term must
    // stand, so the others' lists are opened only while a start is still possible.
    const std::size_t lead = rarest_first_[0];
    std::vector<Xapian::PositionIterator> others;
    const Xapian::PositionIterator end;
    for (auto p = open(lead); p != end; ++p) {
      if (*p < lead) continue;
      const Xapian::termpos start = *p - static_cast<Xapian::termpos>(lead);
      bool all = true;
      for (std::size_t k = 1; k < rarest_first_.size() && all; ++k) {
        const std::size_t i = rarest_first_[k];
        if (others.size() < k) others.push_back(open(i));
        Xapian::PositionIterator& at = others[k - 1];
        const Xapian::termpos want = start + static_cast<Xapian::termpos>(i);
        at.skip_to(want);
        if (at == end) return false;  // no later start can hold
        all = *at == want;
      }
      if (all) return true;
    }
    return false;
  }
  std::vector<std::vector<Xapian::termpos>> lists(names_.size());
  for (std::size_t i = 0; i < names_.size(); ++i) {
    for (auto p = open(i); p != Xapian::PositionIterator(); ++p) lists[i].push_back(*p);
    if (lists[i].empty()) return false;
  }
  return kind_ == ScoredClause::Kind::Phrase ? phrase_holds(lists, window_)
                                             : near_holds(lists, window_);
}

}  // namespace kavosh::search::matcher
