#include "postgres_database.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <array>
#include <string_view>

namespace staffchain::sql {
namespace {

// libpq's messages end in a newline and sometimes span lines; one line reads better in logs.
std::string oneLine(const char* text) {
  std::string out = text != nullptr ? text : "";
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out.empty() ? std::string("no reason given") : out;
}

// SQLSTATE classes that describe the connection or the server's momentary state, not the query:
// connection exceptions, shutdown and "cannot connect now", lack of resources, and conflicts
// that a retry resolves (serialization failure, deadlock).
bool transientState(std::string_view state) {
  if (state.size() != 5) return false;
  const std::string_view cls = state.substr(0, 2);
  return cls == "08" || cls == "53" || state == "57P01" || state == "57P02" || state == "57P03" || state == "40001" ||
         state == "40P01";
}

std::string seconds(std::chrono::milliseconds duration) {
  // libpq counts whole seconds and treats anything below 2 as 2.
  return std::to_string(std::max<long long>(2, (duration.count() + 999) / 1000));
}

}  // namespace

void PostgresDatabase::ResultDeleter::operator()(pg_result* result) const noexcept {
  PQclear(result);
}

PostgresDatabase::PostgresDatabase(PostgresSettings settings, Access access)
    : settings_(std::move(settings)),
      access_(access),
      description_(
          fmt::format("postgresql://{}@{}:{}/{}", settings_.user, settings_.host, settings_.port, settings_.dbname)) {}

PostgresDatabase::~PostgresDatabase() {
  disconnect();
}

void PostgresDatabase::disconnect() noexcept {
  if (connection_ != nullptr) PQfinish(connection_);
  connection_ = nullptr;
}

Result<void> PostgresDatabase::connect() {
  disconnect();
  const std::string port = std::to_string(settings_.port);
  const std::string timeout = seconds(settings_.connect_timeout);
  // Every source session is read-only; every session is in UTC and ISO dates, so that values
  // and watermarks read the same on every pull, and text parameters bind to date columns the
  // same way, whatever the server's defaults; a runaway statement is stopped by the server.
  const std::string options = fmt::format("{}-c TimeZone=UTC -c DateStyle=ISO,YMD -c statement_timeout={}",
                                          access_ == Access::read_only ? "-c default_transaction_read_only=on " : "",
                                          settings_.statement_timeout.count());
  const std::string application = "staffchain";
  const std::string encoding = "UTF8";
  // libpq reads these pointers during the call: every value lives until it returns.
  std::vector<const char*> keys;
  std::vector<const char*> values;
  const auto add = [&](const char* key, const std::string& value) {
    if (value.empty()) return;
    keys.push_back(key);
    values.push_back(value.c_str());
  };
  add("host", settings_.host);
  add("port", port);
  add("dbname", settings_.dbname);
  add("user", settings_.user);
  add("password", settings_.password);
  add("sslmode", settings_.sslmode);
  add("sslrootcert", settings_.sslrootcert);
  add("connect_timeout", timeout);
  add("options", options);
  add("application_name", application);
  add("client_encoding", encoding);
  keys.push_back(nullptr);
  values.push_back(nullptr);
  // expand_dbname = 0: dbname is a name, never a connection string smuggled in by configuration.
  connection_ = PQconnectdbParams(keys.data(), values.data(), 0);
  if (connection_ == nullptr || PQstatus(connection_) != CONNECTION_OK) {
    const std::string reason = oneLine(connection_ != nullptr ? PQerrorMessage(connection_) : "out of memory");
    disconnect();
    transient_ = true;
    return makeError(fmt::format("cannot connect to {}: {}", description_, reason));
  }
  return {};
}

Result<PostgresDatabase::ResultPtr> PostgresDatabase::run(const std::string& text,
                                                          const std::vector<const char*>& values, int expected,
                                                          std::string_view verb) {
  transient_ = false;
  if (connection_ == nullptr || PQstatus(connection_) != CONNECTION_OK) {
    if (auto connected = connect(); !connected) return std::move(connected).error();
  }
  // Untyped parameters: the server infers each from the column it is compared with (or goes
  // into), so a timestamp watermark binds as a timestamp and an integer key as an integer.
  ResultPtr result(PQexecParams(connection_, text.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                                nullptr, nullptr, 0));
  if (result == nullptr || static_cast<int>(PQresultStatus(result.get())) != expected) {
    const char* state = result != nullptr ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
    const std::string reason =
        oneLine(result != nullptr ? PQresultErrorMessage(result.get()) : PQerrorMessage(connection_));
    const bool lost = PQstatus(connection_) != CONNECTION_OK;
    transient_ = lost || state == nullptr || transientState(state);
    if (lost) disconnect();
    return makeError(fmt::format("{} on {} failed{}: {}", verb, description_,
                                 state != nullptr ? fmt::format(" (SQLSTATE {})", state) : std::string(), reason));
  }
  return result;
}

Result<long long> PostgresDatabase::insert(const std::string& statement,
                                           const std::vector<std::optional<std::string>>& values) {
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const auto& value : values) pointers.push_back(value ? value->c_str() : nullptr);
  auto result = run(statement, pointers, PGRES_COMMAND_OK, "INSERT");
  if (!result) return std::move(result).error();
  const std::string_view count = PQcmdTuples(result->get());
  return count.empty() ? 0LL : std::stoll(std::string(count));
}

Result<RowSet> PostgresDatabase::query(const Statement& statement) {
  std::vector<const char*> values;
  values.reserve(statement.parameters.size());
  for (const auto& parameter : statement.parameters) {
    values.push_back(parameter.text ? parameter.text->c_str() : nullptr);
  }
  auto ran = run(statement.text, values, PGRES_TUPLES_OK, "query");
  if (!ran) return std::move(ran).error();
  pg_result* result = ran->get();
  RowSet rows;
  const int columns = PQnfields(result);
  const int count = PQntuples(result);
  for (int c = 0; c < columns; ++c) rows.columns.emplace_back(PQfname(result, c));
  rows.rows.reserve(static_cast<std::size_t>(count));
  for (int r = 0; r < count; ++r) {
    std::vector<SqlValue> row;
    row.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(result, r, c) != 0) {
        row.push_back(SqlValue{});
      } else {
        row.push_back(
            SqlValue{std::string(PQgetvalue(result, r, c), static_cast<std::size_t>(PQgetlength(result, r, c))),
                     ValueKind::text});
      }
    }
    rows.rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace staffchain::sql
