// The real daemon and CLI, run as processes: one cycle on the demo configuration, config
// checking, graceful stop, reload, and systemd notification.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "alert_log.hpp"
#include "peer.hpp"
#include "process.hpp"
#include "scratch_dir.hpp"

namespace staffchain::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

std::string minimalConfig(const fs::path& dir, const std::string& interval = "1h") {
  fs::create_directories(dir / "inbox" / "hr");
  return "[daemon]\nstate_dir = \"state\"\nplugin_dir = \"" + binary("plugins").string() +
         "\"\nevaluate_interval = \"1h\"\nshutdown_grace = \"5s\"\n\n"
         "[connectors.hr]\nplugin = \"csv\"\nrole = \"hr\"\nfolder = \"inbox/hr\"\ninterval = \"" +
         interval +
         "\"\nmax_staleness = \"1d\"\n\n[notifiers.ops]\nplugin = \"file\"\npath = \"alerts/ops.jsonl\"\n\n"
         "[route]\nreceivers = [\"ops\"]\n";
}

TEST(DaemonOnce, DemoConfigurationRunsOneCycleAndExitsZero) {
  ScratchDir dir;
  fs::create_directories(dir.path() / "config");
  fs::copy_file(fs::path(STAFFCHAIN_SOURCE_DIR) / "config" / "staffchain.toml",
                dir.path() / "config" / "staffchain.toml");
  const fs::path demo = dir.path() / "var" / "demo";
  auto [gen_code, gen_out] = runToEnd({binary("staffchainctl").string(), "gen", "--persons", "1500", "--seed", "7",
                                       "--out", (demo / "dataset").string(), "--as-of", "2026-06-30"},
                                      dir.path() / "gen.log");
  ASSERT_EQ(gen_code, 0) << gen_out;
  const std::map<std::string, std::vector<std::string>> drops = {
      {"estab", {"units.csv", "quotas.csv", "leader_quotas.csv", "approvals.csv", "roster.csv"}},
      {"hr", {"movements.csv", "deaths.csv"}},
      {"finance", {"payroll.csv"}},
      {"org", {}}};
  for (const auto& [department, files] : drops) {
    fs::create_directories(demo / "inbox" / department);
    for (const auto& file : files) fs::copy_file(demo / "dataset" / file, demo / "inbox" / department / file);
  }
  // The demo configuration finds plugins beside the binary, as it does from a build tree, and its
  // API token in the environment, as scripts/demo.sh passes it.
  auto [code, out] = runToEnd(
      {binary("staffchaind").string(), "--config", (dir.path() / "config" / "staffchain.toml").string(), "--once"},
      dir.path() / "daemon.log", {{"STAFFCHAIN_DEMO_TOKEN", "demo-token-0123456789abcdef"}});
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("connector estab_roster:"));
  EXPECT_THAT(out, HasSubstr("connector finance_payroll:"));
  EXPECT_THAT(out, HasSubstr("evaluation as of"));
  EXPECT_TRUE(fs::exists(demo / "state" / "ledger.db"));
  EXPECT_TRUE(fs::exists(demo / "alerts" / "finance_bureau.jsonl"));  // ghost pay reaches finance
  EXPECT_THAT(readFile(demo / "alerts" / "finance_bureau.jsonl"), HasSubstr("CHAIN-006"));
  EXPECT_FALSE(fs::exists(demo / "inbox" / "finance" / "payroll.csv"));  // archived once committed
  EXPECT_THAT(out, ::testing::Not(HasSubstr("sync failed")));
}

// No alert from a half-synced world: while a connector has not finished its first sync, nothing
// is evaluated; after first_sync_grace the daemon goes on and names the connector it left.
TEST(Daemon, EvaluationWaitsForEveryConnectorsFirstSyncAtMostTheGrace) {
  ScratchDir dir;
  const auto port = freeLoopbackPort().value();
  const std::string config = minimalConfig(dir.path(), "1s") +
                             "\n[connectors.finance]\nplugin = \"csv\"\nrole = \"finance\"\n"
                             "folder = \"inbox/finance-not-there\"\ninterval = \"1s\"\nmax_staleness = \"1d\"\n";
  std::string text = config;
  text.replace(text.find("evaluate_interval = \"1h\""), 24, "evaluate_interval = \"1s\"\nfirst_sync_grace = \"15s\"");
  text += fmt::format("\n[api]\nlisten = \"127.0.0.1:{}\"\n", port);
  const auto file = dir.write("staffchain.toml", text);
  dir.write("inbox/hr/deaths.csv", "person_id,died_on,source\n11010519491231002X,2024-03-01,民政局\n");
  ChildProcess daemon({binary("staffchaind").string(), "--config", file.string()}, dir.path() / "daemon.log");
  ASSERT_TRUE(waitFor([&] { return daemon.output().find("evaluation waits") != std::string::npos; }, 10s))
      << daemon.output();
  auto ready = httpRequest("GET", fmt::format("http://127.0.0.1:{}/readyz", port), "", {}, 2s);
  ASSERT_TRUE(ready.ok());
  EXPECT_EQ(ready->status, 503U);
  EXPECT_THAT(ready->body, HasSubstr("finance"));
  EXPECT_THAT(daemon.output(), ::testing::Not(HasSubstr("evaluation as of")));
  ASSERT_TRUE(waitFor([&] { return daemon.output().find("evaluation as of") != std::string::npos; }, 30s))
      << daemon.output();
  EXPECT_THAT(daemon.output(),
              HasSubstr("evaluation goes on after first_sync_grace (15 s) without waiting for finance"));
  EXPECT_THAT(daemon.output(), HasSubstr("connector hr: 1 records"));
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s), 0);
}

TEST(CheckConfig, BrokenFileListsEveryErrorWithItsLocationAndExitsOne) {
  ScratchDir dir;
  const auto file = dir.write("staffchain.toml", minimalConfig(dir.path()) +
                                                     "\n[connectors.payroll]\nplugin = \"csv\"\nrole = \"treasury\"\n"
                                                     "folder = \"x\"\nfolderr = \"y\"\n");
  auto [code, out] =
      runToEnd({binary("staffchainctl").string(), "check-config", file.string()}, dir.path() / "out.log");
  EXPECT_EQ(code, 1);
  EXPECT_THAT(out, HasSubstr(file.string() + ":23:8: connectors.payroll.role: \"treasury\" is not one of"));
  EXPECT_THAT(out, HasSubstr(file.string() + ":25:1: connectors.payroll.folderr: unknown key"));
}

TEST(CheckConfig, ValidFileExitsZero) {
  ScratchDir dir;
  const auto file = dir.write("staffchain.toml", minimalConfig(dir.path()));
  auto [code, out] =
      runToEnd({binary("staffchainctl").string(), "check-config", file.string()}, dir.path() / "out.log");
  EXPECT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("valid (1 connectors, 1 notifiers"));
}

TEST(Daemon, InvalidConfigurationIsRefusedAtStart) {
  ScratchDir dir;
  const auto file = dir.write("staffchain.toml", "[daemon]\nlog_level = \"loud\"\n");
  auto [code, out] = runToEnd({binary("staffchaind").string(), "--config", file.string()}, dir.path() / "out.log");
  EXPECT_EQ(code, 1);
  EXPECT_THAT(out, HasSubstr(file.string() + ":2:13: daemon.log_level: \"loud\" is not one of"));
}

TEST(Daemon, HelpAndVersion) {
  ScratchDir dir;
  for (const auto* name : {"staffchaind", "staffchainctl"}) {
    auto [help_code, help] = runToEnd({binary(name).string(), "--help"}, dir.path() / "help.log");
    EXPECT_EQ(help_code, 0);
    EXPECT_THAT(help, HasSubstr("usage:"));
    auto [version_code, version] = runToEnd({binary(name).string(), "--version"}, dir.path() / "version.log");
    EXPECT_EQ(version_code, 0);
    EXPECT_THAT(version, HasSubstr(std::string(name) + " 0."));
  }
}

TEST(Daemon, SigtermStopsGracefullyWithExitZero) {
  ScratchDir dir;
  const auto file = dir.write("staffchain.toml", minimalConfig(dir.path()));
  ChildProcess daemon({binary("staffchaind").string(), "--config", file.string()}, dir.path() / "daemon.log");
  ASSERT_TRUE(daemon.waitForOutput("connector hr:", 30s)) << daemon.output();
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s), 0) << daemon.output();
  EXPECT_THAT(daemon.output(), HasSubstr("stopping (SIGTERM)"));
  EXPECT_THAT(daemon.output(), HasSubstr("stopped"));
}

TEST(Daemon, ReloadRefusesABadFileKeepsRunningAndAppliesAGoodOne) {
  ScratchDir dir;
  const std::string good = minimalConfig(dir.path());
  const auto file = dir.write("staffchain.toml", good);
  ChildProcess daemon({binary("staffchaind").string(), "--config", file.string()}, dir.path() / "daemon.log");
  ASSERT_TRUE(daemon.waitForOutput("connector hr:", 30s)) << daemon.output();

  dir.write("staffchain.toml", good + "\n[connectors.broken]\nplugin = \"csv\"\n");
  daemon.signal(SIGHUP);
  ASSERT_TRUE(daemon.waitForOutput("the running configuration stays", 30s)) << daemon.output();
  EXPECT_THAT(daemon.output(), HasSubstr("connectors.broken.role: required key is missing"));
  EXPECT_FALSE(daemon.wait(200ms).has_value());  // still running

  fs::create_directories(dir.path() / "inbox" / "finance");
  dir.write("staffchain.toml", good +
                                   "\n[connectors.finance]\nplugin = \"csv\"\nrole = \"finance\"\nfolder = "
                                   "\"inbox/finance\"\ninterval = \"1h\"\nmax_staleness = \"1d\"\n");
  daemon.signal(SIGHUP);
  ASSERT_TRUE(daemon.waitForOutput("reloaded: 1 connectors restarted or added, 1 kept running", 30s))
      << daemon.output();
  ASSERT_TRUE(daemon.waitForOutput("connector finance:", 30s)) << daemon.output();
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s), 0);
}

class NotifySocket {
 public:
  explicit NotifySocket(const fs::path& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", path.c_str());
    bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    timeval timeout{0, 100'000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }
  ~NotifySocket() { close(fd_); }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;
  std::string drain() {
    std::string all;
    char buffer[4096];
    for (;;) {
      const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) break;
      all.append(buffer, static_cast<std::size_t>(n));
      all += "\n";
    }
    return all;
  }

 private:
  fs::path path_;
  int fd_ = -1;
};

TEST(Daemon, TellsSystemdReadyWatchdogAndStopping) {
  ScratchDir dir;
  const auto file = dir.write("staffchain.toml", minimalConfig(dir.path()));
  NotifySocket socket(dir.path() / "notify.sock");
  ChildProcess daemon({binary("staffchaind").string(), "--config", file.string()}, dir.path() / "daemon.log",
                      {{"NOTIFY_SOCKET", (dir.path() / "notify.sock").string()}, {"WATCHDOG_USEC", "200000"}});
  ASSERT_TRUE(daemon.waitForOutput("connector hr:", 30s)) << daemon.output();
  std::string messages;
  for (int i = 0; i < 50 && messages.find("WATCHDOG=1") == std::string::npos; ++i) messages += socket.drain();
  daemon.signal(SIGTERM);
  ASSERT_EQ(daemon.wait(30s), 0);
  messages += socket.drain();
  EXPECT_THAT(messages, HasSubstr("READY=1"));
  EXPECT_THAT(messages, HasSubstr("STATUS=running with 1 connectors"));
  EXPECT_THAT(messages, HasSubstr("WATCHDOG=1"));
  EXPECT_THAT(messages, HasSubstr("STOPPING=1"));
}

}  // namespace
}  // namespace staffchain::testing
