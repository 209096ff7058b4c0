// See connection_pool.hpp.
#include "connection_pool.hpp"

namespace kavosh::serve {

namespace {
thread_local bool rejecting_thread = false;
}

ConnectionPool::ConnectionPool(unsigned threads) : limit_(threads == 0 ? 1 : threads) {
  for (unsigned i = 0; i < limit_; ++i) threads_.emplace_back([this] { serve(false); });
  threads_.emplace_back([this] { serve(true); });
}

ConnectionPool::~ConnectionPool() { shutdown(); }

bool ConnectionPool::rejecting_this_connection() { return rejecting_thread; }

void ConnectionPool::enqueue(std::function<void()> connection) {
  {
    std::lock_guard lock(mutex_);
    if (busy_ + queue_.size() < limit_)
      queue_.push_back(std::move(connection));
    else
      over_limit_.push_back(std::move(connection));
  }
  wake_.notify_all();
}

void ConnectionPool::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (shutting_down_ && threads_.empty()) return;
    shutting_down_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

void ConnectionPool::serve(bool rejecting) {
  rejecting_thread = rejecting;
  auto& mine = rejecting ? over_limit_ : queue_;
  for (;;) {
    std::function<void()> connection;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return shutting_down_ || !mine.empty(); });
      if (mine.empty()) return;
      connection = std::move(mine.front());
      mine.pop_front();
      if (!rejecting) ++busy_;
    }
    connection();
    if (!rejecting) {
      std::lock_guard lock(mutex_);
      --busy_;
    }
  }
}

}  // namespace kavosh::serve
