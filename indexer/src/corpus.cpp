// Corpus runs (see corpus.hpp).
#include "kavosh/index/corpus.hpp"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_set>
#include <variant>

#include "bounded_queue.hpp"
#include "kavosh/index/text_cleanup.hpp"

namespace kavosh::index {
namespace {

bool is_hidden(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name[0] == '.';
}

std::string lower_name(const std::filesystem::path& path) {
  return ascii_lower(path.filename().string());
}

// Files that describe a collection rather than belong to it (README.md, LICENSE, ...): left
// out of directory walks; named explicitly on the command line they are indexed.
bool is_collection_note(const std::filesystem::path& path) {
  const std::string stem = lower_name(path.stem());
  return stem == "readme" || stem == "license" || stem == "licence" || stem == "copying" ||
         stem == "notice" || stem == "sha256sums" || stem == "md5sums" ||
         lower_name(path.extension()) == ".readme";
}

// Test collections ship their queries and relevance judgements beside the documents, some in
// the documents' own format (Cranfield's cran.qry is SMART, whose ".I" numbers would replace
// documents of the same number).
bool is_query_or_judgements(const std::filesystem::path& path) {
  const std::string name = lower_name(path);
  const std::string extension = lower_name(path.extension());
  return extension == ".qry" || extension == ".rel" || name.find("qrel") != std::string::npos ||
         name.rfind("query", 0) == 0 || name.rfind("queries", 0) == 0;
}

// Why a directory walk leaves `file` out; nullopt to read it.
std::optional<std::string> reason_to_leave_out(const std::filesystem::path& file) {
  if (is_query_or_judgements(file)) return "queries or relevance judgements";
  std::optional<Format> format;
  try {
    format = detect_format(file);
  } catch (const std::runtime_error&) {
    return std::nullopt;  // reading it reports why it cannot be read
  }
  if (!format) return "not a recognized document format";
  if (*format == Format::ArticleText && lower_name(file.extension()) != ".txt") {
    return "plain text without a .txt name";
  }
  return std::nullopt;
}

// What the reading thread hands to the writing thread.
using CorpusItem = std::variant<Article, std::vector<std::string>>;

std::size_t text_bytes(const CorpusItem& item) {
  return item.index() == 0 ? passage_text_bytes(std::get<0>(item)) : 0;
}

// Between the reading and the writing thread; the writing side closes it when it stops on an
// error, and the reading thread's next push then ends the read (QueueClosed).
using ItemQueue = BoundedQueue<CorpusItem>;
constexpr std::size_t kQueuedItems = 32;

// Runs on the reading thread: forwards articles and alias groups to the queue, and reports
// warnings and progress (the CLI's callbacks therefore run on this thread only).
class QueueListener : public ReadListener {
 public:
  QueueListener(ItemQueue& queue, const CorpusOptions& options, CorpusStats& stats,
                IndexProgress& progress)
      : queue_(queue), options_(options), stats_(stats), progress_(progress) {}

  void article(Article&& article) override {
    if (!ids_.insert(schema::fnv1a_64(article.id)).second) {
      ++stats_.duplicates;
      warning(InputWarning{
          article.source, 0, 0,
          "id \"" + article.id + "\" was read before in this run; this document replaces it"});
    }
    CorpusItem item(std::in_place_index<0>, std::move(article));
    const std::size_t bytes = text_bytes(item);
    queue_.push(std::move(item), bytes);
    ++progress_.articles;
  }
  void alias_group(std::vector<std::string>&& names) override {
    queue_.push(CorpusItem(std::in_place_index<1>, std::move(names)));
  }
  void warning(InputWarning&& warning) override {
    ++stats_.warnings;
    if (warning.skipped != SkipReason::None)
      ++stats_.skipped[static_cast<std::size_t>(warning.skipped)];
    ++progress_.warnings;
    if (++warnings_in_file_ > kWarningsShownPerFile)
      return;  // counted; summed up at the file's end
    if (options_.on_warning) options_.on_warning(warning);
  }
  // A binary or wrongly named file gives a warning a line: after the first few, one line says
  // how many more there were.
  void start_file() { warnings_in_file_ = 0; }
  void end_file(const std::string& file) {
    if (warnings_in_file_ <= kWarningsShownPerFile || !options_.on_warning) return;
    options_.on_warning(InputWarning{file, 0, 0,
                                     std::to_string(warnings_in_file_ - kWarningsShownPerFile) +
                                         " more warnings in this file (not shown; counted)"});
  }
  static constexpr std::uint64_t kWarningsShownPerFile = 20;
  void progress(std::uint64_t bytes_read_in_file) override {
    progress_.bytes_done = bytes_before_file + bytes_read_in_file;
    if (options_.on_progress) options_.on_progress(progress_);
  }

  std::uint64_t bytes_before_file = 0;

 private:
  ItemQueue& queue_;
  // Hashes of the ids read so far: 8 bytes an article, against a document silently replacing
  // another of the same id (two dumps with a page of the same title, an id twice in a file).
  std::unordered_set<std::uint64_t> ids_;
  std::uint64_t warnings_in_file_ = 0;
  const CorpusOptions& options_;
  CorpusStats& stats_;
  IndexProgress& progress_;
};

// Reads every file into the queue; per-file input errors become warnings.
void read_all(const std::vector<CorpusFile>& files, const CorpusOptions& options,
              QueueListener& listener, CorpusStats& stats, IndexProgress& progress) {
  for (const CorpusFile& file : files) {
    listener.bytes_before_file = progress.bytes_done;
    Format format = options.format;
    if (file.file.filename() == "aliases.tsv") format = Format::Aliases;
    listener.start_file();
    if (!file.unreadable.empty()) {
      listener.warning(InputWarning{file.source, 0, 0, file.unreadable});
    } else {
      try {
        read_file(file.file, format, file.article_id, file.source, listener);
      } catch (const QueueClosed&) {
        throw;  // the consumer stopped (its error is reported there): not an input problem
      } catch (const std::runtime_error& e) {
        // Unreadable or corrupt input (e.g. a damaged .bz2): warn, keep what was read, go on.
        // The offset is as far as the reader last reported (0 for a file that did not open).
        listener.warning(InputWarning{file.source, 0,
                                      progress.bytes_done - listener.bytes_before_file, e.what()});
      }
    }
    listener.end_file(file.source);
    listener.bytes_before_file = progress.bytes_done = listener.bytes_before_file + file.size;
    ++progress.files_done;
    ++stats.files;
    stats.input_bytes += file.size;
    if (options.on_progress) options.on_progress(progress);
  }
}

}  // namespace

std::uint64_t CorpusStats::skipped_total() const {
  std::uint64_t total = 0;
  for (std::size_t reason = 1; reason < kSkipReasons; ++reason) total += skipped[reason];
  return total;
}

CorpusStats& CorpusStats::operator+=(const CorpusStats& other) {
  files += other.files;
  articles += other.articles;
  alias_groups += other.alias_groups;
  duplicates += other.duplicates;
  warnings += other.warnings;
  input_bytes += other.input_bytes;
  for (std::size_t reason = 0; reason < kSkipReasons; ++reason)
    skipped[reason] += other.skipped[reason];
  return *this;
}

namespace {

// A file named on the command line, read whatever it is; one that cannot be read is an error.
CorpusFile named_file(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  const bool regular = fs::is_regular_file(path, error);
  // Opening a pipe to probe it would consume what its writer sends: ask, do not open.
  if (!regular) {
    if (::access(path.c_str(), R_OK) != 0)
      throw std::runtime_error("cannot read " + path.string() + ": " + std::strerror(errno));
  } else if (std::FILE* probe = std::fopen(path.c_str(), "rb")) {
    std::fclose(probe);
  } else {
    throw std::runtime_error("cannot read " + path.string() + ": " + std::strerror(errno));
  }
  CorpusFile file;
  file.file = path;
  file.article_id = path.filename().string();
  file.source = path.string();
  // A pipe or device has no size (file_size fails and returns -1): its bytes are not counted,
  // rather than counted as 16 EB.
  file.size = regular ? fs::file_size(path, error) : 0;
  if (error) file.size = 0;
  return file;
}

}  // namespace

std::vector<CorpusFile> list_corpus_files(const std::vector<std::filesystem::path>& paths,
                                          std::vector<LeftOutFile>* left_out) {
  namespace fs = std::filesystem;
  std::vector<CorpusFile> files;
  for (const fs::path& path : paths) {
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (error && error != std::errc::no_such_file_or_directory) {
      throw std::runtime_error("cannot read " + path.string() + ": " + error.message());
    }
    if (!fs::exists(status))
      throw std::runtime_error("no such file or directory: " + path.string());
    if (fs::is_directory(status)) {
      std::vector<CorpusFile> found;
      fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied,
                                          error);
      if (error)
        throw std::runtime_error("cannot read directory " + path.string() + ": " + error.message());
      for (; it != fs::recursive_directory_iterator(); it.increment(error)) {
        if (error)
          throw std::runtime_error("cannot read directory " + path.string() + ": " +
                                   error.message());
        if (is_hidden(it->path())) {
          if (it->is_directory(error)) it.disable_recursion_pending();
          continue;
        }
        // The iterator skips what it may not open without a word; a lost subtree is a
        // warning when it is read (CorpusFile::unreadable).
        if (it->is_directory(error)) {
          if (DIR* opened = ::opendir(it->path().c_str())) {
            ::closedir(opened);
          } else {
            CorpusFile file;
            file.file = it->path();
            file.article_id = it->path().lexically_relative(path).generic_string();
            file.source = it->path().string();
            file.unreadable = std::string("cannot read directory: ") + std::strerror(errno);
            found.push_back(std::move(file));
            it.disable_recursion_pending();
          }
          continue;
        }
        if (!it->is_regular_file(error) || is_collection_note(it->path())) continue;
        if (auto reason = reason_to_leave_out(it->path())) {
          if (left_out) left_out->push_back(LeftOutFile{it->path(), std::move(*reason)});
          continue;
        }
        CorpusFile file;
        file.file = it->path();
        file.article_id = it->path().lexically_relative(path).generic_string();
        file.source = it->path().string();
        file.size = it->file_size(error);
        if (error) file.size = 0;
        found.push_back(std::move(file));
      }
      std::sort(found.begin(), found.end(), [](const CorpusFile& a, const CorpusFile& b) {
        return a.article_id < b.article_id;
      });
      if (left_out) {
        std::sort(left_out->begin(), left_out->end(),
                  [](const LeftOutFile& a, const LeftOutFile& b) { return a.file < b.file; });
      }
      for (CorpusFile& file : found) files.push_back(std::move(file));
    } else {
      files.push_back(named_file(path));
    }
  }
  return files;
}

CorpusStats index_corpus(const std::vector<CorpusFile>& files, IndexWriter& writer,
                         const CorpusOptions& options) {
  // Reading (decompression, parsing) runs on its own thread so that the writing thread only
  // writes; the queue between them is bounded, so memory stays bounded too.
  CorpusStats read_stats;
  IndexProgress progress;
  progress.files_total = files.size();
  for (const CorpusFile& file : files) progress.bytes_total += file.size;
  ItemQueue queue(kQueuedItems, kMaxTextBytesInFlight);
  QueueListener listener(queue, options, read_stats, progress);
  std::exception_ptr reading_error;
  std::thread reader([&] {
    try {
      read_all(files, options, listener, read_stats, progress);
    } catch (const QueueClosed&) {
    } catch (...) {
      reading_error = std::current_exception();
    }
    queue.close();
  });

  std::uint64_t articles = 0;
  std::uint64_t alias_groups = 0;
  try {
    while (auto item = queue.pop()) {
      if (item->index() == 0) {
        writer.add(std::move(std::get<0>(*item)));
        ++articles;
      } else {
        writer.add_alias_group(std::get<1>(*item));
        ++alias_groups;
      }
    }
  } catch (...) {
    queue.close();
    reader.join();
    throw;
  }
  reader.join();
  if (reading_error) std::rethrow_exception(reading_error);
  CorpusStats stats = read_stats;
  stats.articles = articles;
  stats.alias_groups = alias_groups;
  return stats;
}

}  // namespace kavosh::index
