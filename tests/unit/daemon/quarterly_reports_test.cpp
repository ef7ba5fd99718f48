// The quarterly reports part on a fake clock: the last quarter's workbook goes to each receiver
// on [reports] quarterly_on_day of the month after it and not before, attached to its message;
// once per quarter, region and receiver, across checks and across a restart; a daemon started
// after the day catches up at once.
#include "quarterly_reports.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "chain_test_support.hpp"
#include "fake_scheduler.hpp"
#include "in_process_plugin.hpp"
#include "scratch_dir.hpp"

namespace staffchain::daemon {
namespace {

using namespace std::chrono_literals;
using staffchain::testing::FakeScheduler;
using staffchain::testing::ScratchDir;
using ::testing::HasSubstr;

// A receiver that keeps what it was given.
class KeepingNotifier final : public plugin::Notifier {
 public:
  struct Kept {
    std::mutex mutex;
    std::vector<plugin::Notification> messages;
  };
  explicit KeepingNotifier(std::shared_ptr<Kept> kept) : kept_(std::move(kept)) {}
  Result<plugin::DeliveryReceipt> send(const plugin::Notification& message, const plugin::CancelToken&) override {
    const std::lock_guard lock(kept_->mutex);
    kept_->messages.push_back(message);
    return plugin::DeliveryReceipt{"250 accepted"};
  }

 private:
  std::shared_ptr<Kept> kept_;
};

WallTime utcMidnight(int y, unsigned m, unsigned d) {
  return WallTime(std::chrono::sys_days(std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}));
}

class QuarterlyReportsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.daemon.timezone = model::TimeZone::utc();
    config_.daemon.state_dir = dir_.path();
    for (const char* name : {"office", "archive"}) {
      config::NotifierSettings receiver;
      receiver.name = name;
      receiver.plugin = "smtp";
      config_.notifiers.emplace(name, receiver);
    }
    config_.route.receivers = {"office"};
    config_.reports.quarterly_receivers = {"office", "archive"};
    config_.reports.quarterly_on_day = 5;
    config_.reports.issuing_office = "呼伦贝尔市委机构编制委员会办公室";

    Evaluator::Hooks hooks;
    hooks.not_settled = [] { return std::vector<std::string>{}; };
    hooks.open_findings = [](std::vector<const chain::Finding*> findings, WallTime) {
      return OpenFindings(std::move(findings));
    };
    hooks.evaluated = [](model::Date, const OpenFindings&, std::size_t, std::size_t, double) {};
    evaluator_ = std::make_unique<Evaluator>(scheduler_, std::move(hooks));
    evaluator_->configure(config_);
    evaluator_->load(model::Dataset{});
    dispatcher_ = std::make_unique<AlertDispatcher>(
        scheduler_,
        [this](const config::NotifierSettings& settings) -> Result<std::unique_ptr<plugin_host::NotifierInstance>> {
          return testing::inProcessPlugin<plugin::Notifier>(settings.name, dir_.path(),
                                                            std::make_unique<KeepingNotifier>(kept_));
        },
        false);
    dispatcher_->configure(config_);
    ASSERT_TRUE(dispatcher_->open(dir_.path() / "ledger.db"));
    cases_ = std::make_unique<CaseDesk>(*evaluator_);
    cases_->configure(config_);
    ASSERT_TRUE(cases_->open(dir_.path() / "ledger.db"));
  }

  void TearDown() override {
    dispatcher_->stop();
    dispatcher_->waitForNotifiers(std::chrono::steady_clock::now() + 5s);
    scheduler_.runPosted();
    dispatcher_->close();
  }

  std::unique_ptr<QuarterlyReports> makeReports() {
    auto reports = std::make_unique<QuarterlyReports>(scheduler_, *evaluator_, *dispatcher_, *cases_);
    reports->configure(config_);
    return reports;
  }

  // Every message ever written to the outbox, delivered or not.
  std::size_t written() { return dispatcher_->manager().outbox(true).value().size(); }
  std::size_t pending() { return dispatcher_->manager().outbox(false).value().size(); }

  // Hands what the notifiers' workers posted back until `done` holds.
  bool settle(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
      scheduler_.runPosted();
      if (done()) return true;
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(1ms);
    }
  }

  std::vector<plugin::Notification> received() {
    const std::lock_guard lock(kept_->mutex);
    return kept_->messages;
  }

  ScratchDir dir_;
  config::Config config_;
  FakeScheduler scheduler_{utcMidnight(2027, 1, 3)};
  std::shared_ptr<KeepingNotifier::Kept> kept_ = std::make_shared<KeepingNotifier::Kept>();
  std::unique_ptr<Evaluator> evaluator_;
  std::unique_ptr<AlertDispatcher> dispatcher_;
  std::unique_ptr<CaseDesk> cases_;
};

TEST_F(QuarterlyReportsTest, TheLastQuarterGoesToEachReceiverOnItsDayWithTheWorkbookAttached) {
  auto reports = makeReports();
  reports->start();  // 2027-01-03: 2026Q4's report is due on the 5th
  EXPECT_EQ(written(), 0U);
  scheduler_.advance(24h);
  EXPECT_EQ(written(), 0U);
  scheduler_.advance(24h + 2min);  // just past midnight of the 5th
  ASSERT_EQ(written(), 2U);
  ASSERT_TRUE(settle([&] { return pending() == 0; }));
  auto messages = received();
  ASSERT_EQ(messages.size(), 2U);
  std::sort(messages.begin(), messages.end(),
            [](const auto& a, const auto& b) { return a.idempotency_key < b.idempotency_key; });
  EXPECT_EQ(messages[0].idempotency_key, "quarterly:2026Q4:all:archive");
  EXPECT_EQ(messages[1].idempotency_key, "quarterly:2026Q4:all:office");
  for (const auto& message : messages) {
    EXPECT_EQ(message.title, "2026年第四季度机构编制季度监控报表（全部地区）");
    // Channels without files read where to fetch it.
    EXPECT_THAT(message.text, HasSubstr("staffchainctl report quarterly --quarter 2026Q4"));
    EXPECT_THAT(message.markdown, HasSubstr("staffchainctl report quarterly --quarter 2026Q4"));
    ASSERT_EQ(message.attachments.size(), 1U);
    const auto& file = message.attachments[0];
    EXPECT_EQ(file.name, "2026年第四季度机构编制季度监控报表.xlsx");
    EXPECT_EQ(file.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    EXPECT_EQ(file.bytes.substr(0, 4), std::string("PK\x03\x04", 4));
  }
  // The next days check again and find it sent.
  scheduler_.advance(72h);
  EXPECT_EQ(written(), 2U);
  EXPECT_EQ(received().size(), 2U);
  reports->stop();
}

TEST_F(QuarterlyReportsTest, ADaemonStartedAfterTheDayCatchesUpAndARestartNeverSendsItAgain) {
  config_.reports.quarterly_receivers = {"office"};
  config_.reports.quarterly_regions = {"150702", "150781"};
  scheduler_.advance(38 * 24h);  // 2027-02-10: down on the 5th of January
  auto reports = makeReports();
  reports->start();
  ASSERT_EQ(written(), 2U);  // one workbook per region
  ASSERT_TRUE(settle([&] { return pending() == 0; }));
  auto messages = received();
  std::vector<std::string> keys;
  for (const auto& m : messages) keys.push_back(m.idempotency_key);
  EXPECT_THAT(keys,
              ::testing::UnorderedElementsAre("quarterly:2026Q4:150702:office", "quarterly:2026Q4:150781:office"));
  for (const auto& m : messages) {
    ASSERT_EQ(m.attachments.size(), 1U);
    EXPECT_THAT(m.attachments[0].name, ::testing::AnyOf(HasSubstr("（海拉尔区）"), HasSubstr("（满洲里市）")));
  }
  reports->stop();
  reports.reset();

  // A restart: the outbox remembers the keys, so nothing is written twice.
  auto again = makeReports();
  again->start();
  EXPECT_EQ(written(), 2U);
  scheduler_.advance(24h + 2min);
  EXPECT_EQ(written(), 2U);
  EXPECT_EQ(received().size(), 2U);
  again->stop();
}

TEST_F(QuarterlyReportsTest, NoReceiversSendNothing) {
  config_.reports.quarterly_receivers.clear();
  scheduler_.advance(5 * 24h);
  auto reports = makeReports();
  reports->start();
  EXPECT_EQ(written(), 0U);
  reports->stop();
}

// The report counts the daemon's own rectification cases: one opened in the quarter, overdue on
// some of its days, verified after it (on the clock's day, 2027-01-03): open at the quarter's end.
TEST_F(QuarterlyReportsTest, TheCasesOfTheQuarterAreTheCaseDesksOwn) {
  chain::Finding finding;
  finding.rule = "CHAIN-012";
  finding.unit_id = chain::testing::unitId(1);
  finding.since = chain::testing::day(2026, 10, 1);
  finding.fingerprint = "0123456789abcdef";
  cases::OpenRequest request;
  request.unit_id = finding.unit_id.str();
  request.unit_name = "海拉尔区财政局";
  request.region = "150702";
  request.findings = {finding};
  request.today = chain::testing::day(2026, 10, 10);
  request.actor = cases::Actor{"王科长", "", ""};
  const auto opened = cases_->store().openCase(request, scheduler_.wallNow());
  ASSERT_TRUE(opened.value) << opened.reason;
  // Overdue from 11-10 until its finding resolved on 11-20, then submitted and verified.
  ASSERT_TRUE(cases_->store().observe({finding.fingerprint}, chain::testing::day(2026, 11, 10), scheduler_.wallNow()));
  ASSERT_TRUE(cases_->store().observe({}, chain::testing::day(2026, 11, 20), scheduler_.wallNow()));
  ASSERT_TRUE(cases_->store().act(1, cases::CaseAction::submit, {"财政局", "", ""}, scheduler_.wallNow()).value);
  ASSERT_TRUE(cases_->store().act(1, cases::CaseAction::verify, {"王科长", "", ""}, scheduler_.wallNow()).value);

  auto reports = makeReports();
  auto report = reports->figures(reports::parseQuarter("2026Q4").value(), "");
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->cases.opened, 1);
  EXPECT_EQ(report->cases.closed, 0);
  EXPECT_EQ(report->cases.open_at_end, 1);
  EXPECT_EQ(report->cases.overdue, 1);
  EXPECT_EQ(report->city.cases_opened, 1);
}

}  // namespace
}  // namespace staffchain::daemon
