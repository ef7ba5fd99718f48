// The management loop through the real daemon (DOMAIN.md §7): a pre-check answered over the API
// and by `staffchainctl precheck` (allowed, refused with every reason, what would make it pass),
// logged and counted; the vacancy pool over the API, by `staffchainctl vacancies` and by
// `staffchainctl audit --vacancies` on the same folder, all three alike; the reduction tasks the
// same way, an overdue one an open CHAIN-018; a read-only token sees citizen ids masked; the
// quarterly workbook from the API and `staffchainctl report quarterly`, read back with openpyxl
// and compared with the same quarter from the API's vacancies and alerts, and sent once by e-mail
// to a real SMTP receiver with the workbook attached.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>

#include "alert_log.hpp"
#include "peer.hpp"
#include "peer_smtp.hpp"
#include "process.hpp"
#include "scratch_dir.hpp"
#include "staffchain/model/identifiers.hpp"
#include "staffchain/model/time_zone.hpp"

namespace staffchain::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

constexpr const char* kWriteToken = "management-loop-token-0123456789";
constexpr const char* kReadToken = "management-loop-viewer-0123456789";

std::string unitCode(int n) {
  const std::string first17 = fmt::format("11150702MB{:07}", n);
  return first17 + model::creditCodeCheckChar(first17);
}

std::string citizen(int n) {
  const std::string first17 = fmt::format("15070219850501{:03}", n);
  return first17 + model::citizenIdCheckChar(first17);
}

struct LoopDaemon {
  ScratchDir dir;
  std::uint16_t port = freeLoopbackPort().value();
  fs::path write_token = secret("ops.token", kWriteToken);
  fs::path read_token = secret("viewer.token", kReadToken);
  std::string extra_config;  // tables appended to the configuration

  fs::path secret(const std::string& name, const std::string& value) const {
    const auto file = dir.write(name, value);
    fs::permissions(file, fs::perms(0600));
    return file;
  }

  // The finance bureau: 3 admin posts, 2 on the roster, 1 approval of 1 slot open, a county
  // deputy post held; the audit bureau beside it with 4 admin posts vacant.
  void writeWorld(const std::string& folder) const {
    const std::string finance = unitCode(1);
    const std::string audit = unitCode(2);
    dir.write(folder + "/units.csv", fmt::format("unit_id,name,region,parent_id,kind,funding\n"
                                                 "{},海拉尔区财政局,150702,,organ,full\n"
                                                 "{},海拉尔区审计局,150702,,organ,full\n",
                                                 finance, audit));
    dir.write(folder + "/quotas.csv", fmt::format("unit_id,estab_type,approved,effective_from,doc_no\n"
                                                  "{},admin,3,2020-01-01,呼编发〔2020〕1号\n"
                                                  "{},admin,4,2020-01-01,呼编发〔2020〕2号\n",
                                                  finance, audit));
    dir.write(folder + "/leader_quotas.csv", fmt::format("unit_id,level,rank,approved\n{},county,deputy,1\n", finance));
    dir.write(folder + "/approvals.csv",
              fmt::format("approval_id,unit_id,estab_type,slots,issued_on,valid_until,purpose\n"
                          "HB-2026-001,{},admin,1,2026-03-01,2099-12-31,公开招录\n",
                          finance));
    // The audit bureau was set one post to recover by 2026-06-30 and recovered none; the finance
    // bureau's task is due at the end of the century.
    dir.write(folder + "/reductions.csv",
              fmt::format("task_id,unit_id,estab_type,posts_to_recover,issued_on,due_on,doc_no\n"
                          "JB-2026-01,{},admin,1,2026-01-05,2026-06-30,呼编发〔2026〕3号\n"
                          "JB-2026-02,{},admin,1,2026-01-05,2099-12-31,呼编发〔2026〕4号\n",
                          audit, finance));
    dir.write(folder + "/roster.csv",
              fmt::format("person_id,name,unit_id,estab_type,entered_on,approval_id,leader_level,leader_rank\n"
                          "{},张一,{},admin,2021-01-01,,county,deputy\n"
                          "{},张二,{},admin,2021-01-01,,,\n",
                          citizen(1), finance, citizen(3), finance));
  }

  [[nodiscard]] std::string config() const {
    return fmt::format(
        "[daemon]\nstate_dir = \"state\"\nplugin_dir = \"{}\"\nevaluate_interval = \"1h\"\nshutdown_grace = \"5s\"\n\n"
        "[api]\nlisten = \"127.0.0.1:{}\"\n"
        "[[api.tokens]]\nname = \"ops\"\ntoken = \"@file:{}\"\naccess = \"read-write\"\n"
        "[[api.tokens]]\nname = \"viewer\"\ntoken = \"@file:{}\"\n\n"
        "[connectors.estab]\nplugin = \"csv\"\nrole = \"estab\"\nfolder = \"inbox/estab\"\ninterval = \"1h\"\n"
        "settle = \"0s\"\n\n"
        "[notifiers.ops]\nplugin = \"file\"\npath = \"alerts/ops.jsonl\"\n\n[route]\nreceivers = [\"ops\"]\n\n{}",
        binary("plugins").string(), port, write_token.string(), read_token.string(), extra_config);
  }

  [[nodiscard]] Result<HttpResponse> request(const std::string& method, const std::string& path,
                                             const std::string& body = {}, const char* token = kWriteToken) const {
    return httpRequest(method, fmt::format("http://127.0.0.1:{}{}", port, path), body,
                       {std::string("Authorization: Bearer ") + token, "Content-Type: application/json"}, 5s);
  }

  [[nodiscard]] json precheck(const json& body, const char* token = kWriteToken) const {
    auto answer = request("POST", "/api/v1/precheck", body.dump(), token);
    if (!answer.ok()) return json{{"transport_error", answer.error().message}};
    return json{{"status", answer->status}, {"body", json::parse(answer->body, nullptr, false)}};
  }

  [[nodiscard]] std::pair<int, std::string> ctl(std::vector<std::string> args) const {
    std::vector<std::string> argv{binary("staffchainctl").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--api", fmt::format("http://127.0.0.1:{}", port), "--token-file", write_token.string()});
    return runToEnd(argv, dir.path() / "ctl.log");
  }
};

class ManagementLoop : public ::testing::Test {
 protected:
  void SetUp() override { startDaemon(); }

  void startDaemon(const std::string& log = "daemon.log") {
    setup_.writeWorld("inbox/estab");
    setup_.writeWorld("world");  // the same for the audit: the connector archives what it read
    const auto file = setup_.dir.write("staffchain.toml", setup_.config());
    daemon_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{binary("staffchaind").string(), "--config", file.string()}, setup_.dir.path() / log);
    ASSERT_TRUE(daemon_->waitForOutput("api listening", 30s)) << daemon_->output();
    // Ready once the connector's first sync is in: the pre-check reads what the ledger holds.
    ASSERT_TRUE(waitFor(
        [&] {
          auto ready = setup_.request("GET", "/readyz");
          return ready.ok() && ready->status == 200;
        },
        30s))
        << daemon_->output();
    ASSERT_TRUE(daemon_->waitForOutput("evaluation as of", 30s)) << daemon_->output();
  }

  void TearDown() override { stopDaemon(); }

  void stopDaemon() {
    if (!daemon_) return;
    daemon_->signal(SIGTERM);
    EXPECT_EQ(daemon_->wait(30s), 0);
    daemon_.reset();
  }

  LoopDaemon setup_;
  std::unique_ptr<ChildProcess> daemon_;
};

TEST_F(ManagementLoop, APrecheckIsAnsweredWithEveryReasonLoggedAndCounted) {
  const json allowed =
      setup_.precheck({{"kind", "hire"}, {"unit", unitCode(1)}, {"approval", "HB-2026-001"}, {"on", "2026-07-01"}});
  ASSERT_EQ(allowed["status"], 200) << allowed.dump();
  EXPECT_EQ(allowed["body"]["allowed"], true) << allowed.dump();
  EXPECT_EQ(allowed["body"]["unit_name"], "海拉尔区财政局");
  EXPECT_EQ(allowed["body"]["posts"]["vacant"], 0);  // the one vacancy is this approval's

  // Two people with an approval of one slot and one vacancy: both reasons, and where to look.
  const json refused = setup_.precheck(
      {{"kind", "hire"}, {"unit", unitCode(1)}, {"approval", "HB-2026-001"}, {"count", 2}, {"on", "2026-07-01"}});
  ASSERT_EQ(refused["status"], 200) << refused.dump();
  const json& answer = refused["body"];
  EXPECT_EQ(answer["allowed"], false);
  ASSERT_EQ(answer["reasons"].size(), 2U) << answer.dump(2);
  EXPECT_EQ(answer["reasons"][0]["rule"], "CHAIN-001");
  EXPECT_EQ(answer["reasons"][1]["rule"], "CHAIN-002");
  EXPECT_THAT(answer["reasons"][1]["message"].get<std::string>(), HasSubstr("无空编"));
  ASSERT_FALSE(answer["suggestions"].empty());
  EXPECT_EQ(answer["suggestions"].back()["unit_id"], unitCode(2));
  EXPECT_EQ(answer["suggestions"].back()["available"], 4);

  // A bad request is named, field and reason.
  const json bad = setup_.precheck({{"kind", "hire"}, {"unit", "91350100M000100Y4X"}});
  EXPECT_EQ(bad["status"], 400);
  EXPECT_THAT(bad["body"].dump(), HasSubstr("unit:"));

  // The leadership post is held: its holder is named, masked for a read-only token.
  const json leader = setup_.precheck({{"kind", "appoint_leader"},
                                       {"unit", unitCode(1)},
                                       {"level", "county"},
                                       {"rank", "deputy"},
                                       {"on", "2026-07-01"},
                                       {"person", citizen(5)}},
                                      kReadToken);
  ASSERT_EQ(leader["status"], 200) << leader.dump();
  EXPECT_EQ(leader["body"]["reasons"][0]["rule"], "CHAIN-007");
  EXPECT_THAT(leader.dump(), Not(HasSubstr(citizen(1))));
  EXPECT_THAT(leader.dump(), Not(HasSubstr(citizen(5))));
  EXPECT_THAT(leader["body"]["reasons"][0]["message_en"].get<std::string>(), HasSubstr("1 held"));

  EXPECT_TRUE(daemon_->waitForOutput("precheck by ops: hire x2", 5s)) << daemon_->output();
  EXPECT_THAT(daemon_->output(), HasSubstr("refused: approval_slots_used CHAIN-001, no_vacancy CHAIN-002"));
  EXPECT_THAT(daemon_->output(), Not(HasSubstr(citizen(5))));  // masked in the log too
  auto metrics = setup_.request("GET", "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_THAT(metrics->body, HasSubstr(R"(staffchain_prechecks_total{kind="hire",answer="allowed"} 1)"));
  EXPECT_THAT(metrics->body, HasSubstr(R"(staffchain_prechecks_total{kind="hire",answer="refused"} 1)"));
  EXPECT_THAT(metrics->body, HasSubstr(R"(staffchain_prechecks_total{kind="appoint_leader",answer="refused"} 1)"));
}

TEST_F(ManagementLoop, StaffchainctlPrecheckExitsZeroWhenAllowedAndOneWithTheReasonsWhenRefused) {
  auto [code, out] =
      setup_.ctl({"precheck", "hire", "--unit", unitCode(1), "--approval", "HB-2026-001", "--on", "2026-07-01"});
  EXPECT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("ALLOWED"));
  EXPECT_THAT(out, HasSubstr("3 approved, 2 on the roster, 1 reserved"));
  auto [refused_code, refused_out] = setup_.ctl(
      {"precheck", "transfer_in", "--unit", unitCode(1), "--type", "admin", "--count", "2", "--on", "2026-07-01"});
  EXPECT_EQ(refused_code, 1) << refused_out;
  EXPECT_THAT(refused_out, HasSubstr("REFUSED"));
  EXPECT_THAT(refused_out, HasSubstr("[CHAIN-001]"));
  EXPECT_THAT(refused_out, HasSubstr("[CHAIN-008]"));
  EXPECT_THAT(refused_out, HasSubstr("what would make it pass"));
  EXPECT_THAT(refused_out, HasSubstr("随人带编调入"));
  auto [usage_code, usage_out] = setup_.ctl({"precheck", "hire", "--count", "many"});
  EXPECT_EQ(usage_code, 64) << usage_out;
}

TEST_F(ManagementLoop, TheVacancyPoolIsTheSameFromTheApiTheCliAndTheAudit) {
  auto answer = setup_.request("GET", "/api/v1/vacancies?on=2026-07-01");
  ASSERT_TRUE(answer.ok());
  ASSERT_EQ(answer->status, 200) << answer->body;
  const json pool = json::parse(answer->body);
  ASSERT_EQ(pool["count"], 2) << pool.dump(2);
  EXPECT_EQ(pool["vacancies"][0]["unit_id"], unitCode(1));
  EXPECT_EQ(pool["vacancies"][0]["reserved"], 1);
  EXPECT_EQ(pool["vacancies"][1]["vacant"], 4);
  EXPECT_EQ(pool["regions"]["150702"]["region_name"], "海拉尔区");
  EXPECT_EQ(pool["total"]["vacant"], 4);

  auto [code, csv] = setup_.ctl({"vacancies", "--on", "2026-07-01", "--format", "csv"});
  ASSERT_EQ(code, 0) << csv;
  auto [audit_code, audit_csv] =
      runToEnd({binary("staffchainctl").string(), "audit", (setup_.dir.path() / "world").string(), "--as-of",
                "2026-07-01", "--vacancies", "--format", "csv"},
               setup_.dir.path() / "audit.log");
  ASSERT_EQ(audit_code, 0) << audit_csv;
  EXPECT_EQ(csv, audit_csv);
  EXPECT_THAT(csv,
              HasSubstr(fmt::format("150702,{},海拉尔区审计局,admin,4,0,0,4,2020-01-01,yes,long_vacant", unitCode(2))));

  auto [table_code, table] = setup_.ctl({"vacancies", "--on", "2026-07-01", "--region", "150702"});
  ASSERT_EQ(table_code, 0) << table;
  EXPECT_THAT(table, HasSubstr("150702 海拉尔区"));
  EXPECT_THAT(table, HasSubstr("海拉尔区审计局"));
  auto refused = setup_.request("GET", "/api/v1/vacancies?type=clerk");
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 400U);
}

TEST_F(ManagementLoop, ReductionTasksAreTheSameFromTheApiTheCliAndTheAuditAndAnOverdueOneIsAFinding) {
  auto answer = setup_.request("GET", "/api/v1/reductions?on=2026-07-01");
  ASSERT_TRUE(answer.ok());
  ASSERT_EQ(answer->status, 200) << answer->body;
  const json list = json::parse(answer->body);
  ASSERT_EQ(list["count"], 2) << list.dump(2);
  // By region, unit and task: the finance bureau (unit 1) first.
  const json& overdue = list["reductions"][1];
  EXPECT_EQ(overdue["task_id"], "JB-2026-01");
  EXPECT_EQ(overdue["unit_name"], "海拉尔区审计局");
  EXPECT_EQ(overdue["posts_to_recover"], 1);
  EXPECT_EQ(overdue["recovered"], 0);
  EXPECT_EQ(overdue["state"], "overdue");
  EXPECT_EQ(overdue["days_overdue"], 1);
  EXPECT_FALSE(overdue["finding"].get<std::string>().empty());
  EXPECT_EQ(list["reductions"][0]["state"], "on_track");
  EXPECT_EQ(list["total"]["overdue"], 1);

  // The overdue task is an open CHAIN-018 of the audit bureau, as of today.
  auto [findings_code, findings] = setup_.ctl({"findings", "--rule", "CHAIN-018", "--json"});
  ASSERT_EQ(findings_code, 0) << findings;
  EXPECT_THAT(findings, HasSubstr(unitCode(2)));
  EXPECT_THAT(findings, HasSubstr(overdue["finding"].get<std::string>()));

  auto [code, csv] = setup_.ctl({"reductions", "--on", "2026-07-01", "--format", "csv"});
  ASSERT_EQ(code, 0) << csv;
  auto [audit_code, audit_csv] =
      runToEnd({binary("staffchainctl").string(), "audit", (setup_.dir.path() / "world").string(), "--as-of",
                "2026-07-01", "--reductions", "--format", "csv"},
               setup_.dir.path() / "audit.log");
  ASSERT_EQ(audit_code, 0) << audit_csv;
  EXPECT_EQ(csv, audit_csv);
  EXPECT_THAT(csv, HasSubstr(fmt::format("JB-2026-01,呼编发〔2026〕3号,150702,{},海拉尔区审计局,admin,2026-01-05,"
                                         "2026-06-30,1,0,1,4,4,0,0,0,overdue,1,",
                                         unitCode(2))));

  auto [table_code, table] = setup_.ctl({"reductions", "--on", "2026-07-01", "--state", "overdue"});
  ASSERT_EQ(table_code, 0) << table;
  EXPECT_THAT(table, HasSubstr("overdue 逾期未完成 (1 days)"));
  EXPECT_THAT(table, Not(HasSubstr("JB-2026-02")));
  auto refused = setup_.request("GET", "/api/v1/reductions?state=late");
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 400U);
  EXPECT_THAT(refused->body, HasSubstr("on_track, done, overdue, no_baseline"));
}

const fs::path kReadWorkbook = fs::path(STAFFCHAIN_SOURCE_DIR) / "tests/unit/reports/read_workbook.py";

// The quarter today is in, in the daemon's zone (the default, Asia/Shanghai): "2026Q4".
std::string currentQuarter() {
  const auto today = model::TimeZone::standard().dateAt(std::chrono::system_clock::now()).ymd();
  return fmt::format("{}Q{}", static_cast<int>(today.year()), (static_cast<unsigned>(today.month()) - 1) / 3 + 1);
}

std::string previousQuarter() {
  const std::string now = currentQuarter();
  const int year = std::stoi(now.substr(0, 4));
  const int number = now[5] - '0';
  return number == 1 ? fmt::format("{}Q4", year - 1) : fmt::format("{}Q{}", year, number - 1);
}

// The workbook as openpyxl reads it: sheet name -> {"A1": value, ...}.
std::map<std::string, json> readWorkbook(const fs::path& file, const fs::path& log) {
  auto [code, out] = runToEnd({"/usr/bin/python3", kReadWorkbook.string(), file.string()}, log);
  EXPECT_EQ(code, 0) << out;
  std::map<std::string, json> sheets;
  const json read = json::parse(out.substr(std::min(out.find('{'), out.size())), nullptr, false);
  if (!read.is_object()) {
    ADD_FAILURE() << out;
    return sheets;
  }
  for (const auto& sheet : read["sheets"]) sheets[sheet["name"].get<std::string>()] = sheet["cells"];
  return sheets;
}

// One cell's value, null when it is empty.
json cell(const json& cells, const std::string& ref) {
  return cells.is_object() && cells.contains(ref) ? cells.at(ref) : json();
}

// The row of `cells` whose column `column` holds `label`, as its number (e.g. "6").
std::string rowOf(const json& cells, char column, const std::string& label) {
  for (const auto& [cell, value] : cells.items()) {
    if (cell[0] == column && std::isdigit(static_cast<unsigned char>(cell[1])) && value == label) {
      return cell.substr(1);
    }
  }
  return {};
}

TEST_F(ManagementLoop, TheQuarterlyWorkbookHoldsTheSameQuarterAsTheLedger) {
  const std::string quarter = currentQuarter();
  // The findings: every alert opened since the daemon started, in this quarter, open now. The
  // workbook is asked for once the first evaluation's alerts are in.
  std::map<std::string, std::int64_t> per_rule;
  std::string last_answer;
  ASSERT_TRUE(waitFor(
      [&] {
        auto listed = setup_.request("GET", "/api/v1/alerts");
        if (!listed.ok() || listed->status != 200) return false;
        last_answer = listed->body;
        per_rule.clear();
        const json answer = json::parse(listed->body);  // held: a range over a temporary's member dangles
        for (const auto& alert : answer["alerts"]) per_rule[alert["rule"].get<std::string>()]++;
        return per_rule.count("CHAIN-018") > 0;
      },
      30s))
      << last_answer;
  const fs::path out = setup_.dir.path() / "季度报表.xlsx";
  auto [code, said] = setup_.ctl({"report", "quarterly", "--quarter", quarter, "--out", out.string()});
  ASSERT_EQ(code, 0) << said;
  EXPECT_THAT(said, HasSubstr("quarterly report written to " + out.string()));
  auto sheets = readWorkbook(out, setup_.dir.path() / "read.log");
  ASSERT_EQ(sheets.size(), 7U);

  // The posts: what the vacancy pool says today (the quarter runs), per region and for the city.
  auto pool = setup_.request("GET", "/api/v1/vacancies");
  ASSERT_TRUE(pool.ok());
  const json vacancies = json::parse(pool->body);
  std::int64_t approved = 0;
  std::int64_t occupied = 0;
  std::int64_t vacant = 0;
  for (const auto& row : vacancies["vacancies"]) {
    approved += row["approved"].get<std::int64_t>();
    occupied += row["occupied"].get<std::int64_t>();
    vacant += std::max<std::int64_t>(row["approved"].get<std::int64_t>() - row["occupied"].get<std::int64_t>(), 0);
  }
  const json& summary = sheets["汇总"];
  const std::string city = rowOf(summary, 'B', "全市");
  ASSERT_FALSE(city.empty()) << summary.dump(1);
  EXPECT_EQ(cell(summary, "D" + city), approved);
  EXPECT_EQ(cell(summary, "E" + city), occupied);
  EXPECT_EQ(cell(summary, "F" + city), vacant);
  EXPECT_EQ(approved, 7);  // 3 and 4 posts: the numbers are those of the world written
  const std::string hailar = rowOf(summary, 'B', "海拉尔区");
  ASSERT_FALSE(hailar.empty());
  EXPECT_EQ(cell(summary, "C" + hailar), 2);  // units

  ASSERT_EQ(per_rule["CHAIN-018"], 1);  // the overdue reduction task
  const json& rules = sheets["问题线索"];
  std::int64_t opened = 0;
  for (const auto& [rule, count] : per_rule) {
    const std::string row = rowOf(rules, 'A', rule);
    ASSERT_FALSE(row.empty()) << rule << " " << rules.dump(1);
    EXPECT_EQ(cell(rules, "C" + row), count) << rule;  // opened
    EXPECT_EQ(cell(rules, "D" + row), 0) << rule;      // resolved
    EXPECT_EQ(cell(rules, "E" + row), count) << rule;  // open at the end (now)
    opened += count;
  }
  EXPECT_EQ(cell(summary, "L" + city), opened);
  // The reduction tasks and the source link, up the whole time.
  const json& tasks = sheets["控编减编"];
  const std::string late = rowOf(tasks, 'A', "JB-2026-01");
  ASSERT_FALSE(late.empty()) << tasks.dump(1);
  EXPECT_EQ(cell(tasks, "K" + late), "逾期未完成");
  const json& links = sheets["数据链路"];
  const std::string estab = rowOf(links, 'A', "estab");
  ASSERT_FALSE(estab.empty()) << links.dump(1);
  EXPECT_EQ(cell(links, "C" + estab), 1);
  EXPECT_EQ(cell(links, "D" + estab), 0);

  // The API's own answer: the same file, named for saving.
  auto direct = setup_.request("GET", "/api/v1/reports/quarterly?quarter=" + quarter, {}, kReadToken);
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(direct->status, 200);
  EXPECT_EQ(direct->header("content-type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_THAT(direct->header("content-disposition"), HasSubstr("attachment; filename=\""));
  EXPECT_THAT(direct->header("content-disposition"), HasSubstr("filename*=UTF-8''"));
}

TEST_F(ManagementLoop, AMalformedQuarterIsRefusedWithTheReason) {
  auto answer = setup_.request("GET", "/api/v1/reports/quarterly?quarter=2026-4");
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->status, 400);
  EXPECT_THAT(answer->body, HasSubstr(R"(quarter \"2026-4\" is not a quarter)"));
  const fs::path out = setup_.dir.path() / "never.xlsx";
  auto [code, said] = setup_.ctl({"report", "quarterly", "--quarter", "2026Q7", "--out", out.string()});
  EXPECT_EQ(code, 1) << said;
  EXPECT_THAT(said, HasSubstr("HTTP 400: quarter \"2026Q7\" is not a quarter: write the year and the quarter 1 to 4"));
  EXPECT_FALSE(fs::exists(out));
  auto [usage, usage_said] = setup_.ctl({"report", "quarterly", "--out", out.string()});
  EXPECT_EQ(usage, 64) << usage_said;
  EXPECT_THAT(usage_said, HasSubstr("--quarter is required"));
  auto [kind, kind_said] = setup_.ctl({"report", "yearly", "--out", out.string()});
  EXPECT_EQ(kind, 64) << kind_said;
  EXPECT_THAT(kind_said, HasSubstr("no report \"yearly\""));
}

class QuarterlyMail : public ManagementLoop {
 protected:
  void SetUp() override {
    auto peer = SmtpPeer::start();
    ASSERT_TRUE(peer) << peer.error().message;
    smtp_ = std::move(peer.value());
    // Due on the 1st of the month after the quarter: whatever today is, the last quarter is due.
    setup_.extra_config = fmt::format(
        "[notifiers.office-mail]\nplugin = \"smtp\"\nurl = \"{}\"\nstarttls = \"off\"\n"
        "from = \"staffchain@bianban.hlbe.gov.cn\"\nto = [\"jiandu@bianban.hlbe.gov.cn\"]\n\n"
        "[reports]\nquarterly_receivers = [\"office-mail\"]\nquarterly_on_day = 1\n"
        "issuing_office = \"呼伦贝尔市委机构编制委员会办公室\"\n",
        smtp_->url());
    startDaemon();
  }

  std::unique_ptr<SmtpPeer> smtp_;
};

TEST_F(QuarterlyMail, TheLastQuarterIsMailedOnceWithItsWorkbookAttached) {
  auto received = smtp_->waitForMessages(1, 60s);
  ASSERT_TRUE(received) << received.error().message << daemon_->output();
  ASSERT_EQ(received->size(), 1U);
  // The attachment as a mail client saves it, then opened as a spreadsheet.
  const auto eml = setup_.dir.write("report.eml", received->front());
  constexpr const char* kSave = R"(
import email, email.policy, sys
with open(sys.argv[1], 'rb') as f:
    m = email.message_from_binary_file(f, policy=email.policy.default)
files = list(m.iter_attachments())
assert len(files) == 1, len(files)
with open(sys.argv[2], 'wb') as out:
    out.write(files[0].get_content())
print(files[0].get_filename())
print(m['subject'])
)";
  const fs::path saved = setup_.dir.path() / "attached.xlsx";
  auto [code, said] =
      runToEnd({"/usr/bin/python3", "-c", kSave, eml.string(), saved.string()}, setup_.dir.path() / "save.log");
  ASSERT_EQ(code, 0) << said;
  const std::string quarter = previousQuarter();
  const std::string label = fmt::format("{}年第{}季度", quarter.substr(0, 4),
                                        std::array{"一", "二", "三", "四"}[static_cast<std::size_t>(quarter[5] - '1')]);
  EXPECT_THAT(said, HasSubstr(label + "机构编制季度监控报表.xlsx"));
  EXPECT_THAT(said, HasSubstr(label + "机构编制季度监控报表（全部地区）"));
  auto sheets = readWorkbook(saved, setup_.dir.path() / "read-attached.log");
  ASSERT_EQ(sheets.size(), 7U);
  EXPECT_EQ(cell(sheets["汇总"], "A1"), label + "机构编制季度监控报表");
  EXPECT_THAT(cell(sheets["汇总"], "A2").dump(), HasSubstr("呼伦贝尔市委机构编制委员会办公室"));
  EXPECT_THAT(daemon_->output(), HasSubstr("quarterly report " + quarter + " queued for office-mail"));

  // A restart finds it sent: the check at start (before "staffchaind started") queues nothing.
  stopDaemon();
  startDaemon("daemon-again.log");
  ASSERT_TRUE(daemon_->waitForOutput("staffchaind started", 30s)) << daemon_->output();
  EXPECT_THAT(daemon_->output(), Not(HasSubstr("quarterly report")));
  EXPECT_EQ(smtp_->messages().size(), 1U);
}

}  // namespace
}  // namespace staffchain::testing
