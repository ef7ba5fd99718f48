#include "ledger_statements.hpp"

#include <fmt/format.h>

#include <string_view>
#include <utility>
#include <vector>

#include "record_codec.hpp"
#include "record_tables.hpp"

namespace staffchain::ledger::detail {
namespace {

using model::RecordType;
using namespace params;

std::string joinColumns(RecordType type) {
  std::string out;
  for (const auto column : recordColumns(type)) {
    if (!out.empty()) out += ", ";
    out += column;
  }
  return out;
}

std::string numberedParams(RecordType type, int first) {
  std::string out;
  int index = first;
  for (std::size_t i = 0; i < recordColumns(type).size(); ++i) {
    if (!out.empty()) out += ", ";
    out += fmt::format("?{}", index++);
  }
  return out;
}

}  // namespace

Result<void> prepareStatements(store::Database& db, LedgerStatements& out) {
  struct Plain {
    Statement* statement;
    std::string sql;
    std::string_view what;
  };
  const auto movement_columns = joinColumns(RecordType::movement);
  const std::string history_select =
      fmt::format("SELECT seq, connector, change, recorded_at, source_row, {} FROM movement_history", movement_columns);
  std::vector<Plain> plain{
      // A writer takes SQLite's lock at once (two never both read, then fail to upgrade); a
      // PostgreSQL transaction locks the rows it writes as it writes them.
      {&out.begin, db.dialect() == store::Dialect::postgresql ? "BEGIN" : "BEGIN IMMEDIATE", "starting a transaction"},
      {&out.commit, "COMMIT", "committing a transaction"},
      {&out.rollback, "ROLLBACK", "rolling back a transaction"},
      {&out.add_connector, "INSERT INTO connectors (name, first_seen) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
       "registering a connector"},
      // Unchanged cursors are not rewritten: a repeated batch leaves even the timestamp alone.
      {&out.set_cursor,
       "UPDATE connectors SET cursor = ?2, cursor_updated_at = ?3 WHERE name = ?1 AND cursor IS DISTINCT FROM ?2",
       "setting a cursor"},
      {&out.get_cursor, "SELECT cursor FROM connectors WHERE name = ?1", "reading a cursor"},
      {&out.reset_cursor,
       "UPDATE connectors SET cursor = NULL, cursor_updated_at = ?2 WHERE name = ?1 AND cursor IS NOT NULL",
       "resetting a cursor"},
      {&out.list_connectors, "SELECT name FROM connectors ORDER BY name", "listing connectors"},
      {&out.upsert_quarantine,
       "INSERT INTO quarantine (connector, source, record_type, origin, field, value, reason, first_seen, last_seen, "
       "times_seen, unit_id, person_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, 1, ?9, ?10) "
       "ON CONFLICT (connector, source, record_type, origin, field, value, reason) "
       "DO UPDATE SET last_seen = excluded.last_seen, times_seen = quarantine.times_seen + 1, unit_id = "
       "excluded.unit_id, "
       "person_id = excluded.person_id RETURNING times_seen",
       "storing a quarantine entry"},
      {&out.list_quarantine,
       "SELECT connector, source, record_type, origin, field, value, reason, first_seen, last_seen, times_seen, "
       "unit_id, person_id FROM quarantine ORDER BY last_seen DESC, connector, source, record_type, origin LIMIT ?1",
       "listing the quarantine"},
      {&out.all_quarantine,
       "SELECT connector, source, record_type, origin, field, value, reason, first_seen, last_seen, times_seen, "
       "unit_id, person_id FROM quarantine ORDER BY connector, source, record_type, origin, field",
       "loading the quarantine"},
      {&out.history_insert,
       fmt::format("INSERT INTO movement_history (connector, record_key, source_row, change, recorded_at, {}) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, {})",
                   movement_columns, numberedParams(RecordType::movement, kParamFirstColumn)),
       "recording movement history"},
      {&out.history_removed,
       fmt::format("INSERT INTO movement_history (connector, record_key, source_row, change, recorded_at, {0}) "
                   "SELECT connector, record_key, source_row, 'removed', ?3, {0} FROM movements "
                   "WHERE connector = ?1 AND record_key = ?2",
                   movement_columns),
       "recording a removed movement"},
      {&out.removal_log,
       "INSERT INTO removals (connector, record_type, record_key, removed_at) VALUES (?1, ?2, ?3, ?4)",
       "logging a removal"},
      {&out.history_all, history_select + " ORDER BY seq", "reading the movement history"},
      {&out.history_of_person, history_select + " WHERE person_id = ?1 ORDER BY seq",
       "reading a person's movement history"},
      {&out.marks_clear, "DELETE FROM snapshot_part_keys WHERE connector = ?1", "forgetting a snapshot's parts"},
      {&out.marks_insert,
       "INSERT INTO snapshot_part_keys (connector, record_type, pattern, keys) VALUES (?1, ?2, ?3, ?4)",
       "remembering the keys of a snapshot part"},
      {&out.marks_list,
       "SELECT pattern, keys FROM snapshot_part_keys WHERE connector = ?1 AND record_type = ?2 ORDER BY id",
       "reading the keys of a snapshot's parts"},
      {&out.held_find_open,
       "SELECT id FROM held_snapshots WHERE connector = ?1 AND record_type = ?2 AND name = ?3 AND resolved_at = ''",
       "finding a held snapshot"},
      {&out.held_insert,
       "INSERT INTO held_snapshots (connector, record_type, name, stored, after_count, removed, units, held_at) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
       "recording a held snapshot"},
      {&out.held_update,
       "UPDATE held_snapshots SET stored = ?2, after_count = ?3, removed = ?4, units = ?5, held_at = ?6 WHERE id = ?1",
       "recording a snapshot held again"},
      {&out.held_resolve,
       "UPDATE held_snapshots SET resolved_at = ?3 WHERE connector = ?1 AND record_type = ?2 AND resolved_at = ''",
       "resolving held snapshots"},
      {&out.held_list,
       "SELECT id, connector, record_type, name, stored, after_count, removed, units, held_at, resolved_at "
       "FROM held_snapshots WHERE ?1 = 0 OR resolved_at = '' ORDER BY id DESC",
       "listing held snapshots"},
  };
  for (auto& p : plain) {
    auto statement = db.prepare(p.sql, p.what);
    if (!statement) return std::move(statement).error();
    *p.statement = std::move(*statement);
  }
  for (std::size_t i = 0; i < plugin::kRecordTypeCount; ++i) {
    const auto type = static_cast<RecordType>(i);
    const auto table = recordTable(type);
    const auto columns = joinColumns(type);
    std::string assignments;
    int index = kParamFirstColumn;
    const auto cluster = clusterColumns(type);
    // The cluster columns' own parameters in the update (they are among the record's).
    std::vector<int> cluster_params(cluster.size());
    for (const auto column : recordColumns(type)) {
      for (std::size_t c = 0; c < cluster.size(); ++c) {
        if (column == cluster[c]) cluster_params[c] = index;
      }
      assignments += fmt::format(", {} = ?{}", column, index++);
    }
    auto& t = out.tables[i];
    const std::array<std::pair<Statement*, std::string>, 8> sqls{{
        {&t.lookup, fmt::format("SELECT content_hash, source_row FROM {} WHERE {}", table,
                                keyCondition(type, kParamLookupCluster))},
        {&t.insert,
         fmt::format("INSERT INTO {} (connector, record_key, source_row, content_hash, version, "
                     "first_seen, updated_at, {}) VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5, {}) ON CONFLICT DO NOTHING",
                     table, columns, numberedParams(type, kParamFirstColumn))},
        {&t.update, fmt::format("UPDATE {} SET source_row = ?3, content_hash = ?4, version = version + 1, "
                                "updated_at = ?5{} WHERE {}",
                                table, assignments, keyCondition(type, cluster_params))},
        {&t.move_row,
         fmt::format("UPDATE {} SET source_row = ?3 WHERE {}", table, keyCondition(type, kParamMoveCluster))},
        {&t.keys, fmt::format("SELECT record_key, content_hash, source_row FROM {} WHERE connector = ?1 ORDER BY {}",
                              table, keyColumns(type))},
        {&t.remove, fmt::format("DELETE FROM {} WHERE {}", table, keyCondition(type, kParamRemoveCluster))},
        {&t.count, fmt::format("SELECT count(*) FROM {} WHERE connector = ?1", table)},
        {&t.load,
         fmt::format("SELECT connector, source_row, {} FROM {} ORDER BY {}", columns, table, keyColumns(type))},
    }};
    for (const auto& [target, sql] : sqls) {
      auto statement = db.prepare(sql, fmt::format("table {}", table));
      if (!statement) return std::move(statement).error();
      *target = std::move(*statement);
    }
  }
  return {};
}

}  // namespace staffchain::ledger::detail
