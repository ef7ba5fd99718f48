// Propagation end to end with real peers: an hr source (json-server) records a retirement, the
// daemon forwards notices to a finance sink (a PostgreSQL exchange table) and an estab sink (a
// CSV outbound folder), the test plays the finance department, and the notice completes; when
// finance never acts, CHAIN-006 carries the notice's history; and a daemon killed between
// writing and sending leaves each target with the notice exactly once.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "peer.hpp"
#include "peer_json_server.hpp"
#include "peer_postgres.hpp"
#include "peer_promtool.hpp"
#include "process.hpp"
#include "scratch_dir.hpp"
#include "staffchain/model/calendar.hpp"

namespace staffchain::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

constexpr const char* kReadToken = "read-token-0123456789";
constexpr const char* kPerson = "11010519491231002X";
constexpr const char* kUnit = "91350100M000100Y43";
// The sink connects as a role of its own holding the sql plugin README's grants and nothing
// else (the table is in public: no USAGE grant needed).
constexpr const char* kWriterRole = "CREATE ROLE staffchain_writer LOGIN";
constexpr const char* kExchangeTable =
    "CREATE TABLE staff_notices (notice_id text PRIMARY KEY, action text NOT NULL, person_id text NOT NULL, "
    "unit_id text NOT NULL, movement_id text NOT NULL, pay_stop_from text, deadline date NOT NULL);\n"
    "GRANT INSERT ON staff_notices TO staffchain_writer;\n"
    "GRANT SELECT (notice_id) ON staff_notices TO staffchain_writer;\n";

// The daemon judges "as of" the local date. A retirement today has every deadline ahead; one
// two months back makes pay for last month pay after the exit month (grace 0): CHAIN-006.
model::Date today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return model::Date::fromYmd(local.tm_year + 1900, static_cast<unsigned>(local.tm_mon + 1),
                              static_cast<unsigned>(local.tm_mday));
}
model::Month thisMonth() {
  return model::Month::of(today());
}
model::Date longAgo() {
  return thisMonth().plus(-2).firstDay();
}

json movement(const std::string& id, const std::string& source, const std::string& kind, const std::string& effective) {
  return {{"id", id},          {"source", source},  {"kind", kind},       {"person_id", kPerson},
          {"name", "张三"},    {"unit_id", kUnit},  {"from_unit_id", ""}, {"effective_on", effective},
          {"recorded_on", ""}, {"approval_id", ""}, {"leader_level", ""}, {"leader_rank", ""}};
}

json sourceDb(model::Date retired_on, bool finance_keeps_paying) {
  json payroll = json::array();
  if (finance_keeps_paying) {
    payroll.push_back({{"id", "P-1"},
                       {"person_id", kPerson},
                       {"unit_id", kUnit},
                       {"month", model::formatMonth(model::Month::of(retired_on).plus(1))},
                       {"funding", "full"},
                       {"gross", "8500"}});
  }
  return {{"hr_movements", json::array({movement("HR-RET-1", "hr", "retire", model::formatDate(retired_on))})},
          {"finance_movements", json::array()},
          {"finance_payroll", payroll}};
}

std::string endpoint(const std::string& connector, const std::string& name, const std::string& path) {
  return fmt::format(R"(
[connectors.{0}.endpoints.{1}]
path = "{2}"
pagination = {{ style = "page", page_param = "_page", limit_param = "_limit", limit = 50, total_header = "X-Total-Count" }}
mapping = {{ fields = {{ {3} }} }}
)",
                     connector, name, path, name == "movements" ? "movement_id = \"id\"" : "person_id = \"person_id\"");
}

std::string config(const ScratchDir& dir, const std::string& sources_url, std::uint16_t pg_port,
                   std::uint16_t api_port) {
  // A secret file is the owner's alone.
  fs::permissions(dir.write("read.token", kReadToken), fs::perms::owner_read | fs::perms::owner_write);
  fs::create_directories(dir.path() / "outbound" / "estab");
  std::string text = fmt::format(R"([daemon]
state_dir = "state"
plugin_dir = "{}"
evaluate_interval = "1s"
shutdown_grace = "5s"

[api]
listen = "127.0.0.1:{}"
[[api.tokens]]
name = "viewer"
token = "@file:{}"
access = "read-write"

[rules]
payroll_grace_months = 0

[propagation]
max_age_days = 400
retry_initial = "1s"
retry_max = "2s"
check_interval = "1s"
failures_before_alert = 2

[sinks.finance_exchange]
plugin = "sql"
role = "finance"
driver = "postgresql"
host = "127.0.0.1"
port = {}
dbname = "postgres"
user = "staffchain_writer"
sslmode = "disable"
table = "staff_notices"
mapping = {{ fields = {{ notice_id = "notice_id", action = "action", person_id = "person_id", unit_id = "unit_id", movement_id = "movement_id", pay_stop_from = "pay_stop_from", deadline = "deadline" }} }}

[sinks.estab_outbound]
plugin = "csv"
role = "estab"
folder = "outbound/estab"

[connectors.hr]
plugin = "rest"
role = "hr"
interval = "1s"
max_staleness = "1h"
timeout = "10s"
base_url = "{}"

[connectors.finance]
plugin = "rest"
role = "finance"
interval = "1s"
max_staleness = "1h"
timeout = "10s"
base_url = "{}"
)",
                                 binary("plugins").string(), api_port, (dir.path() / "read.token").string(), pg_port,
                                 sources_url, sources_url);
  text += endpoint("hr", "movements", "/hr_movements");
  text += endpoint("finance", "movements", "/finance_movements");
  text += endpoint("finance", "payroll", "/finance_payroll");
  return text;
}

// Every peer and the daemon's files for one run.
struct Run {
  ScratchDir dir;
  std::unique_ptr<JsonServerPeer> sources;
  std::unique_ptr<PostgresPeer> finance;
  std::uint16_t api_port = 0;
  fs::path config_file;

  [[nodiscard]] std::string api() const { return fmt::format("http://127.0.0.1:{}", api_port); }
  [[nodiscard]] fs::path ledger() const { return dir.path() / "state" / "ledger.db"; }
  std::unique_ptr<ChildProcess> startDaemon(const std::string& log) const {
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{binary("staffchaind").string(), "--config", config_file.string()}, dir.path() / log);
  }
};

std::unique_ptr<Run> prepare(model::Date retired_on, bool finance_keeps_paying, bool with_table) {
  auto run = std::make_unique<Run>();
  auto sources = startOnFreePort([&](std::uint16_t) {
    return JsonServerPeer::start(
        {.fixture = {}, .db = sourceDb(retired_on, finance_keeps_paying).dump(), .delay = {}, .staticDir = {}});
  });
  EXPECT_TRUE(sources.ok()) << sources.error().message;
  if (!sources.ok()) return nullptr;
  run->sources = std::move(sources.value());
  auto finance = PostgresPeer::start();
  EXPECT_TRUE(finance.ok()) << finance.error().message;
  if (!finance.ok()) return nullptr;
  run->finance = std::move(finance.value());
  auto role = run->finance->sql(kWriterRole);
  EXPECT_TRUE(role.ok()) << role.error().message;
  if (with_table) {
    auto created = run->finance->sql(kExchangeTable);
    EXPECT_TRUE(created.ok()) << created.error().message;
  }
  auto port = freeLoopbackPort();
  EXPECT_TRUE(port.ok());
  if (!port.ok()) return nullptr;
  run->api_port = port.value();
  run->config_file =
      run->dir.write("staffchain.toml", config(run->dir, run->sources->url(), run->finance->port(), run->api_port));
  return run;
}

json getJson(const Run& run, const std::string& path) {
  auto answer = httpRequest("GET", run.api() + path, "", {std::string("Authorization: Bearer ") + kReadToken}, 5s);
  if (!answer.ok() || answer->status != 200) return nullptr;
  auto body = json::parse(answer->body, nullptr, false);
  return body.is_discarded() ? json(nullptr) : body;
}

// Polls `probe` until it holds or `limit` passes.
bool eventually(const std::function<bool()>& probe, std::chrono::seconds limit = 60s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (probe()) return true;
    std::this_thread::sleep_for(200ms);
  }
  return probe();
}

std::vector<std::string> exchangeRows(PostgresPeer& finance) {
  auto rows = finance.sql(
      "SELECT notice_id || '|' || action || '|' || person_id || '|' || coalesce(pay_stop_from, '') "
      "FROM staff_notices ORDER BY notice_id");
  std::vector<std::string> out;
  if (!rows.ok()) return out;
  std::istringstream lines(rows.value());
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

std::vector<fs::path> outboundFiles(const Run& run) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(run.dir.path() / "outbound" / "estab", ec)) {
    const auto name = entry.path().filename().string();
    if (entry.is_regular_file() && !name.empty() && name.front() != '.') files.push_back(entry.path());
  }
  return files;
}

json notices(const Run& run, const std::string& query) {
  const json answer = getJson(run, "/api/v1/notices" + query);
  return answer.is_object() ? answer.value("notices", json::array()) : json::array();
}

std::vector<std::string> historyEvents(const json& notice) {
  std::vector<std::string> out;
  for (const auto& event : notice.value("history", json::array())) out.push_back(event.value("event", ""));
  return out;
}

TEST(Propagation, ARetirementReachesFinanceAndEstabAndCompletesWhenFinanceStopsPay) {
  auto run = prepare(today(), false, true);
  ASSERT_TRUE(run);
  auto daemon = run->startDaemon("daemon.log");
  ASSERT_TRUE(eventually([&] { return exchangeRows(*run->finance).size() == 1 && outboundFiles(*run).size() == 1; }))
      << daemon->output();

  const auto rows = exchangeRows(*run->finance);
  EXPECT_THAT(rows[0], HasSubstr(fmt::format("|pay_stop|{}|{}", kPerson, model::formatMonth(thisMonth().plus(1)))));
  const std::string estab_file = readFile(outboundFiles(*run).front());
  EXPECT_THAT(estab_file, HasSubstr("roster_remove"));
  EXPECT_THAT(estab_file, HasSubstr(kPerson));
  EXPECT_THAT(estab_file, HasSubstr("HR-RET-1"));

  // The finance department reads its exchange table and records the stop in its own system.
  const std::string notice_id = rows[0].substr(0, rows[0].find('|'));
  auto stop = movement("FIN-STOP-1", "finance", "pay_stop", model::formatDate(thisMonth().plus(1).firstDay()));
  auto posted = httpRequest("POST", run->sources->url() + "/finance_movements", stop.dump(),
                            {"Content-Type: application/json"}, 5s);
  ASSERT_TRUE(posted.ok() && posted->status == 201) << (posted.ok() ? posted->body : posted.error().message);

  ASSERT_TRUE(eventually([&] { return notices(*run, "?state=completed&system=finance").size() == 1; }))
      << daemon->output();
  const json done = notices(*run, "?system=finance").at(0);
  EXPECT_EQ(done.value("id", ""), notice_id);
  EXPECT_EQ(done.value("action", ""), "pay_stop");
  EXPECT_THAT(historyEvents(done), ::testing::ElementsAre("written", "delivered", "completed"));
  EXPECT_THAT(done.at("history").at(2).value("detail", ""), HasSubstr("FIN-STOP-1"));
  // The estab notice waits for its own answer.
  const json estab = notices(*run, "?system=estab");
  ASSERT_EQ(estab.size(), 1U);
  EXPECT_EQ(estab.at(0).value("action", ""), "roster_remove");
  EXPECT_NE(estab.at(0).value("state", ""), "completed");

  // The CLI lists the same, by state and system.
  auto [code, out] =
      runToEnd({binary("staffchainctl").string(), "notices", "--state", "completed", "--system", "finance", "--api",
                run->api(), "--token-file", (run->dir.path() / "read.token").string()},
               run->dir.path() / "ctl.log");
  EXPECT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr(notice_id));
  EXPECT_THAT(out, HasSubstr("1 notices"));

  EXPECT_TRUE(getJson(*run, "/api/v1/notices?state=bogus").is_null());  // refused with 400
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(30s), 0) << daemon->output();
}

TEST(Propagation, WhenFinanceNeverActsChain006CarriesTheNoticeHistory) {
  auto run = prepare(longAgo(), true, true);
  ASSERT_TRUE(run);
  auto daemon = run->startDaemon("daemon.log");
  const auto notice_evidence = [&]() -> json {
    const json answer = getJson(*run, "/api/v1/findings?rule=CHAIN-006");
    if (!answer.is_object()) return nullptr;
    for (const auto& finding : answer.value("findings", json::array())) {
      for (const auto& item : finding.value("evidence", json::array())) {
        const auto fields = item.value("fields", json::object());
        if (item.value("record_type", "") == "notice" && !fields.value("delivered_at", "").empty() &&
            fields.value("state", "") == "overdue") {
          return item;
        }
      }
    }
    return nullptr;
  };
  ASSERT_TRUE(eventually([&] { return !notice_evidence().is_null(); })) << daemon->output();
  const json item = notice_evidence();
  EXPECT_EQ(item.value("source", ""), "finance_exchange");
  const json fields = item.at("fields");
  EXPECT_EQ(fields.value("action", ""), "pay_stop");
  EXPECT_EQ(fields.value("deadline", ""), model::formatDate(thisMonth().plus(-1).firstDay()));
  EXPECT_THAT(fields.value("history.1", ""), HasSubstr("written: pay_stop for finance via sink finance_exchange"));
  // Delivery and the deadline check run apart: either may come first.
  const std::string history = fields.value("history.2", "") + "\n" + fields.value("history.3", "");
  EXPECT_THAT(history, HasSubstr(" delivered: "));
  EXPECT_THAT(history, HasSubstr(" overdue: deadline " + fields.value("deadline", "") + " passed"));
  EXPECT_EQ(notices(*run, "?state=overdue&system=finance").size(), 1U);
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(30s), 0) << daemon->output();
}

// Rewinds a delivered notice to "not sent", as a crash after the target took it and before the
// outbox recorded it leaves it.
void forgetDelivery(const fs::path& ledger, const std::string& sink) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(ledger.c_str(), &db), SQLITE_OK);
  const std::string sql = "UPDATE notices SET delivered_at = NULL, state = 'pending' WHERE sink = '" + sink + "'";
  char* message = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK) << (message ? message : "");
  EXPECT_EQ(sqlite3_changes(db), 1);
  sqlite3_free(message);
  sqlite3_close(db);
}

TEST(Propagation, KilledBetweenWritingAndSendingEachTargetGetsTheNoticeExactlyOnce) {
  auto run = prepare(today(), false, false);  // finance's exchange table is not there yet: its deliveries fail
  ASSERT_TRUE(run);
  {
    auto daemon = run->startDaemon("daemon-1.log");
    ASSERT_TRUE(eventually([&] { return outboundFiles(*run).size() == 1; })) << daemon->output();
    ASSERT_TRUE(daemon->waitForOutput("sink finance_exchange: notice", 60s)) << daemon->output();
    // LINK-003 once the sink keeps failing, and the failures in the metrics.
    ASSERT_TRUE(eventually([&] {
      const json answer = getJson(*run, "/api/v1/findings?rule=LINK-003");
      return answer.is_object() && answer.value("count", 0) == 1;
    })) << daemon->output();
    auto metrics =
        httpRequest("GET", run->api() + "/metrics", "", {std::string("Authorization: Bearer ") + kReadToken}, 5s);
    ASSERT_TRUE(metrics.ok());
    EXPECT_THAT(metrics->body, HasSubstr("staffchain_sink_failures_total{sink=\"finance_exchange\"}"));
    EXPECT_THAT(metrics->body, HasSubstr("staffchain_notices{state=\"pending\"} 1"));
    auto lint = promtoolCheck(metrics->body);
    ASSERT_TRUE(lint.ok()) << lint.error().message;
    EXPECT_EQ(lint->exitCode, 0) << lint->output << metrics->body;
    daemon->signal(SIGKILL);
    daemon->wait(10s);
  }
  EXPECT_TRUE(exchangeRows(*run->finance).empty());
  forgetDelivery(run->ledger(), "estab_outbound");
  ASSERT_TRUE(run->finance->sql(kExchangeTable).ok());

  auto daemon = run->startDaemon("daemon-2.log");
  ASSERT_TRUE(eventually([&] {
    return notices(*run, "?system=finance&state=delivered").size() == 1 &&
           notices(*run, "?system=estab&state=delivered").size() == 1;
  })) << daemon->output();
  EXPECT_EQ(exchangeRows(*run->finance).size(), 1U);
  EXPECT_EQ(outboundFiles(*run).size(), 1U);
  const json estab = notices(*run, "?system=estab").at(0);
  EXPECT_THAT(historyEvents(estab), ::testing::ElementsAre("written", "delivered", "duplicate"));
  const json finance = notices(*run, "?system=finance").at(0);
  const auto events = historyEvents(finance);
  ASSERT_GE(events.size(), 3U);
  EXPECT_EQ(events.front(), "written");
  EXPECT_EQ(events[1], "failed");
  EXPECT_EQ(events.back(), "delivered");
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(30s), 0) << daemon->output();
}

}  // namespace
}  // namespace staffchain::testing
