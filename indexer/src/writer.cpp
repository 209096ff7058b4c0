// IndexWriter: turns Articles into passage documents laid out as schema.hpp says.
// Writing is indexing's bottleneck, and Xapian writes a database on one thread. So a first run
// (an empty database) routes each article by its id (shard_for) to one of two shard
// databases, each with a thread that analyzes and writes, and merges them at commit(); any
// other run analyzes on a worker thread while the calling thread writes, in the order
// articles were added. Either way at most a bounded number of articles is in flight, so
// memory stays bounded, and the same input gives the same database contents.
#include "kavosh/index/writer.hpp"

#include <sys/statvfs.h>
#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include <utility>

#include "article_count_merger.hpp"
#include "kavosh/format/match_data.hpp"
#include "kavosh/format/schema.hpp"
#include "kavosh/format/stored_passage.hpp"
#include "kavosh/format/term_filter.hpp"
#include "kavosh/index/database_info.hpp"
#include "spelling_store.hpp"

namespace kavosh::index {
namespace {

using kavosh::analysis::Analyzer;
using kavosh::analysis::Language;
using kavosh::analysis::Token;

// A first run's shard for an article id. Ids that differ only in a trailing number (passages
// or pages numbered in order: "g60-1", "g60-2", "doc_0041", MS MARCO's "7187158") go in blocks
// of kRoutingBlock neighbouring numbers, and consecutive blocks take turns between the shards.
// So neighbours keep neighbouring docids in the merged index: routed by a hash of the whole id
// they were spread over both shards' docid ranges, and each jump of a shared term's posting
// list (a title's) costs the searcher a B-tree seek for the document length (bench/RESULTS.md
// has the measurements). Still a pure function of the id, so a re-run after a kill finds
// every article in the shard it was written to.
constexpr std::uint64_t kRoutingBlock = 64;
constexpr std::string_view kRouting = "numbered-blocks-64";  // kMetaShardRouting's value

unsigned shard_for(std::string_view id, unsigned shard_count) {
  std::size_t number_start = id.size();
  while (number_start > 0 && id[number_start - 1] >= '0' && id[number_start - 1] <= '9')
    --number_start;
  const std::size_t digits = id.size() - number_start;
  // FNV-1a's low bits depend only on the bytes' low bits; the multiply mixes the prefix's
  // hash into all of them before the block number is added.
  constexpr std::uint64_t kMix = 0x9E3779B97F4A7C15ull;
  if (digits == 0 || digits > 18)
    return static_cast<unsigned>(((schema::fnv1a_64(id) * kMix) >> 32) % shard_count);
  std::uint64_t number = 0;
  for (char c : id.substr(number_start)) number = number * 10 + static_cast<unsigned>(c - '0');
  const std::uint64_t prefix = (schema::fnv1a_64(id.substr(0, number_start)) * kMix) >> 32;
  return static_cast<unsigned>((prefix + number / kRoutingBlock) % shard_count);
}

// Xapian 1.4 ends the process when a commit runs out of disk: while the write error unwinds,
// a second one is thrown inside Xapian, and std::terminate follows whatever the caller
// catches. So a commit first checks that the file system has room for it, and stops with an
// error while the database is still at its last commit. A commit was measured to write up to
// about 20 bytes for each byte of passage text in its batch (generated text with many
// distinct words, glass blocks copied on write); the margin covers the rest.
constexpr std::uint64_t kCommitBytesPerTextByte = 24;
constexpr std::uint64_t kCommitMarginBytes = 16u << 20;

std::uint64_t statvfs_free_bytes(const std::filesystem::path& path) {
  struct statvfs info {};
  if (::statvfs(path.c_str(), &info) != 0) return UINT64_MAX;  // unknown: let Xapian try
  return static_cast<std::uint64_t>(info.f_bavail) * info.f_frsize;
}

std::string megabytes(std::uint64_t bytes) {
  return std::to_string((bytes + (1u << 19)) >> 20) + " MB";
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
  explicit DocumentBuilder(const kavosh::analysis::AnalyzerOptions& options) : analyzer_(options) {}

  Analyzer& analyzer() { return analyzer_; }

  PreparedArticle prepare(const Article& article) {
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
      doc.add_value(schema::kSlotPassageNo,
                    Xapian::sortable_serialise(static_cast<double>(number)));
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
  const auto sixteenth =
      static_cast<unsigned>(std::min<std::uint64_t>(passages / 16, WriterOptions::kMaxAutoBatch));
  return std::max(sixteenth, WriterOptions::kMinAutoBatch);
}

// One database the run writes passages into: the index directory's own, or one shard of a
// first run (schema::shard_path). Only one thread at a time writes a shard.
struct Shard {
  std::filesystem::path path;
  Xapian::WritableDatabase db;
  WriterStats stats;                // this shard's share of the run
  std::uint64_t article_count = 0;  // articles in this database (metadata kMetaArticleCount)
  bool in_transaction = false;
  bool started_empty = false;  // the database had no documents when opened
  std::unordered_set<std::uint64_t>
      seen_articles;  // id hashes added in this run (when started_empty)
  unsigned batch_passages = 0;
  std::uint64_t batch_bytes = 0;
  unsigned batch_limit =
      0;  // passages that end the current batch (options.batch_passages or automatic)
  SpellingStore::PassageWords
      batch_spelling;  // this batch's words per passage, for the spelling store
  // With a thread of its own (a first run), under IndexWriter::Impl::mutex: the articles
  // waiting for it, bounded like the analysis queue, and what stats() may read.
  std::deque<Article> queue;
  std::size_t queue_bytes = 0;  // passage text bytes in `queue`
  bool busy = false;
  WriterStats snapshot;  // `stats` as of its last write
};

std::size_t text_bytes(const Article& article) {
  std::size_t bytes = 0;
  for (const Passage& passage : article.passages) bytes += passage.text.size();
  return bytes;
}

struct IndexWriter::Impl {
  std::filesystem::path path;
  WriterOptions options;
  // A first run's shards, each analyzed and written by a thread of its own; otherwise just the
  // directory's database, written by the calling thread.
  std::vector<std::unique_ptr<Shard>> shards;
  WriterStats stats;                      // the shards' sums, refreshed by stats() and commit()
  std::uint64_t removed = 0;              // articles deleted through remove()
  std::uint64_t alias_files_groups = 0;   // alias groups from add_alias_group()
  std::optional<SpellingStore> spelling;  // none with options.spelling off
  // Committed changes that the spelling dictionary and the term filter, both brought up to
  // date at the end of commit(), do not reflect yet.
  std::atomic<bool> changed_since_sync = false;

  DocumentBuilder main_builder;  // for aliases, and for articles when there is no worker

  // Worker threads' state, all under `mutex`.
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Article> pending;
  std::size_t pending_bytes = 0;  // passage text bytes in `pending`
  static constexpr std::size_t kMaxPendingBytes = 32u << 20;
  std::deque<PreparedArticle> ready;
  // Written articles go back to the analysis thread to be freed there: their documents were
  // allocated by that thread, and freeing them cost the writing threads (the bottleneck) time
  // in malloc's cross-arena paths.
  std::vector<PreparedArticle> written;
  bool worker_busy = false;
  bool stopping = false;
  std::thread worker;
  // A first run's shards have a thread each that analyzes and writes the articles routed to
  // it (Shard::queue): one thread analyzing for both would hold both up whenever a shard commits.
  std::vector<std::thread> shard_threads;
  bool stopping_shards = false;
  std::exception_ptr shard_error;  // the first failure of a shard thread, rethrown by the caller
  // A write failed: the destructor then commits nothing (on a full disk a commit could end
  // the process, see ensure_disk_space) and leaves the database at its last commit.
  bool failed = false;

  Impl(const std::filesystem::path& db_path, WriterOptions writer_options)
      : path(db_path), options(std::move(writer_options)), main_builder(options.analyzer) {}

  bool sharded() const { return shards.size() > 1; }

  unsigned shard_index(std::string_view article_id) const {
    return shard_for(article_id, static_cast<unsigned>(shards.size()));
  }

  std::unique_ptr<Shard> open_shard(const std::filesystem::path& shard_path, int mode) {
    auto shard = std::make_unique<Shard>();
    shard->path = shard_path;
    try {
      shard->db = Xapian::WritableDatabase(shard_path.string(), mode);
    } catch (const Xapian::DatabaseLockError& e) {
      throw_lock_error(path, e.get_msg());
    } catch (const Xapian::Error& e) {
      throw std::runtime_error("cannot open database " + shard_path.string() + ": " + e.get_msg());
    }
    // Adding to an index of another schema would mix two stored-record layouts in one database.
    const std::string version = shard->db.get_metadata(std::string(schema::kMetaSchemaVersion));
    if (shard->db.get_doccount() > 0 && version != schema::kSchemaVersion) {
      throw std::runtime_error(
          "database " + path.string() + " has index schema " +
          (version.empty() ? "(none)" : version) + ", this kavosh-index writes schema " +
          std::string(schema::kSchemaVersion) + ": re-index it with --rebuild");
    }
    shard->started_empty = shard->db.get_doccount() == 0;
    const std::string count = shard->db.get_metadata(std::string(schema::kMetaArticleCount));
    if (!count.empty()) shard->article_count = std::stoull(count);
    shard->batch_limit = next_batch_limit(*shard);
    return shard;
  }

  // The database to write, decided from what the directory holds:
  //  - a database with documents: written in place, on one writing thread;
  //  - shards left by a killed first run (the stub names them): the run goes on in them;
  //  - nothing, or an empty database (or --rebuild): a first run, in shards when there are
  //    threads for them, else in place.
  void open() {
    namespace fs = std::filesystem;
    std::error_code error;
    if (fs::exists(path, error) && !fs::is_directory(path, error)) {
      throw std::runtime_error("database path is not a directory: " + path.string());
    }
    if (const auto unmerged = unmerged_shards(path); !unmerged.empty()) {
      open_shards(static_cast<unsigned>(unmerged.size()), options.rebuild);
      return;
    }
    const int mode = options.rebuild ? Xapian::DB_CREATE_OR_OVERWRITE : Xapian::DB_CREATE_OR_OPEN;
    shards.push_back(open_shard(path, mode));
    remove_leftovers();
    if (options.shards > 1 && options.analysis_thread && shards[0]->db.get_doccount() == 0) {
      // The empty database's lock is held until the shards hold theirs, so a second writer
      // always meets a lock; the new stub takes over from the database it named, if any.
      std::unique_ptr<Shard> empty = std::move(shards[0]);
      shards.clear();
      const std::vector<std::string> replaced = stub_databases(path);
      open_shards(options.shards, true);
      fs::remove(path / "iamglass");  // from here on Xapian opens the directory as the stub
      empty->db.close();
      for (const auto& entry : fs::directory_iterator(path)) {
        if (entry.path().extension() == ".glass") fs::remove(entry.path(), error);
      }
      for (const std::string& name : replaced) fs::remove_all(path / name, error);
    }
  }

  void open_shards(unsigned count, bool overwrite) {
    namespace fs = std::filesystem;
    const int mode = overwrite ? Xapian::DB_CREATE_OR_OVERWRITE : Xapian::DB_CREATE_OR_OPEN;
    fs::create_directories(path);
    std::string stub;
    for (unsigned k = 0; k < count; ++k) {
      shards.push_back(open_shard(schema::shard_path(path, k), mode));
      stub += "glass " + schema::shard_path(path, k).filename().string() + "\n";
      // A re-run goes on only in shards routed as this run routes, or it would add a second
      // copy of an article to the other shard.
      const Shard& shard = *shards.back();
      if (shard.db.get_doccount() > 0 &&
          shard.db.get_metadata(std::string(schema::kMetaShardRouting)) != kRouting) {
        throw std::runtime_error(
            "the unfinished first run in " + path.string() +
            " was written by an older kavosh-index; start over with --rebuild");
      }
    }
    const fs::path temporary = path / (std::string(schema::kShardStub) + ".tmp");
    {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      out << stub;
      if (!out.flush()) throw std::runtime_error("cannot write " + temporary.string());
    }
    fs::rename(temporary, path / schema::kShardStub);
  }

  // Shards a finished merge left behind, or a merge's output a kill cut short: whatever
  // subdirectory the stub does not name, other than the spelling dictionary.
  void remove_leftovers() {
    namespace fs = std::filesystem;
    std::error_code error;
    const std::vector<std::string> named = stub_databases(path);
    for (const auto& entry : fs::directory_iterator(path, error)) {
      const std::string name = entry.path().filename().string();
      const bool is_shard = schema::is_shard_name(name);
      const bool is_merge_output =
          !name.empty() &&
          std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
      // Only what Xapian wrote: a directory of the user's that happens to be named by digits stays.
      const bool written_by_xapian = fs::exists(entry.path() / schema::kXapianLockFile, error);
      if (!entry.is_directory(error) || !(is_shard || is_merge_output) || !written_by_xapian)
        continue;
      if (std::find(named.begin(), named.end(), name) == named.end())
        fs::remove_all(entry.path(), error);
    }
  }

  void start_worker() {
    worker = std::thread([this] {
      DocumentBuilder builder(options.analyzer);
      std::unique_lock lock(mutex);
      for (;;) {
        changed.wait(lock, [this] { return stopping || !pending.empty(); });
        if (pending.empty()) return;
        Article article = std::move(pending.front());
        pending.pop_front();
        pending_bytes -= text_bytes(article);
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

  void start_shard_threads() {
    stopping_shards = false;
    for (auto& shard : shards)
      shard_threads.emplace_back([this, &shard = *shard] { run_shard(shard); });
  }

  void run_shard(Shard& shard) {
    DocumentBuilder builder(options.analyzer);
    std::unique_lock lock(mutex);
    for (;;) {
      changed.wait(lock, [&] { return stopping_shards || !shard.queue.empty(); });
      if (shard.queue.empty()) return;
      Article article = std::move(shard.queue.front());
      shard.queue.pop_front();
      shard.queue_bytes -= text_bytes(article);
      shard.busy = true;
      lock.unlock();
      std::exception_ptr failure;
      try {
        PreparedArticle prepared = builder.prepare(article);
        write(shard, prepared);
      } catch (...) {
        failure = std::current_exception();
      }
      lock.lock();
      if (failure) {
        if (!shard_error) shard_error = failure;
        shard.queue.clear();
        shard.queue_bytes = 0;
      }
      shard.snapshot = shard.stats;
      shard.busy = false;
      changed.notify_all();
    }
  }

  void stop_shard_threads() {
    {
      std::lock_guard lock(mutex);
      stopping_shards = true;
    }
    changed.notify_all();
    for (std::thread& thread : shard_threads) thread.join();
    shard_threads.clear();
  }

  bool shards_idle() const {
    return std::all_of(shards.begin(), shards.end(),
                       [](const auto& shard) { return shard->queue.empty() && !shard->busy; });
  }

  void rethrow_shard_error() {
    if (shard_error) std::rethrow_exception(std::exchange(shard_error, nullptr));
  }

  void ensure_transaction(Shard& shard) {
    if (!shard.in_transaction) {
      shard.db.begin_transaction(true);
      shard.in_transaction = true;
    }
  }

  static std::optional<Xapian::docid> docid_of(Shard& shard, const std::string& unique_term) {
    auto it = shard.db.postlist_begin(unique_term);
    if (it == shard.db.postlist_end(unique_term)) return std::nullopt;
    return *it;
  }

  void write(Shard& shard, PreparedArticle& article) {
    if (article.error) std::rethrow_exception(article.error);
    ensure_transaction(shard);
    // In a database that started empty, an article id not seen before in this run cannot be
    // in the database: its passages are added without looking anything up (the hot path of
    // a first indexing run). Otherwise passages replace by their unique term.
    const bool known_new =
        shard.started_empty && shard.seen_articles.insert(schema::fnv1a_64(article.id)).second;
    bool existed = false;
    if (!known_new) {
      existed = shard.db.term_exists(
          schema::id_term(schema::kPassageId, schema::passage_id(article.id, 0)));
    }
    for (PreparedPassage& passage : article.passages) {
      if (known_new) {
        shard.db.add_document(passage.document);
      } else {
        shard.db.replace_document(passage.unique_term, passage.document);
      }
      if (spelling && !passage.spelling_words.empty())
        shard.batch_spelling.push_back(std::move(passage.spelling_words));
    }
    // Passages beyond the new count belonged to an older, longer version of the article.
    for (unsigned number = static_cast<unsigned>(article.passages.size()); !known_new; ++number) {
      const std::string stale =
          schema::id_term(schema::kPassageId, schema::passage_id(article.id, number));
      auto old = docid_of(shard, stale);
      if (!old) break;
      shard.db.delete_document(*old);
    }
    for (const auto& [key, synonym] : article.synonyms) shard.db.add_synonym(key, synonym);
    if (!article.synonyms.empty()) ++shard.stats.alias_groups;
    const bool exists_now = !article.passages.empty();
    if (exists_now && !existed) ++shard.article_count;
    if (!exists_now && existed && shard.article_count > 0) --shard.article_count;
    ++shard.stats.articles;
    shard.stats.passages += article.passages.size();
    shard.stats.terms += article.postings;
    shard.stats.bytes += article.bytes;
    shard.batch_passages += static_cast<unsigned>(article.passages.size());
    shard.batch_bytes += article.bytes;
    if (shard.batch_passages >= shard.batch_limit || shard.batch_bytes >= options.batch_bytes)
      commit(shard);
  }

  // Writes the oldest prepared article outside the lock, then hands it back to be freed.
  void write_next_ready(std::unique_lock<std::mutex>& lock) {
    PreparedArticle article = std::move(ready.front());
    ready.pop_front();
    lock.unlock();
    write(*shards[0], article);
    lock.lock();
    written.push_back(std::move(article));
  }

  // Writes every prepared article; with wait_all, first waits until nothing is in flight.
  void drain(bool wait_all) {
    std::unique_lock lock(mutex);
    for (;;) {
      while (!ready.empty()) write_next_ready(lock);
      rethrow_shard_error();
      const auto idle = [this] {
        return pending.empty() && !worker_busy && ready.empty() && shards_idle();
      };
      if (!wait_all || idle()) return;
      changed.wait(lock, [&] { return !ready.empty() || shard_error || idle(); });
    }
  }

  void add(Article article) {
    if (!shard_threads.empty()) {
      add_to_shard(std::move(article));
      return;
    }
    if (!worker.joinable()) {
      PreparedArticle prepared = main_builder.prepare(article);
      write(*shards[sharded() ? shard_index(prepared.id) : 0], prepared);
      return;
    }
    const std::size_t bytes = text_bytes(article);
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

  void add_to_shard(Article article) {
    const std::size_t bytes = text_bytes(article);
    Shard& shard = *shards[shard_index(article.id)];
    std::unique_lock lock(mutex);
    // Bounded by count and by text bytes; an article always fits into an empty queue.
    changed.wait(lock, [&] {
      return shard_error || shard.queue.empty() ||
             (shard.queue.size() < kMaxShardArticles &&
              shard.queue_bytes + bytes <= kMaxPendingBytes);
    });
    rethrow_shard_error();
    shard.queue.push_back(std::move(article));
    shard.queue_bytes += bytes;
    changed.notify_all();
  }
  static constexpr std::size_t kMaxShardArticles = 4096;

  bool remove(std::string_view article_id);

  unsigned next_batch_limit(const Shard& shard) const {
    return options.batch_passages > 0 ? options.batch_passages
                                      : automatic_batch_passages(shard.db.get_doccount());
  }

  void ensure_disk_space(const std::filesystem::path& where, std::uint64_t needed,
                         std::string_view what) const {
    const std::uint64_t free =
        options.free_disk_bytes ? options.free_disk_bytes(where) : statvfs_free_bytes(where);
    if (free >= needed) return;
    throw IndexWriteError("not enough disk space in " + path.string() + ": " + megabytes(free) +
                          " free, " + std::string(what) + " needs about " + megabytes(needed) +
                          "; the database is left at its last commit");
  }

  void commit(Shard& shard) {
    if (!shard.in_transaction) return;
    ensure_disk_space(shard.path, kCommitMarginBytes + kCommitBytesPerTextByte * shard.batch_bytes,
                      "the next commit");
    shard.db.set_metadata(std::string(schema::kMetaSchemaVersion),
                          std::string(schema::kSchemaVersion));
    shard.db.set_metadata(std::string(schema::kMetaArticleCount),
                          std::to_string(shard.article_count));
    shard.db.set_metadata("kavosh.analysis.normalize_arabic_script",
                          options.analyzer.normalize_arabic_script ? "1" : "0");
    if (sharded())
      shard.db.set_metadata(std::string(schema::kMetaShardRouting), std::string(kRouting));
    shard.db.commit_transaction();
    shard.in_transaction = false;
    changed_since_sync = true;
    if (spelling) spelling->add(std::exchange(shard.batch_spelling, {}));
    shard.batch_passages = 0;
    shard.batch_bytes = 0;
    shard.batch_limit = next_batch_limit(shard);
    ++shard.stats.commits;
  }

  // Every shard committed: compacts the shards into one database. Compacting into a stub
  // directory, Xapian writes a new subdirectory and then renames a new stub naming it over the
  // old one, so a kill at any moment leaves either the shards (which a re-run goes on with)
  // or the merged database.
  void merge_shards() {
    stop_shard_threads();
    // The merged copy is written beside the shards, and is at most their size.
    std::uint64_t shard_bytes = 0;
    for (const auto& shard : shards) shard_bytes += directory_size(shard->path);
    ensure_disk_space(path, kCommitMarginBytes + shard_bytes, "merging the shards");
    Xapian::Database sources;
    for (const auto& shard : shards) sources.add_database(Xapian::Database(shard->path.string()));
    ArticleCountMerger merger;
    sources.compact(path.string(), 0, 0, merger);
    WriterStats sums = shard_stats();
    for (auto& shard : shards) shard->db.close();
    shards.clear();
    shards.push_back(open_shard(path, Xapian::DB_OPEN));
    shards[0]->stats = sums;
    remove_leftovers();
    if (options.analysis_thread) start_worker();  // for articles added after this commit
  }

  // The shards' sums; a shard written by a thread of its own counts as of its last write.
  WriterStats shard_stats() {
    std::lock_guard lock(mutex);
    WriterStats sums;
    for (const auto& shard : shards) sums += shard_threads.empty() ? shard->stats : shard->snapshot;
    return sums;
  }

  void refresh_stats() {
    stats = shard_stats();
    stats.removed = removed;
    stats.alias_groups += alias_files_groups;
  }
};

void throw_lock_error(const std::filesystem::path& database, const std::string& xapian_message) {
  // Xapian says "Couldn't open lockfile: <strerror>" when it cannot create the lock file.
  constexpr std::string_view kCannotCreate = "Couldn't open lockfile: ";
  const std::size_t at = xapian_message.find(kCannotCreate);
  if (at == std::string::npos)
    throw DatabaseLocked("database is locked by another indexer: " + database.string());
  throw std::runtime_error("cannot write to the database " + database.string() +
                           " (its lock file: " + xapian_message.substr(at + kCannotCreate.size()) +
                           ")");
}

IndexWriter::IndexWriter(const std::filesystem::path& db_path, WriterOptions options)
    : impl_(std::make_unique<Impl>(db_path, std::move(options))) {
  impl_->open();
  if (impl_->options.spelling) {
    try {
      impl_->spelling.emplace(schema::spelling_path(db_path), db_path, impl_->options.rebuild);
    } catch (const Xapian::Error& e) {
      throw std::runtime_error("cannot open the spelling database " +
                               schema::spelling_path(db_path).string() + ": " + e.get_msg());
    }
  }
  if (impl_->options.queue_articles == 0) impl_->options.queue_articles = 1;
  if (impl_->options.analysis_thread) {
    if (impl_->sharded()) {
      impl_->start_shard_threads();
    } else {
      impl_->start_worker();
    }
  }
}

IndexWriter::~IndexWriter() {
  try {
    if (!impl_->failed) commit();
  } catch (...) {
    // A destructor must not throw; callers who care call commit() themselves.
  }
  impl_->stop_worker();
  impl_->stop_shard_threads();
}

namespace {
// Runs a write, marking the writer failed when it throws.
template <typename Action>
auto guarded(const std::filesystem::path& path, bool& failed, Action&& action) {
  try {
    return action();
  } catch (const Xapian::Error& e) {
    failed = true;
    throw IndexWriteError("writing " + path.string() + ": " + e.get_description());
  } catch (...) {
    failed = true;
    throw;
  }
}
}  // namespace

void IndexWriter::add(const Article& article) {
  guarded(impl_->path, impl_->failed, [&] { impl_->add(article); });
}

void IndexWriter::add(Article&& article) {
  guarded(impl_->path, impl_->failed, [&] { impl_->add(std::move(article)); });
}

bool IndexWriter::remove(std::string_view article_id) {
  return guarded(impl_->path, impl_->failed, [&] { return impl_->remove(article_id); });
}

bool IndexWriter::Impl::remove(std::string_view article_id) {
  drain(true);
  Shard& shard = *shards[sharded() ? shard_index(article_id) : 0];
  // An article's passages are numbered 0, 1, ... without gaps (a shorter new version deletes
  // the stale tail), so the unique passage terms find them all.
  std::vector<Xapian::docid> docids;
  for (unsigned number = 0;; ++number) {
    auto docid = docid_of(
        shard, schema::id_term(schema::kPassageId, schema::passage_id(article_id, number)));
    if (!docid) break;
    docids.push_back(*docid);
  }
  if (docids.empty()) return false;
  ensure_transaction(shard);
  for (Xapian::docid docid : docids) shard.db.delete_document(docid);
  if (shard.article_count > 0) --shard.article_count;
  ++removed;
  return true;
}

void IndexWriter::add_alias_group(const std::vector<std::string>& names) {
  guarded(impl_->path, impl_->failed, [&] {
    const auto pairs = impl_->main_builder.synonym_pairs(names);
    if (pairs.empty()) return;
    impl_->drain(true);  // shard 0 is written by this thread only
    Shard& shard = *impl_->shards[0];
    impl_->ensure_transaction(shard);
    for (const auto& [key, synonym] : pairs) shard.db.add_synonym(key, synonym);
    ++impl_->alias_files_groups;
  });
}

void IndexWriter::commit() {
  guarded(impl_->path, impl_->failed, [&] {
    impl_->drain(true);
    for (auto& shard : impl_->shards) impl_->commit(*shard);
    if (impl_->sharded()) {
      // The spelling store reads the shards for its batches; they go away with the merge.
      // Its commit needs only its own database, so it runs beside the merge.
      if (impl_->spelling) {
        impl_->spelling->finish_batches();
        impl_->spelling->commit_soon();
      }
      impl_->merge_shards();
    }
    impl_->refresh_stats();
    // Both read the one database left now (the shards are merged) at its last revision.
    if (impl_->changed_since_sync) {
      if (impl_->spelling) impl_->spelling->sync_with(impl_->shards[0]->db);
      TermFilter::build(impl_->shards[0]->db).write(term_filter_path(impl_->path));
      MatchData::write(impl_->shards[0]->db, match_data_path(impl_->path));
      impl_->changed_since_sync = false;
    }
  });
}

const WriterStats& IndexWriter::stats() const {
  impl_->refresh_stats();
  return impl_->stats;
}

const std::filesystem::path& IndexWriter::path() const { return impl_->path; }

}  // namespace kavosh::index
