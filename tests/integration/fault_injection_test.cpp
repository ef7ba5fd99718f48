// Fault injection against the real daemon and real peers: SIGKILLs at seeded random moments
// while a generated world is ingested, evaluated, delivered and propagated; sources that hang,
// reset, fail and answer garbage; a receiver that answers too late; a ledger that cannot grow; a reload in
// the middle of a pull. Each case asserts that nothing is lost and nothing is sent twice.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <random>
#include <regex>

#include "alert_log.hpp"
#include "fault_harness.hpp"
#include "peer_postgres.hpp"

namespace staffchain::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Peers shared by every case: WireMock as the departments' webhook receiver and as a REST
// source (each start costs seconds), and one generated world.
struct RunOutcome;

class FaultInjection : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto hook = WireMockPeer::start();
    ASSERT_TRUE(hook.ok()) << hook.error().message;
    hook_ = std::move(hook.value()).release();
    auto source = WireMockPeer::start();
    ASSERT_TRUE(source.ok()) << source.error().message;
    source_ = std::move(source.value()).release();
    world_ = new ScratchDir();
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char today[16];
    std::strftime(today, sizeof today, "%Y-%m-%d", &local);
    auto [code, out] =
        runToEnd({binary("staffchainctl").string(), "gen", "--persons", "1500", "--seed", "2026", "--payroll-months",
                  "6", "--history-years", "2", "--as-of", today, "--out", (world_->path() / "world").string()},
                 world_->path() / "gen.log");
    ASSERT_EQ(code, 0) << out;
    std::printf("generated world: %s", out.c_str());
  }
  static void TearDownTestSuite() {
    delete hook_;
    delete source_;
    delete world_;
    hook_ = nullptr;
    source_ = nullptr;
    world_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(hook_, nullptr);
    ASSERT_TRUE(hook_->reset().ok());
    ASSERT_TRUE(source_->reset().ok());
  }

  static void okHook(const std::string& path_pattern, int delay_ms) {
    ASSERT_TRUE(hook_
                    ->addMapping(json{{"request", {{"method", "POST"}, {"urlPathPattern", path_pattern}}},
                                      {"response", {{"status", 200}, {"fixedDelayMilliseconds", delay_ms}}}})
                    .ok());
  }

  // The world's files and the department whose export job drops each, in the order they come.
  static std::vector<std::pair<std::string, std::string>> worldExports() {
    return {{"estab", "units.csv"},     {"estab", "quotas.csv"},   {"estab", "leader_quotas.csv"},
            {"estab", "approvals.csv"}, {"estab", "roster.csv"},   {"hr", "movements.csv"},
            {"hr", "deaths.csv"},       {"finance", "payroll.csv"}};
  }
  static void dropExport(const fs::path& dir, const std::pair<std::string, std::string>& export_file) {
    const fs::path source = world_->path() / "world" / export_file.second;
    if (fs::exists(source)) dropFile(dir / "inbox" / export_file.first, export_file.second, readFile(source));
  }

  // One uninterrupted run over the whole world in `dir` (its store's [daemon] lines given): what
  // it ends with, and how long it took to settle.
  static void runReference(const fs::path& dir, const std::string& daemon_lines, RunOutcome& outcome,
                           std::chrono::milliseconds& took);

  static inline WireMockPeer* hook_ = nullptr;
  static inline WireMockPeer* source_ = nullptr;
  static inline ScratchDir* world_ = nullptr;
};

const std::map<std::string, std::string> kDepartments = {{"estab", "estab"}, {"hr", "hr"}, {"finance", "finance"}};

std::vector<fs::path> inboxes(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& [name, role] : kDepartments) out.push_back(dir / "inbox" / name);
  return out;
}

// Where the daemon was when it was killed, from the last line it logged that marks a phase (an
// empty poll of a drop folder marks none) and from the drop folders.
std::string phaseAtKill(const std::string& log, const std::vector<fs::path>& drop_folders,
                        const FaultDaemonConfig& config) {
  if (log.find("staffchaind started") == std::string::npos) return "start-up (plugins, ledger, api)";
  std::size_t waiting_files = 0;
  for (const auto& folder : drop_folders) waiting_files += csvFilesIn(folder);
  std::string phase = "ingest";
  bool delivered = false;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.find("sink estab_outbox: notice") != std::string::npos ||
        line.find("notices written to the outbox") != std::string::npos) {
      phase = "propagation (notices to the sink)";
    } else if (line.find("notifier dept: message") != std::string::npos) {
      phase = "notification";
      delivered = true;
    } else if (line.find("evaluation as of") != std::string::npos) {
      phase = delivered ? "evaluation (after deliveries)" : "evaluation (before any delivery of this life)";
    } else if ((line.find(" records (") != std::string::npos && line.find(": 0 records (") == std::string::npos) ||
               line.find("was ingested before") != std::string::npos) {
      phase = "ingest";
    }
  }
  if (phase.rfind("evaluation", 0) == 0 && waiting_files == 0 && outboxEmpty(config)) {
    return "evaluation (periodic, nothing waiting to be sent)";
  }
  if (phase == "ingest") {
    return waiting_files > 0 ? "ingest (drop files waiting)" : "ingest done, before the first evaluation";
  }
  return phase;
}

unsigned faultSeed() {
  if (const char* given = std::getenv("STAFFCHAIN_FAULT_SEED"); given != nullptr && *given != '\0') {
    return static_cast<unsigned>(std::strtoul(given, nullptr, 10));
  }
  return static_cast<unsigned>(std::time(nullptr));
}

// What an uninterrupted or an interrupted run ends with.
struct RunOutcome {
  LedgerDigest ledger;
  std::map<std::string, std::set<std::string>> findings;
  std::set<std::string> alerts;
  ReceiverView receiver;
  std::size_t requests = 0;
  std::map<std::string, std::string> notices;  // what the estab office's csv sink received
  NoticeOutbox outbox;                         // what the daemon wrote for it
};

RunOutcome collect(const FaultDaemonConfig& config, WireMockPeer& hook, const std::string& hook_path) {
  RunOutcome out;
  out.findings = openFindings(config);
  out.alerts = openAlertIds(config);
  const auto received = hookMessages(hook, hook_path);
  out.requests = received.size();
  out.receiver = receiverView(received);
  out.notices = sinkNotices(config.dir / "outbound");
  return out;
}

void FaultInjection::runReference(const fs::path& dir, const std::string& daemon_lines, RunOutcome& outcome,
                                  std::chrono::milliseconds& took) {
  FaultDaemonConfig ref{dir, freeLoopbackPort().value(), hook_->url() + "/hook/reference"};
  ref.notice_sink = true;
  ref.daemon_extra = daemon_lines;
  const auto file = ref.write(kDepartments);
  for (const auto& export_file : worldExports()) dropExport(dir, export_file);
  const auto started = std::chrono::steady_clock::now();
  auto daemon = startDaemon(file, dir / "reference.log");
  ASSERT_TRUE(waitSettled(ref, inboxes(dir), hook_, "/hook/reference", 180s)) << daemon.output();
  took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started) -
         3000ms;  // the quiet time waitSettled insists on
  outcome = collect(ref, *hook_, "/hook/reference");
  stopDaemon(daemon);
}

// What an interrupted run must end with: what the uninterrupted one ended with.
void expectSameOutcome(const RunOutcome& reference, const RunOutcome& interrupted, unsigned seed) {
  EXPECT_EQ(interrupted.ledger, reference.ledger) << "seed " << seed;
  EXPECT_EQ(interrupted.findings, reference.findings) << "seed " << seed;
  EXPECT_EQ(interrupted.alerts, reference.alerts) << "seed " << seed;
  // The receiver: a key always carries the same message, and what it was told last about each
  // alert is what the daemon holds open, as in the uninterrupted run.
  EXPECT_THAT(interrupted.receiver.conflicts, ::testing::IsEmpty()) << "seed " << seed;
  EXPECT_THAT(reference.receiver.conflicts, ::testing::IsEmpty());
  EXPECT_EQ(interrupted.receiver.open(), interrupted.alerts) << "seed " << seed;
  EXPECT_EQ(reference.receiver.open(), reference.alerts);
  // Nothing sent twice: a retried key is the only way a request repeats, and no alert is told
  // the same state twice in a row under different keys.
  for (const auto* run : {&reference, &interrupted}) {
    std::map<std::string, std::string> told;
    for (const auto& message : run->receiver.distinct) {
      for (const auto& [id, state] : message.alerts) {
        auto [it, fresh] = told.emplace(id, state);
        EXPECT_TRUE(fresh || it->second != state) << "alert " << id << " told \"" << state << "\" twice (seed " << seed
                                                  << "), second time under " << message.key;
        it->second = state;
      }
    }
  }
  // Propagation: the daemon owes the same notices, and the estab office's import folder holds
  // the same ones, each once (a notice is one file named by its id, so a second delivery would
  // have to replace it or fail). The one exception: a notice its target had already answered
  // when it was written is completed, not sent, and whether the answer came first depends on
  // which department's file was read first, which the kills change.
  EXPECT_EQ(interrupted.outbox.error, "");
  EXPECT_EQ(interrupted.outbox.written, reference.outbox.written) << "seed " << seed;
  const auto sent = [&](const RunOutcome& run) {
    std::map<std::string, std::string> out;
    for (const auto& [name, content] : run.notices) {
      const std::string id = name.substr(0, name.find('.'));
      if (reference.outbox.answered_unsent.count(id) == 0 && interrupted.outbox.answered_unsent.count(id) == 0) {
        out.emplace(name, content);
      }
    }
    return out;
  };
  EXPECT_EQ(sent(interrupted), sent(reference)) << "seed " << seed;
  for (const auto* run : {&reference, &interrupted}) {
    for (const auto& [name, content] : run->notices) {
      EXPECT_EQ(run->outbox.written.count(name.substr(0, name.find('.'))), 1U) << name << " was never written";
    }
    for (const auto& id : run->outbox.answered_unsent) {
      EXPECT_EQ(run->notices.count(id + ".csv"), 0U) << id << " is answered yet was sent";
    }
  }
}

TEST_F(FaultInjection, KillAtRandomPoints) {
  constexpr int kKills = 22;
  const unsigned seed = faultSeed();
  std::printf("fault seed %u (rerun with STAFFCHAIN_FAULT_SEED=%u)\n", seed, seed);
  std::mt19937 random(seed);
  // Each delivery takes a while, so that kills also land while a message is on the wire.
  okHook("/hook/.*", 120);

  // The reference: one uninterrupted run over the same input.
  ScratchDir ref_dir;
  RunOutcome reference;
  std::chrono::milliseconds reference_time{};
  ASSERT_NO_FATAL_FAILURE(runReference(ref_dir.path(), "", reference, reference_time));
  reference.ledger = ledgerDigest(ref_dir.path() / "state" / "ledger.db");
  reference.outbox = noticeOutbox(ref_dir.path() / "state" / "ledger.db");
  std::printf("reference run: %lld ms to settle, %zu messages, %zu open alerts, %zu notices, ledger %s\n",
              static_cast<long long>(reference_time.count()), reference.receiver.distinct.size(),
              reference.alerts.size(), reference.notices.size(), ::testing::PrintToString(reference.ledger).c_str());
  ASSERT_GT(reference.ledger.count("roster"), 0);
  ASSERT_GT(reference.ledger.count("payroll"), 0);
  ASSERT_FALSE(reference.alerts.empty()) << "the world must raise findings for the comparison to mean anything";

  // The same input, killed kKills times at random moments, restarted after each.
  ScratchDir dir;
  FaultDaemonConfig faulted{dir.path(), freeLoopbackPort().value(), hook_->url() + "/hook/faulted"};
  faulted.notice_sink = true;
  const auto file = faulted.write(kDepartments);
  // The exports arrive one per life for the first lives, so that kills also land in the middle
  // of ingests (and of the evaluations and deliveries each new file brings), not only in the
  // first life's.
  const auto exports = worldExports();
  // Kills spread over the time an uninterrupted run takes (capped, to keep the suite short:
  // each life resumes from what the previous one committed, so later lives reach evaluation
  // and delivery sooner).
  const auto longest = std::clamp<long long>(static_cast<long long>(reference_time.count()), 800, 4500);
  std::uniform_int_distribution<long long> delay(50, longest);
  std::uniform_int_distribution<long long> ingest_delay(50, 1500);
  std::map<std::string, std::vector<long long>> kills_by_phase;
  for (int kill = 0; kill < kKills; ++kill) {
    const auto index = static_cast<std::size_t>(kill);
    if (index < exports.size()) dropExport(dir.path(), exports[index]);
    const auto log = dir.path() / fmt::format("life-{:02}.log", kill);
    ChildProcess daemon = startDaemon(file, log);
    const long long after = index < exports.size() ? ingest_delay(random) : delay(random);
    std::this_thread::sleep_for(std::chrono::milliseconds(after));
    const std::string phase = phaseAtKill(daemon.output(), inboxes(dir.path()), faulted);
    daemon.signal(SIGKILL);
    ASSERT_EQ(daemon.wait(10s), -SIGKILL) << "the daemon ended on its own before the kill: " << daemon.output();
    kills_by_phase[phase].push_back(after);
    std::printf("kill %2d after %5lld ms: %s\n", kill + 1, after, phase.c_str());
  }
  RunOutcome interrupted;
  {
    auto daemon = startDaemon(file, dir.path() / "final.log");
    ASSERT_TRUE(waitSettled(faulted, inboxes(dir.path()), hook_, "/hook/faulted", 180s)) << daemon.output();
    interrupted = collect(faulted, *hook_, "/hook/faulted");
    stopDaemon(daemon);
  }
  interrupted.ledger = ledgerDigest(dir.path() / "state" / "ledger.db");
  interrupted.outbox = noticeOutbox(dir.path() / "state" / "ledger.db");
  std::printf("kill points by phase:\n");
  for (const auto& [phase, delays] : kills_by_phase) {
    std::printf("  %-60s %zu\n", phase.c_str(), delays.size());
  }
  std::printf("interrupted run: %zu requests, %zu distinct messages, %zu open alerts, %zu notices\n",
              interrupted.requests, interrupted.receiver.distinct.size(), interrupted.alerts.size(),
              interrupted.notices.size());

  EXPECT_EQ(integrityCheck(dir.path() / "state" / "ledger.db"), "ok");
  expectSameOutcome(reference, interrupted, seed);
}

// ---------------------------------------------------------------------------------------------
// Active/standby on PostgreSQL: two daemons on one store, the active one killed at seeded random
// moments (ingesting, evaluating, sending messages and notices), the standby taking over each
// time and the killed one restarted to stand by; at the end the ledger, the findings, the alerts
// and what the receiver and the sink got equal an uninterrupted run's.

// A daemon's /api/v1/store answer; an empty object while it does not answer.
json storeStatus(const FaultDaemonConfig& config) {
  auto answer = apiGet(config, "/api/v1/store");
  return answer.is_object() ? answer : json::object();
}

// Which of the daemons holds the lease now, by their APIs; -1 when neither says it does.
int activeDaemon(const std::vector<FaultDaemonConfig>& daemons) {
  for (std::size_t i = 0; i < daemons.size(); ++i) {
    const auto store = storeStatus(daemons[i]);
    if (store.value("role", "") == "active" && store.value("holder", "") == store.value("instance", "?")) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

TEST_F(FaultInjection, FailoverAtRandomPoints) {
  constexpr int kKills = 20;
  const unsigned seed = faultSeed();
  std::printf("fault seed %u (rerun with STAFFCHAIN_FAULT_SEED=%u)\n", seed, seed);
  std::mt19937 random(seed);
  okHook("/hook/.*", 120);
  auto postgres = PostgresPeer::start();
  ASSERT_TRUE(postgres) << postgres.error().message;
  ASSERT_TRUE((*postgres)->sql("CREATE DATABASE reference"));
  ASSERT_TRUE((*postgres)->sql("CREATE DATABASE failover"));
  const auto storeLines = [&](const std::string& database, const std::string& instance) {
    return fmt::format("store = \"{}\"\nstore_sslmode = \"disable\"\ninstance = \"{}\"\nfailover_after = \"3s\"\n",
                       (*postgres)->url(database), instance);
  };
  const auto store = [&](const std::string& database) {
    store::Location where;
    where.postgres = store::PostgresTarget{};
    where.postgres->url = (*postgres)->url(database);
    return where;
  };

  // The reference: one daemon, uninterrupted, on a store of its own.
  ScratchDir ref_dir;
  RunOutcome reference;
  std::chrono::milliseconds reference_time{};
  ASSERT_NO_FATAL_FAILURE(
      runReference(ref_dir.path(), storeLines("reference", "reference"), reference, reference_time));
  reference.ledger = ledgerDigest(store("reference"));
  reference.outbox = noticeOutbox(store("reference"));
  ASSERT_GT(reference.ledger.count("roster"), 0) << reference.ledger;
  ASSERT_FALSE(reference.alerts.empty());

  // Two daemons of one folder (the drop folders and the plugins' state shared, as on a shared
  // volume), each with its own API and name, on one store.
  ScratchDir dir;
  std::vector<FaultDaemonConfig> daemons;
  std::vector<std::filesystem::path> files;
  for (const char* name : {"node-a", "node-b"}) {
    FaultDaemonConfig config{dir.path(), freeLoopbackPort().value(), hook_->url() + "/hook/failover"};
    config.notice_sink = true;
    config.daemon_extra = storeLines("failover", name);
    config.file_name = std::string(name) + ".toml";
    files.push_back(config.write(kDepartments));
    daemons.push_back(std::move(config));
  }
  std::vector<std::optional<ChildProcess>> running(2);
  int lives = 0;
  const auto start = [&](std::size_t which) {
    const auto log = dir.path() / fmt::format("life-{:02}-{}.log", lives++, which == 0 ? "a" : "b");
    running[which].reset();
    running[which].emplace(std::vector<std::string>{binary("staffchaind").string(), "--config", files[which].string()},
                           log);
  };
  start(0);
  ASSERT_TRUE(waitFor([&] { return activeDaemon(daemons) == 0; }, 60s)) << running[0]->output();
  start(1);
  ASSERT_TRUE(waitFor([&] { return storeStatus(daemons[1]).value("role", "") == "standby"; }, 60s))
      << running[1]->output();
  // The active daemon names itself and its standby; the metric says who leads.
  const auto status = storeStatus(daemons[0]);
  EXPECT_EQ(status.value("holder", ""), "node-a");
  EXPECT_THAT(status.dump(), HasSubstr(R"({"instance":"node-b","role":"standby")"));
  EXPECT_THAT(apiMetrics(daemons[0]), HasSubstr("staffchain_leader{instance=\"node-a\"} 1"));
  EXPECT_THAT(apiMetrics(daemons[1]), HasSubstr("staffchain_leader{instance=\"node-b\"} 0"));
  auto readiness = httpRequest("GET", daemons[1].base() + "/readyz", "", {}, 5s);
  ASSERT_TRUE(readiness);
  EXPECT_EQ(readiness->status, 503U);
  EXPECT_THAT(readiness->body, HasSubstr(R"("role":"standby")"));

  const auto exports = worldExports();
  const auto longest = std::clamp<long long>(static_cast<long long>(reference_time.count()), 800, 4500);
  std::uniform_int_distribution<long long> delay(50, longest);
  std::uniform_int_distribution<long long> ingest_delay(50, 1500);
  std::map<std::string, std::vector<long long>> kills_by_phase;
  std::int64_t last_term = 0;
  for (int kill = 0; kill < kKills; ++kill) {
    const auto index = static_cast<std::size_t>(kill);
    if (index < exports.size()) dropExport(dir.path(), exports[index]);
    int active = -1;
    ASSERT_TRUE(waitFor([&] { return (active = activeDaemon(daemons)) >= 0; }, 60s)) << "no daemon took over";
    const auto which = static_cast<std::size_t>(active);
    const auto term = storeStatus(daemons[which]).value("term", std::int64_t{0});
    EXPECT_GT(term, last_term) << "each takeover is a new term";
    last_term = term;
    const long long after = index < exports.size() ? ingest_delay(random) : delay(random);
    std::this_thread::sleep_for(std::chrono::milliseconds(after));
    const std::string phase = phaseAtKill(running[which]->output(), inboxes(dir.path()), daemons[which]);
    running[which]->signal(SIGKILL);
    ASSERT_EQ(running[which]->wait(10s), -SIGKILL) << "the daemon ended before the kill: " << running[which]->output();
    kills_by_phase[phase].push_back(after);
    std::printf("kill %2d of %s (term %lld) after %5lld ms: %s\n", kill + 1, which == 0 ? "node-a" : "node-b",
                static_cast<long long>(term), after, phase.c_str());
    start(which);  // back, to stand by (or to take the lease first, if the other is slower)
  }
  RunOutcome interrupted;
  {
    int active = -1;
    ASSERT_TRUE(waitFor([&] { return (active = activeDaemon(daemons)) >= 0; }, 60s));
    const auto& config = daemons[static_cast<std::size_t>(active)];
    ASSERT_TRUE(waitSettled(config, inboxes(dir.path()), hook_, "/hook/failover", 180s))
        << running[static_cast<std::size_t>(active)]->output();
    interrupted = collect(config, *hook_, "/hook/failover");
    for (auto& daemon : running) stopDaemon(*daemon);
  }
  interrupted.ledger = ledgerDigest(store("failover"));
  interrupted.outbox = noticeOutbox(store("failover"));
  std::printf("kill points by phase:\n");
  for (const auto& [phase, delays] : kills_by_phase) std::printf("  %-60s %zu\n", phase.c_str(), delays.size());

  expectSameOutcome(reference, interrupted, seed);
}

// An active daemon that froze (SIGSTOP: a stalled VM, a long pause) while the standby took over
// comes back to a store it no longer holds: whatever it tries to write is refused by the fence,
// and it stops, saying why, with exit code 4 (systemd restarts it, as the standby).
TEST_F(FaultInjection, AStaleActiveThatComesBackWritesNothingAndStops) {
  auto postgres = PostgresPeer::start();
  ASSERT_TRUE(postgres) << postgres.error().message;
  ASSERT_TRUE((*postgres)->sql("CREATE DATABASE staffchain"));
  ScratchDir dir;
  std::vector<FaultDaemonConfig> daemons;
  std::vector<std::filesystem::path> files;
  for (const char* name : {"node-a", "node-b"}) {
    FaultDaemonConfig config{dir.path(), freeLoopbackPort().value()};
    config.daemon_extra =
        fmt::format("store = \"{}\"\nstore_sslmode = \"disable\"\ninstance = \"{}\"\nfailover_after = \"2s\"\n",
                    (*postgres)->url("staffchain"), name);
    config.file_name = std::string(name) + ".toml";
    files.push_back(config.write(kDepartments));
    daemons.push_back(std::move(config));
  }
  auto a = startDaemon(files[0], dir.path() / "a.log");
  ASSERT_TRUE(waitFor([&] { return activeDaemon(daemons) == 0; }, 60s)) << a.output();
  auto b = startDaemon(files[1], dir.path() / "b.log");
  ASSERT_TRUE(waitFor([&] { return storeStatus(daemons[1]).value("role", "") == "standby"; }, 60s)) << b.output();
  // The operator's view from either daemon: who is active under which term, who stands by.
  const auto ctlStatus = [&](const FaultDaemonConfig& config, const std::string& log) {
    return runToEnd({binary("staffchainctl").string(), "status"}, dir.path() / log,
                    {{"STAFFCHAIN_API", config.base()}, {"STAFFCHAIN_API_TOKEN", kFaultApiToken}});
  };
  auto [active_code, active_says] = ctlStatus(daemons[0], "status-a.log");
  EXPECT_EQ(active_code, 0) << active_says;
  EXPECT_THAT(active_says, HasSubstr("store: PostgreSQL; active: node-a (term 1, lease until "));
  EXPECT_THAT(active_says, HasSubstr("standby: node-b (seen "));
  EXPECT_THAT(active_says, HasSubstr("this daemon: node-a (active)"));
  auto [standby_code, standby_says] = ctlStatus(daemons[1], "status-b.log");
  EXPECT_EQ(standby_code, 0) << standby_says;
  EXPECT_THAT(standby_says, HasSubstr("active: node-a (term 1"));
  EXPECT_THAT(standby_says, HasSubstr("this daemon: node-b (standby)"));

  // A reload of the standby (systemctl reload) keeps it standing by.
  b.signal(SIGHUP);
  ASSERT_TRUE(waitFor(
      [&] {
        return b.output().find("this daemon is the standby and starts on this configuration") != std::string::npos;
      },
      30s))
      << b.output();
  EXPECT_EQ(storeStatus(daemons[1]).value("role", ""), "standby");

  a.signal(SIGSTOP);
  ASSERT_TRUE(waitFor([&] { return activeDaemon(daemons) == 1; }, 60s)) << b.output();
  // Files for the new active one: the frozen one, once it runs, finds them too.
  for (const auto& export_file : worldExports()) dropExport(dir.path(), export_file);
  a.signal(SIGCONT);
  EXPECT_EQ(a.wait(60s), 4) << a.output();
  EXPECT_THAT(a.output(), HasSubstr("the lease was taken over by node-b (term 2): this daemon stops now"));
  // The new active one ingests everything, and the store shows one daemon's work.
  ASSERT_TRUE(waitFor([&] { return csvFilesIn(dir.path() / "inbox" / "finance") == 0; }, 120s)) << b.output();
  EXPECT_EQ(storeStatus(daemons[1]).value("term", std::int64_t{0}), 2);
  stopDaemon(b);
}

// ---------------------------------------------------------------------------------------------

std::string deathsJson(std::size_t count) {
  json out = json::array();
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back({{"person_id", personId(900 + i)},
                   {"died_on", fmt::format("2026-03-{:02}", 1 + i)},
                   {"source", "民政局殡葬管理所"}});
  }
  return out.dump();
}

std::string restConnector(const std::string& base_url) {
  return fmt::format(R"([connectors.deaths_api]
plugin = "rest"
role = "hr"
interval = "1s"
timeout = "5s"
max_staleness = "1d"
base_url = "{}"
request_timeout = "1s"
connect_timeout = "1s"
retries = 0

[connectors.deaths_api.endpoints.deaths]
path = "/deaths"

)",
                     base_url);
}

TEST_F(FaultInjection, SourceFaults) {
  const auto good = [&](std::size_t records) {
    ASSERT_TRUE(source_->reset().ok());
    ASSERT_TRUE(source_
                    ->addMapping(json{{"request", {{"method", "GET"}, {"urlPath", "/deaths"}}},
                                      {"response",
                                       {{"status", 200},
                                        {"headers", {{"Content-Type", "application/json"}}},
                                        {"body", deathsJson(records)}}}})
                    .ok());
  };
  ScratchDir dir;
  FaultDaemonConfig config{dir.path(), freeLoopbackPort().value()};
  config.extra = restConnector(source_->url());
  const auto file = config.write({{"finance", "finance"}});
  good(3);
  // A payroll export cut off in the middle of its last row.
  const std::string full = std::string(kPayrollHeader) + payrollRows(0, 21);
  const std::string cut = full.substr(0, full.size() - 30);
  dropFile(dir.path() / "inbox" / "finance", "payroll.csv", cut);
  const fs::path db = dir.path() / "state" / "ledger.db";

  auto daemon = startDaemon(file, dir.path() / "daemon.log");
  ASSERT_TRUE(waitReady(config, daemon)) << daemon.output();
  ASSERT_TRUE(
      waitFor([&] { return daemon.output().find("connector deaths_api: 3 records") != std::string::npos; }, 30s))
      << daemon.output();
  ASSERT_TRUE(waitFor([&] { return csvFilesIn(dir.path() / "inbox" / "finance") == 0; }, 30s)) << daemon.output();
  // A file cut short is refused whole: its last rows are not absent but unknown, so nothing of it lands.
  EXPECT_EQ(ledgerRows(db, "payroll"), 0) << "a file cut short changes nothing";
  EXPECT_THAT(daemon.output(), HasSubstr("payroll.csv: refused whole"));
  EXPECT_THAT(daemon.output(), HasSubstr("payroll.csv:22: the last row has"));
  EXPECT_TRUE(waitFor([&] { return openFindings(config).count("DATA-001") > 0; }, 10s));

  // Transport faults and server errors fail the pull (LINK-001); an answer that is not JSON is
  // bad data from a source that works (DATA-001). Either way the ledger keeps what it had.
  struct Fault {
    const char* name;
    json response;
    const char* log_line;  // the daemon's report, naming the connector
    const char* rule;
    // How a repeat is reported, when not by the same line (a refused row is logged once, then
    // only counted).
    const char* repeat_line = nullptr;
  };
  const std::string failed = "connector deaths_api: sync failed";
  const std::string not_json = "quarantined deaths_api GET /deaths page 1";
  const std::vector<Fault> faults = {
      {"slow answer",
       {{"status", 200}, {"fixedDelayMilliseconds", 2500}, {"body", deathsJson(3)}},
       failed.c_str(),
       "LINK-001"},
      {"connection reset", {{"fault", "CONNECTION_RESET_BY_PEER"}}, failed.c_str(), "LINK-001"},
      {"empty response", {{"fault", "EMPTY_RESPONSE"}}, failed.c_str(), "LINK-001"},
      {"HTTP 500", {{"status", 500}, {"body", "internal error"}}, failed.c_str(), "LINK-001"},
      {"garbage JSON",
       {{"status", 200}, {"headers", {{"Content-Type", "application/json"}}}, {"body", R"([{"person_id": "1507)"}},
       not_json.c_str(),
       "DATA-001",
       "connector deaths_api: 1 refused rows seen before are still refused"},
  };
  for (const auto& fault : faults) {
    ASSERT_TRUE(source_->reset().ok());
    ASSERT_TRUE(
        source_
            ->addMapping(json{{"request", {{"method", "GET"}, {"urlPath", "/deaths"}}}, {"response", fault.response}})
            .ok());
    auto reports = [&] {
      const std::string out = daemon.output();
      return occurrences(out, fault.log_line) +
             (fault.repeat_line != nullptr ? occurrences(out, fault.repeat_line) : std::size_t{0});
    };
    const std::size_t before = reports();
    const std::size_t open_before = openFindings(config)[fault.rule].size();
    // Two reports: the first may still come from the pull that began before the stub changed.
    ASSERT_TRUE(waitFor([&] { return reports() >= before + 2; }, 30s)) << fault.name << "\n" << daemon.output();
    const auto lines = linesWith(daemon.output(), fault.log_line);
    std::printf("%-16s -> %s\n", fault.name, lines.back().c_str());
    EXPECT_THAT(lines.back(), HasSubstr("/deaths")) << fault.name << ": the report names the endpoint";
    EXPECT_TRUE(waitFor(
        [&] {
          const auto open = openFindings(config);
          auto it = open.find(fault.rule);
          // LINK-001 stays open from one failing fault to the next; DATA-001 was open already
          // (the cut CSV) and gains the source's entry.
          return it != open.end() && !it->second.empty() &&
                 (std::string(fault.rule) != "DATA-001" || it->second.size() > open_before);
        },
        10s))
        << fault.name << " raises " << fault.rule;
    if (std::string(fault.rule) == "LINK-001") {
      EXPECT_EQ(connectorState(config, "deaths_api"), "failing") << fault.name;
    }
    EXPECT_EQ(ledgerRows(db, "deaths"), 3) << fault.name << ": what the ledger had stays";
  }
  const auto reasons = linesWith(daemon.output(), failed);
  const std::string all = fmt::format("{}", fmt::join(reasons, "\n"));
  EXPECT_THAT(all, ::testing::ContainsRegex("timed out")) << all;
  EXPECT_THAT(all, HasSubstr("Connection reset by peer")) << all;
  EXPECT_THAT(all, HasSubstr("Empty reply from server")) << all;
  EXPECT_THAT(all, HasSubstr("HTTP 500")) << all;
  EXPECT_THAT(daemon.output(), HasSubstr("the response is not JSON"));

  // Good answers again, with one more record; and the complete payroll export.
  good(4);
  dropFile(dir.path() / "inbox" / "finance", "payroll-reexport.csv", full);
  ASSERT_TRUE(
      waitFor([&] { return daemon.output().find("connector deaths_api: 4 records") != std::string::npos; }, 30s))
      << daemon.output();
  ASSERT_TRUE(waitFor([&] { return csvFilesIn(dir.path() / "inbox" / "finance") == 0; }, 30s)) << daemon.output();
  EXPECT_TRUE(waitFor([&] { return openFindings(config).count("LINK-001") == 0; }, 10s)) << daemon.output();
  EXPECT_EQ(ledgerRows(db, "deaths"), 4);
  EXPECT_EQ(ledgerRows(db, "payroll"), 21);
  stopDaemon(daemon);
  const LedgerDigest digest = ledgerDigest(db);
  EXPECT_EQ(digest.count("deaths"), 4);
  EXPECT_EQ(digest.count("payroll"), 21);
}

// ---------------------------------------------------------------------------------------------

// Pay for two people on no roster anywhere (CHAIN-004 twice) and a bad row (DATA-001).
const std::string kGhostPayroll = std::string(kPayrollHeader) +
                                  "11010519491231002X,91350100M000100Y43,2026-05,full,8500\n"
                                  "440524188001010014,91350100M000100Y43,2026-05,full,8500\n"
                                  "440524188001010015,91350100M000100Y43,2026-05,full,8500\n";

TEST_F(FaultInjection, NotifierTimeout) {
  // The first two requests are answered after the notifier's timeout, then every one at once.
  const std::vector<std::string> states = {"Started", "second", "recovered"};
  for (std::size_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(hook_
                    ->addMapping(json{{"scenarioName", "late"},
                                      {"requiredScenarioState", states[i]},
                                      {"newScenarioState", states[i + 1]},
                                      {"request", {{"method", "POST"}, {"url", "/hook/late"}}},
                                      {"response", {{"status", 200}, {"fixedDelayMilliseconds", 2500}}}})
                    .ok());
  }
  ASSERT_TRUE(hook_
                  ->addMapping(json{{"scenarioName", "late"},
                                    {"requiredScenarioState", "recovered"},
                                    {"request", {{"method", "POST"}, {"url", "/hook/late"}}},
                                    {"response", {{"status", 200}}}})
                  .ok());
  ScratchDir dir;
  FaultDaemonConfig config{dir.path(), freeLoopbackPort().value(), hook_->url() + "/hook/late"};
  config.hook_timeout = "1s";
  const auto file = config.write({{"finance", "finance"}});
  dropFile(dir.path() / "inbox" / "finance", "payroll.csv", kGhostPayroll);
  auto daemon = startDaemon(file, dir.path() / "daemon.log");
  ASSERT_TRUE(waitReady(config, daemon)) << daemon.output();
  ASSERT_TRUE(waitFor([&] { return hookMessages(*hook_, "/hook/late").size() >= 3; }, 120s)) << daemon.output();
  ASSERT_TRUE(waitSettled(config, {dir.path() / "inbox" / "finance"}, hook_, "/hook/late", 120s)) << daemon.output();
  const auto received = hookMessages(*hook_, "/hook/late");
  const ReceiverView view = receiverView(received);
  EXPECT_THAT(view.conflicts, ::testing::IsEmpty());
  EXPECT_EQ(received.size(), view.distinct.size() + 2) << "the two late answers are sent again, nothing else twice";
  // Each timed-out message came again under its own key.
  std::map<std::string, int> per_key;
  for (const auto& message : received) per_key[message.key]++;
  EXPECT_EQ(per_key[received[0].key], 2) << "the first late message is repeated under its key";
  EXPECT_GE(linesWith(daemon.output(), "not delivered, will retry").size(), 2U) << daemon.output();
  const std::string metrics = apiMetrics(config);
  EXPECT_THAT(metrics, HasSubstr(fmt::format("staffchain_notifications_delivered_total{{receiver=\"dept\"}} {}",
                                             view.distinct.size())));
  EXPECT_EQ(view.open(), openAlertIds(config)) << "the receiver knows every open alert";
  EXPECT_TRUE(openFindings(config).count("CHAIN-004") > 0);
  stopDaemon(daemon);
}

// ---------------------------------------------------------------------------------------------

TEST_F(FaultInjection, DiskFull) {
  ScratchDir dir;
  FaultDaemonConfig config{dir.path(), freeLoopbackPort().value()};
  const auto file = config.write({{"finance", "finance"}});
  const fs::path inbox = dir.path() / "inbox" / "finance";
  const fs::path db = dir.path() / "state" / "ledger.db";
  constexpr std::size_t kBefore = 3'000;
  constexpr std::size_t kLater = 60'000;
  dropFile(inbox, "payroll-1.csv", std::string(kPayrollHeader) + payrollRows(0, kBefore));
  {
    auto daemon = startDaemon(file, dir.path() / "first.log");
    ASSERT_TRUE(waitReady(config, daemon)) << daemon.output();
    ASSERT_TRUE(waitFor([&] { return csvFilesIn(inbox) == 0; }, 60s)) << daemon.output();
    stopDaemon(daemon);
  }
  ASSERT_EQ(ledgerRows(db, "payroll"), static_cast<std::int64_t>(kBefore));

  // No file of the daemon may grow past what the ledger holds now plus a little: the next
  // export does not fit. SIGXFSZ is ignored, so writes fail with EFBIG as on a full disk.
  std::uintmax_t largest = fs::file_size(db);
  for (const char* suffix : {"-wal", "-journal"}) {
    std::error_code ec;
    const auto size = fs::file_size(db.string() + suffix, ec);
    if (!ec) largest = std::max(largest, size);
  }
  const std::uintmax_t limit = largest + 256 * 1024;
  dropFile(inbox, "payroll-2.csv", std::string(kPayrollHeader) + payrollRows(kBefore, kLater));
  {
    ChildProcess daemon({"/bin/sh", "-c",
                         fmt::format("trap '' XFSZ; exec prlimit --fsize={0}:{0} {1} --config {2}", limit,
                                     binary("staffchaind").string(), file.string())},
                        dir.path() / "limited.log");
    ASSERT_TRUE(waitReady(config, daemon)) << daemon.output();
    ASSERT_TRUE(
        waitFor([&] { return daemon.output().find("connector finance: sync failed") != std::string::npos; }, 60s))
        << daemon.output();
    const auto failures = linesWith(daemon.output(), "connector finance: sync failed");
    std::printf("under the file-size limit: %s\n", failures.front().c_str());
    EXPECT_THAT(failures.front(), HasSubstr("the system said: File too large"));
    // The export that does not fit is tried again every second, and while its batch is written
    // the alert store's transaction (on the event loop) waits for SQLite's write lock, up to its
    // busy timeout, and then fails too: on a loaded machine the API answers seconds late. The
    // link finding is there as soon as the loop answers; wait for the answer, not for a time.
    EXPECT_TRUE(waitFor([&] { return openFindings(config).count("LINK-001") > 0; }, 90s)) << daemon.output();
    auto health = httpRequest("GET", config.base() + "/healthz", "", {}, 60s);
    ASSERT_TRUE(health.ok()) << health.error().message << "\n" << daemon.output();
    EXPECT_EQ(health->status, 200) << "the daemon keeps serving";
    EXPECT_EQ(ledgerRows(db, "payroll"), static_cast<std::int64_t>(kBefore)) << "committed data stays";
    EXPECT_EQ(csvFilesIn(inbox), 1U) << "the export that did not fit waits for the next try";
    daemon.signal(SIGTERM);
    EXPECT_TRUE(daemon.wait(30s).has_value()) << daemon.output();
  }
  EXPECT_EQ(integrityCheck(db), "ok");
  EXPECT_EQ(ledgerRows(db, "payroll"), static_cast<std::int64_t>(kBefore));

  // Space again: the waiting export lands in full.
  auto daemon = startDaemon(file, dir.path() / "recovered.log");
  ASSERT_TRUE(waitReady(config, daemon)) << daemon.output();
  ASSERT_TRUE(waitFor([&] { return csvFilesIn(inbox) == 0; }, 60s)) << daemon.output();
  EXPECT_EQ(ledgerRows(db, "payroll"), static_cast<std::int64_t>(kBefore + kLater));
  // An answer without LINK-001 (no answer at all is not one).
  EXPECT_TRUE(waitFor(
      [&] {
        const auto body = apiGet(config, "/api/v1/findings?rule=LINK-001");
        return body.is_object() && body.value("total", -1) == 0;
      },
      60s))
      << daemon.output();
  stopDaemon(daemon);
  EXPECT_EQ(integrityCheck(db), "ok");
}

// ---------------------------------------------------------------------------------------------

TEST_F(FaultInjection, ReloadMidSync) {
  ScratchDir dir;
  FaultDaemonConfig config{dir.path(), freeLoopbackPort().value()};
  const auto file = config.write({{"finance", "finance"}});
  const fs::path inbox = dir.path() / "inbox" / "finance";
  const fs::path db = dir.path() / "state" / "ledger.db";
  constexpr std::size_t kRows = 150'000;
  dropFile(inbox, "payroll.csv", std::string(kPayrollHeader) + payrollRows(0, kRows));
  auto daemon = startDaemon(file, dir.path() / "daemon.log");
  const auto syncing = [&] { return connectorState(config, "finance") == "syncing"; };
  ASSERT_TRUE(waitFor(syncing, 60s)) << daemon.output();
  // A reload that changes the connector (it restarts, its pull under way is dropped) ...
  std::string text = readFile(file);
  text.replace(text.find("interval = \"1s\""), 15, "interval = \"2s\"");
  std::ofstream(file) << text;
  daemon.signal(SIGHUP);
  ASSERT_TRUE(waitFor([&] { return daemon.output().find("reloaded:") != std::string::npos; }, 20s)) << daemon.output();
  // ... and one that changes nothing, through the API, while the new pull runs.
  ASSERT_TRUE(waitFor(syncing, 30s)) << daemon.output();
  auto reloaded = httpRequest("POST", config.base() + "/api/v1/reload", "",
                              {std::string("Authorization: Bearer ") + kFaultApiToken}, 10s);
  ASSERT_TRUE(reloaded.ok());
  EXPECT_EQ(reloaded->status, 200) << reloaded->body;
  ASSERT_TRUE(waitFor([&] { return csvFilesIn(inbox) == 0; }, 120s)) << daemon.output();
  // The file lands in parts (batch_rows): wait for the last of them.
  ASSERT_TRUE(waitFor([&] { return ledgerRows(db, "payroll") == static_cast<std::int64_t>(kRows); }, 30s))
      << daemon.output();
  EXPECT_EQ(occurrences(daemon.output(), "reloaded:"), 2U);
  EXPECT_EQ(ledgerRows(db, "payroll"), static_cast<std::int64_t>(kRows));
  // The whole file is then judged: its 12,500 people are on no roster (CHAIN-004 each), and the
  // evaluation and the alerts it raises run in one handler of the event loop, which a stop waits
  // for. On a loaded machine that takes longer than the stop below allows, so the stop comes
  // after it: an answer from the API once the evaluation is logged means that handler is done.
  ASSERT_TRUE(waitFor([&] { return daemon.output().find("open findings (critical 12500") != std::string::npos; }, 120s))
      << daemon.output();
  ASSERT_TRUE(waitFor(
      [&] {
        auto answer = httpRequest("GET", config.base() + "/healthz", "", {}, 5s);
        return answer.ok() && answer->status == 200;
      },
      120s))
      << daemon.output();
  stopDaemon(daemon);
  const LedgerDigest digest = ledgerDigest(db);
  EXPECT_EQ(digest.count("payroll"), static_cast<std::int64_t>(kRows));
  EXPECT_TRUE(digest.error.empty()) << digest.error;
}

}  // namespace
}  // namespace staffchain::testing
