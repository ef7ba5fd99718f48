// The pre-check and the posts of a unit/type, over the engine's index: what the engine hands
// them (occupancy as of its last judgement of each scope, the open critical findings of a unit)
// so that they read the same facts the rules read.
#pragma once

#include <functional>
#include <vector>

#include "presence.hpp"
#include "rule_support.hpp"
#include "staffchain/chain/precheck.hpp"
#include "staffchain/chain/vacancy_pool.hpp"

namespace staffchain::chain::detail {

// A unit of a region that may hold posts of one type (the type fits its kind, it has quotas of
// it), with what its vacancy is read from: resolved once, read by every pre-check until the
// index or the occupancy changes.
struct RegionScope {
  const model::Unit* unit = nullptr;
  const std::vector<model::Quota>* quotas = nullptr;
  const OccupancyCounter* occupancy = nullptr;
};
using RegionScopes = std::vector<RegionScope>;

struct PrecheckContext {
  const ChainIndex& index;
  const RuleParams& params;
  // The occupancy of a unit/type over time (cached by the engine, or counted afresh).
  std::function<const OccupancyCounter&(const ScopeKey&)> occupancy;
  // The open critical findings naming a unit: what suspends it.
  std::function<std::vector<const Finding*>(const model::UnitId&)> critical;
  // A region's units of a type as above, or nullptr when the engine holds changes not yet
  // evaluated (the occupancy is then counted afresh, unit by unit).
  std::function<const RegionScopes*(const std::string& region, model::EstabType type)> region_scopes = nullptr;
};

// The units of `region` that may hold posts of `type`, resolved through `ctx.occupancy`.
RegionScopes regionScopes(const PrecheckContext& ctx, const std::string& region, model::EstabType type);

PrecheckAnswer precheck(const PrecheckContext& ctx, const PrecheckRequest& request);

// Approved, occupied and reserved posts of a unit/type on `day`.
PostFigures postFigures(const PrecheckContext& ctx, const ScopeKey& key, model::Date day);

// The valid uses of an approval (hires and transfers in citing it, for its unit and type, within
// its dates) effective on or before `day`, in the engine's order, at most its slots.
std::int32_t approvalSlotsUsed(const ChainIndex& index, const model::Approval& approval, model::Date day);

// The earliest day a unit is suspended from (since + suspend_after_days of its earliest open
// critical finding), with that finding; nullopt when none is open.
struct Suspension {
  model::Date from;
  const Finding* finding = nullptr;
};
std::optional<Suspension> suspensionOf(const PrecheckContext& ctx, const model::UnitId& unit);

// The vacancy pool on `day`; `ghost_pay` lists the open CHAIN-006/009/014 findings by unit.
std::vector<VacancyRow> vacancies(const PrecheckContext& ctx, model::Date day, const VacancyFilter& filter,
                                  const UnitMap<std::vector<std::string>>& ghost_pay);

// A unit/type's occupancy counted from its members' roster stays.
OccupancyCounter countOccupancy(const ChainIndex& index, const ScopeKey& key);

}  // namespace staffchain::chain::detail
