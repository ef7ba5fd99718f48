// A prepared statement: binding, stepping and reading columns, the only way the ledger, the alert
// store, the case store and the notice outbox talk to their database's statements. Either
// backend answers in SQLite's codes (SQLITE_ROW, SQLITE_DONE, an error code); a PostgreSQL
// statement takes SQLite's numbered parameters (?1, ?2) as its own ($1, $2).
#pragma once

#include <sqlite3.h>  // the result codes (SQLITE_ROW, SQLITE_DONE, ...) callers compare with

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace staffchain::store {

// An instant as the tables store it (stored_time.hpp).
using StoredTime = std::chrono::system_clock::time_point;

namespace detail {
class PgStatement;
}

class Statement {
 public:
  Statement() noexcept;
  // Takes ownership of a statement the Database prepared.
  explicit Statement(sqlite3_stmt* statement) noexcept;
  explicit Statement(std::unique_ptr<detail::PgStatement> statement) noexcept;
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  [[nodiscard]] bool valid() const noexcept { return statement_ != nullptr || pg_ != nullptr; }

  // Parameters are numbered from 1. Each returns SQLite's code, so a caller can fail the
  // whole operation on the first error.
  int bindText(int index, std::string_view text) noexcept;
  // Text the caller keeps, unchanged, until the statement is reset: bound without a copy.
  int bindKeptText(int index, std::string_view text) noexcept;
  int bindInt(int index, std::int64_t value) noexcept;
  int bindNull(int index) noexcept;
  // Bytes stored as a BLOB, not read as text.
  int bindBlob(int index, std::string_view bytes) noexcept;
  // A NULL for nullopt.
  int bindInt(int index, std::optional<std::int64_t> value) noexcept;
  // An instant in its stored form (storedTime); a NULL for nullopt.
  int bindTime(int index, StoredTime at) noexcept;
  int bindTime(int index, std::optional<StoredTime> at) noexcept;
  // The same, chosen by the value's type.
  int bind(int index, std::string_view text) noexcept { return bindText(index, text); }
  int bind(int index, std::int64_t value) noexcept { return bindInt(index, value); }
  int bind(int index, std::optional<std::int64_t> value) noexcept { return bindInt(index, value); }
  int bind(int index, StoredTime at) noexcept { return bindTime(index, at); }
  int bind(int index, std::optional<StoredTime> at) noexcept { return bindTime(index, at); }

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() noexcept;
  // Ready for the next use, bindings cleared: a cached statement must never keep a read
  // transaction open.
  void reset() noexcept;

  // How many columns a result row has.
  [[nodiscard]] int columnCount() const noexcept;
  // Columns are numbered from 0. Text is valid until the next step or reset.
  [[nodiscard]] std::string_view columnText(int index) const noexcept;
  [[nodiscard]] std::string text(int index) const { return std::string(columnText(index)); }
  [[nodiscard]] std::int64_t columnInt(int index) const noexcept;
  // A BLOB's bytes (a text's too), valid until the next step or reset.
  [[nodiscard]] std::string_view columnBlob(int index) const noexcept;
  [[nodiscard]] bool columnIsNull(int index) const noexcept;
  [[nodiscard]] std::optional<std::int64_t> optionalInt(int index) const noexcept;
  [[nodiscard]] std::optional<std::string> optionalText(int index) const;

 private:
  sqlite3_stmt* statement_ = nullptr;
  std::unique_ptr<detail::PgStatement> pg_;  // a PostgreSQL statement instead
};

// Resets a statement on every way out of a scope, so a cached statement never keeps a
// transaction open after an early return.
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

}  // namespace staffchain::store
