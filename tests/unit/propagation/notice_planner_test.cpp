#include "staffchain/propagation/notice_planner.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "propagation_test_support.hpp"
#include "staffchain/plugin/sink.hpp"

namespace staffchain::propagation {
namespace {

using model::MovementKind;
using model::SourceRole;
using testing::date;
using testing::movement;
using testing::planner;

std::string fieldOf(const ledger::OutboxNotice& notice, std::string_view column) {
  for (const auto& pair : nlohmann::json::parse(notice.fields_json)) {
    if (pair[0] == column) return pair[1];
  }
  return "<absent>";
}

TEST(NoticePlanner, RetirementTellsEstabToRemoveAndFinanceToStopPayFromTheNextMonth) {
  const auto notices = planner().plan({movement("HR-1", MovementKind::retire, SourceRole::hr, "2026-09-15")},
                                      date("2026-10-01"), "2026-10-01T08:00:00Z");
  ASSERT_EQ(notices.size(), 2U);
  EXPECT_EQ(notices[0].sink, "estab_csv");
  EXPECT_EQ(notices[0].action, "roster_remove");
  EXPECT_EQ(notices[0].target_system, "estab");
  EXPECT_EQ(notices[0].deadline, "2026-09-30");  // 15 days
  EXPECT_EQ(notices[1].sink, "finance_pg");
  EXPECT_EQ(notices[1].action, "pay_stop");
  EXPECT_EQ(notices[1].deadline, "2026-10-01");
  EXPECT_EQ(fieldOf(notices[1], "pay_stop_from"), "2026-10");
  EXPECT_EQ(fieldOf(notices[1], "movement_id"), "HR-1");
  EXPECT_EQ(fieldOf(notices[1], "person_id"), testing::kPerson);
  EXPECT_EQ(fieldOf(notices[1], "notice_id"), notices[1].id);
  EXPECT_EQ(fieldOf(notices[1], "issued_at"), "2026-10-01T08:00:00Z");
}

TEST(NoticePlanner, EveryNoticeCarriesEveryCanonicalColumnInOrder) {
  const auto notices =
      planner().plan({movement("HR-1", MovementKind::hire, SourceRole::hr, "2026-09-15")}, date("2026-10-01"), "t");
  ASSERT_EQ(notices.size(), 1U);
  const auto fields = nlohmann::json::parse(notices[0].fields_json);
  ASSERT_EQ(fields.size(), plugin::kNoticeColumns.size());
  for (std::size_t i = 0; i < fields.size(); ++i) EXPECT_EQ(fields[i][0], plugin::kNoticeColumns[i]);
  EXPECT_EQ(notices[0].action, "roster_add");
  EXPECT_EQ(notices[0].deadline, "2026-10-15");  // roster_after_hire_days 30
}

TEST(NoticePlanner, GraceMonthsAndDeadlinesComeFromTheSettings) {
  PropagationSettings settings;
  settings.payroll_grace_months = 1;
  settings.pay_after_roster_days = 10;
  auto p = planner(settings);
  const auto stop =
      p.plan({movement("HR-1", MovementKind::death, SourceRole::hr, "2026-09-15")}, date("2026-10-01"), "t");
  ASSERT_EQ(stop.size(), 2U);
  EXPECT_EQ(fieldOf(stop[1], "pay_stop_from"), "2026-11");
  const auto start =
      p.plan({movement("E-1", MovementKind::roster_add, SourceRole::estab, "2026-09-15")}, date("2026-10-01"), "t");
  ASSERT_EQ(start.size(), 1U);
  EXPECT_EQ(start[0].action, "pay_start");
  EXPECT_EQ(start[0].sink, "finance_pg");
  EXPECT_EQ(start[0].deadline, "2026-09-25");
}

TEST(NoticePlanner, KeysAreStableAndDifferByPersonUnitActionStayAndSink) {
  const auto stay = date("2026-09-15");
  const auto a = noticeKey(testing::kPerson, testing::kUnit, NoticeAction::pay_stop, stay, "finance_pg");
  EXPECT_EQ(a, noticeKey(testing::kPerson, testing::kUnit, NoticeAction::pay_stop, stay, "finance_pg"));
  EXPECT_EQ(a.size(), 16U);
  // Ids stored by earlier versions stay valid: FNV-1a over the parts, each ended by 0x1f.
  EXPECT_EQ(noticeKey(testing::kPerson, testing::kUnit, NoticeAction::pay_stop, date("2026-05-01"), "finance_exchange"),
            "2e3d16635818c8b2");
  EXPECT_NE(a, noticeKey("440524188001010014", testing::kUnit, NoticeAction::pay_stop, stay, "finance_pg"));
  EXPECT_NE(a, noticeKey(testing::kPerson, testing::kOtherUnit, NoticeAction::pay_stop, stay, "finance_pg"));
  EXPECT_NE(a, noticeKey(testing::kPerson, testing::kUnit, NoticeAction::pay_start, stay, "finance_pg"));
  EXPECT_NE(a, noticeKey(testing::kPerson, testing::kUnit, NoticeAction::pay_stop, stay.plusDays(1), "finance_pg"));
  EXPECT_NE(a, noticeKey(testing::kPerson, testing::kUnit, NoticeAction::pay_stop, stay, "finance_pg2"));
  EXPECT_NE(noticeKey("ab", "c", NoticeAction::pay_stop, stay, "s"),
            noticeKey("a", "bc", NoticeAction::pay_stop, stay, "s"));
  // Planned twice (a re-ingest, a restart): the same ids.
  const auto first =
      planner().plan({movement("HR-1", MovementKind::retire, SourceRole::hr, "2026-09-15")}, date("2026-10-01"), "t1");
  const auto second =
      planner().plan({movement("HR-1", MovementKind::retire, SourceRole::hr, "2026-09-15")}, date("2026-10-05"), "t2");
  ASSERT_EQ(first.size(), second.size());
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i].id, second[i].id);
}

// Issue #17: 22 people got two 起薪 notices, one from the roster_add movement and one from the
// roster row, with different ids, so the finance system could not drop the repeat.
TEST(NoticePlanner, TheRosterAddMovementAndTheRosterRowOfOneStayMakeOnePayStartNoticeWithOneId) {
  const auto added = movement("E-7", MovementKind::roster_add, SourceRole::estab, "2026-09-15");
  const auto row = testing::rosterEntry(testing::kUnit, "2026-09-15");
  const auto from_movement = planner().plan({added}, date("2026-10-01"), "t");
  const auto from_row = planner().plan({row}, date("2026-10-02"), "t");
  ASSERT_EQ(from_movement.size(), 1U);
  ASSERT_EQ(from_row.size(), 1U);
  EXPECT_EQ(from_movement[0].id, from_row[0].id);
  EXPECT_EQ(fieldOf(from_row[0], "notice_id"), from_movement[0].id);

  // In one batch, in either order, one notice: the movement's, which names a real movement.
  for (const auto& batch : {std::vector<model::Record>{row, added}, std::vector<model::Record>{added, row}}) {
    const auto both = planner().plan(batch, date("2026-10-01"), "t");
    ASSERT_EQ(both.size(), 1U);
    EXPECT_EQ(both[0].id, from_movement[0].id);
    EXPECT_EQ(fieldOf(both[0], "movement_id"), "E-7");
  }
  // Another stay of the person in the unit (entered again later) is another notice.
  const auto later = planner().plan({testing::rosterEntry(testing::kUnit, "2027-03-01")}, date("2027-03-02"), "t");
  ASSERT_EQ(later.size(), 1U);
  EXPECT_NE(later[0].id, from_movement[0].id);
}

TEST(NoticePlanner, TwoRecordsOfOneHireOrOneExitMakeOneNoticePerAction) {
  // hr records the hire and org the transfer of the same person into the same unit that day.
  const auto hire = planner().plan({movement("HR-1", MovementKind::hire, SourceRole::hr, "2026-09-15"),
                                    movement("ORG-1", MovementKind::transfer_in, SourceRole::org, "2026-09-15")},
                                   date("2026-10-01"), "t");
  ASSERT_EQ(hire.size(), 1U);
  EXPECT_EQ(hire[0].action, "roster_add");
  const auto exit = planner().plan({movement("HR-2", MovementKind::retire, SourceRole::hr, "2026-09-30"),
                                    movement("ORG-2", MovementKind::retire, SourceRole::org, "2026-09-30")},
                                   date("2026-10-01"), "t");
  ASSERT_EQ(exit.size(), 2U);
  EXPECT_EQ(exit[0].action, "roster_remove");
  EXPECT_EQ(exit[1].action, "pay_stop");
}

TEST(NoticePlanner, OldMovementsAndTheTargetsOwnRecordsCauseNone) {
  EXPECT_TRUE(planner()
                  .plan({movement("HR-1", MovementKind::retire, SourceRole::hr, "2025-01-15")}, date("2026-10-01"), "t")
                  .empty());
  // A roster_add recorded by finance would go to finance itself: nothing to tell.
  EXPECT_TRUE(
      planner()
          .plan({movement("F-1", MovementKind::roster_add, SourceRole::finance, "2026-09-15")}, date("2026-10-01"), "t")
          .empty());
  // Kinds with no rule.
  EXPECT_TRUE(
      planner()
          .plan({movement("HR-2", MovementKind::second_out, SourceRole::hr, "2026-09-15")}, date("2026-10-01"), "t")
          .empty());
}

TEST(NoticePlanner, RulesSwitchedOffWriteNothingAndDryRunSinksAreMarked) {
  PropagationSettings settings;
  settings.rules = {PropagationRule::exit_to_finance};
  const auto notices = planner(settings, true)
                           .plan({movement("HR-1", MovementKind::retire, SourceRole::hr, "2026-09-15"),
                                  movement("HR-2", MovementKind::hire, SourceRole::hr, "2026-09-15")},
                                 date("2026-10-01"), "t");
  ASSERT_EQ(notices.size(), 1U);
  EXPECT_EQ(notices[0].action, "pay_stop");

  const auto dry = planner({}, true).plan({movement("HR-2", MovementKind::hire, SourceRole::hr, "2026-09-15")},
                                          date("2026-10-01"), "t");
  ASSERT_EQ(dry.size(), 1U);
  EXPECT_TRUE(dry[0].dry_run);
  EXPECT_EQ(fieldOf(dry[0], "dry_run"), "true");
}

TEST(NoticePlanner, LeaderAppointmentsAndRosterRowsHaveTheirNotices) {
  auto appoint = movement("ORG-1", MovementKind::appoint_leader, SourceRole::org, "2026-09-15");
  appoint.leader_level = model::LeaderLevel::county;
  appoint.leader_rank = model::LeaderRank::deputy;
  model::RosterEntry entry;
  entry.person_id = appoint.person_id;
  entry.unit_id = appoint.unit_id;
  entry.entered_on = date("2026-09-20");
  const auto notices = planner().plan({appoint, entry}, date("2026-10-01"), "t");
  ASSERT_EQ(notices.size(), 2U);
  EXPECT_EQ(notices[0].action, "leader_posts");
  EXPECT_EQ(fieldOf(notices[0], "leader_level"), "county");
  EXPECT_EQ(notices[1].action, "pay_start");
  EXPECT_EQ(fieldOf(notices[1], "movement_kind"), "roster_add");
  EXPECT_EQ(notices[1].deadline, "2026-11-19");
}

TEST(NoticePlanner, NoSinkForTheTargetMeansNoNotice) {
  NoticePlanner only_estab({}, {{"estab_csv", SourceRole::estab, false}});
  const auto notices =
      only_estab.plan({movement("HR-1", MovementKind::retire, SourceRole::hr, "2026-09-15")}, date("2026-10-01"), "t");
  ASSERT_EQ(notices.size(), 1U);
  EXPECT_EQ(notices[0].target_system, "estab");
}

}  // namespace
}  // namespace staffchain::propagation
