#include "record_tables.hpp"

#include <fmt/format.h>

#include <map>
#include <vector>

#include "record_codec.hpp"
#include "staffchain/sqlite/transaction.hpp"

namespace staffchain::ledger::detail {
namespace {

using model::RecordType;

// Written into every record table by migration 1; the description covers what follows them.
constexpr std::string_view kBookkeepingColumns =
    "connector TEXT NOT NULL REFERENCES connectors (name), record_key TEXT NOT NULL CHECK (record_key <> ''),\n"
    "  source_row INTEGER NOT NULL, content_hash INTEGER NOT NULL, version INTEGER NOT NULL,\n"
    "  first_seen TEXT NOT NULL, updated_at TEXT NOT NULL";
// Holds the movement columns after its own, as version 1 wrote it.
constexpr std::string_view kMovementHistory = "movement_history";

std::string columnDefinition(const StoredColumn& column) {
  return fmt::format("{} {}{}", column.name, column.type, column.nullable ? "" : " NOT NULL");
}

struct TableColumn {
  std::string type;
  bool not_null = false;
};

// The columns a table has now; none when there is no such table.
Result<std::map<std::string, TableColumn, std::less<>>> tableColumns(sqlite::Database& db, std::string_view table) {
  const auto operation = fmt::format("reading the columns of table {}", table);
  auto statement = db.prepare("SELECT name, upper(type), \"notnull\" FROM pragma_table_info(?1)", operation);
  if (!statement) return std::move(statement).error();
  statement->bindText(1, table);
  std::map<std::string, TableColumn, std::less<>> columns;
  auto read = db.eachRow(*statement, operation, [&columns](const sqlite::Statement& row) {
    columns.emplace(row.text(0), TableColumn{row.text(1), row.columnInt(2) != 0});
  });
  if (!read) return std::move(read).error();
  return columns;
}

// What bringing one table to the description takes: the columns to add, or why it cannot be done.
struct TablePlan {
  bool create = false;
  std::vector<const StoredColumn*> add;
};

Result<TablePlan> planTable(sqlite::Database& db, std::string_view table, RecordType type, bool may_create) {
  auto existing = tableColumns(db, table);
  if (!existing) return std::move(existing).error();
  TablePlan plan;
  if (existing->empty()) {
    if (!may_create) return db.failure(fmt::format("checking table {}", table), "the table is missing");
    plan.create = true;
    return plan;
  }
  for (const auto& column : storedColumns(type)) {
    const auto found = existing->find(column.name);
    if (found == existing->end()) {
      if (!column.fill) {
        return db.failure(fmt::format("adding column {} to table {}", column.name, table),
                          fmt::format("the rows stored before cannot be given a {} value: a migration must add it",
                                      columnDefinition(column)));
      }
      plan.add.push_back(&column);
      continue;
    }
    if (found->second.type != column.type || found->second.not_null == column.nullable) {
      return db.failure(fmt::format("checking column {} of table {}", column.name, table),
                        fmt::format("it is {}{}, where this staffchain stores {}", found->second.type,
                                    found->second.not_null ? " NOT NULL" : "", columnDefinition(column)));
    }
  }
  return plan;
}

// The content hash covers every stored column, so rows that gained one need theirs again.
Result<void> rehashRows(sqlite::Database& db, RecordType type) {
  const auto table = recordTable(type);
  std::string columns;
  for (const auto name : recordColumns(type)) columns += fmt::format(", {}", name);
  const auto operation = fmt::format("hashing the rows of table {} again", table);
  auto select = db.prepare(fmt::format("SELECT connector, record_key{} FROM {}", columns, table), operation);
  if (!select) return std::move(select).error();
  struct Hashed {
    std::string connector;
    std::string key;
    std::int64_t hash;
  };
  std::vector<Hashed> hashed;
  std::string bad;
  auto read = db.eachRow(*select, operation, [&](const sqlite::Statement& row) {
    auto record = readRecord(type, row, 2);
    if (!record) {
      if (bad.empty()) bad = record.error().message;
      return;
    }
    hashed.push_back(Hashed{row.text(0), row.text(1), contentHash(*record)});
  });
  if (!read) return std::move(read).error();
  if (!bad.empty()) return db.failure(operation, bad);
  // Written after the reading is done: a table is not changed under a statement stepping through it.
  auto update = db.prepare(
      fmt::format("UPDATE {} SET content_hash = ?3 WHERE connector = ?1 AND record_key = ?2", table), operation);
  if (!update) return std::move(update).error();
  for (const auto& row : hashed) {
    update->bindText(1, row.connector);
    update->bindText(2, row.key);
    update->bindInt(3, row.hash);
    if (auto done = db.run(*update, operation); !done) return done;
  }
  return {};
}

Result<void> applyPlan(sqlite::Database& db, std::string_view table, RecordType type, const TablePlan& plan,
                       bool rehash) {
  if (plan.create) return db.execute(recordTableDefinition(type), fmt::format("creating table {}", table));
  for (const auto* column : plan.add) {
    // SQLite adds a NOT NULL column only with a default, which is also what the rows already there get.
    const auto sql = fmt::format("ALTER TABLE {} ADD COLUMN {}{}", table, columnDefinition(*column),
                                 column->nullable ? "" : fmt::format(" DEFAULT {}", *column->fill));
    if (auto added = db.execute(sql, fmt::format("adding column {} to table {}", column->name, table)); !added) {
      return added;
    }
  }
  if (rehash && !plan.add.empty()) return rehashRows(db, type);
  return {};
}

struct Check {
  std::string_view table;
  RecordType type;
  bool record_table;  // created when missing, its rows hashed again after a column is added
};

std::vector<Check> checks() {
  std::vector<Check> out;
  for (std::size_t i = 0; i < plugin::kRecordTypeCount; ++i) {
    const auto type = static_cast<RecordType>(i);
    out.push_back(Check{recordTable(type), type, true});
  }
  out.push_back(Check{kMovementHistory, RecordType::movement, false});
  return out;
}

// Plans every table; true when one of them needs a change.
Result<bool> needsChange(sqlite::Database& db) {
  for (const auto& check : checks()) {
    auto plan = planTable(db, check.table, check.type, check.record_table);
    if (!plan) return std::move(plan).error();
    if (plan->create || !plan->add.empty()) return true;
  }
  return false;
}

}  // namespace

std::string recordTableDefinition(RecordType type) {
  std::string columns;
  for (const auto& column : storedColumns(type)) {
    if (!columns.empty()) columns += ", ";
    columns += columnDefinition(column);
  }
  return fmt::format("CREATE TABLE {} (\n  {},\n  {},\n  PRIMARY KEY (connector, record_key)\n) WITHOUT ROWID",
                     recordTable(type), kBookkeepingColumns, columns);
}

Result<void> ensureRecordTables(sqlite::Database& db) {
  // Nearly always nothing to do: that is found without taking the write lock.
  auto needed = needsChange(db);
  if (!needed) return std::move(needed).error();
  if (!*needed) return {};
  auto transaction = sqlite::Transaction::begin(db, "starting to bring the record tables to this staffchain");
  if (!transaction) return std::move(transaction).error();
  // Planned again under the lock: another process may have done it meanwhile.
  for (const auto& check : checks()) {
    auto plan = planTable(db, check.table, check.type, check.record_table);
    if (!plan) return std::move(plan).error();
    if (auto applied = applyPlan(db, check.table, check.type, *plan, check.record_table); !applied) return applied;
  }
  return transaction->commit("committing the record tables brought to this staffchain");
}

}  // namespace staffchain::ledger::detail
