#include "staffchain/store/table_copy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>

#include "staffchain/model/fnv1a.hpp"
#include "staffchain/store/transaction.hpp"

namespace staffchain::store {
namespace {

// Inserted before the others: the tables others refer to, and the alert spans (an alert row
// inserted on PostgreSQL opens a span by trigger unless its span is there already).
constexpr std::array kFirst{"connectors", "case_cases", "alert_spans"};

bool isBookkeeping(std::string_view table) {
  return table.rfind("sqlite_", 0) == 0 || table.rfind("daemon_", 0) == 0 || table == "schema_version" ||
         table == "alert_schema" || table == "case_schema" || table == "lease_schema";
}

struct Column {
  std::string name;
  bool bytes = false;     // BLOB / bytea
  bool identity = false;  // PostgreSQL: GENERATED ... AS IDENTITY
};

Result<std::vector<Column>> columnsOf(Database& db, const std::string& table) {
  auto listed = tableColumns(db, table);
  if (!listed) return std::move(listed).error();
  if (listed->empty())
    return db.failure(fmt::format("reading the columns of table {}", table), "there is no such table");
  std::vector<Column> out;
  for (auto& column : *listed) out.push_back(Column{std::move(column.name), column.type == "BLOB", column.identity});
  return out;
}

std::string orderedSelect(const std::string& table, const std::vector<Column>& columns) {
  std::string names;
  std::string order;
  for (const auto& column : columns) {
    names += fmt::format("{}\"{}\"", names.empty() ? "" : ", ", column.name);
    // NULLs first on both backends (PostgreSQL puts them last unless told).
    order += fmt::format("{}\"{}\" NULLS FIRST", order.empty() ? "" : ", ", column.name);
  }
  return fmt::format("SELECT {} FROM {} ORDER BY {}", names, table, order);
}

}  // namespace

Result<std::vector<std::string>> storeTables(Database& db) {
  const std::string operation = "listing the store's tables";
  auto statement = db.prepare(db.dialect() == Dialect::postgresql
                                  ? "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                    "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
                                  : "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name",
                              operation);
  if (!statement) return std::move(statement).error();
  std::vector<std::string> all;
  auto read = db.eachRow(*statement, operation, [&](const Statement& row) {
    if (!isBookkeeping(row.columnText(0))) all.push_back(row.text(0));
  });
  if (!read) return std::move(read).error();
  std::vector<std::string> out;
  for (const auto* first : kFirst) {
    if (std::find(all.begin(), all.end(), first) != all.end()) out.emplace_back(first);
  }
  for (const auto& table : all) {
    if (std::find(out.begin(), out.end(), table) == out.end()) out.push_back(table);
  }
  return out;
}

Result<std::pair<std::int64_t, std::string>> tableChecksum(Database& db, const std::string& table) {
  auto columns = columnsOf(db, table);
  if (!columns) return std::move(columns).error();
  const auto operation = fmt::format("reading table {} back", table);
  auto statement = db.prepare(orderedSelect(table, *columns), operation);
  if (!statement) return std::move(statement).error();
  model::Fnv1aParts hash;
  std::int64_t rows = 0;
  auto read = db.eachRow(*statement, operation, [&](const Statement& row) {
    ++rows;
    for (int i = 0; i < row.columnCount(); ++i) {
      // NULL apart from every text (an empty text included).
      hash.add(row.columnIsNull(i) ? std::string_view("\x01<null>") : row.columnBlob(i));
    }
  });
  if (!read) return std::move(read).error();
  return std::pair{rows, hash.hex()};
}

Result<std::vector<TableCopy>> copyTables(Database& from, Database& to, const std::vector<std::string>& tables,
                                          const std::function<void(const std::string&, std::int64_t)>& progress) {
  // The source in one read transaction: a consistent picture even if something writes to it.
  const auto* snapshot =
      from.dialect() == Dialect::postgresql ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN";
  if (auto begun = from.execute(snapshot, "starting to read the source"); !begun) return std::move(begun).error();
  auto transaction = Transaction::begin(to, "starting the copy");
  if (!transaction) {
    (void)from.execute("ROLLBACK", "ending the read");
    return std::move(transaction).error();
  }
  const auto copyOne = [&](const std::string& table) -> Result<std::int64_t> {
    auto source_columns = columnsOf(from, table);
    if (!source_columns) return std::move(source_columns).error();
    auto target_columns = columnsOf(to, table);
    if (!target_columns) return std::move(target_columns).error();
    std::string names;
    std::string values;
    int index = 0;
    std::vector<bool> bytes;
    for (const auto& column : *source_columns) {
      auto target = std::find_if(target_columns->begin(), target_columns->end(),
                                 [&](const Column& c) { return c.name == column.name; });
      if (target == target_columns->end()) {
        return makeError(fmt::format("table {}: the target has no column {}", table, column.name));
      }
      names += fmt::format("{}\"{}\"", names.empty() ? "" : ", ", column.name);
      values += fmt::format("{}?{}", values.empty() ? "" : ", ", ++index);
      bytes.push_back(target->bytes || column.bytes);
    }
    const bool identity =
        std::any_of(target_columns->begin(), target_columns->end(), [](const Column& c) { return c.identity; });
    const auto operation = fmt::format("copying table {}", table);
    auto insert = to.prepare(fmt::format("INSERT INTO {} ({}){} VALUES ({})", table, names,
                                         identity ? " OVERRIDING SYSTEM VALUE" : "", values),
                             operation);
    if (!insert) return std::move(insert).error();
    auto select = from.prepare(orderedSelect(table, *source_columns), operation);
    if (!select) return std::move(select).error();
    std::int64_t rows = 0;
    std::string failed;
    auto read = from.eachRow(*select, operation, [&](const Statement& row) {
      if (!failed.empty()) return;
      for (int i = 0; i < row.columnCount(); ++i) {
        if (row.columnIsNull(i)) {
          insert->bindNull(i + 1);
        } else if (bytes[static_cast<std::size_t>(i)]) {
          insert->bindBlob(i + 1, row.columnBlob(i));
        } else {
          insert->bindText(i + 1, row.columnText(i));
        }
      }
      if (auto done = to.run(*insert, operation); !done) {
        failed = done.error().message;
        return;
      }
      if (++rows % 100'000 == 0) progress(table, rows);
    });
    if (!read) return std::move(read).error();
    if (!failed.empty()) return makeError(failed);
    for (const auto& column : *target_columns) {
      if (!column.identity) continue;
      // The next id after the largest copied, as the source would have handed out.
      const auto sql = fmt::format(
          "SELECT setval(pg_get_serial_sequence('{0}', '{1}'), coalesce(max(\"{1}\"), 0) + 1, false) FROM {0}", table,
          column.name);
      if (auto done = to.execute(sql, operation); !done) return std::move(done).error();
    }
    progress(table, rows);
    return rows;
  };
  for (const auto& table : tables) {
    if (auto copied = copyOne(table); !copied) {
      (void)from.execute("ROLLBACK", "ending the read");
      return makeError(fmt::format("{}; nothing was kept in {}", copied.error().message, to.pathText()));
    }
  }
  (void)from.execute("COMMIT", "ending the read");
  if (auto committed = transaction->commit("committing the copy"); !committed) return std::move(committed).error();
  std::vector<TableCopy> out;
  for (const auto& table : tables) {
    auto source = tableChecksum(from, table);
    if (!source) return std::move(source).error();
    auto target = tableChecksum(to, table);
    if (!target) return std::move(target).error();
    out.push_back(TableCopy{table, source->first, target->first, source->second, target->second});
  }
  return out;
}

}  // namespace staffchain::store
