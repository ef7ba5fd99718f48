// The tunable deadlines, ages and switches of the chain rules (DOMAIN.md §3), filled by the config loader.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "staffchain/model/calendar.hpp"
#include "staffchain/model/identifiers.hpp"

namespace staffchain::plugin {
class ConfigReader;
}

namespace staffchain::chain {

// One row of a retirement-age table (the gradual reform from 2025-01-01): people of `sex`
// born in [born_from, born_to] retire at `age_months`. A month range is written as the first
// day of its first month to the last day of its last month.
struct RetirementAgeRule {
  model::Date born_from;
  model::Date born_to;
  model::Sex sex = model::Sex::male;
  std::int32_t age_months = 0;

  bool operator==(const RetirementAgeRule&) const = default;
};

struct RuleParams {
  std::int32_t roster_after_hire_days = 30;
  std::int32_t pay_after_roster_days = 60;
  std::int32_t roster_after_exit_days = 15;
  std::int32_t payroll_grace_months = 0;
  std::int32_t secondment_max_days = 183;
  std::int32_t suspend_after_days = 30;
  // A vacancy this long is recoverable into the pool (零空编).
  std::int32_t pool_after_days = 365;
  std::int32_t retirement_age_months_male = 60 * 12;
  std::int32_t retirement_age_months_female = 55 * 12;
  // Consulted first, in order; the first row that matches birth date and sex wins.
  std::vector<RetirementAgeRule> retirement_table;
  // Rule ids ("CHAIN-013", "DATA-001") whose findings are never produced.
  std::set<std::string, std::less<>> disabled_rules;

  [[nodiscard]] bool enabled(std::string_view rule) const { return disabled_rules.find(rule) == disabled_rules.end(); }
  [[nodiscard]] std::int32_t retirementAgeMonths(model::Date born, model::Sex sex) const noexcept;
  // The day a person born on `born` reaches the statutory age (the same day of month,
  // clamped to the month's last day: born 02-29 reaches it on 02-28).
  [[nodiscard]] model::Date retirementDate(model::Date born, model::Sex sex) const noexcept;

  // Equal parameters judge alike: a reload that changes none keeps the engine's findings.
  bool operator==(const RuleParams&) const = default;
};

// Reads a [rules] table into `rules` (what it leaves out keeps its default); problems go to the
// reader's errors, located. `is_rule_id` says which ids `disabled` may name: the engine's and the
// daemon's own (DATA-002, LINK-*), which the alerts area knows.
void readRuleParams(plugin::ConfigReader& reader, RuleParams& rules,
                    const std::function<bool(const std::string&)>& is_rule_id);

}  // namespace staffchain::chain
