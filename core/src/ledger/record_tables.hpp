// The ledger's record tables as the column description (model/record_columns.hpp) has them: the
// table of a record type, and bringing a file's tables to the description when it opens, so that
// a column added to a record type reaches ledgers written before without a migration of its own.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "staffchain/model/records.hpp"
#include "staffchain/store/database.hpp"

namespace staffchain::ledger::detail {

// The columns a record table keeps its rows ordered by before their key, where it has them:
// payroll by month, then unit, as a payroll run produces them. Its key starts with the person,
// and an export lists a month at a time: in key order alone every part of a large first sync
// would land on every page of the table (and a commit writes each page it touched); so, a part
// fills the pages at the end of its month's units.
std::span<const std::string_view> clusterColumns(model::RecordType type) noexcept;
// Those columns' values in a key of the type (a payroll key is person|unit|month), in the
// columns' order; none when the type has no such columns.
using ClusterValues = std::array<std::string_view, 2>;
ClusterValues clusterOfKey(model::RecordType type, std::string_view key) noexcept;
// Binds them to parameters first, first + 1, ... of a statement.
void bindCluster(model::RecordType type, std::string_view key, store::Statement& statement, int first);
// The primary key's columns, in order: "connector, month, unit_id, record_key" for payroll.
std::string keyColumns(model::RecordType type);
// The condition that finds a row by its key: connector ?1, key ?2, and the cluster columns from
// parameters `params` (one each), or from `first`, first + 1, ...
std::string keyCondition(model::RecordType type, std::span<const int> params);
std::string keyCondition(model::RecordType type, int first);
// Whether key `a` comes before key `b` in the table's order: by cluster values, then by key.
bool storedBefore(model::RecordType type, std::string_view a, std::string_view b) noexcept;
// The order a batch's records (with their keys, model::recordKey) are written in: by type, then
// in the table's order (storedBefore); movements, and a key that comes twice, in the batch's.
std::vector<std::uint32_t> writeOrder(const std::vector<model::Record>& records, const std::vector<std::string>& keys);

// The CREATE TABLE statement of a record type's table: the bookkeeping columns every record
// table has (connector, record_key, ...), then the record's stored columns.
std::string recordTableDefinition(model::RecordType type, store::Dialect dialect = store::Dialect::sqlite);

// Checks each record table, and movement_history's movement columns, against the description,
// after the migrations: a missing table is created; a missing column is added, its value for the
// rows already stored being its empty value (NULL, '' for text), and the content hashes of those
// rows are computed again so that an unchanged record still reads as unchanged; a column stored
// with another type or nullability than described, or a missing column whose empty value would not
// read back (a required date), is refused, naming the table and the column, and nothing is changed.
Result<void> ensureRecordTables(store::Database& db);

// Migration 7: the tables with cluster columns rebuilt with them in their primary key, after the
// connector and before the key; every row and column is kept as it was.
Result<void> clusterRecordTables(store::Database& db);

}  // namespace staffchain::ledger::detail
