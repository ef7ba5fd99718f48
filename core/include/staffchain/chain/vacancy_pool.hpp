// The vacancy pool (零空编, DOMAIN.md §7): per unit and establishment type, the posts approved,
// occupied, reserved by open approvals and vacant on a day, since when they have been vacant, and
// whether the vacancy is recoverable; with totals per region and for the whole city.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "staffchain/chain/precheck.hpp"
#include "staffchain/model/calendar.hpp"
#include "staffchain/model/records.hpp"

namespace staffchain::chain {

struct VacancyRow {
  model::UnitId unit;
  std::string unit_name;
  std::string region;
  model::EstabType type = model::EstabType::admin;
  PostFigures posts;
  // The first day of the current unbroken run of approved > occupied; nullopt when not vacant.
  std::optional<model::Date> vacant_since;
  bool recoverable = false;
  // Why: "ghost_pay" (an open CHAIN-006/009/014 at the unit), "long_vacant" (vacant longer than
  // pool_after_days), or both, comma-separated; the findings' ids in `ghost_pay_findings`.
  std::string recoverable_because;
  std::vector<std::string> ghost_pay_findings;
};

struct VacancyFilter {
  std::string region;
  std::optional<model::EstabType> type;
  std::optional<model::UnitId> unit;
  std::optional<bool> recoverable;
};

// Sums over rows. An excess in one unit does not fill a vacancy in another: `vacant` adds up the
// rows' vacancies (net of reservations) where there are some, `excess` the people over approved.
struct VacancyTotals {
  std::int64_t approved = 0;
  std::int64_t occupied = 0;
  std::int64_t reserved = 0;
  std::int64_t vacant = 0;
  std::int64_t excess = 0;
  std::int64_t recoverable = 0;  // vacant posts in recoverable rows
  std::size_t units = 0;
};

// Totals per region ("" for units without one) and for every row together.
struct VacancySummary {
  std::map<std::string, VacancyTotals> by_region;
  VacancyTotals all;
};

VacancySummary summarise(const std::vector<VacancyRow>& rows);

// {"unit_id","unit_name","region","estab_type","approved","occupied","reserved","vacant",
//  "vacant_since","recoverable","recoverable_because","ghost_pay_findings"}
nlohmann::json vacancyJson(const VacancyRow& row);
nlohmann::json vacancyTotalsJson(const VacancyTotals& totals);
// The pool: {"as_of", "vacancies": [row...], "count", "rows", "offset", "regions": {code: totals
// with "region_name"}, "total": totals}; what the API answers and `audit --vacancies` prints.
// The rows listed are `limit` from `offset` (0: all of them); "rows" and the totals count them all.
nlohmann::json vacancyPoolJson(const std::vector<VacancyRow>& rows, model::Date as_of, std::size_t offset = 0,
                               std::size_t limit = 0);

}  // namespace staffchain::chain
