// IndexWriter: turns Articles into passage documents laid out as schema.hpp says.
// Writing is indexing's bottleneck, and Xapian writes a database on one thread. So a first run
// (an empty database) routes each article by its id to one of two shard databases
// (shard_set.hpp), each with a thread that analyzes and writes, and merges them at commit();
// a sharded index (--shards N) keeps its shards apart, each written by a thread of its own in
// every run; any other run analyzes on a worker thread while the calling thread writes, in the
// order articles were added. Either way at most a bounded number of articles is in flight, so
// memory stays bounded, and the same input gives the same database contents. Documents are
// built by document_builder.hpp; this file holds the threads, transactions, commits and the
// side files brought up to date at the end of a commit.
#include "kavosh/index/writer.hpp"

#include <sys/statvfs.h>
#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>

#include "bounded_queue.hpp"
#include "document_builder.hpp"
#include "kavosh/format/match_data.hpp"
#include "kavosh/format/record_dictionary.hpp"
#include "kavosh/format/schema.hpp"
#include "kavosh/format/stored_passage.hpp"
#include "kavosh/format/term_filter.hpp"
#include "kavosh/index/database_info.hpp"
#include "kavosh/xapian/errors.hpp"
#include "shard_set.hpp"
#include "spelling_store.hpp"
#include "staged_rebuild.hpp"

namespace kavosh::index {
namespace {

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

// The analysis thread of a run on a non-empty index, and the queues to and from it.
struct AnalysisThread {
  explicit AnalysisThread(std::size_t queued_articles)
      : pending(queued_articles, kMaxTextBytesInFlight) {}

  BoundedQueue<Article> pending;
  // Bounded by `pending`: the writing thread takes what is ready after every article it adds.
  BoundedQueue<PreparedArticle> ready{SIZE_MAX};
  // Written articles go back to the analysis thread to be freed there: their documents were
  // allocated by that thread, and freeing them cost the writing threads (the bottleneck) time
  // in malloc's cross-arena paths.
  BoundedQueue<PreparedArticle> written{SIZE_MAX};
  std::size_t in_flight = 0;  // added and not yet written; the writing thread's own count
  std::thread thread;
};

// Runs a write, marking the writer failed when it throws.
template <typename Action>
auto guarded(const std::filesystem::path& path, bool& failed, Action&& action) {
  try {
    return rethrow_xapian_errors<IndexWriteError>("writing " + path.string(),
                                                  std::forward<Action>(action));
  } catch (...) {
    failed = true;
    throw;
  }
}

std::optional<Xapian::docid> docid_of(Shard& shard, const std::string& unique_term) {
  auto it = shard.db.postlist_begin(unique_term);
  if (it == shard.db.postlist_end(unique_term)) return std::nullopt;
  return *it;
}

std::string passage_term(std::string_view article_id, unsigned number) {
  return schema::id_term(schema::kPassageId, schema::passage_id(article_id, number));
}

}  // namespace

unsigned automatic_batch_passages(std::uint64_t passages) {
  const auto sixteenth =
      static_cast<unsigned>(std::min<std::uint64_t>(passages / 16, WriterOptions::kMaxAutoBatch));
  return std::max(sixteenth, WriterOptions::kMinAutoBatch);
}

struct IndexWriter::Impl {
  std::filesystem::path index;  // the index directory the caller named
  WriterOptions options;
  // A rebuild of an index, written beside it while the old one serves searches, and put in
  // its place by close() (staged_rebuild.hpp); none for any other run.
  std::optional<StagedRebuild> staged;
  std::filesystem::path path;  // where this run writes: `index`, or the staging directory
  // A first run's shards, each analyzed and written by a thread of its own; otherwise just the
  // directory's database, written by the calling thread.
  ShardSet shard_set;
  WriterStats stats;                      // the shards' sums, refreshed by stats() and commit()
  std::uint64_t removed = 0;              // articles deleted through remove()
  std::uint64_t alias_files_groups = 0;   // alias groups from add_alias_group()
  std::optional<SpellingStore> spelling;  // none with options.spelling off
  // Committed changes that the spelling dictionary and the term filter, both brought up to
  // date at the end of commit(), do not reflect yet.
  std::atomic<bool> changed_since_sync = false;

  DocumentBuilder main_builder;  // for aliases, and for articles when there is no worker
  std::unique_ptr<AnalysisThread> analysis;  // a run on a non-empty index
  // A first run's shards have a thread each that analyzes and writes the articles routed to
  // it (Shard::queue): one thread analyzing for both would hold both up whenever a shard commits.
  std::vector<std::thread> shard_threads;
  std::mutex snapshot_mutex;  // Shard::snapshot
  // The record dictionary of the one database written, for the analysis thread's documents
  // (a shard written by a thread of its own uses its Shard::record_dictionary directly).
  std::mutex dictionary_mutex;
  std::shared_ptr<const RecordDictionary> analysis_dictionary;
  // A write failed: the destructor then commits nothing (on a full disk a commit could end
  // the process, see ensure_disk_space) and leaves the database at its last commit.
  bool failed = false;

  bool body_positions_in_xapian = false;  // chosen_body_positions(), once open
  bool closed = false;                    // close() ran: the run is over
  // Exceptions in flight when the writer was made: its destructor, run by the unwinding of a
  // failed run, must not put a staged rebuild in the old index's place.
  int exceptions_at_start = std::uncaught_exceptions();

  Impl(const std::filesystem::path& db_path, WriterOptions writer_options)
      : index(db_path),
        options(std::move(writer_options)),
        staged(options.rebuild ? StagedRebuild::begin(db_path) : std::nullopt),
        path(staged ? staged->directory() : db_path),
        shard_set(path),
        main_builder(options.analyzer) {}

  void open() {
    if (!options.rebuild) {
      finish_interrupted_publish(index);
      for (const auto& shard : index_shards(index)) finish_interrupted_publish(shard);
    }
    shard_set.open(options.rebuild, options.analysis_thread ? options.shards : 1,
                   options.index_shards);
    // The index's locks are this run's now: a rebuild they stopped is over.
    if (!staged) remove_abandoned_staging(index);
    for (const auto& shard : shard_set.shards()) {
      refuse_other_stemmers(*shard);
      load_record_dictionary(*shard);
    }
    body_positions_in_xapian = chosen_body_positions();
    main_builder.set_body_positions_in_xapian(body_positions_in_xapian);
    reset_batch_limits();
  }

  // What the index's documents hold already, or for a new one what the options ask (by default
  // no body positions in Xapian); one index never mixes the two.
  bool chosen_body_positions() const {
    std::optional<bool> recorded;
    for (const auto& shard : shard_set.shards())
      if (shard->db.get_doccount() > 0) recorded = schema::body_positions_in_xapian(shard->db);
    const bool wanted = options.body_positions_in_xapian.value_or(recorded.value_or(false));
    if (recorded && *recorded != wanted) {
      const auto layout = [](bool in_xapian) {
        return in_xapian ? "with Xapian positions of body words (--xapian-positions)"
                         : "without Xapian positions of body words";
      };
      throw std::runtime_error("database " + path.string() + " was written " + layout(*recorded) +
                               ", this run asks for it " + layout(wanted) +
                               ": re-index it with --rebuild to change that");
    }
    return wanted;
  }

  // The dictionary the shard's earlier runs trained, which its new records use too.
  void load_record_dictionary(Shard& shard) {
    try {
      if (auto stored = current_record_dictionary(shard.db))
        set_record_dictionary(shard, std::make_shared<const RecordDictionary>(std::move(*stored)));
    } catch (const CorruptStoredPassage& e) {
      throw std::runtime_error("database " + shard.path.string() + ": " + e.what());
    }
  }

  void set_record_dictionary(Shard& shard, std::shared_ptr<const RecordDictionary> dictionary) {
    shard.record_dictionary = std::move(dictionary);
    if (shard_set.sharded()) return;
    std::lock_guard lock(dictionary_mutex);
    analysis_dictionary = shard.record_dictionary;
  }

  std::shared_ptr<const RecordDictionary> dictionary_for_analysis() {
    std::lock_guard lock(dictionary_mutex);
    return analysis_dictionary;
  }

  // Stems of two stemmers in one index would leave a query meeting only part of it.
  void refuse_other_stemmers(Shard& shard) const {
    if (shard.db.get_doccount() == 0) return;
    const auto check = [&](std::string_view key, std::string_view older, std::string_view wanted,
                           const std::string& flag) {
      std::string recorded = shard.db.get_metadata(std::string(key));
      if (recorded.empty()) recorded = older;
      if (recorded != wanted)
        throw std::runtime_error("database " + path.string() + " was stemmed with " + flag + " " +
                                 recorded + ", this run asks for " + std::string(wanted) +
                                 ": give " + std::string(flag) + " " + recorded +
                                 " or re-index it with --rebuild");
    };
    check(schema::kMetaEnglishStemmer, schema::kEnglishStemmerOfOlderIndexes,
          analysis::english_stemmer_name(options.analyzer.english_stemmer), "--english-stemmer");
    check(schema::kMetaPersianStemmer, schema::kPersianStemmerOfOlderIndexes,
          analysis::persian_stemmer_name(options.analyzer.persian_stemmer), "--persian-stemmer");
  }

  void reset_batch_limits() {
    for (const auto& shard : shard_set.shards()) shard->batch_limit = next_batch_limit(*shard);
  }

  unsigned next_batch_limit(const Shard& shard) const {
    return options.batch_passages > 0 ? options.batch_passages
                                      : automatic_batch_passages(shard.db.get_doccount());
  }

  void start_worker() {
    analysis = std::make_unique<AnalysisThread>(options.queue_articles);
    analysis->thread = std::thread([this, &thread = *analysis] { analyze(thread); });
  }

  void analyze(AnalysisThread& thread) {
    DocumentBuilder builder(options.analyzer);
    builder.set_body_positions_in_xapian(body_positions_in_xapian);
    while (auto article = thread.pending.pop()) {
      // Articles written since the last one: freed here, where their documents were allocated.
      while (auto written = thread.written.try_pop()) written.reset();
      PreparedArticle prepared;
      try {
        prepared = builder.prepare(*article, dictionary_for_analysis().get());
      } catch (...) {
        prepared.id = article->id;
        prepared.error = std::current_exception();
      }
      thread.ready.push(std::move(prepared));
    }
  }

  void stop_worker() {
    if (!analysis || !analysis->thread.joinable()) return;
    analysis->pending.close();
    analysis->thread.join();
  }

  void start_shard_threads() {
    for (const auto& shard : shard_set.shards())
      shard_threads.emplace_back([this, &shard = *shard] { run_shard(shard); });
  }

  // A failure goes back through the shard's queue to the thread that adds or commits.
  void run_shard(Shard& shard) {
    DocumentBuilder builder(options.analyzer);
    builder.set_body_positions_in_xapian(body_positions_in_xapian);
    while (auto article = shard.queue.pop()) {
      try {
        PreparedArticle prepared = builder.prepare(*article, shard.record_dictionary.get());
        write(shard, prepared);
      } catch (...) {
        shard.queue.fail(std::current_exception());
      }
      {
        std::lock_guard lock(snapshot_mutex);
        shard.snapshot = shard.stats;
      }
      shard.queue.done();
    }
  }

  void stop_shard_threads() {
    if (shard_threads.empty()) return;
    for (const auto& shard : shard_set.shards()) shard->queue.close();
    for (std::thread& thread : shard_threads) thread.join();
    shard_threads.clear();
  }

  void add(Article article) {
    if (!shard_threads.empty()) {
      const std::size_t bytes = passage_text_bytes(article);
      auto& queue = shard_set.routed(article.id).queue;
      queue.push(std::move(article), bytes);
      return;
    }
    if (!analysis) {
      Shard& shard = shard_set.routed(article.id);
      PreparedArticle prepared = main_builder.prepare(article, shard.record_dictionary.get());
      write(shard, prepared);
      return;
    }
    // What is ready is written first, so that the analysis thread is not held up by a full
    // queue; the push blocks only while the analysis thread is behind.
    write_ready();
    const std::size_t bytes = passage_text_bytes(article);
    analysis->pending.push(std::move(article), bytes);
    ++analysis->in_flight;
    write_ready();
  }

  void write_ready() {
    while (auto article = analysis->ready.try_pop()) write_prepared(std::move(*article));
  }

  void write_prepared(PreparedArticle article) {
    --analysis->in_flight;
    write(shard_set.front(), article);
    analysis->written.push(std::move(article));
  }

  // Writes every article in flight, and waits until the shard threads have written theirs
  // (rethrowing a shard thread's failure).
  void drain() {
    if (analysis) {
      while (analysis->in_flight > 0) write_prepared(std::move(*analysis->ready.pop()));
    }
    for (const auto& shard : shard_set.shards()) shard->queue.wait_done();
  }

  void ensure_transaction(Shard& shard) {
    if (!shard.in_transaction) {
      shard.db.begin_transaction(true);
      shard.in_transaction = true;
    }
  }

  void write(Shard& shard, PreparedArticle& article) {
    if (article.error) std::rethrow_exception(article.error);
    ensure_transaction(shard);
    // In a database that started empty, an article id not seen before in this run cannot be
    // in the database: its passages are added without looking anything up (the hot path of
    // a first indexing run). Otherwise passages replace by their unique term.
    const bool known_new =
        shard.started_empty && shard.seen_articles.insert(schema::fnv1a_64(article.id)).second;
    const bool existed = !known_new && shard.db.term_exists(passage_term(article.id, 0));
    for (PreparedPassage& passage : article.passages) {
      // Prepared before the shard had its dictionary (on the analysis thread).
      if (passage.record_body && shard.record_dictionary) {
        passage.document.add_value(
            schema::kSlotStoredPassage,
            compress_record(*passage.record_body, shard.record_dictionary.get()));
        passage.record_body.reset();
      }
      const Xapian::docid docid =
          known_new ? shard.db.add_document(passage.document)
                    : shard.db.replace_document(passage.unique_term, passage.document);
      if (passage.record_body) hold_record(shard, docid, std::move(*passage.record_body));
      if (spelling && !passage.spelling_words.empty())
        shard.batch_spelling.push_back(std::move(passage.spelling_words));
    }
    if (!known_new) delete_stale_passages(shard, article);
    for (const auto& [key, synonym] : article.synonyms) shard.db.add_synonym(key, synonym);
    count_written(shard, article, existed);
    // A batch with 4 MB of bodies held back trains at once; any other at its commit. Holding a
    // batch longer would delay its commit and grow its memory (GCIDE's first run peaked at
    // 351 MB instead of 236 MB holding 4 MB a shard), for a record store 1.2 % smaller than
    // trained on the 1 MB of its first batch.
    if (shard.held_record_bytes >= kDictionaryTrainingBytes) write_held_records(shard);
    if (shard.batch_passages >= shard.batch_limit || shard.batch_bytes >= options.batch_bytes)
      commit(shard);
  }

  // A replaced passage keeps its docid: its new body replaces the old one.
  static void hold_record(Shard& shard, Xapian::docid docid, std::string body) {
    std::string& held = shard.held_records[docid];
    shard.held_record_bytes += body.size();
    shard.held_record_bytes -= held.size();
    held = std::move(body);
  }

  static void delete_passage(Shard& shard, Xapian::docid docid) {
    shard.db.delete_document(docid);
    if (const auto held = shard.held_records.find(docid); held != shard.held_records.end()) {
      shard.held_record_bytes -= held->second.size();
      shard.held_records.erase(held);
    }
  }

  // Trains the shard's record dictionary on the bodies held back and the samples of earlier
  // batches, when they are enough (record_dictionary.hpp), storing it in the batch that gives
  // every held passage its record: compressed with the new dictionary, or with LZ4 when there
  // was too little to train on, their bodies then kept as samples for the next batch.
  void write_held_records(Shard& shard) {
    if (shard.held_records.empty()) return;
    if (!shard.record_dictionary) {
      std::vector<std::string_view> bodies(shard.training_samples.begin(),
                                           shard.training_samples.end());
      for (const auto& [docid, body] : shard.held_records) bodies.push_back(body);
      if (auto trained = RecordDictionary::train(bodies)) {
        store_record_dictionary(shard.db, *trained);
        set_record_dictionary(shard, std::make_shared<const RecordDictionary>(std::move(*trained)));
        shard.training_samples = {};
        shard.training_sample_bytes = 0;
      }
    }
    // Documents of this batch, not yet committed: each is read back and gets its record.
    for (auto& [docid, body] : shard.held_records) {
      Xapian::Document document = shard.db.get_document(docid);
      document.add_value(schema::kSlotStoredPassage,
                         compress_record(body, shard.record_dictionary.get()));
      shard.db.replace_document(docid, document);
      if (!shard.record_dictionary && shard.training_sample_bytes < kDictionaryTrainingBytes) {
        shard.training_sample_bytes += body.size();
        shard.training_samples.push_back(std::move(body));
      }
    }
    shard.held_records.clear();
    shard.held_record_bytes = 0;
  }

  // Passages beyond the new count belonged to an older, longer version of the article.
  static void delete_stale_passages(Shard& shard, const PreparedArticle& article) {
    for (auto number = static_cast<unsigned>(article.passages.size());; ++number) {
      auto old = docid_of(shard, passage_term(article.id, number));
      if (!old) break;
      delete_passage(shard, *old);
    }
  }

  static void count_written(Shard& shard, const PreparedArticle& article, bool existed) {
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
  }

  bool remove(std::string_view article_id) {
    drain();
    Shard& shard = shard_set.routed(article_id);
    // An article's passages are numbered 0, 1, ... without gaps (a shorter new version deletes
    // the stale tail), so the unique passage terms find them all.
    std::vector<Xapian::docid> docids;
    for (unsigned number = 0;; ++number) {
      auto docid = docid_of(shard, passage_term(article_id, number));
      if (!docid) break;
      docids.push_back(*docid);
    }
    if (docids.empty()) return false;
    ensure_transaction(shard);
    for (Xapian::docid docid : docids) delete_passage(shard, docid);
    if (shard.article_count > 0) --shard.article_count;
    ++removed;
    return true;
  }

  void add_alias_group(const std::vector<std::string>& names) {
    const SynonymPairs pairs = main_builder.synonym_pairs(names);
    if (pairs.empty()) return;
    drain();  // no other thread writes shard 0 until this one adds an article again
    Shard& shard = shard_set.front();
    ensure_transaction(shard);
    for (const auto& [key, synonym] : pairs) shard.db.add_synonym(key, synonym);
    ++alias_files_groups;
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
    write_held_records(shard);
    ensure_disk_space(shard.path, kCommitMarginBytes + kCommitBytesPerTextByte * shard.batch_bytes,
                      "the next commit");
    shard.db.set_metadata(std::string(schema::kMetaSchemaVersion),
                          std::string(schema::kSchemaVersion));
    shard.db.set_metadata(std::string(schema::kMetaArticleCount),
                          std::to_string(shard.article_count));
    shard.db.set_metadata(std::string(schema::kMetaNormalizeArabicScript),
                          options.analyzer.normalize_arabic_script ? "1" : "0");
    shard.db.set_metadata(
        std::string(schema::kMetaEnglishStemmer),
        std::string(analysis::english_stemmer_name(options.analyzer.english_stemmer)));
    shard.db.set_metadata(
        std::string(schema::kMetaPersianStemmer),
        std::string(analysis::persian_stemmer_name(options.analyzer.persian_stemmer)));
    shard.db.set_metadata(
        std::string(schema::kMetaBodyPositions),
        std::string(body_positions_in_xapian ? schema::kBodyPositionsInXapian
                                             : schema::kBodyPositionsInSequences));
    if (shard_set.sharded())
      shard.db.set_metadata(std::string(schema::kMetaShardRouting), std::string(kShardRouting));
    shard.db.commit_transaction();
    shard.in_transaction = false;
    changed_since_sync = true;
    if (spelling) spelling->add(std::exchange(shard.batch_spelling, {}));
    shard.batch_passages = 0;
    shard.batch_bytes = 0;
    shard.batch_limit = next_batch_limit(shard);
    ++shard.stats.commits;
  }

  void commit_all() {
    drain();
    for (const auto& shard : shard_set.shards()) {
      // A shard that no article went to yet still says its schema, or a search would refuse
      // it as no Kavosh index (or, a first run's merge of such shards, as still being created).
      if (shard->db.get_metadata(std::string(schema::kMetaSchemaVersion)).empty())
        ensure_transaction(*shard);
      commit(*shard);
    }
    if (shard_set.merges()) {
      // The spelling store reads the shards for its batches; they go away with the merge.
      // Its commit needs only its own database, so it runs beside the merge.
      if (spelling) {
        spelling->finish_batches();
        spelling->commit_soon();
      }
      merge_shards();
    }
    refresh_stats();
    if (changed_since_sync) {
      write_side_files();
      changed_since_sync = false;
    }
  }

  // The run's end: everything committed, the threads stopped and, for a staged rebuild, the
  // databases closed and the new index put in the old one's place.
  void close() {
    commit_all();
    if (!end_run()) return;
    staged->publish();
    staged.reset();
  }

  bool abandon() {
    if (!end_run()) return false;
    std::error_code error;
    std::filesystem::remove_all(path, error);  // else the next run removes it
    staged.reset();
    return true;
  }

  // Stops the threads; a staged rebuild's databases are closed, and true is returned, for its
  // directory to be swapped in or removed.
  bool end_run() {
    stop_worker();
    stop_shard_threads();
    closed = true;
    if (!staged) return false;
    spelling.reset();
    for (const auto& shard : shard_set.shards()) shard->db.close();
    return true;
  }

  void refuse_when_closed() const {
    if (closed) throw std::logic_error("the index writer of " + index.string() + " is closed");
  }

  // Every shard committed: compacts them into one database (shard_set.hpp).
  void merge_shards() {
    stop_shard_threads();
    // The merged copy is written beside the shards, and is at most their size.
    ensure_disk_space(path, kCommitMarginBytes + shard_set.bytes_on_disk(), "merging the shards");
    shard_set.merge();
    load_record_dictionary(shard_set.front());
    reset_batch_limits();
    if (options.analysis_thread) start_worker();  // for articles added after this commit
  }

  // The spelling dictionary, term filter and match data at the databases' last revision: of
  // the one database left now (a first run's shards are merged), or, in a sharded index, one
  // dictionary of the whole index and each shard's own term filter and match data.
  void write_side_files() {
    if (!shard_set.kept()) {
      Xapian::WritableDatabase& db = shard_set.front().db;
      if (spelling) spelling->sync_with(db);
      TermFilter::build(db).write(term_filter_path(path));
      MatchData::write(db, match_data_path(path));
      return;
    }
    if (spelling) {
      const Xapian::Database whole(path.string());
      spelling->sync_with(whole);
      spelling->copy_synonyms(whole);
    }
    for (const auto& shard : shard_set.shards()) {
      TermFilter::build(shard->db).write(term_filter_path(shard->path));
      MatchData::write(shard->db, match_data_path(shard->path));
    }
  }

  // The shards' sums; a shard written by a thread of its own counts as of its last write.
  WriterStats shard_stats() {
    std::lock_guard lock(snapshot_mutex);
    WriterStats sums;
    for (const auto& shard : shard_set.shards())
      sums += shard_threads.empty() ? shard->stats : shard->snapshot;
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
      impl_->spelling.emplace(schema::spelling_path(impl_->path), impl_->path,
                              impl_->options.rebuild);
    } catch (const Xapian::Error& e) {
      throw_xapian_error(
          e, "cannot open the spelling database " + schema::spelling_path(impl_->path).string());
    }
  }
  if (impl_->options.queue_articles == 0) impl_->options.queue_articles = 1;
  if (impl_->options.analysis_thread) {
    if (impl_->shard_set.sharded()) {
      impl_->start_shard_threads();
    } else {
      impl_->start_worker();
    }
  }
}

IndexWriter::~IndexWriter() {
  try {
    const bool unwinding = std::uncaught_exceptions() > impl_->exceptions_at_start;
    if (!impl_->failed && !impl_->closed) {
      if (unwinding) {
        commit();
      } else {
        close();
      }
    }
  } catch (...) {
    // A destructor must not throw; callers who care call close() themselves.
  }
  impl_->stop_worker();
  impl_->stop_shard_threads();
}

void IndexWriter::add(const Article& article) {
  impl_->refuse_when_closed();
  guarded(impl_->path, impl_->failed, [&] { impl_->add(article); });
}

void IndexWriter::add(Article&& article) {
  impl_->refuse_when_closed();
  guarded(impl_->path, impl_->failed, [&] { impl_->add(std::move(article)); });
}

bool IndexWriter::remove(std::string_view article_id) {
  impl_->refuse_when_closed();
  return guarded(impl_->path, impl_->failed, [&] { return impl_->remove(article_id); });
}

void IndexWriter::add_alias_group(const std::vector<std::string>& names) {
  impl_->refuse_when_closed();
  guarded(impl_->path, impl_->failed, [&] { impl_->add_alias_group(names); });
}

void IndexWriter::commit() {
  if (impl_->closed) return;
  guarded(impl_->path, impl_->failed, [&] { impl_->commit_all(); });
}

bool IndexWriter::abandon() {
  if (impl_->closed) return false;
  return guarded(impl_->path, impl_->failed, [&] { return impl_->abandon(); });
}

void IndexWriter::close() {
  if (impl_->closed) return;
  guarded(impl_->path, impl_->failed, [&] { impl_->close(); });
}

const WriterStats& IndexWriter::stats() const {
  impl_->refresh_stats();
  return impl_->stats;
}

const std::filesystem::path& IndexWriter::path() const { return impl_->index; }

}  // namespace kavosh::index
