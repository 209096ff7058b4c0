#include "stemmers.hpp"

#include <initializer_list>

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

Xapian::Stem snowball_english(EnglishStemmer kind) {
  switch (kind) {
    case EnglishStemmer::Porter2:
      return Xapian::Stem("english");
    case EnglishStemmer::Porter:
      return Xapian::Stem("porter");
    case EnglishStemmer::Lovins:
      return Xapian::Stem("lovins");
    case EnglishStemmer::Plurals:
    case EnglishStemmer::None:
      break;
  }
  return Xapian::Stem();
}

bool ends_with_any(std::string_view s, std::initializer_list<std::string_view> endings) {
  for (const std::string_view ending : endings)
    if (s.ends_with(ending)) return true;
  return false;
}

}  // namespace

std::string english_plural_stem(std::string_view term) {
  constexpr std::size_t kMinLeft = 3;
  const auto cut = [&](std::size_t drop, std::string_view add = {}) {
    std::string stem(term.substr(0, term.size() - drop));
    stem.append(add);
    return stem.size() >= kMinLeft ? stem : std::string(term);
  };
  if (term.ends_with("ies") && term.size() >= 5) return cut(3, "y");
  if (term.ends_with("es") && !ends_with_any(term, {"aes", "ees", "oes", "ies"})) {
    const std::string_view before = term.substr(0, term.size() - 2);
    if (ends_with_any(before, {"x", "z", "ch", "sh", "ss"})) return cut(2);
    return cut(1);
  }
  if (term.ends_with("s") && !ends_with_any(term, {"ss", "us", "is"})) return cut(1);
  return std::string(term);
}

Stemmers::Stemmers(const AnalyzerOptions& options)
    : english_kind_(options.english_stemmer),
      persian_kind_(options.persian_stemmer),
      arabic_enabled_(options.stem_arabic),
      english_(snowball_english(options.english_stemmer)),
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
    if (english_kind_ == EnglishStemmer::None) return;
    if (auto found = english_cache_.find(term); found != english_cache_.end()) {
      stem = found->second;
      return;
    }
    stem = remember(
        english_cache_, term,
        english_kind_ == EnglishStemmer::Plurals ? english_plural_stem(term) : english_(term));
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
  if (persian_kind_ == PersianStemmer::None) return;
  if (auto found = persian_cache_.find(term); found != persian_cache_.end()) {
    stem = found->second;
    return;
  }
  stem = remember(
      persian_cache_, term,
      persian_kind_ == PersianStemmer::Plurals ? persian_plural_stem(term) : persian_stem(term));
}

}  // namespace kavosh::analysis
