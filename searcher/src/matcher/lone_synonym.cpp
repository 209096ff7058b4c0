// A query that is one synonym of many terms and nothing else: a wildcard alone (`mojahed*`,
// `title:raj*`), the commonest shape of its class. Its completions' postings are read whole
// and summed by docid whatever the matcher does (synonym_postings.hpp), so block bounds save
// no reading; what is left to save is the pass over the merged list. Here each merged posting
// is scored as it comes out of the merge, without building a list, its blocks and cursors
// first: a posting that cannot beat the k-th score is passed over by comparing its length with
// the least length at which its wdf does (HopelessLengths), the others offered to the heap.
// Matches are counted (their articles looked up) until exact_count_up_to are, as the other
// passes count theirs; past that a hopeless document is only tallied (PassState::uncounted):
// 3.9 % fewer instructions on the 1 GB bench's wildcards.
#include <algorithm>
#include <cmath>

#include "matcher/bm25.hpp"
#include "matcher/synonym_postings.hpp"
#include "matcher/top_k.hpp"

namespace kavosh::search::matcher {

bool lone_synonym_pays(const MatchPlan& plan) {
  if (plan.clauses.size() != 1 || !plan.filters.empty() || !plan.excluded.empty()) return false;
  const ScoredClause& clause = plan.clauses.front();
  // A + group of the one clause (`--all`) holds wherever the clause does.
  return clause.kind == ScoredClause::Kind::Any && clause.terms.size() > kMergedSynonymTerms;
}

void lone_synonym_pass(const Xapian::Database& db, const index::MatchData& data,
                       const ScoredClause& clause, const Bm25Parameters& parameters,
                       const Xapian::Database& statistics, Xapian::doccount exact_count_up_to,
                       PassState& state) {
  // Weighed as ClauseCursor weighs a synonym, so that the scores are bitwise the same.
  const Xapian::doccount documents = statistics.get_doccount();
  const Bm25Clause weight(parameters, documents, synonym_termfreq(documents, clause.termfreqs),
                          clause.factor, statistics.get_avlength());
  HopelessLengths hopeless;
  bool aimed = false;
  bool counting = true;  // every match counted so far
  Xapian::doccount uncounted = 0;
  Xapian::doccount counted_documents = 0;
  // Inlined at both of the merge's call sites: it runs once a document.
  const auto take = [&](Xapian::docid docid, std::uint32_t wdf) __attribute__((always_inline)) {
    const std::uint32_t length = data.length(docid);
    wdf = std::min(wdf, length);
    const bool passed = aimed && hopeless.hopeless(wdf, length);
    if (passed && !counting) {
      ++uncounted;
      return;
    }
    const std::uint32_t article = state.numbering.article(data.article(docid));
    state.matched.add(article);
    ++counted_documents;
    counting = !aimed || state.matched.count() < exact_count_up_to;
    if (passed) return;
    if (state.heap.offer(state.numbering.docid(docid), weight.score(wdf, length), article)
            .threshold_may_rise &&
        state.heap.full()) {
      // cannot_beat(score, threshold) is "score <= this", the limit HopelessLengths takes.
      const double threshold = state.heap.threshold();
      hopeless.aim(weight, threshold - std::abs(threshold) * 1e-12);
      aimed = true;
    }
  };
  for_each_synonym_posting(db, data, clause, take);
  state.uncounted += uncounted;
  state.counted_documents += counted_documents;
}

}  // namespace kavosh::search::matcher
