// The engine's in-memory store: every record by its key, grouped per person, plus the
// reverse indexes (unit/type -> persons, approval -> citing persons) that let one change be
// re-evaluated without a scan.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

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

struct ScopeKeyHash {
  std::size_t operator()(const ScopeKey& k) const noexcept {
    return std::hash<model::UnitId>{}(k.unit) * 31U + k.type;
  }
};
struct LeaderKeyHash {
  std::size_t operator()(const LeaderKey& k) const noexcept {
    return std::hash<model::UnitId>{}(k.unit) * 31U + static_cast<std::size_t>(k.level) * 7U +
           static_cast<std::size_t>(k.rank);
  }
};

// What a person's records tie them to; kept so that a change can tell which scopes lost
// or gained the person.
struct PersonLinks {
  std::vector<ScopeKey> scopes;        // unit/types they were hired into or rostered in
  std::vector<LeaderKey> leaders;      // leadership posts they held
  std::vector<model::UnitId> units;    // every unit their records name (findings show its name)
  std::vector<std::string> approvals;  // approval ids their movements cite

  friend bool operator==(const PersonLinks&, const PersonLinks&) = default;
};

struct PersonRecords {
  std::vector<model::RosterEntry> roster;    // by unit_id
  std::vector<model::Movement> movements;    // by (effective_on, movement_id)
  std::vector<model::PayrollMonth> payroll;  // by (month, unit_id)
  std::vector<model::Death> deaths;
  PersonLinks links;

  [[nodiscard]] bool empty() const noexcept {
    return roster.empty() && movements.empty() && payroll.empty() && deaths.empty();
  }
  [[nodiscard]] const model::RosterEntry* rosterIn(const model::UnitId& unit) const noexcept;
};

// What a change made stale.
struct Touched {
  std::unordered_set<model::PersonId> persons;
  std::unordered_set<ScopeKey, ScopeKeyHash> scopes;
  std::unordered_set<LeaderKey, LeaderKeyHash> leaders;
  std::unordered_set<model::UnitId> suspension;
  std::set<QuarantineKey> quarantine;

  void clear() {
    persons.clear();
    scopes.clear();
    leaders.clear();
    suspension.clear();
    quarantine.clear();
  }
};

class ChainIndex {
 public:
  void clear();
  void setSources(std::vector<std::string> sources) { sources_ = std::move(sources); }
  [[nodiscard]] std::string sourceName(std::uint32_t index) const;

  // Store or replace (same type and recordKey); records what became stale in `touched`.
  void put(const model::Record& record, Touched& touched);
  void erase(model::RecordType type, std::string_view key, Touched& touched);
  void addQuarantine(model::QuarantineEntry entry, Touched& touched);
  void eraseQuarantine(const QuarantineKey& key, Touched& touched);
  // Recomputes a person's links after their records changed; the scopes and leader posts
  // they left or joined go into `touched`.
  void relink(const model::PersonId& person, Touched& touched);

  [[nodiscard]] const model::Unit* unit(const model::UnitId& id) const;
  [[nodiscard]] const model::Approval* approval(const std::string& id) const;
  [[nodiscard]] const std::vector<model::Quota>* quotas(const ScopeKey& key) const;  // by effective_from
  [[nodiscard]] const model::Quota* quotaOn(const ScopeKey& key, model::Date date) const;
  [[nodiscard]] const model::LeaderQuota* leaderQuota(const LeaderKey& key) const;
  [[nodiscard]] const PersonRecords* person(const model::PersonId& id) const;
  [[nodiscard]] const std::unordered_set<model::PersonId>* members(const ScopeKey& key) const;
  [[nodiscard]] const std::unordered_set<model::PersonId>* leaderMembers(const LeaderKey& key) const;
  [[nodiscard]] const std::set<std::string>* approvalsOfUnit(const model::UnitId& unit) const;

  // For full evaluations: every key that could hold a finding.
  [[nodiscard]] std::vector<model::PersonId> allPersons() const;
  [[nodiscard]] std::vector<ScopeKey> allScopes() const;
  [[nodiscard]] std::vector<LeaderKey> allLeaderKeys() const;
  [[nodiscard]] std::vector<model::UnitId> allApprovalUnits() const;
  [[nodiscard]] const std::map<QuarantineKey, std::vector<model::QuarantineEntry>>& quarantine() const {
    return quarantine_;
  }

 private:
  PersonRecords& personSlot(const model::PersonId& id, Touched& touched);
  void touchUnit(const model::UnitId& unit, Touched& touched) const;
  void putApproval(const model::Approval& approval, Touched& touched);
  void eraseApproval(const std::string& id, Touched& touched);
  void eraseMovement(const std::string& id, Touched& touched);

  std::vector<std::string> sources_;
  std::unordered_map<model::UnitId, model::Unit> units_;
  std::unordered_map<ScopeKey, std::vector<model::Quota>, ScopeKeyHash> quotas_;
  std::unordered_map<LeaderKey, model::LeaderQuota, LeaderKeyHash> leader_quotas_;
  std::unordered_map<std::string, model::Approval> approvals_;
  std::unordered_map<model::UnitId, std::set<std::string>> approvals_by_unit_;
  std::unordered_map<model::PersonId, PersonRecords> persons_;
  std::unordered_map<std::string, model::PersonId> movement_owner_;
  std::map<QuarantineKey, std::vector<model::QuarantineEntry>> quarantine_;

  // Reverse indexes, maintained by relink().
  std::unordered_map<ScopeKey, std::unordered_set<model::PersonId>, ScopeKeyHash> scope_members_;
  std::unordered_map<LeaderKey, std::unordered_set<model::PersonId>, LeaderKeyHash> leader_members_;
  std::unordered_map<model::UnitId, std::unordered_set<model::PersonId>> unit_persons_;
  std::unordered_map<std::string, std::unordered_set<model::PersonId>> approval_citers_;
};

}  // namespace staffchain::chain::detail
