#include "sqlite_connection.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

namespace staffchain::alerts::detail {

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const std::filesystem::path& path,
                                                                 std::chrono::milliseconds busy_timeout) {
  // The file (the ledger's, in the daemon) holds personal data: when this creates it, 0600
  // whatever the umask, which SQLite's -wal and -shm files then copy.
  if (const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600); fd >= 0) ::close(fd);
  sqlite3* db = nullptr;
  const std::string text = path.string();
  const int rc =
      sqlite3_open_v2(text.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    auto error = makeError(fmt::format("alert store {}: opening failed: {}", text,
                                       db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close_v2(db);
    return error;
  }
  std::unique_ptr<SqliteConnection> connection(new SqliteConnection(db, text));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));
  {
    auto mode = connection->statement("PRAGMA journal_mode = WAL", "switching to WAL mode");
    if (!mode) return std::move(mode).error();
    StatementUse use(**mode);
    if (use->step() != SQLITE_ROW) return connection->failure("switching to WAL mode");
    if (use->text(0) != "wal") {
      return makeError(fmt::format("alert store {}: switching to WAL mode failed: the journal mode stayed '{}'", text,
                                   use->text(0)));
    }
  }
  // NORMAL is durable across process crashes in WAL mode, as for the ledger itself.
  if (auto done = connection->execute("PRAGMA synchronous = NORMAL", "setting synchronous mode"); !done) {
    return std::move(done).error();
  }
  return connection;
}

SqliteConnection::~SqliteConnection() {
  statements_.clear();  // a connection with live statements cannot close
  sqlite3_close_v2(db_);
}

Result<void> SqliteConnection::execute(std::string_view sql, std::string_view operation) {
  const std::string text(sql);
  char* message = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    auto error = makeError(fmt::format("alert store {}: {} failed: {}", path_, operation,
                                       message != nullptr ? message : sqlite3_errmsg(db_)));
    sqlite3_free(message);
    return error;
  }
  return {};
}

Result<Statement*> SqliteConnection::statement(const std::string& sql, std::string_view operation) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return it->second.get();
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) != SQLITE_OK) {
    return failure(fmt::format("preparing the statement for {}", operation));
  }
  auto [inserted, unused] = statements_.emplace(sql, std::make_unique<Statement>(raw));
  (void)unused;
  return inserted->second.get();
}

Error SqliteConnection::failure(std::string_view operation) const {
  return makeError(fmt::format("alert store {}: {} failed: {} ({})", path_, operation, sqlite3_errmsg(db_),
                               sqlite3_errstr(sqlite3_extended_errcode(db_))));
}

}  // namespace staffchain::alerts::detail
