// Database: one connection to the department's database: read-only for the sql source,
// read-write for the sql sink's exchange table.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "query_plan.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::sql {

struct RowSet {
  std::vector<std::string> columns;
  std::vector<std::vector<SqlValue>> rows;
};

// The source only reads, and its sessions say so to the server; the sink writes one table.
enum class Access { read_only, read_write };

class Database {
 public:
  virtual ~Database() = default;
  // Runs one SELECT with bound parameters, connecting first when there is no live connection.
  virtual Result<RowSet> query(const Statement& statement) = 0;
  // Runs one INSERT with text parameters (nullopt binds NULL) on a read-write connection,
  // connecting first when there is none; returns how many rows it inserted.
  virtual Result<long long> insert(const std::string& statement,
                                   const std::vector<std::optional<std::string>>& values) = 0;
  // Whether the last failure may pass by itself (a lost connection, a locked file), so that the
  // same query is worth trying again; a syntax error or a missing table is not.
  [[nodiscard]] virtual bool lastFailureTransient() const noexcept = 0;
  // What the connection points at, for messages: "postgresql://reader@db.example:5432/hr".
  [[nodiscard]] virtual const std::string& description() const noexcept = 0;
};

}  // namespace staffchain::sql
