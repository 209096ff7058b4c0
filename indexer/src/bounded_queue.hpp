#pragma once
// Internal to the indexer library: the one blocking queue between its threads (reading ->
// writing, analysis -> writing, a first run's shard threads, the spelling store's thread).
// Bounded by a count of items and by a total weight (passage text bytes), so memory stays
// bounded whatever the corpus; an item always fits into an empty queue, so one heavier than the
// whole bound still passes instead of blocking for ever.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>

namespace kavosh::index {

// Thrown by push() once the queue is closed: the consumer has gone.
class QueueClosed : public std::runtime_error {
 public:
  QueueClosed() : std::runtime_error("queue closed") {}
};

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t max_items, std::size_t max_weight = SIZE_MAX)
      : max_items_(max_items), max_weight_(max_weight) {}
  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  // Blocks while the queue is full. Rethrows, once, the error the consumer gave fail(), and
  // throws QueueClosed once the queue is closed.
  void push(T item, std::size_t weight = 0) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return closed_ || error_ || fits(weight); });
    rethrow_error();
    if (closed_) throw QueueClosed();
    items_.emplace_back(std::move(item), weight);
    weight_ += weight;
    ++unfinished_;
    changed_.notify_all();
  }

  // Blocks until an item arrives; nothing once the queue is closed and every item was taken.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return closed_ || !items_.empty(); });
    return take();
  }

  // The oldest item, or nothing when none is queued; never blocks.
  std::optional<T> try_pop() {
    std::lock_guard lock(mutex_);
    return take();
  }

  // The consumer is through with an item pop() gave it (wait_done waits for that).
  void done() {
    std::lock_guard lock(mutex_);
    if (unfinished_ > 0) --unfinished_;
    changed_.notify_all();
  }

  // Blocks until every item pushed has been popped and done(); then rethrows, once, the error
  // the consumer gave fail(), if any.
  void wait_done() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return unfinished_ == 0; });
    rethrow_error();
  }

  // No more items: pushes throw QueueClosed, pops return what is queued and then nothing.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }

  // The consumer failed: the queued items are dropped and `error` goes to the producer (the
  // first error only, until it has been rethrown). The queue stays open.
  void fail(std::exception_ptr error) {
    std::lock_guard lock(mutex_);
    if (!error_) error_ = std::move(error);
    unfinished_ -= items_.size();
    items_.clear();
    weight_ = 0;
    changed_.notify_all();
  }

 private:
  bool fits(std::size_t weight) const {
    return items_.empty() || (items_.size() < max_items_ && weight_ + weight <= max_weight_);
  }

  std::optional<T> take() {
    if (items_.empty()) return std::nullopt;
    std::optional<T> item(std::move(items_.front().first));
    weight_ -= items_.front().second;
    items_.pop_front();
    changed_.notify_all();
    return item;
  }

  void rethrow_error() {
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::pair<T, std::size_t>> items_;  // item, its weight
  const std::size_t max_items_;
  const std::size_t max_weight_;
  std::size_t weight_ = 0;      // of the queued items
  std::size_t unfinished_ = 0;  // pushed and not yet done(), queued or in the consumer's hands
  bool closed_ = false;
  std::exception_ptr error_;
};

}  // namespace kavosh::index
