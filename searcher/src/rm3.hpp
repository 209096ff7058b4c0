#pragma once
// RM3 pseudo-relevance feedback (Lavrenko and Croft's relevance model, interpolated with the
// query as Abdul-Jaleel et al. describe it), with the settings researchers know from
// Anserini: 10 feedback passages, 10 terms, original query weight 0.5, and a term in more
// than 10 % of the passages never a feedback term. The second pass is the original query
// plus each model term's body stem, weighted so that, per query word, the original query
// weighs alpha and the model (1 - alpha) in all, as in RM3's interpolation of the two
// distributions. docs/decisions/0001-ranking-defaults.md has the evidence for when Kavosh uses it.
#include <xapian.h>

#include <string>
#include <utility>
#include <vector>

#include "kavosh/search/query.hpp"

namespace kavosh::search::rm3 {

struct Parameters {
  unsigned feedback_documents = 10;
  unsigned feedback_terms = 10;
  double original_query_weight = 0.5;  // alpha
  // Terms in more than this share of the passages are left out of the model: with no stop
  // list, the model's heaviest terms are otherwise the collection's function words.
  double max_document_share = 0.1;
};

// One feedback passage: its first-pass score and the frequencies of its candidate terms.
struct FeedbackDocument {
  double score = 0;
  std::vector<std::pair<std::string, double>> term_frequencies;
};

struct WeightedTerm {
  std::string term;
  double weight = 0;
  bool operator==(const WeightedTerm&) const = default;
};

// P(t|R) ∝ Σ_d score(d) · tf(t, d) / Σ_u tf(u, d): the `terms` heaviest terms (ties by
// term), their weights scaled to sum to 1. A passage without candidate terms adds nothing.
std::vector<WeightedTerm> relevance_model(const std::vector<FeedbackDocument>& documents,
                                          unsigned terms);

// The factor of each model term's clause when the original query keeps factor 1: RM3 gives
// each of the n query words alpha / n and each model term (1 - alpha) · P(t|R); scaled by
// n / alpha, the query words weigh 1 each, as the built query weighs them, and a model term
// (1 - alpha) · n · P(t|R) / alpha. alpha must be in (0, 1].
std::vector<WeightedTerm> expansion_factors(const std::vector<WeightedTerm>& model,
                                            std::size_t query_words, double original_query_weight);

// The candidate terms of a passage: its body stems ("Z" + stem; not title, section or field
// stems, nor numbers), of 2 to 20 characters, in at most max_document_share of the passages,
// with their within-passage frequencies.
FeedbackDocument read_feedback_document(const Xapian::Database& db, Xapian::docid docid,
                                        double score, const Parameters& parameters);

// original OR (factor_i × stem_i), or AND_MAYBE when the original requires, excludes or
// filters; each scale factor is recorded in `details` so that the top-k matcher can rank the
// second pass as it ranks the first.
Xapian::Query expanded_query(const Xapian::Query& original,
                             const std::vector<WeightedTerm>& factors, QueryNodeDetails& details);

// The whole feedback round on a first pass (best first, docid and score): the second-pass
// query, or `original` when nothing was found to add or when `min_score_ratio` > 0 and the
// passage at rank feedback_documents scores below that share of the first (the per-query
// decision of SearchRequest::Rm3::Auto). `why` says which.
Xapian::Query feedback_query(const Xapian::Database& db,
                             const std::vector<std::pair<Xapian::docid, double>>& first_pass,
                             const Xapian::Query& original, std::size_t query_words,
                             const Parameters& parameters, double min_score_ratio,
                             QueryNodeDetails& details, std::string& why);

}  // namespace kavosh::search::rm3
