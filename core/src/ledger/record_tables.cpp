#include "record_tables.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <vector>

#include "record_codec.hpp"
#include "staffchain/store/transaction.hpp"

namespace staffchain::ledger::detail {
namespace {

using model::RecordType;

// Written into every record table by migration 1; the description covers what follows them.
constexpr std::string_view kBookkeepingColumns =
    "connector TEXT NOT NULL REFERENCES connectors (name), record_key TEXT NOT NULL CHECK (record_key <> ''),\n"
    "  source_row INTEGER NOT NULL, content_hash INTEGER NOT NULL, version INTEGER NOT NULL,\n"
    "  first_seen TEXT NOT NULL, updated_at TEXT NOT NULL";
// The same on PostgreSQL (postgresTypes).
constexpr std::string_view kPostgresBookkeepingColumns =
    "connector TEXT NOT NULL REFERENCES connectors (name), record_key TEXT NOT NULL CHECK (record_key <> ''),\n"
    "  source_row BIGINT NOT NULL, content_hash BIGINT NOT NULL, version BIGINT NOT NULL,\n"
    "  first_seen TEXT NOT NULL, updated_at TEXT NOT NULL";
// Holds the movement columns after its own, as version 1 wrote it.
constexpr std::string_view kMovementHistory = "movement_history";

using store::Dialect;

// A column's type as the backend spells it: SQLite's INTEGER holds 64 bits, PostgreSQL's BIGINT.
std::string_view columnType(const StoredColumn& column, Dialect dialect) {
  if (dialect == Dialect::postgresql && column.type == "INTEGER") return "BIGINT";
  return column.type;
}

std::string columnDefinition(const StoredColumn& column, Dialect dialect = Dialect::sqlite) {
  return fmt::format("{} {}{}", column.name, columnType(column, dialect), column.nullable ? "" : " NOT NULL");
}

struct TableColumn {
  std::string type;
  bool not_null = false;
};

// The columns a table has now; none when there is no such table.
Result<std::map<std::string, TableColumn, std::less<>>> columnsByName(store::Database& db, std::string_view table) {
  auto listed = store::tableColumns(db, table);
  if (!listed) return std::move(listed).error();
  std::map<std::string, TableColumn, std::less<>> columns;
  for (auto& column : *listed) columns.emplace(std::move(column.name), TableColumn{column.type, column.not_null});
  return columns;
}

// What bringing one table to the description takes: the columns to add, or why it cannot be done.
struct TablePlan {
  bool create = false;
  std::vector<const StoredColumn*> add;
};

Result<TablePlan> planTable(store::Database& db, std::string_view table, RecordType type, bool may_create) {
  auto existing = columnsByName(db, table);
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
Result<void> rehashRows(store::Database& db, RecordType type) {
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
  auto read = db.eachRow(*select, operation, [&](const store::Statement& row) {
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
  auto update =
      db.prepare(fmt::format("UPDATE {} SET content_hash = ?3 WHERE {}", table, keyCondition(type, 4)), operation);
  if (!update) return std::move(update).error();
  for (const auto& row : hashed) {
    update->bindText(1, row.connector);
    update->bindText(2, row.key);
    update->bindInt(3, row.hash);
    bindCluster(type, row.key, *update, 4);
    if (auto done = db.run(*update, operation); !done) return done;
  }
  return {};
}

Result<void> applyPlan(store::Database& db, std::string_view table, RecordType type, const TablePlan& plan,
                       bool rehash) {
  if (plan.create) {
    return db.execute(recordTableDefinition(type, db.dialect()), fmt::format("creating table {}", table));
  }
  for (const auto* column : plan.add) {
    // SQLite adds a NOT NULL column only with a default, which is also what the rows already there get.
    const auto sql = fmt::format("ALTER TABLE {} ADD COLUMN {}{}", table, columnDefinition(*column, db.dialect()),
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
Result<bool> needsChange(store::Database& db) {
  for (const auto& check : checks()) {
    auto plan = planTable(db, check.table, check.type, check.record_table);
    if (!plan) return std::move(plan).error();
    if (plan->create || !plan->add.empty()) return true;
  }
  return false;
}

}  // namespace

std::span<const std::string_view> clusterColumns(RecordType type) noexcept {
  static constexpr std::array<std::string_view, 2> kPayroll{"month", "unit_id"};
  if (type == RecordType::payroll) return kPayroll;
  return {};
}

ClusterValues clusterOfKey(RecordType type, std::string_view key) noexcept {
  if (type != RecordType::payroll) return {};
  // person|unit|month (model::recordKey); ids hold no separator.
  const auto first = key.find('|');
  const auto last = key.rfind('|');
  if (first == std::string_view::npos || first == last) return {key, {}};
  return {key.substr(last + 1), key.substr(first + 1, last - first - 1)};
}

void bindCluster(RecordType type, std::string_view key, store::Statement& statement, int first) {
  const auto values = clusterOfKey(type, key);
  for (std::size_t i = 0; i < clusterColumns(type).size(); ++i) {
    statement.bindText(first + static_cast<int>(i), values[i]);
  }
}

bool storedBefore(RecordType type, std::string_view a, std::string_view b) noexcept {
  if (!clusterColumns(type).empty()) {
    const auto x = clusterOfKey(type, a);
    const auto y = clusterOfKey(type, b);
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (const int c = x[i].compare(y[i]); c != 0) return c < 0;
    }
  }
  return a < b;
}

// The order a batch's records are written in: by table, then by primary key (payroll's by month
// and unit first: clusterColumns). A payroll file lists a month's rows person after
// person, which puts each row on a random page of a table far larger than the page cache; in the
// table's order each insert lands on the page of the one before.
// Movements keep the batch's order (their history's order), and a key that comes twice keeps
// the batch's order too, so that its last record is the one stored.
std::vector<std::uint32_t> writeOrder(const std::vector<model::Record>& records, const std::vector<std::string>& keys) {
  struct Entry {
    // The first sixteen bytes of the key in the table's order, big-endian: most comparisons end
    // with them (ids share their first digits, the region's code).
    std::uint64_t head = 0;
    std::uint64_t next = 0;
    std::uint32_t type = 0;
    std::uint32_t index = 0;
  };
  const auto movement = static_cast<std::uint32_t>(model::RecordType::movement);
  // A key of a type kept by cluster columns sorts as its cluster values, then itself, each ended
  // by a NUL (which no id holds): so a shorter value sorts first, as the table compares them
  // (storedBefore). Each key's values are found once, not at every comparison.
  std::vector<ClusterValues> clusters(records.size());
  std::vector<Entry> entries(records.size());
  for (std::uint32_t i = 0; i < entries.size(); ++i) {
    const auto type = static_cast<std::uint32_t>(records[i].index());
    std::uint64_t head = 0;
    std::uint64_t next = 0;
    if (type != movement) {
      const bool clustered = !clusterColumns(static_cast<model::RecordType>(type)).empty();
      if (clustered) clusters[i] = clusterOfKey(static_cast<model::RecordType>(type), keys[i]);
      const auto& cluster = clusters[i];
      // The first sixteen bytes of (values, NUL each, key), read in place.
      std::size_t part = clustered ? 0 : cluster.size();
      std::size_t at = 0;
      auto byte = [&]() -> std::uint64_t {
        const std::string_view value = part < cluster.size() ? cluster[part] : std::string_view(keys[i]);
        if (at < value.size()) return static_cast<unsigned char>(value[at++]);
        if (part < cluster.size()) {  // the NUL that ends a cluster value
          ++part;
          at = 0;
        }
        return 0U;  // past the key's end
      };
      for (std::size_t b = 0; b < 8; ++b) head = (head << 8U) | byte();
      for (std::size_t b = 0; b < 8; ++b) next = (next << 8U) | byte();
    }
    entries[i] = Entry{head, next, type, i};
  }
  std::sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
    if (a.type != b.type) return a.type < b.type;
    if (a.head != b.head) return a.head < b.head;
    if (a.next != b.next) return a.next < b.next;
    if (a.type != movement) {
      for (std::size_t c = 0; c < clusters[a.index].size(); ++c) {
        if (const int order = clusters[a.index][c].compare(clusters[b.index][c]); order != 0) return order < 0;
      }
      if (const int order = keys[a.index].compare(keys[b.index]); order != 0) return order < 0;
    }
    return a.index < b.index;
  });
  std::vector<std::uint32_t> order(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) order[i] = entries[i].index;
  return order;
}

std::string keyColumns(RecordType type) {
  std::string columns = "connector";
  for (const auto column : clusterColumns(type)) columns += fmt::format(", {}", column);
  return columns + ", record_key";
}

std::string keyCondition(RecordType type, std::span<const int> params) {
  std::string condition = "connector = ?1";
  const auto cluster = clusterColumns(type);
  for (std::size_t c = 0; c < cluster.size() && c < params.size(); ++c) {
    condition += fmt::format(" AND {} = ?{}", cluster[c], params[c]);
  }
  return condition + " AND record_key = ?2";
}

std::string keyCondition(RecordType type, int first) {
  std::vector<int> params(clusterColumns(type).size());
  for (std::size_t c = 0; c < params.size(); ++c) params[c] = first + static_cast<int>(c);
  return keyCondition(type, params);
}

namespace {

std::string primaryKey(RecordType type) {
  return fmt::format("PRIMARY KEY ({})", keyColumns(type));
}

}  // namespace

std::string recordTableDefinition(RecordType type, Dialect dialect) {
  std::string columns;
  for (const auto& column : storedColumns(type)) {
    if (!columns.empty()) columns += ", ";
    columns += columnDefinition(column, dialect);
  }
  if (dialect == Dialect::postgresql) {
    return store::postgresTypes(fmt::format("CREATE TABLE {} (\n  {},\n  {},\n  {}\n)", recordTable(type),
                                            kPostgresBookkeepingColumns, columns, primaryKey(type)));
  }
  return fmt::format("CREATE TABLE {} (\n  {},\n  {},\n  {}\n) WITHOUT ROWID", recordTable(type), kBookkeepingColumns,
                     columns, primaryKey(type));
}

Result<void> clusterRecordTables(store::Database& db) {
  for (std::size_t i = 0; i < plugin::kRecordTypeCount; ++i) {
    const auto type = static_cast<RecordType>(i);
    if (clusterColumns(type).empty()) continue;
    const auto table = std::string(recordTable(type));
    const auto operation = fmt::format("ordering table {} by {}", table, fmt::join(clusterColumns(type), ", "));
    // The table as it stands (with any column added since it was created), under a new name and
    // the new primary key; its rows copied whole, column for column.
    std::string definition;
    {
      // Finished before the table is dropped: a statement still reading the schema would lock it.
      auto read = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1", operation);
      if (!read) return std::move(read).error();
      read->bindText(1, table);
      if (read->step() != SQLITE_ROW) return db.failure(operation, "the table is missing");
      definition = std::string(read->columnText(0));
    }
    constexpr std::string_view kOldKey = "PRIMARY KEY (connector, record_key)";
    const auto at = definition.find(kOldKey);
    const auto columns = definition.find('(');
    // The name as written: plain, or quoted by a rename.
    std::string name = definition.substr(0, columns == std::string::npos ? 0 : columns);
    std::erase(name, '"');
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (at == std::string::npos || definition.find(kOldKey, at + 1) != std::string::npos ||
        name != fmt::format("CREATE TABLE {}", table)) {
      return db.failure(operation, fmt::format("its definition is not the one this staffchain wrote: {}", definition));
    }
    definition.replace(at, kOldKey.size(), primaryKey(type));
    const auto rebuilt = table + "_clustered";
    definition.replace(0, columns, fmt::format("CREATE TABLE {} ", rebuilt));
    // Copied in the new order: each row lands after the one before (in the old order, at a
    // million persons, the copy took three times as long and two gigabytes of memory).
    const auto sql =
        fmt::format("{};\nINSERT INTO {} SELECT * FROM {} ORDER BY {};\nDROP TABLE {};\nALTER TABLE {} RENAME TO {};",
                    definition, rebuilt, table, keyColumns(type), table, rebuilt, table);
    if (auto done = db.execute(sql, operation); !done) return done;
  }
  return {};
}

Result<void> ensureRecordTables(store::Database& db) {
  // Nearly always nothing to do: that is found without taking the write lock.
  auto needed = needsChange(db);
  if (!needed) return std::move(needed).error();
  if (!*needed) return {};
  auto transaction = store::Transaction::begin(db, "starting to bring the record tables to this staffchain");
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
