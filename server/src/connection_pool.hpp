#pragma once
// httplib serves each connection on one thread from its task queue for as long as the
// connection lives (keep-alive included). This queue runs at most `threads` connections at
// once and hands every further one to a single thread that answers its requests with 503
// (rejecting_this_connection() tells the request handlers so), instead of letting it wait,
// unanswered, for a thread without a bound.
#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace kavosh::serve {

class ConnectionPool : public httplib::TaskQueue {
 public:
  explicit ConnectionPool(unsigned threads);
  ~ConnectionPool() override;

  void enqueue(std::function<void()> connection) override;
  void shutdown() override;  // serves what is queued, then joins

  // True on the thread answering connections beyond the limit.
  static bool rejecting_this_connection();

 private:
  void serve(bool rejecting);

  unsigned limit_;
  unsigned busy_ = 0;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  std::deque<std::function<void()>> over_limit_;
  bool shutting_down_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace kavosh::serve
