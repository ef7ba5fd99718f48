// The real daemon with a rest connector: an incremental pull resumes from the committed cursor
// after a restart, LINK-001 when json-server goes down and its resolution when it is back,
// LINK-002 once a source that stopped answering passes its staleness window.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "alert_log.hpp"
#include "peer.hpp"
#include "peer_json_server.hpp"
#include "peer_promtool.hpp"
#include "peer_wiremock.hpp"
#include "process.hpp"
#include "rest_fixtures.hpp"

namespace staffchain::rest {
namespace {

using namespace std::chrono_literals;
using staffchain::testing::binary;
using staffchain::testing::ChildProcess;
using staffchain::testing::JsonServerPeer;
using staffchain::testing::readAlertLog;
using staffchain::testing::ScratchDir;
using staffchain::testing::waitFor;
using staffchain::testing::WireMockPeer;
using ::testing::HasSubstr;
using namespace staffchain::rest::testing;
namespace fs = std::filesystem;

std::string daemonConfig(const std::string& url, const std::string& max_staleness) {
  return fmt::format(R"([daemon]
state_dir = "state"
plugin_dir = "{}"
evaluate_interval = "1s"
shutdown_grace = "5s"

[connectors.rest_api]
plugin = "rest"
role = "estab"
interval = "1s"
max_staleness = "{}"
timeout = "10s"
base_url = "{}"
request_timeout = "500ms"
retries = 0

[connectors.rest_api.endpoints.units]
path = "/units"
query = {{ _sort = "updatedAt", _order = "asc" }}
pagination = {{ style = "page", page_param = "_page", limit_param = "_limit", limit = 3, total_header = "X-Total-Count" }}
incremental = {{ param = "updatedAt_gte", field = "updatedAt" }}
{}

[notifiers.ops]
plugin = "file"
path = "alerts/ops.jsonl"

[route]
receivers = ["ops"]
group_wait = "1s"
group_interval = "1s"
)",
                     binary("plugins").string(), max_staleness, url, kUnitMapping);
}

std::unique_ptr<JsonServerPeer> startJsonServer(const nlohmann::json& db) {
  auto peer = staffchain::testing::startOnFreePort([&](std::uint16_t) {
    return JsonServerPeer::start({.fixture = {}, .db = db.dump(), .delay = {}, .staticDir = {}});
  });
  EXPECT_TRUE(peer.ok()) << peer.error().message;
  return peer.ok() ? std::move(peer.value()) : nullptr;
}

// JsonServerPeer picks its own port, but a server that "comes back" must come back where the
// connector looks for it: this starts json-server again on the stopped peer's port and database,
// the same way the peer does.
Result<staffchain::testing::PeerProcess> restartJsonServer(const JsonServerPeer& stopped, const fs::path& dir) {
  auto node = staffchain::testing::findProgram("node");
  if (!node) return std::move(node).error();
  const auto cli = staffchain::testing::peersDir() / "node_modules" / "json-server" / "lib" / "cli" / "bin.js";
  fs::create_directories(dir / "json-server-again");
  auto process = staffchain::testing::PeerProcess::start(
      {node->string(), cli.string(), "--host", "127.0.0.1", "--port", std::to_string(stopped.port()), "--quiet",
       stopped.dbPath().string()},
      {.log = dir / "json-server-again.log", .workdir = dir / "json-server-again"});
  if (!process) return process;
  if (!staffchain::testing::waitForTcp(stopped.port(), 20s)) {
    return makeError("json-server did not listen again on port " + std::to_string(stopped.port()));
  }
  return process;
}

constexpr const char* kReadToken = "read-token-0123456789";

// A slow source of many pages, and the API to watch the first sync through.
std::string progressConfig(const ScratchDir& dir, const std::string& url, std::uint16_t api_port) {
  std::filesystem::permissions(dir.write("read.token", kReadToken), std::filesystem::perms(0600));
  return fmt::format(R"([daemon]
state_dir = "state"
plugin_dir = "{}"
shutdown_grace = "5s"

[api]
listen = "127.0.0.1:{}"
[[api.tokens]]
name = "viewer"
token = "@file:{}"

[connectors.rest_api]
plugin = "rest"
role = "estab"
interval = "1h"
timeout = "10s"
base_url = "{}"

[connectors.rest_api.endpoints.units]
path = "/units"
query = {{ _sort = "updatedAt", _order = "asc" }}
pagination = {{ style = "page", page_param = "_page", limit_param = "_limit", limit = 2, total_header = "X-Total-Count" }}
{}
)",
                     binary("plugins").string(), api_port, (dir.path() / "read.token").string(), url, kUnitMapping);
}

nlohmann::json restApiConnector(const std::string& base) {
  auto answer = staffchain::testing::httpRequest("GET", base + "/api/v1/connectors", "",
                                                 {std::string("Authorization: Bearer ") + kReadToken}, 5s);
  if (!answer.ok() || answer->status != 200) return nullptr;
  const auto body = nlohmann::json::parse(answer->body, nullptr, false);
  if (body.is_discarded()) return nullptr;
  for (const auto& connector : body.value("connectors", nlohmann::json::array())) {
    if (connector.value("name", "") == "rest_api") return connector;
  }
  return nullptr;
}

TEST(RestDaemon, AFirstSyncOfManyPagesShowsItsProgressInTheApiMetricsStatusAndLog) {
  ScratchDir dir;
  constexpr int kUnits = 40;  // 20 pages of 2, each answer held back 250 ms: several seconds to watch
  auto peer = staffchain::testing::startOnFreePort([&](std::uint16_t) {
    return JsonServerPeer::start({.fixture = {}, .db = unitsDb(kUnits).dump(), .delay = 250ms, .staticDir = {}});
  });
  ASSERT_TRUE(peer.ok()) << peer.error().message;
  const auto port = staffchain::testing::freeLoopbackPort();
  ASSERT_TRUE(port.ok());
  const std::string base = fmt::format("http://127.0.0.1:{}", *port);
  const auto config = dir.write("staffchain.toml", progressConfig(dir, (*peer)->url(), *port));
  ChildProcess daemon({binary("staffchaind").string(), "--config", config.string()}, dir.path() / "daemon.log");

  nlohmann::json mid;
  ASSERT_TRUE(waitFor(
      [&] {
        mid = restApiConnector(base);
        return mid.is_object() && mid["progress"].is_object();
      },
      30s))
      << daemon.output();
  const auto& progress = mid["progress"];
  const auto read = progress["records_read"].get<std::uint64_t>();
  EXPECT_GT(read, 0U);
  EXPECT_LT(read, static_cast<std::uint64_t>(kUnits));
  ASSERT_TRUE(progress["remaining"].is_number()) << progress.dump();
  EXPECT_EQ(read + progress["remaining"].get<std::uint64_t>(), static_cast<std::uint64_t>(kUnits));
  EXPECT_GT(progress["records_per_second"].get<double>(), 0.0);
  EXPECT_TRUE(progress["eta_seconds"].is_number()) << progress.dump();
  EXPECT_EQ(progress["kind"], "first sync");
  EXPECT_FALSE(progress["started_at"].get<std::string>().empty());

  // staffchainctl shows it in its table while the run goes on, and --json passes it through.
  const std::string token_file = (dir.path() / "read.token").string();
  auto [status_code, status] = staffchain::testing::runToEnd(
      {binary("staffchainctl").string(), "status", "--api", base, "--token-file", token_file},
      dir.path() / "status.log");
  EXPECT_EQ(status_code, 0) << status;
  EXPECT_THAT(status, HasSubstr("PROGRESS"));
  EXPECT_THAT(status, ::testing::ContainsRegex("rest_api .* [0-9]+% [0-9.]+k? rec/s"));
  auto [json_code, as_json] = staffchain::testing::runToEnd(
      {binary("staffchainctl").string(), "status", "--json", "--api", base, "--token-file", token_file},
      dir.path() / "status-json.log");
  EXPECT_EQ(json_code, 0) << as_json;
  EXPECT_THAT(as_json, HasSubstr("\"records_per_second\""));

  auto metrics = staffchain::testing::httpRequest("GET", base + "/metrics", "",
                                                  {std::string("Authorization: Bearer ") + kReadToken}, 5s);
  ASSERT_TRUE(metrics.ok());
  EXPECT_THAT(metrics->body,
              HasSubstr("staffchain_connector_sync_in_progress{connector=\"rest_api\",role=\"estab\"} 1"));
  EXPECT_THAT(metrics->body, HasSubstr("staffchain_connector_sync_remaining_records{connector=\"rest_api\""));
  EXPECT_THAT(metrics->body, HasSubstr("staffchain_connector_sync_records_per_second{connector=\"rest_api\""));
  auto lint = staffchain::testing::promtoolCheck(metrics->body);
  ASSERT_TRUE(lint.ok()) << lint.error().message;
  EXPECT_EQ(lint->exitCode, 0) << lint->output << metrics->body;

  // When the last page is in, the run's record is gone and the log has its totals.
  nlohmann::json done;
  ASSERT_TRUE(waitFor(
      [&] {
        done = restApiConnector(base);
        return done.is_object() && done["progress"].is_null() && done.value("records_total", 0) == kUnits;
      },
      60s))
      << daemon.output();
  EXPECT_TRUE(daemon.waitForOutput(fmt::format("connector rest_api: first sync done: {} records in", kUnits), 10s))
      << daemon.output();
  EXPECT_THAT(daemon.output(), HasSubstr(" rec/s"));
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s), 0) << daemon.output();
}

TEST(RestDaemon, IncrementalPullResumesFromTheCommittedCursorAfterARestart) {
  ScratchDir dir;
  auto server = startJsonServer(unitsDb(7));
  ASSERT_TRUE(server);
  const auto config = dir.write("staffchain.toml", daemonConfig(server->url(), "1h"));
  auto [code, out] = staffchain::testing::runToEnd(
      {binary("staffchaind").string(), "--config", config.string(), "--once"}, dir.path() / "first.log");
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out,
              HasSubstr("connector rest_api: 3 records (3 new, 0 changed, 0 unchanged, 0 removed), 0 quarantined"));
  EXPECT_THAT(out,
              HasSubstr("connector rest_api: 1 records (1 new, 0 changed, 0 unchanged, 0 removed), 0 quarantined"));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("sync failed")));

  for (int n : {8, 9}) {
    auto posted = staffchain::testing::httpRequest("POST", server->url() + "/units", apiUnit(n, 10 + n).dump(),
                                                   {"Content-Type: application/json"});
    ASSERT_TRUE(posted.ok()) << posted.error().message;
  }
  auto [again_code, again] = staffchain::testing::runToEnd(
      {binary("staffchaind").string(), "--config", config.string(), "--once"}, dir.path() / "second.log");
  ASSERT_EQ(again_code, 0) << again;
  // Only what changed since the watermark (inclusive) is asked for: unit 7 again, 8 and 9 new.
  EXPECT_THAT(again, HasSubstr("connector rest_api: 3 records (2 new, 0 changed, 1 unchanged, 0 removed)"));
  EXPECT_THAT(again, ::testing::Not(HasSubstr("(3 new")));
}

TEST(RestDaemon, LinkFailureWhileJsonServerIsDownResolvesWhenItIsBack) {
  ScratchDir dir;
  auto server = startJsonServer(unitsDb(4));
  ASSERT_TRUE(server);
  const auto config = dir.write("staffchain.toml", daemonConfig(server->url(), "1h"));
  ChildProcess daemon({binary("staffchaind").string(), "--config", config.string()}, dir.path() / "daemon.log");
  ASSERT_TRUE(daemon.waitForOutput("connector rest_api: 1 records", 30s)) << daemon.output();

  ASSERT_TRUE(server->stop().ok());
  const fs::path alerts = dir.path() / "alerts" / "ops.jsonl";
  ASSERT_TRUE(waitFor([&] { return readAlertLog(alerts).opened.count("LINK-001|rest_api") > 0; }, 30s))
      << daemon.output();
  EXPECT_THAT(daemon.output(), HasSubstr("connector rest_api: sync failed"));
  EXPECT_THAT(daemon.output(), HasSubstr("GET /units?_order=asc&_sort=updatedAt&updatedAt_gte="));

  auto back = restartJsonServer(*server, dir.path());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_TRUE(waitFor([&] { return readAlertLog(alerts).resolved.count("LINK-001|rest_api") > 0; }, 30s))
      << daemon.output();
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s), 0) << daemon.output();
  back->stop(SIGTERM, 5s);
}

TEST(RestDaemon, ASourceThatStopsAnsweringRaisesLinkSilentAfterItsStalenessWindow) {
  ScratchDir dir;
  auto mock = WireMockPeer::start();
  ASSERT_TRUE(mock.ok()) << mock.error().message;
  WireMockPeer& server = **mock;
  ASSERT_TRUE(server
                  .addMapping({{"request", {{"method", "GET"}, {"urlPath", "/units"}}},
                               {"response",
                                {{"status", 200},
                                 {"headers", {{"X-Total-Count", "1"}}},
                                 {"jsonBody", nlohmann::json::array({apiUnit(1, 1)})}}}})
                  .ok());
  const auto config = dir.write("staffchain.toml", daemonConfig(server.url(), "3s"));
  ChildProcess daemon({binary("staffchaind").string(), "--config", config.string()}, dir.path() / "daemon.log");
  ASSERT_TRUE(daemon.waitForOutput("connector rest_api: 1 records", 30s)) << daemon.output();
  const fs::path alerts = dir.path() / "alerts" / "ops.jsonl";
  EXPECT_EQ(readAlertLog(alerts).opened.count("LINK-002|rest_api"), 0U);

  // From now on every answer takes longer than the connector waits.
  ASSERT_TRUE(server.reset().ok());
  ASSERT_TRUE(server
                  .addMapping({{"request", {{"method", "GET"}, {"urlPath", "/units"}}},
                               {"response",
                                {{"status", 200},
                                 {"fixedDelayMilliseconds", 3000},
                                 {"jsonBody", nlohmann::json::array({apiUnit(1, 1)})}}}})
                  .ok());
  EXPECT_TRUE(waitFor([&] { return readAlertLog(alerts).opened.count("LINK-002|rest_api") > 0; }, 30s))
      << daemon.output();
  EXPECT_THAT(daemon.output(), HasSubstr("timed out"));
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s), 0) << daemon.output();
}

}  // namespace
}  // namespace staffchain::rest
