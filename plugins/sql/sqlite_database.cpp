#include "sqlite_database.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <charconv>
#include <cstdint>
#include <memory>
#include <system_error>

namespace staffchain::sql {
namespace {

// A file another process holds locked, or one not there yet (a share being remounted, a copy
// being replaced), may be readable on the next try; anything else is in the query or the file.
template <typename Number>
bool parsesWhole(const std::string& text, Number& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

bool transientCode(int code) {
  const int primary = code & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR;
}

}  // namespace

SqliteDatabase::SqliteDatabase(std::filesystem::path path, std::chrono::milliseconds busy_timeout, Access access)
    : path_(std::move(path)), busy_timeout_(busy_timeout), access_(access), description_("sqlite:" + path_.string()) {}

SqliteDatabase::~SqliteDatabase() {
  close();
}

void SqliteDatabase::close() noexcept {
  if (db_ != nullptr) sqlite3_close_v2(db_);
  db_ = nullptr;
}

Result<void> SqliteDatabase::open() {
  close();
  // Never created: a wrong path must fail, not produce an empty database (the sink's exchange
  // table belongs to the receiving department).
  const bool read_only = access_ == Access::read_only;
  const int code = sqlite3_open_v2(
      path_.c_str(), &db_, (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX, nullptr);
  if (code != SQLITE_OK) {
    const std::string reason = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
    close();
    transient_ = transientCode(code);
    return makeError(
        fmt::format("cannot open {} {}: {}", path_.string(), read_only ? "read-only" : "for writing", reason));
  }
  sqlite3_busy_timeout(db_, static_cast<int>(busy_timeout_.count()));
  // A double-quoted name that is not a column must be an error, not the string literal SQLite
  // would otherwise take it for: a misspelt watermark would order every row by a constant.
  sqlite3_db_config(db_, SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
  sqlite3_db_config(db_, SQLITE_DBCONFIG_DQS_DDL, 0, nullptr);
  return {};
}

Result<RowSet> SqliteDatabase::query(const Statement& statement) {
  transient_ = false;
  if (db_ == nullptr) {
    if (auto opened = open(); !opened) return std::move(opened).error();
  }
  const auto failure = [&](int code, std::string_view step) {
    transient_ = transientCode(code);
    std::string reason = sqlite3_errmsg(db_);
    // A connection that failed on I/O may hold a stale view of a replaced file: reopen next time.
    if (transient_) close();
    return makeError(fmt::format("query on {} failed while {}: {}", description_, step, reason));
  };
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int code = sqlite3_prepare_v2(db_, statement.text.c_str(), static_cast<int>(statement.text.size()), &raw, &tail);
  const std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> prepared(raw, &sqlite3_finalize);
  if (code != SQLITE_OK) return failure(code, "preparing");
  if (raw == nullptr) return makeError(fmt::format("query on {} is empty", description_));
  // Only the first statement of a text is prepared; anything after it was smuggled past the
  // wrapping subquery and must not be silently ignored.
  for (; tail != nullptr && *tail != '\0'; ++tail) {
    if (*tail != ' ' && *tail != '\n' && *tail != '\t' && *tail != '\r') {
      return makeError(
          fmt::format("query on {} holds more than one statement: only a single SELECT may run", description_));
    }
  }
  const auto badParameter = [&](int index, const std::string& text) {
    return makeError(fmt::format("query on {}: parameter {} \"{}\" from the saved cursor is not a number", description_,
                                 index, text));
  };
  for (std::size_t i = 0; i < statement.parameters.size(); ++i) {
    const SqlValue& value = statement.parameters[i];
    const int index = static_cast<int>(i + 1);
    if (!value.text) {
      code = sqlite3_bind_null(raw, index);
    } else if (value.kind == ValueKind::integer) {
      std::int64_t number = 0;
      if (!parsesWhole(*value.text, number)) return badParameter(index, *value.text);
      code = sqlite3_bind_int64(raw, index, number);
    } else if (value.kind == ValueKind::real) {
      double number = 0;
      if (!parsesWhole(*value.text, number)) return badParameter(index, *value.text);
      code = sqlite3_bind_double(raw, index, number);
    } else {
      code = sqlite3_bind_text(raw, index, value.text->c_str(), static_cast<int>(value.text->size()), SQLITE_TRANSIENT);
    }
    if (code != SQLITE_OK) return failure(code, fmt::format("binding parameter {}", index));
  }
  RowSet rows;
  const int columns = sqlite3_column_count(raw);
  for (int c = 0; c < columns; ++c) rows.columns.emplace_back(sqlite3_column_name(raw, c));
  while ((code = sqlite3_step(raw)) == SQLITE_ROW) {
    std::vector<SqlValue> row;
    row.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      const int type = sqlite3_column_type(raw, c);
      if (type == SQLITE_NULL) {
        row.push_back(SqlValue{});
        continue;
      }
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, c));
      const auto length = static_cast<std::size_t>(sqlite3_column_bytes(raw, c));
      const ValueKind kind = type == SQLITE_INTEGER ? ValueKind::integer
                             : type == SQLITE_FLOAT ? ValueKind::real
                                                    : ValueKind::text;
      row.push_back(SqlValue{std::string(text != nullptr ? text : "", length), kind});
    }
    rows.rows.push_back(std::move(row));
  }
  if (code != SQLITE_DONE) return failure(code, "reading rows");
  return rows;
}

Result<long long> SqliteDatabase::insert(const std::string& statement,
                                         const std::vector<std::optional<std::string>>& values) {
  transient_ = false;
  if (db_ == nullptr) {
    if (auto opened = open(); !opened) return std::move(opened).error();
  }
  sqlite3_stmt* raw = nullptr;
  int code = sqlite3_prepare_v2(db_, statement.c_str(), -1, &raw, nullptr);
  const std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> prepared(raw, &sqlite3_finalize);
  if (code == SQLITE_OK) {
    for (std::size_t i = 0; i < values.size() && code == SQLITE_OK; ++i) {
      const int index = static_cast<int>(i) + 1;
      code = values[i] ? sqlite3_bind_text(raw, index, values[i]->data(), static_cast<int>(values[i]->size()),
                                           SQLITE_TRANSIENT)
                       : sqlite3_bind_null(raw, index);
    }
  }
  if (code == SQLITE_OK) {
    code = sqlite3_step(raw);
    if (code == SQLITE_DONE) return static_cast<long long>(sqlite3_changes(db_));
  }
  transient_ = transientCode(code);
  const std::string reason = sqlite3_errmsg(db_);
  if ((code & 0xff) == SQLITE_IOERR) close();
  return makeError(fmt::format("INSERT on {} failed: {}", description_, reason));
}

}  // namespace staffchain::sql
