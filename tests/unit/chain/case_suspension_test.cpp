// CHAIN-016 and the pre-check for a unit suspended by an overdue rectification case: the days it
// was overdue, the case named in the evidence, and the incremental path re-judging the unit.
#include <gtest/gtest.h>

#include "chain_test_support.hpp"

namespace staffchain::chain::testing {
namespace {

using model::EstabType;
using model::UnitKind;

class CaseSuspensionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data.units = {unit(1, "海拉尔区人民政府办公室", UnitKind::organ)};
    data.quotas = {quota(u1, EstabType::admin, 5, day(2020, 1, 1))};
  }
  [[nodiscard]] CaseSuspension overdue(std::optional<Date> until = std::nullopt) const {
    return CaseSuspension{u1, 7, "呼编督〔2024〕3号", day(2024, 3, 31), day(2024, 4, 1), until};
  }
  model::UnitId u1 = unitId(1);
  model::Dataset data;
  Date asOf = day(2024, 6, 30);
};

TEST_F(CaseSuspensionTest, AnApprovalIssuedWhileACaseWasOverdueIsAFindingThatNamesTheCase) {
  data.approvals = {approval("A-before", u1, EstabType::admin, 1, day(2024, 3, 31), day(2024, 12, 31)),
                    approval("A-during", u1, EstabType::admin, 1, day(2024, 4, 1), day(2024, 12, 31)),
                    approval("A-after", u1, EstabType::admin, 1, day(2024, 5, 10), day(2024, 12, 31))};
  ChainEngine engine(RuleParams{});
  engine.load(data);
  engine.setCaseSuspensions({overdue(day(2024, 5, 10))});  // overdue until its findings resolved on 5-10
  const auto found = ofRule(engine.evaluateAll(asOf), "CHAIN-016");
  ASSERT_EQ(found.size(), 1U) << "the deadline day itself and the day the case stopped being overdue are free";
  EXPECT_EQ(found[0].since, day(2024, 4, 1));
  EXPECT_NE(found[0].summary_zh.find("呼编督〔2024〕3号"), std::string::npos) << found[0].summary_zh;
  ASSERT_EQ(found[0].evidence.size(), 2U);
  const auto& named = found[0].evidence[1];
  EXPECT_EQ(named.source, "cases");
  EXPECT_EQ(named.record_type, "case");
  EXPECT_EQ(named.record_id, "呼编督〔2024〕3号");
  EXPECT_NE(std::find(named.fields.begin(), named.fields.end(), std::pair<std::string, std::string>{"case", "7"}),
            named.fields.end());
}

TEST_F(CaseSuspensionTest, TheIncrementalPathFollowsSuspensionsAndAgreesWithAFullEvaluation) {
  data.approvals = {approval("A-1", u1, EstabType::admin, 1, day(2024, 4, 15), day(2024, 12, 31))};
  ChainEngine engine(RuleParams{});
  engine.load(data);
  EXPECT_TRUE(ofRule(engine.evaluateAll(asOf), "CHAIN-016").empty());

  engine.setCaseSuspensions({overdue()});
  auto delta = engine.evaluateTouched(asOf);
  ASSERT_EQ(delta.changed.size(), 1U);
  EXPECT_EQ(delta.changed[0].rule, "CHAIN-016");
  const std::string fingerprint = delta.changed[0].fingerprint;

  ChainEngine full(RuleParams{});
  full.load(data);
  full.setCaseSuspensions({overdue()});
  EXPECT_EQ(full.evaluateAll(asOf), engine.findings());

  engine.setCaseSuspensions({overdue()});  // the same again: nothing to re-judge, nothing changes
  EXPECT_TRUE(engine.evaluateTouched(asOf).empty());

  engine.setCaseSuspensions({});  // the case is gone (as if never overdue)
  delta = engine.evaluateTouched(asOf);
  EXPECT_TRUE(delta.changed.empty());
  ASSERT_EQ(delta.resolved.size(), 1U);
  EXPECT_EQ(delta.resolved[0], fingerprint);
}

TEST_F(CaseSuspensionTest, ThePrecheckRefusesOnTheDaysTheUnitIsSuspendedAndNamesTheCase) {
  ChainEngine engine(RuleParams{});
  engine.load(data);
  engine.setCaseSuspensions({overdue()});
  engine.evaluateAll(asOf);
  PrecheckRequest request;
  request.kind = PrecheckKind::approval;
  request.unit = u1;
  request.type = EstabType::admin;
  request.on = day(2024, 3, 31);
  EXPECT_TRUE(engine.precheck(request).allowed) << "on its deadline the case is not overdue yet";
  request.on = day(2024, 7, 1);
  const auto answer = engine.precheck(request);
  ASSERT_FALSE(answer.allowed);
  ASSERT_EQ(answer.reasons.size(), 1U);
  EXPECT_EQ(answer.reasons[0].code, "unit_suspended");
  EXPECT_EQ(answer.reasons[0].rule, "CHAIN-016");
  EXPECT_NE(answer.reasons[0].message_zh.find("呼编督〔2024〕3号"), std::string::npos) << answer.reasons[0].message_zh;
}

}  // namespace
}  // namespace staffchain::chain::testing
