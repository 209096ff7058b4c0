// IndexWriter: turns Articles into passage documents laid out as schema.hpp says.
// Analysis and Xapian::Document building run on a worker thread (its own Analyzer) while the
// calling thread writes to the database; at most queue_articles articles are in flight, so
// memory stays bounded. Documents are written in the order articles were added, so the same
// input always gives the same docids and the same database contents.
#include "kavosh/index/writer.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include <utility>

#include <xapian.h>

#include "kavosh/index/schema.hpp"
#include "spelling_store.hpp"
#include "kavosh/index/stored_passage.hpp"

namespace kavosh::index {
namespace {

using kavosh::analysis::Analyzer;
using kavosh::analysis::Language;
using kavosh::analysis::Token;

std::uint64_t id_hash(std::string_view id) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : id) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

struct PreparedPassage {
  std::string unique_term;
  Xapian::Document document;
  std::vector<std::string> spelling_words;  // distinct body spelling words
};

struct PreparedArticle {
  std::string id;
  std::vector<PreparedPassage> passages;
  std::vector<std::pair<std::string, std::string>> synonyms;  // key -> synonym
  std::uint64_t postings = 0;
  std::uint64_t bytes = 0;
  std::exception_ptr error;
};

// Article -> one Xapian::Document per passage (terms, values, data) and synonym pairs, all
// through its own Analyzer; runs on the analysis thread.
class DocumentBuilder {
 public:
  explicit DocumentBuilder(const kavosh::analysis::AnalyzerOptions& options)
      : analyzer_(options) {}

  Analyzer& analyzer() { return analyzer_; }

  PreparedArticle prepare(const Article& article) {
    PreparedArticle out;
    out.id = article.id;
    std::optional<Language> article_language;
    if (!article.language.empty()) article_language = kavosh::analysis::parse_language_code(article.language);

    std::vector<Token> title_tokens;
    const Language title_language =
        article_language.value_or(Analyzer::detect_language(article.title));
    analyzer_.analyze(article.title, title_language, title_tokens);

    for (std::size_t number = 0; number < article.passages.size(); ++number) {
      const Passage& passage = article.passages[number];
      Language language;
      if (article_language) {
        language = *article_language;
      } else {
        language = Analyzer::detect_language(passage.text);
        if (language == Language::Other && !article.title.empty()) language = title_language;
      }
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
      StoredPassage& record = record_;
      record.tokens.clear();
      for (const Token& token : tokens_) {
        record.tokens.push_back({token.begin, token.end, token.span, token_hash(token.term),
                                 token_hash(token.stem_or_term())});
      }
      record.fields.clear();
      // Title on every passage.
      add_tokens(doc, title_tokens, schema::kTitle, schema::kTitleWdf);
      // Section heading.
      if (!passage.section.empty()) {
        analyzer_.analyze(passage.section, language, tokens_);
        add_tokens(doc, tokens_, schema::kSection, 1);
      }
      // Fields: article-level then the passage's own.
      auto add_field = [&](const Field& field) {
        if (field.first.empty()) return;
        analyzer_.analyze(field.second, language, tokens_);
        add_tokens(doc, tokens_, schema::field_prefix(field.first), schema::kFieldWdf);
        auto slot = std::find_if(record.fields.begin(), record.fields.end(),
                                 [&](const auto& stored) { return stored.first == field.first; });
        if (slot != record.fields.end()) {
          slot->second += "; " + field.second;
        } else {
          record.fields.push_back(field);
        }
      };
      for (const Field& field : article.fields) add_field(field);
      for (const Field& field : passage.fields) add_field(field);

      add_boolean(doc, schema::kLanguage, lang_code);
      doc.add_boolean_term(prepared.unique_term);
      postings_ += 2;

      doc.add_value(schema::kSlotArticleId, article.id);
      doc.add_value(schema::kSlotPassageNo, Xapian::sortable_serialise(static_cast<double>(number)));
      if (!article.date.empty()) doc.add_value(schema::kSlotDate, article.date);
      doc.add_value(schema::kSlotLanguage, lang_code);

      record.article = article.id;
      record.passage = static_cast<std::uint32_t>(number);
      record.title = article.title;
      record.section = passage.section;
      record.lang = lang_code;
      record.text = passage.text;
      record.source = article.source;
      record.date = article.date;
      doc.add_value(schema::kSlotStoredPassage, encode(record));

      out.postings += postings_;
      out.bytes += passage.text.size();
      out.passages.push_back(std::move(prepared));
    }

    if (!article.aliases.empty() && !article.title.empty()) {
      std::vector<std::string> group{article.title};
      group.insert(group.end(), article.aliases.begin(), article.aliases.end());
      out.synonyms = synonym_pairs(group);
    }
    return out;
  }

  // Every ordered pair of distinct keys of the group.
  std::vector<std::pair<std::string, std::string>> synonym_pairs(
      const std::vector<std::string>& names) {
    std::vector<std::string> keys;
    for (const std::string& name : names) {
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
      if (key.empty() || key.size() > schema::kMaxTermBytes) continue;
      bool seen = false;
      for (const std::string& existing : keys) seen = seen || existing == key;
      if (!seen) keys.push_back(std::move(key));
    }
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const std::string& from : keys) {
      for (const std::string& to : keys) {
        if (from != to) pairs.emplace_back(from, to);
      }
    }
    return pairs;
  }

 private:
  void add_boolean(Xapian::Document& doc, std::string_view prefix, std::string_view id) {
    doc.add_boolean_term(schema::id_term(prefix, id));
  }

  void collect_spelling_words(const std::vector<Token>& tokens, std::vector<std::string>& words) {
    for (const Token& token : tokens) {
      if (is_spelling_word(token.term)) words.push_back(token.term);
    }
    std::sort(words.begin(), words.end());
    words.erase(std::unique(words.begin(), words.end()), words.end());
  }

  // Posts `tokens` under `prefix` with positions and "Z" + prefix + stem_or_term without.
  void add_tokens(Xapian::Document& doc, const std::vector<Token>& tokens, std::string_view prefix,
                  unsigned wdf) {
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
      doc.add_posting(term, token.position + 1, wdf);
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

  Analyzer analyzer_;
  std::vector<Token> tokens_;
  StoredPassage record_;  // reused per passage: its vectors keep their storage
  std::uint64_t postings_ = 0;
};

}  // namespace

unsigned automatic_batch_passages(std::uint64_t passages) {
  const auto sixteenth = static_cast<unsigned>(std::min<std::uint64_t>(passages / 16, WriterOptions::kMaxAutoBatch));
  return std::max(sixteenth, WriterOptions::kMinAutoBatch);
}

struct IndexWriter::Impl {
  std::filesystem::path path;
  WriterOptions options;
  Xapian::WritableDatabase db;
  WriterStats stats;
  std::uint64_t article_count = 0;  // articles in the database (metadata kMetaArticleCount)
  bool in_transaction = false;
  bool started_empty = false;                 // the database had no documents when opened
  std::unordered_set<std::uint64_t> seen_articles;  // id hashes added in this run (when started_empty)
  unsigned batch_passages = 0;
  std::uint64_t batch_bytes = 0;
  unsigned batch_limit = 0;  // passages that end the current batch (options.batch_passages or automatic)
  std::optional<SpellingStore> spelling;    // none with options.spelling off
  SpellingStore::PassageWords batch_spelling;  // this batch's words per passage, for `spelling`
  bool changed_since_spelling = false;      // committed changes not yet synced into `spelling`

  DocumentBuilder main_builder;  // for aliases, and for articles when there is no worker

  // Worker thread state.
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Article> pending;
  std::size_t pending_bytes = 0;  // passage text bytes in `pending`
  static constexpr std::size_t kMaxPendingBytes = 32u << 20;
  std::deque<PreparedArticle> ready;
  // Written articles go back to the analysis thread to be freed there: their documents were
  // allocated by that thread, and freeing them cost the writing thread (the bottleneck) time
  // in malloc's cross-arena paths.
  std::vector<PreparedArticle> written;
  bool worker_busy = false;
  bool stopping = false;
  std::thread worker;

  Impl(const std::filesystem::path& db_path, WriterOptions writer_options)
      : path(db_path), options(std::move(writer_options)), main_builder(options.analyzer) {}

  void start_worker() {
    worker = std::thread([this] {
      DocumentBuilder builder(options.analyzer);
      std::unique_lock lock(mutex);
      for (;;) {
        changed.wait(lock, [this] { return stopping || !pending.empty(); });
        if (pending.empty()) return;
        Article article = std::move(pending.front());
        pending.pop_front();
        for (const Passage& passage : article.passages) pending_bytes -= passage.text.size();
        worker_busy = true;
        std::vector<PreparedArticle> to_free = std::exchange(written, {});
        lock.unlock();
        to_free.clear();
        PreparedArticle prepared;
        try {
          prepared = builder.prepare(article);
        } catch (...) {
          prepared.id = article.id;
          prepared.error = std::current_exception();
        }
        lock.lock();
        ready.push_back(std::move(prepared));
        worker_busy = false;
        changed.notify_all();
      }
    });
  }

  void stop_worker() {
    if (!worker.joinable()) return;
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    changed.notify_all();
    worker.join();
  }

  void ensure_transaction() {
    if (!in_transaction) {
      db.begin_transaction(true);
      in_transaction = true;
    }
  }

  std::optional<Xapian::docid> docid_of(const std::string& unique_term) {
    auto it = db.postlist_begin(unique_term);
    if (it == db.postlist_end(unique_term)) return std::nullopt;
    return *it;
  }

  void write(PreparedArticle& article) {
    if (article.error) std::rethrow_exception(article.error);
    ensure_transaction();
    // In a database that started empty, an article id not seen before in this run cannot be
    // in the database: its passages are added without looking anything up (the hot path of
    // a first indexing run). Otherwise passages replace by their unique term.
    const bool known_new = started_empty && seen_articles.insert(id_hash(article.id)).second;
    bool existed = false;
    if (!known_new) {
      existed = db.term_exists(schema::id_term(schema::kPassageId, schema::passage_id(article.id, 0)));
    }
    for (PreparedPassage& passage : article.passages) {
      if (known_new) {
        db.add_document(passage.document);
      } else {
        db.replace_document(passage.unique_term, passage.document);
      }
      if (spelling && !passage.spelling_words.empty())
        batch_spelling.push_back(std::move(passage.spelling_words));
    }
    // Passages beyond the new count belonged to an older, longer version of the article.
    for (unsigned number = static_cast<unsigned>(article.passages.size()); !known_new; ++number) {
      const std::string stale = schema::id_term(schema::kPassageId, schema::passage_id(article.id, number));
      auto old = docid_of(stale);
      if (!old) break;
      db.delete_document(*old);
    }
    for (const auto& [key, synonym] : article.synonyms) db.add_synonym(key, synonym);
    if (!article.synonyms.empty()) ++stats.alias_groups;
    const bool exists_now = !article.passages.empty();
    if (exists_now && !existed) ++article_count;
    if (!exists_now && existed && article_count > 0) --article_count;
    ++stats.articles;
    stats.passages += article.passages.size();
    stats.terms += article.postings;
    stats.bytes += article.bytes;
    batch_passages += static_cast<unsigned>(article.passages.size());
    batch_bytes += article.bytes;
    if (batch_passages >= batch_limit || batch_bytes >= options.batch_bytes) commit();
  }

  // Writes the oldest prepared article outside the lock, then hands it back to be freed.
  void write_next_ready(std::unique_lock<std::mutex>& lock) {
    PreparedArticle article = std::move(ready.front());
    ready.pop_front();
    lock.unlock();
    write(article);
    lock.lock();
    written.push_back(std::move(article));
  }

  // Writes every prepared article; with wait_all, first waits until nothing is in flight.
  void drain(bool wait_all) {
    std::unique_lock lock(mutex);
    for (;;) {
      while (!ready.empty()) write_next_ready(lock);
      if (!wait_all || (pending.empty() && !worker_busy && ready.empty())) return;
      changed.wait(lock, [this] { return !ready.empty() || (pending.empty() && !worker_busy); });
    }
  }

  void add(Article article) {
    if (!worker.joinable()) {
      PreparedArticle prepared = main_builder.prepare(article);
      write(prepared);
      return;
    }
    std::size_t bytes = 0;
    for (const Passage& passage : article.passages) bytes += passage.text.size();
    std::unique_lock lock(mutex);
    // Bounded by count and by text bytes; an article always fits into an empty queue.
    while (!pending.empty() &&
           (pending.size() >= options.queue_articles || pending_bytes + bytes > kMaxPendingBytes)) {
      if (!ready.empty()) {
        write_next_ready(lock);
        continue;
      }
      changed.wait(lock);
    }
    pending.push_back(std::move(article));
    pending_bytes += bytes;
    changed.notify_all();
    lock.unlock();
    drain(false);
  }

  bool remove(std::string_view article_id);

  unsigned next_batch_limit() const {
    return options.batch_passages > 0 ? options.batch_passages : automatic_batch_passages(db.get_doccount());
  }

  void commit() {
    if (!in_transaction) return;
    db.set_metadata(std::string(schema::kMetaSchemaVersion), std::string(schema::kSchemaVersion));
    db.set_metadata(std::string(schema::kMetaArticleCount), std::to_string(article_count));
    db.set_metadata("kavosh.analysis.normalize_arabic_script", options.analyzer.normalize_arabic_script ? "1" : "0");
    db.commit_transaction();
    in_transaction = false;
    changed_since_spelling = true;
    if (spelling) spelling->add(std::exchange(batch_spelling, {}));
    batch_passages = 0;
    batch_bytes = 0;
    batch_limit = next_batch_limit();
    ++stats.commits;
  }
};

IndexWriter::IndexWriter(const std::filesystem::path& db_path, WriterOptions options)
    : impl_(std::make_unique<Impl>(db_path, std::move(options))) {
  std::error_code error;
  if (std::filesystem::exists(db_path, error) && !std::filesystem::is_directory(db_path, error)) {
    throw std::runtime_error("database path is not a directory: " + db_path.string());
  }
  const int mode = impl_->options.rebuild ? Xapian::DB_CREATE_OR_OVERWRITE : Xapian::DB_CREATE_OR_OPEN;
  try {
    impl_->db = Xapian::WritableDatabase(db_path.string(), mode);
  } catch (const Xapian::DatabaseLockError&) {
    throw DatabaseLocked("database is locked by another indexer: " + db_path.string());
  } catch (const Xapian::Error& e) {
    throw std::runtime_error("cannot open database " + db_path.string() + ": " + e.get_msg());
  }
  // Adding to an index of another schema would mix two stored-record layouts in one database.
  const std::string version = impl_->db.get_metadata(std::string(schema::kMetaSchemaVersion));
  if (impl_->db.get_doccount() > 0 && version != schema::kSchemaVersion) {
    throw std::runtime_error("database " + db_path.string() + " has index schema " +
                             (version.empty() ? "(none)" : version) + ", this kavosh-index writes schema " +
                             std::string(schema::kSchemaVersion) + ": re-index it with --rebuild");
  }
  if (impl_->options.spelling) {
    try {
      impl_->spelling.emplace(schema::spelling_path(db_path), db_path, impl_->options.rebuild);
    } catch (const Xapian::Error& e) {
      throw std::runtime_error("cannot open the spelling database " +
                               schema::spelling_path(db_path).string() + ": " + e.get_msg());
    }
  }
  impl_->started_empty = impl_->db.get_doccount() == 0;
  const std::string count = impl_->db.get_metadata(std::string(schema::kMetaArticleCount));
  if (!count.empty()) impl_->article_count = std::stoull(count);
  if (impl_->options.queue_articles == 0) impl_->options.queue_articles = 1;
  impl_->batch_limit = impl_->next_batch_limit();
  if (impl_->options.analysis_thread) impl_->start_worker();
}

IndexWriter::~IndexWriter() {
  try {
    commit();
  } catch (...) {
    // A destructor must not throw; callers who care call commit() themselves.
  }
  impl_->stop_worker();
}

namespace {
template <typename Action>
auto guarded(const std::filesystem::path& path, Action&& action) {
  try {
    return action();
  } catch (const Xapian::Error& e) {
    throw IndexWriteError("writing " + path.string() + ": " + e.get_description());
  }
}
}  // namespace

void IndexWriter::add(const Article& article) {
  guarded(impl_->path, [&] { impl_->add(article); });
}

void IndexWriter::add(Article&& article) {
  guarded(impl_->path, [&] { impl_->add(std::move(article)); });
}

bool IndexWriter::remove(std::string_view article_id) {
  return guarded(impl_->path, [&] { return impl_->remove(article_id); });
}

bool IndexWriter::Impl::remove(std::string_view article_id) {
  Impl* impl = this;
  impl->drain(true);
  // An article's passages are numbered 0, 1, ... without gaps (a shorter new version deletes
  // the stale tail), so the unique passage terms find them all.
  std::vector<Xapian::docid> docids;
  for (unsigned number = 0;; ++number) {
    auto docid = impl->docid_of(schema::id_term(schema::kPassageId, schema::passage_id(article_id, number)));
    if (!docid) break;
    docids.push_back(*docid);
  }
  if (docids.empty()) return false;
  impl->ensure_transaction();
  for (Xapian::docid docid : docids) impl->db.delete_document(docid);
  if (impl->article_count > 0) --impl->article_count;
  ++impl->stats.removed;
  return true;
}

void IndexWriter::add_alias_group(const std::vector<std::string>& names) {
  guarded(impl_->path, [&] {
    const auto pairs = impl_->main_builder.synonym_pairs(names);
    if (pairs.empty()) return;
    impl_->ensure_transaction();
    for (const auto& [key, synonym] : pairs) impl_->db.add_synonym(key, synonym);
    ++impl_->stats.alias_groups;
  });
}

void IndexWriter::commit() {
  guarded(impl_->path, [&] {
    impl_->drain(true);
    impl_->commit();
    if (impl_->spelling && impl_->changed_since_spelling) {
      impl_->spelling->sync_with(impl_->db);
      impl_->changed_since_spelling = false;
    }
  });
}

const WriterStats& IndexWriter::stats() const { return impl_->stats; }

const std::filesystem::path& IndexWriter::path() const { return impl_->path; }

}  // namespace kavosh::index
