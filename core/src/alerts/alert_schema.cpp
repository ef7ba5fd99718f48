#include "alert_schema.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "alert_group.hpp"
#include "staffchain/store/migrations.hpp"

namespace staffchain::alerts::detail {
namespace {

using store::Migration;

// Version 1. Times are milliseconds since the epoch (UTC; text since version 3); lists are JSON
// arrays.
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

// Version 2: acknowledgements keep their history (the one an alert had is its first entry);
// alerts keep their evidence; silences record the API token they came through beside their
// author. Groups lose the route position from their keys (rekeyGroups).
constexpr std::string_view kVersion2 = R"sql(
ALTER TABLE alert_alerts ADD COLUMN evidence TEXT NOT NULL DEFAULT '[]';

CREATE TABLE alert_acknowledgements (
  alert_id TEXT NOT NULL, seq INTEGER NOT NULL, by_whom TEXT NOT NULL, caller TEXT NOT NULL,
  at INTEGER NOT NULL, comment TEXT NOT NULL,
  PRIMARY KEY (alert_id, seq)
) WITHOUT ROWID;
INSERT INTO alert_acknowledgements (alert_id, seq, by_whom, caller, at, comment)
  SELECT id, 1, acknowledged_by, '', acknowledged_at, acknowledge_comment FROM alert_alerts
  WHERE acknowledged_at IS NOT NULL AND acknowledged_by <> '';

ALTER TABLE alert_silences ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
)sql";

// Version 3: times as every table stores them (sqlite/stored_time.hpp), UTC text of one width
// with milliseconds, no longer INTEGER milliseconds since the epoch. SQLite cannot change a
// column's type, so each table is rebuilt with TEXT time columns and its rows copied across,
// their times converted by the stored-time codec; an AUTOINCREMENT table keeps its sequence, so
// no id is ever handed out twice.
constexpr std::string_view kVersion3 = R"sql(
CREATE TABLE alert_alerts_v3 (
  id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
  rule TEXT NOT NULL, severity TEXT NOT NULL, unit_id TEXT NOT NULL, person_id TEXT NOT NULL,
  region TEXT NOT NULL, sources TEXT NOT NULL, roles TEXT NOT NULL, since TEXT NOT NULL,
  summary_zh TEXT NOT NULL, summary_en TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('firing', 'acknowledged', 'resolved')),
  first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, resolved_at TEXT,
  acknowledged_by TEXT NOT NULL, acknowledge_comment TEXT NOT NULL, acknowledged_at TEXT,
  escalated_at TEXT, silenced_by TEXT NOT NULL, inhibited_by TEXT NOT NULL,
  silence_expiry_note TEXT NOT NULL, evidence TEXT NOT NULL DEFAULT '[]'
) WITHOUT ROWID;
INSERT INTO alert_alerts_v3 (id, rule, severity, unit_id, person_id, region, sources, roles, since, summary_zh,
  summary_en, state, first_seen, last_seen, resolved_at, acknowledged_by, acknowledge_comment, acknowledged_at,
  escalated_at, silenced_by, inhibited_by, silence_expiry_note, evidence)
  SELECT id, rule, severity, unit_id, person_id, region, sources, roles, since, summary_zh, summary_en, state,
  stored_time_from_millis(first_seen), stored_time_from_millis(last_seen), stored_time_from_millis(resolved_at),
  acknowledged_by, acknowledge_comment, stored_time_from_millis(acknowledged_at),
  stored_time_from_millis(escalated_at), silenced_by, inhibited_by, silence_expiry_note, evidence FROM alert_alerts;
DROP TABLE alert_alerts;
ALTER TABLE alert_alerts_v3 RENAME TO alert_alerts;

CREATE TABLE alert_acknowledgements_v3 (
  alert_id TEXT NOT NULL, seq INTEGER NOT NULL, by_whom TEXT NOT NULL, caller TEXT NOT NULL,
  at TEXT NOT NULL, comment TEXT NOT NULL,
  PRIMARY KEY (alert_id, seq)
) WITHOUT ROWID;
INSERT INTO alert_acknowledgements_v3 (alert_id, seq, by_whom, caller, at, comment)
  SELECT alert_id, seq, by_whom, caller, stored_time_from_millis(at), comment FROM alert_acknowledgements;
DROP TABLE alert_acknowledgements;
ALTER TABLE alert_acknowledgements_v3 RENAME TO alert_acknowledgements;

CREATE TABLE alert_groups_v3 (
  key TEXT PRIMARY KEY NOT NULL, receiver TEXT NOT NULL, route_key TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('notify', 'escalation')), labels TEXT NOT NULL,
  created_at TEXT NOT NULL, last_sent_at TEXT, sequence INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO alert_groups_v3 (key, receiver, route_key, kind, labels, created_at, last_sent_at, sequence)
  SELECT key, receiver, route_key, kind, labels, stored_time_from_millis(created_at),
  stored_time_from_millis(last_sent_at), sequence FROM alert_groups;
DROP TABLE alert_groups;
ALTER TABLE alert_groups_v3 RENAME TO alert_groups;

CREATE TABLE alert_group_members_v3 (
  group_key TEXT NOT NULL, alert_id TEXT NOT NULL, notified_firing INTEGER NOT NULL,
  notified_at TEXT, notified_note TEXT NOT NULL,
  PRIMARY KEY (group_key, alert_id)
) WITHOUT ROWID;
INSERT INTO alert_group_members_v3 (group_key, alert_id, notified_firing, notified_at, notified_note)
  SELECT group_key, alert_id, notified_firing, stored_time_from_millis(notified_at), notified_note
  FROM alert_group_members;
DROP TABLE alert_group_members;
ALTER TABLE alert_group_members_v3 RENAME TO alert_group_members;

CREATE TABLE alert_silences_v3 (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, match TEXT NOT NULL,
  reason TEXT NOT NULL, author TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL,
  ended_at TEXT, end_reason TEXT NOT NULL, held_any INTEGER NOT NULL, created_by TEXT NOT NULL DEFAULT ''
);
INSERT INTO alert_silences_v3 (seq, id, match, reason, author, created_at, expires_at, ended_at, end_reason, held_any,
  created_by)
  SELECT seq, id, match, reason, author, stored_time_from_millis(created_at), stored_time_from_millis(expires_at),
  stored_time_from_millis(ended_at), end_reason, held_any, created_by FROM alert_silences;
DELETE FROM sqlite_sequence WHERE name = 'alert_silences_v3';
INSERT INTO sqlite_sequence (name, seq) SELECT 'alert_silences_v3', seq FROM sqlite_sequence
  WHERE name = 'alert_silences';
DROP TABLE alert_silences;
ALTER TABLE alert_silences_v3 RENAME TO alert_silences;

CREATE TABLE alert_outbox_v3 (
  id INTEGER PRIMARY KEY AUTOINCREMENT, receiver TEXT NOT NULL, group_key TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE, notification TEXT NOT NULL, created_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '', leased_until TEXT,
  delivered_at TEXT, receipt TEXT NOT NULL DEFAULT ''
);
INSERT INTO alert_outbox_v3 (id, receiver, group_key, idempotency_key, notification, created_at, attempts, last_error,
  leased_until, delivered_at, receipt)
  SELECT id, receiver, group_key, idempotency_key, notification, stored_time_from_millis(created_at), attempts,
  last_error, stored_time_from_millis(leased_until), stored_time_from_millis(delivered_at), receipt FROM alert_outbox;
DELETE FROM sqlite_sequence WHERE name = 'alert_outbox_v3';
INSERT INTO sqlite_sequence (name, seq) SELECT 'alert_outbox_v3', seq FROM sqlite_sequence WHERE name = 'alert_outbox';
DROP TABLE alert_outbox;
ALTER TABLE alert_outbox_v3 RENAME TO alert_outbox;
CREATE INDEX alert_outbox_pending ON alert_outbox (receiver, id) WHERE delivered_at IS NULL;

CREATE TABLE alert_attempts_v3 (
  id INTEGER PRIMARY KEY AUTOINCREMENT, message_id INTEGER NOT NULL, receiver TEXT NOT NULL,
  started_at TEXT NOT NULL
);
INSERT INTO alert_attempts_v3 (id, message_id, receiver, started_at)
  SELECT id, message_id, receiver, stored_time_from_millis(started_at) FROM alert_attempts;
DELETE FROM sqlite_sequence WHERE name = 'alert_attempts_v3';
INSERT INTO sqlite_sequence (name, seq) SELECT 'alert_attempts_v3', seq FROM sqlite_sequence
  WHERE name = 'alert_attempts';
DROP TABLE alert_attempts;
ALTER TABLE alert_attempts_v3 RENAME TO alert_attempts;
CREATE INDEX alert_attempts_receiver ON alert_attempts (receiver, started_at);

CREATE TABLE alert_receivers_v3 (
  receiver TEXT PRIMARY KEY NOT NULL, consecutive_failures INTEGER NOT NULL, failures_total INTEGER NOT NULL,
  delivered_total INTEGER NOT NULL, failing_since TEXT, last_success TEXT, next_attempt_at TEXT,
  last_error TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO alert_receivers_v3 (receiver, consecutive_failures, failures_total, delivered_total, failing_since,
  last_success, next_attempt_at, last_error)
  SELECT receiver, consecutive_failures, failures_total, delivered_total, stored_time_from_millis(failing_since),
  stored_time_from_millis(last_success), stored_time_from_millis(next_attempt_at), last_error FROM alert_receivers;
DROP TABLE alert_receivers;
ALTER TABLE alert_receivers_v3 RENAME TO alert_receivers;
)sql";

// A step over every row of a statement, for the migrations (which run before the store's
// helpers exist).
template <typename Row>
Result<void> eachRow(Database& connection, const std::string& sql, std::string_view operation, Row row) {
  auto statement = connection.cached(sql, operation);
  if (!statement) return std::move(statement).error();
  return connection.eachRow(**statement, operation, row);
}

// Version 1 keyed a group by its route's position in the tree as well ("notify|dept|0.1|rule=…"),
// so that a reload which moved a route made new groups and told every receiver again. The
// groups are rekeyed (detail::groupKey); two that now share a key (one receiver reached by two
// routes with the same labels) become one, whose members keep what their receiver was told.
Result<void> rekeyGroups(Database& connection) {
  struct Group {
    std::string receiver;
    std::string route_key;
    std::string kind;
    std::string labels;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> last_sent_at;
    std::int64_t sequence = 0;
  };
  struct Member {
    bool notified_firing = false;
    std::optional<std::int64_t> notified_at;
    std::string notified_note;
  };
  std::map<std::string, std::string> renamed;  // old key -> new key
  std::map<std::string, Group> groups;         // by new key
  auto read = eachRow(
      connection,
      "SELECT key, receiver, route_key, kind, labels, created_at, last_sent_at, sequence FROM alert_groups "
      "ORDER BY key",
      "reading the alert groups to rekey", [&](const Statement& s) {
        Group group{s.text(1), s.text(2), s.text(3), s.text(4), s.columnInt(5), s.optionalInt(6), s.columnInt(7)};
        std::vector<std::pair<std::string, std::string>> labels;
        const auto parsed = nlohmann::json::parse(group.labels, nullptr, false);
        if (parsed.is_array()) {
          for (const auto& pair : parsed) {
            if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string()) {
              labels.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
            }
          }
        }
        const std::string key =
            groupKey(group.kind == "escalation" ? GroupKind::escalation : GroupKind::notify, group.receiver, labels);
        renamed[s.text(0)] = key;
        auto [it, added] = groups.try_emplace(key, group);
        if (added) return;
        Group& merged = it->second;
        merged.created_at = std::min(merged.created_at, group.created_at);
        if (group.last_sent_at && (!merged.last_sent_at || *group.last_sent_at > *merged.last_sent_at)) {
          merged.last_sent_at = group.last_sent_at;
        }
        merged.sequence = std::max(merged.sequence, group.sequence);
      });
  if (!read) return read;
  std::map<std::pair<std::string, std::string>, Member> members;  // (new key, alert id)
  read = eachRow(connection,
                 "SELECT group_key, alert_id, notified_firing, notified_at, notified_note FROM alert_group_members",
                 "reading the alert group members to rekey", [&](const Statement& s) {
                   auto key = renamed.find(s.text(0));
                   if (key == renamed.end()) return;  // a member of no group is never read
                   const Member member{s.columnInt(2) != 0, s.optionalInt(3), s.text(4)};
                   auto [it, added] = members.try_emplace({key->second, s.text(1)}, member);
                   if (added) return;
                   Member& merged = it->second;  // told in either group: told
                   if (member.notified_firing && !merged.notified_firing) {
                     merged.notified_firing = true;
                     merged.notified_note = member.notified_note;
                   }
                   if (member.notified_at && (!merged.notified_at || *member.notified_at < *merged.notified_at)) {
                     merged.notified_at = member.notified_at;
                   }
                 });
  if (!read) return read;

  const auto run = [&connection](const std::string& sql, std::string_view operation, auto bind) -> Result<void> {
    auto statement = connection.cached(sql, operation);
    if (!statement) return std::move(statement).error();
    StatementUse use(**statement);
    bind(*use);
    if (use->step() != SQLITE_DONE) return connection.failure(operation);
    return {};
  };
  constexpr std::string_view kOperation = "rekeying the alert groups";
  if (auto cleared = connection.execute("DELETE FROM alert_group_members; DELETE FROM alert_groups;", kOperation);
      !cleared) {
    return cleared;
  }
  for (const auto& [key, g] : groups) {
    auto written =
        run("INSERT INTO alert_groups (key, receiver, route_key, kind, labels, created_at, last_sent_at, sequence) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            kOperation, [&, &key = key, &g = g](Statement& s) {
              s.bind(1, key);
              s.bind(2, g.receiver);
              s.bind(3, g.route_key);
              s.bind(4, g.kind);
              s.bind(5, g.labels);
              s.bind(6, g.created_at);
              s.bind(7, g.last_sent_at);
              s.bind(8, g.sequence);
            });
    if (!written) return written;
  }
  for (const auto& [id, m] : members) {
    auto written =
        run("INSERT INTO alert_group_members (group_key, alert_id, notified_firing, notified_at, notified_note) "
            "VALUES (?1, ?2, ?3, ?4, ?5)",
            kOperation, [&, &id = id, &m = m](Statement& s) {
              s.bind(1, id.first);
              s.bind(2, id.second);
              s.bind(3, std::int64_t{m.notified_firing ? 1 : 0});
              s.bind(4, m.notified_at);
              s.bind(5, m.notified_note);
            });
    if (!written) return written;
  }
  // The outbox's group column is history: it follows, so a group's messages stay together.
  for (const auto& [old_key, new_key] : renamed) {
    if (old_key == new_key) continue;
    auto updated = run("UPDATE alert_outbox SET group_key = ?2 WHERE group_key = ?1", kOperation,
                       [&, &old_key = old_key, &new_key = new_key](Statement& s) {
                         s.bind(1, old_key);
                         s.bind(2, new_key);
                       });
    if (!updated) return updated;
  }
  return {};
}

// Version 4: each alert's open spans, for reports of a past period (a quarter, a leader's
// tenure): an alert reopened keeps one row, so its row alone cannot say when it was open. The
// spans follow the alert rows by triggers, whichever code writes them; existing alerts get the
// span their row knows (first seen to resolved, or still open).
constexpr std::string_view kVersion4 = R"sql(
CREATE TABLE alert_spans (
  alert_id TEXT NOT NULL, opened_at TEXT NOT NULL, resolved_at TEXT,
  rule TEXT NOT NULL, severity TEXT NOT NULL, unit_id TEXT NOT NULL, region TEXT NOT NULL, since TEXT NOT NULL,
  PRIMARY KEY (alert_id, opened_at)
) WITHOUT ROWID;
CREATE INDEX alert_spans_open ON alert_spans (alert_id) WHERE resolved_at IS NULL;
INSERT INTO alert_spans (alert_id, opened_at, resolved_at, rule, severity, unit_id, region, since)
  SELECT id, first_seen, CASE WHEN state = 'resolved' THEN resolved_at END, rule, severity, unit_id, region, since
  FROM alert_alerts;

-- An open alert without an open span opens one: at its first sighting, or when it reopened.
CREATE TRIGGER alert_spans_open AFTER INSERT ON alert_alerts
WHEN NEW.state <> 'resolved' AND NOT EXISTS (SELECT 1 FROM alert_spans WHERE alert_id = NEW.id AND resolved_at IS NULL)
BEGIN
  INSERT INTO alert_spans (alert_id, opened_at, resolved_at, rule, severity, unit_id, region, since)
  VALUES (NEW.id,
          CASE WHEN EXISTS (SELECT 1 FROM alert_spans WHERE alert_id = NEW.id) THEN NEW.last_seen ELSE NEW.first_seen END,
          NULL, NEW.rule, NEW.severity, NEW.unit_id, NEW.region, NEW.since);
END;
-- An open alert's content may change (its since, its region): the open span follows.
CREATE TRIGGER alert_spans_follow AFTER INSERT ON alert_alerts WHEN NEW.state <> 'resolved'
BEGIN
  UPDATE alert_spans SET since = NEW.since, region = NEW.region, severity = NEW.severity
  WHERE alert_id = NEW.id AND resolved_at IS NULL;
END;
-- A resolved alert closes its open span.
CREATE TRIGGER alert_spans_close AFTER INSERT ON alert_alerts WHEN NEW.state = 'resolved'
BEGIN
  UPDATE alert_spans SET resolved_at = NEW.resolved_at WHERE alert_id = NEW.id AND resolved_at IS NULL;
END;
)sql";

// Version 5: the spans by when they opened and when they resolved, for a trend of recent weeks
// (the console's overview) that reads those weeks only, not the whole history.
constexpr std::string_view kVersion5 = R"sql(
CREATE INDEX alert_spans_opened ON alert_spans (opened_at);
CREATE INDEX alert_spans_resolved ON alert_spans (resolved_at) WHERE resolved_at IS NOT NULL;
)sql";

// PostgreSQL: the alert tables as version 5 left them, in one step. Text compares bytewise, as
// in SQLite (store::postgresTypes); identities are never handed out twice, as AUTOINCREMENT's.
// An alert row is saved by an upsert here (a replace in SQLite, whose triggers fire on insert):
// one trigger after either keeps the spans as SQLite's three do.
constexpr std::string_view kPostgresVersion5 = R"sql(
CREATE TABLE alert_alerts (
  id TEXT PRIMARY KEY CHECK (id <> ''),
  rule TEXT NOT NULL, severity TEXT NOT NULL, unit_id TEXT NOT NULL, person_id TEXT NOT NULL,
  region TEXT NOT NULL, sources TEXT NOT NULL, roles TEXT NOT NULL, since TEXT NOT NULL,
  summary_zh TEXT NOT NULL, summary_en TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('firing', 'acknowledged', 'resolved')),
  first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, resolved_at TEXT,
  acknowledged_by TEXT NOT NULL, acknowledge_comment TEXT NOT NULL, acknowledged_at TEXT,
  escalated_at TEXT, silenced_by TEXT NOT NULL, inhibited_by TEXT NOT NULL,
  silence_expiry_note TEXT NOT NULL, evidence TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE alert_acknowledgements (
  alert_id TEXT NOT NULL, seq BIGINT NOT NULL, by_whom TEXT NOT NULL, caller TEXT NOT NULL,
  at TEXT NOT NULL, comment TEXT NOT NULL,
  PRIMARY KEY (alert_id, seq)
);
CREATE TABLE alert_groups (
  key TEXT PRIMARY KEY, receiver TEXT NOT NULL, route_key TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('notify', 'escalation')), labels TEXT NOT NULL,
  created_at TEXT NOT NULL, last_sent_at TEXT, sequence BIGINT NOT NULL
);
CREATE TABLE alert_group_members (
  group_key TEXT NOT NULL, alert_id TEXT NOT NULL, notified_firing BIGINT NOT NULL,
  notified_at TEXT, notified_note TEXT NOT NULL,
  PRIMARY KEY (group_key, alert_id)
);
CREATE TABLE alert_silences (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id TEXT NOT NULL UNIQUE, match TEXT NOT NULL,
  reason TEXT NOT NULL, author TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL,
  ended_at TEXT, end_reason TEXT NOT NULL, held_any BIGINT NOT NULL, created_by TEXT NOT NULL DEFAULT ''
);
CREATE TABLE alert_outbox (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, receiver TEXT NOT NULL, group_key TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE, notification TEXT NOT NULL, created_at TEXT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '', leased_until TEXT,
  delivered_at TEXT, receipt TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alert_outbox_pending ON alert_outbox (receiver, id) WHERE delivered_at IS NULL;
CREATE TABLE alert_attempts (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, message_id BIGINT NOT NULL, receiver TEXT NOT NULL,
  started_at TEXT NOT NULL
);
CREATE INDEX alert_attempts_receiver ON alert_attempts (receiver, started_at);
CREATE TABLE alert_receivers (
  receiver TEXT PRIMARY KEY, consecutive_failures BIGINT NOT NULL, failures_total BIGINT NOT NULL,
  delivered_total BIGINT NOT NULL, failing_since TEXT, last_success TEXT, next_attempt_at TEXT,
  last_error TEXT NOT NULL
);
CREATE TABLE alert_spans (
  alert_id TEXT NOT NULL, opened_at TEXT NOT NULL, resolved_at TEXT,
  rule TEXT NOT NULL, severity TEXT NOT NULL, unit_id TEXT NOT NULL, region TEXT NOT NULL, since TEXT NOT NULL,
  PRIMARY KEY (alert_id, opened_at)
);
CREATE INDEX alert_spans_open ON alert_spans (alert_id) WHERE resolved_at IS NULL;
CREATE INDEX alert_spans_opened ON alert_spans (opened_at);
CREATE INDEX alert_spans_resolved ON alert_spans (resolved_at) WHERE resolved_at IS NOT NULL;
CREATE FUNCTION alert_spans_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state = 'resolved' THEN
    -- A resolved alert closes its open span.
    UPDATE alert_spans SET resolved_at = NEW.resolved_at WHERE alert_id = NEW.id AND resolved_at IS NULL;
  ELSIF NOT EXISTS (SELECT 1 FROM alert_spans WHERE alert_id = NEW.id AND resolved_at IS NULL) THEN
    -- An open alert without an open span opens one: at its first sighting, or when it reopened.
    INSERT INTO alert_spans (alert_id, opened_at, resolved_at, rule, severity, unit_id, region, since)
    VALUES (NEW.id,
            CASE WHEN EXISTS (SELECT 1 FROM alert_spans WHERE alert_id = NEW.id) THEN NEW.last_seen
                 ELSE NEW.first_seen END,
            NULL, NEW.rule, NEW.severity, NEW.unit_id, NEW.region, NEW.since);
  ELSE
    -- An open alert's content may change (its since, its region): the open span follows.
    UPDATE alert_spans SET since = NEW.since, region = NEW.region, severity = NEW.severity
    WHERE alert_id = NEW.id AND resolved_at IS NULL;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER alert_spans_follow AFTER INSERT OR UPDATE ON alert_alerts
  FOR EACH ROW EXECUTE FUNCTION alert_spans_follow();
)sql";

constexpr std::array kMigrations{Migration{1, kVersion1, nullptr}, Migration{2, kVersion2, &rekeyGroups},
                                 Migration{3, kVersion3, nullptr}, Migration{4, kVersion4, nullptr},
                                 Migration{5, kVersion5, nullptr}};
static_assert(kMigrations.back().version == kAlertSchemaVersion);

}  // namespace

Result<void> migrateAlertSchema(Database& connection) {
  // Versioned in a table of its own: the file's user_version is the ledger's.
  constexpr store::SchemaOwner kOwner{"alert schema", "alert_schema"};
  if (connection.dialect() == store::Dialect::postgresql) {
    static const std::string script = store::postgresTypes(kPostgresVersion5);
    const std::array migrations{Migration{kAlertSchemaVersion, script, nullptr}};
    return store::migrate(connection, kOwner, migrations);
  }
  return store::migrate(connection, kOwner, kMigrations);
}

std::string replaceRow(const Database& connection, std::string_view table, std::string_view key,
                       std::string_view columns, std::string_view values) {
  if (connection.dialect() == store::Dialect::sqlite) {
    return fmt::format("INSERT OR REPLACE INTO {} ({}) VALUES ({})", table, columns, values);
  }
  const auto names = [](std::string_view list) {
    std::vector<std::string_view> out;
    while (!list.empty()) {
      const auto comma = list.find(',');
      auto name = list.substr(0, comma);
      while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
      while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
      out.push_back(name);
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
    return out;
  };
  const auto keys = names(key);
  std::string updates;
  for (const auto column : names(columns)) {
    if (std::find(keys.begin(), keys.end(), column) != keys.end()) continue;
    updates += fmt::format("{}{} = excluded.{}", updates.empty() ? "" : ", ", column, column);
  }
  return fmt::format("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {}", table, columns, values, key,
                     updates);
}

}  // namespace staffchain::alerts::detail
