// The alert manager's own SQLite connection to the ledger file, with cached statements.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "staffchain/plugin/result.hpp"

namespace staffchain::alerts::detail {

class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) noexcept : stmt_(stmt) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&&) = delete;
  Statement& operator=(Statement&&) = delete;

  void bind(int index, std::string_view text) noexcept {
    sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  }
  void bind(int index, std::int64_t value) noexcept { sqlite3_bind_int64(stmt_, index, value); }
  void bind(int index, std::optional<std::int64_t> value) noexcept {
    if (value) {
      sqlite3_bind_int64(stmt_, index, *value);
    } else {
      sqlite3_bind_null(stmt_, index);
    }
  }
  int step() noexcept { return sqlite3_step(stmt_); }
  void reset() noexcept {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  [[nodiscard]] std::string text(int column) const {
    const auto* data = sqlite3_column_text(stmt_, column);
    if (data == nullptr) return {};
    return {reinterpret_cast<const char*>(data), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
  }
  [[nodiscard]] std::int64_t integer(int column) const noexcept { return sqlite3_column_int64(stmt_, column); }
  [[nodiscard]] std::optional<std::int64_t> optionalInteger(int column) const noexcept {
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_int64(stmt_, column);
  }

 private:
  sqlite3_stmt* stmt_;
};

// Resets a cached statement on every way out of a scope, so none keeps a transaction open.
class StatementUse {
 public:
  explicit StatementUse(Statement& statement) noexcept : statement_(statement) {}
  ~StatementUse() { statement_.reset(); }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;
  StatementUse(StatementUse&&) = delete;
  StatementUse& operator=(StatementUse&&) = delete;
  Statement* operator->() const noexcept { return &statement_; }
  Statement& operator*() const noexcept { return statement_; }

 private:
  Statement& statement_;
};

class SqliteConnection {
 public:
  static Result<std::unique_ptr<SqliteConnection>> open(const std::filesystem::path& path,
                                                        std::chrono::milliseconds busy_timeout);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Result<void> execute(std::string_view sql, std::string_view operation);
  // A statement prepared once and kept for the connection's life.
  Result<Statement*> statement(const std::string& sql, std::string_view operation);
  // "alert store <path>: <operation> failed: <sqlite message>".
  [[nodiscard]] Error failure(std::string_view operation) const;
  [[nodiscard]] sqlite3* handle() const noexcept { return db_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  SqliteConnection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
  std::map<std::string, std::unique_ptr<Statement>> statements_;
};

}  // namespace staffchain::alerts::detail
