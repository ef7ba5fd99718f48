// The vacancy pool, from the same posts figures the pre-check reads (approved − occupied −
// reserved), per unit/type of the index.
#include "staffchain/chain/vacancy_pool.hpp"

#include <algorithm>
#include <set>

#include "precheck.hpp"
#include "staffchain/model/enums.hpp"
#include "staffchain/model/identifiers.hpp"

namespace staffchain::chain {

namespace detail {

namespace {

// The first day of the current unbroken run of approved > occupied, up to `day`.
std::optional<model::Date> vacantSince(const PrecheckContext& ctx, const ScopeKey& key, model::Date day) {
  const OccupancyCounter& occupancy = ctx.occupancy(key);
  const auto* quotas = ctx.index.quotas(key);  // looked up once: read on every change date
  auto approvedOn = [&](model::Date d) {
    const auto* q = quotas != nullptr ? ChainIndex::quotaIn(*quotas, d) : nullptr;
    return q != nullptr ? q->approved : 0;
  };
  if (approvedOn(day) - occupancy.countOn(day) <= 0) return std::nullopt;
  auto dates = occupancy.changeDates();
  if (quotas != nullptr) {
    for (const auto& q : *quotas) dates.push_back(q.effective_from);
  }
  return currentRunStart(std::move(dates), day,
                         [&](model::Date d) { return approvedOn(d) - occupancy.countOn(d) > 0; });
}

// The scopes a listing may show: one unit's types, a region's units' types, else every scope
// the index knows (a province's: sorting them all is what a page of one unit must not pay for).
std::vector<ScopeKey> scopesToList(const ChainIndex& index, const VacancyFilter& filter) {
  if (!filter.unit && filter.region.empty()) return index.allScopes();
  std::vector<ScopeKey> keys;
  auto typesOf = [&](const model::UnitId& unit) {
    for (std::uint8_t type = 0; type <= static_cast<std::uint8_t>(model::EstabType::veteran_cadre); ++type) {
      keys.push_back(ScopeKey{unit, type});
    }
  };
  if (filter.unit) {
    typesOf(*filter.unit);
  } else {
    index.forEachUnitOfRegion(filter.region, [&](const model::Unit& unit) { typesOf(unit.unit_id); });
  }
  return keys;
}

}  // namespace

std::vector<VacancyRow> vacancies(const PrecheckContext& ctx, model::Date day, const VacancyFilter& filter,
                                  const GhostPayLookup& ghost_pay) {
  std::vector<VacancyRow> rows;
  // The keys come unit by unit: what belongs to the unit (its row, its approvals walked once
  // for all its types, its ghost-pay findings) is looked up once for all its types.
  struct OfUnit {
    const model::Unit* unit = nullptr;
    std::string_view region;
    ReservedByType reserved{};
    std::optional<std::vector<std::string>> ghost_pay;  // asked when a type of it is vacant
  };
  std::optional<model::UnitId> current;
  OfUnit of;
  for (const auto& key : scopesToList(ctx.index, filter)) {
    if (key.type >= of.reserved.size()) continue;  // kUnknownType too
    if (filter.unit && !sameId(key.unit, *filter.unit)) continue;
    const auto type = static_cast<model::EstabType>(key.type);
    if (filter.type && *filter.type != type) continue;
    if (!current || !sameId(*current, key.unit)) {
      current = key.unit;
      of = OfUnit{};
      of.unit = ctx.index.unit(key.unit);
      if (of.unit != nullptr) of.region = of.unit->region;
      if (filter.region.empty() || filter.region == of.region) of.reserved = reservedPosts(ctx.index, key.unit, day);
    }
    if (!filter.region.empty() && filter.region != of.region) continue;
    const auto posts = postFigures(ctx, key, day, of.reserved);
    if (posts.approved == 0 && posts.occupied == 0 && posts.reserved == 0) continue;
    VacancyRow row;
    row.unit = key.unit;
    row.unit_name = unitLabel(ctx.index, key.unit);
    row.region = std::string(of.region);
    row.type = type;
    row.posts = posts;
    row.vacant_since = vacantSince(ctx, key, day);
    std::vector<std::string> because;
    if (row.posts.vacant() > 0) {
      if (!of.ghost_pay) of.ghost_pay = ghost_pay(key.unit);
      if (!of.ghost_pay->empty()) {
        row.ghost_pay_findings = *of.ghost_pay;
        because.emplace_back("ghost_pay");
      }
      if (row.vacant_since && day.days - row.vacant_since->days > ctx.params.pool_after_days) {
        because.emplace_back("long_vacant");
      }
    }
    row.recoverable = !because.empty();
    for (const auto& reason : because) row.recoverable_because += (row.recoverable_because.empty() ? "" : ",") + reason;
    if (filter.recoverable && *filter.recoverable != row.recoverable) continue;
    rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end(), [](const VacancyRow& a, const VacancyRow& b) {
    if (a.region != b.region) return a.region < b.region;
    if (a.unit != b.unit) return a.unit < b.unit;
    return a.type < b.type;
  });
  return rows;
}

}  // namespace detail

VacancySummary summarise(const std::vector<VacancyRow>& rows) {
  VacancySummary out;
  auto add = [](VacancyTotals& totals, const VacancyRow& row) {
    totals.approved += row.posts.approved;
    totals.occupied += row.posts.occupied;
    totals.reserved += row.posts.reserved;
    totals.vacant += std::max(0, row.posts.vacant());
    totals.excess += std::max(0, row.posts.occupied - row.posts.approved);
    if (row.recoverable) totals.recoverable += std::max(0, row.posts.vacant());
  };
  std::map<std::string, std::set<model::UnitId>> units;  // a unit has a row per type
  for (const auto& row : rows) {
    add(out.by_region[row.region], row);
    add(out.all, row);
    units[row.region].insert(row.unit);
  }
  for (const auto& [region, ids] : units) {
    out.by_region[region].units = ids.size();
    out.all.units += ids.size();
  }
  return out;
}

nlohmann::json vacancyJson(const VacancyRow& row) {
  return {{"unit_id", row.unit.str()},
          {"unit_name", row.unit_name},
          {"region", row.region},
          {"estab_type", model::toString(row.type)},
          {"approved", row.posts.approved},
          {"occupied", row.posts.occupied},
          {"reserved", row.posts.reserved},
          {"vacant", row.posts.vacant()},
          {"vacant_since", row.vacant_since ? model::formatDate(*row.vacant_since) : std::string()},
          {"recoverable", row.recoverable},
          {"recoverable_because", row.recoverable_because},
          {"ghost_pay_findings", row.ghost_pay_findings}};
}

nlohmann::json vacancyTotalsJson(const VacancyTotals& totals) {
  return {{"units", totals.units},
          {"approved", totals.approved},
          {"occupied", totals.occupied},
          {"reserved", totals.reserved},
          {"vacant", totals.vacant},
          {"excess", totals.excess},
          {"recoverable", totals.recoverable}};
}

nlohmann::json vacancyPoolJson(const std::vector<VacancyRow>& rows, model::Date as_of, std::size_t offset,
                               std::size_t limit) {
  const auto summary = summarise(rows);
  nlohmann::json listed = nlohmann::json::array();
  for (std::size_t i = offset; i < rows.size() && (limit == 0 || listed.size() < limit); ++i) {
    listed.push_back(vacancyJson(rows[i]));
  }
  nlohmann::json regions = nlohmann::json::object();
  for (const auto& [region, totals] : summary.by_region) {
    nlohmann::json item = vacancyTotalsJson(totals);
    item["region_name"] = std::string(model::regionName(region));
    regions[region] = std::move(item);
  }
  return {{"as_of", model::formatDate(as_of)},
          {"vacancies", listed},
          {"count", listed.size()},
          {"rows", rows.size()},
          {"offset", offset},
          {"regions", regions},
          {"total", vacancyTotalsJson(summary.all)}};
}

}  // namespace staffchain::chain
