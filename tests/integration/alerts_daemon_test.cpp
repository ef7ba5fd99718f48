// Alerts through the real daemon to a real receiver (WireMock standing in for a department's
// webhook): a receiver that fails for a while gets every message exactly once, a daemon
// killed while sending delivers after restart under the same idempotency key, and the API
// (metrics, tokens, acknowledgement) works against a running daemon.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "alert_log.hpp"
#include "peer.hpp"
#include "peer_promtool.hpp"
#include "peer_wiremock.hpp"
#include "process.hpp"
#include "scratch_dir.hpp"

namespace staffchain::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kReadToken = "read-token-0123456789";
constexpr const char* kWriteToken = "write-token-0123456789";

// Pay for two people who are on no roster anywhere (CHAIN-004 twice) and a bad row (DATA-001).
void dropPayroll(const ScratchDir& dir) {
  dir.write("inbox/payroll.csv",
            "person_id,unit_id,month,funding,gross\n"
            "11010519491231002X,91350100M000100Y43,2026-05,full,8500\n"
            "440524188001010014,91350100M000100Y43,2026-05,full,8500\n"
            "440524188001010015,91350100M000100Y43,2026-05,full,8500\n");
}

std::string config(const ScratchDir& dir, const std::string& hook_url, std::uint16_t api_port) {
  fs::create_directories(dir.path() / "inbox");
  dir.write("read.token", kReadToken);
  dir.write("write.token", kWriteToken);
  return fmt::format(R"([daemon]
state_dir = "state"
plugin_dir = "{}"
evaluate_interval = "1s"
shutdown_grace = "2s"

[api]
listen = "127.0.0.1:{}"
[[api.tokens]]
name = "viewer"
token = "@file:{}"
[[api.tokens]]
name = "operator"
token = "@file:{}"
access = "read-write"

[connectors.finance]
plugin = "csv"
role = "finance"
folder = "inbox"
interval = "1h"
max_staleness = "1d"

[notifiers.dept]
plugin = "webhook"
url = "{}/hook"
timeout = "10s"

[route]
receivers = ["dept"]
group_by = ["rule"]
group_wait = "1s"
group_interval = "1s"
)",
                     binary("plugins").string(), api_port, (dir.path() / "read.token").string(),
                     (dir.path() / "write.token").string(), hook_url);
}

// Every request the hook received, in order: its idempotency key and its body.
std::vector<std::pair<std::string, std::string>> hookRequests(WireMockPeer& hook) {
  std::vector<std::pair<std::string, std::string>> out;
  auto found = hook.findRequests(json{{"method", "POST"}, {"url", "/hook"}});
  if (!found) return out;
  for (const auto& request : found.value()) {
    std::string key;
    const json headers = request.value("headers", json::object());
    for (const auto& [name, value] : headers.items()) {
      if (name == "Idempotency-Key" || name == "idempotency-key") key = value.get<std::string>();
    }
    out.emplace_back(key, request.value("body", std::string()));
  }
  return out;
}

std::vector<std::string> hookKeys(WireMockPeer& hook) {
  std::vector<std::string> keys;
  for (const auto& [key, body] : hookRequests(hook)) keys.push_back(key);
  return keys;
}

TEST(AlertsDaemon, AReceiverFailingForAWhileGetsEveryMessageExactlyOnce) {
  ScratchDir dir;
  auto hook = WireMockPeer::start();
  ASSERT_TRUE(hook.ok()) << hook.error().message;
  // Three failures (503, 503, reset) before the receiver recovers for good.
  const std::vector<std::pair<std::string, json>> steps = {
      {"Started", {{"status", 503}}}, {"second", {{"status", 503}}}, {"third", {{"fault", "CONNECTION_RESET_BY_PEER"}}}};
  const std::vector<std::string> next = {"second", "third", "recovered"};
  for (std::size_t i = 0; i < steps.size(); ++i) {
    ASSERT_TRUE((*hook)->addMapping(json{{"scenarioName", "flaky"}, {"requiredScenarioState", steps[i].first},
                                          {"newScenarioState", next[i]},
                                          {"request", {{"method", "POST"}, {"url", "/hook"}}},
                                          {"response", steps[i].second}})
                    .ok());
  }
  ASSERT_TRUE((*hook)->addMapping(json{{"scenarioName", "flaky"}, {"requiredScenarioState", "recovered"},
                                        {"request", {{"method", "POST"}, {"url", "/hook"}}},
                                        {"response", {{"status", 200}}}})
                  .ok());
  dropPayroll(dir);
  const auto file = dir.write("staffchain.toml", config(dir, (*hook)->url(), freeLoopbackPort().value()));
  ChildProcess daemon({binary("staffchaind").string(), "--config", file.string()}, dir.path() / "daemon.log");
  // Messages: the CHAIN-004 and DATA-001 groups; LINK-003 raised while the receiver kept
  // failing, and its resolution once it took messages again. Requests: those four, plus the
  // three that failed.
  ASSERT_TRUE(waitFor([&] { return hookKeys(**hook).size() >= 7; }, 180s)) << daemon.output();
  std::this_thread::sleep_for(3s);  // nothing more may come
  const auto keys = hookKeys(**hook);
  const std::set<std::string> distinct(keys.begin(), keys.end());
  EXPECT_EQ(distinct.size(), 4U) << daemon.output();
  EXPECT_EQ(keys.size(), distinct.size() + 3) << "each message delivered once after the failures";
  std::string bodies;
  for (const auto& [key, body] : hookRequests(**hook)) bodies += body;
  EXPECT_THAT(bodies, HasSubstr("CHAIN-004"));
  EXPECT_THAT(bodies, HasSubstr("DATA-001"));
  EXPECT_THAT(bodies, HasSubstr("LINK-003"));
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s), 0);
}

TEST(AlertsDaemon, KilledWhileSendingDeliversAfterRestartUnderTheSameKey) {
  ScratchDir dir;
  auto hook = WireMockPeer::start();
  ASSERT_TRUE(hook.ok()) << hook.error().message;
  ASSERT_TRUE((*hook)->addMapping(json{{"request", {{"method", "POST"}, {"url", "/hook"}}},
                                        {"response", {{"status", 200}, {"fixedDelayMilliseconds", 5000}}}})
                  .ok());
  dropPayroll(dir);
  const auto file = dir.write("staffchain.toml", config(dir, (*hook)->url(), freeLoopbackPort().value()));
  std::string interrupted;
  {
    ChildProcess daemon({binary("staffchaind").string(), "--config", file.string()}, dir.path() / "first.log");
    ASSERT_TRUE(waitFor([&] { return !hookKeys(**hook).empty(); }, 120s)) << daemon.output();
    interrupted = hookKeys(**hook).front();
    daemon.signal(SIGKILL);  // written to the outbox, on its way, not acknowledged by the receiver
    daemon.wait(10s);
  }
  ASSERT_TRUE((*hook)->reset().ok());
  ASSERT_TRUE((*hook)->addMapping(json{{"request", {{"method", "POST"}, {"url", "/hook"}}}, {"response", {{"status", 200}}}})
                  .ok());
  ChildProcess daemon({binary("staffchaind").string(), "--config", file.string()}, dir.path() / "second.log");
  ASSERT_TRUE(waitFor([&] { return hookKeys(**hook).size() >= 2; }, 120s)) << daemon.output();
  std::this_thread::sleep_for(3s);
  const auto keys = hookKeys(**hook);
  EXPECT_THAT(keys, ::testing::Contains(interrupted)) << "the interrupted message is sent again, same key";
  const std::set<std::string> distinct(keys.begin(), keys.end());
  EXPECT_EQ(distinct.size(), keys.size()) << "nothing sent twice after the restart";
  EXPECT_EQ(distinct.size(), 2U);
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s), 0);
}

TEST(AlertsDaemon, ApiServesMetricsTokensAndAcknowledgement) {
  ScratchDir dir;
  auto hook = WireMockPeer::start();
  ASSERT_TRUE(hook.ok()) << hook.error().message;
  ASSERT_TRUE((*hook)->addMapping(json{{"request", {{"method", "POST"}, {"url", "/hook"}}}, {"response", {{"status", 200}}}})
                  .ok());
  dropPayroll(dir);
  const std::uint16_t port = freeLoopbackPort().value();
  const auto file = dir.write("staffchain.toml", config(dir, (*hook)->url(), port));
  ChildProcess daemon({binary("staffchaind").string(), "--config", file.string()}, dir.path() / "daemon.log");
  const std::string base = fmt::format("http://127.0.0.1:{}", port);
  ASSERT_TRUE(waitFor([&] {
    auto ready = httpRequest("GET", base + "/readyz", "", {}, 2s);
    return ready.ok() && ready->status == 200;
  }, 60s)) << daemon.output();
  ASSERT_TRUE(waitFor([&] { return hookKeys(**hook).size() >= 2; }, 60s)) << daemon.output();

  const std::vector<std::string> read = {std::string("Authorization: Bearer ") + kReadToken};
  const std::vector<std::string> write = {std::string("Authorization: Bearer ") + kWriteToken};
  auto metrics = httpRequest("GET", base + "/metrics", "", read, 5s);
  ASSERT_TRUE(metrics.ok());
  EXPECT_EQ(metrics->status, 200);
  EXPECT_THAT(metrics->body, HasSubstr("staffchain_connector_records_ingested_total{connector=\"finance\""));
  EXPECT_THAT(metrics->body, HasSubstr("staffchain_findings_open{rule=\"CHAIN-004\",severity=\"critical\"} 2"));
  EXPECT_THAT(metrics->body, HasSubstr("staffchain_alerts{state=\"firing\"}"));
  auto lint = promtoolCheck(metrics->body);
  ASSERT_TRUE(lint.ok()) << lint.error().message;
  EXPECT_EQ(lint->exitCode, 0) << lint->output << metrics->body;

  auto anonymous = httpRequest("GET", base + "/api/v1/alerts", "", {}, 5s);
  ASSERT_TRUE(anonymous.ok());
  EXPECT_EQ(anonymous->status, 401);
  auto listed = httpRequest("GET", base + "/api/v1/alerts?rule=CHAIN-004", "", read, 5s);
  ASSERT_TRUE(listed.ok());
  const json alerts = json::parse(listed->body);
  ASSERT_EQ(alerts["count"], 2) << listed->body;
  const std::string id = alerts["alerts"][0]["id"];

  auto refused = httpRequest("POST", base + "/api/v1/alerts/" + id + "/ack", R"({"comment":"on it"})", read, 5s);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 403);
  auto acked = httpRequest("POST", base + "/api/v1/alerts/" + id + "/ack", R"({"comment":"on it"})", write, 5s);
  ASSERT_TRUE(acked.ok());
  EXPECT_EQ(acked->status, 200) << acked->body;
  EXPECT_EQ(json::parse(acked->body)["state"], "acknowledged");
  EXPECT_THAT(daemon.output(), HasSubstr("api operator POST /api/v1/alerts/" + id + "/ack -> 200 (write)"));
  EXPECT_THAT(daemon.output(), ::testing::Not(HasSubstr(kWriteToken)));

  // The operator's CLI over the same API.
  const std::map<std::string, std::string> operator_env = {{"STAFFCHAIN_API", base},
                                                           {"STAFFCHAIN_API_TOKEN", kWriteToken}};
  auto ctl = [&](std::vector<std::string> args, const std::string& log) {
    args.insert(args.begin(), binary("staffchainctl").string());
    return runToEnd(std::move(args), dir.path() / log, operator_env);
  };
  auto [status_code, status] = ctl({"status"}, "status.log");
  EXPECT_EQ(status_code, 0) << status;
  EXPECT_THAT(status, HasSubstr("finance"));
  EXPECT_THAT(status, HasSubstr("open findings: 3 (critical 2, major 0, minor 1)"));
  auto [alerts_code, table] = ctl({"alerts", "--rule", "CHAIN-004"}, "alerts.log");
  EXPECT_EQ(alerts_code, 0) << table;
  EXPECT_THAT(table, HasSubstr("440524********0014"));
  EXPECT_THAT(table, ::testing::Not(HasSubstr("440524188001010014")));
  const std::string other = alerts["alerts"][1]["id"];
  auto [ack_code, ack] = ctl({"ack", other, "--comment", "checked with the unit"}, "ack.log");
  EXPECT_EQ(ack_code, 0) << ack;
  auto [silence_code, silence] =
      ctl({"silence", "add", "--rule", "DATA-001", "--duration", "1h", "--reason", "fix under way"}, "silence.log");
  EXPECT_EQ(silence_code, 0) << silence;
  auto [list_code, list] = ctl({"silence", "list"}, "silences.log");
  EXPECT_EQ(list_code, 0);
  EXPECT_THAT(list, HasSubstr("fix under way"));
  auto [json_code, json_out] = ctl({"alerts", "--state", "acknowledged", "--json"}, "acked.log");
  EXPECT_EQ(json_code, 0);
  EXPECT_EQ(json::parse(json_out)["count"], 2) << json_out;
  auto [refused_code, refused_out] = runToEnd({binary("staffchainctl").string(), "reload"}, dir.path() / "reload.log",
                                              {{"STAFFCHAIN_API", base}, {"STAFFCHAIN_API_TOKEN", kReadToken}});
  EXPECT_EQ(refused_code, 1);
  EXPECT_THAT(refused_out, HasSubstr("HTTP 403"));
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s), 0);
}

}  // namespace
}  // namespace staffchain::testing
