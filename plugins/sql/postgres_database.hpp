// PostgresDatabase: a libpq connection, read-only unless opened for the sink, with TLS verified
// unless configured otherwise.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "database.hpp"

struct pg_conn;
struct pg_result;

namespace staffchain::sql {

struct PostgresSettings {
  std::string host;
  int port = 5432;
  std::string dbname;
  std::string user;
  std::string password;  // resolved from its secret reference; empty: none (peer or trust auth)
  std::string sslmode = "verify-full";
  std::string sslrootcert;  // CA bundle used for verify-ca and verify-full
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds statement_timeout{300'000};
};

class PostgresDatabase final : public Database {
 public:
  explicit PostgresDatabase(PostgresSettings settings, Access access = Access::read_only);
  ~PostgresDatabase() override;
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  Result<RowSet> query(const Statement& statement) override;
  Result<long long> insert(const std::string& statement,
                           const std::vector<std::optional<std::string>>& values) override;
  [[nodiscard]] bool lastFailureTransient() const noexcept override { return transient_; }
  [[nodiscard]] const std::string& description() const noexcept override { return description_; }

 private:
  struct ResultDeleter {
    void operator()(pg_result* result) const noexcept;
  };
  using ResultPtr = std::unique_ptr<pg_result, ResultDeleter>;

  Result<void> connect();
  void disconnect() noexcept;
  // Runs `text` with text parameters (nullptr binds NULL), connecting first when needed; a
  // result other than `expected` is an error naming `verb` ("query", "INSERT").
  Result<ResultPtr> run(const std::string& text, const std::vector<const char*>& values, int expected,
                        std::string_view verb);

  PostgresSettings settings_;
  Access access_;
  std::string description_;
  pg_conn* connection_ = nullptr;
  bool transient_ = false;
};

}  // namespace staffchain::sql
