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
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "kavosh/index/schema.hpp"

namespace kavosh::index {
namespace {

using kavosh::analysis::Analyzer;
using kavosh::analysis::Language;
using kavosh::analysis::Script;
using kavosh::analysis::Token;

// Spelling words: Latin or Arabic script, not a number (decided from the term's bytes so the
// same rule applies when an old passage's terms are removed again).
bool is_spelling_word(std::string_view term) {
  if (term.size() < 2) return false;
  const auto first = static_cast<unsigned char>(term[0]);
  const bool latin = (first >= 'a' && first <= 'z') || (first >= 0xC3 && first <= 0xC9);
  const bool arabic = first >= 0xD8 && first <= 0xDB;
  if (!latin && !arabic) return false;
  return true;  // digits are ASCII after analysis, so a number never starts with a letter
}

std::uint64_t id_hash(std::string_view id) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : id) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

bool is_unprefixed(std::string_view term) {
  return !term.empty() && !(term[0] >= 'A' && term[0] <= 'Z');
}

struct PreparedPassage {
  std::string unique_term;
  Xapian::Document document;
  std::vector<std::pair<std::string, unsigned>> spelling;  // word, frequency in the passage
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
      spelling_.clear();

      // Body.
      analyzer_.analyze(passage.text, language, tokens_);
      add_tokens(doc, tokens_, "", 1, /*spelling=*/true);
      // Title on every passage.
      add_tokens(doc, title_tokens, schema::kTitle, schema::kTitleWdf, false);
      // Section heading.
      if (!passage.section.empty()) {
        analyzer_.analyze(passage.section, language, tokens_);
        add_tokens(doc, tokens_, schema::kSection, 1, false);
      }
      // Fields: article-level then the passage's own.
      nlohmann::json fields = nlohmann::json::object();
      auto add_field = [&](const Field& field) {
        if (field.first.empty()) return;
        analyzer_.analyze(field.second, language, tokens_);
        add_tokens(doc, tokens_, schema::field_prefix(field.first), schema::kFieldWdf, false);
        auto& slot = fields[field.first];
        if (slot.is_string()) {
          slot = slot.get<std::string>() + "; " + field.second;
        } else {
          slot = field.second;
        }
      };
      for (const Field& field : article.fields) add_field(field);
      for (const Field& field : passage.fields) add_field(field);

      add_boolean(doc, schema::kLanguage, lang_code);
      doc.add_boolean_term(prepared.unique_term);
      add_boolean(doc, schema::kArticleId, article.id);
      if (!article.source.empty()) add_boolean(doc, schema::kSource, article.source);
      postings_ += 3;

      doc.add_value(schema::kSlotArticleId, article.id);
      doc.add_value(schema::kSlotPassageNo, Xapian::sortable_serialise(static_cast<double>(number)));
      if (!article.date.empty()) doc.add_value(schema::kSlotDate, article.date);
      doc.add_value(schema::kSlotLanguage, lang_code);

      nlohmann::json data = {{"article", article.id},
                             {"passage", number},
                             {"title", article.title},
                             {"section", passage.section},
                             {"lang", lang_code},
                             {"text", passage.text},
                             {"fields", std::move(fields)},
                             {"source", article.source}};
      if (!article.date.empty()) data["date"] = article.date;
      doc.set_data(data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));

      prepared.spelling.assign(spelling_.begin(), spelling_.end());
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

  // Posts `tokens` under `prefix` with positions and "Z" + prefix + stem_or_term without;
  // body words (spelling = true) also count towards the passage's spelling data.
  void add_tokens(Xapian::Document& doc, const std::vector<Token>& tokens, std::string_view prefix,
                  unsigned wdf, bool spelling) {
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
      if (spelling && token.script != Script::Number && is_spelling_word(token.term)) {
        ++spelling_[token.term];
      }
    }
  }

  Analyzer analyzer_;
  std::vector<Token> tokens_;
  std::map<std::string, unsigned> spelling_;
  std::uint64_t postings_ = 0;
};

}  // namespace

struct IndexWriter::Impl {
  std::filesystem::path path;
  WriterOptions options;
  Xapian::WritableDatabase db;
  WriterStats stats;
  std::uint64_t article_count = 0;  // articles in the database (metadata kMetaArticleCount)
  bool in_transaction = false;
  bool started_empty = false;                 // the database had no documents when opened
  std::unordered_set<std::uint64_t> seen_articles;  // id hashes added in this run (when started_empty)
  unsigned batch_articles = 0;
  std::uint64_t batch_bytes = 0;
  // Spelling frequencies added in this batch, written once per word at commit: one
  // add_spelling per distinct word instead of one per word per passage (each call looks the
  // word up in Xapian's spelling table).
  std::unordered_map<std::string, unsigned> batch_spelling;

  DocumentBuilder main_builder;  // for aliases, and for articles when there is no worker

  // Worker thread state.
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Article> pending;
  std::size_t pending_bytes = 0;  // passage text bytes in `pending`
  static constexpr std::size_t kMaxPendingBytes = 32u << 20;
  std::deque<PreparedArticle> ready;
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
        lock.unlock();
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

  void remove_spelling_of(Xapian::docid docid) {
    if (!options.spelling) return;
    const Xapian::Document old = db.get_document(docid);
    for (auto it = old.termlist_begin(); it != old.termlist_end(); ++it) {
      const std::string term = *it;
      if (is_unprefixed(term) && is_spelling_word(term)) remove_spelling(term, it.get_wdf());
    }
  }

  // Takes `frequency` off a word: first from this batch's not yet written additions, the rest
  // from the database, so the counts are the same as if every addition had been written.
  void remove_spelling(const std::string& word, unsigned frequency) {
    if (auto pending = batch_spelling.find(word); pending != batch_spelling.end()) {
      const unsigned taken = std::min(frequency, pending->second);
      pending->second -= taken;
      frequency -= taken;
      if (pending->second == 0) batch_spelling.erase(pending);
    }
    if (frequency > 0) db.remove_spelling(word, frequency);
  }

  void write_batch_spelling() {
    for (const auto& [word, frequency] : batch_spelling) {
      if (frequency > 0) db.add_spelling(word, frequency);
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
        if (options.spelling) {
          if (auto old = docid_of(passage.unique_term)) remove_spelling_of(*old);
        }
        db.replace_document(passage.unique_term, passage.document);
      }
      if (options.spelling) {
        for (const auto& [word, frequency] : passage.spelling) batch_spelling[word] += frequency;
      }
    }
    // Passages beyond the new count belonged to an older, longer version of the article.
    for (unsigned number = static_cast<unsigned>(article.passages.size()); !known_new; ++number) {
      const std::string stale = schema::id_term(schema::kPassageId, schema::passage_id(article.id, number));
      auto old = docid_of(stale);
      if (!old) break;
      remove_spelling_of(*old);
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
    ++batch_articles;
    batch_bytes += article.bytes;
    if (batch_articles >= options.batch_articles || batch_bytes >= options.batch_bytes) commit();
  }

  // Writes every prepared article; with wait_all, first waits until nothing is in flight.
  void drain(bool wait_all) {
    std::unique_lock lock(mutex);
    for (;;) {
      while (!ready.empty()) {
        PreparedArticle article = std::move(ready.front());
        ready.pop_front();
        lock.unlock();
        write(article);
        lock.lock();
      }
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
        PreparedArticle prepared = std::move(ready.front());
        ready.pop_front();
        lock.unlock();
        write(prepared);
        lock.lock();
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

  void commit() {
    if (!in_transaction) return;
    write_batch_spelling();
    batch_spelling.clear();
    db.set_metadata(std::string(schema::kMetaSchemaVersion), std::string(schema::kSchemaVersion));
    db.set_metadata(std::string(schema::kMetaArticleCount), std::to_string(article_count));
    db.set_metadata("kavosh.analysis.normalize_arabic_script", options.analyzer.normalize_arabic_script ? "1" : "0");
    db.commit_transaction();
    in_transaction = false;
    batch_articles = 0;
    batch_bytes = 0;
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
  impl_->started_empty = impl_->db.get_doccount() == 0;
  const std::string count = impl_->db.get_metadata(std::string(schema::kMetaArticleCount));
  if (!count.empty()) impl_->article_count = std::stoull(count);
  if (impl_->options.queue_articles == 0) impl_->options.queue_articles = 1;
  if (impl_->options.batch_articles == 0) impl_->options.batch_articles = 1;
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
  const std::string article_term = schema::id_term(schema::kArticleId, article_id);
  if (!impl->db.term_exists(article_term)) return false;
  impl->ensure_transaction();
  std::vector<Xapian::docid> docids;
  for (auto it = impl->db.postlist_begin(article_term); it != impl->db.postlist_end(article_term); ++it) {
    docids.push_back(*it);
  }
  for (Xapian::docid docid : docids) {
    impl->remove_spelling_of(docid);
    impl->db.delete_document(docid);
  }
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
  });
}

const WriterStats& IndexWriter::stats() const { return impl_->stats; }

const std::filesystem::path& IndexWriter::path() const { return impl_->path; }

}  // namespace kavosh::index
