#include "staffchain/chain/rule_params.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "staffchain/plugin/config_reader.hpp"

namespace staffchain::chain {

std::int32_t RuleParams::retirementAgeMonths(model::Date born, model::Sex sex) const noexcept {
  for (const auto& row : retirement_table) {
    if (row.sex == sex && row.born_from <= born && born <= row.born_to) return row.age_months;
  }
  return sex == model::Sex::male ? retirement_age_months_male : retirement_age_months_female;
}

model::Date RuleParams::retirementDate(model::Date born, model::Sex sex) const noexcept {
  const auto ymd = born.ymd();
  const auto month = model::Month::fromYm(static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()))
                         .plus(retirementAgeMonths(born, sex));
  const auto last = std::chrono::year_month_day_last{std::chrono::year{month.year()},
                                                     std::chrono::month_day_last{std::chrono::month{month.month()}}};
  const unsigned day = std::min(static_cast<unsigned>(ymd.day()), static_cast<unsigned>(last.day()));
  return model::Date::fromYmd(month.year(), month.month(), day);
}

namespace {

using plugin::ConfigReader;

std::int32_t readDays(ConfigReader& reader, std::string_view key, std::int32_t fallback, std::int64_t min = 0) {
  return static_cast<std::int32_t>(reader.integer(key, min, 3650, fallback));
}

void readRetirementTable(ConfigReader& reader, RuleParams& rules) {
  const auto rows = reader.tableArray("retirement_table");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ConfigReader row(*rows[i], fmt::format("rules.retirement_table[{}]", i), reader.errors());
    RetirementAgeRule rule;
    auto date = [&](std::string_view key) -> std::optional<model::Date> {
      auto text = row.requiredString(key);
      if (!text) return std::nullopt;
      auto parsed = model::parseDate(*text);
      if (!parsed) row.fail(key, fmt::format("\"{}\" is not a date (expected YYYY-MM-DD)", *text));
      return parsed;
    };
    const auto from = date("born_from");
    const auto to = date("born_to");
    const auto sex = row.choice("sex", {"male", "female"});
    if (!sex) row.missing("sex");
    const auto months = row.integer("age_months", 40 * 12, 80 * 12);
    if (!months && !row.has("age_months")) row.missing("age_months");
    row.finish();
    if (from && to && sex && months) {
      if (*to < *from) {
        row.fail("born_to", "is before born_from");
        continue;
      }
      rule.born_from = *from;
      rule.born_to = *to;
      rule.sex = *sex == "male" ? model::Sex::male : model::Sex::female;
      rule.age_months = static_cast<std::int32_t>(*months);
      rules.retirement_table.push_back(rule);
    }
  }
}

}  // namespace

void readRuleParams(ConfigReader& reader, RuleParams& rules,
                    const std::function<bool(const std::string&)>& is_rule_id) {
  rules.roster_after_hire_days = readDays(reader, "roster_after_hire_days", rules.roster_after_hire_days);
  rules.pay_after_roster_days = readDays(reader, "pay_after_roster_days", rules.pay_after_roster_days);
  rules.roster_after_exit_days = readDays(reader, "roster_after_exit_days", rules.roster_after_exit_days);
  rules.payroll_grace_months =
      static_cast<std::int32_t>(reader.integer("payroll_grace_months", 0, 120, rules.payroll_grace_months));
  rules.secondment_max_days = readDays(reader, "secondment_max_days", rules.secondment_max_days, 1);
  rules.suspend_after_days = readDays(reader, "suspend_after_days", rules.suspend_after_days);
  rules.pool_after_days = readDays(reader, "pool_after_days", rules.pool_after_days, 1);
  rules.retirement_age_months_male = static_cast<std::int32_t>(
      reader.integer("retirement_age_men", 40, 80, rules.retirement_age_months_male / 12) * 12);
  rules.retirement_age_months_female = static_cast<std::int32_t>(
      reader.integer("retirement_age_women", 40, 80, rules.retirement_age_months_female / 12) * 12);
  readRetirementTable(reader, rules);
  if (auto disabled = reader.stringArray("disabled")) {
    for (const auto& id : *disabled) {
      if (!is_rule_id(id)) {
        reader.fail(
            "disabled",
            fmt::format("\"{}\" is not a rule id (CHAIN-001 to CHAIN-018, DATA-001, DATA-002, LINK-001 to LINK-003)",
                        id));
      }
      rules.disabled_rules.insert(id);
    }
  }
  reader.finish();
}

}  // namespace staffchain::chain
