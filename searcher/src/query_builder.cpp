// AST -> Xapian::Query, following the term layout documented in schema.hpp:
//  - a bare word is ranked on its stem ("Z" + stem_or_term) in the body, OR'd with the same
//    stem under the title prefix scaled by the title weight (and section/field weights when
//    set); Arabic-script words also try their Arabic-stemmer stem, index aliases are OR'd in
//    as OP_SYNONYM alternatives;
//  - "phrases", NEAR and =exact words use the unprefixed terms, which carry positions;
//  - a query word the analyzer splits into several positions (Mujahedin-e-Khalq, 5,000) is a
//    phrase of its parts, OR'd with any stacked compound token (span > 1) that joins them;
//  - lang: is a zero-weight boolean filter;
//  - in a ranked body word list, function words (function_words.hpp) are left out, a word
//    after چه/کدام/چند also matches without its indefinite ی, and two Persian words the text
//    may join (آسمان خراش) also match the joined word the index holds.
#include <algorithm>
#include <map>
#include <set>

#include "function_words.hpp"
#include "kavosh/format/schema.hpp"
#include "kavosh/format/term_filter.hpp"
#include "kavosh/search/query.hpp"

namespace kavosh::search {

namespace schema = kavosh::index::schema;
using analysis::Token;
using Kind = QueryNode::Kind;

namespace {

// Where a word is looked for: the body (with title/section boosts) or one prefixed field.
struct FieldContext {
  std::string prefix;  // "" for the body, else "S", "XH" or "XF<name>:"
  std::string label;   // "" or "title:" / "leader:" for --explain
  bool body() const { return prefix.empty(); }
};

Xapian::Query combine(Xapian::Query::op op, const std::vector<Xapian::Query>& parts) {
  std::vector<Xapian::Query> present;
  for (const auto& part : parts)
    if (!part.empty()) present.push_back(part);
  if (present.empty()) return Xapian::Query();
  if (present.size() == 1) return present.front();
  return Xapian::Query(op, present.begin(), present.end());
}

// A plain word of a word list, in order. Function words stay in the run (they are not queried
// on their own) so that compounds and alias n-grams still see them.
// Its term and stem are "" when the analyzer splits it into several positions.
struct RunWord {
  const QueryNode* node = nullptr;
  bool function_word = false;
  std::string term;
  std::string stem;
  bool arabic = false;  // written in Arabic script
};

// Tokens of one analyzed text, grouped the way the query needs them.
struct AnalyzedWord {
  std::vector<std::vector<const Token*>> positions;  // span-1 tokens per distinct position
  std::vector<const Token*> compounds;               // stacked tokens with span > 1
  bool arabic_script = false;
};

AnalyzedWord group_tokens(const std::vector<Token>& tokens) {
  AnalyzedWord word;
  std::uint32_t last_position = 0;
  for (const auto& token : tokens) {
    if (token.script == analysis::Script::Arabic) word.arabic_script = true;
    if (token.span > 1) {
      word.compounds.push_back(&token);
      continue;
    }
    if (word.positions.empty() || token.position != last_position) word.positions.emplace_back();
    word.positions.back().push_back(&token);
    last_position = token.position;
  }
  return word;
}

}  // namespace

struct QueryBuilder::State {
  BuiltQuery result;
  std::set<std::string> highlight_terms;
  std::set<std::string> highlight_prefixes;
  std::set<std::vector<std::string>> highlight_phrases;
  int excluded_depth = 0;       // inside -item / NOT's right side: no explain clauses
  bool keep_clauses = true;     // BuildOptions::explain_clauses
  bool keep_highlights = true;  // BuildOptions::highlights

  void explain(const std::string& label, const Xapian::Query& query) {
    if (keep_clauses && excluded_depth == 0 && !query.empty())
      result.clauses.push_back({label, query});
  }
  // Excluded words are never marked in snippets.
  void highlight_term(const std::string& term) {
    if (keep_highlights && excluded_depth == 0) highlight_terms.insert(term);
  }
  void highlight_stem(const std::string& stem) {
    if (keep_highlights && excluded_depth == 0)
      highlight_terms.insert(std::string(schema::kStemmed) + stem);
  }
  void highlight_prefix(const std::string& prefix) {
    if (keep_highlights && excluded_depth == 0) highlight_prefixes.insert(prefix);
  }
  void highlight_phrase(std::vector<std::string> terms) {
    if (keep_highlights && excluded_depth == 0) highlight_phrases.insert(std::move(terms));
  }
};

QueryBuilder::QueryBuilder(analysis::Analyzer& analyzer, const Xapian::Database& db,
                           BuildOptions options)
    : analyzer_(analyzer), db_(db), options_(options) {}

// Declared in function_words.hpp (the proximity boost reads it too).
const std::set<std::string, std::less<>>& function_word_terms(bool normalize_arabic_script) {
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
    add(function_words::kEnglish);
    add(function_words::kPersian);
    add(function_words::kArabic);
    return terms;
  };
  static const auto normalized = build(true);
  static const auto unnormalized = build(false);
  return normalize_arabic_script ? normalized : unnormalized;
}

namespace {

class Builder {
 public:
  Builder(analysis::Analyzer& analyzer, const Xapian::Database& db, const BuildOptions& options,
          QueryBuilder::State& state)
      : analyzer_(analyzer), db_(db), options_(options), state_(state) {}

  Xapian::Query node(const QueryNode& n, const FieldContext& ctx) {
    switch (n.kind) {
      case Kind::List:
        return list(n, ctx);
      case Kind::Or: {
        std::vector<Xapian::Query> parts;
        for (const auto& child : n.children) parts.push_back(node(child, ctx));
        return combine(Xapian::Query::OP_OR, parts);
      }
      case Kind::And: {
        std::vector<Xapian::Query> parts;
        for (const auto& child : n.children) parts.push_back(node(child, ctx));
        return combine(Xapian::Query::OP_AND, parts);
      }
      case Kind::AndNot: {
        Xapian::Query left = node(n.children[0], ctx);
        ++state_.excluded_depth;
        Xapian::Query right = node(n.children[1], ctx);
        --state_.excluded_depth;
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
  Xapian::Query list(const QueryNode& n, const FieldContext& ctx) {
    std::vector<Xapian::Query> required, optional, excluded, filters;
    std::vector<RunWord> run;  // adjacent plain words, for compounds and alias n-grams
    auto flush_run = [&] {
      extras_of_run(run, ctx, optional);
      run.clear();
    };
    // Each child typed as a word, analyzed once.
    std::vector<RunWord> words(n.children.size());
    for (std::size_t i = 0; i < n.children.size(); ++i) words[i] = run_word(n.children[i]);
    // Function words leave a ranked body list, unless nothing else would be left.
    std::vector<bool> droppable(n.children.size(), false);
    if (options_.drop_stopwords && ctx.body() && !options_.all_words) {
      const auto& function_terms = function_word_terms(analyzer_.options().normalize_arabic_script);
      for (std::size_t i = 0; i < n.children.size(); ++i)
        droppable[i] = n.children[i].modifier == QueryNode::Modifier::None &&
                       function_terms.count(words[i].term) > 0;
      if (std::find(droppable.begin(), droppable.end(), false) == droppable.end())
        droppable.assign(droppable.size(), false);
    }
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
      after_question_word_ = i > 0 && kQuestionDeterminers.count(words[i - 1].term) > 0;
      if (!plain_word) flush_run();
      if (child.modifier == QueryNode::Modifier::Excluded) {
        ++state_.excluded_depth;
        excluded.push_back(node(child, ctx));
        --state_.excluded_depth;
        continue;
      }
      if (child.kind == Kind::Field && child.text == "lang") {
        filters.push_back(node(child, ctx));
        continue;
      }
      Xapian::Query q = node(child, ctx);
      after_question_word_ = false;
      if (q.empty()) continue;
      if (plain_word) run.push_back(words[i]);
      if (child.modifier == QueryNode::Modifier::Required || options_.all_words)
        required.push_back(q);
      else
        optional.push_back(q);
    }
    flush_run();
    Xapian::Query positive;
    Xapian::Query must = combine(Xapian::Query::OP_AND, required);
    Xapian::Query may = combine(Xapian::Query::OP_OR, optional);
    if (must.empty())
      positive = may;
    else if (may.empty())
      positive = must;
    else
      positive = Xapian::Query(Xapian::Query::OP_AND_MAYBE, must, may);
    Xapian::Query filter = combine(Xapian::Query::OP_AND, filters);
    if (!filter.empty())
      positive =
          positive.empty() ? filter : Xapian::Query(Xapian::Query::OP_FILTER, positive, filter);
    Xapian::Query exclude = combine(Xapian::Query::OP_OR, excluded);
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

  // Bare words typed apart that the text may write as one (می روم -> میروم), and aliases of
  // several words (mujahedin khalq -> MKO): extra optional clauses.
  void extras_of_run(const std::vector<RunWord>& run, const FieldContext& ctx,
                     std::vector<Xapian::Query>& optional) {
    if (!ctx.body() || run.size() < 2) return;
    const auto& function_terms = function_word_terms(analyzer_.options().normalize_arabic_script);
    for (std::size_t i = 0; i + 1 < run.size(); ++i) {
      // The analyzer joins spaced compounds of Arabic-script words only.
      if (!run[i].arabic || !run[i + 1].arabic) continue;
      const std::string label = run[i].node->text + " " + run[i + 1].node->text;
      // Two one-term words analyze apart to span-1 tokens only, unless the analyzer joins
      // them: the pair's analysis (a seventh of a Persian query's building) is skipped then.
      const bool one_term_each = !run[i].term.empty() && !run[i + 1].term.empty();
      std::vector<Token> tokens;
      if (!one_term_each || analyzer_.joins_spaced(run[i].term, run[i + 1].term))
        tokens = analyzer_.analyze(label);
      bool joined_by_analyzer = false;
      for (const auto& token : tokens) {
        if (token.span < 2) continue;
        joined_by_analyzer = true;
        // "می شود" joins into a function word; "کتاب ها", "موسسه ای" join a word to a
        // dropped suffix: the word's own stem already covers them (and without its ZWNJ,
        // موسسهای stems like a plural, to موسس).
        if (function_terms.count(token.term) > 0 || run[i + 1].function_word) continue;
        if (token.stem_or_term() == run[i].stem || token.stem_or_term() == run[i + 1].stem)
          continue;
        add_compound(token, label, optional);
      }
      // Two words a document may write as one with ZWNJ (آسمان خراش ->
      // آسمان‌خراش, رباط
      // کریم -> رباط‌کریم): the joined word, when the index holds it. Persian only
      // (English "time sharing" -> "timesharing" hurt CACM), and not with function words.
      if (!joined_by_analyzer && !run[i].function_word && !run[i + 1].function_word &&
          !run[i].term.empty() && !run[i + 1].term.empty()) {
        const auto joined = analyzer_.analyze(run[i].term + run[i + 1].term);
        if (joined.size() == 1 && function_terms.count(joined[0].term) == 0 &&
            holds(std::string(schema::kStemmed) + joined[0].stem_or_term()))
          add_compound(joined[0], label, optional);
      }
    }
    if (!options_.aliases) return;
    for (std::size_t n = 2; n <= 4; ++n) {
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
        std::vector<Xapian::Query> alternatives = alias_queries(key);
        if (alternatives.empty()) continue;
        std::vector<Xapian::Query> phrase_terms;
        for (std::size_t k = i; k < i + n; ++k) phrase_terms.push_back(leaf(run[k].term));
        alternatives.insert(alternatives.begin(), windowed(Xapian::Query::OP_PHRASE, phrase_terms,
                                                           static_cast<Xapian::termcount>(n)));
        Xapian::Query q = combine(Xapian::Query::OP_SYNONYM, alternatives);
        state_.explain("alias:" + key, q);
        optional.push_back(q);
      }
    }
  }

  void add_compound(const Token& token, const std::string& label,
                    std::vector<Xapian::Query>& optional) {
    state_.highlight_stem(token.stem_or_term());
    state_.highlight_term(token.term);
    Xapian::Query q = leaf(std::string(schema::kStemmed) + token.stem_or_term());
    state_.explain(label, q);
    optional.push_back(q);
  }

  // The index's synonyms of `key`, each analyzed again: one term -> its stem, several -> a phrase.
  std::vector<Xapian::Query> alias_queries(const std::string& key) {
    std::vector<Xapian::Query> out;
    for (auto it = db_.synonyms_begin(key); it != db_.synonyms_end(key); ++it) {
      auto tokens = analyzer_.analyze(*it);
      auto grouped = group_tokens(tokens);
      if (grouped.positions.empty()) continue;
      if (grouped.positions.size() == 1) {
        const Token& t = *grouped.positions[0][0];
        out.push_back(leaf(std::string(schema::kStemmed) + t.stem_or_term()));
        state_.highlight_stem(t.stem_or_term());
        state_.highlight_term(t.term);
        continue;
      }
      std::vector<Xapian::Query> parts;
      std::vector<std::string> phrase_terms;
      for (const auto& alternatives : grouped.positions) {
        parts.push_back(leaf(alternatives[0]->term));
        phrase_terms.push_back(alternatives[0]->term);
      }
      state_.highlight_phrase(std::move(phrase_terms));
      out.push_back(
          windowed(Xapian::Query::OP_PHRASE, parts, static_cast<Xapian::termcount>(parts.size())));
    }
    return out;
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
        state_.highlight_term(t->term);
      }
      Xapian::Query q = synonym_of(terms);
      state_.explain(label, q);
      return q;
    }
    std::vector<std::string> stems;
    std::vector<std::string> bare_stems;
    for (const Token* t : alternatives) {
      bare_stems.push_back(t->stem_or_term());
      state_.highlight_stem(t->stem_or_term());
      state_.highlight_term(t->term);
    }
    if (options_.romanized_variants && alternatives[0]->script == analysis::Script::Latin) {
      for (const auto& variant : vowel_variants(alternatives[0]->term)) {
        for (const auto& t : analyzer_.analyze(variant)) {
          bare_stems.push_back(t.stem_or_term());
          state_.highlight_stem(t.stem_or_term());
          state_.highlight_term(t.term);
        }
      }
    }
    if (after_question_word_ && grouped.arabic_script) {
      // چه سالی -> also سال. At least three letters (two bytes each) must remain.
      const std::string& term = alternatives[0]->term;
      constexpr std::string_view kYe = "ی";
      if (term.size() >= 3 * 2 + kYe.size() && term.ends_with(kYe)) {
        for (const auto& t : analyzer_.analyze(term.substr(0, term.size() - kYe.size())))
          if (t.span == 1) {
            bare_stems.push_back(t.stem_or_term());
            state_.highlight_stem(t.stem_or_term());
          }
      }
    }
    if (grouped.arabic_script && options_.arabic_variant) {
      for (const Token* alternative : alternatives) {
        Token t = *alternative;
        analyzer_.restem(t, analysis::Language::Arabic);
        bare_stems.push_back(t.stem_or_term());
        state_.highlight_stem(t.stem_or_term());
      }
    }
    for (const auto& s : bare_stems)
      stems.push_back(std::string(schema::kStemmed) + ctx.prefix + s);
    stems = held_spellings(stems, /*keep_first=*/true);
    std::vector<Xapian::Query> body_parts{synonym_of(stems)};
    if (ctx.body() && options_.aliases) {
      for (auto& alias : alias_queries(alternatives[0]->term)) body_parts.push_back(alias);
    }
    Xapian::Query body = combine(Xapian::Query::OP_SYNONYM, body_parts);
    if (!ctx.body()) {
      state_.explain(label, body);
      return body;
    }
    state_.result.plain_words.push_back(text);
    state_.explain(label, body);
    std::vector<Xapian::Query> parts{body};
    auto boosted = [&](std::string_view prefix, double weight, const char* name) {
      if (weight <= 0) return;
      std::vector<std::string> prefixed;
      for (const auto& s : bare_stems)
        prefixed.push_back(std::string(schema::kStemmed) + std::string(prefix) + s);
      prefixed = held_spellings(prefixed, /*keep_first=*/false);  // most words are in no title
      if (prefixed.empty()) return;
      Xapian::Query q = scaled(synonym_of(prefixed), weight);
      state_.explain(std::string(name) + text, q);
      parts.push_back(q);
    };
    boosted(schema::kTitle, options_.weights.title, "title:");
    boosted(schema::kSection, options_.weights.section, "section:");
    return combine(Xapian::Query::OP_OR, parts);
  }

  // Every term the query matches by is made here, so that the query knows whether the term
  // filter leaves it anything to match (BuiltQuery::may_match).
  Xapian::Query leaf(std::string term) {
    if (state_.excluded_depth == 0 && !state_.result.may_match)
      state_.result.may_match = may_hold(term);
    return Xapian::Query(std::move(term));
  }

  // Every OP_SCALE_WEIGHT, OP_PHRASE, OP_NEAR and OP_WILDCARD of the query is made by one of
  // these four, which put its parameters on record (BuiltQuery::node_details) for the matcher:
  // Xapian cannot give them back.
  Xapian::Query scaled(const Xapian::Query& q, double factor) {
    NodeDetails& details = recorded(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, factor));
    details.factor = factor;
    return details.node;
  }
  Xapian::Query windowed(Xapian::Query::op op, const std::vector<Xapian::Query>& parts,
                         Xapian::termcount window) {
    NodeDetails& details = recorded(Xapian::Query(op, parts.begin(), parts.end(), window));
    details.window = window;
    return details.node;
  }
  Xapian::Query wildcard_of(const std::string& pattern) {
    NodeDetails& details =
        recorded(Xapian::Query(Xapian::Query::OP_WILDCARD, pattern, kWildcardExpansion,
                               Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT));
    details.pattern = pattern;
    details.max_expansion = kWildcardExpansion;
    return details.node;
  }
  NodeDetails& recorded(const Xapian::Query& q) {
    NodeDetails& details = state_.result.node_details[q.internal.get()];
    details = NodeDetails{};
    details.node = q;
    return details;
  }

  // One concept spelled several ways, weighed as one term; repeats are left out.
  Xapian::Query synonym_of(const std::vector<std::string>& terms) {
    std::vector<Xapian::Query> parts;
    for (auto term = terms.begin(); term != terms.end(); ++term)
      if (std::find(terms.begin(), term, *term) == term) parts.push_back(leaf(*term));
    return combine(Xapian::Query::OP_SYNONYM, parts);
  }

  // Whether the index holds `term`: the term filter rules most absent terms out without the
  // B-tree descent (and its block reads) that a lookup costs present or absent.
  bool holds(const std::string& term) const { return may_hold(term) && db_.term_exists(term); }

  // False only when the term filter rules `term` out; true without a filter.
  bool may_hold(const std::string& term) const {
    return options_.term_filter == nullptr || options_.term_filter->may_hold(term);
  }

  // The spellings of one word that the index holds, in order, without repeats. A term lookup
  // costs less than the leaf Xapian would open and weigh for a missing term, which adds
  // nothing to any score. With keep_first, terms[0] stays even when missing, so that a word
  // the index lacks still has a clause (for "did you mean").
  std::vector<std::string> held_spellings(const std::vector<std::string>& terms, bool keep_first) {
    std::vector<std::string> held;
    for (std::size_t i = 0; i < terms.size(); ++i) {
      if (std::find(held.begin(), held.end(), terms[i]) != held.end()) continue;
      if ((i == 0 && keep_first) || holds(terms[i])) held.push_back(terms[i]);
    }
    return held;
  }

  // Mujahedin-e-Khalq, می‌روم split by the analyzer: a phrase of the parts, or a compound.
  Xapian::Query split_word(const AnalyzedWord& grouped, const FieldContext& ctx, bool exact,
                           const std::string& label) {
    std::vector<Xapian::Query> parts;
    std::string key;
    std::vector<std::string> phrase_terms;
    for (const auto& alternatives : grouped.positions) {
      parts.push_back(leaf(ctx.prefix + alternatives[0]->term));
      phrase_terms.push_back(alternatives[0]->term);
      key += (key.empty() ? "" : " ") + alternatives[0]->term;
    }
    state_.highlight_phrase(std::move(phrase_terms));
    std::vector<Xapian::Query> options{
        windowed(Xapian::Query::OP_PHRASE, parts, static_cast<Xapian::termcount>(parts.size()))};
    for (const Token* compound : grouped.compounds) {
      state_.highlight_term(compound->term);
      if (exact) {
        options.push_back(leaf(ctx.prefix + compound->term));
      } else {
        state_.highlight_stem(compound->stem_or_term());
        options.push_back(
            leaf(std::string(schema::kStemmed) + ctx.prefix + compound->stem_or_term()));
      }
    }
    if (!exact && ctx.body() && options_.aliases)
      for (auto& alias : alias_queries(key)) options.push_back(alias);
    // One concept written several ways: SYNONYM weighs it as one term, not a sum of matches.
    Xapian::Query q = combine(Xapian::Query::OP_SYNONYM, options);
    state_.explain(label, q);
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
        state_.highlight_term(t->term);
      }
      Xapian::Query q = synonym_of(terms);
      state_.explain(ctx.label + "\"" + text + "\"", q);
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
    state_.highlight_prefix(prefix);
    if (state_.excluded_depth == 0)
      state_.result.may_match = true;  // completions are known only at match time
    Xapian::Query q = wildcard_of(ctx.prefix + prefix);
    state_.explain(ctx.label + n.text + "*", q);
    return q;
  }

  Xapian::Query near(const QueryNode& n, const FieldContext& ctx) {
    std::vector<Xapian::Query> parts;
    std::string label;
    for (const auto& child : n.children) {
      auto tokens = analyzer_.analyze(child.text);
      auto grouped = group_tokens(tokens);
      for (const auto& alternatives : grouped.positions) {
        parts.push_back(leaf(ctx.prefix + alternatives[0]->term));
        state_.highlight_term(alternatives[0]->term);
      }
      label += (label.empty() ? "" : " NEAR ") + child.text;
    }
    if (parts.empty()) return Xapian::Query();
    if (parts.size() == 1) return parts.front();
    const auto window = static_cast<Xapian::termcount>(n.near_window + parts.size() - 1);
    Xapian::Query q = windowed(Xapian::Query::OP_NEAR, parts, window);
    state_.explain(ctx.label + label, q);
    return q;
  }

  Xapian::Query field(const QueryNode& n, const FieldContext& ctx) {
    if (!ctx.body()) throw QueryError(n.position, "a field inside a field");
    if (n.text == "lang") {
      const std::string term = std::string(schema::kLanguage) + n.children[0].text;
      return scaled(leaf(term), 0.0);
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
      q = scaled(q, options_.weights.field);
    return q;
  }

  // Spellings of `term` with o<->u swapped (mojahedin / mujahedin, Khomeini / Khumeini) that the
  // index holds as body terms. Only o/u, and at most kMaxVowelSlots of them, so a query word
  // costs at most 7 term lookups.
  std::vector<std::string> vowel_variants(const std::string& term) {
    std::vector<std::string> found;
    if (term.size() < 6) return found;
    std::vector<std::size_t> slots;
    for (std::size_t i = 0; i < term.size(); ++i) {
      const char c = term[i];
      if (static_cast<unsigned char>(c) >= 0x80) return found;  // ASCII words only
      if ((c == 'o' || c == 'u') && slots.size() < kMaxVowelSlots) slots.push_back(i);
    }
    std::string variant;
    for (unsigned mask = 1; mask < (1u << slots.size()); ++mask) {
      variant = term;
      for (std::size_t k = 0; k < slots.size(); ++k)
        if (mask & (1u << k)) variant[slots[k]] = variant[slots[k]] == 'o' ? 'u' : 'o';
      if (holds(variant)) found.push_back(variant);
    }
    return found;
  }

  // چه، کدام، چند (normalized terms): in "چه سالی", "کدام کشوری" the next word carries the
  // indefinite ی that the answer does not have ("در سال ۱۳۱۶").
  static inline const std::set<std::string, std::less<>> kQuestionDeterminers = {
      "چه", "چی", "کدام", "کدوم", "کدامین", "چند", "چندمین"};
  bool after_question_word_ = false;  // the word being built follows a question determiner
  std::map<std::string, std::vector<Token>, std::less<>> analyses_;  // see analyzed()
  static constexpr std::size_t kMaxVowelSlots = 3;
  static constexpr Xapian::termcount kWildcardExpansion = 200;

  analysis::Analyzer& analyzer_;
  const Xapian::Database& db_;
  const BuildOptions& options_;
  QueryBuilder::State& state_;
};

}  // namespace

BuiltQuery QueryBuilder::build(const QueryNode& root) {
  State state;
  state.result.may_match = false;  // until a term the index may hold joins the query
  state.keep_clauses = options_.explain_clauses;
  state.keep_highlights = options_.highlights;
  Builder builder(analyzer_, db_, options_, state);
  state.result.query = builder.node(root, FieldContext{});
  if (state.result.query.empty())
    throw QueryError(root.position, "no searchable words in the query");
  state.result.highlight_terms.assign(state.highlight_terms.begin(), state.highlight_terms.end());
  state.result.highlight_prefixes.assign(state.highlight_prefixes.begin(),
                                         state.highlight_prefixes.end());
  state.result.highlight_phrases.assign(state.highlight_phrases.begin(),
                                        state.highlight_phrases.end());
  return std::move(state.result);
}

}  // namespace kavosh::search
