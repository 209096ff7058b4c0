// kavosh-index: flags -> library calls. Indexes files and directories into a Xapian database,
// deletes articles, prints statistics or one passage, compacts. Errors reach kavosh::cli
// (cli/), which prints them as one line; exit codes: 0 ok, 1 runtime error (or warnings with
// --strict), 2 usage.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "kavosh/cli/program.hpp"
#include "kavosh/index/corpus.hpp"
#include "kavosh/index/database_info.hpp"
#include "kavosh/index/readers.hpp"
#include "kavosh/index/writer.hpp"
#include "progress.hpp"

namespace {

namespace fs = std::filesystem;
using namespace kavosh::index;

struct Options {
  fs::path db;
  std::vector<fs::path> paths;
  std::vector<fs::path> alias_files;
  std::vector<std::string> deletes;
  std::string format = "auto";
  unsigned batch = kavosh::index::WriterOptions{}.batch_passages;
  bool rebuild = false;
  bool xapian_positions = false;
  unsigned shards = 0;  // 0: as the index is
  bool strict = false;
  bool quiet = false;
  bool no_spelling = false;
  bool single_thread = false;
  bool compact = false;
  bool stats = false;
  std::string show;
  std::string english_stemmer{
      kavosh::analysis::english_stemmer_name(kavosh::analysis::AnalyzerOptions{}.english_stemmer)};
  std::string persian_stemmer{
      kavosh::analysis::persian_stemmer_name(kavosh::analysis::AnalyzerOptions{}.persian_stemmer)};
};

using kavosh::cli::UsageError;

const kavosh::cli::Program kProgram{"kavosh-index", {}};

// Each shard is written by a thread of its own and opened by every search: past this many the
// threads only compete for the cores and the searches for file handles.
constexpr unsigned kMaxShards = 256;

std::string megabytes(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f MB", static_cast<double>(bytes) / (1 << 20));
  return text;
}

// What a writing run did, for its summary.
struct WriteRun {
  std::vector<LeftOutFile> left_out;
  CorpusStats corpus;
  WriterStats written;
  std::uint64_t warnings = 0;
  double seconds = 0;
};

// Deletes, then aliases files, then the input paths, in one writer and one final commit.
// The flags that say how the index is written.
WriterOptions writer_options_of(const Options& options) {
  WriterOptions writer_options;
  writer_options.rebuild = options.rebuild;
  if (options.xapian_positions) writer_options.body_positions_in_xapian = true;
  writer_options.batch_passages = options.batch;
  writer_options.spelling = !options.no_spelling;
  writer_options.analysis_thread = !options.single_thread;
  writer_options.index_shards = options.shards;
  writer_options.analyzer.english_stemmer =
      kavosh::analysis::parse_english_stemmer(options.english_stemmer).value();
  writer_options.analyzer.persian_stemmer =
      kavosh::analysis::parse_persian_stemmer(options.persian_stemmer).value();
  return writer_options;
}

WriteRun write(const Options& options, Format format) {
  WriteRun run;
  std::vector<LeftOutFile>& left_out = run.left_out;
  std::uint64_t& warnings = run.warnings;
  // Check every input before touching the database, so a typo writes nothing.
  const std::vector<CorpusFile> files = list_corpus_files(options.paths, &left_out);
  for (const fs::path& alias_file : options.alias_files) {
    if (!fs::is_regular_file(alias_file))
      throw std::runtime_error("no such aliases file: " + alias_file.string());
  }
  const WriterOptions writer_options = writer_options_of(options);

  const auto started = std::chrono::steady_clock::now();
  kavosh::cli::ProgressLine progress(!options.quiet && isatty(STDERR_FILENO));
  auto warn = [&](const InputWarning& warning) {
    progress.clear();
    std::fprintf(stderr, "warning: %s\n", warning.to_string().c_str());
  };
  CorpusOptions corpus_options;
  corpus_options.format = format;
  corpus_options.on_warning = warn;
  corpus_options.on_progress = [&](const IndexProgress& p) { progress.update(p); };

  if (!options.quiet) {
    for (const LeftOutFile& file : left_out) {
      std::fprintf(stderr,
                   "note: %s: left out of the directory walk: %s (name the file to index it)\n",
                   file.file.c_str(), file.reason.c_str());
    }
  }
  CorpusStats& corpus = run.corpus;
  {
    IndexWriter writer(options.db, writer_options);
    for (const std::string& id : options.deletes) {
      if (!writer.remove(id)) {
        ++warnings;
        warn(InputWarning{"--delete", 0, 0, "no such article: " + id});
      }
    }
    std::vector<CorpusFile> all_files;
    for (const fs::path& alias_file : options.alias_files) {
      CorpusFile file{alias_file,
                      alias_file.filename().string(),
                      alias_file.string(),
                      fs::file_size(alias_file),
                      {}};
      all_files.push_back(file);
    }
    CorpusOptions alias_options = corpus_options;
    alias_options.format = Format::Aliases;
    const CorpusStats aliases = index_corpus(all_files, writer, alias_options);
    corpus = index_corpus(files, writer, corpus_options);
    corpus.warnings += aliases.warnings;
    corpus.alias_groups += aliases.alias_groups;
    writer.commit();
    run.written = writer.stats();
    // A rebuild that found nothing to index in the paths it was given (a wrong --format, an
    // empty or truncated dump) keeps the index it would have replaced. `--rebuild` without
    // paths still empties the index: that one is asked for.
    if (options.rebuild && !options.paths.empty() && run.written.articles == 0) {
      const bool kept = writer.abandon();
      throw std::runtime_error(
          "--rebuild indexed no documents from its input: " + options.db.string() +
          (kept ? " is kept as it was" : " is now empty (rebuilt in place)"));
    }
    writer.close();
  }
  progress.finish();
  warnings += corpus.warnings;
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return run;
}

// "1 article", "2 articles": the summary is read by people first.
std::string count_of(std::uint64_t count, std::string_view noun) {
  std::string text = std::to_string(count) + " " + std::string(noun);
  if (count != 1) text += 's';
  return text;
}

void print_summary(const Options& options, const WriteRun& run) {
  const CorpusStats& corpus = run.corpus;
  const WriterStats& written = run.written;
  const double seconds = run.seconds;
  const double safe_seconds = seconds > 0 ? seconds : 1e-9;
  // A document that replaced one of the same id read earlier in the run is not one more.
  std::printf(
      "indexed %s as %s (%s) from %s, %s",
      count_of(written.articles - std::min(written.articles, corpus.duplicates), "article").c_str(),
      count_of(written.passages, "passage").c_str(),
      count_of(written.terms, "term posting").c_str(), count_of(corpus.files, "file").c_str(),
      megabytes(corpus.input_bytes).c_str());
  if (!run.left_out.empty()) {
    std::printf("; %s left out", count_of(run.left_out.size(), "file").c_str());
  }
  if (written.alias_groups > 0) {
    std::printf("; %s", count_of(written.alias_groups, "alias group").c_str());
  }
  if (written.removed > 0) {
    std::printf("; deleted %s", count_of(written.removed, "article").c_str());
  }
  std::printf("\ndocuments: %llu read, %llu indexed",
              static_cast<unsigned long long>(corpus.articles) + corpus.skipped_total(),
              static_cast<unsigned long long>(corpus.articles) - corpus.duplicates);
  if (corpus.duplicates > 0) {
    std::printf(", %llu replaced by a later one of the same id",
                static_cast<unsigned long long>(corpus.duplicates));
  }
  std::printf(", %llu skipped", static_cast<unsigned long long>(corpus.skipped_total()));
  const char* separator = " (";
  for (std::size_t reason = 1; reason < kSkipReasons; ++reason) {
    if (corpus.skipped[reason] == 0) continue;
    std::printf("%s%llu %s", separator, static_cast<unsigned long long>(corpus.skipped[reason]),
                std::string(skip_reason_name(static_cast<SkipReason>(reason))).c_str());
    separator = ", ";
  }
  if (corpus.skipped_total() > 0) std::printf(")");
  std::printf("\ntime %.2f s, %.0f docs/s, %.2f MB/s overall; database %s; %s\n", seconds,
              static_cast<double>(written.articles) / safe_seconds,
              static_cast<double>(corpus.input_bytes) / (1 << 20) / safe_seconds,
              megabytes(directory_size(options.db)).c_str(),
              count_of(run.warnings, "warning").c_str());
}

int run(const Options& options) {
  const bool writes = !options.paths.empty() || !options.alias_files.empty() ||
                      !options.deletes.empty() || options.rebuild;
  if (!writes && !options.stats && options.show.empty() && !options.compact) {
    throw UsageError("no input paths (usage: kavosh-index --db DIR [--rebuild] PATH...)");
  }
  if (options.shards > 0 && !writes)
    throw UsageError("--shards N shards an index as it is written (with --rebuild or PATH...)");
  const auto format = parse_format(options.format);
  if (!format) throw UsageError("unknown --format " + options.format);

  int exit_code = kavosh::cli::kExitOk;
  if (writes) {
    const WriteRun written = write(options, *format);
    if (!options.quiet) print_summary(options, written);
    if (options.strict && written.warnings > 0) {
      kavosh::cli::warn(kProgram, count_of(written.warnings, "warning") + " (--strict)");
      exit_code = kavosh::cli::kExitRuntimeError;
    }
  }
  if (options.compact) {
    compact_database(options.db);
    if (!options.quiet)
      std::printf("compacted: database %s\n", megabytes(directory_size(options.db)).c_str());
  }
  if (options.stats) std::cout << format_summary(summarize_database(options.db));
  if (!options.show.empty()) std::cout << describe_passage(options.db, options.show);
  return exit_code;
}

// Every flag of kavosh-index, bound to `options`.
void add_flags(CLI::App& app, Options& options) {
  app.add_option("--db", options.db, "database directory (created when missing)")->required();
  app.add_option("paths", options.paths,
                 "files or directories to index ('-': standard input, with --format)")
      ->transform(CLI::Validator(
          [](std::string& path) {
            if (path == "-") path = "/dev/stdin";
            return std::string();
          },
          "", "stdin"));
  app.add_flag("--rebuild", options.rebuild, "start from an empty database");
  app.add_option("--shards", options.shards,
                 "write a sharded index: N shard databases kept apart, named by DIR/XAPIANDB "
                 "(a new index, or with --rebuild; 1 undoes the sharding)")
      ->check(CLI::Range(1u, kMaxShards));
  app.add_option("--format", options.format,
                 "input format: auto, text, jsonl, mediawiki, trec, smart, aliases (default auto)");
  app.add_option("--batch", options.batch,
                 "passages per commit (per shard in a first run), whole articles (default: a "
                 "sixteenth of the database's passages, 2500 to 10000)")
      ->check(CLI::Range(1u, std::numeric_limits<unsigned>::max()));
  app.add_option("--aliases", options.alias_files,
                 "alias groups file (tab-separated names per line)")
      ->allow_extra_args(false);
  app.add_option("--delete", options.deletes, "delete the article with this id (repeatable)")
      ->allow_extra_args(false);
  app.add_flag("--strict", options.strict, "exit 1 when any input produced a warning");
  app.add_flag("--quiet,-q", options.quiet, "no progress line and no summary");
  app.add_flag("--no-spelling", options.no_spelling, "do not write spelling data");
  app.add_flag("--single-thread", options.single_thread, "analyze on the writing thread");
  app.add_flag("--xapian-positions", options.xapian_positions,
               "keep body words' positions in Xapian's position table too (an index served "
               "through xapian-tcpsrv needs them; otherwise phrases are checked without them)");
  app.add_flag("--compact", options.compact, "compact the database afterwards");
  app.add_flag("--stats", options.stats, "print the database's summary");
  app.add_option("--show", options.show, "print one passage (ARTICLE#N or ARTICLE) with its terms");
  app.add_option("--english-stemmer", options.english_stemmer,
                 "stemmer of Latin-script words: porter2 (Snowball English, default), porter, "
                 "lovins, plurals (plural endings only) or none; recorded in the index, which "
                 "searches follow")
      ->check(CLI::IsMember(kavosh::analysis::english_stemmer_names()));
  app.add_option("--persian-stemmer", options.persian_stemmer,
                 "stemmer of Persian words: light (default), plurals (plural suffixes only) or "
                 "none; recorded in the index, which searches follow")
      ->check(CLI::IsMember(kavosh::analysis::persian_stemmer_names()));
}

}  // namespace

int main(int argc, char** argv) {
  return kavosh::cli::run_reporting_errors(kProgram, [&] {
    CLI::App app{"kavosh-index: index files and directories into a Kavosh (Xapian) database"};
    Options options;
    add_flags(app, options);
    if (const auto stop = kavosh::cli::parse_command_line(kProgram, app, argc, argv)) return *stop;
    return run(options);
  });
}
