// CHAIN-007, 011, 012, 016 and DATA-001: unit-level and data rules.
#include <gtest/gtest.h>

#include <algorithm>

#include "chain_test_support.hpp"

namespace staffchain::chain::testing {
namespace {

using model::EstabType;
using model::LeaderLevel;
using model::LeaderRank;
using model::MovementKind;
using model::UnitKind;

class UnitRules : public ::testing::Test {
 protected:
  void SetUp() override {
    data.units = {unit(1, "海拉尔区人民政府办公室", UnitKind::organ),
                  unit(2, "海拉尔区第一中学", UnitKind::public_welfare_1)};
    data.quotas = {quota(u1, EstabType::admin, 2, day(2020, 1, 1)),
                   quota(u2, EstabType::institution, 5, day(2020, 1, 1))};
  }
  // On the roster of `u` and paid every month of 2024 up to June.
  void staff(int seq, const model::UnitId& u, EstabType type, Date entered) {
    data.roster.push_back(roster(person(seq), u, type, entered));
    for (unsigned m = 1; m <= 6; ++m) data.payroll.push_back(pay(person(seq), u, Month::fromYm(2024, m)));
  }
  model::UnitId u1 = unitId(1);
  model::UnitId u2 = unitId(2);
  model::Dataset data;
  Date asOf = day(2024, 6, 30);
};

TEST_F(UnitRules, LeadersAboveApprovedPostsFireCHAIN007) {
  model::LeaderQuota lq;
  lq.unit_id = u1;
  lq.level = LeaderLevel::county;
  lq.rank = LeaderRank::deputy;
  lq.approved = 1;
  data.leader_quotas.push_back(lq);
  staff(1, u1, EstabType::admin, day(2015, 1, 1));
  staff(2, u1, EstabType::admin, day(2015, 1, 1));
  auto appoint = [&](std::string id, int seq, Date on) {
    auto m = move(std::move(id), MovementKind::appoint_leader, person(seq), u1, on);
    m.source = model::SourceRole::org;
    m.leader_level = LeaderLevel::county;
    m.leader_rank = LeaderRank::deputy;
    data.movements.push_back(m);
  };
  appoint("L1", 1, day(2020, 1, 1));
  EXPECT_TRUE(ofRule(evaluate(data, asOf), "CHAIN-007").empty());
  appoint("L2", 2, day(2024, 2, 1));
  auto found = ofRule(evaluate(data, asOf), "CHAIN-007");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_TRUE(found[0].person_id.empty());
  EXPECT_EQ(found[0].since, day(2024, 2, 1));
  auto removal = move("L3", MovementKind::remove_leader, person(1), u1, day(2024, 5, 1));
  data.movements.push_back(removal);
  EXPECT_TRUE(ofRule(evaluate(data, asOf), "CHAIN-007").empty());
}

TEST_F(UnitRules, InstitutionPostInOrganFiresCHAIN011) {
  staff(1, u1, EstabType::admin, day(2015, 1, 1));
  EXPECT_TRUE(evaluate(data, asOf).empty());
  staff(2, u1, EstabType::institution, day(2016, 3, 1));
  staff(3, u2, EstabType::admin, day(2017, 3, 1));
  auto found = ofRule(evaluate(data, asOf), "CHAIN-011");
  ASSERT_EQ(found.size(), 2U);
  EXPECT_EQ(found[0].person_id == person(2) ? found[0].since : found[1].since, day(2016, 3, 1));
}

TEST_F(UnitRules, HeadcountAboveQuotaFiresCHAIN012WithRunStart) {
  staff(1, u1, EstabType::admin, day(2015, 1, 1));
  staff(2, u1, EstabType::admin, day(2016, 1, 1));
  EXPECT_TRUE(ofRule(evaluate(data, asOf), "CHAIN-012").empty()) << "exactly at quota is not over it";
  staff(3, u1, EstabType::admin, day(2021, 7, 1));
  auto found = ofRule(evaluate(data, asOf), "CHAIN-012");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].since, day(2021, 7, 1));
  EXPECT_TRUE(found[0].person_id.empty());
  // Raised to 3 in 2022 and cut back to 2 in 2023: the current run of excess starts at the cut.
  data.quotas.push_back(quota(u1, EstabType::admin, 3, day(2022, 1, 1)));
  data.quotas.push_back(quota(u1, EstabType::admin, 2, day(2023, 4, 1)));
  found = ofRule(evaluate(data, asOf), "CHAIN-012");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].since, day(2023, 4, 1));
}

// Occupancy counts everyone on the roster (DOMAIN.md §3), also a person known only from their
// roster_add: movements carry no establishment type, and in a unit of one type there is no doubt
// which posts the person takes. Where the unit holds several types the stay stays unattributed.
TEST_F(UnitRules, AStayKnownOnlyFromItsRosterAddCountsInAUnitOfOneType) {
  staff(1, u1, EstabType::admin, day(2015, 1, 1));
  staff(2, u1, EstabType::admin, day(2016, 1, 1));
  data.movements.push_back(move("RA-3", MovementKind::roster_add, person(3), u1, day(2024, 2, 1)));
  for (unsigned m = 3; m <= 6; ++m) data.payroll.push_back(pay(person(3), u1, Month::fromYm(2024, m)));
  auto found = ofRule(evaluate(data, asOf), "CHAIN-012");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].since, day(2024, 2, 1));
  // Removed from the roster in May: the excess ended then.
  data.movements.push_back(move("RR-3", MovementKind::roster_remove, person(3), u1, day(2024, 5, 1)));
  EXPECT_TRUE(ofRule(evaluate(data, asOf), "CHAIN-012").empty());
  // While it was there the unit was over: a hire into it then had no vacancy.
  data.movements.pop_back();
  data.approvals.push_back(approval("HB-1", u1, EstabType::admin, 1, day(2024, 1, 10), day(2024, 12, 31)));
  data.movements.push_back(move("H-4", MovementKind::hire, person(4), u1, day(2024, 3, 1), "HB-1"));
  EXPECT_EQ(ofRule(evaluate(data, asOf), "CHAIN-002").size(), 1U);

  // A unit of two types: which posts the person took is not known, and nobody is accused for it.
  data.movements.pop_back();
  data.quotas.push_back(quota(u1, EstabType::service, 1, day(2020, 1, 1)));
  EXPECT_TRUE(ofRule(evaluate(data, asOf), "CHAIN-012").empty());

  // The same, one change at a time: the unit's second type arrives and takes the doubt with it.
  data.quotas.pop_back();
  ChainEngine engine({});
  engine.load(data);
  ASSERT_EQ(ofRule(engine.evaluateTouched(asOf).changed, "CHAIN-012").size(), 1U);
  engine.apply(model::Record{quota(u1, EstabType::service, 1, day(2020, 1, 1))});
  EXPECT_EQ(engine.evaluateTouched(asOf).resolved.size(), 1U);
  EXPECT_TRUE(ofRule(engine.findings(), "CHAIN-012").empty());
  engine.remove(model::RecordType::quota,
                model::recordKey(model::Record{quota(u1, EstabType::service, 1, day(2020, 1, 1))}));
  (void)engine.evaluateTouched(asOf);
  EXPECT_EQ(ofRule(engine.findings(), "CHAIN-012").size(), 1U);
}

// The same stay arriving after the unit was judged (DOMAIN.md §3 for every occupancy reader):
// the incremental evaluation judges the unit again as a full one would, the posts, the vacancy
// pool and the pre-check count the person; once taken off the roster the person still counts on
// the days the post was held, on any evaluation date.
TEST_F(UnitRules, ARosterAddArrivingLaterIsCountedByEveryOccupancyReaderOnTheDaysItHeld) {
  staff(1, u1, EstabType::admin, day(2015, 1, 1));
  staff(2, u1, EstabType::admin, day(2016, 1, 1));
  ChainEngine engine({});
  engine.load(data);
  EXPECT_TRUE(ofRule(engine.evaluateTouched(asOf).changed, "CHAIN-012").empty());
  EXPECT_EQ(engine.posts(u1, EstabType::admin, asOf).occupied, 2);
  // Asked once before: what the pre-check keeps between evaluations is filled.
  PrecheckRequest hire;
  hire.kind = PrecheckKind::hire;
  hire.unit = u1;
  hire.type = EstabType::admin;
  hire.on = asOf;
  ASSERT_TRUE(engine.precheck(hire).posts);
  EXPECT_EQ(engine.precheck(hire).posts->occupied, 2);

  const std::vector<model::Record> arriving{
      model::Record{move("RA-3", MovementKind::roster_add, person(3), u1, day(2024, 2, 1))},
      model::Record{pay(person(3), u1, Month::fromYm(2024, 2))},
      model::Record{pay(person(3), u1, Month::fromYm(2024, 3))}};
  for (const auto& record : arriving) {
    engine.apply(record);
    model::appendRecord(data, model::Record{record});
  }
  const auto found = ofRule(engine.evaluateTouched(asOf).changed, "CHAIN-012");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].since, day(2024, 2, 1));
  EXPECT_EQ(engine.findings(), evaluate(data, asOf));
  EXPECT_EQ(engine.posts(u1, EstabType::admin, asOf).occupied, 3);
  VacancyFilter only;
  only.unit = u1;
  const auto pool = engine.vacancies(asOf, only);
  ASSERT_EQ(pool.size(), 1U);
  EXPECT_EQ(pool[0].posts.occupied, 3);
  const auto answer = engine.precheck(hire);
  ASSERT_TRUE(answer.posts);
  EXPECT_EQ(answer.posts->occupied, 3);
  EXPECT_FALSE(answer.allowed);
  EXPECT_TRUE(std::any_of(answer.reasons.begin(), answer.reasons.end(),
                          [](const PrecheckReason& r) { return r.code == "no_vacancy"; }));

  // Off the roster on 2024-05-01: the excess ends there, and a day it lasted still sees it.
  const model::Record removal{move("RR-3", MovementKind::roster_remove, person(3), u1, day(2024, 5, 1))};
  engine.apply(removal);
  model::appendRecord(data, model::Record{removal});
  EXPECT_EQ(engine.evaluateTouched(asOf).resolved.size(), 1U);
  EXPECT_EQ(engine.findings(), evaluate(data, asOf));
  EXPECT_EQ(engine.posts(u1, EstabType::admin, asOf).occupied, 2);
  EXPECT_EQ(engine.posts(u1, EstabType::admin, day(2024, 4, 30)).occupied, 3);
  EXPECT_EQ(ofRule(engine.evaluateTouched(day(2024, 4, 30)).changed, "CHAIN-012").size(), 1U);
}

TEST_F(UnitRules, ApprovalToSuspendedUnitFiresCHAIN016) {
  // Ghost pay (critical) at u1 since 2024-02-01.
  data.payroll.push_back(pay(person(9), u1, Month::fromYm(2024, 2)));
  data.approvals.push_back(approval("A-1", u1, EstabType::admin, 1, day(2024, 3, 1), day(2024, 12, 31)));
  EXPECT_TRUE(ofRule(evaluate(data, asOf), "CHAIN-016").empty()) << "29 days after: not yet suspended";
  data.approvals.push_back(approval("A-2", u1, EstabType::admin, 1, day(2024, 3, 2), day(2024, 12, 31)));
  auto found = ofRule(evaluate(data, asOf), "CHAIN-016");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].since, day(2024, 3, 2));
  EXPECT_EQ(found[0].severity, Severity::major);
  ASSERT_EQ(found[0].evidence.size(), 2U);
  EXPECT_EQ(found[0].evidence[1].record_type, "finding");
  // The ghost pay is fixed: the suspension never was.
  data.payroll.clear();
  EXPECT_TRUE(ofRule(evaluate(data, asOf), "CHAIN-016").empty());
}

TEST_F(UnitRules, QuarantineRowsAreOneFindingPerRow) {
  auto entry = [](std::string origin, std::string field, std::string reason) {
    model::QuarantineEntry q;
    q.source = "roster_csv";
    q.type = model::RecordType::roster;
    q.origin = std::move(origin);
    q.field = std::move(field);
    q.value = "15070219800101001X";
    q.reason = std::move(reason);
    return q;
  };
  data.quarantine = {entry("roster.csv:17", "person_id", "check digit is X, expected 3"),
                     entry("roster.csv:17", "estab_type", "unknown code"), entry("roster.csv:18", "person_id", "bad")};
  auto found = ofRule(evaluate(data, asOf), "DATA-001");
  ASSERT_EQ(found.size(), 2U);
  const auto& row17 = found[0].evidence.size() == 2 ? found[0] : found[1];
  EXPECT_EQ(row17.evidence.size(), 2U);
  EXPECT_NE(row17.summary_en.find("roster.csv:17"), std::string::npos);
  EXPECT_NE(row17.summary_en.find("estab_type"), std::string::npos);
  EXPECT_EQ(row17.summary_en.find("15070219800101001X"), std::string::npos) << "ids are masked in summaries";
  EXPECT_EQ(row17.severity, Severity::minor);
}

// A connector may quarantine a cell as it came (full-width digits and all): the summary masks
// the id in it, and leaves a unit's credit code readable even when it is shaped like an id.
TEST_F(UnitRules, QuarantineSummariesMaskFullWidthIdsButNotUnitCodes) {
  model::QuarantineEntry person;
  person.source = "hr_api";
  person.type = model::RecordType::movement;
  person.origin = "HR-2024-0007";
  person.field = "person_id";
  person.value = "１５０７０２１９８００１０１１２３９";
  person.reason = "not a citizen id";
  auto unit = person;
  unit.field = "unit_id";
  unit.value = "12150700000237571X";
  unit.reason = "unknown unit";
  data.quarantine = {person, unit};
  const auto found = ofRule(evaluate(data, asOf), "DATA-001");
  ASSERT_EQ(found.size(), 1U);
  for (const auto& summary : {found[0].summary_en, found[0].summary_zh}) {
    EXPECT_NE(summary.find("１５０７０２＊＊＊＊＊＊＊＊１２３９"), std::string::npos) << summary;
    EXPECT_NE(summary.find("12150700000237571X"), std::string::npos) << summary;
  }
}

}  // namespace
}  // namespace staffchain::chain::testing
