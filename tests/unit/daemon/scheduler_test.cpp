// The daemon's time: Asio's timers on a real loop, and the fake clock the parts' tests use,
// held to the same contract (re-arming replaces, cancelling and destroying drop the task,
// tasks run in due order, never inside the call that armed them).
#include "staffchain/daemon/scheduler.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <string>

#include "fake_scheduler.hpp"

namespace staffchain::daemon {
namespace {

using namespace std::chrono_literals;
using staffchain::testing::FakeScheduler;

TEST(AsioScheduler, ReArmingReplacesAndCancellingOrDestroyingDropsTheTask) {
  boost::asio::io_context io;
  auto scheduler = asioScheduler(io);
  std::string ran;
  auto replaced = scheduler->timer();
  replaced->after(1ms, [&] { ran += "first "; });
  replaced->after(2ms, [&] { ran += "second "; });
  auto cancelled = scheduler->timer();
  cancelled->after(1ms, [&] { ran += "cancelled "; });
  cancelled->cancel();
  EXPECT_FALSE(cancelled->due().has_value());
  auto destroyed = scheduler->timer();
  destroyed->after(1ms, [&] { ran += "destroyed "; });
  destroyed.reset();
  scheduler->post([&] { ran += "posted "; });
  EXPECT_EQ(ran, "");  // nothing runs inside the calls that armed it
  ASSERT_TRUE(replaced->due().has_value());
  io.run();
  EXPECT_EQ(ran, "posted second ");
  EXPECT_FALSE(replaced->due().has_value());
}

TEST(AsioScheduler, ATaskMayReArmItsOwnTimer) {
  boost::asio::io_context io;
  auto scheduler = asioScheduler(io);
  auto timer = scheduler->timer();
  int runs = 0;
  std::function<void()> again = [&] {
    if (++runs < 3) timer->after(1ms, again);
  };
  timer->after(1ms, again);
  io.run();
  EXPECT_EQ(runs, 3);
}

TEST(FakeScheduler, RunsTasksInDueOrderAsTheClockAdvances) {
  FakeScheduler scheduler;
  std::vector<std::string> ran;
  const auto start = scheduler.now();
  auto a = scheduler.timer();
  auto b = scheduler.timer();
  auto c = scheduler.timer();
  a->after(30s, [&] { ran.push_back("a@" + std::to_string((scheduler.now() - start) / 1s)); });
  b->after(10s, [&] {
    ran.push_back("b@" + std::to_string((scheduler.now() - start) / 1s));
    c->after(5s, [&] { ran.push_back("c@" + std::to_string((scheduler.now() - start) / 1s)); });
  });
  scheduler.advance(9s);
  EXPECT_TRUE(ran.empty());
  scheduler.advance(21s);
  EXPECT_EQ(ran, (std::vector<std::string>{"b@10", "c@15", "a@30"}));
  EXPECT_EQ(scheduler.now() - start, 30s);
  EXPECT_EQ(scheduler.armed(), 0U);
}

TEST(FakeScheduler, ReArmingReplacesCancellingDropsAndTiesRunInArmingOrder) {
  FakeScheduler scheduler;
  std::string ran;
  auto first = scheduler.timer();
  auto second = scheduler.timer();
  second->after(5s, [&] { ran += "second "; });
  first->after(5s, [&] { ran += "first "; });
  auto dropped = scheduler.timer();
  dropped->after(1s, [&] { ran += "dropped "; });
  dropped->after(2s, [&] { ran += "re-armed "; });
  dropped->cancel();
  auto gone = scheduler.timer();
  gone->after(1s, [&] { ran += "gone "; });
  gone.reset();
  scheduler.post([&] { ran += "posted "; });
  EXPECT_EQ(ran, "");
  scheduler.advance(5s);
  EXPECT_EQ(ran, "posted second first ");
  // The wall clock moves with the steady one.
  const auto wall = scheduler.wallNow();
  scheduler.advance(90s);
  EXPECT_EQ(scheduler.wallNow() - wall, 90s);
}

}  // namespace
}  // namespace staffchain::daemon
