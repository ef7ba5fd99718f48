#include "sql_source.hpp"

#include <fmt/format.h>

#include "staffchain/plugin/canonical_columns.hpp"

namespace staffchain::sql {
namespace {

using plugin::LogLevel;

std::optional<std::size_t> columnIndex(const RowSet& rows, std::string_view name) {
  for (std::size_t i = 0; i < rows.columns.size(); ++i) {
    if (rows.columns[i] == name) return i;
  }
  return std::nullopt;
}

std::string columnList(const RowSet& rows) {
  std::string out;
  for (const auto& column : rows.columns) out += (out.empty() ? "" : ", ") + column;
  return out.empty() ? std::string("no columns") : out;
}

Error cancelled(const ConfiguredQuery& query) {
  return makeError(fmt::format("query {} stopped: the pull was cancelled", query.spec.name));
}

}  // namespace

SqlSource::SqlSource(SqlSettings settings, std::unique_ptr<Database> database, plugin::HostContext& host)
    : settings_(std::move(settings)), database_(std::move(database)), host_(host), random_(std::random_device{}()) {}

Result<plugin::SourceBatch> SqlSource::pull(const plugin::PullRequest& request) {
  auto cursor = SqlCursor::decode(request.cursor);
  if (!cursor) return std::move(cursor).error();
  std::vector<QuerySpec> specs;
  for (const auto& query : settings_.queries) specs.push_back(query.spec);
  cursor->retain(specs);

  plugin::SourceBatch batch;
  bool behind = false;  // an incremental query filled its batch: there is more right now
  for (const auto& query : settings_.queries) {
    if (!query.spec.watermark) continue;
    if (request.cancel != nullptr && request.cancel->cancelled()) return cancelled(query);
    const Statement statement =
        buildStatement(settings_.dialect, query.spec, cursor->position(query.spec.name), settings_.batch_size);
    auto rows = run(query, statement, request.cancel);
    if (!rows) return std::move(rows).error();
    auto last = collect(query, *rows, batch);
    if (!last) return std::move(last).error();
    if (*last) cursor->set(query.spec.name, std::move(**last));
    behind = behind || rows->rows.size() >= settings_.batch_size;
  }
  // Whole-table queries run once per sync, on its last pull: while incremental queries are
  // still catching up, re-reading a snapshot on every batch would only repeat it.
  if (!behind) {
    for (const auto& query : settings_.queries) {
      if (query.spec.watermark) continue;
      if (request.cancel != nullptr && request.cancel->cancelled()) return cancelled(query);
      const Statement statement = buildStatement(settings_.dialect, query.spec, nullptr, settings_.batch_size);
      auto rows = run(query, statement, request.cancel);
      if (!rows) return std::move(rows).error();
      if (auto collected = collect(query, *rows, batch); !collected) return std::move(collected).error();
      if (query.spec.full_snapshot) batch.full_snapshot_of.push_back(query.spec.type);
    }
  }
  batch.cursor = cursor->encode();
  batch.more = behind;
  if (host_.logger().enabled(LogLevel::debug)) {
    host_.logger().log(LogLevel::debug,
                       fmt::format("{}: {} rows mapped, {} rejected{}", database_->description(), batch.records.size(),
                                   batch.rejected.size(), behind ? ", more to come" : ""));
  }
  return batch;
}

Result<RowSet> SqlSource::run(const ConfiguredQuery& query, const Statement& statement,
                              const plugin::CancelToken* cancel) {
  const int attempts = std::max(1, settings_.retry.attempts);
  for (int attempt = 1;; ++attempt) {
    auto rows = database_->query(statement);
    if (rows) return rows;
    const std::string reason = rows.error().message;
    if (!database_->lastFailureTransient()) {
      return makeError(fmt::format("query {}: {}", query.spec.name, reason));
    }
    if (attempt >= attempts) {
      return makeError(fmt::format("query {}: {} (gave up after {} attempts)", query.spec.name, reason, attempt));
    }
    const auto wait = settings_.retry.delay(attempt, random_);
    host_.logger().log(LogLevel::warn, fmt::format("query {}: {}; attempt {} of {}, retrying in {} ms", query.spec.name,
                                                   reason, attempt, attempts, wait.count()));
    if (!plugin::sleepUnlessCancelled(wait, cancel)) return cancelled(query);
  }
}

Result<std::optional<QueryPosition>> SqlSource::collect(const ConfiguredQuery& query, const RowSet& rows,
                                                        plugin::SourceBatch& batch) {
  std::optional<std::size_t> watermark_at;
  std::optional<std::size_t> key_at;
  if (query.spec.watermark) {
    watermark_at = columnIndex(rows, query.spec.watermark->column);
    key_at = columnIndex(rows, query.spec.watermark->key);
    for (const auto& [found, name] :
         {std::pair{watermark_at, query.spec.watermark->column}, std::pair{key_at, query.spec.watermark->key}}) {
      if (!found) {
        return makeError(
            fmt::format("query {}: the watermark names column \"{}\", which the query does not return "
                        "(it returns {})",
                        query.spec.name, name, columnList(rows)));
      }
    }
  }
  // The record's own id (the first canonical column) lets an operator find a rejected row.
  const std::string id_column(plugin::canonicalColumns(query.spec.type).front());
  const std::string id_source = query.mapping.sourceField(id_column);
  const auto id_at = columnIndex(rows, id_source);

  std::size_t number = 0;
  for (const auto& row : rows.rows) {
    ++number;
    const auto lookup = [&](std::string_view field) -> std::optional<std::string> {
      const auto at = columnIndex(rows, field);
      if (!at) return std::nullopt;
      return row[*at].text;  // NULL stays absent
    };
    std::string origin = fmt::format("query {} row {}", query.spec.name, number);
    if (key_at && row[*key_at].text) {
      origin += fmt::format(" ({} {})", query.spec.watermark->key, *row[*key_at].text);
    } else if (id_at && row[*id_at].text) {
      origin += fmt::format(" ({} {})", id_source, *row[*id_at].text);
    }
    query.mapping.applyInto(batch, lookup, std::move(origin));
  }
  if (!watermark_at || rows.rows.empty()) return std::optional<QueryPosition>();
  const auto& last = rows.rows.back();
  return std::optional<QueryPosition>(QueryPosition{last[*watermark_at], last[*key_at]});
}

}  // namespace staffchain::sql
