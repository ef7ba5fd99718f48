// The alert dispatcher on a fake clock: a group's first message goes out when its group_wait
// ends and not before; a receiver that fails is retried after the backoff and gets the message
// once; a one-cycle run whose receiver cannot take its messages ends with exit code 3 once the
// outbox bound passes, and with 0 when everything went out.
#include "alert_dispatcher.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "fake_scheduler.hpp"
#include "in_process_plugin.hpp"
#include "scratch_dir.hpp"

namespace staffchain::daemon {
namespace {

using namespace std::chrono_literals;
using staffchain::testing::FakeScheduler;
using staffchain::testing::ScratchDir;

// A department's receiver standing in for a notifier plugin.
class RecordingNotifier final : public plugin::Notifier {
 public:
  RecordingNotifier(std::shared_ptr<std::atomic<int>> failures_left, std::shared_ptr<std::atomic<int>> sent)
      : failures_left_(std::move(failures_left)), sent_(std::move(sent)) {}
  Result<plugin::DeliveryReceipt> send(const plugin::Notification&, const plugin::CancelToken&) override {
    if (failures_left_->fetch_sub(1) > 0) return makeError("503 from the receiver");
    ++*sent_;
    return plugin::DeliveryReceipt{"200"};
  }

 private:
  std::shared_ptr<std::atomic<int>> failures_left_;
  std::shared_ptr<std::atomic<int>> sent_;
};

chain::Finding finding(const std::string& fingerprint) {
  chain::Finding f;
  f.rule = "CHAIN-004";
  f.severity = chain::Severity::critical;
  f.unit_id = model::checkCreditCode("91350100M000100Y43").value.value();
  f.person_id = model::checkCitizenId("11010519491231002X").value.value();
  f.since = *model::parseDate("2026-05-01");
  f.summary_zh = "无编发薪";
  f.summary_en = "paid without a post";
  f.fingerprint = fingerprint;
  return f;
}

class AlertDispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.daemon.timezone = model::TimeZone::utc();
    config_.daemon.once_wait = 2min;
    config::NotifierSettings dept;
    dept.name = "dept";
    dept.plugin = "webhook";
    config_.notifiers.emplace(dept.name, dept);
    config_.route.receivers = {"dept"};
    config_.route.group_by = {"rule"};
    config_.route.group_wait = 30s;
    config_.route.group_interval = 5min;
  }

  std::unique_ptr<AlertDispatcher> make(bool once, bool notifier_starts = true) {
    auto dispatcher = std::make_unique<AlertDispatcher>(
        scheduler_,
        [this, notifier_starts](
            const config::NotifierSettings& settings) -> Result<std::unique_ptr<plugin_host::NotifierInstance>> {
          if (!notifier_starts) return makeError("notifier " + settings.name + ": the plugin is not installed");
          return testing::inProcessPlugin<plugin::Notifier>(settings.name, dir_.path(),
                                                            std::make_unique<RecordingNotifier>(failures_left_, sent_));
        },
        once);
    dispatcher->configure(config_);
    EXPECT_TRUE(dispatcher->open(dir_.path() / "ledger.db"));
    return dispatcher;
  }

  void observe(AlertDispatcher& dispatcher, const std::vector<chain::Finding>& open) {
    dispatcher.observe(
        open, [](const std::string&) { return std::string("150702"); }, {}, scheduler_.wallNow());
  }

  // Hands what a notifier's worker posted back to the dispatcher until `done` holds.
  bool settle(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
      scheduler_.runPosted();
      if (done()) return true;
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(1ms);
    }
  }
  std::size_t pending(AlertDispatcher& dispatcher) { return dispatcher.manager().outbox(false).value().size(); }

  ScratchDir dir_;
  config::Config config_;
  FakeScheduler scheduler_;
  std::shared_ptr<std::atomic<int>> failures_left_ = std::make_shared<std::atomic<int>>(0);
  std::shared_ptr<std::atomic<int>> sent_ = std::make_shared<std::atomic<int>>(0);
};

TEST_F(AlertDispatcherTest, AGroupsFirstMessageGoesOutWhenItsWaitEndsAndNotBefore) {
  auto dispatcher = make(false);
  observe(*dispatcher, {finding("0000000000000001"), finding("0000000000000002")});
  scheduler_.advance(29s);
  EXPECT_EQ(scheduler_.posted(), 0U);
  EXPECT_EQ(*sent_, 0);
  scheduler_.advance(2s);
  ASSERT_TRUE(settle([&] { return pending(*dispatcher) == 0; }));
  EXPECT_EQ(*sent_, 1);  // both alerts in one message: one group
  dispatcher->stop();
  dispatcher->waitForNotifiers(std::chrono::steady_clock::now() + 5s);
}

TEST_F(AlertDispatcherTest, AFailingReceiverIsRetriedAfterTheBackoffAndGetsTheMessageOnce) {
  *failures_left_ = 2;
  auto dispatcher = make(false);
  observe(*dispatcher, {finding("0000000000000001")});
  scheduler_.advance(30s);
  ASSERT_TRUE(settle([&] { return *failures_left_ <= 1; }));  // the first attempt failed
  EXPECT_EQ(pending(*dispatcher), 1U);
  // Backoff: 10 s at first, doubling, with jitter within its upper half; nothing before 5 s.
  scheduler_.advance(4s);
  EXPECT_EQ(scheduler_.posted(), 0U);
  EXPECT_EQ(*failures_left_, 1);
  for (int step = 0; step < 60 && pending(*dispatcher) > 0; ++step) {
    scheduler_.advance(1s);
    settle([&] { return scheduler_.posted() == 0; });
  }
  ASSERT_TRUE(settle([&] { return pending(*dispatcher) == 0; }));
  EXPECT_EQ(*sent_, 1);
  dispatcher->stop();
  dispatcher->waitForNotifiers(std::chrono::steady_clock::now() + 5s);
}

TEST_F(AlertDispatcherTest, AOneCycleRunWithoutItsNotifierEndsWithThreeAtOnce) {
  auto dispatcher = make(true, false);
  observe(*dispatcher, {finding("0000000000000001")});
  std::optional<int> exit_code;
  dispatcher->finishOnce([&](int code, const std::string&) { exit_code = code; });
  scheduler_.runPosted();
  EXPECT_EQ(exit_code, std::optional<int>(3));  // nothing could take the message: no wait
}

TEST_F(AlertDispatcherTest, AOneCycleRunEndsWithZeroWhenEverythingWentOut) {
  auto dispatcher = make(true);
  observe(*dispatcher, {finding("0000000000000001")});
  EXPECT_EQ(*sent_, 1);  // windows closed at once, delivered in line
  std::optional<int> exit_code;
  dispatcher->finishOnce([&](int code, const std::string&) { exit_code = code; });
  scheduler_.runPosted();
  EXPECT_EQ(exit_code, std::optional<int>(0));
}

TEST_F(AlertDispatcherTest, AOneCycleRunWhoseReceiverKeepsFailingEndsWithThreeWithinTheBound) {
  *failures_left_ = 1000;
  auto dispatcher = make(true);
  observe(*dispatcher, {finding("0000000000000001")});
  EXPECT_EQ(pending(*dispatcher), 1U);
  EXPECT_EQ(dispatcher->onceOutboxBound(), 1min);  // no rate limit to wait for: a minute for retries
  std::optional<int> exit_code;
  std::string why;
  dispatcher->finishOnce([&](int code, const std::string& reason) {
    exit_code = code;
    why = reason;
  });
  scheduler_.runPosted();
  EXPECT_FALSE(exit_code.has_value());  // it retries while the next attempt falls within the bound
  const auto started = scheduler_.now();
  while (!exit_code && scheduler_.now() - started < 5min) scheduler_.advance(1s);
  ASSERT_TRUE(exit_code.has_value());
  EXPECT_LE(scheduler_.now() - started, 1min);  // given up once the next retry would fall past the bound
  EXPECT_EQ(*exit_code, 3);
  EXPECT_GT(dispatcher->manager().outbox(false).value().at(0).attempts, 1);
  EXPECT_THAT(why, ::testing::HasSubstr("messages left in the outbox"));
}

}  // namespace
}  // namespace staffchain::daemon
