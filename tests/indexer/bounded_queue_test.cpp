// BoundedQueue: order, close and drain, a producer blocked by the count or the weight bound,
// and a consumer's error reaching the producer.
#include "bounded_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace kavosh::index {
namespace {

using namespace std::chrono_literals;

// Long enough for a thread that could go on to have done so on a loaded machine; a test that
// expects a thread to stay blocked waits this long before checking.
constexpr auto kSettle = 100ms;

TEST(BoundedQueueTest, PopsItemsInTheOrderPushed) {
  BoundedQueue<int> queue(8);
  for (int i = 1; i <= 3; ++i) queue.push(i);
  EXPECT_EQ(queue.pop(), 1);
  EXPECT_EQ(queue.try_pop(), 2);
  EXPECT_EQ(queue.pop(), 3);
  EXPECT_EQ(queue.try_pop(), std::nullopt);
}

TEST(BoundedQueueTest, ClosedQueueHandsOutWhatItHoldsThenNothing) {
  BoundedQueue<std::string> queue(8);
  queue.push("a");
  queue.push("b");
  queue.close();
  EXPECT_EQ(queue.pop(), "a");
  EXPECT_EQ(queue.pop(), "b");
  EXPECT_EQ(queue.pop(), std::nullopt);
  EXPECT_THROW(queue.push("c"), QueueClosed);
}

TEST(BoundedQueueTest, CloseWakesAConsumerWaitingOnAnEmptyQueue) {
  BoundedQueue<int> queue(1);
  std::optional<int> popped = 7;
  std::thread consumer([&] { popped = queue.pop(); });
  std::this_thread::sleep_for(kSettle);
  queue.close();
  consumer.join();
  EXPECT_EQ(popped, std::nullopt);
}

TEST(BoundedQueueTest, ConsumerWaitsForTheProducer) {
  BoundedQueue<int> queue(1);
  std::atomic<bool> popped = false;
  std::thread consumer([&] {
    EXPECT_EQ(queue.pop(), 42);
    popped = true;
  });
  std::this_thread::sleep_for(kSettle);
  EXPECT_FALSE(popped);
  queue.push(42);
  consumer.join();
  EXPECT_TRUE(popped);
}

TEST(BoundedQueueTest, ProducerBlocksWhileTheQueueHoldsMaxItems) {
  BoundedQueue<int> queue(2);
  queue.push(1);
  queue.push(2);
  std::atomic<bool> pushed = false;
  std::thread producer([&] {
    queue.push(3);
    pushed = true;
  });
  std::this_thread::sleep_for(kSettle);
  EXPECT_FALSE(pushed);
  EXPECT_EQ(queue.pop(), 1);
  producer.join();
  EXPECT_TRUE(pushed);
  EXPECT_EQ(queue.pop(), 2);
  EXPECT_EQ(queue.pop(), 3);
}

TEST(BoundedQueueTest, ProducerBlocksWhileTheWeightWouldPassTheBound) {
  BoundedQueue<int> queue(100, 10);
  queue.push(1, 8);
  std::atomic<bool> pushed = false;
  std::thread producer([&] {
    queue.push(2, 5);
    pushed = true;
  });
  std::this_thread::sleep_for(kSettle);
  EXPECT_FALSE(pushed);
  EXPECT_EQ(queue.pop(), 1);
  producer.join();
  EXPECT_TRUE(pushed);
}

TEST(BoundedQueueTest, ItemHeavierThanTheBoundPassesIntoAnEmptyQueue) {
  BoundedQueue<int> queue(100, 10);
  queue.push(1, 1000);
  EXPECT_EQ(queue.pop(), 1);
}

TEST(BoundedQueueTest, CloseWakesABlockedProducerWithQueueClosed) {
  BoundedQueue<int> queue(1);
  queue.push(1);
  std::atomic<bool> closed_seen = false;
  std::thread producer([&] {
    try {
      queue.push(2);
    } catch (const QueueClosed&) {
      closed_seen = true;
    }
  });
  std::this_thread::sleep_for(kSettle);
  queue.close();
  producer.join();
  EXPECT_TRUE(closed_seen);
}

TEST(BoundedQueueTest, ConsumersErrorReachesTheBlockedProducerOnce) {
  BoundedQueue<int> queue(1);
  queue.push(1);
  std::string message;
  std::thread producer([&] {
    try {
      queue.push(2);
    } catch (const std::runtime_error& e) {
      message = e.what();
    }
  });
  std::this_thread::sleep_for(kSettle);
  queue.fail(std::make_exception_ptr(std::runtime_error("disk full")));
  producer.join();
  EXPECT_EQ(message, "disk full");
  // The queued item was dropped, and the error was handed over: the queue works on.
  EXPECT_EQ(queue.try_pop(), std::nullopt);
  queue.push(3);
  EXPECT_EQ(queue.pop(), 3);
}

TEST(BoundedQueueTest, OnlyTheFirstErrorIsKept) {
  BoundedQueue<int> queue(4);
  queue.fail(std::make_exception_ptr(std::runtime_error("first")));
  queue.fail(std::make_exception_ptr(std::runtime_error("second")));
  try {
    queue.push(1);
    FAIL() << "push did not rethrow the consumer's error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "first");
  }
  EXPECT_NO_THROW(queue.push(1));
}

TEST(BoundedQueueTest, WaitDoneWaitsUntilTheConsumerIsThroughWithEveryItem) {
  BoundedQueue<int> queue(4);
  queue.push(1);
  queue.push(2);
  std::vector<int> finished;
  std::atomic<bool> release = false;
  std::thread consumer([&] {
    while (auto item = queue.pop()) {
      while (!release) std::this_thread::sleep_for(1ms);
      finished.push_back(*item);
      queue.done();
    }
  });
  std::atomic<bool> waited = false;
  std::thread waiter([&] {
    queue.wait_done();
    waited = true;
  });
  std::this_thread::sleep_for(kSettle);
  EXPECT_FALSE(waited);  // an item is still in the consumer's hands
  release = true;
  waiter.join();
  EXPECT_EQ(finished, (std::vector<int>{1, 2}));
  queue.close();
  consumer.join();
}

TEST(BoundedQueueTest, WaitDoneRethrowsTheConsumersError) {
  BoundedQueue<int> queue(4);
  queue.push(1);
  queue.push(2);
  std::thread consumer([&] {
    while (auto item = queue.pop()) {
      queue.fail(std::make_exception_ptr(std::runtime_error("item " + std::to_string(*item))));
      queue.done();
    }
  });
  EXPECT_THROW(
      {
        try {
          queue.wait_done();
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "item 1");  // item 2 was dropped with the failure
          throw;
        }
      },
      std::runtime_error);
  queue.close();
  consumer.join();
}

}  // namespace
}  // namespace kavosh::index
