// How each canonical record type maps onto its ledger table: column names, binding,
// reading back, and the content hash that tells an unchanged record from a changed one.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "staffchain/model/records.hpp"
#include "staffchain/plugin/result.hpp"
#include "staffchain/sqlite/statement.hpp"

namespace staffchain::ledger::detail {

using sqlite::Statement;

// The canonical columns of a record type (DOMAIN.md §5 names; payroll's gross is gross_fen),
// in the order bindColumns writes and readRecord expects them.
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
