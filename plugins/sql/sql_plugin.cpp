// The sql source's plugin entry points: configuration, creation, and the descriptor.
#include <fmt/format.h>

#include "sql_settings.hpp"
#include "sql_sink.hpp"
#include "sql_source.hpp"
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
    if (!sql::resolvePassword(config, *settings, args.host)) return nullptr;
    auto database = sql::makeDatabase(*settings, sql::Access::read_only);
    // A database that is down at start-up is a failing link (LINK-001).
    return std::make_unique<sql::SqlSource>(std::move(*settings), std::move(database), args.host);
  } catch (const std::exception& error) {
    config.errors().push_back(fmt::format("{}: cannot be created: {}", config.path(), error.what()));
    return nullptr;
  }
}

}  // namespace

STAFFCHAIN_SOURCE_PLUGIN_WITH_SINK("sql", "PostgreSQL or SQLite queries, pulled incrementally by a watermark column",
                                   &validate, &create, &staffchain::sql::validateSqlSink,
                                   &staffchain::sql::createSqlSink)
