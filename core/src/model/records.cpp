#include "staffchain/model/records.hpp"

#include <type_traits>
#include <utility>

#include "staffchain/model/enums.hpp"

namespace staffchain::model {
namespace {

// Keys are built by hand rather than with fmt: they are made for every ingested row.
void appendPart(std::string& key, std::string_view part) {
  if (!key.empty()) key.push_back('|');
  key.append(part);
}

}  // namespace

std::string recordKey(const Record& record) {
  return std::visit(
      [](const auto& r) -> std::string {
        using T = std::decay_t<decltype(r)>;
        std::string key;
        key.reserve(48);
        if constexpr (std::is_same_v<T, Unit>) {
          appendPart(key, r.unit_id.view());
        } else if constexpr (std::is_same_v<T, Quota>) {
          appendPart(key, r.unit_id.view());
          appendPart(key, toString(r.estab_type));
          appendPart(key, formatDate(r.effective_from));
        } else if constexpr (std::is_same_v<T, LeaderQuota>) {
          appendPart(key, r.unit_id.view());
          appendPart(key, toString(r.level));
          appendPart(key, toString(r.rank));
        } else if constexpr (std::is_same_v<T, Approval>) {
          key = r.approval_id;
        } else if constexpr (std::is_same_v<T, RosterEntry>) {
          appendPart(key, r.person_id.view());
          appendPart(key, r.unit_id.view());
        } else if constexpr (std::is_same_v<T, Movement>) {
          key = r.movement_id;
        } else if constexpr (std::is_same_v<T, PayrollMonth>) {
          appendPart(key, r.person_id.view());
          appendPart(key, r.unit_id.view());
          appendPart(key, formatMonth(r.month));
        } else if constexpr (std::is_same_v<T, Death>) {
          appendPart(key, r.person_id.view());
        } else {
          static_assert(std::is_same_v<T, ReductionTask>);
          key = r.task_id;
        }
        return key;
      },
      record);
}

void appendRecord(Dataset& dataset, Record&& record) {
  std::visit(
      [&dataset](auto&& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, Unit>) {
          dataset.units.push_back(std::move(r));
        } else if constexpr (std::is_same_v<T, Quota>) {
          dataset.quotas.push_back(std::move(r));
        } else if constexpr (std::is_same_v<T, LeaderQuota>) {
          dataset.leader_quotas.push_back(std::move(r));
        } else if constexpr (std::is_same_v<T, Approval>) {
          dataset.approvals.push_back(std::move(r));
        } else if constexpr (std::is_same_v<T, RosterEntry>) {
          dataset.roster.push_back(std::move(r));
        } else if constexpr (std::is_same_v<T, Movement>) {
          dataset.movements.push_back(std::move(r));
        } else if constexpr (std::is_same_v<T, PayrollMonth>) {
          dataset.payroll.push_back(std::move(r));
        } else if constexpr (std::is_same_v<T, Death>) {
          dataset.deaths.push_back(std::move(r));
        } else {
          static_assert(std::is_same_v<T, ReductionTask>);
          dataset.reductions.push_back(std::move(r));
        }
      },
      std::move(record));
}

namespace {
// Approvals, movements and reduction tasks are keyed by one free-text id, which may itself hold a '|'.
bool keyedByOneId(RecordType type) noexcept {
  return type == RecordType::approval || type == RecordType::movement || type == RecordType::reduction;
}
}  // namespace

std::vector<std::string> keyParts(RecordType type, std::string_view key) {
  if (keyedByOneId(type)) return {std::string(key)};
  std::vector<std::string> parts;
  std::size_t begin = 0;
  for (;;) {
    const auto bar = key.find('|', begin);
    parts.emplace_back(key.substr(begin, bar == std::string_view::npos ? std::string_view::npos : bar - begin));
    if (bar == std::string_view::npos) break;
    begin = bar + 1;
  }
  return parts;
}

std::string joinKeyParts(RecordType type, const std::vector<std::string>& parts) {
  if (keyedByOneId(type)) return parts.empty() ? std::string() : parts.front();
  // By position, not appendPart: an empty (unknown) part still takes its place.
  std::string key;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) key.push_back('|');
    key += parts[i];
  }
  return key;
}

RecordType recordTypeOf(const Record& record) noexcept {
  // The variant's alternatives are declared in RecordType order.
  static_assert(std::variant_size_v<Record> == plugin::kRecordTypeCount);
  static_assert(
      std::is_same_v<std::variant_alternative_t<static_cast<std::size_t>(RecordType::movement), Record>, Movement>);
  static_assert(std::is_same_v<std::variant_alternative_t<static_cast<std::size_t>(RecordType::death), Record>, Death>);
  static_assert(std::is_same_v<std::variant_alternative_t<static_cast<std::size_t>(RecordType::reduction), Record>,
                               ReductionTask>);
  return static_cast<RecordType>(record.index());
}

}  // namespace staffchain::model
