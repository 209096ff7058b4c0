#pragma once
// A sequential-dependence-style proximity boost (Metzler and Croft's SDM, as Indri's and
// Anserini's -sdm build it): for each pair of adjacent content words of a ranked word list,
// an ordered window (the second word right after the first) and an unordered window (both
// within 8 positions, either order) count like the occurrences of a term and are weighed by
// BM25, with SDM's usual weights relative to the words themselves (0.85 : 0.1 : 0.05). The
// counts come from the positions of unstemmed body words: the token sequences of a local
// shard's match data, or Xapian's positions where those cannot say (schema.hpp).
#include <xapian.h>

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/search/query.hpp"
#include "matcher/body_positions.hpp"
#include "matcher/matcher.hpp"

namespace kavosh::search::proximity {

struct Parameters {
  double ordered_weight = 0.1 / 0.85;     // SDM's lambda_O over lambda_T
  double unordered_weight = 0.05 / 0.85;  // lambda_U over lambda_T
  Xapian::termpos unordered_window = 8;   // Indri's #uw8
  double k1 = 1.2;                        // BM25 of a window's count, as of a term's wdf
  double b = 0.5;
  double scale = 1;  // multiplies both window weights (SearchRequest::proximity_weight)
};

// How often `second` follows `first` directly: positions p of `first` with p + 1 in
// `second`. Both lists ascending.
unsigned ordered_matches(const std::vector<Xapian::termpos>& first,
                         const std::vector<Xapian::termpos>& second);

// Positions p of `first` with some position q of `second`, q != p, within the window:
// |p - q| < window. Both lists ascending.
unsigned unordered_matches(const std::vector<Xapian::termpos>& first,
                           const std::vector<Xapian::termpos>& second, Xapian::termpos window);

// BM25 of a window count: idf log(1 + (N - n + 0.5) / (n + 0.5)) over the n passages with a
// match, times (k1 + 1) tf / (k1 ((1 - b) + b len / average) + tf). 0 when tf is 0.
double window_weight(unsigned matches, double length, double average_length,
                     Xapian::doccount documents_with_match, Xapian::doccount documents,
                     const Parameters& parameters);

// The analyzed terms of a query's ranked bare words in order, function words left out (the
// pairs SDM forms are of adjacent content words). Empty unless the query is a word list.
std::vector<std::string> content_terms(const QueryNode& query, analysis::Analyzer& analyzer);

// The boost for every adjacent pair of `terms`: one weighted posting source per pair and
// window kind, OR'd; an empty query when there is no pair. Xapian's Enquire ranks it (the
// top-k matcher does not read posting sources). `shards`: the local shards `db` searches with
// their match data (empty where it has none), which the sources read positions from; they
// must outlive the query. `body_positions`: where the positions are when Xapian's position
// table lacks them (none: it has them).
Xapian::Query boost(const Xapian::Database& db, std::span<const matcher::LocalShard> shards,
                    const std::shared_ptr<const matcher::BodyPositions>& body_positions,
                    const std::vector<std::string>& terms, const Parameters& parameters);

// The rerank (SearchRequest::proximity_rerank_depth): the first `depth` of `docs` (best first)
// get the windows of every adjacent pair of `terms`, counted from their positions (`shards`
// and `body_positions` as boost() reads them) and
// weighed as boost() weighs them, added to their scores, and are sorted again (ties by
// ascending docid, as the matchers order them); `collapse_keys`, when not empty, follow their
// documents. A window's idf is its rarer word's: the passages with a window are at most those
// with that word, and counting them exactly means reading the positions of every passage that
// holds both words, which the rerank exists to avoid. Documents past `depth` keep their place.
void rerank(const Xapian::Database& db, std::span<const matcher::LocalShard> shards,
            const matcher::BodyPositions* body_positions, const std::vector<std::string>& terms,
            const Parameters& parameters, std::size_t depth, std::vector<matcher::ScoredDoc>& docs,
            std::vector<std::string>& collapse_keys);

}  // namespace kavosh::search::proximity
