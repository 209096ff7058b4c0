// RM3: the relevance model of the first pass's best passages, mixed into the query
// (rm3.hpp for the formulas and the settings).
#include "rm3.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "kavosh/format/schema.hpp"
#include "kavosh/text/ascii.hpp"
#include "kavosh/text/utf8.hpp"

namespace kavosh::search::rm3 {

namespace schema = kavosh::index::schema;

std::vector<WeightedTerm> relevance_model(const std::vector<FeedbackDocument>& documents,
                                          unsigned terms) {
  std::map<std::string, double> weights;
  for (const auto& document : documents) {
    double length = 0;
    for (const auto& [term, frequency] : document.term_frequencies) length += frequency;
    if (length <= 0) continue;
    for (const auto& [term, frequency] : document.term_frequencies)
      weights[term] += document.score * frequency / length;
  }
  std::vector<WeightedTerm> model;
  for (const auto& [term, weight] : weights)
    if (weight > 0) model.push_back({term, weight});
  // Heaviest first; the map gave ascending terms, which stable_sort keeps among equal weights.
  std::stable_sort(model.begin(), model.end(), [](const WeightedTerm& a, const WeightedTerm& b) {
    return a.weight > b.weight;
  });
  if (model.size() > terms) model.resize(terms);
  double total = 0;
  for (const auto& t : model) total += t.weight;
  for (auto& t : model) t.weight /= total;
  return model;
}

std::vector<WeightedTerm> expansion_factors(const std::vector<WeightedTerm>& model,
                                            std::size_t query_words, double original_query_weight) {
  std::vector<WeightedTerm> factors;
  if (original_query_weight <= 0 || original_query_weight > 1) return factors;
  const double n = static_cast<double>(std::max<std::size_t>(query_words, 1));
  for (const auto& t : model)
    factors.push_back({t.term, (1 - original_query_weight) * n * t.weight / original_query_weight});
  return factors;
}

namespace {

// "Z" + a body stem: the byte after Z is lowercase ASCII or starts a non-ASCII letter; title
// ("ZS"), section ("ZXH") and field ("ZXF") stems start with an uppercase letter, numbers with
// a digit.
bool is_body_stem(const std::string& term) {
  if (term.size() < 2 || term[0] != schema::kStemmed[0]) return false;
  return text::is_ascii_lower(term[1]) || text::find_first_non_ascii(term, 1) == 1;
}

}  // namespace

FeedbackDocument read_feedback_document(const Xapian::Database& db, Xapian::docid docid,
                                        double score, const Parameters& parameters) {
  FeedbackDocument document;
  document.score = score;
  const double most_documents = parameters.max_document_share * db.get_doccount();
  const std::string prefix(schema::kStemmed);
  auto it = db.termlist_begin(docid);
  for (it.skip_to(prefix); it != db.termlist_end(docid); ++it) {
    const std::string term = *it;
    if (term.compare(0, prefix.size(), prefix) != 0) break;
    if (!is_body_stem(term)) continue;
    const std::size_t length = text::count_code_points(term) - 1;
    if (length < 2 || length > 20) continue;
    if (it.get_termfreq() > most_documents) continue;
    document.term_frequencies.emplace_back(term, it.get_wdf());
  }
  return document;
}

Xapian::Query expanded_query(const Xapian::Query& original,
                             const std::vector<WeightedTerm>& factors, QueryNodeDetails& details) {
  std::vector<Xapian::Query> parts = {original};
  for (const auto& [term, factor] : factors) {
    Xapian::Query scaled(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(term), factor);
    NodeDetails& recorded = details[scaled.internal.get()];
    recorded = NodeDetails{};
    recorded.node = scaled;
    recorded.factor = factor;
    parts.push_back(scaled);
  }
  if (parts.size() == 1) return original;
  // A ranked word list (an OR of words) retrieves what the model's terms find too, as RM3's
  // second pass does; a query that requires, excludes or filters keeps its matches, and the
  // model only reweighs them.
  const auto type = original.get_type();
  if (type == Xapian::Query::OP_OR || type == Xapian::Query::OP_SYNONYM ||
      type == Xapian::Query::LEAF_TERM || type == Xapian::Query::OP_SCALE_WEIGHT)
    return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
  return Xapian::Query(Xapian::Query::OP_AND_MAYBE, original,
                       Xapian::Query(Xapian::Query::OP_OR, parts.begin() + 1, parts.end()));
}

Xapian::Query feedback_query(const Xapian::Database& db,
                             const std::vector<std::pair<Xapian::docid, double>>& first_pass,
                             const Xapian::Query& original, std::size_t query_words,
                             const Parameters& parameters, double min_score_ratio,
                             QueryNodeDetails& details, std::string& why) {
  if (first_pass.empty() || first_pass.front().second <= 0) {
    why = "rm3: no first-pass passage";
    return original;
  }
  if (min_score_ratio > 0) {
    const double ratio =
        first_pass.size() < parameters.feedback_documents
            ? 0
            : first_pass[parameters.feedback_documents - 1].second / first_pass.front().second;
    if (ratio < min_score_ratio) {
      why = "rm3 auto: not expanded (score at rank " +
            std::to_string(parameters.feedback_documents) + " is " + std::to_string(ratio) +
            " of the first, under " + std::to_string(min_score_ratio) + ")";
      return original;
    }
  }
  std::vector<FeedbackDocument> documents;
  for (std::size_t i = 0; i < first_pass.size() && i < parameters.feedback_documents; ++i)
    documents.push_back(
        read_feedback_document(db, first_pass[i].first, first_pass[i].second, parameters));
  const auto factors = expansion_factors(relevance_model(documents, parameters.feedback_terms),
                                         query_words, parameters.original_query_weight);
  if (factors.empty()) {
    why = "rm3: no feedback term";
    return original;
  }
  why = "rm3";
  return expanded_query(original, factors, details);
}

}  // namespace kavosh::search::rm3
