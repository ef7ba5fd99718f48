#include "postgres.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <sqlite3.h>  // the step codes both backends answer with

#include <charconv>
#include <utility>

namespace staffchain::store::detail {
namespace {

constexpr Oid kByteaOid = 17;

// libpq's text on one line: its lines (a failed connection says why, then asks whether the
// server runs) joined by "; ", as a log line or an API answer shows them.
std::string trimmed(const char* text) {
  std::string out;
  bool line_break = false;
  for (const char* c = text != nullptr ? text : ""; *c != '\0'; ++c) {
    if (*c == '\n' || *c == '\t') {
      line_break = line_break || *c == '\n';
      continue;
    }
    if (line_break && !out.empty()) out += "; ";
    line_break = false;
    out += *c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// "postgresql://user@host:port/database", from what the connection uses: never the password.
std::string describe(pg_conn* connection) {
  const char* user = PQuser(connection);
  const char* host = PQhost(connection);
  const char* port = PQport(connection);
  const char* database = PQdb(connection);
  return fmt::format("postgresql://{}@{}:{}/{}", user != nullptr ? user : "", host != nullptr ? host : "",
                     port != nullptr ? port : "", database != nullptr ? database : "");
}

int hexValue(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

TranslatedSql translateParameters(std::string_view sql) {
  TranslatedSql out;
  out.text.reserve(sql.size() + 8);
  int next = 0;  // a plain '?' is the one after the largest number so far, as in SQLite
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      // Quoted text or name, with its doubled quotes, copied whole.
      const std::size_t end = sql.find(c, i + 1);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end + 1;
      out.text.append(sql.substr(i, stop - i));
      i = stop - 1;
      continue;
    }
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const std::size_t end = sql.find('\n', i);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end;
      out.text.append(sql.substr(i, stop - i));
      i = stop - 1;
      continue;
    }
    if (c != '?') {
      out.text.push_back(c);
      continue;
    }
    std::size_t digits = i + 1;
    while (digits < sql.size() && sql[digits] >= '0' && sql[digits] <= '9') ++digits;
    int number = next + 1;
    if (digits > i + 1) {
      std::from_chars(sql.data() + i + 1, sql.data() + digits, number);
    }
    next = std::max(next, number);
    out.parameters = std::max(out.parameters, number);
    if (out.used.size() < static_cast<std::size_t>(number)) out.used.resize(static_cast<std::size_t>(number), false);
    out.used[static_cast<std::size_t>(number - 1)] = true;
    out.text += fmt::format("${}", number);
    i = digits - 1;
  }
  return out;
}

Result<std::shared_ptr<PgConnection>> PgConnection::connect(const PostgresTarget& target, std::string& where) {
  // The URL gives everything but the password (kept apart, from its secret reference) and the
  // settings this code relies on: UTF-8 text and a client that says who it is.
  const std::string timeout = std::to_string(std::max<long long>(1, target.connect_timeout.count() / 1000));
  const char* keys[] = {"dbname", "password", "connect_timeout", "client_encoding", "application_name", nullptr};
  const char* values[] = {target.url.c_str(), target.password.empty() ? nullptr : target.password.c_str(),
                          timeout.c_str(),    "UTF8",
                          "staffchain",       nullptr};
  pg_conn* connection = PQconnectdbParams(keys, values, 1);
  if (connection == nullptr) return makeError("connecting failed: out of memory");
  if (PQstatus(connection) != CONNECTION_OK) {
    const std::string reason = trimmed(PQerrorMessage(connection));
    PQfinish(connection);
    return makeError(fmt::format("connecting failed: {}", reason));
  }
  where = describe(connection);
  auto out = std::shared_ptr<PgConnection>(new PgConnection(connection));
  // Errors are the server's own words, in English whatever its locale, as SQLite's are.
  if (!out->execute("SET lc_messages TO 'C'")) {
    // Only a superuser may change lc_messages: the server's language stays.
    out->last_error_.clear();
  }
  // The server's notices ("relation ... already exists, skipping") are not errors, and libpq
  // would print them on standard error, outside the daemon's log.
  if (!out->execute("SET client_min_messages TO warning")) return makeError(out->last_error_);
  if (target.fence_term) {
    // Read by the fence's trigger (lease.cpp) at every write of this session.
    if (!out->execute(fmt::format("SELECT set_config('staffchain.term', '{}', false)", *target.fence_term))) {
      return makeError(out->last_error_);
    }
  }
  return out;
}

PgConnection::~PgConnection() {
  close();
}

void PgConnection::close() noexcept {
  if (connection_ != nullptr) {
    PQfinish(connection_);
    connection_ = nullptr;
  }
}

bool PgConnection::execute(std::string_view sql) noexcept {
  if (connection_ == nullptr) {
    setError("the connection is closed");
    return false;
  }
  try {
    const std::string text(sql);
    pg_result* result = PQexec(connection_, text.c_str());
    const auto status = PQresultStatus(result);
    const bool ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY;
    if (ok) {
      std::int64_t changed = 0;
      const char* tuples = PQcmdTuples(result);
      if (tuples != nullptr) std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), changed);
      changes_ = changed;
    } else {
      setError(result);
    }
    PQclear(result);
    return ok;
  } catch (...) {
    setError("out of memory");
    return false;
  }
}

void PgConnection::setError(std::string text) noexcept {
  last_error_ = std::move(text);
}

void PgConnection::setError(const pg_result* result) noexcept {
  try {
    if (result == nullptr) {
      last_error_ = connection_ != nullptr ? trimmed(PQerrorMessage(connection_)) : "the connection is closed";
      return;
    }
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    std::string message = trimmed(PQresultErrorMessage(result));
    if (message.rfind("ERROR:  ", 0) == 0) message.erase(0, 8);
    // The first line; the detail follows from its own field.
    if (const auto line = message.find('\n'); line != std::string::npos) message.resize(line);
    last_error_ = state != nullptr ? fmt::format("{} (SQLSTATE {})", message, state) : message;
    if (const char* said = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL); said != nullptr) {
      last_error_ += fmt::format("; {}", said);
    }
    if (connection_ != nullptr && PQstatus(connection_) == CONNECTION_BAD) last_error_ += "; the connection is lost";
  } catch (...) {
    last_error_.clear();
  }
}

void PgConnection::forget(std::string name) noexcept {
  if (connection_ == nullptr) return;
  try {
    forgotten_.push_back(std::move(name));
  } catch (...) {
    // Left to the server until the connection closes: harmless, if not tidy.
  }
}

void PgConnection::deallocateForgotten() noexcept {
  constexpr std::size_t kBatch = 16;
  // Only between transactions: a DEALLOCATE that failed inside one would fail the whole of it.
  if (forgotten_.size() < kBatch || connection_ == nullptr || PQtransactionStatus(connection_) != PQTRANS_IDLE) {
    return;
  }
  try {
    std::string sql;
    for (const auto& name : forgotten_) sql += fmt::format("DEALLOCATE {};", name);
    forgotten_.clear();
    const auto error = last_error_;
    const auto changed = changes_;
    (void)execute(sql);  // a name the server lost already is no reason to fail the next query
    last_error_ = error;
    changes_ = changed;
  } catch (...) {
    forgotten_.clear();
  }
}

bool PgConnection::inTransaction() const noexcept {
  if (connection_ == nullptr) return false;
  const auto status = PQtransactionStatus(connection_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

Result<std::unique_ptr<PgStatement>> PgStatement::prepare(std::shared_ptr<PgConnection> connection,
                                                          std::string_view sql) {
  if (!connection->isOpen()) return makeError("the connection is closed");
  connection->deallocateForgotten();
  const auto translated = translateParameters(sql);
  auto name = connection->nextStatementName();
  // A parameter the text skips (a caller may offer more than a statement uses) has no type the
  // server could infer: it is declared text; the others' types the server infers.
  constexpr Oid kTextOid = 25;
  std::vector<Oid> types(static_cast<std::size_t>(translated.parameters), 0);
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (!translated.used[i]) types[i] = kTextOid;
  }
  pg_result* result = PQprepare(connection->raw(), name.c_str(), translated.text.c_str(), translated.parameters,
                                types.empty() ? nullptr : types.data());
  if (PQresultStatus(result) != PGRES_COMMAND_OK) {
    connection->setError(result);
    PQclear(result);
    return makeError(connection->lastError());
  }
  PQclear(result);
  return std::unique_ptr<PgStatement>(new PgStatement(std::move(connection), std::move(name), translated.parameters));
}

PgStatement::PgStatement(std::shared_ptr<PgConnection> connection, std::string name, int parameters)
    : connection_(std::move(connection)),
      name_(std::move(name)),
      values_(static_cast<std::size_t>(parameters)),
      bound_(static_cast<std::size_t>(parameters), 0),
      formats_(static_cast<std::size_t>(parameters), 0) {}

PgStatement::~PgStatement() {
  PQclear(result_);
  connection_->forget(std::move(name_));
}

int PgStatement::bind(int index, std::string_view value, int format) noexcept {
  if (index < 1 || static_cast<std::size_t>(index) > values_.size()) return SQLITE_RANGE;
  try {
    auto& slot = values_[static_cast<std::size_t>(index - 1)];
    slot.assign(value.data(), value.size());
  } catch (...) {
    return SQLITE_NOMEM;
  }
  bound_[static_cast<std::size_t>(index - 1)] = 1;
  formats_[static_cast<std::size_t>(index - 1)] = format;
  return SQLITE_OK;
}

int PgStatement::bindText(int index, std::string_view text) noexcept {
  return bind(index, text, 0);
}

int PgStatement::bindBytes(int index, std::string_view bytes) noexcept {
  return bind(index, bytes, 1);
}

int PgStatement::bindInt(int index, std::int64_t value) noexcept {
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  (void)ec;
  return bind(index, std::string_view(digits, static_cast<std::size_t>(end - digits)), 0);
}

int PgStatement::bindNull(int index) noexcept {
  if (index < 1 || static_cast<std::size_t>(index) > values_.size()) return SQLITE_RANGE;
  bound_[static_cast<std::size_t>(index - 1)] = 0;
  return SQLITE_OK;
}

int PgStatement::step() noexcept {
  if (!executed_) {
    if (!connection_->isOpen()) {
      connection_->setError("the connection is closed");
      return SQLITE_MISUSE;
    }
    try {
      std::vector<const char*> values(values_.size());
      std::vector<int> lengths(values_.size());
      for (std::size_t i = 0; i < values_.size(); ++i) {
        values[i] = bound_[i] != 0 ? values_[i].c_str() : nullptr;
        lengths[i] = static_cast<int>(values_[i].size());
      }
      result_ = PQexecPrepared(connection_->raw(), name_.c_str(), static_cast<int>(values_.size()), values.data(),
                               lengths.data(), formats_.data(), 0);
    } catch (...) {
      connection_->setError("out of memory");
      return SQLITE_NOMEM;
    }
    executed_ = true;
    const auto status = PQresultStatus(result_);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      connection_->setError(result_);
      PQclear(result_);
      result_ = nullptr;
      return SQLITE_ERROR;
    }
    std::int64_t changed = 0;
    const char* tuples = PQcmdTuples(result_);
    if (tuples != nullptr) std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), changed);
    connection_->setChanges(changed);
    rows_ = status == PGRES_TUPLES_OK ? PQntuples(result_) : 0;
    row_ = -1;
    decoded_.assign(static_cast<std::size_t>(std::max(0, PQnfields(result_))), std::string());
  }
  if (result_ == nullptr) return SQLITE_MISUSE;  // stepped again after an error, without a reset
  if (row_ < rows_) ++row_;
  for (auto& bytes : decoded_) bytes.clear();
  return row_ < rows_ ? SQLITE_ROW : SQLITE_DONE;
}

void PgStatement::reset() noexcept {
  PQclear(result_);
  result_ = nullptr;
  executed_ = false;
  rows_ = 0;
  row_ = -1;
  std::fill(bound_.begin(), bound_.end(), 0);
}

bool PgStatement::hasColumn(int index) const noexcept {
  return result_ != nullptr && row_ >= 0 && row_ < rows_ && index >= 0 && index < PQnfields(result_);
}

int PgStatement::columnCount() const noexcept {
  return result_ != nullptr ? PQnfields(result_) : 0;
}

std::string_view PgStatement::columnText(int index) const noexcept {
  if (!hasColumn(index) || PQgetisnull(result_, row_, index) != 0) return {};
  if (PQftype(result_, index) == kByteaOid) return columnBytes(index);
  return {PQgetvalue(result_, row_, index), static_cast<std::size_t>(PQgetlength(result_, row_, index))};
}

std::string_view PgStatement::columnBytes(int index) const noexcept {
  if (!hasColumn(index) || PQgetisnull(result_, row_, index) != 0) return {};
  const std::string_view text(PQgetvalue(result_, row_, index),
                              static_cast<std::size_t>(PQgetlength(result_, row_, index)));
  if (PQftype(result_, index) != kByteaOid) return text;
  // bytea comes as "\x" and two hex digits a byte (the server's default output since 9.0).
  auto& bytes = decoded_[static_cast<std::size_t>(index)];
  if (bytes.empty() && text.size() > 2) {
    try {
      bytes.reserve((text.size() - 2) / 2);
      for (std::size_t i = 2; i + 1 < text.size(); i += 2) {
        const int high = hexValue(text[i]);
        const int low = hexValue(text[i + 1]);
        if (high < 0 || low < 0) break;
        bytes.push_back(static_cast<char>(high * 16 + low));
      }
    } catch (...) {
      bytes.clear();
    }
  }
  return bytes;
}

std::int64_t PgStatement::columnInt(int index) const noexcept {
  const auto text = columnText(index);
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

bool PgStatement::columnIsNull(int index) const noexcept {
  return !hasColumn(index) || PQgetisnull(result_, row_, index) != 0;
}

}  // namespace staffchain::store::detail
