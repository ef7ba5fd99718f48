// The notice propagator on a fake clock: a notice written with its batch goes to its sink; a
// failed delivery is retried after [propagation] retry_initial and not before; a notice whose
// deadline passes is marked overdue by the periodic check; a one-cycle run delivers in line.
#include "notice_propagator.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "fake_scheduler.hpp"
#include "in_process_plugin.hpp"
#include "propagation_test_support.hpp"
#include "scratch_dir.hpp"
#include "staffchain/ledger/sql_ledger.hpp"

namespace staffchain::daemon {
namespace {

using namespace std::chrono_literals;
using model::MovementKind;
using model::SourceRole;
using propagation::testing::date;
using propagation::testing::movement;
using staffchain::testing::FakeScheduler;
using staffchain::testing::ScratchDir;

// A department's system standing in for a sink plugin: takes or refuses what it is sent.
class RecordingSink final : public plugin::SinkConnector {
 public:
  explicit RecordingSink(std::shared_ptr<std::atomic<int>> failures_left, std::shared_ptr<std::vector<std::string>> got)
      : failures_left_(std::move(failures_left)), got_(std::move(got)) {}
  Result<plugin::SinkReceipt> deliver(const plugin::Notice& notice, const plugin::CancelToken&) override {
    if (failures_left_->fetch_sub(1) > 0) return makeError("the target's import folder is full");
    got_->push_back(notice.id);
    return plugin::SinkReceipt{"taken", false};
  }
  [[nodiscard]] std::string describe(const plugin::Notice& notice) const override { return "notice " + notice.id; }

 private:
  std::shared_ptr<std::atomic<int>> failures_left_;
  std::shared_ptr<std::vector<std::string>> got_;
};

class NoticePropagatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.daemon.timezone = model::TimeZone::utc();
    config::SinkSettings estab;
    estab.name = "estab_csv";
    estab.plugin = "csv";
    estab.role = SourceRole::estab;
    config_.sinks.emplace(estab.name, estab);
    config_.propagation.retry_initial = 30s;
    config_.propagation.retry_max = 1h;
    config_.propagation.check_interval = 1min;
    ledger::SqlLedgerOptions options;
    options.clock = [this] { return scheduler_.wallNow(); };  // the notices' times are the fake clock's
    ledger_ = ledger::SqlLedger::open(dir_.path() / "ledger.db", options).value();
  }

  std::unique_ptr<NoticePropagator> make(bool once) {
    auto propagator = std::make_unique<NoticePropagator>(
        scheduler_,
        [this](const config::SinkSettings& settings) -> Result<std::unique_ptr<plugin_host::SinkInstance>> {
          return testing::inProcessPlugin<plugin::SinkConnector>(settings.name, dir_.path(),
                                                                 std::make_unique<RecordingSink>(failures_left_, got_));
        },
        once);
    EXPECT_TRUE(propagator->open(dir_.path() / "ledger.db"));
    propagator->configure(config_);
    return propagator;
  }

  // A retirement from hr: a roster_remove notice for the estab office (deadline 15 days on).
  void commitRetirement(NoticePropagator& propagator, const char* effective) {
    ledger::LedgerBatch batch;
    batch.connector = "hr";
    batch.records = {movement("HR-1", MovementKind::retire, SourceRole::hr, effective)};
    batch.notices = propagator.planner()("hr", batch.records);
    ASSERT_EQ(batch.notices.size(), 1U);
    ASSERT_TRUE(ledger_->commitBatch(batch).ok());
  }

  // Hands what the sink's worker thread posted back to the propagator until `done` holds (the
  // outcome of a delivery is recorded on the scheduler's thread, as in the daemon).
  bool settle(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
      scheduler_.runPosted();
      if (done()) return true;
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(1ms);
    }
  }
  bool settleAttempts(NoticePropagator& propagator, int attempts) {
    return settle([&] { return notices(propagator)[0]["attempts"] == attempts; });
  }

  nlohmann::json notices(NoticePropagator& propagator) { return propagator.json({}); }

  ScratchDir dir_;
  config::Config config_;
  // 2026-10-01T00:00:00Z on the fake wall clock.
  FakeScheduler scheduler_{std::chrono::sys_days(std::chrono::days(date("2026-10-01").days))};
  std::unique_ptr<ledger::SqlLedger> ledger_;
  std::shared_ptr<std::atomic<int>> failures_left_ = std::make_shared<std::atomic<int>>(0);
  std::shared_ptr<std::vector<std::string>> got_ = std::make_shared<std::vector<std::string>>();
};

TEST_F(NoticePropagatorTest, ANoticeWrittenWithItsBatchGoesToItsSinkOnce) {
  auto propagator = make(false);
  commitRetirement(*propagator, "2026-09-25");
  propagator->check();
  ASSERT_TRUE(settleAttempts(*propagator, 1));
  ASSERT_EQ(got_->size(), 1U);
  auto listed = notices(*propagator);
  ASSERT_EQ(listed.size(), 1U);
  EXPECT_EQ(listed[0]["state"], "delivered");
  EXPECT_EQ(listed[0]["answer"], "taken");
  // Checked again (the next tick): nothing is sent twice.
  scheduler_.advance(2min);
  EXPECT_EQ(scheduler_.posted(), 0U);
  EXPECT_EQ(got_->size(), 1U);
  propagator->stop();
  propagator->waitForSinks(std::chrono::steady_clock::now() + 5s);
}

TEST_F(NoticePropagatorTest, AFailedDeliveryIsRetriedAfterTheBackoffAndNotBefore) {
  *failures_left_ = 1;
  auto propagator = make(false);
  commitRetirement(*propagator, "2026-09-25");
  propagator->start();
  ASSERT_TRUE(settleAttempts(*propagator, 1));  // the first attempt fails
  EXPECT_TRUE(got_->empty());
  EXPECT_EQ(notices(*propagator)[0]["last_error"], "the target's import folder is full");
  scheduler_.advance(29s);  // retry_initial is 30 s
  EXPECT_EQ(scheduler_.posted(), 0U);
  EXPECT_TRUE(got_->empty());
  scheduler_.advance(2s);
  ASSERT_TRUE(settleAttempts(*propagator, 2));
  ASSERT_EQ(got_->size(), 1U);
  EXPECT_EQ(notices(*propagator)[0]["state"], "delivered");
  EXPECT_EQ(notices(*propagator)[0]["attempts"], 2);
  // A failure in a row per attempt, cleared by the success: no LINK-003.
  EXPECT_TRUE(propagator->linkFindings().empty());
  propagator->stop();
  propagator->waitForSinks(std::chrono::steady_clock::now() + 5s);
}

TEST_F(NoticePropagatorTest, ThePeriodicCheckMarksANoticeOverdueOnceItsDeadlinePasses) {
  config_.propagation.check_interval = 1h;
  auto propagator = make(false);
  commitRetirement(*propagator, "2026-09-25");  // roster_remove due 2026-10-10
  propagator->start();
  ASSERT_TRUE(settleAttempts(*propagator, 1));
  EXPECT_EQ(notices(*propagator)[0]["state"], "delivered");
  scheduler_.advance(std::chrono::hours(24 * 9));  // 2026-10-10: the deadline day itself is in time
  EXPECT_EQ(notices(*propagator)[0]["state"], "delivered");
  scheduler_.advance(std::chrono::hours(24));  // 2026-10-11: the next check marks it
  EXPECT_EQ(notices(*propagator)[0]["state"], "overdue");
  propagator->stop();
  propagator->waitForSinks(std::chrono::steady_clock::now() + 5s);
}

TEST_F(NoticePropagatorTest, AOneCycleRunDeliversInLineAndArmsNoTimer) {
  auto propagator = make(true);
  commitRetirement(*propagator, "2026-09-25");
  propagator->start();
  EXPECT_EQ(got_->size(), 1U);  // delivered before start() returned
  EXPECT_EQ(scheduler_.armed(), 0U);
  EXPECT_EQ(notices(*propagator)[0]["state"], "delivered");
}

TEST_F(NoticePropagatorTest, AfterStopNoTimerFiresAndNothingIsSent) {
  auto propagator = make(false);
  propagator->start();
  propagator->stop();
  commitRetirement(*propagator, "2026-09-25");
  scheduler_.advance(10min);
  EXPECT_EQ(scheduler_.posted(), 0U);
  EXPECT_TRUE(got_->empty());
}

}  // namespace
}  // namespace staffchain::daemon
