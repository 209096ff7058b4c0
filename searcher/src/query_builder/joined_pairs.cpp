#include "query_builder/joined_pairs.hpp"

#include "kavosh/format/schema.hpp"
#include "query_builder/function_words.hpp"

namespace kavosh::search::query_building {

namespace schema = kavosh::index::schema;

namespace {

void add_compound(const analysis::Token& token, const std::string& label, QueryTerms& terms,
                  std::vector<Xapian::Query>& optional) {
  terms.highlight_stem(token.stem_or_term());
  terms.highlight_term(token.term);
  Xapian::Query q = terms.leaf(std::string(schema::kStemmed) + token.stem_or_term());
  terms.explain(label, q);
  optional.push_back(q);
}

}  // namespace

void add_joined_pairs(const std::vector<RunWord>& run, analysis::Analyzer& analyzer,
                      QueryTerms& terms, std::vector<Xapian::Query>& optional) {
  const auto& function_terms =
      function_words::analyzed_terms(analyzer.options().normalize_arabic_script);
  for (std::size_t i = 0; i + 1 < run.size(); ++i) {
    // The analyzer joins spaced compounds of Arabic-script words only.
    if (!run[i].arabic || !run[i + 1].arabic) continue;
    const std::string label = run[i].node->text + " " + run[i + 1].node->text;
    // Two one-term words analyze apart to span-1 tokens only, unless the analyzer joins
    // them: the pair's analysis (a seventh of a Persian query's building) is skipped then.
    const bool one_term_each = !run[i].term.empty() && !run[i + 1].term.empty();
    std::vector<analysis::Token> tokens;
    if (!one_term_each || analyzer.joins_spaced(run[i].term, run[i + 1].term))
      tokens = analyzer.analyze(label);
    bool joined_by_analyzer = false;
    for (const auto& token : tokens) {
      if (token.span < 2) continue;
      joined_by_analyzer = true;
      // "می شود" joins into a function word; "کتاب ها", "موسسه ای" join a word to a
      // dropped suffix: the word's own stem already covers them (and without its ZWNJ,
      // موسسهای stems like a plural, to موسس).
      if (function_terms.count(token.term) > 0 || run[i + 1].function_word) continue;
      if (token.stem_or_term() == run[i].stem || token.stem_or_term() == run[i + 1].stem) continue;
      add_compound(token, label, terms, optional);
    }
    // Two words a document may write as one with ZWNJ (آسمان خراش ->
    // آسمان‌خراش, رباط
    // کریم -> رباط‌کریم): the joined word, when the index holds it. Persian only
    // (English "time sharing" -> "timesharing" hurt CACM), and not with function words.
    if (!joined_by_analyzer && !run[i].function_word && !run[i + 1].function_word &&
        !run[i].term.empty() && !run[i + 1].term.empty()) {
      const auto joined = analyzer.analyze(run[i].term + run[i + 1].term);
      if (joined.size() == 1 && function_terms.count(joined[0].term) == 0 &&
          terms.holds(std::string(schema::kStemmed) + joined[0].stem_or_term()))
        add_compound(joined[0], label, terms, optional);
    }
  }
}

}  // namespace kavosh::search::query_building
