#pragma once
// A synonym of many terms (a wildcard's completions) read as one list: docids in order, wdfs
// summed. Shared by the clause cursor that merges such a synonym (cursors.cpp) and by the pass
// that answers a query of that synonym alone (lone_synonym.cpp).
#include <xapian.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "kavosh/format/match_data.hpp"
#include "matcher/plan.hpp"

namespace kavosh::search::matcher {

// Above this many terms a synonym is merged into one list: a cursor per term would cost a step
// per term for every document.
inline constexpr std::size_t kMergedSynonymTerms = 8;

// Every posting of `term` as visit(docid, wdf), in docid order: decoded from `data` (its
// blocks, or its short list), or where `data` cannot say, read through Xapian. `scratch`
// holds a short list while it is visited.
template <typename Visit>
void for_each_posting(const Xapian::Database& db, const index::MatchData& data,
                      const std::string& term,
                      std::vector<std::pair<Xapian::docid, std::uint32_t>>& scratch,
                      Visit&& visit) {
  const index::MatchData::TermBlocks blocks = data.blocks(term);
  if (blocks.blocks.empty()) {
    scratch.clear();
    if (data.short_postings(term, scratch)) {
      for (const auto& [docid, wdf] : scratch) visit(docid, wdf);
      return;
    }
    for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it)
      visit(*it, it.get_wdf());
    return;
  }
  std::array<std::uint32_t, index::MatchData::kBlockSize> docids, wdfs;
  for (std::size_t block = 0; block < blocks.blocks.size(); ++block) {
    const std::uint32_t count =
        index::MatchData::decode_block(blocks, block, docids.data(), wdfs.data());
    for (std::uint32_t i = 0; i < count; ++i) visit(docids[i], wdfs[i]);
  }
}

// Visits every document a table by docid holds: prefilter(first docid, bits, summed wdfs from
// that docid) gets each word of 64 documents and returns the bits of those to visit.
struct VisitEvery {
  std::uint64_t operator()(Xapian::docid, std::uint64_t bits, const std::uint32_t*) const {
    return bits;
  }
};

// The synonym `clause`'s documents as visit(docid, summed wdf), in docid order. The wdfs are
// not clamped: the caller clamps them to the document length, as Xapian's SynonymPostList
// does. Where the postings are many for the docid range, a table by docid beats sorting them;
// `prefilter` may then pass over documents 64 at a time (VisitEvery).
template <typename Visit, typename Prefilter = VisitEvery>
void for_each_synonym_posting(const Xapian::Database& db, const index::MatchData& data,
                              const ScoredClause& clause, Visit&& visit,
                              Prefilter&& prefilter = {}) {
  double postings = 0;
  for (const Xapian::doccount termfreq : clause.termfreqs) postings += termfreq;
  const Xapian::docid last_docid = db.get_lastdocid();
  std::vector<std::pair<Xapian::docid, std::uint32_t>> scratch;
  // Sorting costs about log2(postings) steps a posting; a table by docid costs a step a posting
  // and a word of a presence bitmap per 64 docids, which wins from a few hundred postings on.
  if (postings * 256 >= last_docid) {
    const std::size_t words = std::size_t{last_docid} / 64 + 1;
    std::vector<std::uint64_t> present(words, 0);
    // Read only where `present` says written: no need to clear it.
    const std::unique_ptr<std::uint32_t[]> wdf_sum(new std::uint32_t[words * 64]);
    // The completion with the most postings first: nothing is summed yet where it stands, so
    // its wdfs are stored without asking (on the 1 GB bench `the` is 56 % of `the*`).
    const auto sum = [&](const std::string& term, auto first) {
      for_each_posting(db, data, term, scratch, [&](Xapian::docid docid, std::uint32_t wdf) {
        if (docid > last_docid) return;  // only a file that lies has one
        std::uint64_t& word = present[docid / 64];
        const std::uint64_t bit = std::uint64_t{1} << (docid % 64);
        if constexpr (decltype(first)::value) {
          wdf_sum[docid] = wdf;
        } else {
          wdf_sum[docid] = (word & bit) ? wdf_sum[docid] + wdf : wdf;
        }
        word |= bit;
      });
    };
    const auto largest = static_cast<std::size_t>(
        std::max_element(clause.termfreqs.begin(), clause.termfreqs.end()) -
        clause.termfreqs.begin());
    if (largest < clause.terms.size()) sum(clause.terms[largest], std::true_type{});
    for (std::size_t t = 0; t < clause.terms.size(); ++t)
      if (t != largest) sum(clause.terms[t], std::false_type{});
    for (std::size_t w = 0; w < words; ++w)
      for (std::uint64_t bits = present[w] == 0 ? 0
                                                : prefilter(static_cast<Xapian::docid>(w * 64),
                                                            present[w], wdf_sum.get() + w * 64);
           bits != 0; bits &= bits - 1) {
        const auto docid = static_cast<Xapian::docid>(w * 64 + std::countr_zero(bits));
        visit(docid, wdf_sum[docid]);
      }
    return;
  }
  std::vector<std::pair<Xapian::docid, std::uint32_t>> merged;
  for (const auto& term : clause.terms)
    for_each_posting(db, data, term, scratch, [&](Xapian::docid docid, std::uint32_t wdf) {
      merged.emplace_back(docid, wdf);
    });
  std::sort(merged.begin(), merged.end());
  for (std::size_t i = 0; i < merged.size();) {
    const Xapian::docid docid = merged[i].first;
    std::uint32_t wdf = 0;
    for (; i < merged.size() && merged[i].first == docid; ++i) wdf += merged[i].second;
    visit(docid, wdf);
  }
}

}  // namespace kavosh::search::matcher
