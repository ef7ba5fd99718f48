#include "alert_schema.hpp"

#include <array>
#include <string_view>

#include <fmt/format.h>

namespace staffchain::alerts::detail {
namespace {

struct Migration {
  int version;
  std::string_view sql;
};

// Version 1. Times are milliseconds since the epoch (UTC); lists are JSON arrays.
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE alert_alerts (
  id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
  rule TEXT NOT NULL, severity TEXT NOT NULL, unit_id TEXT NOT NULL, person_id TEXT NOT NULL,
  region TEXT NOT NULL, sources TEXT NOT NULL, roles TEXT NOT NULL, since TEXT NOT NULL,
  summary_zh TEXT NOT NULL, summary_en TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('firing', 'acknowledged', 'resolved')),
  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, resolved_at INTEGER,
  acknowledged_by TEXT NOT NULL, acknowledge_comment TEXT NOT NULL, acknowledged_at INTEGER,
  escalated_at INTEGER, silenced_by TEXT NOT NULL, inhibited_by TEXT NOT NULL,
  silence_expiry_note TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE alert_groups (
  key TEXT PRIMARY KEY NOT NULL, receiver TEXT NOT NULL, route_key TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('notify', 'escalation')), labels TEXT NOT NULL,
  created_at INTEGER NOT NULL, last_sent_at INTEGER, sequence INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE alert_group_members (
  group_key TEXT NOT NULL, alert_id TEXT NOT NULL, notified_firing INTEGER NOT NULL,
  notified_at INTEGER, notified_note TEXT NOT NULL,
  PRIMARY KEY (group_key, alert_id)
) WITHOUT ROWID;

CREATE TABLE alert_silences (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, match TEXT NOT NULL,
  reason TEXT NOT NULL, author TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
  ended_at INTEGER, end_reason TEXT NOT NULL, held_any INTEGER NOT NULL
);

-- Every notification part is written here before it is sent, and stays as delivery history.
CREATE TABLE alert_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, receiver TEXT NOT NULL, group_key TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE, notification TEXT NOT NULL, created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '', leased_until INTEGER,
  delivered_at INTEGER, receipt TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alert_outbox_pending ON alert_outbox (receiver, id) WHERE delivered_at IS NULL;

-- Hand-outs, for per-receiver rate limits that survive a restart.
CREATE TABLE alert_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT, message_id INTEGER NOT NULL, receiver TEXT NOT NULL,
  started_at INTEGER NOT NULL
);
CREATE INDEX alert_attempts_receiver ON alert_attempts (receiver, started_at);

CREATE TABLE alert_receivers (
  receiver TEXT PRIMARY KEY NOT NULL, consecutive_failures INTEGER NOT NULL, failures_total INTEGER NOT NULL,
  delivered_total INTEGER NOT NULL, failing_since INTEGER, last_success INTEGER, next_attempt_at INTEGER,
  last_error TEXT NOT NULL
) WITHOUT ROWID;
)sql";

constexpr std::array kMigrations{Migration{1, kVersion1}};

}  // namespace

Result<void> migrateAlertSchema(SqliteConnection& connection) {
  // IMMEDIATE takes the write lock before the version is read: two openers cannot both migrate.
  if (auto begun = connection.execute("BEGIN IMMEDIATE", "starting the alert schema migration"); !begun) return begun;
  const auto fail = [&connection](Error error) -> Result<void> {
    (void)connection.execute("ROLLBACK", "rolling back the alert schema migration");
    return error;
  };
  if (auto created = connection.execute("CREATE TABLE IF NOT EXISTS alert_schema (version INTEGER NOT NULL)",
                                        "creating the alert_schema table");
      !created) {
    return fail(std::move(created).error());
  }
  int version = 0;
  {
    auto read = connection.statement("SELECT max(version) FROM alert_schema", "reading the alert schema version");
    if (!read) return fail(std::move(read).error());
    StatementUse use(**read);
    if (use->step() != SQLITE_ROW) return fail(connection.failure("reading the alert schema version"));
    version = static_cast<int>(use->optionalInteger(0).value_or(0));
  }
  if (version > kAlertSchemaVersion) {
    return fail(makeError(fmt::format("alert store {}: alert schema version {} is newer than this staffchain supports "
                                      "(version {}); run a newer staffchain or point it at another ledger file",
                                      connection.path(), version, kAlertSchemaVersion)));
  }
  for (const auto& migration : kMigrations) {
    if (migration.version <= version) continue;
    const auto script = fmt::format("{}\nDELETE FROM alert_schema; INSERT INTO alert_schema (version) VALUES ({});",
                                    migration.sql, migration.version);
    if (auto done = connection.execute(script, fmt::format("migrating the alert schema to version {}", migration.version));
        !done) {
      return fail(std::move(done).error());
    }
  }
  return connection.execute("COMMIT", "committing the alert schema migration");
}

}  // namespace staffchain::alerts::detail
