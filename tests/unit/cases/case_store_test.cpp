// The case store: document numbers per year without gaps, the default deadline, the states the
// daemon moves (progress, overdue with its suspension span, resolved) and the ones a person
// moves (submit, verify refused while a finding is open, reopen), each step recorded with who,
// when and why; all of it read back after the store is opened again. Built twice: on an SQLite
// file, and with STAFFCHAIN_TEST_ON_POSTGRES on a fresh PostgreSQL database each.
#include "staffchain/cases/case_store.hpp"

#include <gtest/gtest.h>

#include "chain_test_support.hpp"
#include "scratch_dir.hpp"
#include "staffchain/store/database.hpp"
#ifdef STAFFCHAIN_TEST_ON_POSTGRES
#include "shared_postgres.hpp"
#endif

namespace staffchain::cases {
namespace {

using chain::testing::day;
using namespace std::chrono_literals;

TimePoint at(int hour) {
  return std::chrono::sys_days{std::chrono::year{2026} / 7 / 1} + std::chrono::hours(hour);
}

chain::Finding finding(const std::string& fingerprint, const model::UnitId& unit, std::string rule = "CHAIN-006",
                       chain::Severity severity = chain::Severity::critical) {
  chain::Finding f;
  f.rule = std::move(rule);
  f.severity = severity;
  f.unit_id = unit;
  f.person_id = chain::testing::person(1);
  f.since = day(2026, 3, 1);
  f.summary_zh = "2026-03 已退休人员仍在发放工资";
  f.summary_en = "paid after retirement";
  f.evidence.push_back(chain::EvidenceItem{"payroll_csv", "payroll", "P-1", {{"person_id", f.person_id.str()}}});
  f.fingerprint = fingerprint;
  return f;
}

class CaseStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    where_ = store::Location(dir_.path() / "ledger.db");
#ifdef STAFFCHAIN_TEST_ON_POSTGRES
    auto* server = staffchain::testing::sharedPostgres();
    ASSERT_NE(server, nullptr);
    where_.postgres = staffchain::testing::freshDatabase(*server, "cases");
#endif
    reopen();
  }
  void reopen() {
    store_.reset();
    auto opened = CaseStore::open(where_, CaseSettings{});
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(opened.value());
  }
  CaseAnswer open(std::vector<chain::Finding> findings, model::Date today, std::optional<model::Date> deadline = {},
                  const model::UnitId& unit = chain::testing::unitId(1)) {
    OpenRequest request;
    request.unit_id = unit.str();
    request.unit_name = "海拉尔区财政局";
    request.region = "150702";
    request.findings = std::move(findings);
    request.deadline = deadline;
    request.today = today;
    request.actor = Actor{"王科长", "ops", "专项检查发现"};
    return store_->openCase(request, at(9));
  }
  testing::ScratchDir dir_;
  store::Location where_;
  std::unique_ptr<CaseStore> store_;
  model::UnitId u1 = chain::testing::unitId(1);
  model::UnitId u2 = chain::testing::unitId(2);
};

TEST_F(CaseStoreTest, DocumentNumbersRunPerYearWithoutGapsAndTheDeadlineDefaultsToThirtyDays) {
  const auto first = open({finding("a1", u1)}, day(2026, 7, 1));
  ASSERT_TRUE(first.value) << first.reason;
  EXPECT_EQ(first.status, 201);
  EXPECT_EQ(first.value->number, 1);
  EXPECT_EQ(first.value->doc_no, "呼编督〔2026〕1号");
  EXPECT_EQ(first.value->deadline, day(2026, 7, 31));
  EXPECT_EQ(first.value->state, CaseState::issued);
  const auto second = open({finding("b1", u2)}, day(2026, 12, 31), std::nullopt, u2);
  ASSERT_TRUE(second.value) << second.reason;
  EXPECT_EQ(second.value->doc_no, "呼编督〔2026〕2号");
  // A refused request takes no number: the next one issued is still 3.
  EXPECT_FALSE(open({finding("a1", u1)}, day(2026, 12, 31)).value) << "a1 is already in case 1";
  const auto next_year = open({finding("c1", u1)}, day(2027, 1, 2));
  ASSERT_TRUE(next_year.value) << next_year.reason;
  EXPECT_EQ(next_year.value->doc_no, "呼编督〔2027〕1号");
  EXPECT_EQ(next_year.value->number, 3);
  const auto again = open({finding("c2", u1)}, day(2027, 1, 3));
  ASSERT_TRUE(again.value);
  EXPECT_EQ(again.value->doc_no, "呼编督〔2027〕2号");

  reopen();
  const auto read = store_->find(1);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->doc_no, "呼编督〔2026〕1号");
  ASSERT_EQ(read->findings.size(), 1U);
  EXPECT_EQ(read->findings[0].evidence, finding("a1", u1).evidence);
  ASSERT_EQ(read->history.size(), 1U);
  EXPECT_EQ(read->history[0].by, "王科长");
  EXPECT_EQ(read->history[0].caller, "ops");
  EXPECT_EQ(read->history[0].comment, "专项检查发现");
  EXPECT_EQ(read->history[0].at, at(9));
  EXPECT_EQ(store_->cases({}).size(), 4U);
}

TEST_F(CaseStoreTest, RequestsThatCannotBeCasesAreRefusedWithTheirReason) {
  auto refused = open({}, day(2026, 7, 1));
  EXPECT_EQ(refused.status, 409);
  refused = open({finding("a1", u2)}, day(2026, 7, 1));
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.reason.find("a1"), std::string::npos) << refused.reason;
  refused = open({finding("a1", u1)}, day(2026, 7, 1), day(2026, 7, 1));
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.reason.find("not after today"), std::string::npos) << refused.reason;
  OpenRequest nobody;
  nobody.unit_id = u1.str();
  nobody.findings = {finding("a1", u1)};
  nobody.today = day(2026, 7, 1);
  EXPECT_EQ(store_->openCase(nobody, at(9)).status, 400) << "who opens it is recorded: required";
  EXPECT_TRUE(store_->cases({}).empty());
}

TEST_F(CaseStoreTest, TheDaemonMovesACaseOnAsItsFindingsResolveOrTheDeadlinePasses) {
  ASSERT_TRUE(open({finding("a1", u1), finding("a2", u1)}, day(2026, 7, 1)).value);  // deadline 07-31
  auto changes = store_->observe({"a1", "a2"}, day(2026, 7, 10), at(10));
  ASSERT_TRUE(changes);
  EXPECT_TRUE(changes->lines.empty());
  EXPECT_EQ(store_->find(1)->state, CaseState::issued);

  changes = store_->observe({"a2"}, day(2026, 7, 20), at(11));
  ASSERT_TRUE(changes);
  auto c = *store_->find(1);
  EXPECT_EQ(c.state, CaseState::rectifying) << "one of two resolved: the unit is at work";
  EXPECT_FALSE(c.findings[0].open);
  EXPECT_EQ(c.findings[0].resolved_on, day(2026, 7, 20));
  EXPECT_FALSE(changes->suspensions_changed);

  EXPECT_TRUE(store_->observe({"a2"}, day(2026, 7, 31), at(12)).value().lines.empty()) << "on its deadline: not late";
  changes = store_->observe({"a2"}, day(2026, 8, 1), at(13));
  ASSERT_TRUE(changes);
  EXPECT_TRUE(changes->suspensions_changed);
  c = *store_->find(1);
  EXPECT_EQ(c.state, CaseState::overdue);
  ASSERT_EQ(c.overdue.size(), 1U);
  EXPECT_EQ(c.overdue[0].from, day(2026, 8, 1));
  EXPECT_FALSE(c.overdue[0].until);
  const auto suspensions = store_->suspensions();
  ASSERT_EQ(suspensions.size(), 1U);
  EXPECT_EQ(suspensions[0].unit, u1);
  EXPECT_EQ(suspensions[0].doc_no, "呼编督〔2026〕1号");
  EXPECT_TRUE(suspensions[0].covers(day(2026, 9, 1)));
  const auto alerts = store_->overdueFindings();
  ASSERT_EQ(alerts.size(), 1U);
  EXPECT_EQ(alerts[0].rule, "CASE-001");
  EXPECT_EQ(alerts[0].unit_id, u1);
  EXPECT_EQ(alerts[0].since, day(2026, 8, 1));
  EXPECT_NE(alerts[0].summary_zh.find("呼编督〔2026〕1号"), std::string::npos) << alerts[0].summary_zh;
  EXPECT_EQ(alerts[0].evidence.at(0).record_id, "呼编督〔2026〕1号");

  // A late report cannot close what the data still shows.
  EXPECT_EQ(store_->act(1, CaseAction::submit, Actor{"李主任", "ops", "已整改"}, at(14)).status, 409);

  changes = store_->observe({}, day(2026, 8, 20), at(15));
  ASSERT_TRUE(changes);
  EXPECT_TRUE(changes->suspensions_changed);
  c = *store_->find(1);
  EXPECT_EQ(c.state, CaseState::rectifying);
  EXPECT_EQ(c.overdue[0].until, day(2026, 8, 20)) << "suspended 08-01 up to, not including, 08-20";
  EXPECT_TRUE(store_->overdueFindings().empty());
  EXPECT_FALSE(store_->suspensions()[0].covers(day(2026, 8, 20)));

  std::vector<std::string> actions;
  for (const auto& e : c.history) actions.push_back(e.action + ":" + e.to_state + ":" + e.by);
  EXPECT_EQ(actions, (std::vector<std::string>{"open:issued:王科长", "progress:rectifying:staffchaind",
                                               "overdue:overdue:staffchaind", "resolved:rectifying:staffchaind"}));
  reopen();
  EXPECT_EQ(store_->find(1)->overdue[0].until, day(2026, 8, 20));
  EXPECT_EQ(store_->find(1)->history.size(), 4U);
}

TEST_F(CaseStoreTest, SubmitVerifyAndReopenAreRecordedAndVerifyWaitsForEveryFinding) {
  ASSERT_TRUE(open({finding("a1", u1), finding("a2", u1)}, day(2026, 7, 1)).value);
  auto answer = store_->act(1, CaseAction::submit, Actor{"单位联系人", "ops", "整改报告已报送"}, at(10));
  ASSERT_TRUE(answer.value) << answer.reason;
  EXPECT_EQ(answer.value->state, CaseState::submitted);

  answer = store_->act(1, CaseAction::verify, Actor{"王科长", "ops", "核验"}, at(11));
  EXPECT_EQ(answer.status, 409);
  EXPECT_NE(answer.reason.find("a1"), std::string::npos) << answer.reason;
  EXPECT_NE(answer.reason.find("a2"), std::string::npos) << answer.reason;
  EXPECT_EQ(store_->find(1)->state, CaseState::submitted) << "a refusal changes nothing";

  ASSERT_TRUE(store_->observe({}, day(2026, 7, 15), at(12)));
  EXPECT_EQ(store_->find(1)->state, CaseState::submitted) << "a submitted case waits for the office";
  answer = store_->act(1, CaseAction::verify, Actor{"王科长", "ops", "数据已核实"}, at(13));
  ASSERT_TRUE(answer.value) << answer.reason;
  EXPECT_EQ(answer.value->state, CaseState::verified);
  EXPECT_EQ(answer.value->closed_at, at(13));
  EXPECT_FALSE(store_->caseHolding("a1")) << "a closed case holds its findings no more";

  EXPECT_EQ(store_->act(1, CaseAction::reopen, Actor{"王科长", "ops", ""}, at(14)).status, 400) << "reopen needs a why";
  answer = store_->act(1, CaseAction::reopen, Actor{"王科长", "ops", "复查发现仍有问题"}, at(14));
  ASSERT_TRUE(answer.value) << answer.reason;
  EXPECT_EQ(answer.value->state, CaseState::rectifying);
  EXPECT_FALSE(answer.value->closed_at);
  EXPECT_EQ(store_->act(1, CaseAction::verify, Actor{"王科长", "ops", ""}, at(15)).status, 409);
  EXPECT_EQ(store_->act(9, CaseAction::submit, Actor{"王科长", "ops", ""}, at(15)).status, 404);

  reopen();
  const auto read = store_->find(1);
  ASSERT_TRUE(read);
  const auto& history = read->history;
  ASSERT_EQ(history.size(), 4U);
  EXPECT_EQ(history[1].action, "submit");
  EXPECT_EQ(history[1].by, "单位联系人");
  EXPECT_EQ(history[2].action, "verify");
  EXPECT_EQ(history[2].comment, "数据已核实");
  EXPECT_EQ(history[3].action, "reopen");
  EXPECT_EQ(history[3].from_state, "verified");
  EXPECT_EQ(history[3].at, at(14));
}

TEST_F(CaseStoreTest, AReopenedCaseGoingOverdueAgainIsSuspendedFromThatDay) {
  ASSERT_TRUE(open({finding("a1", u1)}, day(2026, 7, 1)).value);
  ASSERT_TRUE(store_->observe({"a1"}, day(2026, 8, 1), at(10)));  // overdue from 08-01
  ASSERT_TRUE(store_->observe({}, day(2026, 8, 5), at(11)));      // resolved: until 08-05
  ASSERT_TRUE(store_->act(1, CaseAction::submit, Actor{"单位", "", ""}, at(12)).value);
  ASSERT_TRUE(store_->act(1, CaseAction::reopen, Actor{"王科长", "", "问题复发"}, at(13)).value);
  ASSERT_TRUE(store_->observe({"a1"}, day(2026, 9, 1), at(14)));  // the finding is back, past the deadline
  const auto c = *store_->find(1);
  EXPECT_EQ(c.state, CaseState::overdue);
  ASSERT_EQ(c.overdue.size(), 2U);
  EXPECT_EQ(c.overdue[1].from, day(2026, 9, 1)) << "the days between were not overdue";
}

TEST_F(CaseStoreTest, ANewerSchemaIsRefusedAndTheFileLeftAsItIs) {
  store_.reset();
  {
    auto db = store::Database::open(where_, {});
    ASSERT_TRUE(db);
    ASSERT_TRUE((*db)->execute("UPDATE case_schema SET version = 99", "test"));
  }
  auto opened = CaseStore::open(where_, CaseSettings{});
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("case schema"), std::string::npos) << opened.error().message;
}

}  // namespace
}  // namespace staffchain::cases
