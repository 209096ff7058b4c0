// The analyzer chain, composed in one place:
//   WordTokenizer (ICU UAX #29 + ASCII fast path)  -> word spans with byte offsets
//   TermNormalizer (NFKC_Casefold, folding, cleanup) -> term; empty terms are dropped
//   script_of_term                                   -> Token::script
//   join_spaced_compounds ("می روم" -> stacked "میروم", span 2)
//   Stemmers (English / Arabic / Persian by script and passage language) -> Token::stem
// Token order: by position; a stacked compound follows the span-1 token at its position
// (i.e. sorted by (position, span)). Stacked tokens do not consume positions.
#include "kavosh/analysis/analyzer.hpp"

#include <utility>

#include "compound_joiner.hpp"
#include "kavosh/text/ascii.hpp"
#include "script_detection.hpp"
#include "stemmers.hpp"
#include "term_normalizer.hpp"
#include "word_tokenizer.hpp"

namespace kavosh::analysis {

std::string_view script_name(Script script) {
  switch (script) {
    case Script::Latin:
      return "latin";
    case Script::Arabic:
      return "arabic";
    case Script::Greek:
      return "greek";
    case Script::Cyrillic:
      return "cyrillic";
    case Script::Han:
      return "han";
    case Script::Hiragana:
      return "hiragana";
    case Script::Katakana:
      return "katakana";
    case Script::Hangul:
      return "hangul";
    case Script::Thai:
      return "thai";
    case Script::Devanagari:
      return "devanagari";
    case Script::Number:
      return "number";
    case Script::Other:
      return "other";
  }
  return "other";
}

std::string_view language_code(Language language) {
  switch (language) {
    case Language::English:
      return "en";
    case Language::Persian:
      return "fa";
    case Language::Arabic:
      return "ar";
    case Language::Other:
      return "other";
  }
  return "other";
}

// BCP 47 tags as collections write them ("fa-Latn" for romanized Persian, "en-US", "EN"):
// the primary language subtag decides, case-insensitively. Stemming follows each token's
// script, so a script subtag changes nothing the analyzer does.
std::optional<Language> parse_language_code(std::string_view code) {
  const std::string_view primary = code.substr(0, code.find_first_of("-_"));
  if (primary.empty() || primary.size() > 5) return std::nullopt;
  const std::string lower = text::ascii_lower(primary);
  if (lower == "en") return Language::English;
  if (lower == "fa" || lower == "per" || lower == "fas") return Language::Persian;
  if (lower == "ar" || lower == "ara") return Language::Arabic;
  if (lower == "other") return Language::Other;
  return std::nullopt;
}

namespace {
constexpr std::pair<EnglishStemmer, std::string_view> kEnglishStemmerNames[] = {
    {EnglishStemmer::Porter2, "porter2"}, {EnglishStemmer::Porter, "porter"},
    {EnglishStemmer::Lovins, "lovins"},   {EnglishStemmer::Plurals, "plurals"},
    {EnglishStemmer::None, "none"},
};
constexpr std::pair<PersianStemmer, std::string_view> kPersianStemmerNames[] = {
    {PersianStemmer::Light, "light"},
    {PersianStemmer::Plurals, "plurals"},
    {PersianStemmer::None, "none"},
};

template <typename Kind, std::size_t N>
std::string_view name_of(Kind kind, const std::pair<Kind, std::string_view> (&names)[N]) {
  for (const auto& [k, name] : names)
    if (k == kind) return name;
  return "none";
}

template <typename Kind, std::size_t N>
std::vector<std::string> names_of(const std::pair<Kind, std::string_view> (&names)[N]) {
  std::vector<std::string> out;
  for (const auto& [kind, name] : names) out.emplace_back(name);
  return out;
}

template <typename Kind, std::size_t N>
std::optional<Kind> kind_named(std::string_view name,
                               const std::pair<Kind, std::string_view> (&names)[N]) {
  for (const auto& [k, n] : names)
    if (n == name) return k;
  return std::nullopt;
}
}  // namespace

std::string_view english_stemmer_name(EnglishStemmer stemmer) {
  return name_of(stemmer, kEnglishStemmerNames);
}
std::optional<EnglishStemmer> parse_english_stemmer(std::string_view name) {
  return kind_named(name, kEnglishStemmerNames);
}
std::string_view persian_stemmer_name(PersianStemmer stemmer) {
  return name_of(stemmer, kPersianStemmerNames);
}
std::optional<PersianStemmer> parse_persian_stemmer(std::string_view name) {
  return kind_named(name, kPersianStemmerNames);
}
std::vector<std::string> english_stemmer_names() { return names_of(kEnglishStemmerNames); }
std::vector<std::string> persian_stemmer_names() { return names_of(kPersianStemmerNames); }

struct Analyzer::Impl {
  explicit Impl(const AnalyzerOptions& opts)
      : options(opts),
        normalizer(TermNormalizerOptions{opts.fold_diacritics, opts.normalize_arabic_script}),
        stemmers(opts) {}

  AnalyzerOptions options;
  WordTokenizer tokenizer;
  TermNormalizer normalizer;
  Stemmers stemmers;
  std::vector<WordSpan> spans;  // reused between calls
};

Analyzer::Analyzer(AnalyzerOptions options) : impl_(std::make_unique<Impl>(options)) {}
Analyzer::~Analyzer() = default;
Analyzer::Analyzer(Analyzer&&) noexcept = default;
Analyzer& Analyzer::operator=(Analyzer&&) noexcept = default;
const AnalyzerOptions& Analyzer::options() const { return impl_->options; }

std::vector<Token> Analyzer::analyze(std::string_view text, Language language) {
  std::vector<Token> out;
  analyze(text, language, out);
  return out;
}

void Analyzer::analyze(std::string_view text, Language language, std::vector<Token>& out) {
  out.clear();
  Impl& impl = *impl_;
  impl.tokenizer.tokenize(text, impl.spans);
  out.reserve(impl.spans.size());
  std::uint32_t position = 0;
  for (const WordSpan& span : impl.spans) {
    Token& token = out.emplace_back();
    impl.normalizer.normalize(text.substr(span.begin, span.end - span.begin), token.term);
    if (token.term.empty()) {
      out.pop_back();
      continue;
    }
    token.position = position++;
    token.begin = span.begin;
    token.end = span.end;
    token.script = script_of_term(token.term);
  }
  if (impl.options.join_compounds) join_spaced_compounds(text, out);
  for (Token& t : out) impl.stemmers.stem(t, language, t.stem);
}

void Analyzer::restem(Token& token, Language language) {
  std::string stem;
  impl_->stemmers.stem(token, language, stem);
  token.stem = std::move(stem);
}

bool Analyzer::joins_spaced(std::string_view first_term, std::string_view next_term) const {
  // join_spaced_compounds' first link: a prefix or a suffix, not both ("می ها").
  return impl_->options.join_compounds &&
         is_joinable_prefix(first_term) != is_joinable_suffix(first_term, next_term);
}

Language Analyzer::detect_language(std::string_view text) { return detect_passage_language(text); }

}  // namespace kavosh::analysis
