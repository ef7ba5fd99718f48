// One connection to an SQLite file (the ledger file, which the ledger, the alert store and the
// notice outbox share): opening it private, the pragmas, statements, and errors that name the
// file, the operation and SQLite's and the system's reasons.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "staffchain/plugin/result.hpp"
#include "staffchain/sqlite/statement.hpp"

namespace staffchain::sqlite {

struct OpenOptions {
  // What the file is to this user ("ledger", "alert store", "notice outbox"): every error
  // message begins "<label> <path>: ".
  std::string label = "database";
  // Create the file when it is missing (0600 whatever the umask: it holds personal data, and
  // SQLite's -wal and -shm files copy its mode). Without it a missing file is an error.
  bool create = true;
  std::chrono::milliseconds busy_timeout{5000};
};

class Database {
 public:
  static Result<std::unique_ptr<Database>> open(const std::filesystem::path& path, OpenOptions options);
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
  [[nodiscard]] bool isOpen() const noexcept { return db_ != nullptr; }

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
  // mode, which would block readers during writes).
  Result<void> useWriteAheadLog();

  // "<label> <path>: <operation> failed: <SQLite's message> (<its code's text>)", with the
  // system's reason after an I/O error or a full disk (a full disk and a failing drive look
  // alike to SQLite). Call right after the failed call: it reads errno first.
  [[nodiscard]] Error failure(std::string_view operation) const;
  // "<label> <path>: <operation> failed: <reason>", for failures SQLite did not report.
  [[nodiscard]] Error failure(std::string_view operation, std::string_view reason) const;

  [[nodiscard]] std::int64_t changes() const noexcept;
  [[nodiscard]] std::int64_t lastInsertRowid() const noexcept;
  // True between BEGIN and COMMIT/ROLLBACK (some errors roll a transaction back themselves).
  [[nodiscard]] bool inTransaction() const noexcept;

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  [[nodiscard]] const std::string& pathText() const noexcept { return path_text_; }
  [[nodiscard]] const std::string& label() const noexcept { return options_.label; }

 private:
  Database(sqlite3* db, std::filesystem::path path, OpenOptions options);

  sqlite3* db_;
  std::filesystem::path path_;
  std::string path_text_;
  OpenOptions options_;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> cached_;
};

}  // namespace staffchain::sqlite
