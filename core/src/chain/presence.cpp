#include "presence.hpp"

#include <algorithm>

#include "staffchain/model/enums.hpp"

namespace staffchain::chain::detail {
namespace {

using model::Date;
using model::Movement;
using model::MovementKind;

std::uint8_t approvalTypeFor(const ChainIndex& index, const Movement& movement) {
  if (movement.approval_id.empty()) return kUnknownType;
  const auto* approval = index.approval(movement.approval_id);
  if (approval == nullptr || !sameId(approval->unit_id, movement.unit_id)) return kUnknownType;
  return static_cast<std::uint8_t>(approval->estab_type);
}

}  // namespace

std::uint8_t derivedType(const ChainIndex& index, const PersonRecords& person, const Movement& movement) {
  if (const auto type = approvalTypeFor(index, movement); type != kUnknownType) return type;
  if (const auto* entry = person.rosterIn(movement.unit_id); entry != nullptr) {
    return static_cast<std::uint8_t>(entry->estab_type);
  }
  if (movement.kind != MovementKind::roster_add) return kUnknownType;
  // Movements are sorted, so the last match before this roster_add is the latest hire.
  std::uint8_t type = kUnknownType;
  for (const auto& earlier : person.movements) {
    if (earlier.effective_on > movement.effective_on) break;
    if (!model::isHire(earlier.kind) || !sameId(earlier.unit_id, movement.unit_id)) continue;
    if (const auto t = approvalTypeFor(index, earlier); t != kUnknownType) type = t;
  }
  // Nothing names the type, but a unit whose establishment is of one type only leaves no doubt.
  return type != kUnknownType ? type : index.onlyTypeOf(movement.unit_id);
}

std::vector<PresenceInterval> presenceOf(const ChainIndex& index, const PersonRecords& person) {
  return presenceIn(index, person, nullptr);
}

std::vector<PresenceInterval> presenceIn(const ChainIndex& index, const PersonRecords& person,
                                         const model::UnitId* only) {
  std::vector<PresenceInterval> out;
  for (const auto& entry : person.roster) {
    if (only != nullptr && !sameId(entry.unit_id, *only)) continue;
    PresenceInterval interval;
    interval.unit = entry.unit_id;
    interval.type = static_cast<std::uint8_t>(entry.estab_type);
    interval.from = entry.entered_on;
    interval.entry = &entry;
    out.push_back(interval);
  }
  // Movements are in (effective_on, movement_id) order; an add opens the unit's interval,
  // the next remove of that unit closes it. A remove with nothing open changes nothing.
  std::vector<std::size_t> open;  // indexes into `out` of roster_add intervals still open
  for (const auto& movement : person.movements) {
    if (only != nullptr && !sameId(movement.unit_id, *only)) continue;
    if (movement.kind == MovementKind::roster_add) {
      const bool already =
          std::any_of(open.begin(), open.end(), [&](std::size_t i) { return sameId(out[i].unit, movement.unit_id); });
      if (already) continue;
      PresenceInterval interval;
      interval.unit = movement.unit_id;
      interval.type = derivedType(index, person, movement);
      interval.from = movement.effective_on;
      interval.add = &movement;
      open.push_back(out.size());
      out.push_back(interval);
    } else if (movement.kind == MovementKind::roster_remove) {
      auto it =
          std::find_if(open.begin(), open.end(), [&](std::size_t i) { return sameId(out[i].unit, movement.unit_id); });
      if (it == open.end()) continue;
      out[*it].until = movement.effective_on;
      out[*it].remove = &movement;
      open.erase(it);
    }
  }
  return out;
}

std::vector<LeaderInterval> leadershipOf(const PersonRecords& person) {
  std::vector<LeaderInterval> out;
  using model::LeaderLevel;
  using model::LeaderRank;
  for (const auto& entry : person.roster) {
    if (entry.leader_level == LeaderLevel::none || entry.leader_rank == LeaderRank::none) continue;
    LeaderInterval interval;
    interval.key = LeaderKey{entry.unit_id, entry.leader_level, entry.leader_rank};
    interval.from = entry.entered_on;
    interval.entry = &entry;
    out.push_back(interval);
  }
  const auto& moves = person.movements;
  for (std::size_t i = 0; i < moves.size(); ++i) {
    const auto& appoint = moves[i];
    if (appoint.kind != MovementKind::appoint_leader) continue;
    if (appoint.leader_level == LeaderLevel::none || appoint.leader_rank == LeaderRank::none) continue;
    LeaderInterval interval;
    interval.key = LeaderKey{appoint.unit_id, appoint.leader_level, appoint.leader_rank};
    interval.from = appoint.effective_on;
    interval.appoint = &appoint;
    for (std::size_t j = i + 1; j < moves.size(); ++j) {
      const auto& later = moves[j];
      if (!sameId(later.unit_id, appoint.unit_id)) continue;
      const bool removes = later.kind == MovementKind::remove_leader &&
                           (later.leader_level == LeaderLevel::none || later.leader_level == appoint.leader_level) &&
                           (later.leader_rank == LeaderRank::none || later.leader_rank == appoint.leader_rank);
      if (removes || model::isExit(later.kind)) {
        interval.until = later.effective_on;
        interval.end = &later;
        break;
      }
    }
    out.push_back(interval);
  }
  return out;
}

PersonLinks computeLinks(const ChainIndex& index, const PersonRecords& person) {
  // Vectors sorted and deduplicated at the end: a tree node per insert made this the costliest
  // step of loading a province.
  PersonLinks links;
  for (const auto& interval : presenceOf(index, person)) {
    links.scopes.push_back(ScopeKey{interval.unit, interval.type});
    // Order-dependent; 0 for a person with no stay.
    const auto dates = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(interval.from.days)) << 32U) |
                       static_cast<std::uint32_t>(interval.until.days);
    links.presence = IdHash::mix((links.presence + 1) * IdHash::kMul ^ IdHash::raw(interval.unit) ^
                                 (dates + static_cast<std::uint64_t>(interval.type)));
  }
  for (const auto& interval : leadershipOf(person)) links.leaders.push_back(interval.key);
  for (const auto& movement : person.movements) {
    if (!movement.approval_id.empty()) links.approvals.push_back(movement.approval_id);
    if (model::isHire(movement.kind))
      links.scopes.push_back(ScopeKey{movement.unit_id, derivedType(index, person, movement)});
  }
  auto sortUnique = [](auto& items) {
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
    items.shrink_to_fit();
  };
  sortUnique(links.scopes);
  sortUnique(links.leaders);
  sortUnique(links.approvals);
  return links;
}

std::vector<std::pair<Date, Date>> mergeRanges(std::vector<std::pair<Date, Date>> ranges) {
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<Date, Date>> merged;
  for (const auto& range : ranges) {
    if (range.second <= range.first) continue;
    if (!merged.empty() && range.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, range.second);
    } else {
      merged.push_back(range);
    }
  }
  return merged;
}

void OccupancyCounter::add(const std::vector<std::pair<Date, Date>>& merged) {
  for (const auto& [from, until] : merged) {
    starts_.push_back(from);
    if (until != kForever) ends_.push_back(until);
  }
}

void OccupancyCounter::finish() {
  std::sort(starts_.begin(), starts_.end());
  std::sort(ends_.begin(), ends_.end());
}

std::int32_t OccupancyCounter::countOn(Date d) const noexcept {
  const auto started = std::upper_bound(starts_.begin(), starts_.end(), d) - starts_.begin();
  const auto ended = std::upper_bound(ends_.begin(), ends_.end(), d) - ends_.begin();
  return static_cast<std::int32_t>(started - ended);
}

std::vector<Date> OccupancyCounter::changeDates() const {
  std::vector<Date> dates(starts_);
  dates.insert(dates.end(), ends_.begin(), ends_.end());
  std::sort(dates.begin(), dates.end());
  dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
  return dates;
}

bool OccupancyCounter::remove(const std::vector<std::pair<Date, Date>>& merged) {
  // A member's merged stays start on distinct days and end on distinct days: each is looked
  // for once, all before any is taken out.
  auto find = [](std::vector<Date>& dates, Date d) {
    auto it = std::lower_bound(dates.begin(), dates.end(), d);
    return it != dates.end() && *it == d ? it : dates.end();
  };
  for (const auto& [from, until] : merged) {
    if (find(starts_, from) == starts_.end()) return false;
    if (until != kForever && find(ends_, until) == ends_.end()) return false;
  }
  for (const auto& [from, until] : merged) {
    starts_.erase(find(starts_, from));
    if (until != kForever) ends_.erase(find(ends_, until));
  }
  return true;
}

void OccupancyCounter::insert(const std::vector<std::pair<Date, Date>>& merged) {
  for (const auto& [from, until] : merged) {
    starts_.insert(std::upper_bound(starts_.begin(), starts_.end(), from), from);
    if (until != kForever) ends_.insert(std::upper_bound(ends_.begin(), ends_.end(), until), until);
  }
}

void OccupancyCounter::addCurrent(const model::PersonId& person, Date from) {
  if (!lists_current_) return;
  const std::pair<model::PersonId, Date> entry{person, from};
  current_.insert(std::upper_bound(current_.begin(), current_.end(), entry), entry);
}

void OccupancyCounter::dropCurrent(const model::PersonId& person) {
  auto first = std::lower_bound(current_.begin(), current_.end(), person,
                                [](const auto& entry, const model::PersonId& id) { return entry.first < id; });
  auto last = first;
  while (last != current_.end() && sameId(last->first, person)) ++last;
  current_.erase(first, last);
}

std::optional<Date> firstDifference(const std::vector<std::pair<Date, Date>>& before,
                                    const std::vector<std::pair<Date, Date>>& after) {
  // Whether a member is counted changes only on the first or the last day of a stay.
  std::vector<Date> edges;
  for (const auto* ranges : {&before, &after}) {
    for (const auto& [from, until] : *ranges) {
      edges.push_back(from);
      edges.push_back(until);
    }
  }
  std::sort(edges.begin(), edges.end());
  auto covers = [](const std::vector<std::pair<Date, Date>>& ranges, Date d) {
    return std::any_of(ranges.begin(), ranges.end(), [d](const auto& r) { return r.first <= d && d < r.second; });
  };
  for (const auto d : edges) {
    if (covers(before, d) != covers(after, d)) return d;
  }
  return std::nullopt;
}

}  // namespace staffchain::chain::detail
