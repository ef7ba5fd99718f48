// Time for the daemon's parts: the clocks they read and the timers they arm, from Asio's event
// loop in the daemon and from a fake clock in their tests, so that a part's schedule (retry
// after backoff, evaluate after a quiet second, flush after group_wait) is tested without
// waiting.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace boost::asio {
class io_context;
}

namespace staffchain::daemon {

using SteadyTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;

// One timer of a part. Arming it again replaces what it held; destroying it cancels it. Its
// task runs on the scheduler's thread, never inside at()/after() itself.
class Timer {
 public:
  virtual ~Timer() = default;
  Timer() = default;
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  Timer(Timer&&) = delete;
  Timer& operator=(Timer&&) = delete;

  virtual void at(SteadyTime when, std::function<void()> task) = 0;
  virtual void after(std::chrono::milliseconds delay, std::function<void()> task) = 0;
  virtual void cancel() = 0;
  // When the armed task is due; nullopt when nothing is armed (never armed, ran, cancelled).
  [[nodiscard]] virtual std::optional<SteadyTime> due() const = 0;
};

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  Scheduler() = default;
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;
  Scheduler(Scheduler&&) = delete;
  Scheduler& operator=(Scheduler&&) = delete;

  // For intervals, deadlines and backoff: never jumps with the wall clock.
  [[nodiscard]] virtual SteadyTime now() const = 0;
  // For what is stored and shown, and for "today".
  [[nodiscard]] virtual WallTime wallNow() const = 0;
  [[nodiscard]] virtual std::unique_ptr<Timer> timer() = 0;
  // Runs `task` on the scheduler's thread after the caller returns (work handed back from a
  // plugin's worker thread comes this way).
  virtual void post(std::function<void()> task) = 0;
};

// The daemon's: Asio steady timers on `io`, the system clocks.
std::unique_ptr<Scheduler> asioScheduler(boost::asio::io_context& io);

}  // namespace staffchain::daemon
