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
  config::PropagationSettings settings;
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

TEST(NoticePlanner, KeysAreStableAndDifferByMovementActionAndSink) {
  const auto a = noticeKey("HR-1", NoticeAction::pay_stop, "finance_pg");
  EXPECT_EQ(a, noticeKey("HR-1", NoticeAction::pay_stop, "finance_pg"));
  EXPECT_EQ(a.size(), 16U);
  EXPECT_NE(a, noticeKey("HR-2", NoticeAction::pay_stop, "finance_pg"));
  EXPECT_NE(a, noticeKey("HR-1", NoticeAction::pay_start, "finance_pg"));
  EXPECT_NE(a, noticeKey("HR-1", NoticeAction::pay_stop, "finance_pg2"));
  EXPECT_NE(noticeKey("ab", NoticeAction::pay_stop, "c"), noticeKey("a", NoticeAction::pay_stop, "bc"));
  // Planned twice (a re-ingest, a restart): the same ids.
  const auto first =
      planner().plan({movement("HR-1", MovementKind::retire, SourceRole::hr, "2026-09-15")}, date("2026-10-01"), "t1");
  const auto second =
      planner().plan({movement("HR-1", MovementKind::retire, SourceRole::hr, "2026-09-15")}, date("2026-10-05"), "t2");
  ASSERT_EQ(first.size(), second.size());
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i].id, second[i].id);
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
  config::PropagationSettings settings;
  settings.rules = {config::PropagationRule::exit_to_finance};
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
