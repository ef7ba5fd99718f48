// SqlSettings: the sql source's configuration, read and checked from its TOML table.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "postgres_database.hpp"
#include "query_plan.hpp"
#include "staffchain/plugin/config_reader.hpp"
#include "staffchain/plugin/descriptor.hpp"
#include "staffchain/plugin/support/field_mapping.hpp"
#include "staffchain/plugin/support/retry.hpp"

namespace staffchain::sql {

// The CA bundle Debian keeps current; libpq's own default (~/.postgresql/root.crt) does not
// exist for a system user, which would make the secure default unusable.
inline constexpr const char* kSystemCaBundle = "/etc/ssl/certs/ca-certificates.crt";

struct ConfiguredQuery {
  QuerySpec spec;
  plugin::FieldMapping mapping;
};

// Where the database is: the driver and its connection keys, configured alike for the source
// and the sink so that one department's database reads the same in both directions.
struct SqlConnection {
  Dialect dialect = Dialect::postgresql;
  PostgresSettings postgres;          // driver = "postgresql"
  std::string password_reference;     // "${PG_PASSWORD}"; resolved at create time
  std::filesystem::path sqlite_path;  // driver = "sqlite"
  std::chrono::milliseconds busy_timeout{5'000};
};

struct SqlSettings : SqlConnection {
  std::size_t batch_size = 5'000;
  plugin::RetryPolicy retry;
  std::vector<ConfiguredQuery> queries;  // incremental ones first, in file order otherwise
};

// Reads `driver` and that driver's connection keys into `connection` (its postgres
// statement_timeout is the default), reporting each problem into `config`; false when the
// connection cannot be used.
bool readSqlConnection(plugin::ConfigReader& config, SqlConnection& connection);

// Resolves the password's secret reference into connection.postgres.password; false, with the
// reason reported into `config`, when the secret cannot be had.
bool resolvePassword(plugin::ConfigReader& config, SqlConnection& connection, plugin::HostContext& host);

// The configured database, not connected yet: a database that is down is a failing sync or
// delivery, retried, not a configuration that cannot start.
std::unique_ptr<Database> makeDatabase(const SqlConnection& connection, Access access);

// Reads every key of the connector's table (host keys excepted) and reports each problem into
// `config`; nullopt when the settings are unusable.
std::optional<SqlSettings> readSqlSettings(plugin::ConfigReader& config);

}  // namespace staffchain::sql
