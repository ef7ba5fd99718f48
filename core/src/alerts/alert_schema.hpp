// The alert tables' schema, versioned in `alert_schema` apart from the ledger's user_version.
#pragma once

#include "staffchain/sqlite/database.hpp"

namespace staffchain::alerts::detail {

using sqlite::Database;
using sqlite::Statement;
using sqlite::StatementUse;

inline constexpr int kAlertSchemaVersion = 5;

// Brings the alert tables to kAlertSchemaVersion, migration by migration, in one transaction;
// refuses a file whose alert schema is newer than this build.
Result<void> migrateAlertSchema(Database& connection);

}  // namespace staffchain::alerts::detail
