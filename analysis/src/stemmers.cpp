#include "stemmers.hpp"

#include "persian_stemmer.hpp"

namespace kavosh::analysis {
namespace {

// Bounded memo: cleared when full, so memory stays small on huge vocabularies.
constexpr std::size_t kMaxCachedStems = 1 << 17;

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

}  // namespace

Stemmers::Stemmers(const AnalyzerOptions& options)
    : english_enabled_(options.stem_english),
      persian_enabled_(options.stem_persian),
      arabic_enabled_(options.stem_arabic),
      english_("english"),
      arabic_("arabic") {}

const std::string& Stemmers::remember(Cache& cache, const std::string& term, std::string stem) {
  if (cache.size() >= kMaxCachedStems) cache.clear();
  if (stem == term) stem.clear();
  return cache.emplace(term, std::move(stem)).first->second;
}

void Stemmers::stem(const Token& token, Language language, std::string& stem) {
  stem.clear();
  const std::string& term = token.term;
  if (token.script == Script::Latin) {
    if (!english_enabled_) return;
    if (auto found = english_cache_.find(term); found != english_cache_.end()) {
      stem = found->second;
      return;
    }
    stem = remember(english_cache_, term, english_(term));
    return;
  }
  if (token.script != Script::Arabic) return;
  if (language == Language::Arabic) {
    if (!arabic_enabled_) return;
    if (auto found = arabic_cache_.find(term); found != arabic_cache_.end()) {
      stem = found->second;
      return;
    }
    std::string arabic_letters = term;
    replace_all(arabic_letters, "ی", "ي");
    replace_all(arabic_letters, "ک", "ك");
    std::string stemmed = arabic_(arabic_letters);
    replace_all(stemmed, "ي", "ی");
    replace_all(stemmed, "ك", "ک");
    // The Snowball Arabic stemmer normalizes letters itself (e.g. ى, hamza forms); fold its
    // output like any term, so a stem never holds letters a term cannot.
    replace_all(stemmed, "ى", "ی");
    replace_all(stemmed, "ة", "ه");
    replace_all(stemmed, "أ", "ا");
    replace_all(stemmed, "إ", "ا");
    replace_all(stemmed, "آ", "ا");
    stem = remember(arabic_cache_, term, std::move(stemmed));
    return;
  }
  if (!persian_enabled_) return;
  if (auto found = persian_cache_.find(term); found != persian_cache_.end()) {
    stem = found->second;
    return;
  }
  stem = remember(persian_cache_, term, persian_stem(term));
}

}  // namespace kavosh::analysis
