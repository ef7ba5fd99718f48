// The admin API over the daemon's parts on a fake clock, requests dispatched without a socket:
// readiness follows the connectors; connector actions reach the connector scheduler (and refuse
// unknown names, actions and bodies); metrics carry every part's figures; a refused reload
// answers 422 with its errors; tokens are resolved at start, a read-only one cannot act, and a
// reload whose token cannot be resolved keeps the running ones; the quarterly report answers its
// workbook and refuses a malformed or future quarter with the reason.
#include "admin_api.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <thread>

#include "chain_test_support.hpp"
#include "fake_scheduler.hpp"
#include "in_process_plugin.hpp"
#include "scratch_dir.hpp"
#include "staffchain/ledger/sql_ledger.hpp"

namespace staffchain::daemon {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using staffchain::testing::FakeScheduler;
using staffchain::testing::ScratchDir;
using ::testing::HasSubstr;

constexpr const char* kWriteToken = "write-token-0123456789abcdef";
constexpr const char* kReadToken = "read-token-0123456789abcdef";

// A source that answers each pull with nothing new, or fails while `failing` is set.
class QuietSource final : public plugin::SourceConnector {
 public:
  explicit QuietSource(std::shared_ptr<std::atomic<bool>> failing) : failing_(std::move(failing)) {}
  Result<plugin::SourceBatch> pull(const plugin::PullRequest&) override {
    if (*failing_) return makeError("connection refused");
    plugin::SourceBatch batch;
    batch.cursor = "c1";
    return batch;
  }

 private:
  std::shared_ptr<std::atomic<bool>> failing_;
};

class AdminApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.daemon.timezone = model::TimeZone::utc();
    config_.daemon.state_dir = dir_.path();  // the quarterly workbook is written through it
    config::ConnectorSettings estab;
    estab.name = "estab";
    estab.plugin = "quiet";
    estab.interval = 5min;
    estab.timeout = 10s;
    config_.connectors[estab.name] = estab;
    config_.api.enabled = true;
    config_.api.listen = "127.0.0.1:0";
    config_.api.tokens = {{"ops", secretFile("ops", kWriteToken), true},
                          {"viewer", secretFile("viewer", kReadToken), false}};
    ledger_ = ledger::SqlLedger::open(dir_.path() / "ledger.db").value();

    propagator_ = std::make_unique<NoticePropagator>(
        scheduler_, [](const config::SinkSettings&) { return makeError("no sinks here"); }, false);
    ASSERT_TRUE(propagator_->open(dir_.path() / "ledger.db"));
    Evaluator::Hooks evaluation;
    evaluation.not_settled = [this] { return connectors_->notSettled(); };
    evaluation.open_findings = [](std::vector<const chain::Finding*> findings, WallTime) {
      return OpenFindings(std::move(findings));
    };
    evaluation.evaluated = [](model::Date, const OpenFindings&, std::size_t, std::size_t, double) {};
    evaluator_ = std::make_unique<Evaluator>(scheduler_, std::move(evaluation));
    evaluator_->configure(config_);
    dispatcher_ = std::make_unique<AlertDispatcher>(
        scheduler_, [](const config::NotifierSettings&) { return makeError("no notifiers here"); }, false);
    dispatcher_->configure(config_);
    ASSERT_TRUE(dispatcher_->open(dir_.path() / "ledger.db"));
    propagator_->configure(config_);
    connectors_ = std::make_unique<ConnectorScheduler>(
        scheduler_, *ledger_,
        [this](const config::ConnectorSettings& settings) -> Result<std::unique_ptr<plugin_host::SourceInstance>> {
          return testing::inProcessPlugin<plugin::SourceConnector>(settings.name, dir_.path(),
                                                                   std::make_unique<QuietSource>(failing_));
        },
        ConnectorScheduler::Hooks{}, false);
    evaluator_->load(ledger_->loadDataset().value());
    cases_ = std::make_unique<CaseDesk>(*evaluator_);
    cases_->configure(config_);
    ASSERT_TRUE(cases_->open(dir_.path() / "ledger.db"));
    connectors_->configure(config_);
    reports_ = std::make_unique<QuarterlyReports>(scheduler_, *evaluator_, *dispatcher_, *cases_);
    reports_->configure(config_);
    api_ = std::make_unique<AdminApi>(io_, AdminApi::Parts{scheduler_, *ledger_, *connectors_, *evaluator_,
                                                           *propagator_, *dispatcher_, *cases_, *reports_,
                                                           [this](std::vector<std::string>* refused_for) {
                                                             ++reloads_;
                                                             if (reload_errors_.empty()) return true;
                                                             *refused_for = reload_errors_;
                                                             return false;
                                                           },
                                                           nullptr});
    api_->configure(config_);
  }

  void TearDown() override {
    api_->stop();
    connectors_->stop();
    dispatcher_->stop();
    propagator_->stop();
    connectors_->waitForSources(std::chrono::steady_clock::now() + 5s);
    scheduler_.runPosted();
    connectors_->close();
    dispatcher_->close();
    propagator_->close();
  }

  std::string secretFile(const std::string& name, const std::string& secret) {
    const auto path = dir_.path() / (name + ".token");
    std::ofstream(path) << secret;
    std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace);
    return "@file:" + path.string();
  }

  api::ApiResponse call(const std::string& method, const std::string& target, std::string body = {},
                        const char* token = kWriteToken) {
    return api_->server().dispatch(method, target, std::string("Bearer ") + token, std::move(body));
  }

  // Lets the first pull run and come back.
  void syncOnce() {
    scheduler_.advance(0ms);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!connectors_->health().connectors().at("estab").last_attempt || scheduler_.posted() > 0) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline);
      std::this_thread::sleep_for(1ms);
      scheduler_.runPosted();
    }
  }

  json connector() { return json::parse(call("GET", "/api/v1/connectors").body)["connectors"][0]; }

  ScratchDir dir_;
  config::Config config_;
  FakeScheduler scheduler_;
  boost::asio::io_context io_;
  std::unique_ptr<ledger::SqlLedger> ledger_;
  std::shared_ptr<std::atomic<bool>> failing_ = std::make_shared<std::atomic<bool>>(false);
  std::unique_ptr<NoticePropagator> propagator_;
  std::unique_ptr<Evaluator> evaluator_;
  std::unique_ptr<AlertDispatcher> dispatcher_;
  std::unique_ptr<CaseDesk> cases_;
  std::unique_ptr<QuarterlyReports> reports_;
  std::unique_ptr<ConnectorScheduler> connectors_;
  std::unique_ptr<AdminApi> api_;
  std::vector<std::string> reload_errors_;
  int reloads_ = 0;
};

TEST_F(AdminApiTest, ReadinessFollowsTheConnectors) {
  ASSERT_TRUE(api_->start());
  auto ready = call("GET", "/readyz", {}, "");
  EXPECT_EQ(ready.status, 503U);
  EXPECT_EQ(json::parse(ready.body)["waiting_for"], json::array({"estab"}));
  syncOnce();
  ready = call("GET", "/readyz", {}, "");
  EXPECT_EQ(ready.status, 200U);
  EXPECT_EQ(json::parse(ready.body)["ready"], true);
}

TEST_F(AdminApiTest, ConnectorActionsReachTheConnectorScheduler) {
  ASSERT_TRUE(api_->start());
  syncOnce();
  EXPECT_EQ(ledger_->cursor("estab").value(), "c1");
  EXPECT_EQ(call("POST", "/api/v1/connectors/estab/pause").status, 200U);
  EXPECT_EQ(connector()["state"], "paused");
  EXPECT_EQ(call("POST", "/api/v1/connectors/estab/resume").status, 200U);
  EXPECT_EQ(connector()["state"], "idle");
  EXPECT_EQ(call("POST", "/api/v1/connectors/estab/reset-cursor").status, 200U);
  EXPECT_EQ(ledger_->cursor("estab").value(), std::nullopt);
  const auto resync = call("POST", "/api/v1/connectors/estab/resync");
  EXPECT_EQ(resync.status, 202U);
  EXPECT_EQ(json::parse(resync.body)["attempts"], 1);

  const auto unknown = call("POST", "/api/v1/connectors/nobody/pause");
  EXPECT_EQ(unknown.status, 404U);
  EXPECT_THAT(unknown.body, HasSubstr("no running connector named \\\"nobody\\\""));
  const auto action = call("POST", "/api/v1/connectors/estab/explode");
  EXPECT_EQ(action.status, 404U);
  EXPECT_THAT(action.body, HasSubstr("pause, resume, resync, reset-cursor, accept, reingest"));
  const auto no_file = call("POST", "/api/v1/connectors/estab/accept", "{}");
  EXPECT_EQ(no_file.status, 400U);
  EXPECT_THAT(no_file.body, HasSubstr("accept needs a JSON body"));
  // The plugin does not know the action: its answer is the caller's 422.
  const auto refused = call("POST", "/api/v1/connectors/estab/accept", R"({"file":"roster.csv"})");
  EXPECT_EQ(refused.status, 422U);
}

TEST_F(AdminApiTest, AReadOnlyTokenReadsButCannotAct) {
  ASSERT_TRUE(api_->start());
  EXPECT_EQ(call("GET", "/api/v1/connectors", {}, kReadToken).status, 200U);
  EXPECT_EQ(call("POST", "/api/v1/connectors/estab/pause", {}, kReadToken).status, 403U);
  EXPECT_EQ(call("GET", "/api/v1/connectors", {}, "not-a-token-at-all-000").status, 401U);
  EXPECT_EQ(connector()["state"], "idle");
}

// The fake clock starts on 2024-10-04: 2024Q3 is over, 2024Q4 runs, 2025Q1 has not begun.
TEST_F(AdminApiTest, TheQuarterlyReportIsAWorkbookFileAndABadQuarterIsRefusedWithTheReason) {
  ASSERT_TRUE(api_->start());
  const auto workbook = call("GET", "/api/v1/reports/quarterly?quarter=2024Q3", {}, kReadToken);
  ASSERT_EQ(workbook.status, 200U) << workbook.body;
  EXPECT_EQ(workbook.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(workbook.attachment_name, "2024年第三季度机构编制季度监控报表.xlsx");
  EXPECT_EQ(workbook.body.substr(0, 4), std::string("PK\x03\x04", 4));  // a zip archive, as .xlsx files are
  const auto running = call("GET", "/api/v1/reports/quarterly?quarter=2024q4&region=150702", {}, kReadToken);
  EXPECT_EQ(running.status, 200U) << running.body;
  EXPECT_EQ(running.attachment_name, "2024年第四季度机构编制季度监控报表（海拉尔区）.xlsx");

  const auto bad = call("GET", "/api/v1/reports/quarterly?quarter=2024Q5", {}, kReadToken);
  EXPECT_EQ(bad.status, 400U);
  EXPECT_THAT(bad.body, HasSubstr(R"(quarter \"2024Q5\" is not a quarter)"));
  EXPECT_THAT(bad.body, HasSubstr("as in 2026Q4"));
  const auto missing = call("GET", "/api/v1/reports/quarterly", {}, kReadToken);
  EXPECT_EQ(missing.status, 400U);
  EXPECT_THAT(missing.body, HasSubstr("quarter is required"));
  const auto region = call("GET", "/api/v1/reports/quarterly?quarter=2024Q3&region=1507", {}, kReadToken);
  EXPECT_EQ(region.status, 400U);
  EXPECT_THAT(region.body, HasSubstr(R"(region \"1507\" is not a region code)"));
  const auto future = call("GET", "/api/v1/reports/quarterly?quarter=2025Q1", {}, kReadToken);
  EXPECT_EQ(future.status, 400U);
  EXPECT_THAT(future.body, HasSubstr("quarter 2025Q1 has not begun: today is 2024-10-04 in UTC"));
  EXPECT_EQ(call("GET", "/api/v1/reports/quarterly?quarter=2024Q3", {}, "not-a-token-at-all-000").status, 401U);
}

TEST_F(AdminApiTest, MetricsCarryTheConnectorsAndTheirLinkFindings) {
  failing_->store(true);
  ASSERT_TRUE(api_->start());
  syncOnce();
  const auto metrics = call("GET", "/metrics");
  ASSERT_EQ(metrics.status, 200U);
  EXPECT_THAT(metrics.body, HasSubstr(R"(staffchain_connector_sync_failures_total{connector="estab",role="estab"} 1)"));
  EXPECT_THAT(metrics.body, HasSubstr(R"(staffchain_connector_up{connector="estab",role="estab"} 0)"));
  EXPECT_THAT(metrics.body, HasSubstr(R"(staffchain_findings_open{rule="LINK-001",severity="major"} 1)"));
  const auto findings = json::parse(call("GET", "/api/v1/findings").body);
  ASSERT_EQ(findings["count"], 1);
  EXPECT_EQ(findings["findings"][0]["rule"], "LINK-001");
}

TEST_F(AdminApiTest, FindingsArePagedAndFilteredOnTheServer) {
  failing_->store(true);
  ASSERT_TRUE(api_->start());
  syncOnce();
  const auto all = json::parse(call("GET", "/api/v1/findings").body);
  ASSERT_EQ(all["total"], 1);
  const std::string fingerprint = all["findings"][0]["fingerprint"];
  const auto page = json::parse(call("GET", "/api/v1/findings?limit=1&offset=1").body);
  EXPECT_EQ(page["total"], 1);
  EXPECT_EQ(page["count"], 0);
  EXPECT_EQ(page["offset"], 1);
  const auto one = json::parse(call("GET", "/api/v1/findings?fingerprint=" + fingerprint + "&limit=5").body);
  EXPECT_EQ(one["count"], 1);
  EXPECT_EQ(json::parse(call("GET", "/api/v1/findings?fingerprint=0000000000000000").body)["total"], 0);
  const auto refused = call("GET", "/api/v1/findings?limit=0");
  EXPECT_EQ(refused.status, 400U);
  EXPECT_THAT(refused.body, HasSubstr("limit \\\"0\\\" must be a whole number from 1"));
  EXPECT_EQ(call("GET", "/api/v1/findings?offset=-1").status, 400U);

  // Each finding carries its alert's state, and the list filters on it.
  EXPECT_EQ(one["findings"][0]["state"], "");  // not yet passed to the dispatcher
  dispatcher_->observe(
      connectors_->linkFindings(scheduler_.wallNow()), [](const std::string&) { return ""; }, {}, scheduler_.wallNow());
  EXPECT_EQ(json::parse(call("GET", "/api/v1/findings").body)["findings"][0]["state"], "firing");
  EXPECT_EQ(json::parse(call("GET", "/api/v1/findings?state=acknowledged").body)["total"], 0);
  ASSERT_EQ(call("POST", "/api/v1/alerts/" + fingerprint + "/ack", R"({"by":"王科员","comment":"已联系"})").status,
            200U);
  EXPECT_EQ(json::parse(call("GET", "/api/v1/findings?state=acknowledged").body)["total"], 1);
  EXPECT_EQ(call("GET", "/api/v1/findings?state=resolved").status, 400U);
  EXPECT_EQ(json::parse(call("GET", "/api/v1/alerts?severity=major").body)["total"], 1);
  EXPECT_EQ(json::parse(call("GET", "/api/v1/alerts?severity=critical").body)["total"], 0);
  EXPECT_EQ(call("GET", "/api/v1/alerts?severity=high").status, 400U);
}

TEST_F(AdminApiTest, TheOverviewCountsOpenFindingsAndTheWeeksAlertsOpenedAndResolvedIn) {
  failing_->store(true);
  ASSERT_TRUE(api_->start());
  syncOnce();  // LINK-001: the source cannot be reached
  auto finding = [](const std::string& fingerprint) {
    chain::Finding out;
    out.rule = "CHAIN-003";
    out.severity = chain::Severity::critical;
    out.since = model::Date::fromYmd(2026, 1, 5);
    out.summary_zh = "录用后未入实名库";
    out.fingerprint = fingerprint;
    return out;
  };
  auto region_of = [](const std::string&) { return std::string("150702"); };
  dispatcher_->observe({finding("00000000000000a1"), finding("00000000000000a2")}, region_of, {}, scheduler_.wallNow());
  scheduler_.advance(std::chrono::hours(24 * 7));
  dispatcher_->observe({finding("00000000000000a2")}, region_of, {}, scheduler_.wallNow());

  // The alerts list is paged too: two alerts, one resolved.
  const auto alerts = json::parse(call("GET", "/api/v1/alerts?limit=1&offset=1").body);
  EXPECT_EQ(alerts["total"], 2);
  EXPECT_EQ(alerts["count"], 1);
  EXPECT_EQ(json::parse(call("GET", "/api/v1/alerts?resolved=false").body)["total"], 1);

  const auto answer = call("GET", "/api/v1/overview", {}, kReadToken);
  ASSERT_EQ(answer.status, 200U) << answer.body;
  const auto overview = json::parse(answer.body);
  EXPECT_EQ(overview["as_of"], model::formatDate(evaluator_->today()));
  // Open now: what /api/v1/findings lists (the links' findings here; the engine holds no records).
  const auto listed = json::parse(call("GET", "/api/v1/findings").body);
  EXPECT_EQ(overview["findings"]["open"], listed["total"]);
  std::size_t by_rule = 0;
  bool link_down = false;
  for (const auto& rule : overview["findings"]["by_rule"]) {
    by_rule += rule["open"].get<std::size_t>();
    if (rule["rule"] == "LINK-001") {
      link_down = true;
      EXPECT_EQ(rule["severity"], "major");
      EXPECT_FALSE(rule["title"].get<std::string>().empty());
    }
  }
  EXPECT_TRUE(link_down) << overview.dump();
  EXPECT_EQ(by_rule, listed["total"].get<std::size_t>());
  EXPECT_EQ(overview["findings"]["by_severity"]["critical"], 0);
  // The trend: twelve weeks, the last this one; two opened a week ago, one resolved this week.
  const auto& weekly = overview["findings"]["weekly"];
  ASSERT_EQ(weekly.size(), 12U);
  EXPECT_THAT(weekly[11]["week"].get<std::string>(), ::testing::MatchesRegex("[0-9]{4}-W[0-9]{2}"));
  EXPECT_EQ(weekly[10]["opened"], 2);
  EXPECT_EQ(weekly[10]["resolved"], 0);
  EXPECT_EQ(weekly[11]["opened"], 0);
  EXPECT_EQ(weekly[11]["resolved"], 1);
  EXPECT_EQ(model::parseDate(weekly[11]["start"].get<std::string>())->plusDays(-7),
            model::parseDate(weekly[10]["start"].get<std::string>()));
  ASSERT_EQ(overview["links"].size(), 1U);
  EXPECT_EQ(overview["links"][0]["connector"], "estab");
  EXPECT_EQ(overview["links"][0]["state"], "failing");
  EXPECT_TRUE(overview["links"][0]["last_success"].is_null());
  EXPECT_EQ(overview["backlog"]["notices"], 0);
}

TEST_F(AdminApiTest, AnUploadedFolderIsAuditedForAReadTokenAndAnUnreadableOneIsRefusedWithTheReason) {
  ASSERT_TRUE(api_->start());
  EXPECT_EQ(api_->server().maxBody("POST", "/api/v1/audit"), 256U * 1024U * 1024U);
  const std::string boundary = "b0undary";
  const std::string form = "--" + boundary +
                           "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"units.csv\"\r\n\r\n"
                           "unit_id,name,region,parent_id,kind,funding\r\n--" +
                           boundary + "--\r\n";
  auto audited = api_->server().dispatch(api::IncomingRequest{"POST", "/api/v1/audit?as_of=2026-06-30",
                                                              std::string("Bearer ") + kReadToken, "", "", "", form,
                                                              "multipart/form-data; boundary=" + boundary});
  ASSERT_EQ(audited.status, 200U) << audited.body;
  const auto answer = json::parse(audited.body);
  EXPECT_EQ(answer["as_of"], "2026-06-30");
  EXPECT_EQ(answer["files"], json::array({"units.csv"}));
  EXPECT_EQ(answer["count"], 0);
  auto refused = api_->server().dispatch(api::IncomingRequest{
      "POST", "/api/v1/audit", std::string("Bearer ") + kReadToken, "", "", "", "unit_id,name", "text/csv"});
  EXPECT_EQ(refused.status, 400U);
  EXPECT_THAT(refused.body, HasSubstr("cannot be audited"));
  EXPECT_EQ(call("POST", "/api/v1/audit?as_of=30.06.2026", "x").status, 400U);
}

TEST_F(AdminApiTest, AUnitIsFoundAndItsPageHoldsItsPostsRosterAndMovementsWithIdsMaskedForAReadToken) {
  namespace t = chain::testing;
  model::Dataset data;
  data.units = {t::unit(1, "海拉尔区人民政府办公室", model::UnitKind::organ),
                t::unit(2, "海拉尔区第一中学", model::UnitKind::public_welfare_1)};
  const auto today = evaluator_->today();
  data.quotas = {t::quota(t::unitId(2), model::EstabType::institution, 4, today.plusDays(-400))};
  data.roster = {t::roster(t::person(7), t::unitId(2), model::EstabType::institution, today.plusDays(-300))};
  data.movements = {t::move("M7", model::MovementKind::hire, t::person(7), t::unitId(2), today.plusDays(-310))};
  evaluator_->load(data);
  ASSERT_TRUE(api_->start());
  syncOnce();  // the source's first sync: the world is whole, and evaluated
  evaluator_->evaluate();

  const auto found =
      json::parse(call("GET", "/api/v1/units?q=" + std::string("%E7%AC%AC%E4%B8%80"), {}, kReadToken).body);
  EXPECT_EQ(found["total"], 1);  // "第一"
  EXPECT_EQ(found["units"][0]["unit_id"], t::unitId(2).str());
  EXPECT_EQ(found["units"][0]["region_name"], "海拉尔区");
  EXPECT_EQ(json::parse(call("GET", "/api/v1/units").body)["total"], 2);

  const auto page = call("GET", "/api/v1/units/" + t::unitId(2).str(), {}, kReadToken);
  ASSERT_EQ(page.status, 200U) << page.body;
  const auto unit = json::parse(page.body);
  EXPECT_EQ(unit["unit"]["name"], "海拉尔区第一中学");
  ASSERT_EQ(unit["establishment"].size(), 1U);
  EXPECT_EQ(unit["establishment"][0]["type"], "institution");
  EXPECT_EQ(unit["establishment"][0]["approved"], 4);
  EXPECT_EQ(unit["establishment"][0]["occupied"], 1);
  EXPECT_EQ(unit["roster"]["total"], 1);
  EXPECT_EQ(unit["roster"]["persons"][0]["person_id"], model::maskCitizenId(t::person(7).str()));
  EXPECT_EQ(unit["movements"]["items"][0]["movement_id"], "M7");
  const auto full = json::parse(call("GET", "/api/v1/units/" + t::unitId(2).str()).body);
  EXPECT_EQ(full["roster"]["persons"][0]["person_id"], t::person(7).str());

  EXPECT_EQ(call("GET", "/api/v1/units/not-a-code").status, 400U);
  EXPECT_EQ(call("GET", "/api/v1/units/" + t::unitId(9).str()).status, 404U);
  EXPECT_EQ(call("GET", "/api/v1/units?limit=501").status, 400U);
}

TEST_F(AdminApiTest, ARefusedReloadAnswers422WithItsErrors) {
  ASSERT_TRUE(api_->start());
  EXPECT_EQ(call("POST", "/api/v1/reload").status, 200U);
  reload_errors_ = {"staffchain.toml:3: connectors.estab.interval: not a duration"};
  const auto refused = call("POST", "/api/v1/reload");
  EXPECT_EQ(refused.status, 422U);
  const auto body = json::parse(refused.body);
  EXPECT_EQ(body["error"]["errors"], json(reload_errors_));
  EXPECT_THAT(body["error"]["message"].get<std::string>(), HasSubstr("1 error(s); the running one stays"));
  EXPECT_EQ(reloads_, 2);
}

TEST_F(AdminApiTest, TokensAreResolvedAtStartAndAReloadThatCannotResolveOneKeepsThem) {
  config::Config short_token = config_;
  short_token.api.tokens = {{"ops", secretFile("short", "tiny"), true}};
  std::vector<std::string> errors;
  EXPECT_TRUE(AdminApi::resolveTokens(short_token, errors).empty());
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_THAT(errors[0], HasSubstr("shorter than 16 characters"));

  ASSERT_TRUE(api_->start());
  config::Config unresolvable = config_;
  unresolvable.api.tokens = {{"ops", "@file:" + (dir_.path() / "missing.token").string(), true}};
  api_->configure(unresolvable);
  EXPECT_EQ(call("GET", "/api/v1/connectors").status, 200U);  // the running tokens stay
  api_->configure(config_);
}

TEST_F(AdminApiTest, AnApiWithATokenThatCannotBeResolvedDoesNotStart) {
  config_.api.tokens = {{"ops", "@file:" + (dir_.path() / "missing.token").string(), true}};
  api_->configure(config_);
  EXPECT_FALSE(api_->start());
}

}  // namespace
}  // namespace staffchain::daemon
