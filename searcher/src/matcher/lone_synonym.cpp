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
#include <array>
#include <cmath>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "matcher/bm25.hpp"
#include "matcher/synonym_postings.hpp"
#include "matcher/top_k.hpp"

namespace kavosh::search::matcher {

namespace {

using LengthTable = std::array<std::uint32_t, HopelessLengths::kTabled>;
constexpr int kDenseWord = 8;  // documents of 64 from which testing eight at a time pays

// Of the 64 documents from `wdfs` and `lengths` whose `bits` are set, those that a wdf (clamped
// to the length) below the table's size and a length at least its entry do not make hopeless,
// as HopelessLengths::hopeless() says: the pass's test, eight documents at a time. Once a
// wildcard's matches are counted, the pass passes over most of its documents so (a third of
// `the*`'s instructions went to testing them one by one). Sparse words (fewer than kDenseWord
// documents) are returned whole: they cost more tested so than one by one. `passed` counts the
// documents ruled out. (The population counts are the processor's here: the baseline build's
// std::popcount is a library call.)
#if defined(__x86_64__)
__attribute__((target("avx2,popcnt"))) std::uint64_t hopeful_avx2(const std::uint32_t* wdfs,
                                                                  const std::uint32_t* lengths,
                                                                  std::uint64_t bits,
                                                                  const LengthTable& table,
                                                                  Xapian::doccount& passed) {
  const int documents = __builtin_popcountll(bits);
  if (documents < kDenseWord) return bits;
  const __m256i low = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(table.data()));
  const __m256i high = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(table.data() + 8));
  const __m256i last = _mm256_set1_epi32(HopelessLengths::kTabled - 1);
  const __m256i seven = _mm256_set1_epi32(7);
  const __m256i none = _mm256_set1_epi32(static_cast<int>(HopelessLengths::kNoLength32));
  std::uint64_t hopeful = 0;
  for (std::size_t group = 0; group < 8; ++group) {
    const auto lanes = static_cast<std::uint32_t>((bits >> (8 * group)) & 0xFF);
    if (lanes == 0) continue;
    const __m256i length =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(lengths + 8 * group));
    const __m256i wdf = _mm256_min_epu32(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wdfs + 8 * group)), length);
    const __m256i index = _mm256_min_epu32(wdf, last);
    const __m256i tabled = _mm256_cmpeq_epi32(index, wdf);
    const __m256i shortest = _mm256_blendv_epi8(_mm256_permutevar8x32_epi32(low, index),
                                                _mm256_permutevar8x32_epi32(high, index),
                                                _mm256_cmpgt_epi32(index, seven));
    const __m256i long_enough = _mm256_cmpeq_epi32(_mm256_max_epu32(length, shortest), length);
    const __m256i hopeless = _mm256_andnot_si256(_mm256_cmpeq_epi32(shortest, none),
                                                 _mm256_and_si256(tabled, long_enough));
    const auto hopeless_lanes =
        static_cast<std::uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(hopeless)));
    hopeful |= std::uint64_t{lanes & ~hopeless_lanes} << (8 * group);
  }
  passed += static_cast<Xapian::doccount>(documents - __builtin_popcountll(hopeful));
  return hopeful;
}
#endif

bool have_avx2() {
#if defined(__x86_64__)
  static const bool have = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
  return have;
#else
  return false;
#endif
}

}  // namespace

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
  // Once nothing is counted, the documents hopeless by the table are only tallied: passed
  // over eight at a time where the processor allows.
  LengthTable table{};
  std::uint64_t table_aims = 0;
  const std::span<const std::uint32_t> lengths = data.lengths();
  // Where its documents are sparse (fewer than kDenseWord in 64 on average: `found*` on the
  // 1 GB bench, 13 % more instructions asked word by word), the table is not asked at all.
  double postings = 0;
  for (const Xapian::doccount termfreq : clause.termfreqs) postings += termfreq;
  const bool dense =
      postings * 64 >= static_cast<double>(kDenseWord) * static_cast<double>(lengths.size());
  const auto prefilter = [&](Xapian::docid first, std::uint64_t bits,
                             const std::uint32_t* wdfs) -> std::uint64_t {
#if defined(__x86_64__)
    if (!dense || counting || !have_avx2() || first + 64 > lengths.size()) return bits;
    if (table_aims != hopeless.aims()) {
      hopeless.fill(table);
      table_aims = hopeless.aims();
    }
    return hopeful_avx2(wdfs, lengths.data() + first, bits, table, uncounted);
#else
    (void)first;
    (void)wdfs;
    (void)lengths;
    (void)table_aims;
    return bits;
#endif
  };
  for_each_synonym_posting(db, data, clause, take, prefilter);
  state.uncounted += uncounted;
  state.counted_documents += counted_documents;
}

}  // namespace kavosh::search::matcher
