// TEMPORARY bootstrap implementation so the tree builds while the real chain is written:
// ICU word breaks + case folding only. Replaced by the staged analyzer (issue 4).
#include "kavosh/analysis/analyzer.hpp"

#include <unicode/brkiter.h>
#include <unicode/unistr.h>
#include <unicode/utext.h>

#include <stdexcept>

namespace kavosh::analysis {

std::string_view script_name(Script s) {
  switch (s) {
    case Script::Latin: return "latin";
    case Script::Arabic: return "arabic";
    case Script::Greek: return "greek";
    case Script::Cyrillic: return "cyrillic";
    case Script::Han: return "han";
    case Script::Hiragana: return "hiragana";
    case Script::Katakana: return "katakana";
    case Script::Hangul: return "hangul";
    case Script::Thai: return "thai";
    case Script::Devanagari: return "devanagari";
    case Script::Number: return "number";
    case Script::Other: return "other";
  }
  return "other";
}
std::string_view language_code(Language l) {
  switch (l) {
    case Language::English: return "en";
    case Language::Persian: return "fa";
    case Language::Arabic: return "ar";
    case Language::Other: return "other";
  }
  return "other";
}
std::optional<Language> parse_language_code(std::string_view c) {
  if (c == "en") return Language::English;
  if (c == "fa") return Language::Persian;
  if (c == "ar") return Language::Arabic;
  if (c == "other") return Language::Other;
  return std::nullopt;
}

struct Analyzer::Impl {
  AnalyzerOptions options;
  std::unique_ptr<icu::BreakIterator> words;
};

Analyzer::Analyzer(AnalyzerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  UErrorCode status = U_ZERO_ERROR;
  impl_->words.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status)) throw std::runtime_error("ICU word break iterator unavailable");
}
Analyzer::~Analyzer() = default;
Analyzer::Analyzer(Analyzer&&) noexcept = default;
Analyzer& Analyzer::operator=(Analyzer&&) noexcept = default;
const AnalyzerOptions& Analyzer::options() const { return impl_->options; }

std::vector<Token> Analyzer::analyze(std::string_view text, Language language) {
  std::vector<Token> out;
  analyze(text, language, out);
  return out;
}

void Analyzer::analyze(std::string_view text, Language, std::vector<Token>& out) {
  out.clear();
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  impl_->words->setText(ut, status);
  std::uint32_t position = 0;
  int32_t start = impl_->words->first();
  for (int32_t end = impl_->words->next(); end != icu::BreakIterator::DONE;
       start = end, end = impl_->words->next()) {
    if (impl_->words->getRuleStatus() == UBRK_WORD_NONE) continue;
    std::string piece(text.substr(start, end - start));
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(piece);
    u.foldCase();
    Token token;
    u.toUTF8String(token.term);
    token.position = position++;
    token.begin = static_cast<std::uint32_t>(start);
    token.end = static_cast<std::uint32_t>(end);
    out.push_back(std::move(token));
  }
  utext_close(ut);
}

Language Analyzer::detect_language(std::string_view) { return Language::Other; }

}  // namespace kavosh::analysis
