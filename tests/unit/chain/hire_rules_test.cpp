// CHAIN-001, 002, 003, 008, 017: the hire chain, each with its nearest non-firing case.
#include <gtest/gtest.h>

#include "chain_test_support.hpp"

namespace staffchain::chain::testing {
namespace {

using model::EstabType;
using model::MovementKind;
using model::UnitKind;

class HireRules : public ::testing::Test {
 protected:
  void SetUp() override {
    data.units = {unit(1, "海拉尔区人民政府办公室", UnitKind::organ),
                  unit(2, "海拉尔区第一中学", UnitKind::public_welfare_1)};
    data.quotas = {quota(u1, EstabType::admin, 5, day(2020, 1, 1)),
                   quota(u2, EstabType::institution, 5, day(2020, 1, 1))};
    data.approvals = {approval("A-17", u1, EstabType::admin, 2, day(2024, 1, 1), day(2024, 1, 31))};
  }
  // A hire on `on` citing `approval_id`, rostered ten days later.
  void hire(int seq, Date on, std::string approval_id, MovementKind kind = MovementKind::hire) {
    const auto p = person(seq);
    data.movements.push_back(move(fmt::format("H{}", seq), kind, p, u1, on, std::move(approval_id)));
    data.movements.push_back(move(fmt::format("R{}", seq), MovementKind::roster_add, p, u1, on.plusDays(10)));
    data.payroll.push_back(pay(p, u1, Month::of(on.plusDays(10))));
  }
  model::UnitId u1 = unitId(1);
  model::UnitId u2 = unitId(2);
  model::Dataset data;
  Date asOf = day(2024, 6, 30);
};

TEST_F(HireRules, ValidApprovalDoesNotFire) {
  hire(1, day(2024, 1, 15), "A-17");
  EXPECT_TRUE(evaluate(data, asOf).empty());
}

TEST_F(HireRules, ExpiredApprovalFiresWithReason) {
  hire(1, day(2024, 3, 1), "A-17");
  const auto found = ofRule(evaluate(data, asOf), "CHAIN-001");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].severity, Severity::critical);
  EXPECT_EQ(found[0].since, day(2024, 3, 1));
  EXPECT_EQ(found[0].person_id, person(1));
  EXPECT_NE(found[0].summary_en.find("2024-03-01 hire of 150702"), std::string::npos) << found[0].summary_en;
  EXPECT_NE(found[0].summary_en.find("(approval A-17 expired 2024-01-31)"), std::string::npos) << found[0].summary_en;
  EXPECT_NE(found[0].summary_en.find("海拉尔区人民政府办公室"), std::string::npos);
  EXPECT_EQ(found[0].summary_en.find(person(1).str()), std::string::npos) << "the person id must be masked";
  ASSERT_GE(found[0].evidence.size(), 2U);
  EXPECT_EQ(found[0].evidence[0].record_id, "H1");
  EXPECT_EQ(found[0].evidence[1].record_id, "A-17");
}

TEST_F(HireRules, MissingUnknownAndForeignApprovalsFire) {
  hire(1, day(2024, 1, 10), "");
  hire(2, day(2024, 1, 11), "A-99");
  data.approvals.push_back(approval("B-1", u2, EstabType::institution, 1, day(2024, 1, 1), day(2024, 12, 31)));
  hire(3, day(2024, 1, 12), "B-1");
  const auto found = ofRule(evaluate(data, asOf), "CHAIN-001");
  ASSERT_EQ(found.size(), 3U);
  std::string all;
  for (const auto& f : found) all += f.summary_en + "\n";
  EXPECT_NE(all.find("no approval cited"), std::string::npos) << all;
  EXPECT_NE(all.find("approval A-99 is unknown"), std::string::npos) << all;
  EXPECT_NE(all.find("approval B-1 is for 海拉尔区第一中学"), std::string::npos) << all;
}

TEST_F(HireRules, SlotsExactlyUsedUpDoNotFireOneMoreDoes) {
  hire(1, day(2024, 1, 10), "A-17");
  hire(2, day(2024, 1, 20), "A-17");
  EXPECT_TRUE(ofRule(evaluate(data, asOf), "CHAIN-001").empty());
  // Recorded first in the file but effective earliest: consumption follows effective dates.
  data.movements.insert(data.movements.begin(),
                        move("H0", MovementKind::transfer_in, person(9), u1, day(2024, 1, 25), "A-17"));
  const auto found = ofRule(evaluate(data, asOf), "CHAIN-001");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].person_id, person(9));
  EXPECT_NE(found[0].summary_en.find("slot(s) already used by H1, H2"), std::string::npos) << found[0].summary_en;
}

TEST_F(HireRules, SameDayTiesConsumeInMovementIdOrder) {
  data.approvals[0].slots = 1;
  hire(2, day(2024, 1, 10), "A-17");
  hire(1, day(2024, 1, 10), "A-17");
  const auto found = ofRule(evaluate(data, asOf), "CHAIN-001");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].person_id, person(2));
}

TEST_F(HireRules, HireIntoFullUnitFiresCHAIN002FreedPostDoesNot) {
  data.quotas[0].approved = 1;
  const auto holder = person(50);
  data.roster.push_back(roster(holder, u1, EstabType::admin, day(2015, 1, 1)));
  data.payroll.push_back(pay(holder, u1, Month::fromYm(2024, 1)));
  hire(1, day(2024, 1, 15), "A-17");
  auto found = ofRule(evaluate(data, asOf), "CHAIN-002");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].since, day(2024, 1, 15));
  EXPECT_NE(found[0].summary_en.find("1 on the roster, 1 approved"), std::string::npos) << found[0].summary_en;

  // The holder left the roster (as a roster_add stay closed before the hire): the post is free.
  data.roster.clear();
  data.movements.push_back(move("X1", MovementKind::roster_add, holder, u1, day(2015, 1, 1)));
  data.movements.push_back(move("X2", MovementKind::roster_remove, holder, u1, day(2024, 1, 14)));
  EXPECT_TRUE(ofRule(evaluate(data, asOf), "CHAIN-002").empty());
}

TEST_F(HireRules, TransferInWithoutPostFiresCHAIN008RaisedQuotaDoesNot) {
  data.quotas[0].approved = 0;
  hire(1, day(2024, 1, 15), "A-17", MovementKind::transfer_in);
  auto all = evaluate(data, asOf);
  EXPECT_EQ(ofRule(all, "CHAIN-008").size(), 1U);
  EXPECT_TRUE(ofRule(all, "CHAIN-002").empty());
  // The post came with the transfer: a quota raised on the effective date.
  data.quotas.push_back(quota(u1, EstabType::admin, 1, day(2024, 1, 15)));
  EXPECT_TRUE(ofRule(evaluate(data, asOf), "CHAIN-008").empty());
}

TEST_F(HireRules, NotRosteredAfterDeadlineFiresCHAIN003) {
  const auto p = person(1);
  data.movements.push_back(move("H1", MovementKind::hire, p, u1, day(2024, 1, 15), "A-17"));
  const auto deadline = day(2024, 2, 14);
  EXPECT_TRUE(ofRule(evaluate(data, deadline), "CHAIN-003").empty()) << "on the deadline itself it is still in time";
  const auto found = ofRule(evaluate(data, deadline.plusDays(1)), "CHAIN-003");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].since, deadline);
  EXPECT_EQ(found[0].severity, Severity::major);
  // The roster snapshot shows the person: in time or late, the link is there.
  data.roster.push_back(roster(p, u1, EstabType::admin, day(2024, 3, 1)));
  EXPECT_TRUE(ofRule(evaluate(data, asOf), "CHAIN-003").empty());
}

TEST_F(HireRules, RosteredWithoutPayFiresCHAIN017) {
  const auto p = person(1);
  data.movements.push_back(move("R1", MovementKind::roster_add, p, u1, day(2024, 1, 15)));
  const auto deadline = day(2024, 3, 15);
  EXPECT_TRUE(ofRule(evaluate(data, deadline), "CHAIN-017").empty());
  const auto found = ofRule(evaluate(data, deadline.plusDays(1)), "CHAIN-017");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].since, deadline);
  EXPECT_EQ(found[0].severity, Severity::minor);
  data.payroll.push_back(pay(p, u1, Month::fromYm(2024, 4)));
  EXPECT_TRUE(ofRule(evaluate(data, asOf), "CHAIN-017").empty());
}

}  // namespace
}  // namespace staffchain::chain::testing
