// The block-max matcher over a set of local shards, as over one database. Each shard is read
// with its own postings and match data; BM25 weighs with the statistics of the whole set (its
// collection size, average length and each term's frequency, which Xapian's combined Database
// sums over the shards), and MatchData's block bounds are (wdf, length) pairs, free of
// statistics, so the bounds computed from them under those weights stay bounds. A document
// thus scores what it scores in one database holding every shard's documents. The shards
// are read one after another into one heap and one count (PassState), each document and
// article renumbered as the combined Database numbers it, so that ties fall in Enquire's order
// and a later shard prunes from its first document against the k-th score of those before.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "matcher/best_postings.hpp"
#include "matcher/top_k.hpp"

namespace kavosh::search::matcher {

namespace {

// The count of matches and the page, once every shard has been read: exact when no document
// was passed over, otherwise what the clauses allow (their frequencies are the whole set's,
// so any shard's cursors give the same bounds).
// `cursors`: the last shard's, needed only when a pass skipped documents.
TopK counted(const PassState& state, const PlanCursors* cursors, Xapian::doccount collection_size) {
  TopK result;
  result.docs = state.heap.take_sorted();
  const Xapian::doccount matched = state.matched.count();
  result.matches_lower_bound = matched;
  result.matches_upper_bound = matched;
  result.estimated_matches = matched;
  if (state.skipped && cursors) {
    result.matches_upper_bound = std::max(matched, cursors->upper_bound(collection_size));
    result.estimated_matches = std::clamp(cursors->estimate(collection_size),
                                          result.matches_lower_bound, result.matches_upper_bound);
  }
  if (state.uncounted > 0) {
    // Each uncounted document may hold a new article; they hold new ones about as often as
    // the counted ones did.
    result.matches_upper_bound = matched + state.uncounted;
    const double per_document =
        state.counted_documents > 0 ? static_cast<double>(matched) / state.counted_documents : 1.0;
    result.estimated_matches = std::clamp(
        matched + static_cast<Xapian::doccount>(std::lround(state.uncounted * per_document)),
        result.matches_lower_bound, result.matches_upper_bound);
  }
  return result;
}

// The best postings (best_postings.hpp) of every term of the plan's one positional clause in
// `shard`, what the best of them scores and what bounds those each leaves out; nothing when a
// term's list is too short to have them. A document where none of them stands scores at most
// the sum of the bounds, far below the clause's best when every term has its best postings.
struct ShardRestriction {
  std::vector<std::shared_ptr<const BestPostings>> best;  // by term
  std::vector<double> left_out_score;                     // by term
  std::vector<double> best_score;                         // by term: what its best posting scores
};
std::optional<ShardRestriction> restriction(const LocalShard& shard, const ScoredClause& clause,
                                            const Bm25Parameters& parameters,
                                            double collection_size, double average_length) {
  ShardRestriction restricted;
  for (std::size_t i = 0; i < clause.terms.size(); ++i) {
    // Weighed as ClauseCursor weighs a positional clause's term.
    const Bm25Clause weight(parameters, collection_size, clause.termfreqs[i], clause.factor,
                            average_length);
    auto best = shard.best_postings->best(*shard.data, clause.terms[i], weight);
    if (!best || !best->best_left_out) return std::nullopt;
    restricted.left_out_score.push_back(
        weight.score(best->best_left_out->wdf, best->best_left_out->length));
    restricted.best_score.push_back(weight.score(best->best.wdf, best->best.length));
    restricted.best.push_back(std::move(best));
  }
  return restricted;
}

// A plan of one phrase or NEAR ranked first over the documents where the best postings of its
// words stand (best_postings.hpp): a pass for each word, rarest first, each leaving out the
// documents of the words before. That ranking is the answer once, in every shard, the scores of
// the best postings left out sum below its k-th score with the other words at their best: a
// document outside all of them scores no more. Otherwise the whole lists are ranked into the
// same heap, leaving out the documents already ranked, so the attempt costs little more than
// stepping to them twice: their positions are never checked again.
class BestPostingsFirst {
 public:
  // Nothing when the plan has another shape, a word's list is too short in some shard, or k
  // is large for the postings kept: they must hold several times k documents for the rest to
  // fall out of reach (at k 1000 the attempts failed and cost 4 % more on the 200 MB bench's
  // phrases).
  static std::optional<BestPostingsFirst> prepare(const Xapian::Database& whole,
                                                  std::span<const LocalShard> shards,
                                                  const MatchPlan& plan,
                                                  const Bm25Parameters& parameters, unsigned k) {
    if (plan.clauses.size() != 1 || plan.clauses.front().kind == ScoredClause::Kind::Any)
      return std::nullopt;
    for (const LocalShard& shard : shards)
      if (!shard.best_postings || std::uint64_t{k} * 8 > shard.best_postings->sizes().kept)
        return std::nullopt;
    const ScoredClause& clause = plan.clauses.front();
    BestPostingsFirst first;
    for (const LocalShard& shard : shards) {
      auto restricted =
          restriction(shard, clause, parameters, whole.get_doccount(), whole.get_avlength());
      if (!restricted) return std::nullopt;
      first.restrictions_.push_back(std::move(*restricted));
    }
    first.rarest_first_.resize(clause.terms.size());
    for (std::size_t i = 0; i < clause.terms.size(); ++i) first.rarest_first_[i] = i;
    std::stable_sort(
        first.rarest_first_.begin(), first.rarest_first_.end(),
        [&](std::size_t a, std::size_t b) { return clause.termfreqs[a] < clause.termfreqs[b]; });
    first.rank_.resize(clause.terms.size());
    for (std::size_t place = 0; place < clause.terms.size(); ++place)
      first.rank_[first.rarest_first_[place]] = place;
    return first;
  }

  // Ranks word after word into `state`; the answer once the rest is out of reach.
  std::optional<TopK> rank(const Xapian::Database& whole, std::span<const LocalShard> shards,
                           const MatchPlan& plan, const Bm25Parameters& parameters,
                           PassState& state) {
    const auto count = static_cast<Xapian::doccount>(shards.size());
    for (; read_ < rarest_first_.size(); ++read_) {
      for (Xapian::doccount s = 0; s < count; ++s) {
        const LocalShard& shard = shards[s];
        state.numbering = {s, count};
        const std::size_t term = rarest_first_[read_];
        const BestPostings& best = *restrictions_[s].best[term];
        const RestrictedTerm read_from{0, term, &best.cursor, best.postings.size()};
        PlanCursors cursors(shard.db, *shard.data, shard.body_positions.get(), plan, parameters,
                            whole, Bounds::Computed, &read_from);
        leave_out_ranked(s, cursors);
        DeferredChecks deferred(cursors.clauses.size());
        cursors.assume_positions_hold = true;
        maxscore_pass(shard.db, *shard.data, cursors, {0, &deferred}, state);
      }
      // The rarest word's best postings did not hold k documents where the phrase stands (the
      // heap, which never shrinks, is short only after the first word): the phrase is rare
      // where it scores most, and the other words' best postings seldom change that. The whole
      // lists are read now (on the 1 GB bench's phrases eight such, each 4-17 % fewer
      // instructions than after every word's best postings).
      if (!state.heap.full()) {
        ++read_;
        return std::nullopt;
      }
      const double threshold = state.heap.threshold();
      const bool rest_out_of_reach =
          std::all_of(restrictions_.begin(), restrictions_.end(), [&](const ShardRestriction& r) {
            return cannot_beat(most_left(r, read_ + 1), threshold);
          });
      if (rest_out_of_reach) {
        ++read_;
        // The count's range from the clause's own frequencies, not from the postings read.
        const LocalShard& last = shards.back();
        const PlanCursors whole_lists(last.db, *last.data, last.body_positions.get(), plan,
                                      parameters, whole);
        state.skipped = true;
        TopK ranked = counted(state, &whole_lists, whole.get_doccount());
        ranked.from_best_postings = true;
        return ranked;
      }
      // The k-th score rises with later words' best postings, but rarely much: the rarest
      // word's hold most of the top k. Where even every word's together could not put the
      // rest out of reach of the k-th score found so far, the whole lists are read now.
      const bool hopeless =
          std::any_of(restrictions_.begin(), restrictions_.end(), [&](const ShardRestriction& r) {
            return !cannot_beat(most_left(r, rarest_first_.size()), threshold);
          });
      if (hopeless) {
        ++read_;
        return std::nullopt;
      }
    }
    return std::nullopt;
  }

  // Leaves the documents already ranked (those of the words' best postings read so far) out
  // of a pass over shard `shard`.
  void leave_out_ranked(std::size_t shard, PlanCursors& cursors) const {
    for (std::size_t i = 0; i < read_; ++i)
      cursors.ranked_before.push_back({restrictions_[shard].best[rarest_first_[i]]->postings});
  }

 private:
  BestPostingsFirst() = default;
  // The most a document scores in a shard where none of the first `read` words stands among
  // its best postings. Summed in the clause's order, as its score is: each part bounds its
  // term's.
  double most_left(const ShardRestriction& restricted, std::size_t read) const {
    double most = 0;
    for (std::size_t i = 0; i < restricted.best.size(); ++i)
      most += rank_[i] < read ? restricted.left_out_score[i] : restricted.best_score[i];
    return most;
  }

  std::vector<ShardRestriction> restrictions_;  // by shard
  std::vector<std::size_t> rarest_first_;       // the clause's terms
  std::vector<std::size_t> rank_;               // each term's place in rarest_first_
  std::size_t read_ = 0;                        // how many of them have been ranked
};

// A plan of two full-weight clauses (two words; a word beside a phrase, a hyphenated romanized
// word beside another: `badi mi-garadad`) ranked first over the documents that hold both. Its
// top k mostly holds both, but a disjunctive pass meets those documents only in docid order:
// until then its k-th score is low, and every candidate of either clause alone is scored (or,
// for a phrase, stepped to and filtered, and maybe checked). Driven by the clause of fewer
// documents, the other probed where it stands (ClauseCursor::probe), the documents holding
// both are scored as if their phrases held and checked best first (DeferredChecks), which
// scores a document whose phrase fails by its other clauses, as the later pass would: each is
// ranked once and for good, and that pass leaves them out and starts from their k-th score.
// Where that score is beyond what either clause adds alone, the whole lists are not read at
// all: only the documents holding a third clause (the word's title clause) are, or none
// (rest()). On the 1 GB bench `badi mi-garadad` (its phrase in 8 860 documents, its top 10 all
// holding `badi`, of 2 094; `badi` in 122 titles) fell 5.42 -> 1.53 M instructions a query.
// A plan of words counts its matches as the pass over the whole lists would have, exactly up
// to exact_count_up_to, by a walk that only counts (count_matches()); where the whole lists
// must be read after all, its conjunction is dropped and they are read as without it. Not for
// a collection small enough to answer term at a time, nor words too rare for sparing their
// scoring to pay (kWordsPastTheCount). On the 1 GB bench, two-word queries: the multi-word
// class 6.47 -> 5.80 M instructions a query, Persian 3.61 -> 3.29 M; GCIDE's within +0.3 %.
class ConjunctionFirst {
 public:
  // The clauses whose documents are ranked first: those of full weight, when there are two. A
  // title or field clause repeats a word of the body at a lower weight; requiring it too would
  // leave few documents. Empty when the plan has another shape, or the rarest of
  // them has so many documents that stepping through them could cost more than it spares.
  static std::vector<std::size_t> clauses_of(const MatchPlan& plan, bool positional,
                                             Xapian::doccount exact_count_up_to,
                                             std::span<const LocalShard> shards) {
    double full = 0;
    for (const ScoredClause& clause : plan.clauses) full = std::max(full, clause.factor);
    std::vector<std::size_t> chosen;
    double fewest = std::numeric_limits<double>::infinity();
    double most = 0;
    for (std::size_t i = 0; i < plan.clauses.size(); ++i) {
      const ScoredClause& clause = plan.clauses[i];
      if (clause.factor < full || clause.termfreqs.empty()) continue;
      chosen.push_back(i);
      const double documents = most_documents(clause);
      fewest = std::min(fewest, documents);
      most = std::max(most, documents);
    }
    const auto shard_count = static_cast<double>(shards.size());
    if (chosen.size() < 2 || chosen.size() > kMostClauses ||
        fewest > static_cast<double>(positional ? kMostLeadDocuments : kMostLeadWordDocuments) *
                     shard_count ||
        (!positional && most < kWordsPastTheCount * static_cast<double>(exact_count_up_to)))
      chosen.clear();
    return chosen;
  }

  ConjunctionFirst(std::vector<std::size_t> clauses, bool positional)
      : clauses_(std::move(clauses)), positional_(positional) {}

  // Ranks the documents holding every one of clauses_ into `state`, shard after shard; the
  // answer when nothing else can enter (rest()), else nothing: the whole lists are then read.
  // A plan of words still counts its matches exactly up to `exact_count_up_to`.
  std::optional<TopK> rank(const Xapian::Database& whole, std::span<const LocalShard> shards,
                           const MatchPlan& plan, const Bm25Parameters& parameters,
                           Xapian::doccount exact_count_up_to, PassState& state) {
    const auto count = static_cast<Xapian::doccount>(shards.size());
    for (Xapian::doccount s = 0; s < count; ++s) {
      state.numbering = {s, count};
      rank_shard(whole, shards[s], s, plan, parameters, state);
    }
    const Rest left = rest(state.heap);
    if (left == Rest::Everything) {
      if (positional_) return std::nullopt;
      // Words: the conjunction's ranking is dropped and the pass over the whole lists runs as
      // it would without it. Leaving the ranked documents out of that pass (finish() looking
      // each candidate up) cost more than ranking them again: GCIDE's two-word queries, whose
      // short entries often score a word alone above both, 652 -> 636 k instructions.
      state = PassState(state.heap.k(), state.heap.collapse());
      return std::nullopt;
    }
    if (left == Rest::HoldingOthers)
      for (Xapian::doccount s = 0; s < count; ++s) {
        state.numbering = {s, count};
        rank_rest(whole, shards[s], plan, parameters, state);
      }
    // The documents of the conjunction's clauses alone were passed over: the count's range
    // from the clauses' own frequencies, as for a phrase's best postings. A plan of words
    // counts its matches as the pass over the whole lists would have: exactly, up to
    // exact_count_up_to.
    if (positional_ || !count_matches(whole, shards, plan, parameters, exact_count_up_to, state))
      state.skipped = true;
    const LocalShard& last = shards.back();
    const PlanCursors whole_lists(last.db, *last.data, last.body_positions.get(), plan, parameters,
                                  whole);
    TopK ranked = counted(state, &whole_lists, whole.get_doccount());
    ranked.conjunction_first = true;
    return ranked;
  }

  // Leaves the documents ranked in shard `shard` out of a later pass over it (a plan with a
  // phrase or NEAR: a plan of words is either answered or read again whole).
  void leave_out_ranked(std::size_t shard, PlanCursors& cursors) const {
    if (shard < ranked_.size() && !ranked_[shard].empty())
      cursors.ranked_before.push_back({ranked_[shard]});
  }

 private:
  // Ranks the documents of shard `shard` that hold every one of clauses_ into `state`.
  void rank_shard(const Xapian::Database& whole, const LocalShard& shard, std::size_t shard_number,
                  const MatchPlan& plan, const Bm25Parameters& parameters, PassState& state) {
    if (ranked_.size() <= shard_number) ranked_.resize(shard_number + 1);
    std::vector<TermCursor::Posting>& ranked = ranked_[shard_number];
    PlanCursors cursors(shard.db, *shard.data, shard.body_positions.get(), plan, parameters, whole);
    cursors.assume_positions_hold = true;
    DeferredChecks deferred(cursors.clauses.size());
    std::vector<ClauseCursor>& clauses = cursors.clauses;
    double others = 0;
    for (std::size_t i = 0; i < clauses.size(); ++i)
      if (!in_conjunction(i)) others += clauses[i].max_score();
    most_of_others_ = std::max(most_of_others_, others);
    // A document missing one of the conjunction's clauses holds at most all the others: every
    // bound but the least, summed (not the sum less the least, which rounds).
    std::size_t least = clauses_.front();
    for (const std::size_t i : clauses_)
      if (clauses[i].max_score() < clauses[least].max_score()) least = i;
    double all_but_least = 0;
    for (const std::size_t i : clauses_)
      if (i != least) all_but_least += clauses[i].max_score();
    most_in_conjunction_ = std::max(most_in_conjunction_, all_but_least);
    std::size_t lead = clauses_.front();
    for (const std::size_t i : clauses_)
      if (clauses[i].termfreq_upper_bound() < clauses[lead].termfreq_upper_bound()) lead = i;
    Xapian::docid docid = clauses[lead].docid();
    while (docid != kEnd) {
      // Probed, not skipped to: a phrase skipped to a document it misses would search on
      // through its rarest term's postings, testing their filters, to its next.
      Xapian::docid ahead = docid;
      for (std::size_t c = 0; c < clauses_.size() && ahead == docid; ++c)
        if (clauses_[c] != lead && !clauses[clauses_[c]].probe(docid))
          ahead = clauses[clauses_[c]].docid();
      if (ahead != docid) {
        clauses[lead].skip_to(ahead);
        docid = clauses[lead].docid();
        continue;
      }
      for (ClauseCursor& clause : clauses) clause.skip_to(docid);  // the others score it too
      const std::uint32_t length = shard.data->length(docid);
      if (const auto score = cursors.finish(shard.db, docid, length)) {
        if (positional_) ranked.emplace_back(docid, 0);
        take(docid, *score, length, cursors, shard, deferred, state);
      }
      clauses[lead].next();
      docid = clauses[lead].docid();
    }
    deferred.check_into(shard.db, *shard.data, cursors, state);
  }

  // What is left once the conjunction is ranked into a full heap: the documents missing one of
  // its clauses, each scoring at most the bounds of the conjunction's others (of two, the
  // larger's) and of the other clauses. Everything, when the conjunction's others alone can
  // beat the k-th score (the whole lists are then read); those holding another clause (a title
  // or field clause), when only with them; none, when not even with them.
  enum class Rest { Everything, HoldingOthers, None };
  Rest rest(const TopKHeap& heap) const {
    if (!heap.full() || !cannot_beat(most_in_conjunction_, heap.threshold()))
      return Rest::Everything;
    return cannot_beat(most_in_conjunction_ + most_of_others_, heap.threshold())
               ? Rest::None
               : Rest::HoldingOthers;
  }

  // Ranks the documents of shard `shard` that hold a clause outside the conjunction but not
  // both of its clauses (those were ranked) into `state`, when rest() says HoldingOthers: those
  // it passes over hold at most one clause, of the conjunction, whose bound cannot enter.
  void rank_rest(const Xapian::Database& whole, const LocalShard& shard, const MatchPlan& plan,
                 const Bm25Parameters& parameters, PassState& state) const {
    PlanCursors cursors(shard.db, *shard.data, shard.body_positions.get(), plan, parameters, whole);
    cursors.assume_positions_hold = true;
    DeferredChecks deferred(cursors.clauses.size());
    std::vector<ClauseCursor>& clauses = cursors.clauses;
    const auto next_of_others = [&] {
      Xapian::docid next = kEnd;
      for (std::size_t i = 0; i < clauses.size(); ++i)
        if (!in_conjunction(i)) next = std::min(next, clauses[i].docid());
      return next;
    };
    for (Xapian::docid docid = next_of_others(); docid != kEnd; docid = next_of_others()) {
      bool ranked = true;
      for (const std::size_t c : clauses_) ranked = clauses[c].probe(docid) && ranked;
      if (!ranked) {
        const std::uint32_t length = shard.data->length(docid);
        if (const auto score = cursors.finish(shard.db, docid, length))
          take(docid, *score, length, cursors, shard, deferred, state);
      }
      for (std::size_t i = 0; i < clauses.size(); ++i)
        if (!in_conjunction(i) && clauses[i].docid() == docid) clauses[i].next();
    }
    deferred.check_into(shard.db, *shard.data, cursors, state);
  }

  // Offers a candidate: through `deferred` where its phrases are to be checked, straight to the
  // heap for a plan of words, uncounted (count_matches() counts).
  void take(Xapian::docid docid, double score, std::uint32_t length, const PlanCursors& cursors,
            const LocalShard& shard, DeferredChecks& deferred, PassState& state) const {
    if (positional_) {
      deferred.take(docid, score, length, cursors, shard.db, *shard.data, state);
      return;
    }
    state.heap.offer(state.numbering.docid(docid), score,
                     state.numbering.article(shard.data->article(docid)));
  }

  // Counts a plan of words' matches into state.matched in docid order, shard after shard, as a
  // pass over the whole lists counts them, until `up_to` are: true when every one was.
  static bool count_matches(const Xapian::Database& whole, std::span<const LocalShard> shards,
                            const MatchPlan& plan, const Bm25Parameters& parameters,
                            Xapian::doccount up_to, PassState& state) {
    const auto count = static_cast<Xapian::doccount>(shards.size());
    for (Xapian::doccount s = 0; s < count; ++s) {
      const LocalShard& shard = shards[s];
      state.numbering = {s, count};
      PlanCursors cursors(shard.db, *shard.data, shard.body_positions.get(), plan, parameters,
                          whole, Bounds::None);
      std::vector<ClauseCursor>& clauses = cursors.clauses;
      const auto next = [&] {
        Xapian::docid docid = kEnd;
        for (const ClauseCursor& clause : clauses) docid = std::min(docid, clause.docid());
        return docid;
      };
      for (Xapian::docid docid = next(); docid != kEnd; docid = next()) {
        if (state.matched.count() >= up_to) return false;
        if (cursors.only_scored_words || cursors.finish(shard.db, docid, shard.data->length(docid)))
          state.matched.add(state.numbering.article(shard.data->article(docid)));
        for (ClauseCursor& clause : clauses)
          if (clause.docid() == docid) clause.next();
      }
    }
    return true;
  }

  // The most documents of the rarest clause a shard steps through, and the most clauses: the
  // conjunction of more words is mostly empty. Ranking it first for any number cost
  // Cranfield's questions 33 % more instructions, CACM's 58 % and CISI's 117 %; for three, a
  // ParsiNLU question (`کدام ماه میلادی ۲۸روز دارد؟`, its phrase `۲۸ روز`) 50 % more.
  static constexpr Xapian::doccount kMostLeadDocuments = 16 * 1024;
  // Two words' lead is cheaper to step through (the other word is probed within its block): up
  // to 64 Ki documents the 1 GB bench's multi-word class fell 5.93 -> 5.81 M instructions a
  // query, Persian 3.35 -> 3.29 M; no query of the bench has a rarer word of more (unmeasured).
  static constexpr Xapian::doccount kMostLeadWordDocuments = 64 * 1024;
  // Two words' first exact_count_up_to matches are walked (counted) or scored (the pass)
  // either way: ranking their conjunction first pays only where the larger word holds several
  // times more documents, whose scoring it spares. Without this, GCIDE's two-word queries (lists
  // of 1 000 to 6 000 documents) took 11.6 % more instructions and 7-13 % more time; at 4x
  // they are back where they were (584 -> 586 k instructions) and the 1 GB bench keeps its
  // gains (multi-word 5.80 M, Persian 3.29 M).
  static constexpr double kWordsPastTheCount = 4;
  // Three words cost more than they spare too: a document missing one of them may hold the two
  // others, whose bounds together stay within reach of the k-th score (the 1 GB bench's
  // multi-word queries 5.93 -> 6.36 M instructions a query, Persian 3.35 -> 3.77 M).
  static constexpr std::size_t kMostClauses = 2;
  bool in_conjunction(std::size_t clause) const {
    return std::find(clauses_.begin(), clauses_.end(), clause) != clauses_.end();
  }
  std::vector<std::size_t> clauses_;  // by their place in the plan
  bool positional_;                   // some clause a phrase or NEAR: candidates are checked
  // Over the shards: the most a document missing one of the conjunction's clauses gets from
  // the others (the larger clause's bound, of two), the other clauses' bounds summed.
  double most_in_conjunction_ = 0;
  double most_of_others_ = 0;
  // By shard, in docid order; only where a later pass leaves them out (positional_).
  std::vector<std::vector<TermCursor::Posting>> ranked_;
};

}  // namespace

Xapian::doccount termfreq(const Xapian::Database& whole, std::span<const LocalShard> shards,
                          const std::string& term) {
  if (shards.empty()) return whole.get_termfreq(term);
  Xapian::doccount sum = 0;
  for (const LocalShard& shard : shards) {
    const auto count = shard.data->posting_count(term);
    if (!count) return whole.get_termfreq(term);
    sum += *count;
  }
  return sum;
}

std::vector<std::pair<std::string, Xapian::doccount>> completions(
    const Xapian::Database& whole, std::span<const LocalShard> shards, const std::string& prefix,
    std::size_t limit) {
  const auto walked = [&] {
    std::vector<std::pair<std::string, Xapian::doccount>> terms;
    for (auto it = whole.allterms_begin(prefix);
         it != whole.allterms_end(prefix) && terms.size() < limit; ++it)
      terms.emplace_back(*it, it.get_termfreq());
    return terms;
  };
  if (shards.empty()) return walked();
  std::vector<std::pair<std::string, Xapian::doccount>> merged;
  // The first `limit` of each shard hold the first `limit` of their union.
  for (const LocalShard& shard : shards) {
    auto found = shard.data->completions(prefix, limit);
    if (!found) return walked();
    if (merged.empty()) {
      merged = std::move(*found);
      continue;
    }
    // Both in term order: a term of several shards once, its frequencies summed.
    std::vector<std::pair<std::string, Xapian::doccount>> both;
    both.reserve(merged.size() + found->size());
    auto a = merged.begin(), b = found->begin();
    while (a != merged.end() || b != found->end()) {
      if (b == found->end() || (a != merged.end() && a->first < b->first)) {
        both.push_back(std::move(*a++));
      } else if (a == merged.end() || b->first < a->first) {
        both.push_back(std::move(*b++));
      } else {
        both.emplace_back(std::move(a->first), a->second + b->second);
        ++a;
        ++b;
      }
    }
    merged = std::move(both);
  }
  if (merged.size() > limit) merged.resize(limit);
  return merged;
}

TopK block_max_maxscore(const Xapian::Database& db, const index::MatchData& data,
                        const MatchPlan& plan, const Bm25Parameters& parameters, unsigned k,
                        bool collapse, Xapian::doccount exact_count_up_to,
                        TermAtATime term_at_a_time) {
  const LocalShard whole{db, &data, std::make_shared<BestPostingsCache>(),
                         /*body_positions=*/nullptr};
  return block_max_maxscore(db, std::span(&whole, 1), plan, parameters, k, collapse,
                            exact_count_up_to, term_at_a_time);
}

TopK block_max_maxscore(const Xapian::Database& whole, std::span<const LocalShard> shards,
                        const MatchPlan& plan, const Bm25Parameters& parameters, unsigned k,
                        bool collapse, Xapian::doccount exact_count_up_to,
                        TermAtATime term_at_a_time) {
  const Xapian::doccount collection_size = whole.get_doccount();
  if (shards.empty()) return {};
  if (k == 0) {
    TopK result;
    const LocalShard& first = shards.front();
    const PlanCursors cursors(first.db, *first.data, first.body_positions.get(), plan, parameters,
                              whole);
    result.matches_upper_bound = cursors.upper_bound(collection_size);
    result.estimated_matches =
        std::min(cursors.estimate(collection_size), result.matches_upper_bound);
    return result;
  }
  // Counting a phrase's or NEAR's matches exactly means reading the positions of every
  // document holding its terms: such a plan prunes from the first full heap, and checks the
  // positions of the candidates that may still enter (DeferredChecks).
  const bool positional =
      std::any_of(plan.clauses.begin(), plan.clauses.end(),
                  [](const ScoredClause& c) { return c.kind != ScoredClause::Kind::Any; });
  PassState state(k, collapse);
  auto first =
      positional ? BestPostingsFirst::prepare(whole, shards, plan, parameters, k) : std::nullopt;
  if (first)
    if (auto ranked = first->rank(whole, shards, plan, parameters, state)) return *ranked;
  const auto count = static_cast<Xapian::doccount>(shards.size());
  std::optional<ConjunctionFirst> conjunction;
  // A plan of words over a small collection is answered term at a time, cheaper still.
  const bool words_by_term =
      !positional && term_at_a_time == TermAtATime::WherePays &&
      std::any_of(shards.begin(), shards.end(),
                  [&](const LocalShard& shard) { return term_at_a_time_pays(shard.db, plan); });
  if (auto chosen = !first && !words_by_term
                        ? ConjunctionFirst::clauses_of(plan, positional, exact_count_up_to, shards)
                        : std::vector<std::size_t>{};
      !chosen.empty()) {
    conjunction.emplace(std::move(chosen), positional);
    if (auto ranked = conjunction->rank(whole, shards, plan, parameters, exact_count_up_to, state))
      return *ranked;
  }
  const bool lone_synonym = lone_synonym_pays(plan);
  for (Xapian::doccount s = 0;; ++s) {
    const LocalShard& shard = shards[s];
    state.numbering = {s, count};
    if (lone_synonym) {
      lone_synonym_pass(shard.db, *shard.data, plan.clauses.front(), parameters, whole,
                        exact_count_up_to, state);
      if (s + 1 == count) return counted(state, nullptr, collection_size);
      continue;
    }
    const bool by_term = !first && !conjunction && term_at_a_time == TermAtATime::WherePays &&
                         term_at_a_time_pays(shard.db, plan);
    PlanCursors cursors(shard.db, *shard.data, shard.body_positions.get(), plan, parameters, whole,
                        by_term ? Bounds::None : Bounds::Computed);
    if (first) first->leave_out_ranked(s, cursors);
    if (conjunction) conjunction->leave_out_ranked(s, cursors);
    if (by_term) {
      term_at_a_time_pass(shard.db, *shard.data, cursors, state);
    } else if (positional) {
      DeferredChecks deferred(cursors.clauses.size());
      cursors.assume_positions_hold = true;
      maxscore_pass(shard.db, *shard.data, cursors, {0, &deferred}, state);
    } else {
      maxscore_pass(shard.db, *shard.data, cursors, {exact_count_up_to, nullptr}, state);
    }
    if (s + 1 == count) {
      TopK ranked = counted(state, &cursors, collection_size);
      ranked.conjunction_first = conjunction.has_value();
      return ranked;
    }
  }
}

}  // namespace kavosh::search::matcher
