#include "staffchain/sqlite/statement.hpp"

#include "stored_time_text.hpp"

namespace staffchain::sqlite {

Statement::~Statement() {
  sqlite3_finalize(statement_);
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(statement_);
    statement_ = other.statement_;
    other.statement_ = nullptr;
  }
  return *this;
}

int Statement::bindText(int index, std::string_view text) noexcept {
  return sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

int Statement::bindKeptText(int index, std::string_view text) noexcept {
  return sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

int Statement::bindBlob(int index, std::string_view bytes) noexcept {
  return sqlite3_bind_blob64(statement_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
}

int Statement::bindInt(int index, std::int64_t value) noexcept {
  return sqlite3_bind_int64(statement_, index, value);
}

int Statement::bindNull(int index) noexcept {
  return sqlite3_bind_null(statement_, index);
}

int Statement::bindInt(int index, std::optional<std::int64_t> value) noexcept {
  return value ? bindInt(index, *value) : bindNull(index);
}

int Statement::bindTime(int index, StoredTime at) noexcept {
  const auto text = detail::storedTimeText(at);
  return sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

int Statement::bindTime(int index, std::optional<StoredTime> at) noexcept {
  return at ? bindTime(index, *at) : bindNull(index);
}

int Statement::step() noexcept {
  return sqlite3_step(statement_);
}

void Statement::reset() noexcept {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

std::string_view Statement::columnText(int index) const noexcept {
  const auto* text = sqlite3_column_text(statement_, index);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(statement_, index))};
}

std::string_view Statement::columnBlob(int index) const noexcept {
  const auto* bytes = sqlite3_column_blob(statement_, index);
  if (bytes == nullptr) return {};
  return {static_cast<const char*>(bytes), static_cast<std::size_t>(sqlite3_column_bytes(statement_, index))};
}

std::int64_t Statement::columnInt(int index) const noexcept {
  return sqlite3_column_int64(statement_, index);
}

bool Statement::columnIsNull(int index) const noexcept {
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

}  // namespace staffchain::sqlite
