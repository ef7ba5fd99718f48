// The [rules] reader, as the configuration loader hands it the table: defaults kept for what it
// leaves out, values in their ranges, a retirement table row by row, and `disabled` checked
// against the rule ids the caller knows, each problem located.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config_table.hpp"
#include "staffchain/chain/rule_params.hpp"
#include "staffchain/plugin/config_reader.hpp"

namespace staffchain::chain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

staffchain::testing::TableRead<RuleParams> read(const std::string& text) {
  return staffchain::testing::readTable<RuleParams>(text, "rules", [](plugin::ConfigReader& reader, RuleParams& rules) {
    readRuleParams(reader, rules, [](const std::string& id) { return id == "CHAIN-013" || id == "LINK-002"; });
  });
}

TEST(RuleParamsReader, AnEmptyTableKeepsTheDefaults) {
  const auto read_back = read("");
  EXPECT_THAT(read_back.errors, IsEmpty());
  EXPECT_EQ(read_back.settings, RuleParams{});
}

TEST(RuleParamsReader, ReadsDeadlinesAgesTheRetirementTableAndTheDisabledRules) {
  const auto read_back = read(R"(
roster_after_hire_days = 20
payroll_grace_months = 1
retirement_age_women = 58
disabled = ["CHAIN-013", "LINK-002"]
[[retirement_table]]
born_from = "1965-01-01"
born_to = "1965-12-31"
sex = "male"
age_months = 723
)");
  ASSERT_THAT(read_back.errors, IsEmpty());
  const RuleParams& rules = read_back.settings;
  EXPECT_EQ(rules.roster_after_hire_days, 20);
  EXPECT_EQ(rules.pay_after_roster_days, RuleParams{}.pay_after_roster_days);
  EXPECT_EQ(rules.payroll_grace_months, 1);
  EXPECT_EQ(rules.retirement_age_months_female, 58 * 12);
  ASSERT_EQ(rules.retirement_table.size(), 1U);
  EXPECT_EQ(rules.retirement_table[0].age_months, 723);
  EXPECT_EQ(rules.retirementAgeMonths(model::Date::fromYmd(1965, 6, 1), model::Sex::male), 723);
  EXPECT_FALSE(rules.enabled("CHAIN-013"));
  EXPECT_FALSE(rules.enabled("LINK-002"));
  EXPECT_TRUE(rules.enabled("CHAIN-004"));
}

TEST(RuleParamsReader, EachProblemIsLocated) {
  const auto read_back = read(R"(
roster_after_hire_days = -1
disabled = ["CHAIN-099"]
[[retirement_table]]
born_from = "1965-12-31"
born_to = "1965-01-01"
sex = "male"
age_months = 723
)");
  ASSERT_EQ(read_back.errors.size(), 3U);
  EXPECT_THAT(read_back.errors[0], HasSubstr("rules.roster_after_hire_days"));
  EXPECT_THAT(read_back.errors[1], HasSubstr("rules.retirement_table[0].born_to"));
  EXPECT_THAT(read_back.errors[1], HasSubstr("is before born_from"));
  EXPECT_THAT(read_back.errors[2], HasSubstr("\"CHAIN-099\" is not a rule id"));
  EXPECT_TRUE(read_back.settings.retirement_table.empty());
}

}  // namespace
}  // namespace staffchain::chain
