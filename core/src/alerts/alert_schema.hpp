// The alert tables' schema, versioned in `alert_schema` apart from the ledger's user_version.
#pragma once

#include <string>
#include <string_view>

#include "staffchain/store/database.hpp"

namespace staffchain::alerts::detail {

using store::Database;
using store::Statement;
using store::StatementUse;

inline constexpr int kAlertSchemaVersion = 5;

// Brings the alert tables to kAlertSchemaVersion, migration by migration, in one transaction;
// refuses a file whose alert schema is newer than this build.
Result<void> migrateAlertSchema(Database& connection);

// Saves a whole row, replacing the one of its key: SQLite's INSERT OR REPLACE (its triggers fire
// as on an insert), PostgreSQL's upsert on `key` (a trigger after insert or update follows it).
// `columns` and `key` are comma-separated column names; `values` the VALUES list.
std::string replaceRow(const Database& connection, std::string_view table, std::string_view key,
                       std::string_view columns, std::string_view values);

}  // namespace staffchain::alerts::detail
