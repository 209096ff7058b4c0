#pragma once
// The search workers: each thread owns a Searcher and a Xapian handle of its own on the same
// index (Xapian objects are not thread-safe), takes jobs from one queue and, at most once per
// check interval, reopens both when an indexer has committed a new revision.
#include <xapian.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "kavosh/search/searcher.hpp"

namespace kavosh::serve {

// What a job sees of its worker.
struct IndexHandles {
  search::Searcher searcher;
  // Tells the worker that a commit landed, so it starts over with a fresh Searcher (whose
  // caches are per index) and remote shards are reopened; reads go through the Searcher, which
  // follows the local shards' commits itself.
  Xapian::Database database;
};

class SearchPool {
 public:
  using Clock = std::chrono::steady_clock;
  using Work = std::function<void(IndexHandles&)>;

  // Opens one set of handles per thread; throws std::runtime_error as Searcher does.
  SearchPool(const std::filesystem::path& database, unsigned threads,
             std::chrono::milliseconds revision_check_interval, std::function<void()> before_work);
  ~SearchPool();  // finishes queued jobs, then joins
  SearchPool(const SearchPool&) = delete;
  SearchPool& operator=(const SearchPool&) = delete;

  // Runs `work` on a worker and waits for it until `deadline`. False when the deadline came
  // first: a job still queued is then dropped; one already running finishes unobserved, so
  // `work` must own (or share) everything it writes to. An exception `work` throws is
  // rethrown here. A commit that invalidates the worker's handles mid-job (Xapian's
  // DatabaseModifiedError) reopens them and runs `work` again.
  bool run(Work work, Clock::time_point deadline);

  unsigned threads() const { return static_cast<unsigned>(workers_.size()); }

 private:
  struct Job;
  void serve(IndexHandles& handles);
  std::optional<IndexHandles> open_handles() const;

  std::filesystem::path database_;
  std::chrono::milliseconds check_interval_;
  std::function<void()> before_work_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Job>> queue_;
  bool stopping_ = false;
  std::vector<IndexHandles> first_handles_;  // opened by the constructor, moved to the threads
  std::vector<std::thread> workers_;
};

}  // namespace kavosh::serve
