#include "staffchain/model/row_view.hpp"

#include "columns.hpp"

namespace staffchain::model {
namespace {

constexpr bool kUnitRequired[] = {true, false, true, false, true, true};

constexpr bool kQuotaRequired[] = {true, true, true, true, false};

constexpr bool kLeaderQuotaRequired[] = {true, true, true, true};

constexpr bool kApprovalRequired[] = {true, true, true, true, true, true, false};

constexpr bool kRosterRequired[] = {true, false, true, true, true, false, false, false};

constexpr bool kMovementRequired[] = {true, true, true, true, false, true, false, true, false, false, false, false};

constexpr bool kPayrollRequired[] = {true, true, true, true, true};

constexpr bool kDeathRequired[] = {true, true, false};

static_assert(std::size(plugin::columns::kMovement) == std::size(kMovementRequired));
static_assert(std::size(plugin::columns::kRoster) == std::size(kRosterRequired));
static_assert(std::size(plugin::columns::kApproval) == std::size(kApprovalRequired));
static_assert(std::size(plugin::columns::kUnit) == std::size(kUnitRequired));
static_assert(std::size(plugin::columns::kPayroll) == std::size(kPayrollRequired));
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
