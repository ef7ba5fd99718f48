#include "staffchain/model/records.hpp"

#include <gtest/gtest.h>

namespace staffchain::model {
namespace {

const UnitId kUnit = UnitId::fromValid("11150700MB12345678");
const PersonId kPerson = PersonId::fromValid("150702198001011239");

TEST(RecordKey, FollowsTheDocumentedFormats) {
  EXPECT_EQ(recordKey(Unit{kUnit, "市编办", "150700", std::nullopt, UnitKind::organ, Funding::full, {}}),
            "11150700MB12345678");
  EXPECT_EQ(recordKey(Quota{kUnit, EstabType::political_legal, 10, Date::fromYmd(2024, 3, 1), "呼编发〔2024〕1号", {}}),
            "11150700MB12345678|political_legal|2024-03-01");
  EXPECT_EQ(recordKey(LeaderQuota{kUnit, LeaderLevel::township, LeaderRank::deputy, 2, {}}),
            "11150700MB12345678|township|deputy");
  Approval approval;
  approval.approval_id = "YBHZ-2024-001";
  EXPECT_EQ(recordKey(approval), "YBHZ-2024-001");
  RosterEntry entry;
  entry.person_id = kPerson;
  entry.unit_id = kUnit;
  EXPECT_EQ(recordKey(entry), "150702198001011239|11150700MB12345678");
  Movement movement;
  movement.movement_id = "HR-77";
  EXPECT_EQ(recordKey(movement), "HR-77");
  EXPECT_EQ(recordKey(PayrollMonth{kPerson, kUnit, Month::fromYm(2024, 7), Funding::full, 850000, {}}),
            "150702198001011239|11150700MB12345678|2024-07");
  EXPECT_EQ(recordKey(Death{kPerson, Date::fromYmd(2024, 1, 2), "", {}}), "150702198001011239");
}

TEST(RecordKey, RecordTypeMatchesTheAlternative) {
  EXPECT_EQ(recordTypeOf(Unit{}), RecordType::unit);
  EXPECT_EQ(recordTypeOf(Quota{}), RecordType::quota);
  EXPECT_EQ(recordTypeOf(LeaderQuota{}), RecordType::leader_quota);
  EXPECT_EQ(recordTypeOf(Approval{}), RecordType::approval);
  EXPECT_EQ(recordTypeOf(RosterEntry{}), RecordType::roster);
  EXPECT_EQ(recordTypeOf(Movement{}), RecordType::movement);
  EXPECT_EQ(recordTypeOf(PayrollMonth{}), RecordType::payroll);
  EXPECT_EQ(recordTypeOf(Death{}), RecordType::death);
}

}  // namespace
}  // namespace staffchain::model
