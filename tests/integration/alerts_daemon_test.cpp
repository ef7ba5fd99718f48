// Alerts through the real daemon to a real receiver (WireMock standing in for a department's
// webhook): a receiver that fails for a while gets every message exactly once, a daemon
// killed while sending delivers after restart under the same idempotency key, and the API
// (metrics, tokens, acknowledgement with its history, checked silences) works against a running
// daemon.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "alert_log.hpp"
#include "peer.hpp"
#include "peer_promtool.hpp"
#include "peer_wiremock.hpp"
#include "process.hpp"
#include "scratch_dir.hpp"

namespace staffchain::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

constexpr const char* kReadToken = "read-token-0123456789";
constexpr const char* kWriteToken = "write-token-0123456789";

// Pay for two people who are on no roster anywhere (CHAIN-004 twice) and, unless told
// otherwise, a bad row (DATA-001).
void dropPayroll(const ScratchDir& dir, bool with_bad_row = true) {
  dir.write("inbox/payroll.csv", std::string("person_id,unit_id,month,funding,gross\n"
                                             "11010519491231002X,91350100M000100Y43,2026-05,full,8500\n"
                                             "440524188001010014,91350100M000100Y43,2026-05,full,8500\n") +
                                     (with_bad_row ? "440524188001010015,91350100M000100Y43,2026-05,full,8500\n" : ""));
}

// Messages written for the receivers and not delivered yet, from /metrics; -1 when unknown.
long long outboxPending(std::uint16_t api_port) {
  auto metrics = httpRequest("GET", fmt::format("http://127.0.0.1:{}/metrics", api_port), "",
                             {std::string("Authorization: Bearer ") + kReadToken}, 5s);
  if (!metrics.ok() || metrics->status != 200) return -1;
  long long pending = 0;
  std::istringstream lines(metrics->body);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("staffchain_outbox_pending{", 0) == 0) pending += std::stoll(line.substr(line.rfind(' ') + 1));
  }
  return pending;
}

std::string config(const ScratchDir& dir, const std::string& hook_url, std::uint16_t api_port) {
  fs::create_directories(dir.path() / "inbox");
  // Secret files are read by their owner only: the daemon refuses them otherwise.
  for (const auto& [name, token] : {std::pair{"read.token", kReadToken}, std::pair{"write.token", kWriteToken}}) {
    fs::permissions(dir.write(name, token), fs::perms::owner_read | fs::perms::owner_write);
  }
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

[alerts]
max_silence = "30d"
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
  const std::vector<std::pair<std::string, json>> steps = {{"Started", {{"status", 503}}},
                                                           {"second", {{"status", 503}}},
                                                           {"third", {{"fault", "CONNECTION_RESET_BY_PEER"}}}};
  const std::vector<std::string> next = {"second", "third", "recovered"};
  for (std::size_t i = 0; i < steps.size(); ++i) {
    ASSERT_TRUE((*hook)
                    ->addMapping(json{{"scenarioName", "flaky"},
                                      {"requiredScenarioState", steps[i].first},
                                      {"newScenarioState", next[i]},
                                      {"request", {{"method", "POST"}, {"url", "/hook"}}},
                                      {"response", steps[i].second}})
                    .ok());
  }
  ASSERT_TRUE((*hook)
                  ->addMapping(json{{"scenarioName", "flaky"},
                                    {"requiredScenarioState", "recovered"},
                                    {"request", {{"method", "POST"}, {"url", "/hook"}}},
                                    {"response", {{"status", 200}}}})
                  .ok());
  // One message to begin with (the CHAIN-004 group): its attempts fail one after the other,
  // each after the backoff, so the receiver is seen failing for a while (LINK-003). Two
  // messages would be retried at the same moment, and the receiver could recover within the
  // same millisecond as its third failure, between two evaluations.
  dropPayroll(dir, false);
  const std::uint16_t port = freeLoopbackPort().value();
  const auto file = dir.write("staffchain.toml", config(dir, (*hook)->url(), port));
  ChildProcess daemon({binary("staffchaind").string(), "--config", file.string()}, dir.path() / "daemon.log");
  // Messages: the CHAIN-004 group; LINK-003 raised while the receiver kept failing, and its
  // resolution once it took messages again. Requests: those three, plus the three that failed.
  ASSERT_TRUE(waitFor([&] { return hookKeys(**hook).size() >= 6; }, 180s)) << daemon.output();
  // Nothing more is coming: the daemon holds nothing unsent for the receiver.
  ASSERT_TRUE(waitFor([&] { return outboxPending(port) == 0; }, 60s)) << daemon.output();
  const auto keys = hookKeys(**hook);
  const std::set<std::string> distinct(keys.begin(), keys.end());
  EXPECT_EQ(distinct.size(), 3U) << daemon.output();
  EXPECT_EQ(keys.size(), distinct.size() + 3) << "each message delivered once after the failures";
  std::string bodies;
  for (const auto& [key, body] : hookRequests(**hook)) bodies += body;
  EXPECT_THAT(bodies, HasSubstr("CHAIN-004"));
  EXPECT_THAT(bodies, HasSubstr("LINK-003"));
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s), 0);
}

TEST(AlertsDaemon, KilledWhileSendingDeliversAfterRestartUnderTheSameKey) {
  ScratchDir dir;
  auto hook = WireMockPeer::start();
  ASSERT_TRUE(hook.ok()) << hook.error().message;
  ASSERT_TRUE((*hook)
                  ->addMapping(json{{"request", {{"method", "POST"}, {"url", "/hook"}}},
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
  ASSERT_TRUE(
      (*hook)
          ->addMapping(json{{"request", {{"method", "POST"}, {"url", "/hook"}}}, {"response", {{"status", 200}}}})
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
  ASSERT_TRUE(
      (*hook)
          ->addMapping(json{{"request", {{"method", "POST"}, {"url", "/hook"}}}, {"response", {{"status", 200}}}})
          .ok());
  dropPayroll(dir);
  const std::uint16_t port = freeLoopbackPort().value();
  const auto file = dir.write("staffchain.toml", config(dir, (*hook)->url(), port));
  ChildProcess daemon({binary("staffchaind").string(), "--config", file.string()}, dir.path() / "daemon.log");
  const std::string base = fmt::format("http://127.0.0.1:{}", port);
  ASSERT_TRUE(waitFor(
      [&] {
        auto ready = httpRequest("GET", base + "/readyz", "", {}, 2s);
        return ready.ok() && ready->status == 200;
      },
      60s))
      << daemon.output();
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
  auto [ack_code, ack] = ctl({"ack", other, "--by", "孙科员", "--comment", "checked with the unit"}, "ack.log");
  EXPECT_EQ(ack_code, 0) << ack;
  EXPECT_THAT(ack, HasSubstr(other + " acknowledged by 孙科员 through token operator"));

  // The history: the person and the token, when and why; the evidence the alert rests on.
  auto [show_code, shown] = ctl({"alerts", "show", other}, "show.log");
  EXPECT_EQ(show_code, 0) << shown;
  EXPECT_THAT(shown, HasSubstr("history (1):"));
  EXPECT_THAT(shown, HasSubstr("acknowledged by 孙科员 (token operator): checked with the unit"));
  EXPECT_THAT(shown, HasSubstr("evidence ("));
  EXPECT_THAT(shown, HasSubstr("evidence (1):"));
  // The pay row it rests on, the unit's credit code readable, citizen ids masked.
  EXPECT_THAT(shown, HasSubstr(" payroll "));
  EXPECT_THAT(shown, HasSubstr("|91350100M000100Y43|2026-05"));
  EXPECT_THAT(shown, HasSubstr("gross=8500"));
  for (const char* citizen_id : {"11010519491231002X", "440524188001010014", "440524188001010015"}) {
    EXPECT_THAT(shown, ::testing::Not(HasSubstr(citizen_id)));
  }
  auto [table_code, with_comment] = ctl({"alerts", "--rule", "CHAIN-004"}, "alerts-again.log");
  EXPECT_EQ(table_code, 0) << with_comment;
  EXPECT_THAT(with_comment, HasSubstr("LAST COMMENT"));
  EXPECT_THAT(with_comment, HasSubstr("孙科员: checked with the unit"));
  auto one = httpRequest("GET", base + "/api/v1/alerts/" + other, "", read, 5s);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->status, 200) << one->body;
  const json one_alert = json::parse(one->body);
  ASSERT_EQ(one_alert["acknowledgements"].size(), 1U) << one->body;
  EXPECT_EQ(one_alert["acknowledgements"][0]["by"], "孙科员");
  EXPECT_EQ(one_alert["acknowledgements"][0]["caller"], "operator");
  EXPECT_FALSE(one_alert["evidence"].empty()) << one->body;
  EXPECT_THAT(one->body, ::testing::Not(HasSubstr("440524188001010014"))) << "masked for a read-only token";
  auto missing = httpRequest("GET", base + "/api/v1/alerts/ffffffffffffffff", "", read, 5s);
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);

  // Silences are checked: an author, no silence of everything, known rules, a bounded duration.
  auto [anonymous_code, anonymous_out] =
      ctl({"silence", "add", "--rule", "DATA-001", "--duration", "1h", "--reason", "fix under way"}, "no-author.log");
  EXPECT_EQ(anonymous_code, 1);
  EXPECT_THAT(anonymous_out, HasSubstr("author: say who sets the silence"));
  auto [all_code, all_out] =
      ctl({"silence", "add", "--rule", "*", "--duration", "1h", "--reason", "quiet", "--by", "王"}, "all.log");
  EXPECT_EQ(all_code, 1);
  EXPECT_THAT(all_out, HasSubstr("match.rules: \"*\" matches every rule"));
  auto everything =
      httpRequest("POST", base + "/api/v1/silences",
                  R"({"match":{"rules":["*"]},"reason":"quiet","author":"王","duration":"1h"})", write, 5s);
  ASSERT_TRUE(everything.ok());
  EXPECT_EQ(everything->status, 400) << everything->body;
  auto misspelt =
      httpRequest("POST", base + "/api/v1/silences",
                  R"({"match":{"rule":["CHAIN-004"]},"reason":"r","author":"王","duration":"1h"})", write, 5s);
  ASSERT_TRUE(misspelt.ok());
  EXPECT_EQ(misspelt->status, 400);
  EXPECT_THAT(misspelt->body, HasSubstr("match.rule is not a match key"));
  auto [unknown_code, unknown_out] =
      ctl({"silence", "add", "--rule", "CHAIN-099", "--duration", "1h", "--reason", "r", "--by", "王"}, "unknown.log");
  EXPECT_EQ(unknown_code, 1);
  EXPECT_THAT(unknown_out, HasSubstr("\"CHAIN-099\" is not a rule the daemon knows"));
  EXPECT_THAT(unknown_out, HasSubstr("LINK-003"));
  auto [long_code, long_out] = ctl(
      {"silence", "add", "--rule", "CHAIN-004", "--duration", "100000000d", "--reason", "r", "--by", "王"}, "long.log");
  EXPECT_EQ(long_code, 1);
  EXPECT_THAT(long_out, HasSubstr("longer than the longest silence allowed, 30d ([alerts] max_silence)"));
  auto [dry_code, dry_out] =
      ctl({"silence", "add", "--rule", "CHAIN-004", "--duration", "2h", "--reason", "r", "--by", "王", "--dry-run"},
          "dry.log");
  EXPECT_EQ(dry_code, 0) << dry_out;
  EXPECT_THAT(dry_out, HasSubstr("would hold 2 open alerts"));
  auto [silence_code, silence] =
      ctl({"silence", "add", "--rule", "DATA-001", "--duration", "1h", "--reason", "fix under way", "--by", "王科长"},
          "silence.log");
  EXPECT_EQ(silence_code, 0) << silence;
  auto [list_code, list] = ctl({"silence", "list"}, "silences.log");
  EXPECT_EQ(list_code, 0);
  EXPECT_THAT(list, HasSubstr("fix under way"));
  EXPECT_THAT(list, HasSubstr("王科长 (operator)"));
  EXPECT_THAT(list, ::testing::Not(HasSubstr("CHAIN-004"))) << "the dry run created nothing";
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
