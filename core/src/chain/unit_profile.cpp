// One unit's page: its leadership posts, roster and movements, read from the index as the
// rules read them (leaders counted as CHAIN-007 counts them), and the search for units.
#include "unit_profile.hpp"

#include <algorithm>
#include <set>

#include "presence.hpp"

namespace staffchain::chain::detail {
namespace {

// The keys a unit's people can be linked under: each establishment type (and none known), and
// each leadership level and rank — a handful of lookups, never a walk over the province.
std::vector<ScopeKey> scopesOf(const model::UnitId& unit) {
  std::vector<ScopeKey> out;
  for (std::uint8_t type = 0; type <= static_cast<std::uint8_t>(model::EstabType::veteran_cadre); ++type) {
    out.push_back(ScopeKey{unit, type});
  }
  out.push_back(ScopeKey{unit, kUnknownType});
  return out;
}

std::vector<LeaderKey> leaderKeysOf(const model::UnitId& unit) {
  std::vector<LeaderKey> out;
  for (const auto level : {model::LeaderLevel::county, model::LeaderLevel::township}) {
    for (const auto rank : {model::LeaderRank::chief, model::LeaderRank::deputy})
      out.push_back(LeaderKey{unit, level, rank});
  }
  return out;
}

// Every person linked to the unit through any of its scopes or leadership posts, once.
std::vector<const PersonRecords*> peopleOf(const ChainIndex& index, const model::UnitId& unit) {
  std::set<const PersonRecords*> seen;
  for (const auto& key : scopesOf(unit)) {
    if (const auto* members = index.members(key)) {
      for (const auto& [id, records] : *members) seen.insert(records);
    }
  }
  for (const auto& key : leaderKeysOf(unit)) {
    if (const auto* members = index.leaderMembers(key)) {
      for (const auto& [id, records] : *members) seen.insert(records);
    }
  }
  return {seen.begin(), seen.end()};
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

}  // namespace

std::optional<UnitProfile> unitProfile(const ChainIndex& index, const model::UnitId& unit, model::Date day,
                                       const UnitPaging& paging) {
  const model::Unit* row = index.unit(unit);
  if (row == nullptr) return std::nullopt;
  UnitProfile out;
  out.unit = *row;

  for (const auto& key : leaderKeysOf(unit)) {
    const auto* quota = index.leaderQuota(key);
    const auto* members = index.leaderMembers(key);
    if (quota == nullptr && (members == nullptr || members->empty())) continue;
    LeaderPosts posts{key.level, key.rank, 0, 0};
    if (quota != nullptr) posts.approved = quota->approved;
    if (members != nullptr) {
      for (const auto& [id, records] : *members) {
        const auto intervals = leadershipOf(*records);
        const bool holds = std::any_of(intervals.begin(), intervals.end(), [&](const LeaderInterval& interval) {
          return interval.key == key && interval.from <= day && day < interval.until;
        });
        if (holds) ++posts.held;
      }
    }
    out.leadership.push_back(posts);
  }

  std::vector<const model::RosterEntry*> roster;
  std::vector<const model::Movement*> movements;
  for (const auto* person : peopleOf(index, unit)) {
    for (const auto& entry : person->roster) {
      if (entry.unit_id == unit && entry.entered_on <= day) roster.push_back(&entry);
    }
    for (const auto& movement : person->movements) {
      const bool names = movement.unit_id == unit || (movement.from_unit_id && *movement.from_unit_id == unit);
      if (names && movement.effective_on <= day) movements.push_back(&movement);
    }
  }
  std::sort(roster.begin(), roster.end(), [](const auto* a, const auto* b) {
    return std::tie(a->estab_type, a->entered_on, a->person_id) < std::tie(b->estab_type, b->entered_on, b->person_id);
  });
  std::sort(movements.begin(), movements.end(), [](const auto* a, const auto* b) {
    return std::tie(b->effective_on, b->movement_id) < std::tie(a->effective_on, a->movement_id);
  });
  out.roster_total = roster.size();
  out.movements_total = movements.size();
  for (std::size_t i = paging.roster_offset; i < roster.size() && out.roster.size() < paging.roster_limit; ++i) {
    out.roster.push_back(*roster[i]);
  }
  for (std::size_t i = 0; i < movements.size() && out.movements.size() < paging.movements_limit; ++i) {
    out.movements.push_back(*movements[i]);
  }
  return out;
}

std::vector<UnitMatch> findUnits(const ChainIndex& index, const std::string& text, std::size_t offset,
                                 std::size_t limit, std::size_t& total) {
  std::vector<const model::Unit*> found;
  index.forEachUnit([&](const model::Unit& unit) {
    if (text.empty() || contains(unit.unit_id.view(), text) || contains(unit.name, text)) found.push_back(&unit);
  });
  std::sort(found.begin(), found.end(), [](const auto* a, const auto* b) {
    return std::tie(a->region, a->name, a->unit_id) < std::tie(b->region, b->name, b->unit_id);
  });
  total = found.size();
  std::vector<UnitMatch> out;
  for (std::size_t i = offset; i < found.size() && out.size() < limit; ++i) {
    out.push_back(UnitMatch{found[i]->unit_id, found[i]->name, found[i]->region, found[i]->kind});
  }
  return out;
}

}  // namespace staffchain::chain::detail
