// The canonical columns of each record type (DOMAIN.md §5): their names in exchange-format order,
// what a cell of each holds and which a row cannot do without. This table is the exchange format:
// the host validates, types and stores records by it, and the plugins' field mappings name its
// columns. A column is added here and in the record it fills (staffchain/model/records.hpp).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include "staffchain/plugin/records.hpp"

namespace staffchain::plugin {

// What a cell holds, as the host reads it (DOMAIN.md §4, §5); cells are trimmed, and full-width
// digits and letters read as ASCII.
enum class CellKind : std::uint8_t {
  text,         // free text
  citizen_id,   // an 18-digit citizen id (a legacy 15-digit one is upgraded)
  credit_code,  // an 18-character unified social credit code
  region_code,  // a 6-digit GB/T 2260 region code
  code,         // one of the column's codes: the English code or a Chinese synonym
  date,         // YYYY-MM-DD
  month,        // YYYY-MM
  count,        // a whole number >= 0
  amount,       // yuan, at most two decimals ("8500", "8500.00")
};

struct CanonicalColumn {
  std::string_view name;
  CellKind kind = CellKind::text;
  // A file whose header lacks a required column is refused whole; a row with one empty goes to
  // quarantine. An optional column may be absent or empty.
  bool required = false;
};

namespace columns {
using enum CellKind;
inline constexpr bool kRequired = true;
inline constexpr bool kOptional = false;

inline constexpr CanonicalColumn kUnit[] = {
    {"unit_id", credit_code, kRequired},   {"name", text, kOptional}, {"region", region_code, kRequired},
    {"parent_id", credit_code, kOptional}, {"kind", code, kRequired}, {"funding", code, kRequired},
};
inline constexpr CanonicalColumn kQuota[] = {
    {"unit_id", credit_code, kRequired}, {"estab_type", code, kRequired}, {"approved", count, kRequired},
    {"effective_from", date, kRequired}, {"doc_no", text, kOptional},
};
inline constexpr CanonicalColumn kLeaderQuota[] = {
    {"unit_id", credit_code, kRequired},
    {"level", code, kRequired},
    {"rank", code, kRequired},
    {"approved", count, kRequired},
};
inline constexpr CanonicalColumn kApproval[] = {
    {"approval_id", text, kRequired}, {"unit_id", credit_code, kRequired}, {"estab_type", code, kRequired},
    {"slots", count, kRequired},      {"issued_on", date, kRequired},      {"valid_until", date, kRequired},
    {"purpose", text, kOptional},
};
inline constexpr CanonicalColumn kRoster[] = {
    {"person_id", citizen_id, kRequired}, {"name", text, kOptional},        {"unit_id", credit_code, kRequired},
    {"estab_type", code, kRequired},      {"entered_on", date, kRequired},  {"approval_id", text, kOptional},
    {"leader_level", code, kOptional},    {"leader_rank", code, kOptional},
};
inline constexpr CanonicalColumn kMovement[] = {
    {"movement_id", text, kRequired},         {"source", code, kRequired},       {"kind", code, kRequired},
    {"person_id", citizen_id, kRequired},     {"name", text, kOptional},         {"unit_id", credit_code, kRequired},
    {"from_unit_id", credit_code, kOptional}, {"effective_on", date, kRequired}, {"recorded_on", date, kOptional},
    {"approval_id", text, kOptional},         {"leader_level", code, kOptional}, {"leader_rank", code, kOptional},
};
inline constexpr CanonicalColumn kPayroll[] = {
    {"person_id", citizen_id, kRequired}, {"unit_id", credit_code, kRequired}, {"month", month, kRequired},
    {"funding", code, kRequired},         {"gross", amount, kRequired},
};
inline constexpr CanonicalColumn kDeath[] = {
    {"person_id", citizen_id, kRequired},
    {"died_on", date, kRequired},
    {"source", text, kOptional},
};
// A reduction task (控编减编, DOMAIN.md §7): posts of one unit and type to recover by a date.
inline constexpr CanonicalColumn kReduction[] = {
    {"task_id", text, kRequired},    {"unit_id", credit_code, kRequired},
    {"estab_type", code, kRequired}, {"posts_to_recover", count, kRequired},
    {"issued_on", date, kRequired},  {"due_on", date, kRequired},
    {"doc_no", text, kOptional},
};
}  // namespace columns

// The columns of a record type, in exchange-format order.
constexpr std::span<const CanonicalColumn> canonicalColumnTable(RecordType type) noexcept {
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
    case RecordType::reduction:
      return columns::kReduction;
  }
  return {};
}

namespace detail {

template <RecordType Type>
inline constexpr auto kColumnNames = [] {
  std::array<std::string_view, canonicalColumnTable(Type).size()> names{};
  for (std::size_t i = 0; i < names.size(); ++i) names[i] = canonicalColumnTable(Type)[i].name;
  return names;
}();

template <std::size_t... I>
constexpr auto columnNamesByType(std::index_sequence<I...>) noexcept {
  return std::array<std::span<const std::string_view>, sizeof...(I)>{kColumnNames<static_cast<RecordType>(I)>...};
}
inline constexpr auto kColumnNamesByType = columnNamesByType(std::make_index_sequence<kRecordTypeCount>{});

constexpr bool namesAreUnique(std::span<const CanonicalColumn> table) noexcept {
  for (std::size_t i = 0; i < table.size(); ++i) {
    for (std::size_t j = i + 1; j < table.size(); ++j) {
      if (table[i].name == table[j].name) return false;
    }
  }
  return true;
}

template <std::size_t... I>
constexpr std::size_t widest(std::index_sequence<I...>) noexcept {
  return std::max({canonicalColumnTable(static_cast<RecordType>(I)).size()...});
}

template <std::size_t... I>
constexpr bool allNamesUnique(std::index_sequence<I...>) noexcept {
  return (namesAreUnique(canonicalColumnTable(static_cast<RecordType>(I))) && ...);
}

}  // namespace detail

// A header names each column once: a name twice in one table could never be told apart.
static_assert(detail::allNamesUnique(std::make_index_sequence<kRecordTypeCount>{}));

// The widest canonical file (movements.csv has 12 columns): a row's cells fit in this many.
inline constexpr std::size_t kMaxCanonicalColumns = detail::widest(std::make_index_sequence<kRecordTypeCount>{});

// The column names of a record type, in exchange-format order.
constexpr std::span<const std::string_view> canonicalColumns(RecordType type) noexcept {
  const auto index = static_cast<std::size_t>(type);
  return index < detail::kColumnNamesByType.size() ? detail::kColumnNamesByType[index]
                                                   : std::span<const std::string_view>{};
}

constexpr bool isRequiredCanonicalColumn(RecordType type, std::size_t column) noexcept {
  const auto table = canonicalColumnTable(type);
  return column < table.size() && table[column].required;
}

constexpr std::optional<std::size_t> canonicalColumnIndex(RecordType type, std::string_view name) noexcept {
  const auto names = canonicalColumns(type);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return i;
  }
  return std::nullopt;
}

}  // namespace staffchain::plugin
