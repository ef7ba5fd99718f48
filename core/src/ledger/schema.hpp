// The ledger's schema as an ordered list of migrations, tracked in PRAGMA user_version.
#pragma once

#include "staffchain/store/database.hpp"

namespace staffchain::ledger::detail {

// Brings the open database up to the newest migration, then its record tables to the column
// description (ensureRecordTables). A database newer than this code is refused, naming both versions.
Result<void> migrate(store::Database& db);

}  // namespace staffchain::ledger::detail
