#include "query_builder/function_words.hpp"

#include <algorithm>

namespace kavosh::search::function_words {

const std::set<std::string, std::less<>>& analyzed_terms(bool normalize_arabic_script) {
  auto build = [](bool normalize) {
    analysis::AnalyzerOptions options;
    options.normalize_arabic_script = normalize;
    analysis::Analyzer analyzer(options);
    std::set<std::string, std::less<>> terms;
    auto add = [&](const auto& words) {
      for (const std::string_view word : words)
        for (const auto& token : analyzer.analyze(word))
          if (token.span == 1) terms.insert(token.term);
    };
    add(kEnglish);
    add(kPersian);
    add(kArabic);
    return terms;
  };
  static const auto normalized = build(true);
  static const auto unnormalized = build(false);
  return normalize_arabic_script ? normalized : unnormalized;
}

std::vector<bool> droppable(const QueryNode& list,
                            const std::vector<query_building::RunWord>& words,
                            bool normalize_arabic_script) {
  const auto& function_terms = analyzed_terms(normalize_arabic_script);
  std::vector<bool> drop(list.children.size(), false);
  for (std::size_t i = 0; i < list.children.size(); ++i)
    drop[i] = list.children[i].modifier == QueryNode::Modifier::None &&
              function_terms.count(words[i].term) > 0;
  if (std::find(drop.begin(), drop.end(), false) == drop.end()) drop.assign(drop.size(), false);
  return drop;
}

}  // namespace kavosh::search::function_words
