#pragma once
// The one analyzer: UTF-8 text -> tokens {term, stem, position, byte offsets, script}.
// The indexer and the searcher both call it, so a query always meets the document's form of
// a word. It is a chain of small stages (decode -> tokenize -> normalize -> join -> stem),
// composed in analyzer.cpp; each stage lives in analysis/src and is tested alone.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kavosh::analysis {

enum class Script : std::uint8_t {
  Latin,
  Arabic,  // the Arabic script, used by Persian and Arabic alike
  Greek,
  Cyrillic,
  Han,
  Hiragana,
  Katakana,
  Hangul,
  Thai,
  Devanagari,
  Number,  // a token made of digits (any script's digits; the term holds ASCII digits)
  Other,
};

enum class Language : std::uint8_t { English, Persian, Arabic, Other };

std::string_view script_name(Script script);        // "latin", "arabic", ...
std::string_view language_code(Language language);  // "en", "fa", "ar", "other"
std::optional<Language> parse_language_code(std::string_view code);

// The stemmer of Latin-script tokens. Each changes the index's stems, so the index records its
// choice (schema::kMetaEnglishStemmer) and a searcher analyzes queries with the index's.
enum class EnglishStemmer : std::uint8_t {
  Porter2,  // Snowball English (Xapian "english"): the default
  Porter,   // the original Porter algorithm (Xapian "porter")
  Lovins,   // Lovins' longest-match stemmer (Xapian "lovins")
  Plurals,  // ours: plural endings only (english_plural_stem in stemmers.hpp)
  None,
};
// The stemmer of Arabic-script tokens outside Arabic passages (schema::kMetaPersianStemmer).
enum class PersianStemmer : std::uint8_t {
  Light,    // persian_stem(): plurals, comparatives, ezafe and clitics (the default)
  Plurals,  // the plural suffixes of persian_stem() only
  None,
};

// Names as the CLI flags and the index metadata spell them: "porter2", "porter", "lovins",
// "plurals", "none"; "light", "plurals", "none".
std::string_view english_stemmer_name(EnglishStemmer stemmer);
std::optional<EnglishStemmer> parse_english_stemmer(std::string_view name);
std::string_view persian_stemmer_name(PersianStemmer stemmer);
std::optional<PersianStemmer> parse_persian_stemmer(std::string_view name);
// Every name, in the enums' order: what a command line accepts.
std::vector<std::string> english_stemmer_names();
std::vector<std::string> persian_stemmer_names();

struct Token {
  std::string term;  // normalized, unstemmed form: what exact search (=word) and phrases meet
  std::string stem;  // stemmed form when a stemmer applies and changes the term; else empty
  std::uint32_t position = 0;  // word position; stacked tokens (alternatives) share one
  std::uint32_t span = 1;      // positions covered: >1 for a compound joined from spaced parts
  std::uint32_t begin = 0;     // byte offsets into the original text, on code-point boundaries
  std::uint32_t end = 0;
  Script script = Script::Other;

  const std::string& stem_or_term() const { return stem.empty() ? term : stem; }
  bool operator==(const Token&) const = default;
};

struct AnalyzerOptions {
  bool normalize_arabic_script = true;  // Persian/Arabic orthographic unification (ablation: off)
  bool fold_diacritics = true;          // Latin/Greek/Cyrillic accents: mojâhedīn -> mojahedin
  bool join_compounds = true;           // "می روم" also yields "میروم" (span 2)
  EnglishStemmer english_stemmer = EnglishStemmer::Porter2;  // on Latin-script tokens
  PersianStemmer persian_stemmer = PersianStemmer::Light;    // on Arabic-script tokens
  bool stem_arabic = true;  // Xapian's Arabic stemmer, when the language is Arabic

  bool operator==(const AnalyzerOptions&) const = default;
};

// Not thread-safe (it owns ICU break iterators): use one Analyzer per thread.
class Analyzer {
 public:
  explicit Analyzer(AnalyzerOptions options = {});
  ~Analyzer();
  Analyzer(Analyzer&&) noexcept;
  Analyzer& operator=(Analyzer&&) noexcept;

  // Tokens of `text` in order of position. `language` chooses the stemmer for Arabic-script
  // tokens (Arabic -> Arabic stemmer, anything else -> Persian light stemmer); Latin-script
  // tokens always get the English stemmer. Invalid UTF-8 never throws: bad bytes count as
  // U+FFFD and offsets stay in the original bytes.
  std::vector<Token> analyze(std::string_view text, Language language = Language::Other);
  // Same, reusing `out`'s storage (cleared first): the indexer's hot path.
  void analyze(std::string_view text, Language language, std::vector<Token>& out);

  // Sets token.stem to what analyze() would give the same token under `language`, without
  // tokenizing again (the searcher's Arabic-stemmer variant of a query word).
  void restem(Token& token, Language language);

  // Whether analyze() joins two Arabic-script words, each one term, that a text writes apart
  // with only whitespace between ("می روم", "کتاب ها"), given their terms: a caller can skip
  // analysing a pair that cannot join (the searcher does, for each pair of query words).
  bool joins_spaced(std::string_view first_term, std::string_view next_term) const;

  // The language of a passage from its letters: mostly Latin -> en; mostly Arabic script ->
  // fa when Persian-only letters (پ چ ژ گ ک ی) occur, else ar; otherwise other.
  static Language detect_language(std::string_view text);

  const AnalyzerOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kavosh::analysis
