#include "did_you_mean.hpp"

#include "kavosh/format/schema.hpp"
#include "kavosh/xapian/open_database.hpp"

namespace kavosh::search {

namespace schema = kavosh::index::schema;

DidYouMean::DidYouMean(std::filesystem::path index_path) : index_path_(std::move(index_path)) {
  // Remote shards alone have no local dictionary (Xapian 1.4's remote protocol carries none).
  if (!index_path_.empty())
    version_file_.push_back(schema::spelling_path(index_path_) / schema::kGlassVersionFile);
}

// The indexer keeps the spelling dictionary in a database of its own (schema::spelling_path);
// an index written with --no-spelling has none, and gets no suggestions.
Xapian::Database& DidYouMean::dictionary() {
  const CommitStamps now = commit_stamps(version_file_);
  if (!dictionary_) {
    const std::filesystem::path path = schema::spelling_path(index_path_);
    std::error_code ec;
    const bool present = !index_path_.empty() && std::filesystem::is_directory(path, ec);
    dictionary_ = present ? open_readable_database(path.string()) : Xapian::Database();
  } else {
    // An indexer may have committed since, or rebuilt the index.
    reopen_across_commits(
        *dictionary_,
        [&] { dictionary_ = open_readable_database(schema::spelling_path(index_path_).string()); },
        now != opened_);
  }
  opened_ = now;
  return *dictionary_;
}

// When the query finds fewer than kFewMatches, each typed bare word the index holds neither as
// a term nor as a stem is replaced by the index's spelling suggestion, when there is one. A
// query that finds enough is not second-guessed, and a word whose stem the index holds is no
// misspelling ("run" of "running" was "corrected" to "sun" beside its hit).
std::string DidYouMean::suggest(analysis::Analyzer& analyzer, const Xapian::Database& db,
                                const std::string& query, const BuiltQuery& built,
                                Xapian::doccount matches_lower_bound) {
  constexpr Xapian::doccount kFewMatches = 3;
  if (matches_lower_bound >= kFewMatches) return {};
  // The indexer commits the dictionary on a thread of its own, and a read that overlaps a
  // commit's writes can pass Xapian's revision check half old, half new (searcher.cpp,
  // at_latest_commit): a correction read while the dictionary was committed is read again.
  for (int attempt = 1;; ++attempt) {
    const CommitStamps before = commit_stamps(version_file_);
    std::string corrected = corrected_query(analyzer, db, query, built);
    if (attempt == kReadAttemptsAcrossCommits || commit_stamps(version_file_) == before)
      return corrected;
  }
}

std::string DidYouMean::corrected_query(analysis::Analyzer& analyzer, const Xapian::Database& db,
                                        const std::string& query, const BuiltQuery& built) {
  std::string corrected = query;
  bool changed = false;
  Xapian::Database* words = nullptr;  // opened (or reopened) at the first unknown word
  bool keyed = false;                 // its words are schema::spelling_key keys
  for (const auto& word : built.plain_words) {
    auto tokens = analyzer.analyze(word);
    if (tokens.size() != 1) continue;
    const std::string& term = tokens[0].term;
    if (db.get_termfreq(term) > 0 ||
        db.get_termfreq(std::string(schema::kStemmed) + tokens[0].stem_or_term()) > 0)
      continue;
    if (!words) {
      words = &dictionary();
      keyed = words->get_metadata(std::string(schema::kMetaSpellingKeys)) == schema::kSpellingKeys;
    }
    const auto key = keyed ? schema::spelling_key(term) : term;
    if (!key) continue;
    std::string suggestion = schema::spelling_word(words->get_spelling_suggestion(*key));
    if (suggestion.empty() || suggestion == term) continue;
    const auto at = corrected.find(word);
    if (at == std::string::npos) continue;
    corrected.replace(at, word.size(), suggestion);
    changed = true;
  }
  return changed ? corrected : std::string();
}

}  // namespace kavosh::search
