// The ledger's record tables as the column description (model/record_columns.hpp) has them: the
// table of a record type, and bringing a file's tables to the description when it opens, so that
// a column added to a record type reaches ledgers written before without a migration of its own.
#pragma once

#include <string>

#include "staffchain/model/records.hpp"
#include "staffchain/sqlite/database.hpp"

namespace staffchain::ledger::detail {

// The CREATE TABLE statement of a record type's table: the bookkeeping columns every record
// table has (connector, record_key, ...), then the record's stored columns.
std::string recordTableDefinition(model::RecordType type);

// Checks each record table, and movement_history's movement columns, against the description,
// after the migrations: a missing table is created; a missing column is added, its value for the
// rows already stored being its empty value (NULL, '' for text), and the content hashes of those
// rows are computed again so that an unchanged record still reads as unchanged; a column stored
// with another type or nullability than described, or a missing column whose empty value would not
// read back (a required date), is refused, naming the table and the column, and nothing is changed.
Result<void> ensureRecordTables(sqlite::Database& db);

}  // namespace staffchain::ledger::detail
