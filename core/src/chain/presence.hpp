// Who is on which roster, and who holds which leadership post, when: the timelines every
// occupancy, vacancy and pay rule is judged against (DOMAIN.md §3 "Definitions").
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "chain_index.hpp"
#include "staffchain/model/records.hpp"

namespace staffchain::chain::detail {

inline constexpr model::Date kForever{std::numeric_limits<std::int32_t>::max()};

// [from, until): `until` is exclusive, kForever when still open.
struct PresenceInterval {
  model::UnitId unit;
  std::uint8_t type = kUnknownType;
  model::Date from;
  model::Date until = kForever;
  const model::RosterEntry* entry = nullptr;  // a roster snapshot row: open-ended
  const model::Movement* add = nullptr;       // or a roster_add ...
  const model::Movement* remove = nullptr;    // ... closed by this roster_remove, if any

  [[nodiscard]] bool contains(model::Date d) const noexcept { return from <= d && d < until; }
  // Overlaps the closed range [first, last].
  [[nodiscard]] bool overlaps(model::Date first, model::Date last) const noexcept {
    return from <= last && first < until;
  }
};

struct LeaderInterval {
  LeaderKey key;
  model::Date from;
  model::Date until = kForever;
  const model::RosterEntry* entry = nullptr;
  const model::Movement* appoint = nullptr;
  const model::Movement* end = nullptr;  // the remove_leader or exit that ended it
};

// The establishment type a hire, transfer in or roster_add fills: that of the approval it
// cites when the approval is for the same unit, else that of the person's roster row in the
// unit; a roster_add with neither takes it from the latest earlier hire into the unit that
// cites such an approval; else the unit's one establishment type when its quotas are all of one
// type. kUnknownType when nothing says.
std::uint8_t derivedType(const ChainIndex& index, const PersonRecords& person, const model::Movement& movement);

// A snapshot row is on the roster from entered_on on; a roster_add until the next
// roster_remove of the same person and unit.
std::vector<PresenceInterval> presenceOf(const ChainIndex& index, const PersonRecords& person);
// presenceOf() for one unit only (when `only` is not null): a unit's intervals depend on that
// unit's rows alone, and a scope judging a unit need not derive the types of the others.
std::vector<PresenceInterval> presenceIn(const ChainIndex& index, const PersonRecords& person,
                                         const model::UnitId* only);

// A snapshot row with a leader level and rank holds that post from entered_on on; an
// appoint_leader until the next remove_leader (same unit; same level/rank when given) or exit
// from the unit.
std::vector<LeaderInterval> leadershipOf(const PersonRecords& person);

PersonLinks computeLinks(const ChainIndex& index, const PersonRecords& person);

// Sorts and merges overlapping or touching [from, until) ranges.
std::vector<std::pair<model::Date, model::Date>> mergeRanges(std::vector<std::pair<model::Date, model::Date>> ranges);

// The first of `dates` (the days on which what `holds` reads may change: any order, repeats
// allowed) from which `holds` has been true without a break up to `day`; `day` itself when no
// such date starts the run. What a standing finding's `since` and a vacancy's "vacant since" are.
template <typename Holds>
model::Date currentRunStart(std::vector<model::Date> dates, model::Date day, Holds holds) {
  std::sort(dates.begin(), dates.end());
  dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
  // Backwards from the last date on or before `day`: the run is the dates that hold after the
  // last one that does not, so the walk stops there (a post vacant since last spring is not
  // judged on every change of the years before).
  std::optional<model::Date> run;
  for (auto it = std::upper_bound(dates.begin(), dates.end(), day); it != dates.begin();) {
    --it;
    if (!holds(*it)) break;
    run = *it;
  }
  return run.value_or(day);
}

// Counts how many of a set of per-person merged ranges contain a date, in O(log n).
class OccupancyCounter {
 public:
  void add(const std::vector<std::pair<model::Date, model::Date>>& merged);
  void finish();
  [[nodiscard]] std::int32_t countOn(model::Date d) const noexcept;
  // Every date at which the count may change, sorted, unique.
  [[nodiscard]] std::vector<model::Date> changeDates() const;

  // After finish(): one member's merged stays taken out of the count (false, and nothing
  // changed, when they are not all in it: the count was not made of them) or put in.
  [[nodiscard]] bool remove(const std::vector<std::pair<model::Date, model::Date>>& merged);
  void insert(const std::vector<std::pair<model::Date, model::Date>>& merged);

  // The latest hire judged in the scope (dated on or before the evaluation date), or none: a
  // change of the count only from a later day on changes no hire's vacancy but its own.
  void noteHire(model::Date d) noexcept {
    if (!latest_hire_ || *latest_hire_ < d) latest_hire_ = d;
  }
  [[nodiscard]] std::optional<model::Date> latestHire() const noexcept { return latest_hire_; }

  // The members on the roster on the evaluation date, by id, with the first day of each such
  // stay: whose stays CHAIN-012 may list, without deriving every member's stays again. Kept
  // by the scope's evaluations (an evaluation on another day judges every scope whole).
  // Not kept unless listCurrent() was called (an engine that judges once, as the audit does,
  // has no later change to list them for).
  void listCurrent() noexcept { lists_current_ = true; }
  [[nodiscard]] bool listsCurrent() const noexcept { return lists_current_; }
  void addCurrent(const model::PersonId& person, model::Date from);
  void dropCurrent(const model::PersonId& person);
  [[nodiscard]] const std::vector<std::pair<model::PersonId, model::Date>>& current() const noexcept {
    return current_;
  }

 private:
  std::vector<model::Date> starts_;
  std::vector<model::Date> ends_;
  std::optional<model::Date> latest_hire_;
  std::vector<std::pair<model::PersonId, model::Date>> current_;  // by person
  bool lists_current_ = false;
};

// The first day on which a member counted with the stays `before` is counted differently
// with `after` (both merged), or none when the two count the same every day.
std::optional<model::Date> firstDifference(const std::vector<std::pair<model::Date, model::Date>>& before,
                                           const std::vector<std::pair<model::Date, model::Date>>& after);

}  // namespace staffchain::chain::detail
