// SqlSink: each movement notice INSERTed once into a department's exchange table, deduplicated
// by the notice id at the target (ON CONFLICT DO NOTHING).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "database.hpp"
#include "query_plan.hpp"
#include "sql_settings.hpp"
#include "staffchain/plugin/descriptor.hpp"
#include "staffchain/plugin/support/notice_mapping.hpp"

namespace staffchain::sql {

struct SqlSinkSettings : SqlConnection {
  std::string table;          // "exchange.staff_notices" or "staff_notices"
  bool empty_as_null = true;  // empty canonical values bind NULL (date columns refuse '')
  plugin::NoticeMapping mapping;
};

// Reads the sink's keys (host keys excepted), reporting each problem into `config`; nullopt
// when the settings are unusable. The mapping must send notice_id: it is the conflict key.
std::optional<SqlSinkSettings> readSqlSinkSettings(plugin::ConfigReader& config);

// INSERT INTO <table> (<mapped columns>) VALUES (<parameters>) ON CONFLICT (<key>) DO NOTHING.
std::string buildInsert(Dialect dialect, const std::string& table, const plugin::NoticeMapping& mapping);

class SqlSink final : public plugin::SinkConnector {
 public:
  SqlSink(SqlSinkSettings settings, std::unique_ptr<Database> writer);

  // Inserts the notice's row; no row inserted means the table already held its id: a duplicate.
  Result<plugin::SinkReceipt> deliver(const plugin::Notice& notice, const plugin::CancelToken& cancel) override;
  [[nodiscard]] std::string describe(const plugin::Notice& notice) const override;

 private:
  SqlSinkSettings settings_;
  std::unique_ptr<Database> writer_;  // opened read-write
  std::string statement_;
};

void validateSqlSink(plugin::ConfigReader& config) noexcept;
std::unique_ptr<plugin::SinkConnector> createSqlSink(plugin::ConfigReader& config,
                                                     const plugin::CreateArgs& args) noexcept;

}  // namespace staffchain::sql
