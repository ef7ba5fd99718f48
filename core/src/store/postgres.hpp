// The PostgreSQL side of the store layer: a libpq connection and its prepared statements, behind
// store::Database and store::Statement, which speak the same protocol to both backends (a step
// answers SQLITE_ROW, SQLITE_DONE or an error code; columns read as text, integers or bytes).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "staffchain/plugin/result.hpp"
#include "staffchain/store/database.hpp"

struct pg_conn;
struct pg_result;

namespace staffchain::store::detail {

// One libpq connection, shared by the Database that opened it and every statement prepared on
// it: a statement used after the Database closed fails ("the connection is closed"), it does not
// touch freed memory.
class PgConnection {
 public:
  // `where` is what the errors call the database: the URL without its password.
  static Result<std::shared_ptr<PgConnection>> connect(const PostgresTarget& target, std::string& where);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  void close() noexcept;
  [[nodiscard]] bool isOpen() const noexcept { return connection_ != nullptr; }
  [[nodiscard]] pg_conn* raw() const noexcept { return connection_; }

  // Runs statements without parameters (several separated by ';'); false with lastError() set.
  bool execute(std::string_view sql) noexcept;
  // A name for a new prepared statement on this connection.
  std::string nextStatementName() { return "s" + std::to_string(++statements_); }
  // A statement no longer used: the server keeps a prepared statement for the connection's
  // life, so those of one-off queries are deallocated, a few at a time, before the next prepare.
  void forget(std::string name) noexcept;
  void deallocateForgotten() noexcept;

  // The last failure's text: the server's message and its SQLSTATE, or libpq's.
  [[nodiscard]] const std::string& lastError() const noexcept { return last_error_; }
  void setError(std::string text) noexcept;
  void setError(const pg_result* result) noexcept;
  // Rows the last statement inserted, updated or deleted.
  [[nodiscard]] std::int64_t changes() const noexcept { return changes_; }
  void setChanges(std::int64_t changes) noexcept { changes_ = changes; }
  [[nodiscard]] bool inTransaction() const noexcept;

 private:
  explicit PgConnection(pg_conn* connection) noexcept : connection_(connection) {}
  pg_conn* connection_;
  std::string last_error_;
  std::int64_t changes_ = 0;
  long statements_ = 0;
  std::vector<std::string> forgotten_;
};

// A statement prepared on the server. Parameters are bound as text (integers in decimal), but
// for bytes, which go in binary; results come as text, and a bytea column's hex form is decoded
// when it is read as bytes.
class PgStatement {
 public:
  // SQLite's numbered parameters (?1, ?2, and plain ? counted on) become PostgreSQL's $1, $2;
  // quoted text, quoted names and comments are left as they are.
  static Result<std::unique_ptr<PgStatement>> prepare(std::shared_ptr<PgConnection> connection, std::string_view sql);
  ~PgStatement();
  PgStatement(const PgStatement&) = delete;
  PgStatement& operator=(const PgStatement&) = delete;

  int bindText(int index, std::string_view text) noexcept;
  int bindBytes(int index, std::string_view bytes) noexcept;
  int bindInt(int index, std::int64_t value) noexcept;
  int bindNull(int index) noexcept;

  int step() noexcept;
  void reset() noexcept;

  [[nodiscard]] int columnCount() const noexcept;
  [[nodiscard]] std::string_view columnText(int index) const noexcept;
  [[nodiscard]] std::string_view columnBytes(int index) const noexcept;
  [[nodiscard]] std::int64_t columnInt(int index) const noexcept;
  [[nodiscard]] bool columnIsNull(int index) const noexcept;

 private:
  PgStatement(std::shared_ptr<PgConnection> connection, std::string name, int parameters);
  [[nodiscard]] bool hasColumn(int index) const noexcept;
  int bind(int index, std::string_view value, int format) noexcept;

  std::shared_ptr<PgConnection> connection_;
  std::string name_;
  std::vector<std::string> values_;
  std::vector<char> bound_;  // 1 where a value is bound (NULL otherwise)
  std::vector<int> formats_;
  pg_result* result_ = nullptr;
  int rows_ = 0;
  int row_ = -1;
  bool executed_ = false;
  mutable std::vector<std::string> decoded_;  // bytea columns of the current row, decoded
};

// The SQL text with SQLite's numbered parameters as PostgreSQL's, and how many it has.
struct TranslatedSql {
  std::string text;
  int parameters = 0;
  std::vector<bool> used;  // by number less one: a parameter offered but never used is typed text
};
TranslatedSql translateParameters(std::string_view sql);

}  // namespace staffchain::store::detail
