// FakeScheduler: the daemon's Scheduler on a clock that moves only when a test says, so a
// part's schedule (backoff, quiet periods, group windows) is tested in microseconds, in order.
#pragma once

#include <algorithm>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "staffchain/daemon/scheduler.hpp"

namespace staffchain::testing {

class FakeScheduler final : public daemon::Scheduler {
 public:
  explicit FakeScheduler(daemon::WallTime wall_start = daemon::WallTime(std::chrono::hours(24 * 20000)))
      : wall_start_(wall_start) {}
  ~FakeScheduler() override {
    for (auto* timer : timers_) timer->owner_ = nullptr;
  }
  FakeScheduler(const FakeScheduler&) = delete;
  FakeScheduler& operator=(const FakeScheduler&) = delete;
  FakeScheduler(FakeScheduler&&) = delete;
  FakeScheduler& operator=(FakeScheduler&&) = delete;

  [[nodiscard]] daemon::SteadyTime now() const override { return now_; }
  [[nodiscard]] daemon::WallTime wallNow() const override {
    return wall_start_ + std::chrono::duration_cast<daemon::WallTime::duration>(now_ - daemon::SteadyTime{});
  }
  [[nodiscard]] std::unique_ptr<daemon::Timer> timer() override { return std::make_unique<FakeTimer>(*this); }
  // Thread-safe, as the daemon's: a plugin's worker thread hands its outcome back this way.
  void post(std::function<void()> task) override {
    const std::lock_guard lock(posted_mutex_);
    posted_.push_back(std::move(task));
  }
  [[nodiscard]] std::size_t posted() const {
    const std::lock_guard lock(posted_mutex_);
    return posted_.size();
  }

  // Runs what was posted, then every task due within `by`, earliest first (two due at once in
  // the order they were armed), the clock stepping to each; tasks armed or posted meanwhile
  // run too when they fall in the window. The clock ends at now + by.
  void advance(std::chrono::milliseconds by) {
    const auto until = now_ + by;
    for (;;) {
      runPosted();
      FakeTimer* next = nullptr;
      for (auto* timer : timers_) {
        if (!timer->due_ || *timer->due_ > until) continue;
        if (next == nullptr || std::pair(*timer->due_, timer->sequence_) < std::pair(*next->due_, next->sequence_)) {
          next = timer;
        }
      }
      if (next == nullptr) break;
      now_ = std::max(now_, *next->due_);
      next->due_.reset();
      auto task = std::move(next->task_);
      task();
    }
    now_ = until;
    runPosted();
  }
  void runPosted() {
    for (;;) {
      std::function<void()> task;
      {
        const std::lock_guard lock(posted_mutex_);
        if (posted_.empty()) return;
        task = std::move(posted_.front());
        posted_.pop_front();
      }
      task();
    }
  }
  // How many timers hold a task.
  [[nodiscard]] std::size_t armed() const {
    return static_cast<std::size_t>(
        std::count_if(timers_.begin(), timers_.end(), [](auto* t) { return t->due_.has_value(); }));
  }

 private:
  class FakeTimer final : public daemon::Timer {
   public:
    explicit FakeTimer(FakeScheduler& owner) : owner_(&owner) { owner.timers_.push_back(this); }
    ~FakeTimer() override {
      if (owner_ != nullptr) std::erase(owner_->timers_, this);
    }
    FakeTimer(const FakeTimer&) = delete;
    FakeTimer& operator=(const FakeTimer&) = delete;
    FakeTimer(FakeTimer&&) = delete;
    FakeTimer& operator=(FakeTimer&&) = delete;

    void at(daemon::SteadyTime when, std::function<void()> task) override {
      due_ = when;
      task_ = std::move(task);
      sequence_ = owner_ != nullptr ? ++owner_->sequence_ : 0;
    }
    void after(std::chrono::milliseconds delay, std::function<void()> task) override {
      at((owner_ != nullptr ? owner_->now_ : daemon::SteadyTime{}) + delay, std::move(task));
    }
    void cancel() override {
      due_.reset();
      task_ = nullptr;
    }
    [[nodiscard]] std::optional<daemon::SteadyTime> due() const override { return due_; }

   private:
    friend class FakeScheduler;
    FakeScheduler* owner_;
    std::optional<daemon::SteadyTime> due_;
    std::function<void()> task_;
    std::uint64_t sequence_ = 0;
  };

  daemon::WallTime wall_start_;
  daemon::SteadyTime now_{};
  std::vector<FakeTimer*> timers_;
  mutable std::mutex posted_mutex_;
  std::deque<std::function<void()>> posted_;
  std::uint64_t sequence_ = 0;
};

}  // namespace staffchain::testing
