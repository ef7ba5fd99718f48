// The engine's in-memory store: every record by its key, grouped per person, plus the
// reverse indexes (unit/type -> persons, approval -> citing persons) that let one change be
// re-evaluated without a scan.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "person_table.hpp"
#include "place_index.hpp"
#include "staffchain/model/calendar.hpp"
#include "staffchain/model/records.hpp"

namespace staffchain::chain::detail {

// The establishment type of a scope whose type could not be derived (a hire citing no
// usable approval, by a person with no roster entry in that unit).
inline constexpr std::uint8_t kUnknownType = 0xFF;

struct ScopeKey {
  model::UnitId unit;
  std::uint8_t type = kUnknownType;  // a model::EstabType value, or kUnknownType

  friend bool operator==(const ScopeKey&, const ScopeKey&) = default;
  friend auto operator<=>(const ScopeKey&, const ScopeKey&) = default;
};

struct LeaderKey {
  model::UnitId unit;
  model::LeaderLevel level = model::LeaderLevel::county;
  model::LeaderRank rank = model::LeaderRank::chief;

  friend bool operator==(const LeaderKey&, const LeaderKey&) = default;
  friend auto operator<=>(const LeaderKey&, const LeaderKey&) = default;
};

using QuarantineKey = std::pair<std::string, std::string>;  // source, origin

// The 18 bytes of an id read as three integers and mixed: std::hash<string_view> hashes them
// byte by byte, and at a million persons every index lookup pays for it.
struct IdHash {
  static constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ULL;

  static std::uint64_t mix(std::uint64_t h) noexcept {
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 33;
    return h;
  }
  template <typename Tag>
  static std::uint64_t raw(const model::FixedId<Tag>& id) noexcept {
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    std::uint16_t c = 0;
    std::memcpy(&a, id.chars.data(), sizeof a);
    std::memcpy(&b, id.chars.data() + 8, sizeof b);
    std::memcpy(&c, id.chars.data() + 16, sizeof c);
    return mix((a * kMul) ^ (b + (static_cast<std::uint64_t>(c) << 1U)));
  }
  template <typename Tag>
  std::size_t operator()(const model::FixedId<Tag>& id) const noexcept {
    return static_cast<std::size_t>(raw(id));
  }
};

// Equality of two ids as three integer compares: the defaulted operator== calls memcmp,
// and the scans of a person's rows for one unit run it millions of times.
template <typename Tag>
inline bool sameId(const model::FixedId<Tag>& a, const model::FixedId<Tag>& b) noexcept {
  std::uint64_t a0 = 0;
  std::uint64_t a1 = 0;
  std::uint16_t a2 = 0;
  std::uint64_t b0 = 0;
  std::uint64_t b1 = 0;
  std::uint16_t b2 = 0;
  std::memcpy(&a0, a.chars.data(), sizeof a0);
  std::memcpy(&a1, a.chars.data() + 8, sizeof a1);
  std::memcpy(&a2, a.chars.data() + 16, sizeof a2);
  std::memcpy(&b0, b.chars.data(), sizeof b0);
  std::memcpy(&b1, b.chars.data() + 8, sizeof b1);
  std::memcpy(&b2, b.chars.data() + 16, sizeof b2);
  return ((a0 ^ b0) | (a1 ^ b1) | static_cast<std::uint64_t>(a2 ^ b2)) == 0;
}

// Record ids (approvals, movements) are short ASCII strings: eight bytes at a time, mixed.
struct TextHash {
  std::size_t operator()(const std::string& text) const noexcept {
    std::uint64_t h = text.size() * IdHash::kMul;
    std::size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, text.data() + i, sizeof word);
      h = (h ^ word) * IdHash::kMul;
      h ^= h >> 29;
    }
    std::uint64_t rest = 0;
    std::memcpy(&rest, text.data() + i, text.size() - i);
    return static_cast<std::size_t>(IdHash::mix(h ^ rest));
  }
};

struct ScopeKeyHash {
  std::size_t operator()(const ScopeKey& k) const noexcept {
    return static_cast<std::size_t>(IdHash::mix(IdHash::raw(k.unit) + k.type));
  }
};
struct LeaderKeyHash {
  std::size_t operator()(const LeaderKey& k) const noexcept {
    return static_cast<std::size_t>(IdHash::mix(IdHash::raw(k.unit) + static_cast<std::uint64_t>(k.level) * 7U +
                                                static_cast<std::uint64_t>(k.rank)));
  }
};

struct IdEqual {
  template <typename Tag>
  bool operator()(const model::FixedId<Tag>& a, const model::FixedId<Tag>& b) const noexcept {
    return sameId(a, b);
  }
};

using PersonSet = std::unordered_set<model::PersonId, IdHash, IdEqual>;
template <typename Value>
using PersonMap = std::unordered_map<model::PersonId, Value, IdHash, IdEqual>;
using UnitSet = std::unordered_set<model::UnitId, IdHash, IdEqual>;
template <typename Value>
using UnitMap = std::unordered_map<model::UnitId, Value, IdHash, IdEqual>;

// What a person's records tie them to; kept so that a change can tell which scopes lost
// or gained the person.
struct PersonLinks {
  std::vector<ScopeKey> scopes;        // unit/types they were hired into or rostered in
  std::vector<LeaderKey> leaders;      // leadership posts they held
  std::vector<std::string> approvals;  // approval ids their movements cite
  // A digest of their roster stays (unit, type, dates): while it and their roster records stay
  // the same, a change of theirs leaves every unit/type's occupancy as it was.
  std::uint64_t presence = 0;

  friend bool operator==(const PersonLinks&, const PersonLinks&) = default;
};

// A payroll row as the engine holds it: 16 bytes where model::PayrollMonth takes 64. At a
// million persons a province has some twelve million rows, most of the engine's memory. The
// person is already the key of the records that hold the row; the unit is interned (its number
// among the index's units: ChainIndex::payUnit); the gross, the source and the funding share
// eight bytes. The row's line in its file is not kept: evidence names a record by its key and
// its source, and nothing that reads the engine asks for the line.
struct PayRow {
  // A gross read from a file is at most 13 digits of yuan (below 2^50 fen), and never
  // negative; the sources an engine is given, at most 4096.
  static constexpr unsigned kGrossBits = 50;
  static constexpr unsigned kSourceBits = 12;

  std::uint32_t unit = 0;  // the number of the unit interned by the ChainIndex
  model::Month month;
  std::uint64_t gross_fen : kGrossBits = 0;
  std::uint64_t source : kSourceBits = 0;  // model::Origin::source
  std::uint64_t funding_code : 2 = 0;      // a model::Funding value

  // The row of `pay` but its unit, which the index interns once the row is known to fit;
  // std::out_of_range for a gross or a source beyond the bits above, which nothing read or
  // configured reaches.
  static PayRow of(const model::PayrollMonth& pay);

  [[nodiscard]] model::Funding funding() const noexcept { return static_cast<model::Funding>(funding_code); }
  [[nodiscard]] std::int64_t gross() const noexcept { return static_cast<std::int64_t>(gross_fen); }
};
static_assert(sizeof(PayRow) == 16, "a payroll row is the bulk of the index: keep it at 16 bytes");

// What a person holds beside their rows, apart from them (PersonRecords::extra): a few persons
// in a thousand have a death record, and an index read only (ChainIndex::linkAll(false)) keeps
// no links. A person's node is then 104 bytes where, with the death records and the links in
// it, it was 200.
struct PersonExtra {
  std::unique_ptr<model::Death> death;  // their one death record: a later one replaces it
  PersonLinks links;
};

struct PersonRecords {
  std::vector<model::RosterEntry> roster;  // by unit_id
  std::vector<model::Movement> movements;  // by (effective_on, movement_id)
  std::vector<PayRow> payroll;             // by (month, unit id)
  std::unique_ptr<PersonExtra> extra;

  [[nodiscard]] const model::Death* death() const noexcept { return extra ? extra->death.get() : nullptr; }
  // The extra, made when there is none.
  PersonExtra& extraHeld() {
    if (!extra) extra = std::make_unique<PersonExtra>();
    return *extra;
  }
  [[nodiscard]] bool empty() const noexcept {
    return roster.empty() && movements.empty() && payroll.empty() && death() == nullptr;
  }
  [[nodiscard]] const model::RosterEntry* rosterIn(const model::UnitId& unit) const noexcept;
};

// A person as the index holds them: their id and records, in a node that stays where it is.
using PersonNode = std::pair<const model::PersonId, PersonRecords>;

// A member of a unit/type or of a leadership post: the person's node, 8 bytes where a copy of
// the id and a pointer to the records took 32. Read as a pair (const auto& [id, records]), the
// id and a pointer to the records.
class ScopeMember {
 public:
  explicit ScopeMember(const PersonNode* node) noexcept : node_(node) {}
  [[nodiscard]] const model::PersonId& id() const noexcept { return node_->first; }
  template <std::size_t I>
  [[nodiscard]] decltype(auto) get() const noexcept {
    static_assert(I < 2);
    if constexpr (I == 0) {
      return (node_->first);
    } else {
      return &node_->second;
    }
  }

 private:
  const PersonNode* node_;
};

// The members of a unit/type or of a leadership post, and the citers of an approval: sorted by
// id, a few dozen each. A hash table per scope took three times the memory, and the rules read
// members in id order anyway.
using MemberList = std::vector<ScopeMember>;
using CiterList = std::vector<model::PersonId>;

// One roster stay of a person as the last evaluation counted it (a PresenceInterval without
// its pointers, which the change may leave dangling).
struct StayBefore {
  model::UnitId unit;
  std::uint8_t type = kUnknownType;
  model::Date from;
  model::Date until;
};

// A hire of a person citing an approval, as it was before the change: where in the order of
// the approval's uses (effective_on, movement_id) the change may move the slots.
struct CiteBefore {
  std::string approval_id;
  model::Date on;
  std::string movement_id;
};

// What a change made stale. After a load every person is: `all_persons` says so instead of
// listing a million ids. Reset by assigning a fresh Touched, not clear(): clear() walks every
// bucket, and after a large batch the tables keep their size.
struct Touched {
  bool all_persons = false;
  PersonSet persons;
  // Scopes to judge whole: their occupancy, quota, approvals or unit changed.
  std::unordered_set<ScopeKey, ScopeKeyHash> scopes;
  // Scopes whose occupancy stayed the same, with the persons whose hires in them changed: only
  // those persons' findings there (and those of the others citing the same approvals) are judged.
  std::unordered_map<ScopeKey, PersonSet, ScopeKeyHash> scope_persons;
  // The approvals such persons cite or cited, by the scope whose slots they hand out.
  std::unordered_map<ScopeKey, std::set<std::string>, ScopeKeyHash> cited;
  // Persons whose roster rows, roster_add or roster_remove changed: their stays may read
  // differently even where the digest is the same.
  PersonSet roster_changed;
  std::unordered_set<LeaderKey, LeaderKeyHash> leaders;
  UnitSet suspension;
  std::set<QuarantineKey> quarantine;
  // Reduction tasks put or erased (by task id).
  std::set<std::string, std::less<>> reductions;
  // Units whose own row changed: every person whose records name them is stale too
  // (ChainIndex::touchPersonsNaming).
  UnitSet units_named;
  // Scopes whose occupancy may have changed, with the persons whose stays changed there (by
  // relink): the evaluation counts them again from these persons' stays before and after,
  // or judges the scope whole when it cannot (ChainEngine, evaluateUnitTypeStays).
  std::unordered_map<ScopeKey, PersonSet, ScopeKeyHash> stay_scopes;
  // Each person's stays as they were before their first roster row or movement changed since
  // the last evaluation (ChainIndex::noteStays).
  PersonMap<std::vector<StayBefore>> stays_before;
  // And the hires they cited approvals with (the same persons).
  PersonMap<std::vector<CiteBefore>> cites_before;
  // An approval, quota or unit changed: a stay's type may read differently, and stays_before
  // may not be what the last evaluation counted. Every stay_scope is then judged whole.
  bool index_changed = false;

  // After a load (all_persons) the next evaluation judges every scope: nothing to note.
  void addPerson(const model::PersonId& id) {
    if (!all_persons) persons.insert(id);
  }
  void addScope(const ScopeKey& key) {
    if (!all_persons) scopes.insert(key);
  }
  void addLeader(const LeaderKey& key) {
    if (!all_persons) leaders.insert(key);
  }
  void addReduction(std::string_view id) {
    if (!all_persons) reductions.emplace(id);
  }
  void addSuspension(const model::UnitId& unit) {
    if (!all_persons) suspension.insert(unit);
  }
  void addRosterChange(const model::PersonId& id) {
    if (!all_persons) roster_changed.insert(id);
  }
  template <typename It>
  void addPersons(It first, It last) {
    if (!all_persons) persons.insert(first, last);
  }
};

class ChainIndex {
 public:
  void clear();
  // Sizes the tables for a dataset about to be put, so that loading does not rehash.
  void reserveFor(const model::Dataset& dataset);
  void setSources(std::vector<std::string> sources) { sources_ = std::move(sources); }
  // While loading: room for this many payroll rows is made at a person's first row, so that
  // a year of rows does not end in a vector of 16 (a quarter of the index at a million).
  // trimPayroll() then gives back what a person with fewer rows did not use.
  void setPayrollHint(std::size_t rows) { payroll_hint_ = rows; }
  void trimPayroll();
  // The number of the one copy of a unit id that payroll rows name (PayRow::unit).
  std::uint32_t internUnit(const model::UnitId& unit);
  // The unit that paid a payroll row.
  [[nodiscard]] const model::UnitId& payUnit(const PayRow& row) const { return interned_units_[row.unit]; }
  // A payroll row as the record it was put as, with no line in its file (PayRow).
  [[nodiscard]] model::PayrollMonth payRecord(const model::PersonId& person, const PayRow& row) const;
  [[nodiscard]] std::size_t personCount() const noexcept { return persons_.size(); }
  [[nodiscard]] std::string sourceName(std::uint32_t index) const;

  // Store or replace (same type and recordKey); records what became stale in `touched`.
  void put(model::Record record, Touched& touched);
  void erase(model::RecordType type, std::string_view key, Touched& touched);
  void addQuarantine(model::QuarantineEntry entry, Touched& touched);
  void eraseQuarantine(const QuarantineKey& key, Touched& touched);
  // Recomputes a person's links after their records changed; the scopes and leader posts
  // they left or joined go into `touched`.
  void relink(const model::PersonId& person, Touched& touched);
  // relink() for every person, on an index whose reverse indexes are still empty (just loaded).
  // Without `for_changes` the index is to be read only from here on (an audit's): it keeps
  // neither the persons' links nor the movement ids, which only a change reads (some 150 MB at
  // a million persons), and refuses a change (std::logic_error) until clear().
  void linkAll(bool for_changes = true);
  // Adds to `touched.persons` everyone whose records name a unit of `touched.units_named`: one
  // pass over every person, paid only in a batch that changed a unit's own row.
  void touchPersonsNaming(Touched& touched) const;

  [[nodiscard]] const model::Unit* unit(const model::UnitId& id) const;
  [[nodiscard]] const model::Approval* approval(const std::string& id) const;
  [[nodiscard]] const std::vector<model::Quota>* quotas(const ScopeKey& key) const;  // by effective_from
  [[nodiscard]] const model::Quota* quotaOn(const ScopeKey& key, model::Date date) const;
  // The type of the unit's quotas when they are all of one type, else kUnknownType.
  [[nodiscard]] std::uint8_t onlyTypeOf(const model::UnitId& unit) const;
  // The quota of `list` (by effective_from) in force on `date`, nullptr when none yet.
  [[nodiscard]] static const model::Quota* quotaIn(const std::vector<model::Quota>& list, model::Date date);
  [[nodiscard]] const model::LeaderQuota* leaderQuota(const LeaderKey& key) const;
  // The reduction tasks (控编减编) by task id. A task's finding reads only the task, its unit's
  // row and its unit/type's quotas: an evaluation judges again the tasks whose task, unit or
  // unit/type it finds touched (reductionsOfUnit), not all of them.
  [[nodiscard]] const std::map<std::string, model::ReductionTask, std::less<>>& reductions() const noexcept {
    return reductions_;
  }
  // The ids of a unit's reduction tasks, nullptr when it has none.
  [[nodiscard]] const std::vector<std::string>* reductionsOfUnit(const model::UnitId& unit) const;
  [[nodiscard]] const PersonRecords* person(const model::PersonId& id) const;
  // The persons linked to a scope, each with their records (no lookup per member).
  [[nodiscard]] const MemberList* members(const ScopeKey& key) const;
  [[nodiscard]] const MemberList* leaderMembers(const LeaderKey& key) const;
  // A unit's approvals by id, each with the held approval (a pointer into the approvals table:
  // its nodes never move, and an approval replaced or erased leaves this map in the same step).
  using UnitApprovals = std::map<std::string, const model::Approval*, std::less<>>;
  [[nodiscard]] const UnitApprovals* approvalsOfUnit(const model::UnitId& unit) const;
  // The persons whose movements cite an approval id.
  [[nodiscard]] const CiterList* citers(const std::string& approval) const;

  // For full evaluations: every key that could hold a finding.
  // In the order the persons were first put, which is the order their records lie in memory.
  template <typename F>
  void forEachPerson(F f) const {
    persons_.forEach([&](const auto& node) { f(node.first, node.second); });
  }
  // Every unit, in no particular order.
  template <typename F>
  void forEachUnit(F f) const {
    for (const auto& [id, unit] : units_) f(unit);
  }
  // The units of a region, in no particular order.
  template <typename F>
  void forEachUnitOfRegion(const std::string& region, F f) const {
    auto it = units_by_region_.find(region);
    if (it == units_by_region_.end()) return;
    for (const auto& id : it->second) f(units_.at(id));
  }
  [[nodiscard]] std::vector<model::PersonId> allPersons() const;
  [[nodiscard]] std::vector<ScopeKey> allScopes() const;
  [[nodiscard]] std::vector<LeaderKey> allLeaderKeys() const;
  [[nodiscard]] std::vector<model::UnitId> allApprovalUnits() const;
  [[nodiscard]] const std::map<QuarantineKey, std::vector<model::QuarantineEntry>>& quarantine() const {
    return quarantine_;
  }

 private:
  // The person's place (added when absent), and their records.
  std::uint32_t personPlace(const model::PersonId& id, Touched& touched);
  PersonRecords& personSlot(const model::PersonId& id, Touched& touched);
  // The place of the person holding movement `id` (of hash `hash`), PlaceIndex::kNone.
  [[nodiscard]] std::uint32_t movementOwner(std::uint64_t hash, const std::string& id) const;
  // Takes movement `id` from whoever holds it.
  void forgetMovementOwner(std::uint64_t hash, const std::string& id, Touched& touched);
  void touchUnit(const model::UnitId& unit, Touched& touched) const;
  void putApproval(const model::Approval& approval, Touched& touched);
  void eraseApproval(const std::string& id, Touched& touched);
  void eraseMovement(const std::string& id, Touched& touched);
  void dropMovement(const model::PersonId& owner, const std::string& id, Touched& touched);
  // Keeps the person's stays and cited approvals as they are, before their roster rows or
  // movements change, the first time in an evaluation round (Touched::stays_before and
  // cites_before).
  void noteStays(const model::PersonId& id, Touched& touched) const;
  // Throws std::logic_error once the index was linked to be read only (linkAll(false)).
  void refuseIfReadOnly() const;

  std::vector<std::string> sources_;
  std::size_t payroll_hint_ = 0;
  bool read_only_ = false;
  // The interned units (PayRow::unit is the number of one) and where each is: a payroll file's
  // rows change unit every few rows and name every unit each month, and a node-based set paid
  // a cache miss or two a row.
  std::vector<model::UnitId> interned_units_;
  PlaceIndex unit_places_;
  std::uint32_t last_interned_ = PlaceIndex::kNone;
  UnitMap<model::Unit> units_;
  // The ids of units_ by region: a pre-check looks for vacancies among a region's units.
  std::unordered_map<std::string, std::vector<model::UnitId>> units_by_region_;
  void forgetRegionOf(const model::UnitId& id);
  std::unordered_map<ScopeKey, std::vector<model::Quota>, ScopeKeyHash> quotas_;
  std::unordered_map<LeaderKey, model::LeaderQuota, LeaderKeyHash> leader_quotas_;
  std::unordered_map<std::string, model::Approval, TextHash> approvals_;
  UnitMap<UnitApprovals> approvals_by_unit_;
  std::map<std::string, model::ReductionTask, std::less<>> reductions_;
  UnitMap<std::vector<std::string>> reductions_by_unit_;
  void forgetReduction(std::string_view id);
  using Persons = PersonTable<PersonRecords, IdHash, IdEqual>;
  using PersonNode = Persons::Node;
  Persons persons_;
  // The place of the person last looked up by personSlot(): exports list persons in the same
  // order file after file and month after month (a payroll file is one month's rows in roster
  // order, then the next month's), so the person a row names is mostly the one placed after the
  // previous row's, found with one comparison and no probe, in memory read front to back.
  std::uint32_t last_place_ = 0;
  // Movement id -> the place of the person holding it (who is asked whether they hold it):
  // a table of a million and more ids as strings was a tenth of a province's index.
  PlaceIndex movement_owners_;
  std::map<QuarantineKey, std::vector<model::QuarantineEntry>> quarantine_;

  // Reverse indexes, maintained by relink().
  // Records pointers stay valid: persons_ never moves a node, and a person leaves every reverse
  // index (relink) before persons_ forgets them.
  std::unordered_map<ScopeKey, MemberList, ScopeKeyHash> scope_members_;
  std::unordered_map<LeaderKey, MemberList, LeaderKeyHash> leader_members_;
  std::unordered_map<std::string, CiterList, TextHash> approval_citers_;
};

}  // namespace staffchain::chain::detail

template <>
struct std::tuple_size<staffchain::chain::detail::ScopeMember> : std::integral_constant<std::size_t, 2> {};
template <>
struct std::tuple_element<0, staffchain::chain::detail::ScopeMember> {
  using type = const staffchain::model::PersonId&;
};
template <>
struct std::tuple_element<1, staffchain::chain::detail::ScopeMember> {
  using type = const staffchain::chain::detail::PersonRecords*;
};
