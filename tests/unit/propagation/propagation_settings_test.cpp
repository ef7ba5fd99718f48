#include "staffchain/propagation/propagation_settings.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config_table.hpp"
#include "staffchain/chain/rule_params.hpp"
#include "staffchain/plugin/config_reader.hpp"

namespace staffchain::propagation {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A [propagation] table as the configuration loader hands it over, after [rules].
staffchain::testing::TableRead<PropagationSettings> read(const std::string& text, const chain::RuleParams& rules = {}) {
  return staffchain::testing::readTable<PropagationSettings>(
      text, "propagation", [&](plugin::ConfigReader& reader, PropagationSettings& settings) {
        readPropagationSettings(reader, rules, settings);
      });
}

TEST(PropagationSettingsReader, AnEmptyTableTurnsEveryRuleOnAndTakesTheChainRulesDeadlines) {
  chain::RuleParams rules;
  rules.roster_after_hire_days = 12;
  rules.pay_after_roster_days = 40;
  rules.roster_after_exit_days = 7;
  rules.payroll_grace_months = 2;
  const auto read_back = read("", rules);
  EXPECT_THAT(read_back.errors, IsEmpty());
  const PropagationSettings& p = read_back.settings;
  EXPECT_EQ(p.rules.size(), std::size(kPropagationRuleNames));
  EXPECT_EQ(p.roster_after_hire_days, 12);
  EXPECT_EQ(p.pay_after_roster_days, 40);
  EXPECT_EQ(p.roster_after_exit_days, 7);
  EXPECT_EQ(p.payroll_grace_months, 2);
  EXPECT_EQ(p.leader_posts_days, 30);
  EXPECT_EQ(p.max_age_days, 90);
  EXPECT_EQ(p.retry_initial, 30s);
  EXPECT_EQ(p.retry_max, 1h);
  EXPECT_EQ(p.failures_before_alert, 5U);
  EXPECT_EQ(p.check_interval, 1min);
}

TEST(PropagationSettingsReader, ItsOwnKeysOverrideTheChainRulesDeadlines) {
  chain::RuleParams rules;
  rules.roster_after_exit_days = 20;
  const auto read_back = read(R"(rules = ["leader_to_estab", "hire_to_estab"]
roster_after_exit_days = 10
leader_posts_days = 45
max_age_days = 0
retry_initial = "5s"
retry_max = "5s"
failures_before_alert = 1
check_interval = "30s"
)",
                              rules);
  ASSERT_THAT(read_back.errors, IsEmpty()) << read_back.errors.front();
  const PropagationSettings& p = read_back.settings;
  EXPECT_THAT(p.rules, ElementsAre(PropagationRule::hire_to_estab, PropagationRule::leader_to_estab));
  EXPECT_EQ(p.roster_after_exit_days, 10);
  EXPECT_EQ(p.leader_posts_days, 45);
  EXPECT_EQ(p.max_age_days, 0);
  EXPECT_EQ(p.retry_initial, 5s);
  EXPECT_EQ(p.retry_max, 5s);
  EXPECT_EQ(p.failures_before_alert, 1U);
  EXPECT_EQ(p.check_interval, 30s);
}

TEST(PropagationSettingsReader, AnEmptyRuleListTurnsEveryNoticeOff) {
  const auto read_back = read("rules = []\n");
  EXPECT_THAT(read_back.errors, IsEmpty());
  EXPECT_THAT(read_back.settings.rules, IsEmpty());
}

TEST(PropagationSettingsReader, EveryProblemIsLocatedAndNamesItsKeyPath) {
  const auto read_back = read(R"(rules = ["exit_to_estab", "hire_to_payroll"]
max_age_days = 4000
retry_initial = "1m"
retry_max = "10s"
failures_before_alert = 0
check_interval = "0s"
colour = "blue"
)");
  EXPECT_THAT(
      read_back.errors,
      ElementsAre("/etc/staffchain/staffchain.toml:1:9: propagation.rules: \"hire_to_payroll\" is not one of: "
                  "hire_to_estab, roster_to_finance, exit_to_estab, exit_to_finance, leader_to_estab",
                  "/etc/staffchain/staffchain.toml:2:16: propagation.max_age_days: expected an integer from 0 to "
                  "3650, got 4000",
                  "/etc/staffchain/staffchain.toml:4:13: propagation.retry_max: must be at least retry_initial",
                  "/etc/staffchain/staffchain.toml:5:25: propagation.failures_before_alert: expected an integer "
                  "from 1 to 1000, got 0",
                  "/etc/staffchain/staffchain.toml:6:18: propagation.check_interval: \"0s\" is not a positive "
                  "duration (use ms, s, m, h, d)",
                  "/etc/staffchain/staffchain.toml:7:1: propagation.colour: unknown key"));
  // A name that is not a rule is left out; the others stay on.
  EXPECT_THAT(read_back.settings.rules, ElementsAre(PropagationRule::exit_to_estab));
}

}  // namespace
}  // namespace staffchain::propagation
