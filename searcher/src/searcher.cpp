// Searcher: parse -> build (query.hpp) -> match (match.hpp: the block-max matcher or Enquire,
// with the chosen weighting scheme, collapse on the article id, optional pseudo-relevance
// feedback) -> hits from the stored records, with snippets (records.hpp) -> optional per-clause
// explanation (explain.hpp) -> "did you mean" (did_you_mean.hpp). This file opens the index and
// keeps what is read once per revision; the steps are their own units.
#include "kavosh/search/searcher.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>

#include "did_you_mean.hpp"
#include "explain.hpp"
#include "index_sources.hpp"
#include "kavosh/format/match_data.hpp"
#include "kavosh/format/record_dictionary.hpp"
#include "kavosh/format/schema.hpp"
#include "kavosh/format/term_filter.hpp"
#include "kavosh/search/query.hpp"
#include "kavosh/search/settings.hpp"
#include "kavosh/xapian/errors.hpp"
#include "kavosh/xapian/open_database.hpp"
#include "match.hpp"
#include "matcher/best_postings.hpp"
#include "matcher/body_positions.hpp"
#include "ranking_features.hpp"
#include "records.hpp"
#include "weighting.hpp"

namespace kavosh::search {

namespace schema = kavosh::index::schema;

namespace {

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

// A stemmer the index names in metadata `key` (`older` when it names none), parsed by `parse`.
template <typename Parse>
auto index_stemmer(const Xapian::Database& db, const std::string& index_name, std::string_view key,
                   std::string_view older, Parse parse) {
  std::string name = db.get_metadata(std::string(key));
  if (name.empty()) name = older;
  const auto stemmer = parse(name);
  if (!stemmer)
    throw std::runtime_error("database " + index_name + " was stemmed with '" + name + "' (" +
                             std::string(key) +
                             "), which this kavosh-search does not know: re-index it with "
                             "kavosh-index --rebuild");
  return *stemmer;
}

// What the index's documents were analyzed with, so queries meet the same terms.
analysis::AnalyzerOptions index_analysis(const Xapian::Database& db,
                                         const std::string& index_name) {
  analysis::AnalyzerOptions options;
  const std::string normalize = db.get_metadata(std::string(schema::kMetaNormalizeArabicScript));
  if (normalize == "0") options.normalize_arabic_script = false;
  options.english_stemmer =
      index_stemmer(db, index_name, schema::kMetaEnglishStemmer,
                    schema::kEnglishStemmerOfOlderIndexes, analysis::parse_english_stemmer);
  options.persian_stemmer =
      index_stemmer(db, index_name, schema::kMetaPersianStemmer,
                    schema::kPersianStemmerOfOlderIndexes, analysis::parse_persian_stemmer);
  return options;
}

}  // namespace

struct Searcher::Impl {
  IndexSources sources;
  OpenedIndex index;
  std::filesystem::path& path = index.side_files;  // the side files' directory, or empty
  Xapian::Database& db = index.db;
  analysis::AnalyzerOptions analysis_options;
  bool analysis_from_index = true;  // else given by the caller (the normalization ablation)
  analysis::Analyzer analyzer;
  Xapian::Enquire enquire;
  EnquireWeighting weighting;
  std::map<std::string, bool, std::less<>> known_fields;
  DidYouMean did_you_mean;

  explicit Impl(const IndexSources& sources_given)
      : sources(sources_given),
        index(open_index(sources)),
        analysis_options(index_analysis(db, index.name)),
        analyzer(analysis_options),
        enquire(db),
        did_you_mean(path) {}
  Impl(const IndexSources& sources_given, const analysis::AnalyzerOptions& options)
      : sources(sources_given),
        index(open_index(sources)),
        analysis_options(options),
        analysis_from_index(false),
        analyzer(analysis_options),
        enquire(db),
        did_you_mean(path) {}

  // The index at its latest revision. A reopen that commits overtook may leave tables of two
  // revisions (open_database.hpp): then the sources are opened afresh, with a new Enquire (it
  // holds the old tables) and facts read again.
  // What a query's field names met is the old revision's: a field a commit added is known now.
  // And an index rebuilt with another stemmer (or normalization) records it: queries follow.
  // `committed`: the version files changed (reopen_across_commits says why that matters).
  void reopen(bool committed) {
    known_fields.clear();
    reopen_across_commits(
        db,
        [&] {
          index = open_index(sources);
          enquire = Xapian::Enquire(db);
          weighting = EnquireWeighting{};
          facts = IndexFacts{};
          distinct_terms.reset();  // a rebuilt index may have the revision it was counted at
        },
        committed);
    if (!analysis_from_index) return;
    analysis::AnalyzerOptions recorded = index_analysis(db, index.name);
    if (recorded == analysis_options) return;
    analysis_options = recorded;
    analyzer = analysis::Analyzer(analysis_options);
  }

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
    const std::vector<std::string> names = field_names();
    std::string nearest;
    std::size_t nearest_distance = std::max<std::size_t>(2, unknown.size() / 4) + 1;
    for (const auto& name : names) {
      const std::size_t distance = edit_distance(unknown, name);
      if (distance < nearest_distance) {
        nearest = name;
        nearest_distance = distance;
      }
    }
    constexpr std::size_t kFieldsListed = 20;
    std::string hint = nearest.empty() ? " (" : " (did you mean " + nearest + ":? ";
    hint += "fields of this index: ";
    for (std::size_t i = 0; i < names.size() && i < kFieldsListed; ++i)
      hint += (i ? ", " : "") + names[i];
    return hint + (names.size() > kFieldsListed ? ", …)" : ")");
  }

  // title, section, lang, then the first infobox field names the index holds.
  std::vector<std::string> field_names() const {
    constexpr std::size_t kFieldsRead = 1000;
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
    return names;
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
    // The same for the top-k matcher: each database's (one, or every shard's of a set), and
    // each database with its own, in the order `db` numbers them; empty when one has none.
    std::vector<index::MatchData> match_data;
    std::vector<matcher::LocalShard> match_shards;
    std::string no_match_data;  // why match_shards is empty
    // With remote shards, whose synonyms Xapian does not carry: the local dictionary's copy.
    std::optional<Xapian::Database> synonyms;
    // The stored records' dictionaries of every database searched, read at the first query
    // that reads a record (record_dictionaries()).
    std::optional<index::RecordDictionaries> record_dictionaries;
    // Where the body terms' positions are when a database's Xapian position table lacks them
    // (schema.hpp: kMetaBodyPositions); none when every one has them.
    std::shared_ptr<const matcher::BodyPositions> body_positions;
    // The revision each database had open when the facts were read (one, or each local
    // shard); none with a remote shard.
    std::vector<Xapian::rev> revisions;
    bool read = false;
  };
  // Whether the facts were read at the revisions the index has open. With a remote shard, they
  // are read once per Searcher (kavosh-serve opens a new one when Database::reopen() sees a
  // commit): read per query, the metadata alone was one more round trip to a remote shard.
  bool facts_current() const {
    if (!facts.read) return false;
    if (index.has_remote) return true;
    for (std::size_t i = 0; i < index.parts.size(); ++i)
      if (facts.revisions[i] != index.parts[i].db.get_revision()) return false;
    return true;
  }
  // The match data of each database searched, every one for its open revision: one
  // database's beside it in the side files' directory, each shard's in the shard's own.
  static void read_match_data(const OpenedIndex& index, const std::filesystem::path& path,
                              IndexFacts& facts) {
    if (index.has_remote) {
      facts.no_match_data = "a remote shard: the block-max matcher runs on local shards only";
      return;
    }
    if (index.parts.size() == 1) {
      auto data = path.empty() ? std::nullopt
                               : index::MatchData::read(index::match_data_path(path), index.db);
      if (!data) {
        facts.no_match_data = "no match data for this revision";
        return;
      }
      facts.match_data.push_back(std::move(*data));
    } else {
      for (const auto& part : index.parts) {
        auto data = index::MatchData::read(index::match_data_path(part.path), part.db);
        if (!data) {
          facts.match_data.clear();
          facts.no_match_data = "no match data for shard " + part.path.string() + "'s revision";
          return;
        }
        facts.match_data.push_back(std::move(*data));
      }
    }
    for (std::size_t i = 0; i < index.parts.size(); ++i)
      facts.match_shards.push_back({index.parts[i].db, &facts.match_data[i],
                                    std::make_shared<matcher::BestPostingsCache>(),
                                    /*body_positions=*/nullptr});  // find_body_positions()
  }
  // Read again when a database of the index has another revision open (a first run's shards
  // change under the search).
  const IndexFacts& index_facts() {
    if (!facts_current()) {
      facts = IndexFacts{};
      if (!index.has_remote)
        for (const auto& part : index.parts) facts.revisions.push_back(part.db.get_revision());
      facts.read = true;
      const std::optional<std::uint64_t> articles = schema::article_count(db);
      facts.one_passage_per_article = articles && *articles == db.get_doccount();
      if (index.has_remote && !path.empty()) {
        const std::filesystem::path dictionary = schema::spelling_path(path);
        std::error_code ec;
        if (std::filesystem::is_directory(dictionary, ec))
          facts.synonyms = open_readable_database(dictionary.string());
      }
      const Xapian::Database& synonyms = facts.synonyms ? *facts.synonyms : db;
      facts.has_synonyms = synonyms.synonym_keys_begin() != synonyms.synonym_keys_end();
      // A set of shards has no single revision, so the term filter cannot be for it (its
      // reader says so); sources without a local one have none.
      if (!path.empty())
        facts.term_filter = index::TermFilter::read(index::term_filter_path(path), db);
      read_match_data(index, path, facts);
      find_body_positions();
    }
    return facts;
  }
  // A database written without Xapian's positions of body words has its phrases checked by
  // BodyPositions (a remote shard without them is refused when opened: open_index).
  void find_body_positions() {
    std::vector<bool> elsewhere;  // by part, as match_shards numbers them
    for (const auto& part : index.parts)
      elsewhere.push_back(!part.path.empty() && !schema::body_positions_in_xapian(part.db));
    if (std::find(elsewhere.begin(), elsewhere.end(), true) == elsewhere.end()) return;
    std::vector<matcher::BodyPositions::Database> databases;
    for (std::size_t i = 0; i < index.parts.size(); ++i)
      databases.push_back(
          {index.parts[i].db, i < facts.match_data.size() ? &facts.match_data[i] : nullptr});
    facts.body_positions = std::make_shared<const matcher::BodyPositions>(
        analyzer.options(), std::move(databases),
        [this]() -> const index::RecordDictionaries& { return record_dictionaries(); });
    for (std::size_t i = 0; i < facts.match_shards.size(); ++i)
      if (elsewhere[i]) facts.match_shards[i].body_positions = facts.body_positions;
  }
  IndexFacts facts;
  // The local shards' commits the open revision is of (commit_stamps, taken before the reopen
  // that brought it); none until the first read, or after a reopen that changed the files,
  // which so reopens once.
  std::optional<CommitStamps> searched_commits;

  // Xapian 1.4 keeps the revision a reader has open readable while the writer commits the next
  // one, and reuses its blocks for the one after: from the next commit on, a read of the old
  // revision may meet a block the writer is rewriting. Xapian detects a reused block by its
  // revision (DatabaseModifiedError), but not a read that overlaps the block's write, which
  // passes that check half old and half new: a phrase check read so found none of 50 matching
  // documents (tests/faults/RESULTS.md). So `read` starts at the latest commit, and runs again
  // when a commit lands during it (kReadAttemptsAcrossCommits times at most).
  // A database replaced under the read (a rebuild or compaction swapped in, or a rebuild in
  // place where it could not be staged) can fail it with another error than
  // DatabaseModifiedError ("EOF reading block"): that read is tried again too, when the
  // version files changed during it.
  template <typename Read>
  auto at_latest_commit(Read&& read) -> decltype(read()) {
    bool modified = false;  // Xapian found the open revision's blocks reused
    for (int attempt = 1;; ++attempt) {
      const CommitStamps before = commit_stamps(index.commit_files);
      if (modified || before != searched_commits) {
        const std::vector<std::filesystem::path> files = index.commit_files;
        reopen(searched_commits && before != *searched_commits);
        // A rebuild may change which files a commit replaces (a stub where a directory was):
        // then `before` says nothing of the files now open, and the next read starts as a
        // first one.
        if (index.commit_files == files)
          searched_commits = before;
        else
          searched_commits.reset();
      }
      try {
        auto answer = read();
        if (attempt == kReadAttemptsAcrossCommits || commit_stamps(index.commit_files) == before)
          return answer;
        modified = false;
      } catch (const Xapian::DatabaseModifiedError&) {
        if (attempt == kReadAttemptsAcrossCommits) throw;
        modified = true;
      } catch (const Xapian::DatabaseError&) {
        if (attempt == kReadAttemptsAcrossCommits || commit_stamps(index.commit_files) == before)
          throw;
        modified = true;
      }
    }
  }

  // Read once per revision, and only when a record is read: digesting a dictionary costs
  // more than a query that shows no record. Each database's own metadata (a combined
  // database's would be its first one's), so the dictionaries of every shard, local or remote.
  const index::RecordDictionaries& record_dictionaries() {
    const IndexFacts& current = index_facts();
    if (!current.record_dictionaries) {
      index::RecordDictionaries dictionaries;
      for (const auto& part : index.parts) {
        try {
          dictionaries.add_from(part.db);
        } catch (const index::CorruptStoredPassage& e) {
          throw std::runtime_error((part.path.empty() ? index.name : part.path.string()) + ": " +
                                   e.what());
        }
      }
      facts.record_dictionaries = std::move(dictionaries);
    }
    return *facts.record_dictionaries;
  }

  std::optional<index::StoredPassage> stored_passage(const std::string& id);
  IndexSummary summary();
  // The distinct terms of the revision last counted: walking them costs a pass over the
  // term list, which a page asking for the figures every second must not pay each time.
  std::optional<std::pair<Xapian::rev, std::uint64_t>> distinct_terms;
  SearchResults run(const SearchRequest& r);
  QueryNode parse(const SearchRequest& r, SearchResults& results);
  BuildOptions build_options(const SearchRequest& r, const IndexFacts& current_facts) const;
};

Searcher::Searcher(const std::filesystem::path& db_path)
    : impl_(std::make_unique<Impl>(IndexSources{{db_path}, {}})) {}
Searcher::Searcher(const IndexSources& sources) : impl_(std::make_unique<Impl>(sources)) {}
Searcher::Searcher(const std::filesystem::path& db_path, const analysis::AnalyzerOptions& analysis)
    : impl_(std::make_unique<Impl>(IndexSources{{db_path}, {}}, analysis)) {}
Searcher::~Searcher() = default;
Searcher::Searcher(Searcher&&) noexcept = default;
Searcher& Searcher::operator=(Searcher&&) noexcept = default;

const analysis::AnalyzerOptions& Searcher::analyzer_options() const {
  return impl_->analysis_options;
}

std::optional<index::StoredPassage> Searcher::stored_passage(const std::string& id) {
  try {
    return impl_->at_latest_commit([&] { return impl_->stored_passage(id); });
  } catch (const Xapian::Error& e) {
    throw_search_error(e, impl_->index.name);
  }
}

std::optional<index::StoredPassage> Searcher::Impl::stored_passage(const std::string& id) {
  const std::optional<Xapian::docid> docid = schema::passage_docid(db, id);
  if (!docid) return std::nullopt;
  const std::string record = db.get_document(*docid).get_value(schema::kSlotStoredPassage);
  try {
    return index::decode(record, &record_dictionaries());
  } catch (const index::CorruptStoredPassage& e) {
    throw std::runtime_error(index.name + ", docid " + std::to_string(*docid) + ": " + e.what());
  }
}

std::vector<analysis::Token> Searcher::analyze(std::string_view text, analysis::Language language) {
  try {
    // Through the latest commit: an index rebuilt with another stemmer analyzes anew.
    return impl_->at_latest_commit([&] { return impl_->analyzer.analyze(text, language); });
  } catch (const Xapian::Error& e) {
    throw_search_error(e, impl_->index.name);
  }
}

IndexSummary Searcher::summary() {
  try {
    return impl_->at_latest_commit([&] { return impl_->summary(); });
  } catch (const Xapian::Error& e) {
    throw_search_error(e, impl_->index.name);
  }
}

IndexSummary Searcher::Impl::summary() {
  IndexSummary summary;
  summary.passages = db.get_doccount();
  summary.average_length = db.get_avlength();
  summary.total_length = db.get_total_length();
  summary.schema = db.get_metadata(std::string(schema::kMetaSchemaVersion));
  try {
    summary.revision = db.get_revision();
  } catch (const Xapian::InvalidOperationError&) {  // several databases: no one revision
  }
  if (summary.revision && distinct_terms && distinct_terms->first == *summary.revision) {
    summary.distinct_terms = distinct_terms->second;
  } else {
    for (auto term = db.allterms_begin(); term != db.allterms_end(); ++term)
      ++summary.distinct_terms;
    if (summary.revision) distinct_terms = {{*summary.revision, summary.distinct_terms}};
  }
  // Each shard keeps its own count (schema::article_count); an unknown one leaves the total
  // unknown.
  summary.articles = 0;
  for (const OpenedIndex::Shard& part : index.parts) {
    const std::optional<std::uint64_t> articles = schema::article_count(part.db);
    if (summary.articles && articles) {
      *summary.articles += *articles;
    } else {
      summary.articles.reset();
    }
  }
  for (std::string_view code : kLanguageCodes)
    summary.languages.emplace_back(code,
                                   db.get_termfreq(std::string(schema::kLanguage).append(code)));
  return summary;
}

SearchResults Searcher::search(const SearchRequest& request) {
  try {
    return impl_->at_latest_commit([&] { return impl_->run(request); });
  } catch (const Xapian::Error& e) {
    throw_search_error(e, impl_->index.name);
  }
}

// The request's query as an AST; a batch topic that does not parse becomes its plain words,
// and results.parse_fallback says why.
QueryNode Searcher::Impl::parse(const SearchRequest& r, SearchResults& results) {
  const auto known_field = [this](std::string_view name) { return is_known_field(name); };
  try {
    try {
      return parse_query(r.query, known_field, r.malformed_as_plain_words);
    } catch (const UnknownFieldError& e) {
      throw QueryError(e.position(), e.message() + fields_hint(e.field()));
    }
  } catch (const QueryError& e) {
    if (!r.malformed_as_plain_words) throw;
    results.parse_fallback = e.what();
    return parse_query(as_plain_words(r.query), known_field);
  }
}

BuildOptions Searcher::Impl::build_options(const SearchRequest& r,
                                           const IndexFacts& current_facts) const {
  BuildOptions options;
  options.all_words = r.all_words;
  options.aliases = r.aliases && current_facts.has_synonyms;
  options.term_filter = current_facts.term_filter ? &*current_facts.term_filter : nullptr;
  if (!current_facts.match_shards.empty())
    options.termfreq = [this, &shards = current_facts.match_shards](const std::string& term) {
      return matcher::termfreq(db, shards, term);
    };
  options.synonyms = current_facts.synonyms ? &*current_facts.synonyms : nullptr;
  if (current_facts.body_positions)
    options.positional_source = [positions = current_facts.body_positions](
                                    Xapian::Query::op op, const std::vector<std::string>& terms,
                                    Xapian::termcount window) {
      return matcher::positional_source(positions, op, terms, window);
    };
  options.arabic_variant = r.arabic_variant;
  options.romanized_variants = r.romanized_variants;
  options.drop_stopwords = r.drop_stopwords;
  options.weights.title = r.title_weight;
  options.weights.section = r.section_weight;
  options.weights.field = r.field_weight;
  options.explain_clauses = r.explain;
  options.highlights = r.snippets;
  return options;
}

namespace {

// --lang: the query filtered, at no weight, to passages in the request's language.
Xapian::Query in_language(const Xapian::Query& query, const std::string& code) {
  if (code.empty()) return query;
  const auto language = analysis::parse_language_code(code);
  if (!language)
    throw std::invalid_argument("unknown language '" + code + "' (use " +
                                list_choices(kLanguageCodes, " or ") + ")");
  return Xapian::Query(Xapian::Query::OP_FILTER, query,
                       Xapian::Query(std::string(schema::kLanguage) +
                                     std::string(analysis::language_code(*language))));
}

}  // namespace

SearchResults Searcher::Impl::run(const SearchRequest& r) {
  SearchResults results;
  const QueryNode ast = parse(r, results);
  // Read once: an index without a single revision (a first run's shards) reads its facts
  // again at every call.
  const IndexFacts& current_facts = index_facts();
  BuiltQuery built = QueryBuilder(analyzer, db, build_options(r, current_facts)).build(ast);
  Xapian::Query query = in_language(built.query, r.language);
  weighting.apply(enquire, r, index.has_remote);
  // Collapsing reads the article id value of every candidate (about a quarter of the match
  // time, measured with callgrind); when every article is one passage it cannot change the
  // result, so it is skipped.
  const bool single_passages = current_facts.one_passage_per_article;
  const bool collapsed = r.collapse && !single_passages;
  enquire.set_collapse_key(collapsed ? schema::kSlotArticleId : Xapian::BAD_VALUENO);
  const MatchSources sources{db,
                             enquire,
                             current_facts.match_shards,
                             current_facts.no_match_data,
                             collapsed,
                             current_facts.body_positions};

  // A query that cannot match (BuiltQuery::may_match) skips the match: on a small index, a
  // zero-hit query cost more in Xapian's match setup (term statistics, a postlist tree of empty
  // leaves) than in building.
  Xapian::Query expansion;
  if (r.prf_documents > 0 && built.may_match) {
    expansion = feedback_expansion(sources, r, query);
    if (!expansion.empty()) query = Xapian::Query(Xapian::Query::OP_OR, query, expansion);
  }
  if (built.may_match && (r.proximity || r.rm3 != SearchRequest::Rm3::Off))
    query = with_ranking_features(sources, analyzer, r, ast, built, query, results);
  if (r.describe_query) results.query_description = query.get_description();
  Ranking ranking;
  if (built.may_match)
    ranking = rank_with_rerank(sources, analyzer, r, ast, built, query);
  else
    ranking.matcher = "none (the index holds no term of the query)";
  results.matcher = ranking.matcher;
  results.estimated_matches = ranking.estimated_matches;
  results.matches_lower_bound = ranking.matches_lower_bound;
  results.matches_upper_bound = ranking.matches_upper_bound;

  std::optional<HitSnippets> snippets =
      hit_snippets(analyzer, db, sources.match_shards, r, built, ranking);
  results.hits = make_hits(db, sources.match_shards, path, r, ranking, single_passages,
                           reads_records(r, ranking) ? &record_dictionaries() : nullptr,
                           snippets ? &*snippets : nullptr);
  if (r.explain && !ranking.docs.empty()) explain(db, r, built, ranking, expansion, results.hits);
  if (r.spelling)
    results.did_you_mean =
        did_you_mean.suggest(analyzer, db, r.query, built, ranking.matches_lower_bound);
  return results;
}

}  // namespace kavosh::search
