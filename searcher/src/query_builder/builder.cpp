// AST -> Xapian::Query, following the term layout documented in schema.hpp:
//  - a bare word is ranked on its stem ("Z" + stem_or_term) in the body, OR'd with the same
//    stem under the title prefix scaled by the title weight (and section/field weights when
//    set); Arabic-script words also try their Arabic-stemmer stem, index aliases are OR'd in
//    as OP_SYNONYM alternatives;
//  - "phrases", NEAR and =exact words use the unprefixed terms, which carry positions;
//  - a query word the analyzer splits into several positions (Mujahedin-e-Khalq, 5,000) is a
//    phrase of its parts, OR'd with any stacked compound token (span > 1) that joins them;
//  - lang: is a zero-weight boolean filter.
// This file walks the AST; each expansion policy is a file of its own beside it:
//  - function_words: left out of ranked lists;
//  - vowel_variants: mojahedin ~ mujahedin;
//  - question_determiners: چه سالی -> سال;
//  - joined_pairs: آسمان خراش -> آسمان‌خراش;
//  - aliases: the index's synonyms;
//  - arabic_variant: which Arabic-stemmer stems of a word are tried.
// query_terms makes every leaf and recorded node.
#include <map>
#include <utility>

#include "kavosh/format/schema.hpp"
#include "kavosh/search/query.hpp"
#include "query_builder/aliases.hpp"
#include "query_builder/arabic_variant.hpp"
#include "query_builder/function_words.hpp"
#include "query_builder/joined_pairs.hpp"
#include "query_builder/query_terms.hpp"
#include "query_builder/question_determiners.hpp"
#include "query_builder/vowel_variants.hpp"

namespace kavosh::search {

namespace schema = kavosh::index::schema;
using analysis::Token;
using Kind = QueryNode::Kind;

namespace query_building {
namespace {

class Builder {
 public:
  Builder(analysis::Analyzer& analyzer, const Xapian::Database& db, const BuildOptions& options,
          QueryTerms& terms)
      : analyzer_(analyzer),
        synonyms_(options.synonyms ? *options.synonyms : db),
        options_(options),
        terms_(terms) {}

  Xapian::Query node(const QueryNode& n, const FieldContext& ctx) {
    switch (n.kind) {
      case Kind::List:
        return list(n, ctx);
      case Kind::Or:
        return each_child(Xapian::Query::OP_OR, n, ctx);
      case Kind::And:
        return each_child(Xapian::Query::OP_AND, n, ctx);
      case Kind::AndNot: {
        Xapian::Query left = node(n.children[0], ctx);
        terms_.enter_excluded();
        Xapian::Query right = node(n.children[1], ctx);
        terms_.leave_excluded();
        if (left.empty() || right.empty()) return left;
        return Xapian::Query(Xapian::Query::OP_AND_NOT, left, right);
      }
      case Kind::Near:
        return near(n, ctx);
      case Kind::Field:
        return field(n, ctx);
      case Kind::Word:
        return word(n.text, ctx, /*exact=*/false);
      case Kind::Exact:
        return word(n.text, ctx, /*exact=*/true);
      case Kind::Phrase:
        return phrase(n.text, ctx);
      case Kind::Wildcard:
        return wildcard(n, ctx);
    }
    return Xapian::Query();
  }

 private:
  Xapian::Query each_child(Xapian::Query::op op, const QueryNode& n, const FieldContext& ctx) {
    std::vector<Xapian::Query> parts;
    for (const auto& child : n.children) parts.push_back(node(child, ctx));
    return combine(op, parts);
  }

  // The clauses of a word list, sorted by how they combine.
  struct ListParts {
    std::vector<Xapian::Query> required, optional, excluded, filters;
  };

  Xapian::Query list(const QueryNode& n, const FieldContext& ctx) {
    ListParts parts;
    std::vector<RunWord> run;  // adjacent plain words, for compounds and alias n-grams
    auto flush_run = [&] {
      extras_of_run(run, ctx, parts.optional);
      run.clear();
    };
    // Each child typed as a word, analyzed once.
    std::vector<RunWord> words(n.children.size());
    for (std::size_t i = 0; i < n.children.size(); ++i) words[i] = run_word(n.children[i]);
    // Function words leave a ranked body list, unless nothing else would be left.
    std::vector<bool> droppable(n.children.size(), false);
    if (options_.drop_stopwords && ctx.body() && !options_.all_words)
      droppable = function_words::droppable(n, words, analyzer_.options().normalize_arabic_script);
    for (std::size_t i = 0; i < n.children.size(); ++i) {
      const auto& child = n.children[i];
      const bool plain_word =
          child.kind == Kind::Word && child.modifier != QueryNode::Modifier::Excluded;
      if (droppable[i]) {
        // Still part of the run: "می خورند" is the compound میخورند, "people of iran" an alias.
        words[i].function_word = true;
        run.push_back(words[i]);
        continue;
      }
      after_question_word_ = i > 0 && is_question_determiner(words[i - 1].term);
      if (!plain_word) flush_run();
      if (add_unscored(child, ctx, parts)) continue;
      Xapian::Query q = node(child, ctx);
      after_question_word_ = false;
      if (q.empty()) continue;
      if (plain_word) run.push_back(words[i]);
      if (child.modifier == QueryNode::Modifier::Required || options_.all_words)
        parts.required.push_back(q);
      else
        parts.optional.push_back(q);
    }
    flush_run();
    return combined(parts);
  }

  // An excluded item or a lang: filter, sorted into parts; false for a scored item.
  bool add_unscored(const QueryNode& child, const FieldContext& ctx, ListParts& parts) {
    if (child.modifier == QueryNode::Modifier::Excluded) {
      terms_.enter_excluded();
      parts.excluded.push_back(node(child, ctx));
      terms_.leave_excluded();
      return true;
    }
    if (child.kind == Kind::Field && child.text == "lang") {
      parts.filters.push_back(node(child, ctx));
      return true;
    }
    return false;
  }

  static Xapian::Query combined(const ListParts& parts) {
    Xapian::Query positive;
    Xapian::Query must = combine(Xapian::Query::OP_AND, parts.required);
    Xapian::Query may = combine(Xapian::Query::OP_OR, parts.optional);
    if (must.empty())
      positive = may;
    else if (may.empty())
      positive = must;
    else
      positive = Xapian::Query(Xapian::Query::OP_AND_MAYBE, must, may);
    Xapian::Query filter = combine(Xapian::Query::OP_AND, parts.filters);
    if (!filter.empty())
      positive =
          positive.empty() ? filter : Xapian::Query(Xapian::Query::OP_FILTER, positive, filter);
    Xapian::Query exclude = combine(Xapian::Query::OP_OR, parts.excluded);
    if (!positive.empty() && !exclude.empty())
      positive = Xapian::Query(Xapian::Query::OP_AND_NOT, positive, exclude);
    return positive;
  }

  // A word's analysis, once per query: a bare word is analyzed for its run and again for
  // its clause, and analysis was the larger part of building a one-word query.
  const std::vector<Token>& analyzed(const std::string& text) {
    auto found = analyses_.find(text);
    if (found == analyses_.end()) found = analyses_.emplace(text, analyzer_.analyze(text)).first;
    return found->second;
  }

  RunWord run_word(const QueryNode& node) {
    RunWord word;
    word.node = &node;
    if (node.kind != Kind::Word) return word;
    const auto& tokens = analyzed(node.text);
    const auto grouped = group_tokens(tokens);
    word.arabic = grouped.arabic_script;
    if (grouped.positions.size() == 1) {
      word.term = grouped.positions[0][0]->term;
      word.stem = grouped.positions[0][0]->stem_or_term();
    }
    return word;
  }

  // Bare words typed apart that the text may write as one (joined_pairs), and aliases of
  // several words (aliases): extra optional clauses.
  void extras_of_run(const std::vector<RunWord>& run, const FieldContext& ctx,
                     std::vector<Xapian::Query>& optional) {
    if (!ctx.body() || run.size() < 2) return;
    add_joined_pairs(run, analyzer_, terms_, optional);
    if (!options_.aliases) return;
    add_alias_ngrams(run, synonyms_, analyzer_, terms_, optional);
  }

  Xapian::Query word(const std::string& text, const FieldContext& ctx, bool exact) {
    const auto& tokens = analyzed(text);
    auto grouped = group_tokens(tokens);
    if (grouped.positions.empty()) return Xapian::Query();
    const std::string label = ctx.label + (exact ? "=" : "") + text;
    if (grouped.positions.size() > 1) return split_word(grouped, ctx, exact, label);
    const auto& alternatives = grouped.positions[0];
    if (exact) {
      std::vector<std::string> terms;
      for (const Token* t : alternatives) {
        terms.push_back(ctx.prefix + t->term);
        terms_.highlight_term(t->term);
      }
      Xapian::Query q = terms_.synonym_of(terms);
      terms_.explain(label, q);
      return q;
    }
    const std::vector<std::string> bare_stems = bare_stems_of(grouped);
    std::vector<std::string> stems;
    stems.reserve(bare_stems.size());
    for (const auto& s : bare_stems)
      stems.push_back(std::string(schema::kStemmed) + ctx.prefix + s);
    stems = terms_.held_spellings(stems, /*keep_first=*/true);
    std::vector<Xapian::Query> body_parts{terms_.synonym_of(stems)};
    if (ctx.body() && options_.aliases) {
      for (auto& alias : alias_queries(alternatives[0]->term, synonyms_, analyzer_, terms_))
        body_parts.push_back(alias);
    }
    Xapian::Query body = terms_.alternatives(body_parts);
    if (!ctx.body()) {
      terms_.explain(label, body);
      return body;
    }
    terms_.add_plain_word(text);
    terms_.explain(label, body);
    std::vector<Xapian::Query> parts{body};
    boost(schema::kTitle, options_.weights.title, "title:", text, bare_stems, parts);
    boost(schema::kSection, options_.weights.section, "section:", text, bare_stems, parts);
    return combine(Xapian::Query::OP_OR, parts);
  }

  // The stems a bare one-position word is ranked on: its own, then those of the policies
  // that apply (vowel variants, the word without a question's indefinite ی, the Arabic
  // stemmer's), each marked in snippets.
  std::vector<std::string> bare_stems_of(const AnalyzedWord& grouped) {
    const auto& alternatives = grouped.positions[0];
    std::vector<std::string> bare_stems;
    for (const Token* t : alternatives) {
      bare_stems.push_back(t->stem_or_term());
      terms_.highlight_stem(t->stem_or_term());
      terms_.highlight_term(t->term);
    }
    if (options_.romanized_variants && alternatives[0]->script == analysis::Script::Latin) {
      for (const auto& variant : vowel_variants(alternatives[0]->term, terms_)) {
        for (const auto& t : analyzer_.analyze(variant)) {
          bare_stems.push_back(t.stem_or_term());
          terms_.highlight_stem(t.stem_or_term());
          terms_.highlight_term(t.term);
        }
      }
    }
    if (after_question_word_ && grouped.arabic_script)
      add_stems_without_indefinite_ye(alternatives[0]->term, analyzer_, terms_, bare_stems);
    if (grouped.arabic_script && options_.arabic_variant) {
      for (const Token* alternative : alternatives) {
        Token t = *alternative;
        analyzer_.restem(t, analysis::Language::Arabic);
        if (!arabic_variant_applies(t.term, t.stem_or_term())) continue;
        bare_stems.push_back(t.stem_or_term());
        terms_.highlight_stem(t.stem_or_term());
      }
    }
    return bare_stems;
  }

  // A body word's stems under a title or section prefix, scaled by its weight (none at 0).
  void boost(std::string_view prefix, double weight, const char* name, const std::string& text,
             const std::vector<std::string>& bare_stems, std::vector<Xapian::Query>& parts) {
    if (weight <= 0) return;
    std::vector<std::string> prefixed;
    prefixed.reserve(bare_stems.size());
    for (const auto& s : bare_stems)
      prefixed.push_back(std::string(schema::kStemmed) + std::string(prefix) + s);
    prefixed = terms_.held_spellings(prefixed, /*keep_first=*/false);  // most words: no title
    if (prefixed.empty()) return;
    Xapian::Query q = terms_.scaled(terms_.synonym_of(prefixed), weight);
    terms_.explain(std::string(name) + text, q);
    parts.push_back(q);
  }

  // Mujahedin-e-Khalq, می‌روم split by the analyzer: a phrase of the parts, or a compound.
  Xapian::Query split_word(const AnalyzedWord& grouped, const FieldContext& ctx, bool exact,
                           const std::string& label) {
    std::vector<Xapian::Query> parts;
    std::string key;
    std::vector<std::string> phrase_terms;
    for (const auto& alternatives : grouped.positions) {
      parts.push_back(terms_.leaf(ctx.prefix + alternatives[0]->term));
      phrase_terms.push_back(alternatives[0]->term);
      key += (key.empty() ? "" : " ") + alternatives[0]->term;
    }
    terms_.highlight_phrase(std::move(phrase_terms));
    std::vector<Xapian::Query> options{terms_.windowed(
        Xapian::Query::OP_PHRASE, parts, static_cast<Xapian::termcount>(parts.size()))};
    for (const Token* compound : grouped.compounds) {
      terms_.highlight_term(compound->term);
      if (exact) {
        options.push_back(terms_.leaf(ctx.prefix + compound->term));
      } else {
        terms_.highlight_stem(compound->stem_or_term());
        options.push_back(
            terms_.leaf(std::string(schema::kStemmed) + ctx.prefix + compound->stem_or_term()));
      }
    }
    if (!exact && ctx.body() && options_.aliases)
      for (auto& alias : alias_queries(key, synonyms_, analyzer_, terms_)) options.push_back(alias);
    // One concept written several ways: SYNONYM weighs it as one term, not a sum of matches.
    Xapian::Query q = terms_.alternatives(options);
    terms_.explain(label, q);
    return q;
  }

  Xapian::Query phrase(const std::string& text, const FieldContext& ctx) {
    auto tokens = analyzer_.analyze(text);
    auto grouped = group_tokens(tokens);
    if (grouped.positions.empty()) return Xapian::Query();
    if (grouped.positions.size() == 1) {
      std::vector<std::string> terms;
      for (const Token* t : grouped.positions[0]) {
        terms.push_back(ctx.prefix + t->term);
        terms_.highlight_term(t->term);
      }
      Xapian::Query q = terms_.synonym_of(terms);
      terms_.explain(ctx.label + "\"" + text + "\"", q);
      return q;
    }
    return split_word(grouped, ctx, /*exact=*/true, ctx.label + "\"" + text + "\"");
  }

  Xapian::Query wildcard(const QueryNode& n, const FieldContext& ctx) {
    auto tokens = analyzer_.analyze(n.text);
    auto grouped = group_tokens(tokens);
    if (grouped.positions.size() != 1)
      throw QueryError(n.position, grouped.positions.empty()
                                       ? "wildcard needs a prefix, like mojah*"
                                       : "a wildcard needs a single word before '*'");
    const std::string& prefix = grouped.positions[0][0]->term;
    terms_.highlight_prefix(prefix);
    terms_.may_match_at_match_time();
    Xapian::Query q = terms_.wildcard_of(ctx.prefix + prefix);
    terms_.explain(ctx.label + n.text + "*", q);
    return q;
  }

  Xapian::Query near(const QueryNode& n, const FieldContext& ctx) {
    std::vector<Xapian::Query> parts;
    std::string label;
    for (const auto& child : n.children) {
      auto tokens = analyzer_.analyze(child.text);
      auto grouped = group_tokens(tokens);
      for (const auto& alternatives : grouped.positions) {
        parts.push_back(terms_.leaf(ctx.prefix + alternatives[0]->term));
        terms_.highlight_term(alternatives[0]->term);
      }
      label += (label.empty() ? "" : " NEAR ") + child.text;
    }
    if (parts.empty()) return Xapian::Query();
    if (parts.size() == 1) return parts.front();
    const auto window = static_cast<Xapian::termcount>(n.near_window + parts.size() - 1);
    Xapian::Query q = terms_.windowed(Xapian::Query::OP_NEAR, parts, window);
    terms_.explain(ctx.label + label, q);
    return q;
  }

  Xapian::Query field(const QueryNode& n, const FieldContext& ctx) {
    if (!ctx.body()) throw QueryError(n.position, "a field inside a field");
    if (n.text == "lang") {
      const std::string term = std::string(schema::kLanguage) + n.children[0].text;
      return terms_.scaled(terms_.leaf(term), 0.0);
    }
    FieldContext inner;
    if (n.text == "title") {
      inner.prefix = schema::kTitle;
    } else if (n.text == "section") {
      inner.prefix = schema::kSection;
    } else {
      inner.prefix = schema::field_prefix(n.text);
    }
    inner.label = n.text + ":";
    Xapian::Query q = node(n.children[0], inner);
    const bool infobox = n.text != "title" && n.text != "section";
    if (infobox && !q.empty() && options_.weights.field != 1.0)
      q = terms_.scaled(q, options_.weights.field);
    return q;
  }

  bool after_question_word_ = false;  // the word being built follows a question determiner
  std::map<std::string, std::vector<Token>, std::less<>> analyses_;  // see analyzed()

  analysis::Analyzer& analyzer_;
  const Xapian::Database& synonyms_;  // the index, or BuildOptions::synonyms
  const BuildOptions& options_;
  QueryTerms& terms_;
};

}  // namespace
}  // namespace query_building

QueryBuilder::QueryBuilder(analysis::Analyzer& analyzer, const Xapian::Database& db,
                           BuildOptions options)
    : analyzer_(analyzer), db_(db), options_(std::move(options)) {}

BuiltQuery QueryBuilder::build(const QueryNode& root) {
  query_building::QueryTerms terms(db_, options_);
  query_building::Builder builder(analyzer_, db_, options_, terms);
  Xapian::Query query = builder.node(root, query_building::FieldContext{});
  if (query.empty()) throw QueryError(root.position, "no searchable words in the query");
  return terms.finish(std::move(query));
}

}  // namespace kavosh::search
