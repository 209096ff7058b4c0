// SpellingStore: see spelling_store.hpp for why the dictionary has a database and thread of its
// own.
#include "spelling_store.hpp"

#include <bit>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "kavosh/format/schema.hpp"
#include "kavosh/text/arabic_script.hpp"
#include "kavosh/text/ascii.hpp"
#include "kavosh/text/utf8.hpp"
#include "kavosh/xapian/open_database.hpp"

namespace kavosh::index {

// A word starts with a lower-case ASCII letter, a letter of U+00C0..U+027F (Latin-1, Latin
// Extended-A and -B, IPA) or a character of the Arabic block. Digits are ASCII after analysis,
// so a number never starts with a letter.
bool is_spelling_word(std::string_view term) {
  if (term.size() < 2) return false;
  const char32_t first = text::decode_utf8(term, 0).value;
  const bool latin = (first < 0x80 && text::is_ascii_lower(static_cast<char>(first))) ||
                     (first >= 0xC0 && first <= 0x27F);
  return latin || text::is_in_arabic_block(first);
}

SpellingStore::SpellingStore(const std::filesystem::path& path, const std::filesystem::path& index,
                             bool overwrite)
    : db_(path.string(), overwrite ? Xapian::DB_CREATE_OR_OVERWRITE : Xapian::DB_CREATE_OR_OPEN),
      index_path_(index),
      thread_([this] { run(); }) {}

Xapian::termcount SpellingStore::popularity_class(Xapian::doccount passages) {
  return static_cast<Xapian::termcount>(std::bit_width(passages));
}

// A word's class before the batch is that of its count less the batch's passages. Its count is
// looked up in the main database the first time the run meets the word and then kept here:
// looking every batch word up again cost the thread most of its time on a 1 GB run (the B-tree
// grows with the index). When the main database has meanwhile committed another batch, or the
// kept counts were dropped at kMaxKeptWords, a class may be off; sync_with() at the end of the
// run repairs that.
void SpellingStore::apply(const PassageWords& batch) {
  constexpr std::size_t kMaxKeptWords = 4'000'000;  // ~300 MB at most: bounded memory
  Counts counts;
  for (const auto& words : batch)
    for (const std::string& word : words) ++counts[word];
  refresh_index();
  if (passages_.size() > kMaxKeptWords) passages_.clear();
  for (const auto& [word, added] : counts) {
    auto [kept, first_sight] = passages_.try_emplace(word, 0);
    if (first_sight) {
      kept->second = termfreq_in_index(word);
    } else {
      kept->second += added;
    }
    const Xapian::doccount now = kept->second;
    const Xapian::doccount before = now > added ? now - added : 0;
    const Xapian::termcount want = popularity_class(now), had = popularity_class(before);
    if (want == had) continue;
    const auto key = schema::spelling_key(word);
    if (!key) continue;
    if (want > had) db_.add_spelling(*key, want - had);
    if (want < had) db_.remove_spelling(*key, had - want);
    ++uncommitted_changes_;
  }
  // Committing rewrites (and zlib-compresses) every n-gram entry the changes touch, entries
  // that hold ever more words as the vocabulary grows; committing after every batch made this
  // thread a quarter of a first run's CPU time. Nothing relies on these intermediate commits:
  // sync_with() makes the dictionary exact and commits at the end of every run.
  if (uncommitted_changes_ >= kChangesPerCommit) {
    db_.commit();
    uncommitted_changes_ = 0;
  }
}

// The index's writers go on committing while this thread reads it, and glass keeps only the
// revision before the newest: a read can fall behind, and then the reader reopens; a reopen
// can fail as an open overtaken by commits does, and then the latest revision is opened afresh
// (open_database.hpp says why a failed reopen is not tried again).
void SpellingStore::refresh_index() {
  if (index_opened_) {
    try {
      index_.reopen();
      return;
    } catch (const Xapian::DatabaseModifiedError&) {
    } catch (const Xapian::DatabaseCorruptError&) {
      // Maybe a reopen two commits overtook; the fresh open below tells it from corruption.
    }
  }
  index_opened_ = false;
  index_ = open_readable_database(index_path_.string());
  index_opened_ = true;
}

Xapian::doccount SpellingStore::termfreq_in_index(const std::string& word) {
  for (;;) {
    try {
      return index_.get_termfreq(word);
    } catch (const Xapian::DatabaseModifiedError&) {
      refresh_index();
    }
  }
}

SpellingStore::~SpellingStore() {
  queue_.close();
  thread_.join();
}

void SpellingStore::add(PassageWords batch) {
  if (!batch.empty()) queue_.push(std::move(batch));
}

void SpellingStore::commit_soon() { queue_.push({}); }

void SpellingStore::run() {
  while (auto batch = queue_.pop()) {
    try {
      if (batch->empty()) {
        db_.commit();
        uncommitted_changes_ = 0;
      } else {
        apply(*batch);
      }
    } catch (...) {
      queue_.fail(std::current_exception());
    }
    queue_.done();
  }
}

void SpellingStore::finish_batches() { queue_.wait_done(); }

// One merge walk over two sorted lists: the index's unprefixed words (they sort after the
// "A".."Z" prefixes) and the dictionary's words. The differences are gathered first and
// written afterwards, because writing (and committing every kChangesPerCommit words) while a
// spelling iterator is open would change the table under it. After a run whose batches all
// arrived there is nothing to write.
void SpellingStore::copy_synonyms(const Xapian::Database& index) {
  finish_batches();
  const std::vector<std::string> old_keys(db_.synonym_keys_begin(), db_.synonym_keys_end());
  for (const std::string& key : old_keys) db_.clear_synonyms(key);
  for (auto key = index.synonym_keys_begin(); key != index.synonym_keys_end(); ++key) {
    for (auto synonym = index.synonyms_begin(*key); synonym != index.synonyms_end(*key); ++synonym)
      db_.add_synonym(*key, *synonym);
  }
  db_.commit();
}

void SpellingStore::sync_with(const Xapian::Database& index) {
  finish_batches();
  db_.commit();  // the batches' last changes, so that the walk reads the table as committed
  uncommitted_changes_ = 0;
  std::vector<std::pair<std::string, std::int64_t>> changes;  // key, passages to add (< 0: remove)
  Xapian::TermIterator word = index.allterms_begin();
  word.skip_to("a");
  const Xapian::TermIterator words_end = index.allterms_end();
  std::optional<std::string> key;  // the current word's dictionary key
  auto skip_non_spelling = [&] {
    for (key.reset(); word != words_end; ++word) {
      if (is_spelling_word(*word) && (key = schema::spelling_key(*word))) return;
    }
  };
  skip_non_spelling();
  Xapian::TermIterator known = db_.spellings_begin();
  const Xapian::TermIterator known_end = db_.spellings_end();
  // Keys sort as their words do (schema::spelling_key), so the walk meets them in step; keys of
  // a dictionary written before them sort where no word's key falls, and are removed.
  while (word != words_end || known != known_end) {
    const int order = word == words_end ? 1 : known == known_end ? -1 : key->compare(*known);
    const std::int64_t want = order <= 0 ? popularity_class(word.get_termfreq()) : 0;
    const std::int64_t have = order >= 0 ? known.get_termfreq() : 0;
    if (want != have) changes.emplace_back(order <= 0 ? *key : *known, want - have);
    if (order <= 0) {
      ++word;
      skip_non_spelling();
    }
    if (order >= 0) ++known;
  }
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const auto& [spelling, delta] = changes[i];
    if (delta > 0) db_.add_spelling(spelling, static_cast<Xapian::termcount>(delta));
    if (delta < 0) db_.remove_spelling(spelling, static_cast<Xapian::termcount>(-delta));
    if ((i + 1) % kChangesPerCommit == 0) db_.commit();
  }
  db_.set_metadata(std::string(schema::kMetaSpellingKeys), std::string(schema::kSpellingKeys));
  db_.commit();
  // The next batch opens the index directory afresh: a first run's shards have just been
  // merged into another database there.
  index_ = Xapian::Database();
  index_opened_ = false;
}

}  // namespace kavosh::index
