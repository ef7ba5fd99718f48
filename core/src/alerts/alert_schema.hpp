// The alert tables' schema, versioned in `alert_schema` apart from the ledger's user_version.
#pragma once

#include "sqlite_connection.hpp"

namespace staffchain::alerts::detail {

inline constexpr int kAlertSchemaVersion = 2;

// Brings the alert tables to kAlertSchemaVersion, migration by migration, in one transaction;
// refuses a file whose alert schema is newer than this build.
Result<void> migrateAlertSchema(SqliteConnection& connection);

}  // namespace staffchain::alerts::detail
