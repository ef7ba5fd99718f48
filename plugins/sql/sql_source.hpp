// SqlSource: pulls canonical records from a department's SQL database, one query per record
// type, incrementally by a watermark column.
#pragma once

#include <memory>
#include <random>

#include "database.hpp"
#include "sql_settings.hpp"
#include "staffchain/plugin/source.hpp"

namespace staffchain::sql {

class SqlSource final : public plugin::SourceConnector {
 public:
  SqlSource(SqlSettings settings, std::unique_ptr<Database> database, plugin::HostContext& host);

  Result<plugin::SourceBatch> pull(const plugin::PullRequest& request) override;

 private:
  // Runs a statement, retrying transient failures with jittered backoff.
  Result<RowSet> run(const ConfiguredQuery& query, const Statement& statement, const plugin::CancelToken* cancel);
  // Maps the rows into `batch`; returns the position of the last row (incremental queries).
  Result<std::optional<QueryPosition>> collect(const ConfiguredQuery& query, const RowSet& rows,
                                               plugin::SourceBatch& batch);

  SqlSettings settings_;
  std::unique_ptr<Database> database_;
  plugin::HostContext& host_;
  std::minstd_rand random_;
};

}  // namespace staffchain::sql
