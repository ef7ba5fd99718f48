// One connection to the store: an SQLite file (the ledger file, which the ledger, the alert store,
// the case store and the notice outbox share), or a PostgreSQL database they share the same way.
// Opening it (an SQLite file private), statements, and errors that name the file or the server,
// the operation and the backend's and the system's reasons.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "staffchain/plugin/result.hpp"
#include "staffchain/store/statement.hpp"

namespace staffchain::store {

namespace detail {
class PgConnection;
}

enum class Dialect : std::uint8_t { sqlite, postgresql };

// A PostgreSQL database: a libpq URL ("postgresql://staffchain@db.example:5432/staffchain?
// sslmode=verify-full&sslrootcert=/etc/staffchain/ca.pem"), and the password apart from it.
struct PostgresTarget {
  std::string url;
  std::string password;  // resolved from its secret reference; empty: none (peer, trust or a .pgpass)
  std::chrono::milliseconds connect_timeout{10'000};
  std::string sslmode;      // libpq's sslmode; empty: what the URL or libpq's default says
  std::string sslrootcert;  // the CA bundle verify-ca and verify-full check against; empty: libpq's
  // The lease term the active daemon writes under (store/lease.hpp): every write of this
  // connection is refused once another daemon has taken the lease over. None: not fenced (a
  // daemon's store opened before it holds a lease is not written to; tools, tests).
  std::optional<std::int64_t> fence_term;
};

// Where the store is: the SQLite file, or the PostgreSQL database when `postgres` is set. A file
// is a location: every owner of tables opens one as it opened a file before.
struct Location {
  Location() = default;
  Location(std::filesystem::path file_path) : file(std::move(file_path)) {}  // NOLINT(google-explicit-constructor)
  Location(std::filesystem::path file_path, std::optional<PostgresTarget> database)
      : file(std::move(file_path)), postgres(std::move(database)) {}

  std::filesystem::path file;
  std::optional<PostgresTarget> postgres;
};

struct OpenOptions {
  // What the file is to this user ("ledger", "alert store", "notice outbox"): every error
  // message begins "<label> <path>: ".
  std::string label = "database";
  // Create the file when it is missing (0600 whatever the umask: it holds personal data, and
  // SQLite's -wal and -shm files copy its mode). Without it a missing file is an error.
  bool create = true;
  std::chrono::milliseconds busy_timeout{5000};
};

// A PostgreSQL schema with every TEXT column (written so, upper case, outside quotes) comparing
// bytewise, COLLATE "C", as SQLite compares: a key read back in order comes in the order the code
// itself sorts keys in, whatever the server's default collation.
std::string postgresTypes(std::string_view ddl);

class Database;

// A column of a table as the store's catalogue has it, in the table's order; the type as SQLite
// names it whatever the backend (PostgreSQL's bigint is INTEGER, bytea BLOB, text TEXT).
struct TableColumnInfo {
  std::string name;
  std::string type;
  bool not_null = false;
  bool identity = false;  // PostgreSQL: GENERATED ... AS IDENTITY
};
// None when there is no such table.
Result<std::vector<TableColumnInfo>> tableColumns(Database& db, std::string_view table);

class Database {
 public:
  static Result<std::unique_ptr<Database>> open(const std::filesystem::path& path, OpenOptions options);
  // A connection to a PostgreSQL database (OpenOptions::create and busy_timeout do not apply:
  // the database must exist; a lock waits as the server's lock_timeout says).
  static Result<std::unique_ptr<Database>> connect(const PostgresTarget& target, OpenOptions options);
  // The file, or the PostgreSQL database when the location names one.
  static Result<std::unique_ptr<Database>> open(const Location& location, OpenOptions options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  Database(Database&&) = delete;
  Database& operator=(Database&&) = delete;

  // SQLite counts every allocation under a global mutex for sqlite3_memory_used(), which
  // staffchain never asks for. It can only be switched off before SQLite is first used: call
  // before the first open (later calls change nothing).
  static void disableMemoryStatistics() noexcept;

  // Statements first, then the connection; later calls fail with "the <label> is closed".
  void close() noexcept;
  [[nodiscard]] bool isOpen() const noexcept;
  [[nodiscard]] Dialect dialect() const noexcept { return pg_ ? Dialect::postgresql : Dialect::sqlite; }

  // Runs one or more statements with no parameters.
  Result<void> execute(std::string_view sql, std::string_view operation);
  // A statement the caller keeps (prepared for repeated use).
  Result<Statement> prepare(std::string_view sql, std::string_view operation);
  // A statement prepared once and kept for the connection's life, found again by its text.
  Result<Statement*> cached(const std::string& sql, std::string_view operation);
  // Steps a statement with no result rows to SQLITE_DONE, resetting it after.
  Result<void> run(Statement& statement, std::string_view operation);
  // Steps a statement to its end, calling `row(statement)` for each result row, resetting it after.
  // A `row` that returns a Result<void> refuses a row it cannot read (a stored time that is
  // none): the step ends there, with failure(operation, its reason).
  template <typename Row>
  Result<void> eachRow(Statement& statement, std::string_view operation, Row&& row) {
    StatementUse use(statement);
    for (;;) {
      const int rc = statement.step();
      if (rc == SQLITE_DONE) return {};
      if (rc != SQLITE_ROW) return failure(operation);
      if constexpr (std::is_void_v<std::invoke_result_t<Row&, Statement&>>) {
        row(statement);
      } else if (auto read = row(statement); !read) {
        return failure(operation, read.error().message);
      }
    }
  }

  // Journal mode WAL, checked (a file on a filesystem without shared memory stays in another
  // mode, which would block readers during writes). Nothing to do on PostgreSQL.
  Result<void> useWriteAheadLog();

  // "<label> <path>: <operation> failed: <SQLite's message> (<its code's text>)", with the
  // system's reason after an I/O error or a full disk (a full disk and a failing drive look
  // alike to SQLite). Call right after the failed call: it reads errno first.
  [[nodiscard]] Error failure(std::string_view operation) const;
  // "<label> <path>: <operation> failed: <reason>", for failures SQLite did not report.
  [[nodiscard]] Error failure(std::string_view operation, std::string_view reason) const;

  [[nodiscard]] std::int64_t changes() const noexcept;
  // SQLite only (0 on PostgreSQL): a statement that needs the new row's id says RETURNING.
  [[nodiscard]] std::int64_t lastInsertRowid() const noexcept;
  // True between BEGIN and COMMIT/ROLLBACK (some errors roll a transaction back themselves).
  [[nodiscard]] bool inTransaction() const noexcept;

  // The file (empty on PostgreSQL), and how errors name the file or the database
  // ("postgresql://user@host:port/database", never with a password).
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  [[nodiscard]] const std::string& pathText() const noexcept { return path_text_; }
  [[nodiscard]] const std::string& label() const noexcept { return options_.label; }

 private:
  Database(sqlite3* db, std::filesystem::path path, OpenOptions options);
  Database(std::shared_ptr<detail::PgConnection> pg, std::string where, OpenOptions options);

  sqlite3* db_;
  std::shared_ptr<detail::PgConnection> pg_;  // a PostgreSQL connection instead
  std::filesystem::path path_;
  std::string path_text_;
  OpenOptions options_;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> cached_;
};

}  // namespace staffchain::store
