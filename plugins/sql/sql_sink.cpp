#include "sql_sink.hpp"

#include <fmt/format.h>

#include "sql_settings.hpp"

namespace staffchain::sql {
namespace {

using plugin::ConfigReader;

// "schema.table" quoted part by part; "" when a part is empty.
std::string quoteTableName(std::string_view name) {
  std::string out;
  while (true) {
    const auto dot = name.find('.');
    const auto part = name.substr(0, dot);
    if (part.empty()) return {};
    if (!out.empty()) out += '.';
    out += quoteIdentifier(part);
    if (dot == std::string_view::npos) return out;
    name.remove_prefix(dot + 1);
  }
}

// PostgreSQL's "permission denied" (SQLSTATE 42501, insufficient_privilege) names one object;
// the operator needs the whole set the README grants, and why ON CONFLICT needs a SELECT.
std::string privilegeHint(const std::string& message, const std::string& table, const std::string& key) {
  if (message.find("(SQLSTATE 42501)") == std::string::npos) return {};
  return fmt::format(
      "; the sink's role needs INSERT on {0}, SELECT on its key column \"{1}\" (ON CONFLICT reads it) and "
      "USAGE on its schema (unless public), and nothing more (see the sql plugin's README)",
      table, key);
}

}  // namespace

std::optional<SqlSinkSettings> readSqlSinkSettings(ConfigReader& config) {
  SqlSinkSettings settings;
  // A sink waits on one short INSERT, not a long extraction query.
  settings.postgres.statement_timeout = std::chrono::milliseconds(30'000);
  bool usable = readSqlConnection(config, settings);
  if (auto table = config.requiredString("table")) {
    if (quoteTableName(*table).empty()) {
      config.fail("table", fmt::format("\"{}\" is not a table name (name or schema.name)", *table));
      usable = false;
    } else {
      settings.table = *table;
    }
  } else {
    usable = false;
  }
  settings.empty_as_null = config.boolean("empty_as_null", true);
  const std::size_t errors_before = config.errors().size();
  settings.mapping = plugin::NoticeMapping::readFrom(config);
  if (config.errors().size() != errors_before) usable = false;
  if (!settings.mapping.targetOf("notice_id")) {
    config.fail(
        config.has("mapping") ? "mapping" : "table",
        "the mapping must send notice_id: its column is the conflict key that makes a retried notice land once");
    usable = false;
  }
  if (!usable) return std::nullopt;
  return settings;
}

std::string buildInsert(Dialect dialect, const std::string& table, const plugin::NoticeMapping& mapping) {
  std::string columns;
  std::string parameters;
  std::size_t index = 0;
  for (const auto& field : mapping.fields()) {
    if (index != 0) {
      columns += ", ";
      parameters += ", ";
    }
    columns += quoteIdentifier(field.name);
    parameters += fmt::format("{}{}", dialect == Dialect::postgresql ? '$' : '?', ++index);
  }
  return fmt::format("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO NOTHING", quoteTableName(table), columns,
                     parameters, quoteIdentifier(*mapping.targetOf("notice_id")));
}

SqlSink::SqlSink(SqlSinkSettings settings, std::unique_ptr<Database> writer)
    : settings_(std::move(settings)),
      writer_(std::move(writer)),
      statement_(buildInsert(settings_.dialect, settings_.table, settings_.mapping)) {}

Result<plugin::SinkReceipt> SqlSink::deliver(const plugin::Notice& notice, const plugin::CancelToken& cancel) {
  const std::string where = fmt::format("sql sink {} table {}", writer_->description(), settings_.table);
  try {
    if (notice.id.empty()) return makeError(fmt::format("{}: the notice has no id to deduplicate on", where));
    if (cancel.cancelled())
      return makeError(fmt::format("{}: cancelled before notice {} was inserted", where, notice.id));
    std::vector<std::optional<std::string>> values;
    for (auto& [name, value] : settings_.mapping.render(notice)) {
      if (value.empty() && settings_.empty_as_null) {
        values.emplace_back(std::nullopt);
      } else {
        values.emplace_back(std::move(value));
      }
    }
    auto inserted = writer_->insert(statement_, values);
    if (!inserted) {
      return makeError(fmt::format(
          "{}: notice {} was not inserted ({}): {}{}", where, notice.id,
          writer_->lastFailureTransient() ? "may pass on retry" : "will fail again until fixed",
          inserted.error().message,
          privilegeHint(inserted.error().message, settings_.table, *settings_.mapping.targetOf("notice_id"))));
    }
    if (*inserted == 0) {
      return plugin::SinkReceipt{fmt::format("{} already holds notice {}", settings_.table, notice.id), true};
    }
    return plugin::SinkReceipt{
        fmt::format("inserted notice {} into {} on {}", notice.id, settings_.table, writer_->description()), false};
  } catch (const std::exception& e) {
    return makeError(fmt::format("{}: notice {}: unexpected failure: {}", where, notice.id, e.what()));
  }
}

std::string SqlSink::describe(const plugin::Notice& notice) const {
  return fmt::format("sql sink would insert into {} on {} (once per {}): {}", settings_.table, writer_->description(),
                     *settings_.mapping.targetOf("notice_id"),
                     plugin::joinRendered(settings_.mapping.render(notice, true)));
}

void validateSqlSink(ConfigReader& config) noexcept {
  try {
    (void)readSqlSinkSettings(config);
  } catch (const std::exception& error) {
    config.errors().push_back(fmt::format("{}: cannot be read: {}", config.path(), error.what()));
  }
}

std::unique_ptr<plugin::SinkConnector> createSqlSink(ConfigReader& config, const plugin::CreateArgs& args) noexcept {
  try {
    auto settings = readSqlSinkSettings(config);
    if (!settings) return nullptr;
    if (!resolvePassword(config, *settings, args.host)) return nullptr;
    auto writer = makeDatabase(*settings, Access::read_write);
    return std::make_unique<SqlSink>(std::move(*settings), std::move(writer));
  } catch (const std::exception& error) {
    config.errors().push_back(fmt::format("{}: cannot be created: {}", config.path(), error.what()));
    return nullptr;
  }
}

}  // namespace staffchain::sql
