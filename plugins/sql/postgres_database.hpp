// PostgresDatabase: a libpq connection, read-only, with TLS verified unless configured otherwise.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "database.hpp"

struct pg_conn;

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
  explicit PostgresDatabase(PostgresSettings settings);
  ~PostgresDatabase() override;
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  Result<RowSet> query(const Statement& statement) override;
  [[nodiscard]] bool lastFailureTransient() const noexcept override { return transient_; }
  [[nodiscard]] const std::string& description() const noexcept override { return description_; }

 private:
  Result<void> connect();
  void disconnect() noexcept;

  PostgresSettings settings_;
  std::string description_;
  pg_conn* connection_ = nullptr;
  bool transient_ = false;
};

}  // namespace staffchain::sql
