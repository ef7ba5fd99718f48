#include "staffchain/chain/rule_params.hpp"

#include <algorithm>
#include <chrono>

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

}  // namespace staffchain::chain
