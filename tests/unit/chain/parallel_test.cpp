// parallelFor: every index once, on more than one thread when asked, the first exception back.
#include "parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace staffchain::chain::detail {
namespace {

TEST(ParallelForTest, CallsEveryIndexExactlyOnce) {
  for (const std::size_t threads : {1U, 2U, 3U, 8U}) {
    for (const std::size_t n : {0U, 1U, 511U, 512U, 513U, 5000U, 100000U}) {
      std::vector<std::atomic<int>> calls(n);
      parallelFor(n, threads, [&](std::size_t i) { calls[i].fetch_add(1); });
      std::size_t wrong = 0;
      for (const auto& c : calls) wrong += c.load() == 1 ? 0U : 1U;
      EXPECT_EQ(wrong, 0U) << n << " indexes on " << threads << " threads";
    }
  }
}

TEST(ParallelForTest, RunsOnSeveralThreadsWhenThereIsEnoughWork) {
  // The first call waits (10 s at most) for a second thread to arrive: on one thread it never
  // does, and the test fails instead of hanging.
  std::atomic<int> arrived{0};
  std::atomic<bool> met{false};
  thread_local bool counted = false;
  parallelFor(4096, 2, [&](std::size_t i) {
    if (!counted) {
      counted = true;
      arrived.fetch_add(1);
    }
    if (i == 0) {
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (arrived.load() < 2 && std::chrono::steady_clock::now() < until) std::this_thread::yield();
      met = arrived.load() >= 2;
    }
  });
  EXPECT_TRUE(met.load());
}

TEST(ParallelForTest, RethrowsTheFirstExceptionAfterEveryThreadStopped) {
  std::atomic<std::size_t> calls{0};
  try {
    parallelFor(100000, 4, [&](std::size_t i) {
      calls.fetch_add(1);
      if (i == 700) throw std::runtime_error("index 700 is bad");
    });
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()), "index 700 is bad");
  }
  // The chunks not yet taken were not run.
  EXPECT_LT(calls.load(), 100000U);
}

TEST(ParallelForTest, UsesTheMachinesCoresUpToEight) {
  const auto threads = evaluationThreads();
  EXPECT_GE(threads, 1U);
  EXPECT_LE(threads, 8U);
}

}  // namespace
}  // namespace staffchain::chain::detail
