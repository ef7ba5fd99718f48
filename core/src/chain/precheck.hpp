// The pre-check and the posts of a unit/type, over the engine's index: what the engine hands
// them (occupancy as of its last judgement of each scope, the open critical findings of a unit)
// so that they read the same facts the rules read.
#pragma once

#include <algorithm>
#include <array>
#include <functional>
#include <optional>
#include <vector>

#include "presence.hpp"
#include "rule_support.hpp"
#include "staffchain/chain/case_suspension.hpp"
#include "staffchain/chain/precheck.hpp"
#include "staffchain/chain/vacancy_pool.hpp"

namespace staffchain::chain::detail {

// The units of a region that may hold posts of one type (the type fits their kind, they have
// quotas of it), each with its approved minus occupied posts over time: resolved once, read by
// every pre-check until the index or the occupancy changes. The timelines lie in two flat
// arrays, so that reading thousands of units is a walk through memory, not a lookup per unit.
struct RegionScopes {
  struct Scope {
    const model::Unit* unit = nullptr;
    std::uint32_t first = 0;  // its timeline: days[first, last) with bounds[first, last)
    std::uint32_t last = 0;
  };
  std::vector<Scope> scopes;
  std::vector<model::Date> days;     // from each day on ...
  std::vector<std::int32_t> bounds;  // ... approved minus occupied (no quota yet: no entry)

  // Approved minus occupied of scope `i` on `day`; nullopt before its first quota.
  [[nodiscard]] std::optional<std::int32_t> boundOn(std::size_t i, model::Date day) const noexcept {
    const auto& s = scopes[i];
    if (s.first == s.last || day < days[s.first]) return std::nullopt;
    if (days[s.last - 1] <= day) return bounds[s.last - 1];  // mostly: the last change is past
    const auto begin = days.begin() + s.first;
    const auto at = std::upper_bound(begin, days.begin() + s.last, day) - 1;
    return bounds[static_cast<std::size_t>(at - days.begin())];
  }
};

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
  // A unit's suspensions by overdue rectification cases, or nullptr when it has none.
  std::function<const std::vector<CaseSuspension>*(const model::UnitId&)> case_suspensions = nullptr;
};

// The units of `region` that may hold posts of `type`, resolved through `ctx.occupancy`.
RegionScopes regionScopes(const PrecheckContext& ctx, const std::string& region, model::EstabType type);

PrecheckAnswer precheck(const PrecheckContext& ctx, const PrecheckRequest& request);

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

// The vacancy pool on `day`; `ghost_pay` gives the open CHAIN-006/009/014 findings naming a
// unit, in order (asked only of units with vacant posts).
using GhostPayLookup = std::function<std::vector<std::string>(const model::UnitId&)>;
std::vector<VacancyRow> vacancies(const PrecheckContext& ctx, model::Date day, const VacancyFilter& filter,
                                  const GhostPayLookup& ghost_pay);

// The posts a unit's open approvals reserve on `day`, per establishment type (the index is the
// type's number): one walk over the unit's approvals for every type.
using ReservedByType = std::array<std::int32_t, model::kEstabTypeCount>;
ReservedByType reservedPosts(const ChainIndex& index, const model::UnitId& unit, model::Date day);

// Approved, occupied and reserved posts of a unit/type on `day`; `reserved` is its unit's
// reservedPosts when the caller has them already.
PostFigures postFigures(const PrecheckContext& ctx, const ScopeKey& key, model::Date day);
PostFigures postFigures(const PrecheckContext& ctx, const ScopeKey& key, model::Date day,
                        const ReservedByType& reserved);

// A unit/type's occupancy counted from its members' roster stays.
OccupancyCounter countOccupancy(const ChainIndex& index, const ScopeKey& key);

}  // namespace staffchain::chain::detail
