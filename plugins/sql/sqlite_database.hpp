// SqliteDatabase: a database file opened read-only (the source) or read-write (the sink), never
// created.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "database.hpp"

struct sqlite3;

namespace staffchain::sql {

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::filesystem::path path, std::chrono::milliseconds busy_timeout, Access access = Access::read_only);
  ~SqliteDatabase() override;
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  Result<RowSet> query(const Statement& statement) override;
  Result<long long> insert(const std::string& statement,
                           const std::vector<std::optional<std::string>>& values) override;
  [[nodiscard]] bool lastFailureTransient() const noexcept override { return transient_; }
  [[nodiscard]] const std::string& description() const noexcept override { return description_; }

 private:
  Result<void> open();
  void close() noexcept;

  std::filesystem::path path_;
  std::chrono::milliseconds busy_timeout_;
  Access access_;
  std::string description_;
  sqlite3* db_ = nullptr;
  bool transient_ = false;
};

}  // namespace staffchain::sql
