// PluginWorker: the thread one plugin instance runs on, so a plugin that hangs holds up
// only itself; callers wait with a deadline and the host never kills a thread.
#pragma once

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "staffchain/plugin/host_context.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::plugin_host {

class PluginWorker {
 public:
  explicit PluginWorker(std::string name);
  ~PluginWorker();  // waits for the job in progress, unless abandon() was called
  PluginWorker(const PluginWorker&) = delete;
  PluginWorker& operator=(const PluginWorker&) = delete;

  // Queues `job` behind the ones already queued; false only when the worker is stopping.
  bool submit(std::function<void()> job);

  // Runs `job` on the worker and waits at most `timeout`. On timeout `cancel` is set and an
  // error returned; the job's late result is dropped. While an earlier call that timed out
  // has not returned it refuses at once: callers must not pile up behind a plugin that hangs.
  template <typename T>
  Result<T> call(std::function<Result<T>()> job, std::chrono::milliseconds timeout, plugin::CancelToken& cancel);

  [[nodiscard]] bool idle() const;
  // True while a call() that timed out has not returned yet.
  [[nodiscard]] bool stuck() const noexcept { return stuck_calls_.load(std::memory_order_acquire) > 0; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

  // Gives up on a job that never returns (at shutdown): the thread is detached, not joined.
  void abandon();

 private:
  void run();

  std::string name_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool running_job_ = false;
  bool stopping_ = false;
  std::atomic<int> stuck_calls_{0};
  std::thread thread_;
};

template <typename T>
Result<T> PluginWorker::call(std::function<Result<T>()> job, std::chrono::milliseconds timeout,
                             plugin::CancelToken& cancel) {
  struct Shared {
    std::mutex mutex;
    std::condition_variable done;
    std::optional<Result<T>> result;
    bool abandoned = false;  // the caller gave up waiting
  };
  auto shared = std::make_shared<Shared>();
  const bool queued = !stuck() && submit([this, shared, job = std::move(job)]() {
    Result<T> result = job();
    std::lock_guard lock(shared->mutex);
    if (shared->abandoned) stuck_calls_.fetch_sub(1, std::memory_order_acq_rel);
    shared->result.emplace(std::move(result));
    shared->done.notify_all();
  });
  if (!queued) {
    return makeError(fmt::format("{} is still busy with an earlier call that did not return in time", name_));
  }
  std::unique_lock lock(shared->mutex);
  if (!shared->done.wait_for(lock, timeout, [&] { return shared->result.has_value(); })) {
    shared->abandoned = true;
    stuck_calls_.fetch_add(1, std::memory_order_acq_rel);
    cancel.cancel();
    return makeError(fmt::format("{} did not return within {} ms", name_, timeout.count()));
  }
  return std::move(*shared->result);
}

}  // namespace staffchain::plugin_host
