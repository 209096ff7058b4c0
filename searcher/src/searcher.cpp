// Searcher: parse -> build (query.hpp) -> Enquire with the chosen weighting scheme, collapse on
// the article id -> optional pseudo-relevance feedback -> hits from the stored document data
// -> snippets for the returned hits only -> optional per-clause explanation.
#include "kavosh/search/searcher.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <tuple>
#include <unordered_set>

#include "kavosh/format/match_data.hpp"
#include "kavosh/format/schema.hpp"
#include "kavosh/format/stored_passage.hpp"
#include "kavosh/format/term_filter.hpp"
#include "kavosh/search/query.hpp"
#include "kavosh/search/snippet.hpp"
#include "matcher/matcher.hpp"
#include "proximity.hpp"
#include "rm3.hpp"

namespace kavosh::search {

namespace schema = kavosh::index::schema;

namespace {

// BM25's k2 (a document-length correction Kavosh leaves off), k3 (query-term frequency
// saturation: 1, so a term typed once weighs 1) and the least normalized length a document is
// weighed as (Xapian's default); the top-k matcher's BM25 uses the same.
constexpr double kBm25K2 = 0;
constexpr double kBm25K3 = 1;
constexpr double kBm25MinNormlen = 0.5;

std::unique_ptr<Xapian::Weight> make_weight(const SearchRequest& r) {
  if (r.model == "bm25")
    return std::make_unique<Xapian::BM25Weight>(r.k1, kBm25K2, kBm25K3, r.b, kBm25MinNormlen);
  if (r.model == "bm25+")
    return std::make_unique<Xapian::BM25PlusWeight>(r.k1, kBm25K2, kBm25K3, r.b, kBm25MinNormlen,
                                                    r.bm25plus_delta);
  if (r.model == "lm")
    return std::make_unique<Xapian::LMWeight>(0.0, Xapian::Weight::DIRICHLET_SMOOTHING, r.mu, 0.0);
  if (r.model == "pl2") return std::make_unique<Xapian::PL2Weight>(r.pl2_c);
  if (r.model == "dph") return std::make_unique<Xapian::DPHWeight>();
  if (r.model == "tfidf") return std::make_unique<Xapian::TfIdfWeight>(r.tfidf_normalizations);
  throw std::invalid_argument("unknown ranking model '" + r.model +
                              "' (bm25, bm25+, lm, pl2, dph, tfidf)");
}

// Everything make_weight() reads: the weighting scheme is rebuilt only when it changes
// (formatting these as a string key was ~10 k instructions per query).
using WeightKey = std::tuple<std::string, double, double, double, double, double, std::string>;
WeightKey weight_key(const SearchRequest& r) {
  return {r.model, r.k1, r.b, r.mu, r.pl2_c, r.bm25plus_delta, r.tfidf_normalizations};
}

// Expansion terms: body stems only (kStemmed + a lowercase or non-ASCII first byte), not already
// in the query.
class BodyStemDecider : public Xapian::ExpandDecider {
 public:
  explicit BodyStemDecider(std::set<std::string> query_terms)
      : query_terms_(std::move(query_terms)) {}
  bool operator()(const std::string& term) const override {
    if (term.size() < 3 || term[0] != schema::kStemmed[0]) return false;
    const auto second = static_cast<unsigned char>(term[1]);
    if (second >= 'A' && second <= 'Z') return false;
    if (second >= '0' && second <= '9') return false;
    return !query_terms_.count(term);
  }

 private:
  std::set<std::string> query_terms_;
};

class DocidSet : public Xapian::MatchDecider {
 public:
  explicit DocidSet(std::unordered_set<Xapian::docid> ids) : ids_(std::move(ids)) {}
  bool operator()(const Xapian::Document& doc) const override {
    return ids_.count(doc.get_docid());
  }

 private:
  std::unordered_set<Xapian::docid> ids_;
};

// The first moments of a first kavosh-index run (indexer/README.md): the directory holds its
// shards (schema::is_shard_name) or a writer's lock, and nothing with the schema metadata has
// been committed yet. Without this a search then said "database not found" or "schema (none):
// re-index it", and the user killed a run that was going well.
bool first_run_under_way(const std::filesystem::path& database) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(database, ec)) {
    const std::string name = entry.path().filename().string();
    if (schema::is_shard_name(name) || name == schema::kXapianLockFile) return true;
  }
  return false;
}

// Levenshtein distance of two ASCII field names, with '-' and '_' counted as the same.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const auto same = [](char x, char y) {
    return x == y || ((x == '-' || x == '_') && (y == '-' || y == '_'));
  };
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] =
          std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same(a[i - 1], b[j - 1]) ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// What the index's documents were analyzed with, so queries meet the same terms.
analysis::AnalyzerOptions index_analysis(const Xapian::Database& db) {
  analysis::AnalyzerOptions options;
  const std::string normalize = db.get_metadata(std::string(schema::kMetaNormalizeArabicScript));
  if (normalize == "0") options.normalize_arabic_script = false;
  return options;
}

// The ranked page of a search, from whichever matcher answered.
struct Ranking {
  std::vector<matcher::ScoredDoc> docs;    // best first, from the request's offset on
  std::vector<std::string> collapse_keys;  // with collapsing through Enquire: each doc's article id
  Xapian::doccount estimated_matches = 0;
  Xapian::doccount matches_lower_bound = 0;
  Xapian::doccount matches_upper_bound = 0;
};

}  // namespace

struct Searcher::Impl {
  std::filesystem::path path;
  Xapian::Database db;
  analysis::AnalyzerOptions analysis_options;
  analysis::Analyzer analyzer;
  Xapian::Enquire enquire;
  std::optional<WeightKey> current_weight;
  std::map<std::string, bool, std::less<>> known_fields;
  std::optional<Xapian::Database> spelling;  // opened on the first "did you mean"

  explicit Impl(const std::filesystem::path& p)
      : path(p),
        db(open(p)),
        analysis_options(index_analysis(db)),
        analyzer(analysis_options),
        enquire(db) {}
  Impl(const std::filesystem::path& p, const analysis::AnalyzerOptions& options)
      : path(p), db(open(p)), analysis_options(options), analyzer(analysis_options), enquire(db) {}

  static Xapian::Database open(const std::filesystem::path& p) {
    std::error_code ec;
    if (!std::filesystem::exists(p, ec))
      throw std::runtime_error("database not found: " + p.string());
    if (!std::filesystem::is_directory(p, ec))
      throw std::runtime_error("not a database directory: " + p.string());
    const auto being_created = [&p] {
      return std::runtime_error("database " + p.string() +
                                ": the index is being created (a first kavosh-index run has "
                                "not committed yet); search again when it has");
    };
    Xapian::Database db;
    try {
      db = Xapian::Database(p.string());
    } catch (const Xapian::Error& e) {
      if (first_run_under_way(p)) throw being_created();
      throw std::runtime_error("cannot open database " + p.string() + ": " + e.get_msg());
    }
    // The stored passage layout changes with the schema; an index of another version (or
    // none: not written by kavosh-index) cannot be read and must be rebuilt.
    const std::string version = db.get_metadata(std::string(schema::kMetaSchemaVersion));
    if (version.empty() && first_run_under_way(p)) throw being_created();
    if (version != schema::kSchemaVersion)
      throw std::runtime_error(
          "database " + p.string() + " has index schema " + (version.empty() ? "(none)" : version) +
          ", this kavosh-search reads schema " + std::string(schema::kSchemaVersion) +
          ": re-index it with kavosh-index --rebuild");
    return db;
  }

  // The indexer keeps the spelling dictionary in a database of its own (schema::spelling_path);
  // an index written with --no-spelling has none, and gets no suggestions.
  Xapian::Database& spelling_dictionary() {
    if (!spelling) {
      const std::filesystem::path dictionary = schema::spelling_path(path);
      std::error_code ec;
      spelling = std::filesystem::is_directory(dictionary, ec)
                     ? Xapian::Database(dictionary.string())
                     : Xapian::Database();
    } else {
      spelling->reopen();  // an indexer may have committed since
    }
    return *spelling;
  }

  // Xapian 1.4.22's matcher, once the MSet is full, skips documents that belong in it (issue
  // 24: 5 of ParsiNLU's 1295 questions lost a passage at --limit 1, 3 or 10; a plain-Xapian
  // case is XapianBehaviour.* in tests/searcher/topk_test.cpp). Not the index: every query
  // term's wdf bound and the doclength bounds are at or above the real maxima, and a copy
  // written document by document (no shards, no compaction) loses the same documents. Not
  // OP_SYNONYM alone: a plain OR of four terms loses one too. BM25's bounds scaled by 1.05 still
  // lose it, so no looser bound is known to be safe. Asked to check every document, the
  // matcher never raises its minimum weight and the top k is the first k of the whole ranking,
  // at a cost measured in searcher/README.md. Drop this once Debian's Xapian ranks exactly.
  Xapian::doccount exact_top_k() const { return db.get_doccount(); }

  bool is_known_field(std::string_view name) {
    auto found = known_fields.find(name);
    if (found != known_fields.end()) return found->second;
    const std::string prefix = schema::field_prefix(name);
    const bool known = db.allterms_begin(prefix) != db.allterms_end(prefix);
    known_fields.emplace(std::string(name), known);
    return known;
  }

  // What an unknown field's message adds: the nearest field name the index holds (a typo, or
  // '-' for '_': secretary-general for secretary_general) and the first of them.
  std::string fields_hint(const std::string& unknown) {
    constexpr std::size_t kFieldsRead = 1000, kFieldsListed = 20;
    std::vector<std::string> names = {"title", "section", "lang"};
    const std::string prefix(schema::kFieldPrefix);
    for (auto it = db.allterms_begin(prefix);
         it != db.allterms_end(prefix) && names.size() < kFieldsRead;) {
      const std::string term = *it;
      const auto colon = term.find(':', prefix.size());
      if (colon == std::string::npos) {
        ++it;
        continue;
      }
      names.push_back(term.substr(prefix.size(), colon - prefix.size()));
      it.skip_to(term.substr(0, colon) + static_cast<char>(':' + 1));  // past this field's words
    }
    std::string nearest;
    std::size_t nearest_distance = std::max<std::size_t>(2, unknown.size() / 4) + 1;
    for (const auto& name : names) {
      const std::size_t distance = edit_distance(unknown, name);
      if (distance < nearest_distance) {
        nearest = name;
        nearest_distance = distance;
      }
    }
    std::string hint = nearest.empty() ? " (" : " (did you mean " + nearest + ":? ";
    hint += "fields of this index: ";
    for (std::size_t i = 0; i < names.size() && i < kFieldsListed; ++i)
      hint += (i ? ", " : "") + names[i];
    return hint + (names.size() > kFieldsListed ? ", …)" : ")");
  }

  // Facts about the whole index that decide the shape of every query, read again only when
  // the database was reopened at another revision: looked up per query, they were 4 % of a
  // rare-word query's instructions and more for a Persian one.
  struct IndexFacts {
    // The indexer counts only articles with at least one passage (kMetaArticleCount), so
    // equal counts mean no two passages share an article.
    bool one_passage_per_article = false;
    bool has_synonyms = false;  // without any, alias lookups per query word are skipped
    std::optional<index::TermFilter> term_filter;  // the indexer's, when made for this revision
    std::optional<index::MatchData> match_data;    // the same, for the top-k matcher
    std::optional<Xapian::rev> revision;           // of the database the facts were read from
  };
  const IndexFacts& index_facts() {
    // An index still in a first run's shards has no single revision: facts are read each time.
    std::optional<Xapian::rev> revision;
    try {
      revision = db.get_revision();
    } catch (const Xapian::InvalidOperationError&) {
    }
    if (!revision || facts.revision != revision) {
      facts = IndexFacts{};
      facts.revision = revision;
      const std::string articles = db.get_metadata(std::string(schema::kMetaArticleCount));
      try {
        facts.one_passage_per_article =
            !articles.empty() && std::stoull(articles) == db.get_doccount();
      } catch (const std::exception&) {
      }
      facts.has_synonyms = db.synonym_keys_begin() != db.synonym_keys_end();
      facts.term_filter = index::TermFilter::read(index::term_filter_path(path), db);
      facts.match_data = index::MatchData::read(index::match_data_path(path), db);
    }
    return facts;
  }
  IndexFacts facts;

  void set_weight(const SearchRequest& r) {
    WeightKey key = weight_key(r);
    if (key == current_weight) return;
    auto weight = make_weight(r);
    enquire.set_weighting_scheme(*weight);
    current_weight = std::move(key);
  }

  SearchResults run(const SearchRequest& r);
  Xapian::Query with_ranking_features(const SearchRequest& r, const QueryNode& ast,
                                      BuiltQuery& built, Xapian::Query query,
                                      const IndexFacts& current_facts, SearchResults& results);
  Ranking rank(const SearchRequest& r, const BuiltQuery& built, const Xapian::Query& query,
               const IndexFacts& facts, bool collapsed, SearchResults& results);
  void explain(const SearchRequest& r, const BuiltQuery& built, const Ranking& ranking,
               SearchResults& results, const Xapian::Query& expansion);
  std::string suggest(const SearchRequest& r, const BuiltQuery& built,
                      Xapian::doccount matches_lower_bound);
};

Searcher::Searcher(const std::filesystem::path& db_path) : impl_(std::make_unique<Impl>(db_path)) {}
Searcher::Searcher(const std::filesystem::path& db_path, const analysis::AnalyzerOptions& analysis)
    : impl_(std::make_unique<Impl>(db_path, analysis)) {}
Searcher::~Searcher() = default;
Searcher::Searcher(Searcher&&) noexcept = default;
Searcher& Searcher::operator=(Searcher&&) noexcept = default;

std::uint64_t Searcher::passage_count() const { return impl_->db.get_doccount(); }
const analysis::AnalyzerOptions& Searcher::analyzer_options() const {
  return impl_->analysis_options;
}

SearchResults Searcher::search(const SearchRequest& request) {
  try {
    return impl_->run(request);
  } catch (const Xapian::DatabaseModifiedError&) {
    impl_->db.reopen();  // an indexer committed meanwhile: one retry on the fresh revision
    return impl_->run(request);
  } catch (const Xapian::Error& e) {
    throw std::runtime_error("search failed on " + impl_->path.string() + ": " + e.get_msg());
  }
}

SearchResults Searcher::Impl::run(const SearchRequest& r) {
  SearchResults results;
  const auto known_field = [this](std::string_view name) { return is_known_field(name); };
  QueryNode ast;
  try {
    try {
      ast = parse_query(r.query, known_field, r.malformed_as_plain_words);
    } catch (const UnknownFieldError& e) {
      throw QueryError(e.position(), e.message() + fields_hint(e.field()));
    }
  } catch (const QueryError& e) {
    if (!r.malformed_as_plain_words) throw;
    results.parse_fallback = e.what();
    ast = parse_query(as_plain_words(r.query), known_field);
  }
  // Read once: an index without a single revision (a first run's shards) reads its facts
  // again at every call.
  const IndexFacts& current_facts = index_facts();
  BuildOptions options;
  options.all_words = r.all_words;
  options.aliases = r.aliases && current_facts.has_synonyms;
  options.term_filter = current_facts.term_filter ? &*current_facts.term_filter : nullptr;
  options.arabic_variant = r.arabic_variant;
  options.romanized_variants = r.romanized_variants;
  options.drop_stopwords = r.drop_stopwords;
  options.weights.title = r.title_weight;
  options.weights.section = r.section_weight;
  options.weights.field = r.field_weight;
  options.explain_clauses = r.explain;
  options.highlights = r.snippets;
  BuiltQuery built = QueryBuilder(analyzer, db, options).build(ast);

  Xapian::Query query = built.query;
  if (!r.language.empty()) {
    const auto language = analysis::parse_language_code(r.language);
    if (!language)
      throw std::invalid_argument("unknown language '" + r.language + "' (en, fa, ar, other)");
    query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                          Xapian::Query(std::string(schema::kLanguage) +
                                        std::string(analysis::language_code(*language))));
  }
  set_weight(r);
  // Collapsing reads the article id value of every candidate (about a quarter of the match
  // time, measured with callgrind); when every article is one passage it cannot change the
  // result, so it is skipped.
  const bool single_passages = current_facts.one_passage_per_article;
  const bool collapsed = r.collapse && !single_passages;
  if (collapsed)
    enquire.set_collapse_key(schema::kSlotArticleId);
  else
    enquire.set_collapse_key(Xapian::BAD_VALUENO);

  // A query that cannot match (BuiltQuery::may_match) skips the match: on a small index, a
  // zero-hit query cost more in Xapian's match setup (term statistics, a postlist tree of empty
  // leaves) than in building.
  Xapian::Query expansion;
  if (r.prf_documents > 0 && built.may_match) {
    enquire.set_query(query);
    Xapian::MSet feedback = enquire.get_mset(0, r.prf_documents, exact_top_k());
    if (!feedback.empty()) {
      Xapian::RSet rset;
      for (auto it = feedback.begin(); it != feedback.end(); ++it) rset.add_document(*it);
      std::set<std::string> query_terms(query.get_terms_begin(), query.get_terms_end());
      BodyStemDecider decider(std::move(query_terms));
      Xapian::ESet eset = enquire.get_eset(r.prf_terms, rset, &decider);
      std::vector<Xapian::Query> terms;
      double top = eset.empty() ? 1.0 : eset.begin().get_weight();
      for (auto it = eset.begin(); it != eset.end(); ++it)
        terms.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(*it),
                           top > 0 ? it.get_weight() / top : 1.0);
      if (!terms.empty()) {
        expansion = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                  Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()),
                                  r.prf_weight);
        query = Xapian::Query(Xapian::Query::OP_OR, query, expansion);
      }
    }
  }
  if (built.may_match && (r.proximity || r.rm3 != SearchRequest::Rm3::Off))
    query = with_ranking_features(r, ast, built, query, current_facts, results);
  if (r.describe_query) results.query_description = query.get_description();
  Ranking ranking;
  if (built.may_match)
    ranking = rank(r, built, query, current_facts, collapsed, results);
  else
    results.matcher = "none (the index holds no term of the query)";
  results.estimated_matches = ranking.estimated_matches;
  results.matches_lower_bound = ranking.matches_lower_bound;
  results.matches_upper_bound = ranking.matches_upper_bound;

  // Without hits there is nothing to read or cut: the value stream and wildcard completions
  // below cost a zero-hit query more than its match on a small index.
  const bool make_snippets = r.snippets && !ranking.docs.empty();
  std::optional<SnippetMaker> snippets;
  SnippetQuery snippet_query;
  if (make_snippets)
    snippet_query = {built.highlight_terms, built.highlight_prefixes, built.highlight_phrases};
  if (make_snippets && !snippet_query.prefixes.empty()) {
    // Wildcard prefixes become the index terms completing them (what Xapian's wildcard
    // expansion matched), so snippets still match by hash; with more completions than this,
    // snippets analyse each hit's text instead.
    constexpr std::size_t kMaxSnippetCompletions = 512;
    bool expanded = true;
    for (const auto& prefix : snippet_query.prefixes) {
      for (auto t = db.allterms_begin(prefix); expanded && t != db.allterms_end(prefix); ++t) {
        expanded = snippet_query.completions.size() < kMaxSnippetCompletions;
        if (expanded) snippet_query.completions.push_back(*t);
      }
    }
    snippet_query.prefixes_expanded = expanded;
    if (!expanded) snippet_query.completions.clear();
  }
  if (make_snippets) {
    const double passages = static_cast<double>(std::max<Xapian::doccount>(db.get_doccount(), 1));
    snippets.emplace(analyzer, SnippetOptions{r.snippet_words, r.snippet_bytes},
                     [this, passages](const std::string& key) {
                       const double frequency = db.get_termfreq(key);
                       return std::log((passages + 1) / (frequency + 0.5));
                     });
  }
  // The stored records of all hits, read in docid order through one value stream: its cursor
  // keeps the B-tree blocks it has read, where a get_value() per document walks (and reads)
  // the tree from the root again.
  std::vector<std::string> records;
  if ((r.hit_details || r.snippets) && !ranking.docs.empty()) {
    std::vector<std::pair<Xapian::docid, std::size_t>> by_docid;
    for (const auto& doc : ranking.docs) by_docid.emplace_back(doc.docid, by_docid.size());
    std::sort(by_docid.begin(), by_docid.end());
    records.resize(by_docid.size());
    auto value = db.valuestream_begin(schema::kSlotStoredPassage);
    for (const auto& [docid, hit_index] : by_docid) {
      if (value == db.valuestream_end(schema::kSlotStoredPassage)) break;
      value.skip_to(docid);
      if (value != db.valuestream_end(schema::kSlotStoredPassage) && value.get_docid() == docid)
        records[hit_index] = *value;
    }
  }
  for (std::size_t i = 0; i < ranking.docs.size(); ++i) {
    const Xapian::docid docid = ranking.docs[i].docid;
    Hit hit;
    hit.rank = r.offset + static_cast<unsigned>(i) + 1;
    hit.score = ranking.docs[i].score;
    // Each value read costs a value-stream seek: the stored record holds the ids too, so with
    // it the id slots are not read; collapsing has read the article id already; without
    // several passages to an article, an article's only passage is number 0.
    if (!r.hit_details && !r.snippets) {
      const Xapian::Document doc = db.get_document(docid);
      hit.article = ranking.collapse_keys.empty() ? doc.get_value(schema::kSlotArticleId)
                                                  : ranking.collapse_keys[i];
      if (!single_passages) {
        const std::string passage_no = doc.get_value(schema::kSlotPassageNo);
        if (!passage_no.empty())
          hit.passage = static_cast<unsigned>(Xapian::sortable_unserialise(passage_no));
      }
    } else {
      const std::string& stored = records[i];
      try {
        const index::StoredPassageView data = index::StoredPassageView::parse(stored);
        hit.article = data.article;
        hit.passage = data.passage;
        hit.title = data.title;
        hit.section = data.section;
        hit.lang = data.lang;
        if (snippets) {
          Snippet s = snippets->make(data, snippet_query);
          hit.snippet = std::move(s.text);
          hit.highlights = std::move(s.highlights);
        }
      } catch (const index::CorruptStoredPassage& e) {
        throw std::runtime_error(path.string() + ", passage of article " +
                                 db.get_document(docid).get_value(schema::kSlotArticleId) +
                                 " (docid " + std::to_string(docid) + "): " + e.what());
      }
    }
    hit.id = schema::passage_id(hit.article, hit.passage);
    results.hits.push_back(std::move(hit));
  }
  if (r.explain && !ranking.docs.empty()) explain(r, built, ranking, results, expansion);
  if (r.spelling) results.did_you_mean = suggest(r, built, ranking.matches_lower_bound);
  return results;
}

// The proximity boost (never a match of its own: AND_MAYBE) and the RM3 round, whose first
// pass ranks passages (not articles) with whichever matcher covers the query.
Xapian::Query Searcher::Impl::with_ranking_features(const SearchRequest& r, const QueryNode& ast,
                                                    BuiltQuery& built, Xapian::Query query,
                                                    const IndexFacts& current_facts,
                                                    SearchResults& results) {
  const std::vector<std::string> content = proximity::content_terms(ast, analyzer);
  if (r.proximity) {
    proximity::Parameters parameters;
    parameters.k1 = r.k1;
    parameters.b = r.b;
    const Xapian::Query boost = proximity::boost(db, content, parameters);
    if (!boost.empty()) query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, query, boost);
  }
  if (r.rm3 == SearchRequest::Rm3::Off) return query;
  SearchRequest first = r;
  first.offset = 0;
  first.limit = r.rm3_documents;
  SearchResults first_results;
  const Ranking pass = rank(first, built, query, current_facts, false, first_results);
  std::vector<std::pair<Xapian::docid, double>> top;
  for (const auto& doc : pass.docs) top.emplace_back(doc.docid, doc.score);
  rm3::Parameters parameters;
  parameters.feedback_documents = r.rm3_documents;
  parameters.feedback_terms = r.rm3_terms;
  parameters.original_query_weight = r.rm3_original_weight;
  const double min_ratio = r.rm3 == SearchRequest::Rm3::Auto ? r.rm3_auto_min_score_ratio : 0;
  return rm3::feedback_query(db, top, query, content.size(), parameters, min_ratio,
                             built.node_details, results.feedback);
}

// The block-max matcher answers when it covers the search: BM25 (the model whose bounds it
// derives), no feedback round, match data for this revision, and a query of the shapes
// matcher/plan.hpp reads. Enquire answers the rest, and whenever the request asks for it.
Ranking Searcher::Impl::rank(const SearchRequest& r, const BuiltQuery& built,
                             const Xapian::Query& query, const IndexFacts& current_facts,
                             bool collapsed, SearchResults& results) {
  Ranking ranking;
  std::string why;
  std::optional<matcher::MatchPlan> plan;
  if (r.matcher == SearchRequest::Matcher::Xapian)
    why = "--matcher xapian";
  else if (r.model != "bm25")
    why = "model " + r.model;
  else if (r.prf_documents > 0)
    why = "feedback";
  else if (!current_facts.match_data)
    why = "no match data for this revision";
  else
    plan = matcher::plan_query(query, built.node_details, db, &why);
  if (plan) {
    results.matcher = "block-max";
    const matcher::TopK top = matcher::block_max_maxscore(
        db, *current_facts.match_data, *plan, matcher::Bm25Parameters{r.k1, r.b, kBm25MinNormlen},
        r.offset + r.limit, collapsed);
    ranking.estimated_matches = top.estimated_matches;
    ranking.matches_lower_bound = top.matches_lower_bound;
    ranking.matches_upper_bound = top.matches_upper_bound;
    if (top.docs.size() > r.offset)
      ranking.docs.assign(top.docs.begin() + r.offset, top.docs.end());
    return ranking;
  }
  results.matcher = "xapian (" + why + ")";
  enquire.set_query(query);
  const Xapian::MSet mset = enquire.get_mset(r.offset, r.limit, exact_top_k());
  ranking.estimated_matches = mset.get_matches_estimated();
  ranking.matches_lower_bound = mset.get_matches_lower_bound();
  ranking.matches_upper_bound = mset.get_matches_upper_bound();
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    ranking.docs.push_back({*it, it.get_weight()});
    if (collapsed) ranking.collapse_keys.push_back(it.get_collapse_key());
  }
  return ranking;
}

// Each clause is re-run alone, restricted to the hits' passages, with the same weighting
// scheme: for the additive schemes offered here the clause weights sum to the hit's score
// (up to BM25's query-length factor, which is 1 for the default k3 and one copy of a term).
void Searcher::Impl::explain(const SearchRequest& r, const BuiltQuery& built,
                             const Ranking& ranking, SearchResults& results,
                             const Xapian::Query& expansion) {
  std::unordered_set<Xapian::docid> ids;
  std::map<Xapian::docid, std::size_t> hit_of;
  for (std::size_t i = 0; i < ranking.docs.size(); ++i) {
    ids.insert(ranking.docs[i].docid);
    hit_of[ranking.docs[i].docid] = i;
  }
  DocidSet decider(ids);
  Xapian::Enquire single(db);
  auto weight = make_weight(r);
  single.set_weighting_scheme(*weight);
  std::vector<ExplainClause> clauses = built.clauses;
  if (!expansion.empty()) clauses.push_back({"prf", expansion});
  for (const auto& clause : clauses) {
    single.set_query(clause.query);
    Xapian::MSet part =
        single.get_mset(0, static_cast<Xapian::doccount>(ids.size()), nullptr, &decider);
    for (auto it = part.begin(); it != part.end(); ++it) {
      auto& hit = results.hits[hit_of[*it]];
      hit.explanation.push_back({clause.label, it.get_weight()});
    }
  }
}

// "Did you mean": when the query finds fewer than kFewMatches, each typed bare word the index
// holds neither as a term nor as a stem is replaced by the index's spelling suggestion, when
// there is one. A query that finds enough is not second-guessed, and a word whose stem the
// index holds is no misspelling ("run" of "running" was "corrected" to "sun" beside its hit).
std::string Searcher::Impl::suggest(const SearchRequest& r, const BuiltQuery& built,
                                    Xapian::doccount matches_lower_bound) {
  constexpr Xapian::doccount kFewMatches = 3;
  if (matches_lower_bound >= kFewMatches) return {};
  std::string corrected = r.query;
  bool changed = false;
  Xapian::Database* dictionary = nullptr;  // opened (or reopened) at the first unknown word
  bool keyed = false;                      // its words are schema::spelling_key keys
  for (const auto& word : built.plain_words) {
    auto tokens = analyzer.analyze(word);
    if (tokens.size() != 1) continue;
    const std::string& term = tokens[0].term;
    if (db.get_termfreq(term) > 0 ||
        db.get_termfreq(std::string(schema::kStemmed) + tokens[0].stem_or_term()) > 0)
      continue;
    if (!dictionary) {
      dictionary = &spelling_dictionary();
      keyed =
          dictionary->get_metadata(std::string(schema::kMetaSpellingKeys)) == schema::kSpellingKeys;
    }
    const auto key = keyed ? schema::spelling_key(term) : term;
    if (!key) continue;
    std::string suggestion = schema::spelling_word(dictionary->get_spelling_suggestion(*key));
    if (suggestion.empty() || suggestion == term) continue;
    const auto at = corrected.find(word);
    if (at == std::string::npos) continue;
    corrected.replace(at, word.size(), suggestion);
    changed = true;
  }
  return changed ? corrected : std::string();
}

}  // namespace kavosh::search
