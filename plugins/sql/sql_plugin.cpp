// The sql source's plugin entry points: configuration, creation, and the descriptor.
#include <fmt/format.h>

#include "postgres_database.hpp"
#include "sql_source.hpp"
#include "sqlite_database.hpp"
#include "staffchain/plugin/descriptor.hpp"

namespace {

using namespace staffchain;
using namespace staffchain::plugin;

void validate(ConfigReader& config) noexcept {
  try {
    (void)sql::readSqlSettings(config);
  } catch (const std::exception& error) {
    config.errors().push_back(fmt::format("{}: cannot be read: {}", config.path(), error.what()));
  }
}

std::unique_ptr<SourceConnector> create(ConfigReader& config, const CreateArgs& args) noexcept {
  try {
    auto settings = sql::readSqlSettings(config);
    if (!settings) return nullptr;
    std::unique_ptr<sql::Database> database;
    if (settings->dialect == sql::Dialect::postgresql) {
      if (!settings->password_reference.empty()) {
        auto password = args.host.resolveSecret(settings->password_reference);
        if (!password) {
          config.fail("password", password.error().message);
          return nullptr;
        }
        settings->postgres.password = std::move(password.value());
      }
      database = std::make_unique<sql::PostgresDatabase>(settings->postgres);
    } else {
      database = std::make_unique<sql::SqliteDatabase>(settings->sqlite_path, settings->busy_timeout);
    }
    // No connection yet: a database that is down at start-up is a failing link (LINK-001), not
    // a configuration that cannot start.
    return std::make_unique<sql::SqlSource>(std::move(*settings), std::move(database), args.host);
  } catch (const std::exception& error) {
    config.errors().push_back(fmt::format("{}: cannot be created: {}", config.path(), error.what()));
    return nullptr;
  }
}

}  // namespace

STAFFCHAIN_SOURCE_PLUGIN("sql", "PostgreSQL or SQLite queries, pulled incrementally by a watermark column", &validate, &create)
