// The built rest plugin, loaded and called by the real plugin host, against json-server
// (page and Link pagination, incremental pulls, resuming from a committed cursor) and WireMock
// (malformed payloads, authentication, retries, cursor tokens).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <cstdlib>
#include <set>
#include <sstream>

#include "peer.hpp"
#include "peer_json_server.hpp"
#include "peer_wiremock.hpp"
#include "rest_fixtures.hpp"
#include "staffchain/plugin_host/plugin_instance.hpp"

namespace staffchain::rest {
namespace {

using namespace std::chrono_literals;
using staffchain::testing::JsonServerPeer;
using staffchain::testing::ScratchDir;
using staffchain::testing::WireMockPeer;
using ::testing::HasSubstr;
using namespace staffchain::rest::testing;
using plugin_host::SourceInstance;

class RestSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = plugin_host::PluginCatalog::loadDirectory(STAFFCHAIN_PLUGIN_BUILD_DIR);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    catalog_ = std::make_unique<plugin_host::PluginCatalog>(std::move(loaded.value()));
    logger_ = std::make_shared<spdlog::logger>("rest", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_));
    logger_->set_level(spdlog::level::debug);
  }

  Result<std::unique_ptr<SourceInstance>> create(const std::string& table) {
    documents_.push_back(std::make_shared<toml::table>(
        toml::parse("plugin = \"rest\"\nrole = \"estab\"\n" + table, std::string_view("rest.toml"))));
    config::ConnectorSettings settings;
    settings.name = "estab_api";
    settings.plugin = "rest";
    settings.key_path = "connectors.estab_api";
    settings.table = documents_.back().get();
    return plugin_host::createSource(*catalog_, settings, logger_, scratch_.path(), 10s);
  }

  std::unique_ptr<SourceInstance> mustCreate(const std::string& table) {
    auto created = create(table);
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? std::move(created.value()) : nullptr;
  }

  static std::unique_ptr<JsonServerPeer> jsonServer(const nlohmann::json& db) {
    auto peer = staffchain::testing::startOnFreePort([&](std::uint16_t) {
      return JsonServerPeer::start({.fixture = {}, .db = db.dump(), .delay = {}, .staticDir = {}});
    });
    EXPECT_TRUE(peer.ok()) << peer.error().message;
    return peer.ok() ? std::move(peer.value()) : nullptr;
  }

  static std::unique_ptr<WireMockPeer> wireMock() {
    auto peer = WireMockPeer::start();
    EXPECT_TRUE(peer.ok()) << peer.error().message;
    return peer.ok() ? std::move(peer.value()) : nullptr;
  }

  static std::vector<std::string> ids(const plugin::SourceBatch& batch) {
    std::vector<std::string> out;
    for (const auto& record : batch.records) {
      const auto* id = record.field("unit_id");
      out.push_back(id != nullptr ? *id : "?");
    }
    return out;
  }

  ScratchDir scratch_;
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<plugin_host::PluginCatalog> catalog_;
  std::vector<std::shared_ptr<toml::table>> documents_;
};

std::string pageConfig(const std::string& url, const std::string& extra = "") {
  return fmt::format(R"(base_url = "{}"
retries = 1
retry_initial = "50ms"
[endpoints.units]
path = "/units"
query = {{ _sort = "updatedAt", _order = "asc" }}
pagination = {{ style = "page", page_param = "_page", limit_param = "_limit", limit = 3, total_header = "X-Total-Count" }}
{}
{}
)",
                     url, kUnitMapping, extra);
}

TEST_F(RestSourceTest, PagesByNumberWithTheTotalCountOnePagePerPull) {
  auto server = jsonServer(unitsDb(7));
  ASSERT_TRUE(server);
  auto source = mustCreate(pageConfig(server->url()));
  ASSERT_TRUE(source);
  std::string cursor;
  std::vector<std::size_t> sizes;
  std::vector<bool> more;
  std::vector<std::optional<std::uint64_t>> remaining;
  std::vector<std::string> all;
  for (int pull = 0; pull < 3; ++pull) {
    auto batch = plugin_host::pullSource(*source, cursor, 10s);
    ASSERT_TRUE(batch.ok()) << batch.error().message;
    sizes.push_back(batch->records.size());
    more.push_back(batch->more);
    remaining.push_back(batch->remaining);
    for (const auto& id : ids(*batch)) all.push_back(id);
    EXPECT_TRUE(batch->rejected.empty());
    cursor = batch->cursor;
    if (pull == 1) {
      const auto& record = batch->records.front();
      EXPECT_EQ(record.origin,
                "GET /units?_order=asc&_sort=updatedAt&_page=2&_limit=3 page 2 item 1 (id " + unitCode(4) + ")");
      EXPECT_EQ(*record.field("name"), "海拉尔区第4中学");
      EXPECT_EQ(*record.field("region"), "150702");
    }
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{3, 3, 1}));
  EXPECT_EQ(more, (std::vector<bool>{true, true, false}));
  // X-Total-Count 7, less what the listing has read.
  EXPECT_EQ(remaining, (std::vector<std::optional<std::uint64_t>>{4, 1, 0}));
  std::vector<std::string> expected;
  for (int n = 1; n <= 7; ++n) expected.push_back(unitCode(n));
  EXPECT_EQ(all, expected);
}

TEST_F(RestSourceTest, FollowsTheLinkHeader) {
  auto server = jsonServer(unitsDb(5));
  ASSERT_TRUE(server);
  auto source = mustCreate(fmt::format(R"(base_url = "{}"
[endpoints.units]
path = "/units"
query = {{ _page = 1 }}
pagination = {{ style = "link", limit_param = "_limit", limit = 2 }}
{}
)",
                                       server->url(), kUnitMapping));
  ASSERT_TRUE(source);
  std::string cursor;
  std::vector<std::size_t> sizes;
  for (int pull = 0; pull < 4; ++pull) {
    auto batch = plugin_host::pullSource(*source, cursor, 10s);
    ASSERT_TRUE(batch.ok()) << batch.error().message;
    sizes.push_back(batch->records.size());
    cursor = batch->cursor;
    if (!batch->more) break;
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{2, 2, 1}));

  // A committed next link to a server that is no longer base_url is not followed: the listing
  // starts over where base_url says.
  auto moved = plugin_host::pullSource(
      *source,
      R"({"v":1,"active":"units","endpoints":{"units":{"since":"","page":1,"next":"http://127.0.0.1:1/units?_page=2&_limit=2"}}})",
      10s);
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(ids(*moved), (std::vector<std::string>{unitCode(1), unitCode(2)}));
}

TEST_F(RestSourceTest, ALinkListingCountsWhatIsLeftFromTheTotalHeaderAcrossARestart) {
  auto server = jsonServer(unitsDb(5));
  ASSERT_TRUE(server);
  const std::string config = fmt::format(R"(base_url = "{}"
[endpoints.units]
path = "/units"
query = {{ _page = 1 }}
pagination = {{ style = "link", limit_param = "_limit", limit = 2, total_header = "X-Total-Count" }}
{}
)",
                                         server->url(), kUnitMapping);
  std::string cursor;
  {
    auto source = mustCreate(config);
    ASSERT_TRUE(source);
    auto first = plugin_host::pullSource(*source, cursor, 10s);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->remaining, 3U);
    cursor = first->cursor;
  }
  // What was read is in the committed cursor: a new instance goes on counting from there.
  auto source = mustCreate(config);
  ASSERT_TRUE(source);
  std::vector<std::optional<std::uint64_t>> remaining;
  for (int pull = 0; pull < 3; ++pull) {
    auto batch = plugin_host::pullSource(*source, cursor, 10s);
    ASSERT_TRUE(batch.ok()) << batch.error().message;
    remaining.push_back(batch->remaining);
    cursor = batch->cursor;
    if (!batch->more) break;
  }
  EXPECT_EQ(remaining, (std::vector<std::optional<std::uint64_t>>{1, 0}));
}

TEST_F(RestSourceTest, AListingWithoutATotalLeavesRemainingUnknownUntilItEnds) {
  auto server = jsonServer(unitsDb(5));
  ASSERT_TRUE(server);
  auto source = mustCreate(fmt::format(R"(base_url = "{}"
[endpoints.units]
path = "/units"
pagination = {{ style = "page", page_param = "_page", limit_param = "_limit", limit = 3 }}
{}
)",
                                       server->url(), kUnitMapping));
  ASSERT_TRUE(source);
  auto first = plugin_host::pullSource(*source, "", 10s);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->more);
  EXPECT_FALSE(first->remaining.has_value());
  auto second = plugin_host::pullSource(*source, first->cursor, 10s);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_FALSE(second->more);
  EXPECT_EQ(second->remaining, 0U);
}

TEST_F(RestSourceTest, ResumesMidListingAndPullsOnlyNewerRecordsAfterARestart) {
  auto server = jsonServer(unitsDb(7));
  ASSERT_TRUE(server);
  const std::string config =
      pageConfig(server->url(), R"(incremental = { param = "updatedAt_gte", field = "updatedAt" })");
  std::string committed;
  {
    auto source = mustCreate(config);
    ASSERT_TRUE(source);
    auto first = plugin_host::pullSource(*source, "", 10s);
    ASSERT_TRUE(first.ok()) << first.error().message;
    ASSERT_TRUE(first->more);
    committed = first->cursor;
  }
  // A crash after page 1 was committed: a new instance goes on with page 2, not page 1.
  {
    auto source = mustCreate(config);
    ASSERT_TRUE(source);
    auto second = plugin_host::pullSource(*source, committed, 10s);
    ASSERT_TRUE(second.ok()) << second.error().message;
    EXPECT_EQ(ids(*second), (std::vector<std::string>{unitCode(4), unitCode(5), unitCode(6)}));
    auto third = plugin_host::pullSource(*source, second->cursor, 10s);
    ASSERT_TRUE(third.ok()) << third.error().message;
    EXPECT_EQ(ids(*third), (std::vector<std::string>{unitCode(7)}));
    EXPECT_FALSE(third->more);
    committed = third->cursor;
  }
  EXPECT_THAT(committed, HasSubstr("2026-05-07T08:00:00Z"));
  // Two units change at the source; after a restart only they (and the one at the watermark,
  // since the API's filter is inclusive) come back.
  for (int n : {8, 9}) {
    auto posted = staffchain::testing::httpRequest("POST", server->url() + "/units", apiUnit(n, 10 + n).dump(),
                                                   {"Content-Type: application/json"});
    ASSERT_TRUE(posted.ok()) << posted.error().message;
    ASSERT_EQ(posted->status, 201);
  }
  auto source = mustCreate(config);
  ASSERT_TRUE(source);
  auto batch = plugin_host::pullSource(*source, committed, 10s);
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  EXPECT_EQ(ids(*batch), (std::vector<std::string>{unitCode(7), unitCode(8), unitCode(9)}));
  EXPECT_FALSE(batch->more);
  EXPECT_THAT(batch->records.front().origin, HasSubstr("updatedAt_gte=2026-05-07T08%3A00%3A00Z"));
  EXPECT_THAT(batch->cursor, HasSubstr("2026-05-19T08:00:00Z"));
}

TEST_F(RestSourceTest, MalformedPayloadsAreQuarantinedWithEndpointAndPage) {
  auto mock = wireMock();
  ASSERT_TRUE(mock);
  ASSERT_TRUE(mock->addMapping({{"request", {{"method", "GET"}, {"urlPath", "/units"}}},
                                {"response", {{"status", 200}, {"body", "{\"data\": [1, 2"}}}})
                  .ok());
  ASSERT_TRUE(
      mock->addMapping({{"request", {{"method", "GET"}, {"urlPath", "/movements"}}},
                        {"response",
                         {{"status", 200},
                          {"jsonBody",
                           {{"data",
                             {{"items", nlohmann::json::array(
                                            {"just a string",
                                             {{"id", "M-2"}, {"kind", "hire"}, {"date", "2026/05/02"}},
                                             {{"id", "M-3"}, {"kind", "hire"}, {"date", "2026-05-03"}}})}}}}}}}})
          .ok());
  ASSERT_TRUE(mock->addMapping({{"request", {{"method", "GET"}, {"urlPath", "/deaths"}}},
                                {"response", {{"status", 200}, {"jsonBody", {{"rows", nlohmann::json::array()}}}}}})
                  .ok());
  auto source = mustCreate(fmt::format(R"(base_url = "{}"
retries = 0
[endpoints.units]
path = "/units"
[endpoints.movements]
path = "/movements"
records_path = "data.items"
mapping = {{ fields = {{ movement_id = "id", effective_on = "date" }}, dates = {{ effective_on = "%Y-%m-%d" }} }}
[endpoints.deaths]
path = "/deaths"
records_path = "data.items"
)",
                                       mock->url()));
  ASSERT_TRUE(source);
  auto units = plugin_host::pullSource(*source, "", 10s);
  ASSERT_TRUE(units.ok()) << units.error().message;
  EXPECT_TRUE(units->records.empty());
  ASSERT_EQ(units->rejected.size(), 1U);
  EXPECT_EQ(units->rejected[0].origin, "GET /units page 1");
  EXPECT_THAT(units->rejected[0].reason, HasSubstr("units endpoint /units page 1: the response is not JSON"));
  EXPECT_TRUE(units->more);  // the other endpoints still come

  auto movements = plugin_host::pullSource(*source, units->cursor, 10s);
  ASSERT_TRUE(movements.ok()) << movements.error().message;
  ASSERT_EQ(movements->records.size(), 1U);
  EXPECT_EQ(*movements->records[0].field("movement_id"), "M-3");
  ASSERT_EQ(movements->rejected.size(), 2U);
  EXPECT_EQ(movements->rejected[0].origin, "GET /movements page 1 item 1");
  EXPECT_THAT(movements->rejected[0].reason, HasSubstr("a JSON string, not an object"));
  EXPECT_EQ(movements->rejected[1].origin, "GET /movements page 1 item 2 (id M-2)");
  EXPECT_EQ(movements->rejected[1].field, "effective_on");

  auto deaths = plugin_host::pullSource(*source, movements->cursor, 10s);
  ASSERT_TRUE(deaths.ok()) << deaths.error().message;
  ASSERT_EQ(deaths->rejected.size(), 1U);
  EXPECT_THAT(deaths->rejected[0].reason,
              HasSubstr("deaths endpoint /deaths page 1: the response has no \"data.items\""));
  EXPECT_FALSE(deaths->more);
}

// The establishment office's reduction tasks (控编减编) from its own API, renamed by the mapping
// like any other record type.
TEST_F(RestSourceTest, ReductionTasksComeThroughTheMapping) {
  auto mock = wireMock();
  ASSERT_TRUE(mock);
  ASSERT_TRUE(mock->addMapping({{"request", {{"method", "GET"}, {"urlPath", "/jbrw"}}},
                                {"response",
                                 {{"status", 200},
                                  {"jsonBody",
                                   {{"rows", nlohmann::json::array({{{"rwbh", "JB2025-01"},
                                                                     {"dwdm", "111507000101584181"},
                                                                     {"bzlx", "admin"},
                                                                     {"hjs", 2},
                                                                     {"xdrq", "2025-01-15"},
                                                                     {"wcqx", "2025-12-31"}}})}}}}}})
                  .ok());
  auto source = mustCreate(fmt::format(R"(base_url = "{}"
retries = 0
[endpoints.reductions]
path = "/jbrw"
records_path = "rows"
mapping = {{ fields = {{ task_id = "rwbh", unit_id = "dwdm", estab_type = "bzlx", posts_to_recover = "hjs", issued_on = "xdrq", due_on = "wcqx" }} }}
)",
                                       mock->url()));
  ASSERT_TRUE(source);
  auto batch = plugin_host::pullSource(*source, "", 10s);
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  ASSERT_EQ(batch->records.size(), 1U);
  EXPECT_TRUE(batch->rejected.empty());
  EXPECT_EQ(batch->records[0].type, plugin::RecordType::reduction);
  EXPECT_EQ(*batch->records[0].field("task_id"), "JB2025-01");
  EXPECT_EQ(*batch->records[0].field("posts_to_recover"), "2");
  EXPECT_EQ(*batch->records[0].field("due_on"), "2025-12-31");
}

TEST_F(RestSourceTest, RefusedCredentialsFailAtOnceWithoutShowingTheSecret) {
  auto mock = wireMock();
  ASSERT_TRUE(mock);
  ASSERT_TRUE(mock->addMapping({{"priority", 1},
                                {"request",
                                 {{"method", "GET"},
                                  {"urlPath", "/units"},
                                  {"headers", {{"Authorization", {{"equalTo", "Bearer right-token"}}}}}}},
                                {"response", {{"status", 200}, {"jsonBody", nlohmann::json::array({apiUnit(1, 1)})}}}})
                  .ok());
  ASSERT_TRUE(mock->addMapping({{"priority", 5},
                                {"request", {{"method", "GET"}, {"urlPath", "/units"}}},
                                {"response", {{"status", 401}}}})
                  .ok());
  const auto config = [&](const char* variable) {
    return fmt::format(R"(base_url = "{}"
retries = 3
retry_initial = "10ms"
auth = {{ type = "bearer", token = "${{{}}}" }}
[endpoints.units]
path = "/units"
{}
)",
                       mock->url(), variable, kUnitMapping);
  };
  ::setenv("REST_TEST_RIGHT_TOKEN", "right-token", 1);
  ::setenv("REST_TEST_WRONG_TOKEN", "wrong-token", 1);
  auto good = mustCreate(config("REST_TEST_RIGHT_TOKEN"));
  ASSERT_TRUE(good);
  auto ok = plugin_host::pullSource(*good, "", 10s);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ids(*ok), (std::vector<std::string>{unitCode(1)}));

  auto bad = mustCreate(config("REST_TEST_WRONG_TOKEN"));
  ASSERT_TRUE(bad);
  auto refused = plugin_host::pullSource(*bad, "", 10s);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message,
              HasSubstr("GET /units on " + mock->url() + ": the server refused the credentials (HTTP 401)"));
  EXPECT_THAT(refused.error().message + log_.str(), ::testing::Not(HasSubstr("wrong-token")));
  auto requests = mock->findRequests({{"method", "GET"}, {"url", "/units"}});
  ASSERT_TRUE(requests.ok());
  EXPECT_EQ(requests->size(), 2U);  // one each: a 401 is not retried
}

TEST_F(RestSourceTest, ServerErrorsAreRetriedWithBackoff) {
  auto mock = wireMock();
  ASSERT_TRUE(mock);
  const auto step = [&](const char* state, const char* next, const nlohmann::json& response) {
    nlohmann::json mapping = {{"scenarioName", "flaky"},
                              {"requiredScenarioState", state},
                              {"request", {{"method", "GET"}, {"urlPath", "/units"}}},
                              {"response", response}};
    if (next != nullptr) mapping["newScenarioState"] = next;
    ASSERT_TRUE(mock->addMapping(mapping).ok());
  };
  step("Started", "one-failure", {{"status", 503}});
  step("one-failure", "two-failures", {{"status", 500}, {"body", "database restarting"}});
  step("two-failures", nullptr, {{"status", 200}, {"jsonBody", nlohmann::json::array({apiUnit(3, 3)})}});
  auto source = mustCreate(fmt::format(R"(base_url = "{}"
retries = 2
retry_initial = "20ms"
[endpoints.units]
path = "/units"
{}
)",
                                       mock->url(), kUnitMapping));
  ASSERT_TRUE(source);
  auto batch = plugin_host::pullSource(*source, "", 10s);
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  EXPECT_EQ(ids(*batch), (std::vector<std::string>{unitCode(3)}));
  EXPECT_THAT(log_.str(), HasSubstr("GET /units: HTTP 500 (database restarting); try 3 of 3"));

  // With fewer attempts than failures the pull fails, naming the last answer.
  ASSERT_TRUE(mock->reset().ok());
  step("Started", "one-failure", {{"status", 503}});
  step("one-failure", "two-failures", {{"status", 502}});
  auto again =
      mustCreate(fmt::format("base_url = \"{}\"\nretries = 1\nretry_initial = \"10ms\"\n"
                             "[endpoints.units]\npath = \"/units\"\n",
                             mock->url()));
  ASSERT_TRUE(again);
  auto failed = plugin_host::pullSource(*again, "", 10s);
  ASSERT_FALSE(failed.ok());
  EXPECT_THAT(failed.error().message,
              HasSubstr("GET /units on " + mock->url() + ": failed after 2 attempts: HTTP 502"));
}

TEST_F(RestSourceTest, CursorTokensArePassedBackUntilTheServerGivesNone) {
  auto mock = wireMock();
  ASSERT_TRUE(mock);
  ASSERT_TRUE(mock->addMapping({{"request", {{"method", "GET"}, {"url", "/units?size=2"}}},
                                {"response",
                                 {{"status", 200},
                                  {"jsonBody", {{"items", {apiUnit(1, 1), apiUnit(2, 2)}}, {"next", "tok+/2"}}}}}})
                  .ok());
  ASSERT_TRUE(
      mock->addMapping({{"request", {{"method", "GET"}, {"url", "/units?size=2&after=tok%2B%2F2"}}},
                        {"response", {{"status", 200}, {"jsonBody", {{"items", {apiUnit(3, 3)}}, {"next", nullptr}}}}}})
          .ok());
  auto source = mustCreate(fmt::format(R"(base_url = "{}"
retries = 0
[endpoints.units]
path = "/units"
records_path = "items"
pagination = {{ style = "cursor", limit_param = "size", limit = 2, cursor_path = "next", cursor_param = "after" }}
{}
)",
                                       mock->url(), kUnitMapping));
  ASSERT_TRUE(source);
  auto first = plugin_host::pullSource(*source, "", 10s);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->records.size(), 2U);
  EXPECT_TRUE(first->more);
  auto second = plugin_host::pullSource(*source, first->cursor, 10s);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(ids(*second), (std::vector<std::string>{unitCode(3)}));
  EXPECT_FALSE(second->more);
}

}  // namespace
}  // namespace staffchain::rest
