// Thin RAII owners of an SQLite connection and its prepared statements.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace staffchain::ledger::detail {

class Statement {
 public:
  Statement() = default;
  explicit Statement(sqlite3_stmt* stmt) noexcept : stmt_(stmt) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(Statement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Statement& operator=(Statement&& other) noexcept {
    if (this != &other) {
      sqlite3_finalize(stmt_);
      stmt_ = other.stmt_;
      other.stmt_ = nullptr;
    }
    return *this;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  [[nodiscard]] sqlite3_stmt* get() const noexcept { return stmt_; }
  [[nodiscard]] bool valid() const noexcept { return stmt_ != nullptr; }

  // Binding returns the SQLite code so callers can fail the whole operation on the first error.
  int bindText(int index, std::string_view text) noexcept {
    return sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  }
  int bindInt(int index, std::int64_t value) noexcept { return sqlite3_bind_int64(stmt_, index, value); }
  int bindNull(int index) noexcept { return sqlite3_bind_null(stmt_, index); }

  int step() noexcept { return sqlite3_step(stmt_); }
  // Ready for the next use: a cached statement must never keep a read transaction open.
  void reset() noexcept {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  [[nodiscard]] std::string_view columnText(int index) const noexcept {
    const auto* text = sqlite3_column_text(stmt_, index);
    if (text == nullptr) return {};
    return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index))};
  }
  [[nodiscard]] bool columnIsNull(int index) const noexcept { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }
  [[nodiscard]] std::int64_t columnInt(int index) const noexcept { return sqlite3_column_int64(stmt_, index); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets a statement when it goes out of scope, on every path out of a function.
class StatementUse {
 public:
  explicit StatementUse(Statement& statement) noexcept : statement_(statement) {}
  ~StatementUse() { statement_.reset(); }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;
  StatementUse(StatementUse&&) = delete;
  StatementUse& operator=(StatementUse&&) = delete;

 private:
  Statement& statement_;
};

}  // namespace staffchain::ledger::detail
