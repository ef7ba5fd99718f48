#include "staffchain/store/statement.hpp"

#include "postgres.hpp"
#include "stored_time_text.hpp"

namespace staffchain::store {

// Every call asks which backend first: one predictable branch, next to a call that searches a
// B-tree or crosses a socket.

Statement::Statement() noexcept = default;

Statement::Statement(sqlite3_stmt* statement) noexcept : statement_(statement) {}

Statement::Statement(std::unique_ptr<detail::PgStatement> statement) noexcept : pg_(std::move(statement)) {}

Statement::Statement(Statement&& other) noexcept : statement_(other.statement_), pg_(std::move(other.pg_)) {
  other.statement_ = nullptr;
}

Statement::~Statement() {
  sqlite3_finalize(statement_);
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(statement_);
    statement_ = other.statement_;
    other.statement_ = nullptr;
    pg_ = std::move(other.pg_);
  }
  return *this;
}

int Statement::bindText(int index, std::string_view text) noexcept {
  if (pg_) return pg_->bindText(index, text);
  return sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

int Statement::bindKeptText(int index, std::string_view text) noexcept {
  if (pg_) return pg_->bindText(index, text);
  return sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

int Statement::bindBlob(int index, std::string_view bytes) noexcept {
  if (pg_) return pg_->bindBytes(index, bytes);
  return sqlite3_bind_blob64(statement_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
}

int Statement::bindInt(int index, std::int64_t value) noexcept {
  if (pg_) return pg_->bindInt(index, value);
  return sqlite3_bind_int64(statement_, index, value);
}

int Statement::bindNull(int index) noexcept {
  if (pg_) return pg_->bindNull(index);
  return sqlite3_bind_null(statement_, index);
}

int Statement::bindInt(int index, std::optional<std::int64_t> value) noexcept {
  return value ? bindInt(index, *value) : bindNull(index);
}

int Statement::bindTime(int index, StoredTime at) noexcept {
  const auto text = detail::storedTimeText(at);
  if (pg_) return pg_->bindText(index, std::string_view(text.data(), text.size()));
  return sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

int Statement::bindTime(int index, std::optional<StoredTime> at) noexcept {
  return at ? bindTime(index, *at) : bindNull(index);
}

int Statement::step() noexcept {
  if (pg_) return pg_->step();
  return sqlite3_step(statement_);
}

void Statement::reset() noexcept {
  if (pg_) {
    pg_->reset();
    return;
  }
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

int Statement::columnCount() const noexcept {
  if (pg_) return pg_->columnCount();
  return sqlite3_column_count(statement_);
}

std::string_view Statement::columnText(int index) const noexcept {
  if (pg_) return pg_->columnText(index);
  const auto* text = sqlite3_column_text(statement_, index);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(statement_, index))};
}

std::string_view Statement::columnBlob(int index) const noexcept {
  if (pg_) return pg_->columnBytes(index);
  const auto* bytes = sqlite3_column_blob(statement_, index);
  if (bytes == nullptr) return {};
  return {static_cast<const char*>(bytes), static_cast<std::size_t>(sqlite3_column_bytes(statement_, index))};
}

std::int64_t Statement::columnInt(int index) const noexcept {
  if (pg_) return pg_->columnInt(index);
  return sqlite3_column_int64(statement_, index);
}

bool Statement::columnIsNull(int index) const noexcept {
  if (pg_) return pg_->columnIsNull(index);
  return sqlite3_column_type(statement_, index) == SQLITE_NULL;
}

std::optional<std::int64_t> Statement::optionalInt(int index) const noexcept {
  if (columnIsNull(index)) return std::nullopt;
  return columnInt(index);
}

std::optional<std::string> Statement::optionalText(int index) const {
  if (columnIsNull(index)) return std::nullopt;
  return text(index);
}

}  // namespace staffchain::store
