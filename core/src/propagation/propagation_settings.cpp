#include "staffchain/propagation/propagation_settings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "staffchain/chain/rule_params.hpp"
#include "staffchain/plugin/config_reader.hpp"

namespace staffchain::propagation {
namespace {

// The same bounds as the [rules] deadlines these mirror.
std::int32_t readDays(plugin::ConfigReader& reader, std::string_view key, std::int32_t fallback) {
  return static_cast<std::int32_t>(reader.integer(key, 0, 3650, fallback));
}

}  // namespace

void readPropagationSettings(plugin::ConfigReader& reader, const chain::RuleParams& rules,
                             PropagationSettings& propagation) {
  propagation.roster_after_hire_days = rules.roster_after_hire_days;
  propagation.pay_after_roster_days = rules.pay_after_roster_days;
  propagation.roster_after_exit_days = rules.roster_after_exit_days;
  propagation.payroll_grace_months = rules.payroll_grace_months;
  if (auto names = reader.stringArray("rules")) {
    propagation.rules.clear();
    for (const auto& name : *names) {
      const auto* found = std::find(std::begin(kPropagationRuleNames), std::end(kPropagationRuleNames), name);
      if (found == std::end(kPropagationRuleNames)) {
        reader.fail("rules", fmt::format("\"{}\" is not one of: hire_to_estab, roster_to_finance, exit_to_estab, "
                                         "exit_to_finance, leader_to_estab",
                                         name));
        continue;
      }
      propagation.rules.insert(static_cast<PropagationRule>(found - std::begin(kPropagationRuleNames)));
    }
  }
  propagation.roster_after_hire_days = readDays(reader, "roster_after_hire_days", propagation.roster_after_hire_days);
  propagation.pay_after_roster_days = readDays(reader, "pay_after_roster_days", propagation.pay_after_roster_days);
  propagation.roster_after_exit_days = readDays(reader, "roster_after_exit_days", propagation.roster_after_exit_days);
  propagation.payroll_grace_months =
      static_cast<std::int32_t>(reader.integer("payroll_grace_months", 0, 120, propagation.payroll_grace_months));
  propagation.leader_posts_days = readDays(reader, "leader_posts_days", propagation.leader_posts_days);
  propagation.max_age_days = readDays(reader, "max_age_days", propagation.max_age_days);
  propagation.retry_initial = reader.duration("retry_initial", propagation.retry_initial);
  propagation.retry_max = reader.duration("retry_max", propagation.retry_max);
  if (propagation.retry_initial.count() <= 0) reader.fail("retry_initial", "must be longer than zero");
  if (propagation.retry_max < propagation.retry_initial) reader.fail("retry_max", "must be at least retry_initial");
  propagation.failures_before_alert =
      static_cast<std::uint32_t>(reader.integer("failures_before_alert", 1, 1000, propagation.failures_before_alert));
  propagation.check_interval = reader.duration("check_interval", propagation.check_interval);
  if (propagation.check_interval.count() <= 0) reader.fail("check_interval", "must be longer than zero");
  reader.finish();
}

}  // namespace staffchain::propagation
