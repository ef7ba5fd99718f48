// The column names of each canonical file (DOMAIN.md §5), in exchange-format order, shared by
// the host's validation and the plugins' field mappings.
#pragma once

#include <iterator>
#include <optional>
#include <span>
#include <string_view>

#include "staffchain/plugin/records.hpp"

namespace staffchain::plugin {

namespace columns {
inline constexpr std::string_view kUnit[] = {"unit_id", "name", "region", "parent_id", "kind", "funding"};
inline constexpr std::string_view kQuota[] = {"unit_id", "estab_type", "approved", "effective_from", "doc_no"};
inline constexpr std::string_view kLeaderQuota[] = {"unit_id", "level", "rank", "approved"};
inline constexpr std::string_view kApproval[] = {"approval_id", "unit_id",     "estab_type", "slots",
                                                 "issued_on",   "valid_until", "purpose"};
inline constexpr std::string_view kRoster[] = {"person_id",  "name",        "unit_id",      "estab_type",
                                               "entered_on", "approval_id", "leader_level", "leader_rank"};
inline constexpr std::string_view kMovement[] = {"movement_id", "source",      "kind",         "person_id",
                                                 "name",        "unit_id",     "from_unit_id", "effective_on",
                                                 "recorded_on", "approval_id", "leader_level", "leader_rank"};
inline constexpr std::string_view kPayroll[] = {"person_id", "unit_id", "month", "funding", "gross"};
inline constexpr std::string_view kDeath[] = {"person_id", "died_on", "source"};
}  // namespace columns

// Which columns a row cannot do without, position by position as above: a file whose header
// lacks one is refused whole, a row with one empty goes to quarantine.
namespace required {
inline constexpr bool kUnit[] = {true, false, true, false, true, true};
inline constexpr bool kQuota[] = {true, true, true, true, false};
inline constexpr bool kLeaderQuota[] = {true, true, true, true};
inline constexpr bool kApproval[] = {true, true, true, true, true, true, false};
inline constexpr bool kRoster[] = {true, false, true, true, true, false, false, false};
inline constexpr bool kMovement[] = {true, true, true, true, false, true, false, true, false, false, false, false};
inline constexpr bool kPayroll[] = {true, true, true, true, true};
inline constexpr bool kDeath[] = {true, true, false};
static_assert(std::size(kUnit) == std::size(columns::kUnit) && std::size(kQuota) == std::size(columns::kQuota) &&
              std::size(kLeaderQuota) == std::size(columns::kLeaderQuota) &&
              std::size(kApproval) == std::size(columns::kApproval) &&
              std::size(kRoster) == std::size(columns::kRoster) &&
              std::size(kMovement) == std::size(columns::kMovement) &&
              std::size(kPayroll) == std::size(columns::kPayroll) && std::size(kDeath) == std::size(columns::kDeath));
}  // namespace required

// The widest canonical file (movements.csv) has 12 columns.
inline constexpr std::size_t kMaxCanonicalColumns = 12;

constexpr std::span<const std::string_view> canonicalColumns(RecordType type) noexcept {
  switch (type) {
    case RecordType::unit:
      return columns::kUnit;
    case RecordType::quota:
      return columns::kQuota;
    case RecordType::leader_quota:
      return columns::kLeaderQuota;
    case RecordType::approval:
      return columns::kApproval;
    case RecordType::roster:
      return columns::kRoster;
    case RecordType::movement:
      return columns::kMovement;
    case RecordType::payroll:
      return columns::kPayroll;
    case RecordType::death:
      return columns::kDeath;
  }
  return {};
}

constexpr bool isRequiredCanonicalColumn(RecordType type, std::size_t column) noexcept {
  std::span<const bool> flags;
  switch (type) {
    case RecordType::unit:
      flags = required::kUnit;
      break;
    case RecordType::quota:
      flags = required::kQuota;
      break;
    case RecordType::leader_quota:
      flags = required::kLeaderQuota;
      break;
    case RecordType::approval:
      flags = required::kApproval;
      break;
    case RecordType::roster:
      flags = required::kRoster;
      break;
    case RecordType::movement:
      flags = required::kMovement;
      break;
    case RecordType::payroll:
      flags = required::kPayroll;
      break;
    case RecordType::death:
      flags = required::kDeath;
      break;
  }
  return column < flags.size() && flags[column];
}

constexpr std::optional<std::size_t> canonicalColumnIndex(RecordType type, std::string_view name) noexcept {
  const auto names = canonicalColumns(type);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return i;
  }
  return std::nullopt;
}

}  // namespace staffchain::plugin
