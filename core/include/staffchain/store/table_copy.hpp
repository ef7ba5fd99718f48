// Moving an installation from one store to another (staffchainctl store copy): every row of
// every table, then both sides read back and compared, table by table, by count and checksum.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "staffchain/plugin/result.hpp"
#include "staffchain/store/database.hpp"

namespace staffchain::store {

struct TableCopy {
  std::string table;
  std::int64_t source_rows = 0;
  std::int64_t target_rows = 0;
  std::string source_checksum;  // FNV-1a over every column of every row, in the order of all columns
  std::string target_checksum;
  [[nodiscard]] bool same() const { return source_rows == target_rows && source_checksum == target_checksum; }
};

// The tables the daemon's parts keep in a store, in an order a copy can insert them in (a table
// before those that refer to it): every table but the schema versions' and the lease's.
Result<std::vector<std::string>> storeTables(Database& db);

// A table's row count and checksum, as TableCopy has them.
Result<std::pair<std::int64_t, std::string>> tableChecksum(Database& db, const std::string& table);

// Copies every row of `tables` from `from` into `to` (whose tables exist, with the same columns,
// and are empty) in one transaction of `to`: on any error nothing is kept there. Identity
// columns keep their values and go on after the largest. `progress` hears each table's count.
// Then both sides are read back: the answer says, per table, whether they agree.
Result<std::vector<TableCopy>> copyTables(Database& from, Database& to, const std::vector<std::string>& tables,
                                          const std::function<void(const std::string&, std::int64_t)>& progress);

}  // namespace staffchain::store
