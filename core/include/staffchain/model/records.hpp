// The canonical records of the exchange format (DOMAIN.md §5), validated and typed.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "staffchain/model/calendar.hpp"
#include "staffchain/plugin/records.hpp"

namespace staffchain::model {

using plugin::RecordType;

// An 18-character identifier (normalised citizen id, unit credit code), held inline so that
// indexes over a million people do not allocate per key.
template <typename Tag>
struct FixedId {
  std::array<char, 18> chars{};

  static FixedId fromValid(std::string_view text) noexcept {
    FixedId id;
    std::memcpy(id.chars.data(), text.data(), text.size() < 18 ? text.size() : 18);
    return id;
  }
  // Empty (all NUL, as default-constructed) ids read as "".
  [[nodiscard]] std::string_view view() const noexcept {
    return empty() ? std::string_view() : std::string_view(chars.data(), chars.size());
  }
  [[nodiscard]] std::string str() const { return std::string(view()); }
  [[nodiscard]] bool empty() const noexcept { return chars[0] == '\0'; }

  friend bool operator==(const FixedId&, const FixedId&) = default;
  friend auto operator<=>(const FixedId& a, const FixedId& b) noexcept { return a.view() <=> b.view(); }
};

struct PersonTag {};
struct UnitTag {};
using PersonId = FixedId<PersonTag>;  // 18-digit citizen id, upper-case X
using UnitId = FixedId<UnitTag>;      // 18-character unified social credit code

enum class UnitKind : std::uint8_t { organ, civil_service_managed, public_welfare_1, public_welfare_2, business };
enum class Funding : std::uint8_t { full, partial, self };
enum class EstabType : std::uint8_t { admin, political_legal, institution, service, veteran_cadre };
enum class LeaderLevel : std::uint8_t { none, county, township };
enum class LeaderRank : std::uint8_t { none, chief, deputy };
enum class SourceRole : std::uint8_t { estab, org, hr, finance };
enum class MovementKind : std::uint8_t {
  hire,
  transfer_in,
  transfer_out,
  retire,
  resign,
  dismiss,
  death,
  appoint_leader,
  remove_leader,
  second_out,
  second_return,
  roster_add,
  roster_remove,
  pay_start,
  pay_stop,
};

inline constexpr std::size_t kUnitKindCount = 5;
inline constexpr std::size_t kFundingCount = 3;
inline constexpr std::size_t kEstabTypeCount = 5;
inline constexpr std::size_t kMovementKindCount = 15;

// Which connector a record came from (an index into the dataset's source names) and where
// (row number in its file, 0 when the source has no rows). The record id is the key below.
struct Origin {
  std::uint32_t source = 0;
  std::uint32_t row = 0;
};

struct Unit {
  UnitId unit_id;
  std::string name;
  std::string region;  // 6-digit GB/T 2260 code
  std::optional<UnitId> parent_id;
  UnitKind kind = UnitKind::organ;
  Funding funding = Funding::full;
  Origin origin;
};

struct Quota {
  UnitId unit_id;
  EstabType estab_type = EstabType::admin;
  std::int32_t approved = 0;
  Date effective_from;
  std::string doc_no;
  Origin origin;
};

struct LeaderQuota {
  UnitId unit_id;
  LeaderLevel level = LeaderLevel::county;
  LeaderRank rank = LeaderRank::chief;
  std::int32_t approved = 0;
  Origin origin;
};

struct Approval {
  std::string approval_id;
  UnitId unit_id;
  EstabType estab_type = EstabType::admin;
  std::int32_t slots = 0;
  Date issued_on;
  Date valid_until;
  std::string purpose;
  Origin origin;
};

struct RosterEntry {
  PersonId person_id;
  std::string name;
  UnitId unit_id;
  EstabType estab_type = EstabType::admin;
  Date entered_on;
  std::string approval_id;  // empty when none
  LeaderLevel leader_level = LeaderLevel::none;
  LeaderRank leader_rank = LeaderRank::none;
  Origin origin;
};

struct Movement {
  std::string movement_id;
  SourceRole source = SourceRole::hr;
  MovementKind kind = MovementKind::hire;
  PersonId person_id;
  std::string name;
  UnitId unit_id;
  std::optional<UnitId> from_unit_id;
  Date effective_on;
  std::optional<Date> recorded_on;
  std::string approval_id;  // empty when none
  LeaderLevel leader_level = LeaderLevel::none;
  LeaderRank leader_rank = LeaderRank::none;
  Origin origin;
};

struct PayrollMonth {
  PersonId person_id;
  UnitId unit_id;
  Month month;
  Funding funding = Funding::full;
  std::int64_t gross_fen = 0;  // gross pay in fen (0.01 yuan)
  Origin origin;
};

struct Death {
  PersonId person_id;
  Date died_on;
  std::string source;  // free text: the office that reported it
  Origin origin;
};

// A reduction task (控编减编, DOMAIN.md §7): the establishment office sets a unit posts of one
// type to recover by a date; progress is read from the unit's approved establishment over time.
struct ReductionTask {
  std::string task_id;
  UnitId unit_id;
  EstabType estab_type = EstabType::admin;
  std::int32_t posts_to_recover = 0;
  Date issued_on;
  Date due_on;
  std::string doc_no;
  Origin origin;
};

using Record =
    std::variant<Unit, Quota, LeaderQuota, Approval, RosterEntry, Movement, PayrollMonth, Death, ReductionTask>;

// The record id of a record within its source: what makes re-ingesting idempotent.
// units: unit_id; quotas: unit_id|type|effective_from; leader_quotas: unit_id|level|rank;
// approvals: approval_id; roster: person_id|unit_id; movements: movement_id;
// payroll: person_id|unit_id|month; deaths: person_id; reductions: task_id.
std::string recordKey(const Record& record);
// Adds a record to the dataset's vector of its type.
struct Dataset;
void appendRecord(Dataset& dataset, Record&& record);
// The parts of a recordKey, as it joins them ('|'): a type keyed by one free-text id
// (approvals, movements) has one part, whatever its text holds.
std::vector<std::string> keyParts(RecordType type, std::string_view key);
// The key `parts` make, joined as recordKey joins them (the inverse of keyParts).
std::string joinKeyParts(RecordType type, const std::vector<std::string>& parts);
RecordType recordTypeOf(const Record& record) noexcept;

// A record that failed validation, kept with everything needed to find and fix it.
struct QuarantineEntry {
  std::string source;  // connector name (or file, for audit)
  RecordType type = RecordType::unit;
  std::string origin;  // "roster.csv:17" or the system's record id
  std::string field;   // empty when the whole record is unreadable
  std::string value;   // the offending value (citizen ids masked when shown, not when stored)
  std::string reason;
  // The row's unit_id and person_id cells when they are a valid credit code / citizen id,
  // else empty: the unit and person a DATA-001 finding names (DOMAIN.md §3).
  std::string unit_id{};
  std::string person_id{};
};

// Everything the chain engine evaluates: the current records of every source.
struct Dataset {
  std::vector<std::string> sources;  // Origin::source indexes into this
  std::vector<Unit> units;
  std::vector<Quota> quotas;
  std::vector<LeaderQuota> leader_quotas;
  std::vector<Approval> approvals;
  std::vector<RosterEntry> roster;
  std::vector<Movement> movements;
  std::vector<PayrollMonth> payroll;
  std::vector<Death> deaths;
  std::vector<ReductionTask> reductions;
  std::vector<QuarantineEntry> quarantine;
};

}  // namespace staffchain::model

template <typename Tag>
struct std::hash<staffchain::model::FixedId<Tag>> {
  std::size_t operator()(const staffchain::model::FixedId<Tag>& id) const noexcept {
    return std::hash<std::string_view>{}(id.view());
  }
};
