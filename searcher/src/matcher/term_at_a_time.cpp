// Term at a time, for a query of many words over few documents (a bibliographic collection's
// natural-language questions: CISI's 1 460 abstracts, 20 to 60 clauses a question). Document
// at a time, every candidate costs a step of every clause, and such a query's short lists end
// a block at almost every candidate, so the bounds prune little; here each clause's postings
// add their scores into an array by docid, clause after clause in the plan's order (the order
// PlanCursors::finish sums them in, so every score is bitwise the one the other passes give),
// and every matching document is then offered in docid order, as a pass that skipped nothing
// would offer it. A phrase or NEAR (a hyphenated or possessive word is one: "user's") adds its
// score only where its terms stand as asked, checked for all its documents at once
// (ClauseCheck: the token sequences, or Xapian's phrase matcher). Its cost is the postings read
// once and a pass over the array, so it is taken only where the array is small: kMaxDocids
// documents at most, and below kFewDocids for any number of clauses.
#include <utility>
#include <vector>

#include "matcher/top_k.hpp"

namespace kavosh::search::matcher {

// Over a few thousand documents (ParsiNLU's 1 267 passages, PersianQA's 93) the array costs
// less than a cursor's bookkeeping whatever the clauses: a question there took 6 % (ParsiNLU)
// and 3 % (PersianQA) fewer instructions term at a time than block-max with its bounds.
bool term_at_a_time_pays(const Xapian::Database& db, const MatchPlan& plan) {
  constexpr Xapian::docid kMaxDocids = 1 << 16;
  constexpr Xapian::docid kFewDocids = 1 << 12;
  constexpr std::size_t kMinClauses = 8;
  const Xapian::docid last = db.get_lastdocid();
  return plan.required.empty() && plan.filters.empty() && plan.excluded.empty() &&
         last <= kMaxDocids && (plan.clauses.size() >= kMinClauses || last <= kFewDocids);
}

void term_at_a_time_pass(const Xapian::Database& db, const index::MatchData& data,
                         PlanCursors& cursors, PassState& state) {
  const Xapian::docid last = db.get_lastdocid();
  std::vector<double> scores(std::size_t{last} + 1, 0.0);
  std::vector<char> matched(std::size_t{last} + 1, 0);
  std::vector<std::pair<Xapian::docid, double>> held_if;  // a phrase's documents and scores
  std::vector<Xapian::docid> docids;
  for (ClauseCursor& clause : cursors.clauses) {
    if (!clause.positional()) {
      for (; clause.docid() != kEnd && clause.docid() <= last; clause.next()) {
        const Xapian::docid docid = clause.docid();
        scores[docid] += clause.score(data.length(docid));
        matched[docid] = 1;
      }
      continue;
    }
    held_if.clear();
    docids.clear();
    for (; clause.docid() != kEnd && clause.docid() <= last; clause.next()) {
      held_if.emplace_back(clause.docid(), clause.score(data.length(clause.docid())));
      docids.push_back(clause.docid());
    }
    ClauseCheck().keep_holding(db, clause, docids);
    auto candidate = held_if.begin();
    for (const Xapian::docid docid : docids) {
      while (candidate->first < docid) ++candidate;
      scores[docid] += candidate->second;
      matched[docid] = 1;
    }
  }
  for (Xapian::docid docid = 1; docid <= last; ++docid) {
    if (!matched[docid]) continue;
    const std::uint32_t article = state.numbering.article(data.article(docid));
    state.matched.add(article);
    state.heap.offer(state.numbering.docid(docid), scores[docid], article);
  }
}

}  // namespace kavosh::search::matcher
