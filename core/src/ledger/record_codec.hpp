// How each canonical record type maps onto its ledger table, as its column description
// (model/record_columns.hpp) says: column names and types, binding, reading back, and the content
// hash that tells an unchanged record from a changed one.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "staffchain/model/records.hpp"
#include "staffchain/plugin/result.hpp"
#include "staffchain/store/statement.hpp"

namespace staffchain::ledger::detail {

using store::Statement;

// One column of a record table. A column is named as in the exchange format, but for an amount,
// kept in fen and named so (payroll's gross is gross_fen); counts and amounts are INTEGER, the
// rest TEXT; only an optional id or date (a std::optional member) may be NULL.
struct StoredColumn {
  std::string name;
  std::string_view type;  // "TEXT" or "INTEGER"
  bool nullable = false;
  // What the rows of a table that had no such column hold in it once it is added: "NULL" for a
  // nullable column, "''" where an empty cell is a value (text, a code list with an empty code).
  // None for a column whose empty value would not read back (a required date): adding it to a
  // table that holds rows takes a migration that fills it.
  std::optional<std::string_view> fill;
};

// The stored columns of a record type, in the order bindColumns writes and readRecord expects them.
std::span<const StoredColumn> storedColumns(model::RecordType type) noexcept;
// Their names alone, in the same order.
std::span<const std::string_view> recordColumns(model::RecordType type) noexcept;
// The table of a record type: its canonical file stem ("roster", "payroll").
std::string_view recordTable(model::RecordType type) noexcept;

// A 64-bit FNV-1a digest of the canonical columns (not the origin): equal content, equal hash.
std::int64_t contentHash(const model::Record& record);

// Binds the canonical columns to parameters first, first + 1, ...; returns the first SQLite error.
int bindColumns(const model::Record& record, Statement& statement, int first);

// Reads the canonical columns from result column `first` on; the origin is left default.
// Errors say which column held what.
Result<model::Record> readRecord(model::RecordType type, const Statement& statement, int first);

}  // namespace staffchain::ledger::detail
