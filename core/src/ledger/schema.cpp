#include "schema.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "notice_tables.hpp"
#include "record_codec.hpp"
#include "record_tables.hpp"
#include "snapshot_guard.hpp"
#include "staffchain/ledger/sql_ledger.hpp"
#include "staffchain/store/migrations.hpp"

namespace staffchain::ledger::detail {
namespace {

// Version 1: one table per record type keyed by (connector, record_key), connectors with their
// cursor, an append-only movement history, a removal log, and a plain quarantine list.
// Tables are WITHOUT ROWID: the primary key is the only index a record table needs. The record
// tables' columns are the column description's as it was then; a column added to a record type
// since reaches them through ensureRecordTables, not through an edit here.
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE connectors (
  name TEXT PRIMARY KEY NOT NULL CHECK (name <> ''),
  cursor TEXT,
  cursor_updated_at TEXT,
  first_seen TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE units (
  connector TEXT NOT NULL REFERENCES connectors (name), record_key TEXT NOT NULL CHECK (record_key <> ''),
  source_row INTEGER NOT NULL, content_hash INTEGER NOT NULL, version INTEGER NOT NULL,
  first_seen TEXT NOT NULL, updated_at TEXT NOT NULL,
  unit_id TEXT NOT NULL, name TEXT NOT NULL, region TEXT NOT NULL, parent_id TEXT,
  kind TEXT NOT NULL, funding TEXT NOT NULL,
  PRIMARY KEY (connector, record_key)
) WITHOUT ROWID;

CREATE TABLE quotas (
  connector TEXT NOT NULL REFERENCES connectors (name), record_key TEXT NOT NULL CHECK (record_key <> ''),
  source_row INTEGER NOT NULL, content_hash INTEGER NOT NULL, version INTEGER NOT NULL,
  first_seen TEXT NOT NULL, updated_at TEXT NOT NULL,
  unit_id TEXT NOT NULL, estab_type TEXT NOT NULL, approved INTEGER NOT NULL, effective_from TEXT NOT NULL,
  doc_no TEXT NOT NULL,
  PRIMARY KEY (connector, record_key)
) WITHOUT ROWID;

CREATE TABLE leader_quotas (
  connector TEXT NOT NULL REFERENCES connectors (name), record_key TEXT NOT NULL CHECK (record_key <> ''),
  source_row INTEGER NOT NULL, content_hash INTEGER NOT NULL, version INTEGER NOT NULL,
  first_seen TEXT NOT NULL, updated_at TEXT NOT NULL,
  unit_id TEXT NOT NULL, level TEXT NOT NULL, rank TEXT NOT NULL, approved INTEGER NOT NULL,
  PRIMARY KEY (connector, record_key)
) WITHOUT ROWID;

CREATE TABLE approvals (
  connector TEXT NOT NULL REFERENCES connectors (name), record_key TEXT NOT NULL CHECK (record_key <> ''),
  source_row INTEGER NOT NULL, content_hash INTEGER NOT NULL, version INTEGER NOT NULL,
  first_seen TEXT NOT NULL, updated_at TEXT NOT NULL,
  approval_id TEXT NOT NULL, unit_id TEXT NOT NULL, estab_type TEXT NOT NULL, slots INTEGER NOT NULL,
  issued_on TEXT NOT NULL, valid_until TEXT NOT NULL, purpose TEXT NOT NULL,
  PRIMARY KEY (connector, record_key)
) WITHOUT ROWID;

CREATE TABLE roster (
  connector TEXT NOT NULL REFERENCES connectors (name), record_key TEXT NOT NULL CHECK (record_key <> ''),
  source_row INTEGER NOT NULL, content_hash INTEGER NOT NULL, version INTEGER NOT NULL,
  first_seen TEXT NOT NULL, updated_at TEXT NOT NULL,
  person_id TEXT NOT NULL, name TEXT NOT NULL, unit_id TEXT NOT NULL, estab_type TEXT NOT NULL,
  entered_on TEXT NOT NULL, approval_id TEXT NOT NULL, leader_level TEXT NOT NULL, leader_rank TEXT NOT NULL,
  PRIMARY KEY (connector, record_key)
) WITHOUT ROWID;

CREATE TABLE movements (
  connector TEXT NOT NULL REFERENCES connectors (name), record_key TEXT NOT NULL CHECK (record_key <> ''),
  source_row INTEGER NOT NULL, content_hash INTEGER NOT NULL, version INTEGER NOT NULL,
  first_seen TEXT NOT NULL, updated_at TEXT NOT NULL,
  movement_id TEXT NOT NULL, source TEXT NOT NULL, kind TEXT NOT NULL, person_id TEXT NOT NULL,
  name TEXT NOT NULL, unit_id TEXT NOT NULL, from_unit_id TEXT, effective_on TEXT NOT NULL, recorded_on TEXT,
  approval_id TEXT NOT NULL, leader_level TEXT NOT NULL, leader_rank TEXT NOT NULL,
  PRIMARY KEY (connector, record_key)
) WITHOUT ROWID;

CREATE TABLE payroll (
  connector TEXT NOT NULL REFERENCES connectors (name), record_key TEXT NOT NULL CHECK (record_key <> ''),
  source_row INTEGER NOT NULL, content_hash INTEGER NOT NULL, version INTEGER NOT NULL,
  first_seen TEXT NOT NULL, updated_at TEXT NOT NULL,
  person_id TEXT NOT NULL, unit_id TEXT NOT NULL, month TEXT NOT NULL, funding TEXT NOT NULL,
  gross_fen INTEGER NOT NULL,
  PRIMARY KEY (connector, record_key)
) WITHOUT ROWID;

CREATE TABLE deaths (
  connector TEXT NOT NULL REFERENCES connectors (name), record_key TEXT NOT NULL CHECK (record_key <> ''),
  source_row INTEGER NOT NULL, content_hash INTEGER NOT NULL, version INTEGER NOT NULL,
  first_seen TEXT NOT NULL, updated_at TEXT NOT NULL,
  person_id TEXT NOT NULL, died_on TEXT NOT NULL, source TEXT NOT NULL,
  PRIMARY KEY (connector, record_key)
) WITHOUT ROWID;

CREATE TABLE movement_history (
  seq INTEGER PRIMARY KEY,
  connector TEXT NOT NULL, record_key TEXT NOT NULL,
  change TEXT NOT NULL CHECK (change IN ('inserted', 'updated', 'removed')),
  recorded_at TEXT NOT NULL, source_row INTEGER NOT NULL,
  movement_id TEXT NOT NULL, source TEXT NOT NULL, kind TEXT NOT NULL, person_id TEXT NOT NULL,
  name TEXT NOT NULL, unit_id TEXT NOT NULL, from_unit_id TEXT, effective_on TEXT NOT NULL, recorded_on TEXT,
  approval_id TEXT NOT NULL, leader_level TEXT NOT NULL, leader_rank TEXT NOT NULL
);
CREATE INDEX movement_history_person ON movement_history (person_id, seq);
CREATE TRIGGER movement_history_no_update BEFORE UPDATE ON movement_history
BEGIN SELECT RAISE(ABORT, 'movement_history is append-only'); END;
CREATE TRIGGER movement_history_no_delete BEFORE DELETE ON movement_history
BEGIN SELECT RAISE(ABORT, 'movement_history is append-only'); END;

CREATE TABLE removals (
  seq INTEGER PRIMARY KEY,
  connector TEXT NOT NULL, record_type TEXT NOT NULL, record_key TEXT NOT NULL, removed_at TEXT NOT NULL
);

CREATE TABLE quarantine (
  id INTEGER PRIMARY KEY,
  connector TEXT NOT NULL REFERENCES connectors (name), source TEXT NOT NULL, record_type TEXT NOT NULL,
  origin TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, reason TEXT NOT NULL,
  seen_at TEXT NOT NULL
);
)sql";

// Version 2: quarantine deduplicated. Re-ingesting a bad row used to add a row per pull; now
// one entry per (connector, source, type, origin, field, value, reason) with first/last seen.
constexpr std::string_view kVersion2 = R"sql(
CREATE TABLE quarantine_v2 (
  connector TEXT NOT NULL REFERENCES connectors (name), source TEXT NOT NULL, record_type TEXT NOT NULL,
  origin TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, reason TEXT NOT NULL,
  first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, times_seen INTEGER NOT NULL,
  PRIMARY KEY (connector, source, record_type, origin, field, value, reason)
) WITHOUT ROWID;
INSERT INTO quarantine_v2
  SELECT connector, source, record_type, origin, field, value, reason, min(seen_at), max(seen_at), count(*)
  FROM quarantine GROUP BY connector, source, record_type, origin, field, value, reason;
DROP TABLE quarantine;
ALTER TABLE quarantine_v2 RENAME TO quarantine;
CREATE INDEX quarantine_last_seen ON quarantine (last_seen);
)sql";

// Version 3: the unit and person a quarantined row names (its unit_id / person_id cells when
// valid), so that DATA-001 findings name them; entries stored before stay without.
constexpr std::string_view kVersion3 = R"sql(
ALTER TABLE quarantine ADD COLUMN unit_id TEXT NOT NULL DEFAULT '';
ALTER TABLE quarantine ADD COLUMN person_id TEXT NOT NULL DEFAULT '';
)sql";

// Version 4: the notice outbox and each notice's history, whose schema is with their every
// statement (notice_outbox.cpp: detail::createNoticeTables).

// Version 5: trusted ingest. The keys a snapshot sent in several parts has carried so far
// (pattern = 1: the readable parts of an unreadable row's key, empty where unknown), and the
// snapshots a removal guard held, open until a later snapshot of the type is applied.
constexpr std::string_view kVersion5 = R"sql(
CREATE TABLE snapshot_marks (
  connector TEXT NOT NULL, record_type TEXT NOT NULL, record_key TEXT NOT NULL, pattern INTEGER NOT NULL,
  PRIMARY KEY (connector, record_type, pattern, record_key)
) WITHOUT ROWID;
CREATE TABLE held_snapshots (
  id INTEGER PRIMARY KEY,
  connector TEXT NOT NULL, record_type TEXT NOT NULL, name TEXT NOT NULL,
  stored INTEGER NOT NULL, after_count INTEGER NOT NULL, removed INTEGER NOT NULL, units TEXT NOT NULL,
  held_at TEXT NOT NULL, resolved_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX held_snapshots_open ON held_snapshots (connector, record_type, resolved_at);
)sql";

// Version 6: every instant to the millisecond in the one stored form (sqlite/stored_time.hpp),
// "YYYY-MM-DDTHH:MM:SS.mmmZ", from "YYYY-MM-DDTHH:MM:SSZ"; the notice tables' times follow
// (detail::storeNoticeTimes). A value of neither form is left for the reader to refuse by name.
// Calendar dates (entered_on, month, effective_on, ...) are not instants and stay as they are.
// The movement history is append-only: its guard is lifted for this one rewrite, which changes
// no movement, and put back.
constexpr std::string_view kVersion6 = R"sql(
UPDATE connectors SET cursor_updated_at = stored_time_from_seconds(cursor_updated_at),
  first_seen = stored_time_from_seconds(first_seen);
UPDATE units SET first_seen = stored_time_from_seconds(first_seen), updated_at = stored_time_from_seconds(updated_at);
UPDATE quotas SET first_seen = stored_time_from_seconds(first_seen), updated_at = stored_time_from_seconds(updated_at);
UPDATE leader_quotas SET first_seen = stored_time_from_seconds(first_seen),
  updated_at = stored_time_from_seconds(updated_at);
UPDATE approvals SET first_seen = stored_time_from_seconds(first_seen),
  updated_at = stored_time_from_seconds(updated_at);
UPDATE roster SET first_seen = stored_time_from_seconds(first_seen), updated_at = stored_time_from_seconds(updated_at);
UPDATE movements SET first_seen = stored_time_from_seconds(first_seen),
  updated_at = stored_time_from_seconds(updated_at);
UPDATE payroll SET first_seen = stored_time_from_seconds(first_seen), updated_at = stored_time_from_seconds(updated_at);
UPDATE deaths SET first_seen = stored_time_from_seconds(first_seen), updated_at = stored_time_from_seconds(updated_at);
DROP TRIGGER movement_history_no_update;
UPDATE movement_history SET recorded_at = stored_time_from_seconds(recorded_at);
CREATE TRIGGER movement_history_no_update BEFORE UPDATE ON movement_history
BEGIN SELECT RAISE(ABORT, 'movement_history is append-only'); END;
UPDATE removals SET removed_at = stored_time_from_seconds(removed_at);
UPDATE quarantine SET first_seen = stored_time_from_seconds(first_seen), last_seen = stored_time_from_seconds(last_seen);
UPDATE held_snapshots SET held_at = stored_time_from_seconds(held_at), resolved_at = stored_time_from_seconds(resolved_at);
)sql";

// Version 7: a snapshot part's keys in one row (snapshot_part_keys: detail::readPartKeys), not a row
// per key; a run of parts under way keeps its keys. Then payroll ordered by month and unit before
// its key (detail::clusterRecordTables), so that a month's rows lie together as an export lists them.
constexpr std::string_view kVersion7 = R"sql(
CREATE TABLE snapshot_part_keys (
  id INTEGER PRIMARY KEY,
  connector TEXT NOT NULL, record_type TEXT NOT NULL, pattern INTEGER NOT NULL, keys BLOB NOT NULL
);
)sql";

Result<void> partKeysAndClusters(store::Database& db) {
  const std::string operation = "keeping the keys of a snapshot's parts in one row a part";
  struct Part {
    std::string connector, type;
    std::int64_t pattern = 0;
    std::string keys;
  };
  std::vector<Part> parts;
  {
    auto read = db.prepare(
        "SELECT connector, record_type, pattern, record_key FROM snapshot_marks "
        "ORDER BY connector, record_type, pattern, record_key",
        operation);
    if (!read) return std::move(read).error();
    auto each = db.eachRow(*read, operation, [&parts](const store::Statement& row) {
      if (parts.empty() || parts.back().connector != row.columnText(0) || parts.back().type != row.columnText(1) ||
          parts.back().pattern != row.columnInt(2)) {
        parts.push_back(Part{row.text(0), row.text(1), row.columnInt(2), {}});
      }
      detail::appendPartKey(parts.back().keys, row.columnText(3));
    });
    if (!each) return each;
  }
  auto insert = db.prepare(
      "INSERT INTO snapshot_part_keys (connector, record_type, pattern, keys) VALUES (?1, ?2, ?3, ?4)", operation);
  if (!insert) return std::move(insert).error();
  for (const auto& part : parts) {
    insert->bindText(1, part.connector);
    insert->bindText(2, part.type);
    insert->bindInt(3, part.pattern);
    insert->bindBlob(4, part.keys);
    if (auto done = db.run(*insert, operation); !done) return done;
  }
  if (auto dropped = db.execute("DROP TABLE snapshot_marks", operation); !dropped) return dropped;
  return detail::clusterRecordTables(db);
}

// PostgreSQL: the ledger as version 7 left it, in one step. Text compares bytewise, as in
// SQLite (store::postgresTypes); every integer is 64 bits; the append-only history refuses an
// UPDATE or DELETE as SQLite's triggers do. The record tables follow from the column description
// (ensureRecordTables creates them); the movement history's columns do too.
constexpr std::string_view kPostgresVersion7 = R"sql(
CREATE TABLE connectors (
  name TEXT PRIMARY KEY CHECK (name <> ''),
  cursor TEXT,
  cursor_updated_at TEXT,
  first_seen TEXT NOT NULL
);
CREATE TABLE removals (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  connector TEXT NOT NULL, record_type TEXT NOT NULL, record_key TEXT NOT NULL, removed_at TEXT NOT NULL
);
CREATE TABLE quarantine (
  connector TEXT NOT NULL REFERENCES connectors (name), source TEXT NOT NULL, record_type TEXT NOT NULL,
  origin TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, reason TEXT NOT NULL,
  first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, times_seen BIGINT NOT NULL,
  unit_id TEXT NOT NULL DEFAULT '', person_id TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (connector, source, record_type, origin, field, value, reason)
);
CREATE INDEX quarantine_last_seen ON quarantine (last_seen);
CREATE TABLE snapshot_part_keys (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  connector TEXT NOT NULL, record_type TEXT NOT NULL, pattern BIGINT NOT NULL, keys BYTEA NOT NULL
);
CREATE TABLE held_snapshots (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  connector TEXT NOT NULL, record_type TEXT NOT NULL, name TEXT NOT NULL,
  stored BIGINT NOT NULL, after_count BIGINT NOT NULL, removed BIGINT NOT NULL, units TEXT NOT NULL,
  held_at TEXT NOT NULL, resolved_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX held_snapshots_open ON held_snapshots (connector, record_type, resolved_at);
CREATE FUNCTION staffchain_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;
)sql";

Result<void> postgresHistoryAndNotices(store::Database& db) {
  std::string movement_columns;
  for (const auto& column : storedColumns(model::RecordType::movement)) {
    movement_columns += fmt::format(",\n  {} {}{}", column.name, column.type == "INTEGER" ? "BIGINT" : column.type,
                                    column.nullable ? "" : " NOT NULL");
  }
  const auto sql = fmt::format(
      "CREATE TABLE movement_history (\n"
      "  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
      "  connector TEXT NOT NULL, record_key TEXT NOT NULL,\n"
      "  change TEXT NOT NULL CHECK (change IN ('inserted', 'updated', 'removed')),\n"
      "  recorded_at TEXT NOT NULL, source_row BIGINT NOT NULL{}\n);\n"
      "CREATE INDEX movement_history_person ON movement_history (person_id, seq);\n"
      "CREATE TRIGGER movement_history_append_only BEFORE UPDATE OR DELETE ON movement_history\n"
      "  FOR EACH ROW EXECUTE FUNCTION staffchain_append_only();\n",
      movement_columns);
  if (auto done = db.execute(store::postgresTypes(sql), "creating the movement history"); !done) return done;
  return db.execute(postgresNoticeTables(), "creating the notice tables");
}

// PostgreSQL starts at the version SQLite files have reached; a migration after it has a script
// for each backend.
constexpr int kPostgresFirstVersion = 7;
static_assert(kPostgresFirstVersion == SqlLedger::kSchemaVersion);

// Oldest first; a released migration is never edited, only followed by a new one.
using store::Migration;
constexpr std::array kMigrations{Migration{1, kVersion1},
                                 Migration{2, kVersion2},
                                 Migration{3, kVersion3},
                                 Migration{4, "", &detail::createNoticeTables},
                                 Migration{5, kVersion5},
                                 Migration{6, kVersion6, &detail::storeNoticeTimes},
                                 Migration{7, kVersion7, &partKeysAndClusters}};
static_assert(kMigrations.back().version == SqlLedger::kSchemaVersion);

}  // namespace

Result<void> migrate(store::Database& db) {
  // The ledger's version is the file's user_version (PostgreSQL: schema_version); the alert
  // store keeps its own.
  if (db.dialect() == store::Dialect::postgresql) {
    // Its text compares as SQLite's: the script is written so (postgresTypes applies to it).
    static const std::string script = store::postgresTypes(kPostgresVersion7);
    const std::array migrations{store::Migration{kPostgresFirstVersion, script, &postgresHistoryAndNotices}};
    if (auto migrated = store::migrate(db, store::SchemaOwner{"schema", ""}, migrations); !migrated) return migrated;
    return ensureRecordTables(db);
  }
  if (auto migrated = store::migrate(db, store::SchemaOwner{"schema", ""}, kMigrations); !migrated) return migrated;
  // The record tables' columns follow the column description, whatever the version.
  return ensureRecordTables(db);
}

}  // namespace staffchain::ledger::detail
