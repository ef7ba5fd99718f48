// The case desk on a fake clock: a critical finding open [cases] auto_case_after_days gets a case
// by itself (once), the case goes overdue after its deadline, CASE-001 joins the open findings,
// and the engine is told of the suspension; a case opened by a person bundles what it is told.
#include "case_desk.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "chain_test_support.hpp"
#include "fake_scheduler.hpp"
#include "scratch_dir.hpp"

namespace staffchain::daemon {
namespace {

using namespace std::chrono_literals;
using chain::testing::day;
using chain::testing::pay;
using chain::testing::person;
using chain::testing::unit;
using chain::testing::unitId;
using staffchain::testing::FakeScheduler;

// Pay on no roster from May 2026: a critical CHAIN-004 since 2026-05-01.
model::Dataset payWithoutPost() {
  model::Dataset data;
  data.sources = {"finance_csv"};
  data.units = {unit(1, "海拉尔区人民政府办公室", model::UnitKind::organ),
                unit(2, "海拉尔区审计局", model::UnitKind::organ)};
  data.payroll = {pay(person(3), unitId(1), model::Month::fromYm(2026, 5)),
                  pay(person(4), unitId(2), model::Month::fromYm(2026, 6))};
  return data;
}

class CaseDeskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.daemon.timezone = model::TimeZone::utc();
    config_.daemon.evaluate_interval = 24h;
    config_.cases.auto_case_after_days = 30;
    Evaluator::Hooks hooks;
    hooks.not_settled = [] { return std::vector<std::string>{}; };
    hooks.open_findings = [this](std::vector<const chain::Finding*> findings, WallTime now) {
      OpenFindings open(std::move(findings));
      desk_->follow(evaluator_->today(), open, now);
      return open;
    };
    hooks.evaluated = [this](model::Date, const OpenFindings& open, std::size_t, std::size_t, double) {
      last_open_.clear();
      for (const auto* finding : open.all()) last_open_.push_back(*finding);
    };
    evaluator_ = std::make_unique<Evaluator>(scheduler_, std::move(hooks));
    evaluator_->configure(config_);
    evaluator_->load(payWithoutPost());
    desk_ = std::make_unique<CaseDesk>(*evaluator_);
    desk_->configure(config_);
    ASSERT_TRUE(desk_->open(dir_.path() / "ledger.db"));
  }
  void evaluateOn(model::Date date) {
    scheduler_.advance(std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::sys_days(std::chrono::days(date.days)) + 12h - scheduler_.wallNow()));
    evaluator_->evaluate();
  }
  [[nodiscard]] std::vector<std::string> rules() const {
    std::vector<std::string> out;
    for (const auto& f : last_open_) out.push_back(f.rule);
    return out;
  }

  config::Config config_;
  FakeScheduler scheduler_{std::chrono::sys_days(std::chrono::days(day(2026, 5, 20).days))};
  staffchain::testing::ScratchDir dir_;
  std::unique_ptr<Evaluator> evaluator_;
  std::unique_ptr<CaseDesk> desk_;
  std::vector<chain::Finding> last_open_;
};

TEST_F(CaseDeskTest, ACriticalFindingOpenLongEnoughGetsACaseByItselfOnceAndItGoesOverdue) {
  evaluateOn(day(2026, 5, 30));
  EXPECT_TRUE(desk_->store().cases({}).empty()) << "open 29 days: not yet";

  evaluateOn(day(2026, 5, 31));
  auto all = desk_->store().cases({});
  ASSERT_EQ(all.size(), 1U);
  EXPECT_TRUE(all[0].automatic);
  EXPECT_EQ(all[0].unit_id, unitId(1).str());
  EXPECT_EQ(all[0].unit_name, "海拉尔区人民政府办公室");
  EXPECT_EQ(all[0].opened_on, day(2026, 5, 31));
  EXPECT_EQ(all[0].deadline, day(2026, 6, 30));
  ASSERT_EQ(all[0].findings.size(), 1U);
  EXPECT_EQ(all[0].findings[0].rule, "CHAIN-004");
  EXPECT_EQ(all[0].history[0].by, "staffchaind");

  evaluateOn(day(2026, 6, 1));
  EXPECT_EQ(desk_->store().cases({}).size(), 1U) << "a finding in a case gets no second one";
  EXPECT_THAT(rules(), ::testing::Not(::testing::Contains("CASE-001")));

  evaluateOn(day(2026, 7, 1));
  all = desk_->store().cases({});
  ASSERT_EQ(all.size(), 2U) << "the audit bureau's pay from June is 30 days old now";
  EXPECT_EQ(all[0].state, cases::CaseState::overdue);
  EXPECT_EQ(all[0].overdue.at(0).from, day(2026, 7, 1));
  EXPECT_THAT(rules(), ::testing::Contains("CASE-001"));
  const auto precheck = [&] {
    chain::PrecheckRequest request;
    request.kind = chain::PrecheckKind::approval;
    request.unit = unitId(1);
    request.type = model::EstabType::admin;
    request.on = day(2026, 7, 1);
    return evaluator_->engine().precheck(request);
  }();
  ASSERT_FALSE(precheck.allowed);
  const auto suspended = std::find_if(precheck.reasons.begin(), precheck.reasons.end(),
                                      [](const chain::PrecheckReason& r) { return r.code == "unit_suspended"; });
  ASSERT_NE(suspended, precheck.reasons.end()) << "the engine was told of the suspension";
  EXPECT_THAT(suspended->message_zh, ::testing::HasSubstr(all[0].doc_no));
}

TEST_F(CaseDeskTest, APersonBundlesTheFindingsNamedOrEveryOpenOneOfTheUnit) {
  config_.cases.auto_case_after_days = 0;
  evaluateOn(day(2026, 7, 5));
  ASSERT_TRUE(desk_->store().cases({}).empty());
  const cases::Actor actor{"王科长", "ops", ""};
  auto refused = desk_->openCase(unitId(1).str(), {"0000000000000000"}, std::nullopt, actor, day(2026, 7, 5),
                                 scheduler_.wallNow());
  EXPECT_EQ(refused.status, 400);
  EXPECT_THAT(refused.reason, ::testing::HasSubstr("0000000000000000"));
  EXPECT_EQ(
      desk_->openCase("91150702MA0000000X", {}, std::nullopt, actor, day(2026, 7, 5), scheduler_.wallNow()).status,
      404);
  auto opened = desk_->openCase(unitId(1).str(), {}, day(2026, 8, 1), actor, day(2026, 7, 5), scheduler_.wallNow());
  ASSERT_TRUE(opened.value) << opened.reason;
  EXPECT_EQ(opened.value->deadline, day(2026, 8, 1));
  ASSERT_EQ(opened.value->findings.size(), 1U);
  EXPECT_EQ(opened.value->findings[0].rule, "CHAIN-004");
  EXPECT_FALSE(opened.value->automatic);
}

}  // namespace
}  // namespace staffchain::daemon
