// The connector scheduler on a fake clock: a connector pulls at once and then every interval;
// failures back off 10 s, 20 s, 40 s but never past the interval; a pull that does not answer
// in time is given up and counts as a failure (LINK-001); a run of batches keeps evaluation
// waiting until its last batch; pause, resume and a resync asked for during a pull; a reload
// restarts only what changed; a one-cycle run ends when every connector has pulled.
#include "connector_scheduler.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "fake_scheduler.hpp"
#include "in_process_plugin.hpp"
#include "scratch_dir.hpp"
#include "staffchain/ledger/sql_ledger.hpp"
#include "staffchain/model/identifiers.hpp"

namespace staffchain::daemon {
namespace {

using namespace std::chrono_literals;
using staffchain::testing::FakeScheduler;
using staffchain::testing::ScratchDir;

// A valid unified social credit code, the n-th of a series.
std::string unitCode(int n) {
  const std::string first17 = fmt::format("11150700MB{:07}", n);
  return first17 + model::creditCodeCheckChar(first17);
}

plugin::RawRecord unitRow(int n) {
  plugin::RawRecord raw;
  raw.type = plugin::RecordType::unit;
  raw.origin = fmt::format("units.csv:{}", n + 1);
  raw.fields = {{"unit_id", unitCode(n)}, {"name", fmt::format("单位{}", n)},
                {"region", "150700"},     {"parent_id", ""},
                {"kind", "机关"},         {"funding", "全额拨款"}};
  return raw;
}

// What a scripted source is asked and what it answers: batches queued by the test, failures
// when none is queued and `fail` is set, or a pull held until it is cancelled.
struct Script {
  std::mutex mutex;
  std::deque<Result<plugin::SourceBatch>> answers;
  std::vector<std::string> cursors_asked;  // the cursor of each pull, in order
  std::vector<std::string> held_reasons;
  std::vector<std::string> actions;
  bool hang = false;  // the next pull waits until it is cancelled
  // How many more pulls may answer; the next one waits until the test allows it.
  int permits = 1000;
  std::condition_variable permitted;

  void allow(int more) {
    {
      const std::lock_guard lock(mutex);
      permits += more;
    }
    permitted.notify_all();
  }
  std::atomic<int> pulls{0};
  std::atomic<int> committed{0};
};

class ScriptedSource final : public plugin::SourceConnector {
 public:
  explicit ScriptedSource(std::shared_ptr<Script> script) : script_(std::move(script)) {}
  Result<plugin::SourceBatch> pull(const plugin::PullRequest& request) override {
    std::unique_lock lock(script_->mutex);
    script_->cursors_asked.push_back(request.cursor);
    script_->permitted.wait(lock, [this] { return script_->permits > 0; });
    --script_->permits;
    if (script_->hang) {
      script_->hang = false;
      lock.unlock();
      while (!request.cancel->cancelled()) std::this_thread::sleep_for(1ms);
      ++script_->pulls;
      return makeError("cancelled");
    }
    ++script_->pulls;
    if (script_->answers.empty()) return plugin::SourceBatch{};  // nothing new
    auto answer = std::move(script_->answers.front());
    script_->answers.pop_front();
    return answer;
  }
  Result<void> committed(const plugin::SourceBatch&) override {
    ++script_->committed;
    return {};
  }
  Result<void> held(const plugin::SourceBatch&, const std::string& reason) override {
    const std::lock_guard lock(script_->mutex);
    script_->held_reasons.push_back(reason);
    return {};
  }
  Result<std::string> act(const std::string& action, const std::string& argument) override {
    const std::lock_guard lock(script_->mutex);
    script_->actions.push_back(action + " " + argument);
    return std::string("done");
  }

 private:
  std::shared_ptr<Script> script_;
};

plugin::SourceBatch unitsBatch(int from, int count, std::string cursor, bool more = false) {
  plugin::SourceBatch batch;
  for (int n = from; n < from + count; ++n) batch.records.push_back(unitRow(n));
  batch.cursor = std::move(cursor);
  batch.more = more;
  return batch;
}

class ConnectorSchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.daemon.timezone = model::TimeZone::utc();
    addConnector("estab", 5min);
    ledger_ = ledger::SqlLedger::open(dir_.path() / "ledger.db").value();
  }

  void addConnector(const std::string& name, std::chrono::milliseconds interval) {
    config::ConnectorSettings settings;
    settings.name = name;
    settings.plugin = "scripted";
    settings.role = model::SourceRole::estab;
    settings.interval = interval;
    settings.timeout = 2s;
    settings.fingerprint = "v1";
    config_.connectors[name] = settings;
    scripts_.emplace(name, std::make_shared<Script>());
  }

  std::unique_ptr<ConnectorScheduler> make(bool once = false) {
    ConnectorScheduler::Hooks hooks;
    hooks.committed = [this](const std::string& connector, const ingest::IngestResult& result) {
      committed_.push_back(connector + ":" + std::to_string(result.records.size()));
    };
    hooks.evaluate_soon = [this] { ++evaluate_soon_; };
    hooks.once_cycle_done = [this] { ++once_done_; };
    auto made = std::make_unique<ConnectorScheduler>(
        scheduler_, *ledger_,
        [this](const config::ConnectorSettings& settings) -> Result<std::unique_ptr<plugin_host::SourceInstance>> {
          ++created_[settings.name];
          if (settings.plugin == "missing") return makeError("plugin \"missing\" is not installed");
          return testing::inProcessPlugin<plugin::SourceConnector>(
              settings.name, dir_.path(), std::make_unique<ScriptedSource>(scripts_.at(settings.name)));
        },
        std::move(hooks), once);
    made->configure(config_);
    return made;
  }

  Script& script(const std::string& name = "estab") { return *scripts_.at(name); }

  // Hands what the source's worker posted back to the scheduler's thread, and runs what is due
  // now (a next pull without waiting), until `done` holds.
  bool settle(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
      scheduler_.advance(0ms);
      if (done()) return true;
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(1ms);
    }
  }
  // Waits for the source's worker without handing anything back.
  static bool waitUntil(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(1ms);
    }
    return true;
  }
  // Runs the clock forward and lets the pulls it started come back.
  bool advanceAndSettle(std::chrono::milliseconds by, int pulls, const std::string& name = "estab") {
    scheduler_.advance(by);
    return settle([&] { return script(name).pulls == pulls && scheduler_.posted() == 0 && !inFlight(name); });
  }
  bool inFlight(const std::string& name) { return connectors_ != nullptr && state(name) == "syncing"; }
  std::string state(const std::string& name = "estab") {
    const auto found = status(name);
    return found.is_null() ? "" : found["state"].get<std::string>();
  }
  nlohmann::json status(const std::string& name = "estab") {
    const nlohmann::json all = connectors_->json(config_.daemon.timezone);
    for (const auto& connector : all["connectors"]) {
      if (connector["name"] == name) return connector;
    }
    return nullptr;
  }
  void TearDown() override {
    for (auto& [name, script] : scripts_) script->allow(1000);
    if (connectors_) {
      connectors_->stop();
      connectors_->waitForSources(std::chrono::steady_clock::now() + 5s);
      scheduler_.runPosted();
      connectors_->close();
    }
  }

  ScratchDir dir_;
  config::Config config_;
  FakeScheduler scheduler_;
  std::unique_ptr<ledger::SqlLedger> ledger_;
  std::map<std::string, std::shared_ptr<Script>> scripts_;
  std::map<std::string, int> created_;
  std::vector<std::string> committed_;
  int evaluate_soon_ = 0;
  int once_done_ = 0;
  std::unique_ptr<ConnectorScheduler> connectors_;
};

TEST_F(ConnectorSchedulerTest, PullsAtOnceThenEveryIntervalFromTheCommittedCursor) {
  script().answers.emplace_back(unitsBatch(0, 3, "c1"));
  script().answers.emplace_back(unitsBatch(3, 1, "c2"));
  connectors_ = make();
  EXPECT_EQ(connectors_->notSettled(), std::vector<std::string>{"estab"});  // nothing synced yet
  ASSERT_TRUE(advanceAndSettle(0ms, 1));
  EXPECT_EQ(committed_, std::vector<std::string>{"estab:3"});
  EXPECT_EQ(ledger_->cursor("estab").value(), std::optional<std::string>("c1"));
  EXPECT_TRUE(connectors_->notSettled().empty());
  EXPECT_EQ(evaluate_soon_, 1);
  EXPECT_EQ(status()["records"], 3);

  ASSERT_TRUE(advanceAndSettle(5min - 1ms, 1));  // not before the interval
  ASSERT_TRUE(advanceAndSettle(1ms, 2));
  EXPECT_EQ(script().cursors_asked, (std::vector<std::string>{"", "c1"}));
  EXPECT_EQ(status()["records"], 4);
  EXPECT_EQ(status()["attempts"], 2);
  ASSERT_TRUE(settle([&] { return script().committed == 2; }));  // archived after each commit
}

TEST_F(ConnectorSchedulerTest, FailuresBackOffDoublingButNeverPastTheInterval) {
  config_.connectors["estab"].interval = 30s;
  for (int i = 0; i < 4; ++i) script().answers.emplace_back(makeError("connection refused"));
  connectors_ = make();
  ASSERT_TRUE(advanceAndSettle(0ms, 1));
  EXPECT_EQ(status()["state"], "failing");
  EXPECT_EQ(status()["consecutive_failures"], 1);
  ASSERT_TRUE(advanceAndSettle(10s - 1ms, 1));
  ASSERT_TRUE(advanceAndSettle(1ms, 2));  // 10 s after the first failure
  ASSERT_TRUE(advanceAndSettle(20s - 1ms, 2));
  ASSERT_TRUE(advanceAndSettle(1ms, 3));  // 20 s after the second
  ASSERT_TRUE(advanceAndSettle(30s - 1ms, 3));
  ASSERT_TRUE(advanceAndSettle(1ms, 4));  // 40 s would be past the 30 s interval
  EXPECT_EQ(status()["consecutive_failures"], 4);
  const auto findings = connectors_->linkFindings(scheduler_.wallNow());
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].rule, "LINK-001");

  ASSERT_TRUE(advanceAndSettle(30s, 5));  // the source answers again
  EXPECT_EQ(status()["state"], "idle");
  EXPECT_EQ(status()["consecutive_failures"], 0);
  EXPECT_TRUE(connectors_->linkFindings(scheduler_.wallNow()).empty());
}

TEST_F(ConnectorSchedulerTest, APullThatDoesNotAnswerInTimeIsGivenUpAndRetried) {
  script().hang = true;
  connectors_ = make();
  scheduler_.advance(0ms);
  ASSERT_TRUE(settle([&] { return script().cursors_asked.size() == 1; }));
  EXPECT_EQ(state(), "syncing");
  scheduler_.advance(2s - 1ms);
  EXPECT_EQ(state(), "syncing");
  scheduler_.advance(1ms);  // the timeout: the pull is cancelled and counted as failed
  EXPECT_EQ(status()["state"], "failing");
  EXPECT_EQ(status()["last_error"], "did not answer within 2000 ms");
  ASSERT_TRUE(settle([&] { return script().pulls == 1 && scheduler_.posted() == 0; }));
  EXPECT_TRUE(committed_.empty());  // what the cancelled pull said later is dropped
  ASSERT_TRUE(advanceAndSettle(10s, 2));
  EXPECT_EQ(status()["state"], "idle");
}

TEST_F(ConnectorSchedulerTest, ARunOfBatchesKeepsEvaluationWaitingUntilItsLastBatch) {
  auto first = unitsBatch(0, 2, "p1", true);
  first.remaining = 4;
  auto second = unitsBatch(2, 2, "p2", true);
  second.remaining = 2;
  script().answers.emplace_back(std::move(first));
  script().answers.emplace_back(std::move(second));
  script().answers.emplace_back(unitsBatch(4, 2, "p3"));
  script().permits = 1;  // the second pull waits while the first batch is looked at
  connectors_ = make();
  ASSERT_TRUE(settle([&] { return committed_.size() == 1 && scheduler_.posted() == 0; }));
  EXPECT_EQ(connectors_->notSettled(), std::vector<std::string>{"estab"});
  const auto progress = status()["progress"];
  ASSERT_TRUE(progress.is_object());
  EXPECT_EQ(progress["kind"], "first sync");
  EXPECT_EQ(progress["records_read"], 2);
  EXPECT_EQ(progress["remaining"], 4);
  script().allow(1000);
  ASSERT_TRUE(advanceAndSettle(0ms, 3));  // `more`: pulled again without waiting
  EXPECT_EQ(committed_.size(), 3U);
  EXPECT_TRUE(status()["progress"].is_null());
  EXPECT_TRUE(connectors_->notSettled().empty());
  EXPECT_EQ(script().cursors_asked, (std::vector<std::string>{"", "p1", "p2"}));
}

TEST_F(ConnectorSchedulerTest, PausedConnectorsDoNotPullUntilResumed) {
  connectors_ = make();
  ASSERT_TRUE(advanceAndSettle(0ms, 1));
  connectors_->pause("estab");
  EXPECT_EQ(status()["state"], "paused");
  ASSERT_TRUE(advanceAndSettle(1h, 1));
  connectors_->resume("estab");
  ASSERT_TRUE(advanceAndSettle(0ms, 2));
  EXPECT_EQ(status()["state"], "idle");
}

TEST_F(ConnectorSchedulerTest, AResyncAskedForDuringAPullStartsOverAfterIt) {
  script().answers.emplace_back(unitsBatch(0, 2, "c1"));
  connectors_ = make();
  ASSERT_TRUE(advanceAndSettle(0ms, 1));
  // The second pull is under way when the resync comes.
  script().answers.emplace_back(unitsBatch(2, 1, "c2"));
  script().permits = 0;
  scheduler_.advance(5min);
  ASSERT_TRUE(waitUntil([&] {
    const std::lock_guard lock(script().mutex);
    return script().cursors_asked.size() == 2;
  }));
  ASSERT_TRUE(connectors_->restartFromBeginning("estab", true).ok());
  EXPECT_EQ(status()["restart_pending"], true);
  script().allow(1000);
  ASSERT_TRUE(advanceAndSettle(0ms, 3));  // c2 committed, then its cursor reset and pulled again
  EXPECT_EQ(script().cursors_asked, (std::vector<std::string>{"", "c1", ""}));
  EXPECT_EQ(status()["restart_pending"], false);
  EXPECT_FALSE(connectors_->restartFromBeginning("nobody", false).ok());
}

TEST_F(ConnectorSchedulerTest, APluginActionRunsOnTheSourcesWorker) {
  connectors_ = make();
  ASSERT_TRUE(advanceAndSettle(0ms, 1));
  auto answer = connectors_->pluginAction("estab", "accept", "roster-20260501.csv");
  ASSERT_TRUE(answer.ok());
  ASSERT_EQ(answer->wait_for(10s), std::future_status::ready);
  EXPECT_EQ(answer->get().value(), "done");
  EXPECT_EQ(script().actions, std::vector<std::string>{"accept roster-20260501.csv"});
  EXPECT_FALSE(connectors_->pluginAction("nobody", "accept", "x.csv").ok());
}

TEST_F(ConnectorSchedulerTest, ASnapshotThatWouldRemoveMostRowsIsHeldAndSetAside) {
  config_.connectors["estab"].max_removal_rows = 5;
  auto full = unitsBatch(0, 20, "s1");
  full.full_snapshot_of = {plugin::RecordType::unit};
  auto shrunk = unitsBatch(0, 2, "s2");
  shrunk.full_snapshot_of = {plugin::RecordType::unit};
  shrunk.snapshot_name = "units.csv";
  script().answers.emplace_back(std::move(full));
  script().answers.emplace_back(std::move(shrunk));
  connectors_ = make();
  ASSERT_TRUE(advanceAndSettle(0ms, 1));
  ASSERT_TRUE(advanceAndSettle(5min, 2));
  ASSERT_TRUE(settle([&] {
    const std::lock_guard lock(script().mutex);
    return script().held_reasons.size() == 1;
  }));
  EXPECT_EQ(committed_.size(), 1U);                   // the held batch wrote nothing
  EXPECT_EQ(ledger_->cursor("estab").value(), "s1");  // not its cursor either
  EXPECT_EQ(status()["state"], "idle");               // the source answered: its link is healthy
  EXPECT_EQ(ledger_->heldSnapshots(true).value().size(), 1U);
  EXPECT_EQ(status()["records"], 20);
}

TEST_F(ConnectorSchedulerTest, AReloadRestartsOnlyWhatChangedAndForgetsWhatWasDropped) {
  addConnector("hr", 5min);
  connectors_ = make();
  ASSERT_TRUE(advanceAndSettle(0ms, 1, "estab"));
  ASSERT_TRUE(settle([&] { return script("hr").pulls == 1 && scheduler_.posted() == 0; }));
  config::Config next = config_;
  next.connectors["estab"].fingerprint = "v2";  // its table changed
  next.connectors.erase("hr");
  addConnector("payroll", 5min);
  next.connectors["payroll"] = config_.connectors["payroll"];
  EXPECT_EQ(connectors_->configure(next), 2U);  // estab restarted, payroll added
  EXPECT_EQ(created_["estab"], 2);
  EXPECT_EQ(status("estab")["attempts"], 1);  // a restarted connector keeps its sync record
  EXPECT_TRUE(status("hr").is_null());        // a dropped one is forgotten
  EXPECT_FALSE(connectors_->has("hr"));
  EXPECT_EQ(connectors_->size(), 2U);
  EXPECT_EQ(connectors_->configure(next), 0U);  // nothing changed: nothing restarted
  EXPECT_EQ(created_["estab"], 2);
}

TEST_F(ConnectorSchedulerTest, AOneCycleRunEndsWhenEveryConnectorHasPulledOrFailed) {
  addConnector("hr", 5min);
  addConnector("broken", 5min);
  config_.connectors["broken"].plugin = "missing";
  script("hr").answers.emplace_back(makeError("connection refused"));
  auto more = unitsBatch(0, 1, "c1", true);
  script().answers.emplace_back(std::move(more));
  script().answers.emplace_back(unitsBatch(1, 1, "c2"));
  connectors_ = make(true);
  EXPECT_EQ(status("broken")["state"], "failing");  // its plugin could not be created
  scheduler_.advance(0ms);
  ASSERT_TRUE(settle([&] { return once_done_ == 1; }));
  EXPECT_EQ(script().pulls, 2);  // pulled until the source had nothing more
  EXPECT_EQ(script("hr").pulls, 1);
  EXPECT_EQ(scheduler_.armed(), 0U);  // nothing waits for a next cycle
}

}  // namespace
}  // namespace staffchain::daemon
