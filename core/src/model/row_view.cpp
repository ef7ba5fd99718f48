#include "staffchain/model/row_view.hpp"

#include "columns.hpp"

namespace staffchain::model {
namespace {

constexpr std::string_view kUnitColumns[] = {"unit_id", "name", "region", "parent_id", "kind", "funding"};
constexpr bool kUnitRequired[] = {true, false, true, false, true, true};

constexpr std::string_view kQuotaColumns[] = {"unit_id", "estab_type", "approved", "effective_from", "doc_no"};
constexpr bool kQuotaRequired[] = {true, true, true, true, false};

constexpr std::string_view kLeaderQuotaColumns[] = {"unit_id", "level", "rank", "approved"};
constexpr bool kLeaderQuotaRequired[] = {true, true, true, true};

constexpr std::string_view kApprovalColumns[] = {"approval_id", "unit_id",     "estab_type", "slots",
                                                 "issued_on",   "valid_until", "purpose"};
constexpr bool kApprovalRequired[] = {true, true, true, true, true, true, false};

constexpr std::string_view kRosterColumns[] = {"person_id",  "name",        "unit_id",      "estab_type",
                                               "entered_on", "approval_id", "leader_level", "leader_rank"};
constexpr bool kRosterRequired[] = {true, false, true, true, true, false, false, false};

constexpr std::string_view kMovementColumns[] = {"movement_id", "source",      "kind",         "person_id",
                                                 "name",        "unit_id",     "from_unit_id", "effective_on",
                                                 "recorded_on", "approval_id", "leader_level", "leader_rank"};
constexpr bool kMovementRequired[] = {true, true, true, true, false, true, false, true, false, false, false, false};

constexpr std::string_view kPayrollColumns[] = {"person_id", "unit_id", "month", "funding", "gross"};
constexpr bool kPayrollRequired[] = {true, true, true, true, true};

constexpr std::string_view kDeathColumns[] = {"person_id", "died_on", "source"};
constexpr bool kDeathRequired[] = {true, true, false};

static_assert(std::size(kMovementColumns) == kMaxCanonicalColumns);
static_assert(std::size(kMovementColumns) == std::size(kMovementRequired));
static_assert(std::size(kRosterColumns) == std::size(kRosterRequired));
static_assert(std::size(kApprovalColumns) == std::size(kApprovalRequired));
// columns.hpp names the same positions; a reordering here must be mirrored there.
static_assert(col::Movement::leader_rank == 11 && col::Roster::leader_rank == 7 && col::Approval::purpose == 6);

std::span<const bool> requiredFlags(RecordType type) noexcept {
  switch (type) {
    case RecordType::unit:
      return kUnitRequired;
    case RecordType::quota:
      return kQuotaRequired;
    case RecordType::leader_quota:
      return kLeaderQuotaRequired;
    case RecordType::approval:
      return kApprovalRequired;
    case RecordType::roster:
      return kRosterRequired;
    case RecordType::movement:
      return kMovementRequired;
    case RecordType::payroll:
      return kPayrollRequired;
    case RecordType::death:
      return kDeathRequired;
  }
  return {};
}

}  // namespace

std::span<const std::string_view> canonicalColumns(RecordType type) noexcept {
  switch (type) {
    case RecordType::unit:
      return kUnitColumns;
    case RecordType::quota:
      return kQuotaColumns;
    case RecordType::leader_quota:
      return kLeaderQuotaColumns;
    case RecordType::approval:
      return kApprovalColumns;
    case RecordType::roster:
      return kRosterColumns;
    case RecordType::movement:
      return kMovementColumns;
    case RecordType::payroll:
      return kPayrollColumns;
    case RecordType::death:
      return kDeathColumns;
  }
  return {};
}

std::optional<std::size_t> canonicalColumnIndex(RecordType type, std::string_view name) noexcept {
  const auto columns = canonicalColumns(type);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return i;
  }
  return std::nullopt;
}

bool isRequiredColumn(RecordType type, std::size_t column) noexcept {
  const auto flags = requiredFlags(type);
  return column < flags.size() && flags[column];
}

RowView rowViewOf(const plugin::RawRecord& raw) noexcept {
  RowView row;
  for (const auto& [name, value] : raw.fields) {
    if (const auto index = canonicalColumnIndex(raw.type, name)) row.set(*index, value);
  }
  return row;
}

}  // namespace staffchain::model
