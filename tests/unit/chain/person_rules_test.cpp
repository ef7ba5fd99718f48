// CHAIN-004, 005, 006, 009, 010, 013, 014, 015: pay, exits, deaths, age and secondments.
#include <gtest/gtest.h>

#include "chain_test_support.hpp"

namespace staffchain::chain::testing {
namespace {

using model::EstabType;
using model::MovementKind;
using model::UnitKind;

class PersonRules : public ::testing::Test {
 protected:
  void SetUp() override {
    data.units = {unit(1, "海拉尔区人民政府办公室", UnitKind::organ),
                  unit(2, "海拉尔区第一中学", UnitKind::public_welfare_1)};
    data.quotas = {quota(u1, EstabType::admin, 5, day(2020, 1, 1)),
                   quota(u2, EstabType::institution, 5, day(2020, 1, 1))};
  }
  void payMonths(const model::PersonId& who, const model::UnitId& by, Month from, Month to) {
    for (auto m = from; m <= to; m = m.plus(1)) data.payroll.push_back(pay(who, by, m));
  }
  model::UnitId u1 = unitId(1);
  model::UnitId u2 = unitId(2);
  model::PersonId p = person(1);
  model::Dataset data;
  Date asOf = day(2024, 6, 30);
};

TEST_F(PersonRules, PayWithoutRosterFiresCHAIN004) {
  payMonths(p, u1, Month::fromYm(2024, 1), Month::fromYm(2024, 6));
  auto found = ofRule(evaluate(data, asOf), "CHAIN-004");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].since, day(2024, 1, 1));
  EXPECT_EQ(found[0].severity, Severity::critical);
  EXPECT_NE(found[0].summary_en.find("on no unit's roster"), std::string::npos) << found[0].summary_en;

  data.roster.push_back(roster(p, u1, EstabType::admin, day(2023, 12, 1)));
  EXPECT_TRUE(ofRule(evaluate(data, asOf), "CHAIN-004").empty());
}

TEST_F(PersonRules, PayBeforeRosterEntryFiresCHAIN004) {
  payMonths(p, u1, Month::fromYm(2024, 1), Month::fromYm(2024, 6));
  data.roster.push_back(roster(p, u1, EstabType::admin, day(2024, 3, 10)));
  auto found = ofRule(evaluate(data, asOf), "CHAIN-004");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].since, day(2024, 1, 1));
  EXPECT_NE(found[0].summary_en.find("before the roster entry on 2024-03-10"), std::string::npos)
      << found[0].summary_en;
  // Pay for the month of the roster entry itself is in order.
  data.payroll.clear();
  payMonths(p, u1, Month::fromYm(2024, 3), Month::fromYm(2024, 6));
  EXPECT_TRUE(ofRule(evaluate(data, asOf), "CHAIN-004").empty());
}

TEST_F(PersonRules, ExitStillOnRosterFiresCHAIN005) {
  data.roster.push_back(roster(p, u1, EstabType::admin, day(2010, 1, 1)));
  data.movements.push_back(move("E1", MovementKind::resign, p, u1, day(2024, 6, 1)));
  EXPECT_TRUE(ofRule(evaluate(data, day(2024, 6, 16)), "CHAIN-005").empty());
  auto found = ofRule(evaluate(data, day(2024, 6, 17)), "CHAIN-005");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].since, day(2024, 6, 16));
  data.roster.clear();  // the snapshot no longer shows the person
  EXPECT_TRUE(ofRule(evaluate(data, asOf), "CHAIN-005").empty());
}

TEST_F(PersonRules, PayAfterExitMonthFiresCHAIN006) {
  data.movements.push_back(move("E1", MovementKind::retire, p, u1, day(2024, 3, 20)));
  payMonths(p, u1, Month::fromYm(2024, 1), Month::fromYm(2024, 3));
  data.roster.push_back(roster(p, u1, EstabType::admin, day(2010, 1, 1)));
  data.movements.push_back(move("E2", MovementKind::roster_remove, p, u1, day(2024, 3, 25)));
  data.roster.clear();
  data.movements.push_back(move("A1", MovementKind::roster_add, p, u1, day(2010, 1, 1)));
  EXPECT_TRUE(ofRule(evaluate(data, asOf), "CHAIN-006").empty()) << "pay for the exit month itself is allowed";
  payMonths(p, u1, Month::fromYm(2024, 4), Month::fromYm(2024, 5));
  const auto all = evaluate(data, asOf);
  auto found = ofRule(all, "CHAIN-006");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].since, day(2024, 4, 1));
  EXPECT_NE(found[0].summary_en.find("2024-04..2024-05 after retire on 2024-03-20"), std::string::npos)
      << found[0].summary_en;
  EXPECT_TRUE(ofRule(all, "CHAIN-004").empty()) << "ghost pay is reported once, as CHAIN-006";
  RuleParams lenient;
  lenient.payroll_grace_months = 2;
  EXPECT_TRUE(ofRule(evaluate(data, asOf, lenient), "CHAIN-006").empty());
}

// DOMAIN.md §3: an exit recorded for a unit ends the claim on that unit's pay whether or not a
// roster stay there is known. The months before the exit are pay without roster (CHAIN-004).
TEST_F(PersonRules, PayAfterAnExitFromAUnitNeverOnItsRosterFiresCHAIN006) {
  data.movements.push_back(move("E1", MovementKind::resign, p, u1, day(2024, 3, 20)));
  payMonths(p, u1, Month::fromYm(2024, 1), Month::fromYm(2024, 3));
  auto all = evaluate(data, asOf);
  EXPECT_TRUE(ofRule(all, "CHAIN-006").empty()) << "pay up to the exit month is not ghost pay";
  ASSERT_EQ(ofRule(all, "CHAIN-004").size(), 1U);

  payMonths(p, u1, Month::fromYm(2024, 4), Month::fromYm(2024, 6));
  all = evaluate(data, asOf);
  const auto ghost = ofRule(all, "CHAIN-006");
  ASSERT_EQ(ghost.size(), 1U);
  EXPECT_EQ(ghost[0].unit_id, u1);
  EXPECT_EQ(ghost[0].since, day(2024, 4, 1));
  EXPECT_NE(ghost[0].summary_en.find("2024-04..2024-06 after resign on 2024-03-20"), std::string::npos)
      << ghost[0].summary_en;
  const auto unrostered = ofRule(all, "CHAIN-004");
  ASSERT_EQ(unrostered.size(), 1U);
  EXPECT_EQ(unrostered[0].since, day(2024, 1, 1));
  EXPECT_EQ(unrostered[0].evidence.size(), 3U) << "only the months up to the exit are pay without roster";
}

TEST_F(PersonRules, PayAfterAnExitFromAUnitWhileOnAnotherUnitsRosterFiresCHAIN006) {
  data.roster.push_back(roster(p, u2, EstabType::institution, day(2010, 1, 1)));
  payMonths(p, u2, Month::fromYm(2024, 1), Month::fromYm(2024, 6));
  payMonths(p, u1, Month::fromYm(2024, 1), Month::fromYm(2024, 6));
  data.movements.push_back(move("E1", MovementKind::transfer_out, p, u1, day(2024, 2, 15)));
  const auto all = evaluate(data, asOf);
  const auto ghost = ofRule(all, "CHAIN-006");
  ASSERT_EQ(ghost.size(), 1U);
  EXPECT_EQ(ghost[0].unit_id, u1);
  EXPECT_EQ(ghost[0].since, day(2024, 3, 1));
  const auto misplaced = ofRule(all, "CHAIN-010");
  ASSERT_EQ(misplaced.size(), 1U);
  EXPECT_NE(misplaced[0].summary_en.find("for 2024-01..2024-02"), std::string::npos) << misplaced[0].summary_en;

  // The nearest case that holds: the exit is from the unit whose roster the person is on, so
  // the other unit's pay is misplaced pay, not pay after an exit from it.
  data.movements.front().unit_id = u2;
  data.payroll.erase(std::remove_if(data.payroll.begin(), data.payroll.end(),
                                    [&](const model::PayrollMonth& row) {
                                      return row.unit_id == u2 && row.month > Month::fromYm(2024, 2);
                                    }),
                     data.payroll.end());
  EXPECT_TRUE(ofRule(evaluate(data, asOf), "CHAIN-006").empty());
}

TEST_F(PersonRules, PayAfterADeathRecordedForAUnitNeverOnItsRosterFiresCHAIN014) {
  data.movements.push_back(move("D1", MovementKind::death, p, u1, day(2024, 2, 10)));
  payMonths(p, u1, Month::fromYm(2024, 1), Month::fromYm(2024, 2));
  auto all = evaluate(data, asOf);
  EXPECT_TRUE(ofRule(all, "CHAIN-014").empty()) << "pay for the death month is allowed";

  payMonths(p, u1, Month::fromYm(2024, 3), Month::fromYm(2024, 4));
  all = evaluate(data, asOf);
  const auto dead = ofRule(all, "CHAIN-014");
  ASSERT_EQ(dead.size(), 1U);
  EXPECT_EQ(dead[0].unit_id, u1);
  EXPECT_EQ(dead[0].since, day(2024, 3, 1));
  const auto unrostered = ofRule(all, "CHAIN-004");
  ASSERT_EQ(unrostered.size(), 1U);
  EXPECT_EQ(unrostered[0].since, day(2024, 1, 1));
  EXPECT_EQ(unrostered[0].evidence.size(), 2U) << "only the months up to the death are pay without roster";
}

TEST_F(PersonRules, TwoPayersInOneMonthFireCHAIN009) {
  data.roster.push_back(roster(p, u1, EstabType::admin, day(2010, 1, 1)));
  data.roster.push_back(roster(p, u2, EstabType::institution, day(2010, 1, 1)));
  payMonths(p, u1, Month::fromYm(2024, 1), Month::fromYm(2024, 3));
  payMonths(p, u2, Month::fromYm(2024, 4), Month::fromYm(2024, 6));
  EXPECT_TRUE(ofRule(evaluate(data, asOf), "CHAIN-009").empty());
  data.payroll.push_back(pay(p, u2, Month::fromYm(2024, 3)));
  auto found = ofRule(evaluate(data, asOf), "CHAIN-009");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].since, day(2024, 3, 1));
  EXPECT_EQ(found[0].unit_id, u2) << "the unit that began paying later is named";
}

TEST_F(PersonRules, PaidByAnotherUnitFiresCHAIN010) {
  data.roster.push_back(roster(p, u1, EstabType::admin, day(2010, 1, 1)));
  payMonths(p, u1, Month::fromYm(2024, 1), Month::fromYm(2024, 6));
  EXPECT_TRUE(evaluate(data, asOf).empty());
  data.payroll.clear();
  payMonths(p, u2, Month::fromYm(2024, 1), Month::fromYm(2024, 6));
  auto all = evaluate(data, asOf);
  auto found = ofRule(all, "CHAIN-010");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].unit_id, u2);
  EXPECT_TRUE(ofRule(all, "CHAIN-004").empty());
}

TEST_F(PersonRules, PastRetirementAgeFiresCHAIN013) {
  const auto old = person(7, day(1963, 5, 10), model::Sex::male);  // 60 on 2023-05-10
  data.roster.push_back(roster(old, u1, EstabType::admin, day(1990, 1, 1)));
  payMonths(old, u1, Month::fromYm(2024, 1), Month::fromYm(2024, 6));
  auto found = ofRule(evaluate(data, asOf), "CHAIN-013");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].since, day(2023, 5, 10));
  EXPECT_EQ(found[0].severity, Severity::minor);
  data.movements.push_back(move("T1", MovementKind::retire, old, u1, day(2023, 5, 31)));
  EXPECT_TRUE(ofRule(evaluate(data, asOf), "CHAIN-013").empty());

  // A woman born 1970 is 54: not yet 55.
  const auto young = person(8, day(1970, 1, 1), model::Sex::female);
  data.roster.push_back(roster(young, u1, EstabType::admin, day(1990, 1, 1)));
  EXPECT_TRUE(ofRule(evaluate(data, asOf), "CHAIN-013").empty());
  // Under a reform table that lowers nothing but names her cohort, the table wins.
  RuleParams reform;
  reform.retirement_table.push_back({day(1969, 1, 1), day(1970, 12, 31), model::Sex::female, 54 * 12});
  EXPECT_EQ(ofRule(evaluate(data, asOf, reform), "CHAIN-013").size(), 1U);
}

TEST_F(PersonRules, DeathStillOnRosterOrPaidFiresCHAIN014) {
  data.roster.push_back(roster(p, u1, EstabType::admin, day(2010, 1, 1)));
  payMonths(p, u1, Month::fromYm(2024, 1), Month::fromYm(2024, 2));
  model::Death death;
  death.person_id = p;
  death.died_on = day(2024, 2, 10);
  death.source = "民政局";
  data.deaths.push_back(death);
  auto found = ofRule(evaluate(data, asOf), "CHAIN-014");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].since, day(2024, 2, 25));
  EXPECT_TRUE(ofRule(evaluate(data, asOf), "CHAIN-005").empty());
  // Removed from the roster, pay stopped after the death month: the chain held.
  data.roster.clear();
  data.movements.push_back(move("A1", MovementKind::roster_add, p, u1, day(2010, 1, 1)));
  data.movements.push_back(move("A2", MovementKind::roster_remove, p, u1, day(2024, 2, 20)));
  EXPECT_TRUE(ofRule(evaluate(data, asOf), "CHAIN-014").empty());
  data.payroll.push_back(pay(p, u1, Month::fromYm(2024, 3)));
  found = ofRule(evaluate(data, asOf), "CHAIN-014");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].since, day(2024, 3, 1));
}

TEST_F(PersonRules, SecondmentWithoutReturnFiresCHAIN015) {
  data.roster.push_back(roster(p, u1, EstabType::admin, day(2010, 1, 1)));
  data.movements.push_back(move("S1", MovementKind::second_out, p, u1, day(2024, 1, 1)));
  const auto deadline = day(2024, 1, 1).plusDays(183);
  EXPECT_TRUE(ofRule(evaluate(data, deadline), "CHAIN-015").empty());
  auto found = ofRule(evaluate(data, deadline.plusDays(1)), "CHAIN-015");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].since, deadline);
  data.movements.push_back(move("S2", MovementKind::second_return, p, u1, day(2024, 7, 15)));
  EXPECT_TRUE(ofRule(evaluate(data, day(2024, 8, 1)), "CHAIN-015").empty());
}

TEST(LegacyCitizenId, FifteenDigitFormMatchesItsEighteenDigitForm) {
  // 110105491231002 is the legacy form of 11010519491231002X (DOMAIN.md §4).
  const auto legacy = model::checkCitizenId("110105491231002");
  const auto modern = model::checkCitizenId("11010519491231002X");
  ASSERT_TRUE(legacy) << legacy.reason;
  ASSERT_TRUE(modern) << modern.reason;
  EXPECT_EQ(*legacy.value, *modern.value);
  EXPECT_FALSE(model::checkCitizenId("110105194912310021"));
}

}  // namespace
}  // namespace staffchain::chain::testing
