// Runs the independent steps of a full evaluation on every core: judging a person, linking a
// person, judging a unit/type reads the index and writes only its own slot of the output.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace staffchain::chain::detail {

// Threads a full evaluation uses, the calling one included: the machine's cores, at most 8
// (past that the serial steps around the parallel ones dominate).
inline std::size_t evaluationThreads() {
  const auto cores = static_cast<std::size_t>(std::thread::hardware_concurrency());
  return std::clamp<std::size_t>(cores, 1, 8);
}

// Calls f(i) for every i in [0, n), spread over `threads` threads in chunks taken in turn, the
// calling thread one of them. f must touch only what belongs to i. The first exception thrown
// is rethrown here once every thread has stopped; the chunks not yet taken are not run.
template <typename F>
void parallelFor(std::size_t n, std::size_t threads, F f) {
  constexpr std::size_t kChunk = 512;
  threads = std::min(threads, (n + kChunk - 1) / kChunk);
  if (threads <= 1) {
    for (std::size_t i = 0; i < n; ++i) f(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_lock;
  auto work = [&] {
    try {
      for (;;) {
        if (failed.load(std::memory_order_relaxed)) return;
        const std::size_t begin = next.fetch_add(kChunk, std::memory_order_relaxed);
        if (begin >= n) return;
        const std::size_t end = std::min(n, begin + kChunk);
        for (std::size_t i = begin; i < end; ++i) f(i);
      }
    } catch (...) {
      const std::lock_guard lock(error_lock);
      if (!error) error = std::current_exception();
      failed = true;
    }
  };
  std::vector<std::thread> helpers;
  helpers.reserve(threads - 1);
  for (std::size_t t = 1; t < threads; ++t) {
    try {
      helpers.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // no more threads to be had: those started (and this one) do the rest
    }
  }
  work();
  for (auto& helper : helpers) helper.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace staffchain::chain::detail
