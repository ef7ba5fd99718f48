#include "sql_settings.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sqlite_database.hpp"

namespace staffchain::sql {
namespace {

using plugin::ConfigReader;

constexpr const char* kPostgresKeys[] = {
    "host", "port", "dbname", "user", "password", "sslmode", "sslrootcert", "connect_timeout", "statement_timeout"};
constexpr const char* kSqliteKeys[] = {"path", "busy_timeout"};

// A key that belongs to the other driver is a mistake worth naming, not an "unknown key".
template <std::size_t N>
void refuseKeys(ConfigReader& config, const char* const (&keys)[N], std::string_view driver) {
  for (const char* key : keys) {
    if (config.has(key)) {
      config.fail(key, fmt::format("only used with driver = \"{}\"", driver));
      config.accept(key);
    }
  }
}

void readPostgres(ConfigReader& config, SqlConnection& settings, bool& usable) {
  PostgresSettings& pg = settings.postgres;
  const auto required = [&](std::string_view key, std::string& out) {
    auto value = config.requiredString(key);
    if (value && value->empty()) {
      config.fail(key, "must not be empty");
      value.reset();
    }
    if (value) out = *value;
    usable = usable && value.has_value();
  };
  required("host", pg.host);
  required("dbname", pg.dbname);
  required("user", pg.user);
  pg.port = static_cast<int>(config.integer("port", 1, 65535, pg.port));
  if (config.has("password")) {
    auto reference = config.secret("password");
    usable = usable && reference.has_value();
    settings.password_reference = reference.value_or("");
  }
  pg.sslmode = config.choice("sslmode", {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
                   .value_or(pg.sslmode);
  if (config.has("sslrootcert")) {
    pg.sslrootcert = config.filePath("sslrootcert").value_or(std::filesystem::path()).string();
  } else if (pg.sslmode == "verify-ca" || pg.sslmode == "verify-full") {
    pg.sslrootcert = kSystemCaBundle;
  }
  pg.connect_timeout = config.duration("connect_timeout", pg.connect_timeout);
  pg.statement_timeout = config.duration("statement_timeout", pg.statement_timeout);
}

std::optional<ConfiguredQuery> readQuery(ConfigReader& query, std::string_view name, plugin::RecordType type) {
  ConfiguredQuery out{QuerySpec{std::string(name), type, {}, {}, false}, plugin::FieldMapping(type)};
  bool usable = true;
  if (auto sql = query.requiredString("sql")) {
    out.spec.sql = normaliseQueryText(*sql);
    if (out.spec.sql.empty()) {
      query.fail("sql", "must be a SELECT statement, not empty");
      usable = false;
    }
  } else {
    usable = false;
  }
  if (const toml::table* watermark = query.subtable("watermark")) {
    ConfigReader reader = query.child(*watermark, "watermark");
    auto column = reader.requiredString("column");
    auto key = reader.requiredString("key");
    if (column && key && !column->empty() && !key->empty()) {
      out.spec.watermark = Watermark{*column, *key};
    } else {
      if (column && column->empty()) reader.fail("column", "must name a column of the query's result");
      if (key && key->empty()) reader.fail("key", "must name a column of the query's result");
      usable = false;
    }
    reader.finish();
  }
  out.spec.full_snapshot = query.boolean("full_snapshot", false);
  if (out.spec.full_snapshot && query.has("watermark")) {
    query.fail("full_snapshot", "a full snapshot reads every row on each sync, so it cannot also have a watermark");
    usable = false;
  }
  if (const toml::table* mapping = query.subtable("mapping")) {
    ConfigReader reader = query.child(*mapping, "mapping");
    out.mapping = plugin::FieldMapping::read(reader, type);
    reader.finish();
  }
  query.finish();
  if (!usable) return std::nullopt;
  return out;
}

}  // namespace

bool readSqlConnection(ConfigReader& config, SqlConnection& connection) {
  bool usable = true;
  const auto driver = config.choice("driver", {"postgresql", "sqlite"});
  if (!driver) {
    if (!config.has("driver")) config.missing("driver");
    usable = false;
  } else if (*driver == "postgresql") {
    connection.dialect = Dialect::postgresql;
    readPostgres(config, connection, usable);
    refuseKeys(config, kSqliteKeys, "sqlite");
  } else {
    connection.dialect = Dialect::sqlite;
    if (auto path = config.filePath("path")) {
      connection.sqlite_path = *path;
    } else {
      if (!config.has("path")) config.missing("path");
      usable = false;
    }
    connection.busy_timeout = config.duration("busy_timeout", connection.busy_timeout);
    refuseKeys(config, kPostgresKeys, "postgresql");
  }
  return usable;
}

bool resolvePassword(ConfigReader& config, SqlConnection& connection, plugin::HostContext& host) {
  if (connection.dialect != Dialect::postgresql || connection.password_reference.empty()) return true;
  auto password = host.resolveSecret(connection.password_reference);
  if (!password) {
    config.fail("password", password.error().message);
    return false;
  }
  connection.postgres.password = std::move(password.value());
  return true;
}

std::unique_ptr<Database> makeDatabase(const SqlConnection& connection, Access access) {
  if (connection.dialect == Dialect::postgresql) return std::make_unique<PostgresDatabase>(connection.postgres, access);
  return std::make_unique<SqliteDatabase>(connection.sqlite_path, connection.busy_timeout, access);
}

std::optional<SqlSettings> readSqlSettings(ConfigReader& config) {
  SqlSettings settings;
  bool usable = readSqlConnection(config, settings);
  settings.batch_size = static_cast<std::size_t>(config.integer("batch_size", 1, 1'000'000, 5'000));
  settings.retry = plugin::RetryPolicy::read(config);

  const toml::table* queries = config.subtable("queries");
  if (queries == nullptr) {
    if (!config.has("queries")) config.missing("queries");
    return std::nullopt;
  }
  ConfigReader query_tables = config.child(*queries, "queries");
  for (const auto& [key, node] : *queries) {
    const std::string name(key.str());
    query_tables.accept(name);
    const auto type = plugin::recordTypeFromFile(name);
    if (!type) {
      query_tables.fail(name, fmt::format("not a canonical record type ({})", plugin::kCanonicalFileList));
      usable = false;
      continue;
    }
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      query_tables.fail(name, "expected a table with sql, watermark, full_snapshot and mapping");
      usable = false;
      continue;
    }
    ConfigReader query = query_tables.child(*table, name);
    auto read = readQuery(query, name, *type);
    if (read) {
      settings.queries.push_back(std::move(*read));
    } else {
      usable = false;
    }
  }
  if (queries->empty()) {
    config.fail("queries", "needs at least one [queries.<record type>] table");
    usable = false;
  }
  // Incremental queries run first: snapshots are read once per sync, after they caught up.
  std::stable_partition(settings.queries.begin(), settings.queries.end(),
                        [](const ConfiguredQuery& q) { return q.spec.watermark.has_value(); });
  if (!usable) return std::nullopt;
  return settings;
}

}  // namespace staffchain::sql
