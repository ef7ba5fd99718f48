// The ledger's schema as an ordered list of migrations, tracked in PRAGMA user_version.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "staffchain/plugin/result.hpp"

namespace staffchain::ledger::detail {

struct Migration {
  int version;           // user_version after this migration
  std::string_view sql;  // statements run in one transaction with the version bump
};

// Brings the open database up to the newest migration. A database newer than this code is
// refused, naming both versions. `path` is for messages only.
Result<void> migrate(sqlite3* db, const std::string& path);

}  // namespace staffchain::ledger::detail
