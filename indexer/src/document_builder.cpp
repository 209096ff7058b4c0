// DocumentBuilder: an Article's passages as Xapian documents (see document_builder.hpp).
#include "document_builder.hpp"

#include <algorithm>
#include <optional>

#include "kavosh/format/schema.hpp"
#include "spelling_store.hpp"

namespace kavosh::index {
namespace {

using kavosh::analysis::Analyzer;
using kavosh::analysis::Language;
using kavosh::analysis::Token;

// A passage's language: the article's when its format says, else the passage text's, else
// (text of no detectable language) the title's.
Language passage_language(const std::optional<Language>& article_language, const Article& article,
                          const Passage& passage, Language title_language) {
  if (article_language) return *article_language;
  const Language language = Analyzer::detect_language(passage.text);
  if (language == Language::Other && !article.title.empty()) return title_language;
  return language;
}

void collect_spelling_words(const std::vector<Token>& tokens, std::vector<std::string>& words) {
  for (const Token& token : tokens) {
    if (is_spelling_word(token.term)) words.push_back(token.term);
  }
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
}

}  // namespace

DocumentBuilder::DocumentBuilder(const kavosh::analysis::AnalyzerOptions& options)
    : analyzer_(options) {}

PreparedArticle DocumentBuilder::prepare(const Article& article,
                                         const RecordDictionary* dictionary) {
  PreparedArticle out;
  out.id = article.id;
  std::optional<Language> article_language;
  if (!article.language.empty())
    article_language = kavosh::analysis::parse_language_code(article.language);

  std::vector<Token> title_tokens;
  const Language title_language =
      article_language.value_or(Analyzer::detect_language(article.title));
  analyzer_.analyze(article.title, title_language, title_tokens);

  for (std::size_t number = 0; number < article.passages.size(); ++number) {
    const Language language =
        passage_language(article_language, article, article.passages[number], title_language);
    out.passages.push_back(prepare_passage(article, number, language, title_tokens, dictionary));
    out.postings += postings_;
    out.bytes += article.passages[number].text.size();
  }

  if (!article.aliases.empty() && !article.title.empty()) {
    std::vector<std::string> group{article.title};
    group.insert(group.end(), article.aliases.begin(), article.aliases.end());
    out.synonyms = synonym_pairs(group);
  }
  return out;
}

// One passage's document; leaves the postings it added in postings_.
PreparedPassage DocumentBuilder::prepare_passage(const Article& article, std::size_t number,
                                                 Language language,
                                                 const std::vector<Token>& title_tokens,
                                                 const RecordDictionary* dictionary) {
  const Passage& passage = article.passages[number];
  const std::string lang_code(kavosh::analysis::language_code(language));
  PreparedPassage prepared;
  const std::string passage_id = schema::passage_id(article.id, static_cast<unsigned>(number));
  prepared.unique_term = schema::id_term(schema::kPassageId, passage_id);
  Xapian::Document& doc = prepared.document;
  postings_ = 0;

  // Body.
  analyzer_.analyze(passage.text, language, tokens_);
  add_tokens(doc, tokens_, "", 1);
  collect_spelling_words(tokens_, prepared.spelling_words);
  record_.tokens.clear();
  for (const Token& token : tokens_) {
    record_.tokens.push_back({token.begin, token.end, token.span, token_hash(token.term),
                              token_hash(token.stem_or_term())});
  }
  // Title on every passage.
  add_tokens(doc, title_tokens, schema::kTitle, schema::kTitleWdf);
  // Section heading.
  if (!passage.section.empty()) {
    analyzer_.analyze(passage.section, language, tokens_);
    add_tokens(doc, tokens_, schema::kSection, 1);
  }
  add_fields(doc, article, passage, language);

  doc.add_boolean_term(schema::id_term(schema::kLanguage, lang_code));
  doc.add_boolean_term(prepared.unique_term);
  postings_ += 2;

  doc.add_value(schema::kSlotArticleId, article.id);
  doc.add_value(schema::kSlotPassageNo, Xapian::sortable_serialise(static_cast<double>(number)));
  if (!article.date.empty()) doc.add_value(schema::kSlotDate, article.date);
  doc.add_value(schema::kSlotLanguage, lang_code);
  fill_record(article, number, lang_code);
  if (dictionary)
    doc.add_value(schema::kSlotStoredPassage, encode(record_, dictionary));
  else
    prepared.record_body = encode_body(record_);
  return prepared;
}

// Fields, article-level then the passage's own: indexed under their prefixes, and merged into
// the stored record's fields (a repeated name's values joined with "; ").
void DocumentBuilder::add_fields(Xapian::Document& doc, const Article& article,
                                 const Passage& passage, Language language) {
  record_.fields.clear();
  auto add_field = [&](const Field& field) {
    if (field.first.empty()) return;
    analyzer_.analyze(field.second, language, tokens_);
    add_tokens(doc, tokens_, schema::field_prefix(field.first), schema::kFieldWdf);
    auto slot = std::find_if(record_.fields.begin(), record_.fields.end(),
                             [&](const auto& stored) { return stored.first == field.first; });
    if (slot != record_.fields.end()) {
      slot->second += "; " + field.second;
    } else {
      record_.fields.push_back(field);
    }
  };
  for (const Field& field : article.fields) add_field(field);
  for (const Field& field : passage.fields) add_field(field);
}

// The stored record's other parts (its tokens and fields are filled as they are analyzed).
void DocumentBuilder::fill_record(const Article& article, std::size_t number,
                                  std::string_view lang_code) {
  const Passage& passage = article.passages[number];
  record_.article = article.id;
  record_.passage = static_cast<std::uint32_t>(number);
  record_.title = article.title;
  record_.section = passage.section;
  record_.lang = lang_code;
  record_.text = passage.text;
  record_.source = article.source;
  record_.date = article.date;
}

// Posts `tokens` under `prefix` with positions (the body's only where Xapian keeps them) and
// "Z" + prefix + stem_or_term without. The one place a document gets positions: the body's must
// follow its stored record's token table, from which match.data's token sequences and
// adjacent-pair filters are built. Without positions a term's wdf is the same.
void DocumentBuilder::add_tokens(Xapian::Document& doc, const std::vector<Token>& tokens,
                                 std::string_view prefix, unsigned wdf) {
  std::string term(prefix);
  std::string stem(schema::kStemmed);
  stem.append(prefix);
  const std::size_t prefix_size = term.size();
  const std::size_t stem_prefix_size = stem.size();
  for (const Token& token : tokens) {
    if (token.term.empty()) continue;
    term.resize(prefix_size);
    term += token.term;
    if (term.size() > schema::kMaxTermBytes) continue;
    if (prefix_size > 0 || body_positions_in_xapian_)
      doc.add_posting(term, token.position + 1, wdf);
    else
      doc.add_term(term, wdf);
    const std::string& stem_source = token.stem_or_term();
    stem.resize(stem_prefix_size);
    stem += stem_source;
    if (stem.size() <= schema::kMaxTermBytes) {
      doc.add_term(stem, wdf);
      ++postings_;
    }
    ++postings_;
  }
}

// A name's synonym key: the terms of its span-1 tokens, one per position, joined with spaces;
// empty when it has none or the key is too long to be a term.
std::string DocumentBuilder::synonym_key(const std::string& name) {
  analyzer_.analyze(name, Analyzer::detect_language(name), tokens_);
  std::string key;
  bool have_position = false;
  std::uint32_t last_position = 0;
  for (const Token& token : tokens_) {
    if (token.span != 1) continue;
    if (have_position && token.position == last_position) continue;  // stacked alternative
    have_position = true;
    last_position = token.position;
    if (!key.empty()) key.push_back(' ');
    key += token.term;
  }
  if (key.size() > schema::kMaxTermBytes) key.clear();
  return key;
}

SynonymPairs DocumentBuilder::synonym_pairs(const std::vector<std::string>& names) {
  std::vector<std::string> keys;
  for (const std::string& name : names) {
    std::string key = synonym_key(name);
    if (key.empty()) continue;
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(std::move(key));
  }
  SynonymPairs pairs;
  for (const std::string& from : keys) {
    for (const std::string& to : keys) {
      if (from != to) pairs.emplace_back(from, to);
    }
  }
  return pairs;
}

}  // namespace kavosh::index
