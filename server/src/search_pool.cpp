// See search_pool.hpp.
#include "search_pool.hpp"

#include "kavosh/xapian/errors.hpp"
#include "kavosh/xapian/open_database.hpp"

namespace kavosh::serve {

struct SearchPool::Job {
  enum class State { Queued, Running, Finished, Abandoned };
  Work work;
  std::mutex mutex;
  std::condition_variable finished;
  State state = State::Queued;
  std::exception_ptr error;
};

namespace {

IndexHandles open_index(const std::filesystem::path& database) {
  search::Searcher searcher(database);  // first: its messages name the problem
  return IndexHandles{std::move(searcher),
                      rethrow_xapian_errors("cannot open database " + database.string(), [&] {
                        return open_readable_database(database.string());
                      })};
}

// A commit between two reads of one job invalidates the revision a handle was reading; a
// fresh pair of handles sees the new revision. A commit lands at most every few hundred ms,
// so a handful of attempts is plenty.
constexpr int kAttemptsAcrossCommits = 5;

}  // namespace

SearchPool::SearchPool(const std::filesystem::path& database, unsigned threads,
                       std::chrono::milliseconds revision_check_interval,
                       std::function<void()> before_work)
    : database_(database),
      check_interval_(revision_check_interval),
      before_work_(std::move(before_work)) {
  if (threads == 0) threads = 1;
  for (unsigned i = 0; i < threads; ++i) first_handles_.push_back(open_index(database_));
  for (unsigned i = 0; i < threads; ++i)
    workers_.emplace_back([this, i] { serve(first_handles_[i]); });
}

SearchPool::~SearchPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_) worker.join();
}

std::optional<IndexHandles> SearchPool::open_handles() const {
  try {
    return open_index(database_);
  } catch (const std::exception&) {
    return std::nullopt;  // e.g. mid-rebuild: the old handles keep answering
  }
}

bool SearchPool::run(Work work, Clock::time_point deadline) {
  auto job = std::make_shared<Job>();
  job->work = std::move(work);
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(job);
  }
  wake_.notify_one();
  std::unique_lock lock(job->mutex);
  if (!job->finished.wait_until(lock, deadline,
                                [&] { return job->state == Job::State::Finished; })) {
    job->state = Job::State::Abandoned;  // a queued job is skipped; a running one discarded
    return false;
  }
  if (job->error) std::rethrow_exception(job->error);
  return true;
}

void SearchPool::serve(IndexHandles& first) {
  IndexHandles handles = std::move(first);
  auto last_check = Clock::now();
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and every queued job is done
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    {
      std::lock_guard lock(job->mutex);
      if (job->state == Job::State::Abandoned) continue;
      job->state = Job::State::Running;
    }
    // Database::reopen() is cheap when nothing changed; a changed revision gets a new
    // Searcher too, so its caches (known fields, index facts) start over.
    if (Clock::now() - last_check >= check_interval_) {
      last_check = Clock::now();
      try {
        if (handles.database.reopen())
          if (auto fresh = open_handles()) handles = std::move(*fresh);
      } catch (const Xapian::Error&) {
        // A failed reopen may leave tables of two revisions (open_database.hpp): new handles,
        // or, when none open, the old ones answer as they can.
        if (auto fresh = open_handles()) handles = std::move(*fresh);
      }
    }
    std::exception_ptr error;
    for (int attempt = 1;; ++attempt) {
      try {
        if (before_work_) before_work_();
        job->work(handles);
        error = nullptr;
        break;
      } catch (const Xapian::DatabaseModifiedError&) {
        error = std::current_exception();
        if (attempt == kAttemptsAcrossCommits) break;
        if (auto fresh = open_handles()) handles = std::move(*fresh);
      } catch (...) {
        error = std::current_exception();
        break;
      }
    }
    {
      std::lock_guard lock(job->mutex);
      job->error = error;
      job->state = Job::State::Finished;
    }
    job->finished.notify_all();
  }
}

}  // namespace kavosh::serve
