// The evaluator on a fake clock: the syncs that land within a second are judged once; the
// periodic evaluation keeps time; nothing is judged while a connector's data is not whole,
// until first_sync_grace has passed; the first evaluation of an engine judges everything and
// later ones only what changed.
#include "evaluator.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "chain_test_support.hpp"
#include "fake_scheduler.hpp"

namespace staffchain::daemon {
namespace {

using namespace std::chrono_literals;
using chain::testing::day;
using chain::testing::pay;
using chain::testing::person;
using chain::testing::unit;
using chain::testing::unitId;
using staffchain::testing::FakeScheduler;

// A unit that pays someone on no roster: CHAIN-004, whatever the day.
model::Dataset payWithoutPost() {
  model::Dataset data;
  data.sources = {"finance_csv"};
  data.units = {unit(1, "海拉尔区人民政府办公室", model::UnitKind::organ)};
  data.payroll = {pay(person(3), unitId(1), model::Month::fromYm(2026, 5))};
  return data;
}

struct Evaluation {
  model::Date as_of;
  std::size_t open = 0;
  std::size_t changed = 0;
  bool delta = false;  // lastDelta() offered: the alerts may be told only the changes
};

class EvaluatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.daemon.timezone = model::TimeZone::utc();
    config_.daemon.evaluate_interval = 1min;
    config_.daemon.first_sync_grace = 10min;
    Evaluator::Hooks hooks;
    hooks.not_settled = [this] { return waiting_; };
    hooks.open_findings = [](std::vector<const chain::Finding*> engine_findings, WallTime) {
      return OpenFindings(std::move(engine_findings));
    };
    hooks.evaluated = [this](model::Date as_of, const OpenFindings& open, std::size_t changed, std::size_t, double) {
      const auto* delta = evaluator_->lastDelta();
      evaluations_.push_back({as_of, open.size(), changed, delta != nullptr});
    };
    evaluator_ = std::make_unique<Evaluator>(scheduler_, std::move(hooks));
    evaluator_->configure(config_);
    evaluator_->load(payWithoutPost());
  }

  config::Config config_;
  // 2026-06-30T23:59:00Z on the fake wall clock.
  FakeScheduler scheduler_{std::chrono::sys_days(std::chrono::days(day(2026, 6, 30).days)) + 23h + 59min};
  std::vector<std::string> waiting_;
  std::vector<Evaluation> evaluations_;
  std::unique_ptr<Evaluator> evaluator_;
};

TEST_F(EvaluatorTest, SyncsLandingWithinASecondAreJudgedOnce) {
  evaluator_->soon();
  scheduler_.advance(400ms);
  evaluator_->soon();
  evaluator_->soon();
  scheduler_.advance(599ms);
  EXPECT_TRUE(evaluations_.empty());
  scheduler_.advance(1ms);
  ASSERT_EQ(evaluations_.size(), 1U);
  scheduler_.advance(10s);
  EXPECT_EQ(evaluations_.size(), 1U);
  evaluator_->soon();  // a later sync asks again
  scheduler_.advance(1s);
  EXPECT_EQ(evaluations_.size(), 2U);
}

TEST_F(EvaluatorTest, ThePeriodicEvaluationKeepsTimeAndJudgesAsOfTheDayInTheZone) {
  evaluator_->start();
  scheduler_.advance(3min);
  ASSERT_EQ(evaluations_.size(), 3U);
  // The first one, at 00:00 on 1 July: the day turned between the start and the evaluation.
  EXPECT_EQ(evaluations_[0].as_of, day(2026, 7, 1));
  evaluator_->stop();
  scheduler_.advance(10min);
  EXPECT_EQ(evaluations_.size(), 3U);
}

TEST_F(EvaluatorTest, NothingIsJudgedFromAHalfSyncedWorldUntilTheGracePasses) {
  waiting_ = {"estab_csv"};
  evaluator_->start();
  scheduler_.advance(9min);
  EXPECT_TRUE(evaluations_.empty());
  scheduler_.advance(2min);  // first_sync_grace (10 min) has passed: it goes on without them
  EXPECT_FALSE(evaluations_.empty());
  const auto count = evaluations_.size();
  waiting_.clear();
  scheduler_.advance(1min);
  EXPECT_EQ(evaluations_.size(), count + 1);
}

TEST_F(EvaluatorTest, TheFirstEvaluationJudgesEverythingAndLaterOnesWhatChanged) {
  evaluator_->evaluate();
  ASSERT_EQ(evaluations_.size(), 1U);
  EXPECT_EQ(evaluations_[0].open, 1U);  // CHAIN-004
  EXPECT_EQ(evaluations_[0].changed, 1U);
  evaluator_->evaluate();
  EXPECT_EQ(evaluations_[1].open, 1U);
  EXPECT_EQ(evaluations_[1].changed, 0U);  // nothing touched since
  evaluator_->load(payWithoutPost());      // a new engine judges everything again
  evaluator_->evaluate();
  EXPECT_EQ(evaluations_[2].changed, 1U);
}

TEST_F(EvaluatorTest, ACommittedBatchIsAppliedUnderItsConnectorsNameAndRemovalsAskForAReload) {
  EXPECT_EQ(evaluator_->regionOf(unitId(1).str()), "150702");
  EXPECT_EQ(evaluator_->regionOf(unitId(2).str()), "");
  ingest::IngestResult result;
  model::Unit second = unit(2, "扎兰屯市人民政府办公室", model::UnitKind::organ);
  second.region = "150783";
  result.records = {second, pay(person(4), unitId(2), model::Month::fromYm(2026, 5))};
  result.stats.inserted = 2;
  ASSERT_TRUE(evaluator_->apply("hr_csv", result));
  EXPECT_EQ(evaluator_->regionOf(unitId(2).str()), "150783");
  evaluator_->evaluate();
  std::vector<std::string> sources;
  for (const auto& finding : evaluator_->engine().findings()) {
    if (finding.person_id != person(4)) continue;
    for (const auto& item : finding.evidence) sources.push_back(item.source);
  }
  ASSERT_FALSE(sources.empty());
  EXPECT_THAT(sources, ::testing::Each(std::string("hr_csv")));  // not the ledger's first source

  ingest::IngestResult removal;
  removal.stats.removed = 1;
  removal.records = {unit(3, "removed with a snapshot", model::UnitKind::organ)};
  EXPECT_FALSE(evaluator_->apply("estab_csv", removal));
  EXPECT_EQ(evaluator_->regionOf(unitId(3).str()), "");  // nothing applied
}

// The alerts may be told only what an evaluation changed (lastDelta) when every other finding
// reads as before: not after a load, and not when a unit row came (its region or name may have
// changed, and the alerts show both).
TEST_F(EvaluatorTest, OnlyAnEvaluationThatLeftTheRestAsItWasOffersItsChangesAlone) {
  evaluator_->evaluate();
  ingest::IngestResult pay_row;
  pay_row.records = {pay(person(4), unitId(1), model::Month::fromYm(2026, 5))};
  pay_row.stats.inserted = 1;
  ASSERT_TRUE(evaluator_->apply("finance_csv", pay_row));
  evaluator_->evaluate();
  ingest::IngestResult unit_row;
  model::Unit moved = unit(1, "海拉尔区人民政府办公室", model::UnitKind::organ);
  moved.region = "150783";
  unit_row.records = {moved};
  unit_row.stats.updated = 1;
  ASSERT_TRUE(evaluator_->apply("estab_csv", unit_row));
  evaluator_->evaluate();
  evaluator_->evaluate();
  ASSERT_EQ(evaluations_.size(), 4U);
  EXPECT_FALSE(evaluations_[0].delta) << "the first evaluation of an engine";
  EXPECT_TRUE(evaluations_[1].delta) << "a pay row";
  EXPECT_EQ(evaluations_[1].changed, 1U);
  EXPECT_FALSE(evaluations_[2].delta) << "a unit row";
  EXPECT_TRUE(evaluations_[3].delta) << "nothing since";
  EXPECT_EQ(evaluator_->lastDelta(), nullptr) << "only while the hook runs";
}

}  // namespace
}  // namespace staffchain::daemon
