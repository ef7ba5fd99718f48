#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "staffchain/daemon/scheduler.hpp"

namespace staffchain::daemon {
namespace {

class AsioTimer final : public Timer {
 public:
  explicit AsioTimer(boost::asio::io_context& io) : timer_(io) {}
  ~AsioTimer() override { cancel(); }
  AsioTimer(const AsioTimer&) = delete;
  AsioTimer& operator=(const AsioTimer&) = delete;
  AsioTimer(AsioTimer&&) = delete;
  AsioTimer& operator=(AsioTimer&&) = delete;

  void at(SteadyTime when, std::function<void()> task) override {
    // Each arming has its own generation: the handler of a replaced or cancelled arming may
    // still be queued (Asio runs it with operation_aborted, or already ran the wait), and must
    // then do nothing.
    const auto generation = ++*generation_;
    due_ = when;
    timer_.expires_at(when);
    timer_.async_wait(
        [this, alive = generation_, generation, task = std::move(task)](const boost::system::error_code& error) {
          if (error || *alive != generation) return;
          due_.reset();
          task();
        });
  }
  void after(std::chrono::milliseconds delay, std::function<void()> task) override {
    at(std::chrono::steady_clock::now() + delay, std::move(task));
  }
  void cancel() override {
    ++*generation_;
    due_.reset();
    timer_.cancel();
  }
  [[nodiscard]] std::optional<SteadyTime> due() const override { return due_; }

 private:
  boost::asio::steady_timer timer_;
  // Shared with the handlers: a handler that outlives this timer sees a new generation.
  std::shared_ptr<std::uint64_t> generation_ = std::make_shared<std::uint64_t>(0);
  std::optional<SteadyTime> due_;
};

class AsioScheduler final : public Scheduler {
 public:
  explicit AsioScheduler(boost::asio::io_context& io) : io_(io) {}
  [[nodiscard]] SteadyTime now() const override { return std::chrono::steady_clock::now(); }
  [[nodiscard]] WallTime wallNow() const override { return std::chrono::system_clock::now(); }
  [[nodiscard]] std::unique_ptr<Timer> timer() override { return std::make_unique<AsioTimer>(io_); }
  void post(std::function<void()> task) override { boost::asio::post(io_, std::move(task)); }

 private:
  boost::asio::io_context& io_;
};

}  // namespace

std::unique_ptr<Scheduler> asioScheduler(boost::asio::io_context& io) {
  return std::make_unique<AsioScheduler>(io);
}

}  // namespace staffchain::daemon
