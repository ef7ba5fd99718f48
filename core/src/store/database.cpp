#include "staffchain/store/database.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "postgres.hpp"
#include "stored_time_text.hpp"

namespace staffchain::store {

std::string postgresTypes(std::string_view ddl) {
  constexpr std::string_view kText = "TEXT";
  const auto word = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  std::string out;
  out.reserve(ddl.size() + 256);
  for (std::size_t i = 0; i < ddl.size(); ++i) {
    const char c = ddl[i];
    if (c == '\'' || c == '"') {
      const auto end = ddl.find(c, i + 1);
      const auto stop = end == std::string_view::npos ? ddl.size() : end + 1;
      out.append(ddl.substr(i, stop - i));
      i = stop - 1;
      continue;
    }
    if (ddl.substr(i, kText.size()) == kText && (i == 0 || !word(ddl[i - 1])) &&
        (i + kText.size() == ddl.size() || !word(ddl[i + kText.size()]))) {
      out += "TEXT COLLATE \"C\"";
      i += kText.size() - 1;
      continue;
    }
    out.push_back(c);
  }
  return out;
}

Result<std::vector<TableColumnInfo>> tableColumns(Database& db, std::string_view table) {
  const auto operation = fmt::format("reading the columns of table {}", table);
  const auto* sql = db.dialect() == Dialect::postgresql
                        ? "SELECT column_name, CASE data_type WHEN 'bigint' THEN 'INTEGER' WHEN 'bytea' THEN 'BLOB' "
                          "ELSE upper(data_type) END, CASE is_nullable WHEN 'NO' THEN 1 ELSE 0 END, "
                          "CASE is_identity WHEN 'YES' THEN 1 ELSE 0 END FROM information_schema.columns "
                          "WHERE table_schema = current_schema() AND table_name = ?1 ORDER BY ordinal_position"
                        : "SELECT name, upper(type), \"notnull\", 0 FROM pragma_table_info(?1) ORDER BY cid";
  auto statement = db.prepare(sql, operation);
  if (!statement) return std::move(statement).error();
  statement->bindText(1, table);
  std::vector<TableColumnInfo> out;
  auto read = db.eachRow(*statement, operation, [&out](const Statement& row) {
    out.push_back(TableColumnInfo{row.text(0), row.text(1), row.columnInt(2) != 0, row.columnInt(3) != 0});
  });
  if (!read) return std::move(read).error();
  return out;
}

Result<std::unique_ptr<Database>> Database::open(const std::filesystem::path& path, OpenOptions options) {
  const std::string text = path.string();
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (options.create) {
    // Created here, 0600 whatever the umask, before SQLite creates it with the umask's mode; only
    // when it is missing. A descriptor of a file this process has open in SQLite must never be
    // opened and closed beside SQLite's own: closing it drops every POSIX lock the process holds
    // on the file, SQLite's connections' included, and a reader from outside then takes itself
    // for the last connection and deletes the write-ahead log under them.
    if (const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600); fd >= 0) {
      ::close(fd);
    }
    flags |= SQLITE_OPEN_CREATE;
  }
  // NOMUTEX: a connection is used from one thread at a time; SQLite's locking between
  // connections and processes is unaffected.
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(text.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    auto error = makeError(fmt::format("{} {}: opening failed: {}", options.label, text,
                                       db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close_v2(db);
    return error;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(options.busy_timeout.count()));
  if (detail::defineStoredTimeFunctions(db) != SQLITE_OK) {
    auto error = makeError(fmt::format("{} {}: opening failed: defining the stored-time functions: {}", options.label,
                                       text, sqlite3_errmsg(db)));
    sqlite3_close_v2(db);
    return error;
  }
  return std::unique_ptr<Database>(new Database(db, path, std::move(options)));
}

Result<std::unique_ptr<Database>> Database::connect(const PostgresTarget& target, OpenOptions options) {
  std::string where;
  auto connection = detail::PgConnection::connect(target, where);
  if (!connection) {
    // The URL as given may carry a password ("user:password@host"): the error leaves it out.
    std::string shown = target.url;
    const auto scheme = shown.find("://");
    const auto at = shown.find('@', scheme == std::string::npos ? 0 : scheme);
    const auto colon = scheme == std::string::npos ? std::string::npos : shown.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at) shown.erase(colon, at - colon);
    return makeError(fmt::format("{} {}: {}", options.label, shown, connection.error().message));
  }
  return std::unique_ptr<Database>(new Database(std::move(connection.value()), std::move(where), std::move(options)));
}

Result<std::unique_ptr<Database>> Database::open(const Location& location, OpenOptions options) {
  if (location.postgres) return connect(*location.postgres, std::move(options));
  return open(location.file, std::move(options));
}

Database::Database(sqlite3* db, std::filesystem::path path, OpenOptions options)
    : db_(db), path_(std::move(path)), path_text_(path_.string()), options_(std::move(options)) {}

Database::Database(std::shared_ptr<detail::PgConnection> pg, std::string where, OpenOptions options)
    : db_(nullptr), pg_(std::move(pg)), path_text_(std::move(where)), options_(std::move(options)) {}

Database::~Database() {
  close();
}

void Database::disableMemoryStatistics() noexcept {
  static const bool done = [] { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK; }();
  (void)done;
}

bool Database::isOpen() const noexcept {
  return pg_ ? pg_->isOpen() : db_ != nullptr;
}

void Database::close() noexcept {
  cached_.clear();  // a connection with live statements cannot close
  if (pg_) pg_->close();
  if (db_ != nullptr) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
  }
}

Result<void> Database::execute(std::string_view sql, std::string_view operation) {
  if (pg_) {
    if (!pg_->execute(sql)) return failure(operation);
    return {};
  }
  if (db_ == nullptr) return failure(operation);
  const std::string text(sql);
  char* message = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    sqlite3_free(message);  // the same text as sqlite3_errmsg, which failure() reads
    return failure(operation);
  }
  return {};
}

Result<Statement> Database::prepare(std::string_view sql, std::string_view operation) {
  if (pg_) {
    auto prepared = detail::PgStatement::prepare(pg_, sql);
    if (!prepared) return failure(fmt::format("preparing the statement for {}", operation));
    return Statement(std::move(prepared.value()));
  }
  if (db_ == nullptr) return failure(operation);
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw, nullptr) !=
      SQLITE_OK) {
    return failure(fmt::format("preparing the statement for {}", operation));
  }
  return Statement(raw);
}

Result<Statement*> Database::cached(const std::string& sql, std::string_view operation) {
  if (auto it = cached_.find(sql); it != cached_.end()) return it->second.get();
  auto prepared = prepare(sql, operation);
  if (!prepared) return std::move(prepared).error();
  auto [inserted, unused] = cached_.emplace(sql, std::make_unique<Statement>(std::move(prepared.value())));
  (void)unused;
  return inserted->second.get();
}

Result<void> Database::run(Statement& statement, std::string_view operation) {
  StatementUse use(statement);
  if (statement.step() != SQLITE_DONE) return failure(operation);
  return {};
}

Result<void> Database::useWriteAheadLog() {
  if (pg_) return {};
  auto mode = prepare("PRAGMA journal_mode = WAL", "switching to WAL mode");
  if (!mode) return std::move(mode).error();
  if (mode->step() != SQLITE_ROW) return failure("switching to WAL mode");
  if (mode->columnText(0) != "wal") {
    return failure("switching to WAL mode", fmt::format("the journal mode stayed '{}'", mode->columnText(0)));
  }
  return {};
}

Error Database::failure(std::string_view operation) const {
  const int last_errno = errno;  // first: before anything here can change it
  if (pg_) {
    if (!pg_->isOpen()) return failure(operation, fmt::format("the {} is closed", options_.label));
    return failure(operation, pg_->lastError());
  }
  if (db_ == nullptr) return failure(operation, fmt::format("the {} is closed", options_.label));
  const int code = sqlite3_extended_errcode(db_);
  // "disk I/O error" alone does not tell a full disk or a file-size limit from a failing
  // drive; the operating system's reason does. SQLite does not always keep it (a commit's
  // failed WAL write leaves sqlite3_system_errno at 0), but errno still holds it right after
  // the failed call, and every caller reports the failure at once.
  const int os_error = sqlite3_system_errno(db_) != 0 ? sqlite3_system_errno(db_) : last_errno;
  const bool os_failure = (code & 0xff) == SQLITE_IOERR || (code & 0xff) == SQLITE_FULL;
  const std::string os_reason =
      os_failure && os_error != 0 ? "; the system said: " + std::error_code(os_error, std::generic_category()).message()
                                  : std::string();
  return failure(operation, fmt::format("{} ({}){}", sqlite3_errmsg(db_), sqlite3_errstr(code), os_reason));
}

Error Database::failure(std::string_view operation, std::string_view reason) const {
  return makeError(fmt::format("{} {}: {} failed: {}", options_.label, path_text_, operation, reason));
}

std::int64_t Database::changes() const noexcept {
  if (pg_) return pg_->changes();
  return db_ != nullptr ? sqlite3_changes64(db_) : 0;
}

std::int64_t Database::lastInsertRowid() const noexcept {
  return db_ != nullptr ? sqlite3_last_insert_rowid(db_) : 0;
}

bool Database::inTransaction() const noexcept {
  if (pg_) return pg_->inTransaction();
  return db_ != nullptr && sqlite3_get_autocommit(db_) == 0;
}

}  // namespace staffchain::store
