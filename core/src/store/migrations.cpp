#include "staffchain/store/migrations.hpp"

#include <fmt/format.h>

#include "staffchain/store/transaction.hpp"

namespace staffchain::store {
namespace {

// PostgreSQL has no user_version: an owner that keeps its version there keeps it in this table.
constexpr std::string_view kPostgresVersionTable = "schema_version";

std::string_view versionTable(const Database& database, const SchemaOwner& owner) {
  if (owner.version_table.empty() && database.dialect() == Dialect::postgresql) return kPostgresVersionTable;
  return owner.version_table;
}

Result<int> readVersion(Database& database, const SchemaOwner& owner) {
  const auto operation = fmt::format("reading the {} version", owner.name);
  std::string sql = "PRAGMA user_version";
  if (const auto table = versionTable(database, owner); !table.empty()) {
    const auto create = fmt::format("CREATE TABLE IF NOT EXISTS {} (version INTEGER NOT NULL)", table);
    if (auto created = database.execute(create, fmt::format("creating the {} table", table)); !created) {
      return std::move(created).error();
    }
    sql = fmt::format("SELECT max(version) FROM {}", table);
  }
  auto statement = database.prepare(sql, operation);
  if (!statement) return std::move(statement).error();
  if (statement->step() != SQLITE_ROW) return database.failure(operation);
  return static_cast<int>(statement->optionalInt(0).value_or(0));
}

std::string setVersion(const Database& database, const SchemaOwner& owner, int version) {
  const auto table = versionTable(database, owner);
  if (table.empty()) return fmt::format("PRAGMA user_version = {};", version);
  return fmt::format("DELETE FROM {0}; INSERT INTO {0} (version) VALUES ({1});", table, version);
}

}  // namespace

Result<void> migrate(Database& database, const SchemaOwner& owner, std::span<const Migration> migrations) {
  // IMMEDIATE takes the write lock before the version is read, so two processes opening a
  // fresh file cannot both run migration 1.
  auto transaction = Transaction::begin(database, fmt::format("starting the {} migration", owner.name));
  if (!transaction) return std::move(transaction).error();
  if (database.dialect() == Dialect::postgresql) {
    // PostgreSQL's BEGIN takes no lock: this one, held to the commit, does what IMMEDIATE does.
    const auto lock = fmt::format("SELECT pg_advisory_xact_lock(hashtext('staffchain {}'))", owner.name);
    if (auto locked = database.execute(lock, fmt::format("locking the {} for its migration", owner.name)); !locked) {
      return locked;
    }
  }
  auto version = readVersion(database, owner);
  if (!version) return std::move(version).error();
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  if (*version > newest) {
    return makeError(fmt::format(
        "{} {}: {} version {} is newer than this staffchain supports (version {}); run a newer staffchain or "
        "point it at another ledger file",
        database.label(), database.pathText(), owner.name, *version, newest));
  }
  for (const auto& migration : migrations) {
    if (migration.version <= *version) continue;
    const auto operation = fmt::format("migrating the {} to version {}", owner.name, migration.version);
    const auto script = fmt::format("{}\n{}", migration.sql, setVersion(database, owner, migration.version));
    if (auto done = database.execute(script, operation); !done) return done;
    if (migration.then != nullptr) {
      if (auto done = migration.then(database); !done) {
        return makeError(fmt::format("{}: {}", operation, done.error().message));
      }
    }
  }
  return transaction->commit(fmt::format("committing the {} migration", owner.name));
}

}  // namespace staffchain::store
