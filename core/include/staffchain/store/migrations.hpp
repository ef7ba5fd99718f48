// Schema migrations: numbered scripts run once each, oldest first, in one IMMEDIATE
// transaction, with the version kept in the file. Several owners share one file (the ledger,
// the alert store), each with its own version.
#pragma once

#include <span>
#include <string_view>

#include "staffchain/store/database.hpp"

namespace staffchain::store {

struct Migration {
  int version;
  std::string_view sql;
  // Work SQL alone cannot express, run after `sql` in the same transaction (or null).
  Result<void> (*then)(Database&) = nullptr;
};

struct SchemaOwner {
  // In messages: "schema", "alert schema" ("migrating the alert schema to version 2").
  std::string_view name;
  // Where the version is kept: a one-row table of that name, or SQLite's user_version when
  // empty (one owner of a file may use it; on PostgreSQL, the table schema_version).
  std::string_view version_table;
};

// Brings the file to the last migration's version. A file of a newer version is refused (a
// downgrade would lose what the newer version keeps); nothing is changed then or on any error.
// A released migration is never edited, only followed by a new one.
Result<void> migrate(Database& database, const SchemaOwner& owner, std::span<const Migration> migrations);

}  // namespace staffchain::store
