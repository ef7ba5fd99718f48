// What completes a notice: a record from the notice's target system, about the notice's person
// and unit, dated on or after the notice's date (the hire, the roster entry, the exit).
#include "staffchain/propagation/notice_tracker.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "notice_outbox_fixture.hpp"

namespace staffchain::propagation {
namespace {

using model::MovementKind;
using model::SourceRole;
using ::testing::HasSubstr;
using testing::kOtherUnit;
using testing::kUnit;
using testing::movement;
using testing::movementAt;
using testing::paid;
using testing::rosterEntry;

using NoticeTrackerTest = testing::NoticeOutboxTest;

// Issue #17: notice 484b3df766bf859e (起薪 at the unit a person had just been transferred to)
// was completed by the unit they left paying them 11 months before the roster entry.
TEST_F(NoticeTrackerTest, PayStartCompletesOnlyOnPayFromTheNoticesUnitForTheEntryMonthOrLater) {
  ingest("estab", {movement("E-7", MovementKind::roster_add, SourceRole::estab, "2026-09-15")}, "2026-10-01");
  NoticeTracker tracker(*store_);
  EXPECT_EQ(tracker.observe({paid(kOtherUnit, "2025-10")}).value(), 0U);  // the old unit, 11 months before
  EXPECT_EQ(tracker.observe({paid(kOtherUnit, "2026-10")}).value(), 0U);  // the old unit, still paying
  EXPECT_EQ(tracker.observe({paid(kUnit, "2026-08")}).value(), 0U);       // this unit, before the stay
  EXPECT_EQ(tracker.observe({movementAt(kOtherUnit, "F-1", MovementKind::pay_start, SourceRole::finance, "2026-09-20")})
                .value(),
            0U);
  EXPECT_EQ(tracker.observe({movement("F-2", MovementKind::pay_start, SourceRole::finance, "2026-08-01")}).value(), 0U);
  model::Dataset dataset;
  dataset.payroll = {paid(kOtherUnit, "2025-10"), paid(kOtherUnit, "2026-10")};
  EXPECT_EQ(tracker.observeAll(dataset).value(), 0U);
  EXPECT_EQ(only("pay_start").state, "pending");

  // Pay for the entry month itself is pay for the stay.
  EXPECT_EQ(tracker.observe({paid(kUnit, "2026-09")}).value(), 1U);
  const auto done = only("pay_start");
  EXPECT_EQ(done.state, "completed");
  EXPECT_THAT(store_->history(done.id).value().back().detail, HasSubstr("paid by " + std::string(kUnit)));
}

TEST_F(NoticeTrackerTest, APayStartMovementOfTheNoticesUnitInTheEntryMonthCompletesIt) {
  ingest("estab", {rosterEntry(kUnit, "2026-09-15")}, "2026-10-01");
  NoticeTracker tracker(*store_);
  EXPECT_EQ(tracker.observe({movement("F-1", MovementKind::pay_start, SourceRole::finance, "2026-09-01")}).value(), 1U);
  EXPECT_EQ(only("pay_start").state, "completed");
}

TEST_F(NoticeTrackerTest, RosterAddCompletesOnlyOnTheNoticesUnitOnOrAfterTheHire) {
  ingest("hr", {movement("HR-1", MovementKind::transfer_in, SourceRole::hr, "2026-09-15")}, "2026-10-01");
  NoticeTracker tracker(*store_);
  EXPECT_EQ(tracker.observe({rosterEntry(kOtherUnit, "2026-09-15")}).value(), 0U);  // the unit left
  EXPECT_EQ(tracker.observe({rosterEntry(kUnit, "2019-03-01")}).value(), 0U);       // an earlier stay
  EXPECT_EQ(tracker.observe({movementAt(kOtherUnit, "E-1", MovementKind::roster_add, SourceRole::estab, "2026-09-16")})
                .value(),
            0U);
  // Backdated before the hire: not the stay the hire opens (the old code allowed a month).
  EXPECT_EQ(tracker.observe({movement("E-2", MovementKind::roster_add, SourceRole::estab, "2026-09-01")}).value(), 0U);
  EXPECT_EQ(only("roster_add").state, "pending");
  EXPECT_EQ(tracker.observe({rosterEntry(kUnit, "2026-09-15")}).value(), 1U);
  EXPECT_EQ(only("roster_add").state, "completed");
}

TEST_F(NoticeTrackerTest, RosterRemoveCompletesOnlyOnTheNoticesUnitOnOrAfterTheExit) {
  ingest("hr", {movement("HR-1", MovementKind::transfer_out, SourceRole::hr, "2026-09-15")}, "2026-10-01");
  NoticeTracker tracker(*store_);
  EXPECT_EQ(
      tracker.observe({movementAt(kOtherUnit, "E-1", MovementKind::roster_remove, SourceRole::estab, "2026-09-20")})
          .value(),
      0U);
  EXPECT_EQ(tracker.observe({movement("E-2", MovementKind::roster_remove, SourceRole::estab, "2026-09-14")}).value(),
            0U);
  EXPECT_EQ(only("roster_remove").state, "pending");
  EXPECT_EQ(tracker.observe({movement("E-3", MovementKind::roster_remove, SourceRole::estab, "2026-09-15")}).value(),
            1U);
  EXPECT_EQ(only("roster_remove").state, "completed");
}

TEST_F(NoticeTrackerTest, PayStopCompletesOnlyOnAStopByTheNoticesUnitFromTheExitMonthOn) {
  ingest("hr", {movement("HR-1", MovementKind::transfer_out, SourceRole::hr, "2026-09-15")}, "2026-10-01");
  NoticeTracker tracker(*store_);
  // The unit the person moved to stopping pay (of an earlier stay there) does not stop this one's.
  EXPECT_EQ(tracker.observe({movementAt(kOtherUnit, "F-1", MovementKind::pay_stop, SourceRole::finance, "2026-09-30")})
                .value(),
            0U);
  EXPECT_EQ(tracker.observe({movement("F-2", MovementKind::pay_stop, SourceRole::finance, "2026-08-31")}).value(), 0U);
  EXPECT_EQ(only("pay_stop").state, "pending");
  EXPECT_EQ(tracker.observe({movement("F-3", MovementKind::pay_stop, SourceRole::finance, "2026-09-30")}).value(), 1U);
  EXPECT_EQ(only("pay_stop").state, "completed");
}

// Pay from the unit the person moved to is not pay from the unit that had to stop it.
TEST_F(NoticeTrackerTest, TheOldUnitsPayrollWithoutThePersonCompletesTheStopWhileTheNewUnitPaysThem) {
  ingest("hr", {movement("HR-1", MovementKind::transfer_out, SourceRole::hr, "2026-09-15")}, "2026-10-01");
  NoticeTracker tracker(*store_);
  model::Dataset dataset;
  dataset.payroll = {paid(kUnit, "2026-09"), paid(kUnit, "2026-10", "440524188001010014"), paid(kOtherUnit, "2026-10")};
  EXPECT_EQ(tracker.observeAll(dataset).value(), 1U);
  EXPECT_EQ(only("pay_stop").state, "completed");
}

TEST_F(NoticeTrackerTest, LeaderPostsCompleteOnTheAppointedPostInTheNoticesUnit) {
  auto appoint = movement("ORG-1", MovementKind::appoint_leader, SourceRole::org, "2026-09-15");
  appoint.leader_level = model::LeaderLevel::county;
  appoint.leader_rank = model::LeaderRank::deputy;
  ingest("org", {appoint}, "2026-10-01");
  NoticeTracker tracker(*store_);
  auto elsewhere = rosterEntry(kOtherUnit, "2019-03-01");
  elsewhere.leader_level = model::LeaderLevel::county;
  elsewhere.leader_rank = model::LeaderRank::deputy;
  auto other_rank = rosterEntry(kUnit, "2019-03-01");
  other_rank.leader_level = model::LeaderLevel::county;
  other_rank.leader_rank = model::LeaderRank::chief;
  EXPECT_EQ(tracker.observe({elsewhere, other_rank}).value(), 0U);
  auto held = other_rank;
  held.leader_rank = model::LeaderRank::deputy;
  EXPECT_EQ(tracker.observe({held}).value(), 1U);
  EXPECT_EQ(only("leader_posts").state, "completed");
}

}  // namespace
}  // namespace staffchain::propagation
