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
#include <fstream>
#include <iterator>
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
  void SetUp() override {
    prepare();
    start();
  }

  // The world in the inbox and beside it, and the configuration (with setup_.extra_config).
  void prepare() {
    setup_.writeWorld("inbox/estab");
    setup_.writeWorld("world");  // the same for the audit: the connector archives what it read
    setup_.dir.write("staffchain.toml", setup_.config());
  }

  // Starts the daemon on the configuration written and waits until it has evaluated.
  void start() {
    const auto file = setup_.dir.path() / "staffchain.toml";
    daemon_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{binary("staffchaind").string(), "--config", file.string()},
        setup_.dir.path() / fmt::format("daemon-{}.log", ++starts_));
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

  void TearDown() override { stop(); }

  void stop() {
    if (!daemon_) return;
    daemon_->signal(SIGTERM);
    EXPECT_EQ(daemon_->wait(30s), 0) << daemon_->output();
    daemon_.reset();
  }

  LoopDaemon setup_;
  std::unique_ptr<ChildProcess> daemon_;
  int starts_ = 0;
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

// The text of a PDF as pdftotext reads it, without spaces and line breaks (pango wraps lines).
std::string pdfText(const fs::path& pdf, const fs::path& log) {
  auto [code, text] = runToEnd({"/usr/bin/pdftotext", pdf.string(), "-"}, log);
  if (code != 0) return "pdftotext failed: " + text;
  std::string flat;
  for (const char ch : text) {
    if (ch != ' ' && ch != '\n' && ch != '\f') flat += ch;
  }
  return flat;
}

// A case from its opening to its verification, through the CLI and the API of the real daemon:
// the audit bureau's overdue reduction task (CHAIN-018) bundled into a case with a document
// number; its notice as PDF and HTML; a report submitted while the finding is still open cannot
// be verified; the deadline passes (the case's dates set back while the daemon is stopped, as
// if a month went by) and the case is overdue: CASE-001 is raised to the unit's receivers, the
// unit is suspended (an approval issued in the span is a CHAIN-016 naming the case, and the
// pre-check refuses a new one); the posts are recovered, the finding resolves, the suspension
// ends, and the office verifies.
TEST_F(ManagementLoop, ARectificationCaseRunsFromItsNoticeThroughOverdueAndSuspensionToVerified) {
  const std::string audit = unitCode(2);
  auto [open_code, opened_text] = setup_.ctl(
      {"cases", "open", "--unit", audit, "--by", "王科长", "--comment", "专项检查发现控编减编任务逾期", "--json"});
  ASSERT_EQ(open_code, 0) << opened_text;
  const json opened = json::parse(opened_text);
  EXPECT_EQ(opened["number"], 1);
  EXPECT_THAT(opened["doc_no"].get<std::string>(), ::testing::MatchesRegex("呼编督〔20[0-9][0-9]〕1号"));
  EXPECT_EQ(opened["state"], "issued");
  EXPECT_EQ(opened["unit_name"], "海拉尔区审计局");
  ASSERT_EQ(opened["findings"].size(), 1U);
  EXPECT_EQ(opened["findings"][0]["rule"], "CHAIN-018");
  EXPECT_EQ(opened["history"][0]["by"], "王科长");
  EXPECT_EQ(opened["history"][0]["caller"], "ops");
  const std::string doc_no = opened["doc_no"];

  // The same finding cannot be in two cases; a read token cannot open one.
  auto [again_code, again] = setup_.ctl({"cases", "open", "--unit", audit, "--by", "王科长"});
  EXPECT_EQ(again_code, 1);
  EXPECT_THAT(again, HasSubstr("no open finding that is not already in a case"));
  auto viewer = setup_.request("POST", "/api/v1/cases", json{{"unit", audit}, {"by", "x"}}.dump(), kReadToken);
  ASSERT_TRUE(viewer.ok());
  EXPECT_EQ(viewer->status, 403U);

  auto [list_code, list] = setup_.ctl({"cases", "--format", "csv"});
  ASSERT_EQ(list_code, 0) << list;
  EXPECT_THAT(list, HasSubstr(fmt::format("1,{},150702,{},海拉尔区审计局,", doc_no, audit)));
  EXPECT_THAT(list, HasSubstr(",issued,1,1"));

  // The notice, as a unit receives it.
  const fs::path pdf = setup_.dir.path() / "notice.pdf";
  auto [pdf_code, pdf_said] = setup_.ctl({"cases", "notice", "1", "--out", pdf.string()});
  ASSERT_EQ(pdf_code, 0) << pdf_said;
  const std::string text = pdfText(pdf, setup_.dir.path() / "pdftotext.log");
  EXPECT_THAT(text, HasSubstr(doc_no));
  EXPECT_THAT(text, HasSubstr("海拉尔区审计局"));
  EXPECT_THAT(text, HasSubstr("控编减编任务逾期未完成"));
  EXPECT_THAT(text, HasSubstr("JB-2026-01"));
  auto [png_code, png_said] = runToEnd({"/usr/bin/pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", pdf.string(),
                                        (setup_.dir.path() / "notice").string()},
                                       setup_.dir.path() / "pdftoppm.log");
  ASSERT_EQ(png_code, 0) << png_said;
  EXPECT_GT(fs::file_size(setup_.dir.path() / "notice-1.png"), 10'000U);
  const fs::path html = setup_.dir.path() / "notice.html";
  auto [html_code, html_said] = setup_.ctl({"cases", "notice", "1", "--out", html.string()});
  ASSERT_EQ(html_code, 0) << html_said;
  std::ifstream html_file(html);
  const std::string html_text((std::istreambuf_iterator<char>(html_file)), std::istreambuf_iterator<char>());
  EXPECT_THAT(html_text, HasSubstr(doc_no));

  auto [submit_code, submitted] = setup_.ctl({"cases", "submit", "1", "--by", "审计局办公室", "--comment", "整改报告"});
  ASSERT_EQ(submit_code, 0) << submitted;
  EXPECT_THAT(submitted, HasSubstr("submitted"));
  auto [verify_code, refused] = setup_.ctl({"cases", "verify", "1", "--by", "王科长"});
  EXPECT_EQ(verify_code, 1);
  EXPECT_THAT(refused, HasSubstr("findings still open: CHAIN-018"));

  // A month goes by: the deadline is set back while the daemon is stopped; an approval was
  // issued to the audit bureau meanwhile.
  stop();
  auto [sql_code, sql_said] = runToEnd(
      {"/usr/bin/python3", "-c",
       "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
       "c.execute(\"UPDATE case_cases SET opened_on = '2026-02-01', deadline = '2026-03-02' WHERE number = 1\"); "
       "c.commit()",
       (setup_.dir.path() / "state" / "ledger.db").string()},
      setup_.dir.path() / "sql.log");
  ASSERT_EQ(sql_code, 0) << sql_said;
  setup_.dir.write("inbox/estab/approvals.csv",
                   fmt::format("approval_id,unit_id,estab_type,slots,issued_on,valid_until,purpose\n"
                               "HB-2026-001,{},admin,1,2026-03-01,2099-12-31,公开招录\n"
                               "HB-2026-007,{},admin,1,2026-04-15,2099-12-31,公开招录\n",
                               unitCode(1), audit));
  start();
  auto [resync_code, resynced] = setup_.ctl({"connectors", "resync", "estab", "--wait"});
  ASSERT_EQ(resync_code, 0) << resynced;

  json suspended;
  ASSERT_TRUE(waitFor(
      [&] {
        auto answer = setup_.request("GET", "/api/v1/findings?rule=CHAIN-016");
        if (!answer.ok() || answer->status != 200) return false;
        suspended = json::parse(answer->body)["findings"];
        return suspended.size() == 1;
      },
      30s))
      << daemon_->output();
  EXPECT_EQ(suspended[0]["since"], "2026-04-15");
  EXPECT_THAT(suspended[0]["summary"].get<std::string>(), HasSubstr(doc_no));
  EXPECT_THAT(suspended[0]["evidence"].dump(), HasSubstr("\"record_type\":\"case\""));

  auto [show_code, shown] = setup_.ctl({"cases", "show", "1", "--json"});
  ASSERT_EQ(show_code, 0) << shown;
  const json overdue = json::parse(shown);
  EXPECT_EQ(overdue["state"], "overdue");
  EXPECT_EQ(overdue["overdue"][0]["from"], "2026-03-03");
  EXPECT_EQ(overdue["overdue"][0]["until"], "");
  EXPECT_EQ(overdue["history"].back()["by"], "staffchaind");

  // CASE-001 goes to the unit's receivers like a rule's alert.
  ASSERT_TRUE(waitFor(
      [&] {
        auto answer = setup_.request("GET", "/api/v1/alerts?rule=CASE-001");
        return answer.ok() && answer->status == 200 && answer->body.find(audit) != std::string::npos &&
               answer->body.find("\"firing\"") != std::string::npos;
      },
      30s))
      << daemon_->output();
  auto [findings_code, case_findings] = setup_.ctl({"findings", "--rule", "CASE-001", "--json"});
  ASSERT_EQ(findings_code, 0) << case_findings;
  EXPECT_THAT(case_findings, HasSubstr(doc_no));

  const json asked{{"kind", "approval"}, {"unit", audit}, {"type", "admin"}};
  const json precheck = setup_.precheck(asked);
  ASSERT_EQ(precheck["status"], 200) << precheck.dump(2);
  EXPECT_FALSE(precheck["body"]["allowed"].get<bool>());
  EXPECT_THAT(precheck["body"]["reasons"].dump(), HasSubstr(doc_no));

  // The posts are recovered: the finding resolves, the case is no longer overdue, the suspension
  // ends today, and the office verifies.
  setup_.dir.write("inbox/estab/quotas.csv", fmt::format("unit_id,estab_type,approved,effective_from,doc_no\n"
                                                         "{},admin,3,2020-01-01,呼编发〔2020〕1号\n"
                                                         "{},admin,4,2020-01-01,呼编发〔2020〕2号\n"
                                                         "{},admin,3,2026-03-01,呼编发〔2026〕9号\n",
                                                         unitCode(1), audit, audit));
  auto [fix_code, fixed] = setup_.ctl({"connectors", "resync", "estab", "--wait"});
  ASSERT_EQ(fix_code, 0) << fixed;
  json rectified;
  ASSERT_TRUE(waitFor(
      [&] {
        auto answer = setup_.request("GET", "/api/v1/cases/1");
        if (!answer.ok() || answer->status != 200) return false;
        rectified = json::parse(answer->body);
        return rectified["state"] == "rectifying";
      },
      30s))
      << daemon_->output();
  EXPECT_EQ(rectified["findings_open"], 0);
  EXPECT_FALSE(rectified["overdue"][0]["until"].get<std::string>().empty());
  EXPECT_EQ(rectified["history"].back()["action"], "resolved");
  EXPECT_TRUE(setup_.precheck(asked)["body"]["allowed"].get<bool>()) << "the suspension ended";

  ASSERT_EQ(setup_.ctl({"cases", "submit", "1", "--by", "审计局办公室", "--comment", "已收回编制"}).first, 0);
  auto [verified_code, verified] = setup_.ctl({"cases", "verify", "1", "--by", "王科长", "--comment", "核验销号"});
  ASSERT_EQ(verified_code, 0) << verified;
  EXPECT_THAT(verified, HasSubstr("verified"));
  auto [closed_code, closed] = setup_.ctl({"cases", "--state", "verified", "--format", "csv"});
  ASSERT_EQ(closed_code, 0) << closed;
  EXPECT_THAT(closed, HasSubstr(doc_no));
  auto metrics = setup_.request("GET", "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_THAT(metrics->body, HasSubstr("staffchain_cases{state=\"verified\"} 1"));
}

// The tenure audit (任期审计) from the daemon's ledger: the audit bureau's overdue reduction task
// is an alert open since 2026-07-01; a quota cut arrives and resolves it. The report of a period
// holding both days lists it with its days in the period — from the violation's start to the day
// before it resolved — as JSON, as a workbook and as a PDF; a period that ended before it began
// lists nothing. A person's id is masked for a read-only token.
TEST_F(ManagementLoop, TheTenureReportListsAViolationThatOpenedAndResolvedInsideThePeriod) {
  const std::string audit = unitCode(2);
  const std::string period = fmt::format("/api/v1/reports/tenure?unit={}&from=2026-01-01&to=2099-12-31", audit);
  auto report = [&](const std::string& path, const char* token = kWriteToken) {
    auto answer = setup_.request("GET", path, {}, token);
    EXPECT_TRUE(answer.ok());
    if (!answer.ok()) return json();
    EXPECT_EQ(answer->status, 200) << answer->body;
    return json::parse(answer->body, nullptr, false);
  };
  json open = report(period);
  ASSERT_EQ(open["count"], 1) << open.dump(2);
  EXPECT_EQ(open["unit_name"], "海拉尔区审计局");
  EXPECT_EQ(open["spans"][0]["rule"], "CHAIN-018");
  EXPECT_EQ(open["spans"][0]["since"], "2026-07-01");
  EXPECT_EQ(open["spans"][0]["first"], "2026-07-01");
  EXPECT_EQ(open["spans"][0]["open_at_end"], true);
  const std::string alert_id = open["spans"][0]["fingerprint"];  // the alert's id

  // The bureau's admin posts cut from 4 to 3 on 2026-09-01: the task is met, the alert resolves.
  setup_.dir.write("inbox/estab/quotas.csv", fmt::format("unit_id,estab_type,approved,effective_from,doc_no\n"
                                                         "{},admin,3,2020-01-01,呼编发〔2020〕1号\n"
                                                         "{},admin,4,2020-01-01,呼编发〔2020〕2号\n"
                                                         "{},admin,3,2026-09-01,呼编发〔2026〕9号\n",
                                                         unitCode(1), audit, audit));
  // And a resignation from the finance bureau of 2026-01-10, never taken off its roster: a
  // person's violation (CHAIN-005, overdue from 2026-01-25), for who may see whose id.
  setup_.dir.write("inbox/estab/movements.csv",
                   fmt::format("movement_id,source,kind,person_id,name,unit_id,from_unit_id,effective_on,recorded_on,"
                               "approval_id,leader_level,leader_rank\n"
                               "RS-3,hr,resign,{},张二,{},,2026-01-10,2026-01-10,,,\n",
                               citizen(3), unitCode(1)));
  auto resumed = setup_.request("POST", "/api/v1/connectors/estab/resume");
  ASSERT_TRUE(resumed.ok());
  std::string resolved_at;
  ASSERT_TRUE(waitFor(
      [&] {
        auto alert = setup_.request("GET", "/api/v1/alerts/" + alert_id);
        if (!alert.ok() || alert->status != 200) return false;
        const json body = json::parse(alert->body, nullptr, false);
        if (body.is_discarded() || body.value("state", "") != "resolved") return false;
        resolved_at = body.value("resolved_at", "");
        return true;
      },
      30s))
      << daemon_->output();
  // Resolved on this day in the office's zone: the violation's last day was the day before.
  ASSERT_GE(resolved_at.size(), 10U) << resolved_at;
  const auto resolved_day = model::parseDate(resolved_at.substr(0, 10));
  ASSERT_TRUE(resolved_day.has_value()) << resolved_at;
  const std::string last = model::formatDate(resolved_day->plusDays(-1));

  json closed = report(period, kReadToken);
  ASSERT_EQ(closed["count"], 1) << closed.dump(2);
  EXPECT_EQ(closed["spans"][0]["first"], "2026-07-01");
  EXPECT_EQ(closed["spans"][0]["last"], last);
  EXPECT_EQ(closed["spans"][0]["open_at_end"], false);
  EXPECT_EQ(closed["spans"][0]["rule_title"], "控编减编任务逾期未完成");
  // Over before it began: not in a period that ended on 2026-06-30.
  json before = report(fmt::format("/api/v1/reports/tenure?unit={}&from=2026-01-01&to=2026-06-30", audit));
  EXPECT_EQ(before["count"], 0) << before.dump(2);
  auto refused = setup_.request("GET", fmt::format("/api/v1/reports/tenure?unit={}&from=2026-07-01", audit));
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 400U);
  EXPECT_THAT(refused->body, HasSubstr("to is required"));

  // The person's id: masked for the read-only token, in the JSON and in the PDF.
  const std::string finance_period =
      fmt::format("/api/v1/reports/tenure?unit={}&from=2026-01-01&to=2099-12-31", unitCode(1));
  json finance;
  ASSERT_TRUE(waitFor(
      [&] {
        finance = report(finance_period, kReadToken);
        return finance.value("count", 0) >= 1;
      },
      30s))
      << daemon_->output();
  EXPECT_EQ(finance["spans"][0]["rule"], "CHAIN-005");
  EXPECT_EQ(finance["spans"][0]["first"], "2026-01-25");
  EXPECT_EQ(finance["spans"][0]["person_id"], model::maskCitizenId(citizen(3)));
  EXPECT_THAT(finance.dump(), Not(HasSubstr(citizen(3))));
  const auto masked_pdf = setup_.dir.path() / "finance.pdf";
  auto [masked_code, masked_out] =
      runToEnd({binary("staffchainctl").string(), "report", "tenure", "--unit", unitCode(1), "--from", "2026-01-01",
                "--to", "2099-12-31", "--out", masked_pdf.string(), "--api",
                fmt::format("http://127.0.0.1:{}", setup_.port), "--token-file", setup_.read_token.string()},
               setup_.dir.path() / "masked.log");
  ASSERT_EQ(masked_code, 0) << masked_out;
  auto [masked_text_code, masked_text] =
      runToEnd({"/usr/bin/pdftotext", "-raw", masked_pdf.string(), "-"}, setup_.dir.path() / "masked-text.log");
  ASSERT_EQ(masked_text_code, 0) << masked_text;
  EXPECT_THAT(masked_text, HasSubstr(model::maskCitizenId(citizen(3))));
  EXPECT_THAT(masked_text, Not(HasSubstr(citizen(3))));
  auto full = setup_.request("GET", finance_period);
  ASSERT_TRUE(full.ok());
  EXPECT_THAT(full->body, HasSubstr(citizen(3)));

  // The workbook, read back with openpyxl: the title names the unit, the row its days.
  const auto xlsx = setup_.dir.path() / "tenure.xlsx";
  auto [code, out] = setup_.ctl(
      {"report", "tenure", "--unit", audit, "--from", "2026-01-01", "--to", "2099-12-31", "--out", xlsx.string()});
  ASSERT_EQ(code, 0) << out;
  auto [read_code, cells] =
      runToEnd({"/usr/bin/python3", "-c",
                "import openpyxl, sys\n"
                "for row in openpyxl.load_workbook(sys.argv[1]).active.iter_rows(values_only=True):\n"
                "    print('|'.join('' if c is None else str(c) for c in row))\n",
                xlsx.string()},
               setup_.dir.path() / "openpyxl.log");
  ASSERT_EQ(read_code, 0) << cells;
  EXPECT_THAT(cells, HasSubstr("海拉尔区审计局任期机构编制专项审计"));
  EXPECT_THAT(cells, HasSubstr("任期：2026-01-01 至 2099-12-31"));
  EXPECT_THAT(
      cells, HasSubstr(fmt::format("1|CHAIN-018|控编减编任务逾期未完成|重要||2026-07-01|2026-07-01|{}|已纠正|", last)));
  EXPECT_THAT(cells, HasSubstr("合计 1 项，其中任期末仍存在 0 项"));

  // The PDF, read back with pdftotext.
  const auto pdf = setup_.dir.path() / "tenure.pdf";
  auto [pdf_code, pdf_out] = setup_.ctl(
      {"report", "tenure", "--unit", audit, "--from", "2026-01-01", "--to", "2099-12-31", "--out", pdf.string()});
  ASSERT_EQ(pdf_code, 0) << pdf_out;
  auto [text_code, text] =
      runToEnd({"/usr/bin/pdftotext", "-raw", pdf.string(), "-"}, setup_.dir.path() / "pdftotext.log");
  ASSERT_EQ(text_code, 0) << text;
  EXPECT_THAT(text, HasSubstr("海拉尔区审计局任期机构编制专项审计报告"));
  EXPECT_THAT(text, HasSubstr("2026年1月1日 至 2099年12月31日"));
  EXPECT_THAT(text, HasSubstr("CHAIN-018"));
  EXPECT_THAT(text, HasSubstr(last));
  EXPECT_THAT(text, HasSubstr("任期内共存在机构编制问题 1 项，其中 1 项在任期内已纠正，0 项至任期末仍存在"));
  EXPECT_THAT(text, HasSubstr("第 1 页 共 1 页"));

  // A file the daemon refuses leaves nothing behind.
  const auto refused_out = setup_.dir.path() / "refused.pdf";
  auto [bad_code, bad_out] = setup_.ctl({"report", "tenure", "--unit", audit, "--from", "2026-07-01", "--to",
                                         "2026-01-01", "--out", refused_out.string()});
  EXPECT_EQ(bad_code, 1) << bad_out;
  EXPECT_THAT(bad_out, HasSubstr("before from"));
  EXPECT_FALSE(fs::exists(refused_out));
  EXPECT_FALSE(fs::exists(refused_out.string() + ".partial"));
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
    prepare();
    start();
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
  stop();
  start();
  ASSERT_TRUE(daemon_->waitForOutput("staffchaind started", 30s)) << daemon_->output();
  EXPECT_THAT(daemon_->output(), Not(HasSubstr("quarterly report")));
  EXPECT_EQ(smtp_->messages().size(), 1U);
}

}  // namespace
}  // namespace staffchain::testing
