#include "query_builder/aliases.hpp"

#include "kavosh/format/schema.hpp"

namespace kavosh::search::query_building {

namespace schema = kavosh::index::schema;

std::vector<Xapian::Query> alias_queries(const std::string& key, const Xapian::Database& db,
                                         analysis::Analyzer& analyzer, QueryTerms& terms) {
  std::vector<Xapian::Query> out;
  for (auto it = db.synonyms_begin(key); it != db.synonyms_end(key); ++it) {
    auto tokens = analyzer.analyze(*it);
    auto grouped = group_tokens(tokens);
    if (grouped.positions.empty()) continue;
    if (grouped.positions.size() == 1) {
      const analysis::Token& t = *grouped.positions[0][0];
      out.push_back(terms.leaf(std::string(schema::kStemmed) + t.stem_or_term()));
      terms.highlight_stem(t.stem_or_term());
      terms.highlight_term(t.term);
      continue;
    }
    std::vector<Xapian::Query> parts;
    std::vector<std::string> phrase_terms;
    for (const auto& alternatives : grouped.positions) {
      parts.push_back(terms.leaf(alternatives[0]->term));
      phrase_terms.push_back(alternatives[0]->term);
    }
    terms.highlight_phrase(std::move(phrase_terms));
    out.push_back(terms.windowed(Xapian::Query::OP_PHRASE, parts,
                                 static_cast<Xapian::termcount>(parts.size())));
  }
  return out;
}

void add_alias_ngrams(const std::vector<RunWord>& run, const Xapian::Database& db,
                      analysis::Analyzer& analyzer, QueryTerms& terms,
                      std::vector<Xapian::Query>& optional) {
  constexpr std::size_t kShortest = 2, kLongest = 4;
  for (std::size_t n = kShortest; n <= kLongest; ++n) {
    for (std::size_t i = 0; i + n <= run.size(); ++i) {
      std::string key;
      bool complete = true;  // a word split into several positions breaks n-grams
      for (std::size_t k = i; k < i + n; ++k) {
        if (run[k].term.empty()) complete = false;
        key += (k == i ? "" : " ") + run[k].term;
      }
      // An alias key neither starts nor ends with a function word ("people of iran" can be
      // one, "of iran" cannot): saves the lookups.
      if (!complete || run[i].function_word || run[i + n - 1].function_word) continue;
      std::vector<Xapian::Query> alternatives = alias_queries(key, db, analyzer, terms);
      if (alternatives.empty()) continue;
      std::vector<Xapian::Query> phrase_terms;
      for (std::size_t k = i; k < i + n; ++k) phrase_terms.push_back(terms.leaf(run[k].term));
      alternatives.insert(alternatives.begin(),
                          terms.windowed(Xapian::Query::OP_PHRASE, phrase_terms,
                                         static_cast<Xapian::termcount>(n)));
      Xapian::Query q = terms.alternatives(alternatives);
      terms.explain("alias:" + key, q);
      optional.push_back(q);
    }
  }
}

}  // namespace kavosh::search::query_building
