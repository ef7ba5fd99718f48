// SqlLedger: the Ledger in SQL, in one SQLite file (WAL, readable with the sqlite3 shell) or in a
// PostgreSQL database ([daemon] store): the same statements, each backend with its own schema.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>

#include "staffchain/ledger/ledger.hpp"
#include "staffchain/store/database.hpp"

namespace staffchain::ledger {

struct SqlLedgerOptions {
  // How long a writer waits for another process holding the file before giving up.
  std::chrono::milliseconds busy_timeout{5000};
  // Page cache per connection. A batch larger than the cache spills into the WAL before it
  // commits, which costs nothing in safety: uncommitted WAL frames are ignored after a crash.
  std::int64_t cache_kib = 32 * 1024;
  // Where timestamps come from; empty means the system clock. Tests pin it.
  std::function<std::chrono::system_clock::time_point()> clock;
};

class SqlLedger final : public Ledger {
 public:
  // The schema version this code writes; older files are migrated on open, newer refused.
  static constexpr int kSchemaVersion = 7;

  // The file (created when absent), or the PostgreSQL database the location names (which must
  // exist; its tables are created or migrated here). Errors name the file or the database
  // (never its password) and what failed.
  static Result<std::unique_ptr<SqlLedger>> open(const store::Location& location, SqlLedgerOptions options = {});
  ~SqlLedger() override;

  Result<CommitStats> commitBatch(const LedgerBatch& batch) override;
  Result<std::optional<std::string>> cursor(const std::string& connector) override;
  Result<void> resetCursor(const std::string& connector) override;
  Result<model::Dataset> loadDataset() override;
  Result<std::vector<StoredQuarantineEntry>> quarantine(std::size_t limit) override;
  Result<std::vector<MovementHistoryEntry>> movementHistory(const std::optional<model::PersonId>& person) override;
  Result<std::vector<HeldSnapshot>> heldSnapshots(bool open_only) override;
  void close() noexcept override;

  // The file; empty on PostgreSQL.
  [[nodiscard]] const std::filesystem::path& path() const noexcept;

 private:
  class Connection;
  explicit SqlLedger(std::unique_ptr<Connection> connection);
  std::unique_ptr<Connection> connection_;
};

}  // namespace staffchain::ledger
