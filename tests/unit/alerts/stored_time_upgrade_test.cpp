// An alert store of version 2, whose times were INTEGER milliseconds, upgraded in place to the
// stored-time text: every time column of every table, read back as the same instants.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "alert_test_support.hpp"
#include "staffchain/store/stored_time.hpp"

namespace staffchain::alerts {
namespace {

using namespace testing;
using chain::Severity;
using ::testing::ElementsAre;

// Every row of `sql`, columns joined by '|' (NULL as "<null>").
std::vector<std::string> rows(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  std::vector<std::string> out;
  while (statement != nullptr && sqlite3_step(statement) == SQLITE_ROW) {
    std::string row;
    for (int i = 0; i < sqlite3_column_count(statement); ++i) {
      if (i > 0) row += '|';
      const auto* text = sqlite3_column_text(statement, i);
      row += text == nullptr ? std::string("<null>") : std::string(reinterpret_cast<const char*>(text));
    }
    out.push_back(std::move(row));
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return out;
}

void exec(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

std::int64_t millis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string stored(TimePoint t) {
  return store::storedTime(t);
}

// The alert tables as version 2 left them, typed out rather than taken from the library so
// that an edit to a released migration shows up as a failing test.
constexpr const char* kVersion2Tables = R"sql(
CREATE TABLE alert_schema (version INTEGER NOT NULL);
INSERT INTO alert_schema (version) VALUES (2);
CREATE TABLE alert_alerts (
  id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
  rule TEXT NOT NULL, severity TEXT NOT NULL, unit_id TEXT NOT NULL, person_id TEXT NOT NULL,
  region TEXT NOT NULL, sources TEXT NOT NULL, roles TEXT NOT NULL, since TEXT NOT NULL,
  summary_zh TEXT NOT NULL, summary_en TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('firing', 'acknowledged', 'resolved')),
  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, resolved_at INTEGER,
  acknowledged_by TEXT NOT NULL, acknowledge_comment TEXT NOT NULL, acknowledged_at INTEGER,
  escalated_at INTEGER, silenced_by TEXT NOT NULL, inhibited_by TEXT NOT NULL,
  silence_expiry_note TEXT NOT NULL, evidence TEXT NOT NULL DEFAULT '[]'
) WITHOUT ROWID;
CREATE TABLE alert_acknowledgements (
  alert_id TEXT NOT NULL, seq INTEGER NOT NULL, by_whom TEXT NOT NULL, caller TEXT NOT NULL,
  at INTEGER NOT NULL, comment TEXT NOT NULL,
  PRIMARY KEY (alert_id, seq)
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
  ended_at INTEGER, end_reason TEXT NOT NULL, held_any INTEGER NOT NULL, created_by TEXT NOT NULL DEFAULT ''
);
CREATE TABLE alert_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, receiver TEXT NOT NULL, group_key TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE, notification TEXT NOT NULL, created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '', leased_until INTEGER,
  delivered_at INTEGER, receipt TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alert_outbox_pending ON alert_outbox (receiver, id) WHERE delivered_at IS NULL;
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

// What a version 2 daemon left: an acknowledged and escalated alert, a resolved one, a group
// with a member told, a silence that ended (the sequence past it, as after a deleted row), an
// outbox with one message delivered and two waiting for dingtalk, which took its 20 messages of
// this minute (its rate limit) and fails since minute 0.
void writeVersion2Store(const std::filesystem::path& ledger, const std::string& acked, const std::string& resolved) {
  std::string sql = kVersion2Tables;
  const std::string alert =
      "INSERT INTO alert_alerts VALUES ('{}', 'CHAIN-003', 'major', '{}', '{}', '150702', '[\"payroll\"]', "
      "'[\"finance\"]', '2024-03-01', 's', 's', '{}', {}, {}, {}, '{}', '', {}, {}, '', '[]', '', '[]');";
  sql += fmt::format(fmt::runtime(alert), acked, unit(1), person(1), "acknowledged", millis(at(0)), millis(at(3)),
                     "NULL", "周", millis(at(2)), millis(at(4)));
  sql += fmt::format(fmt::runtime(alert), resolved, unit(2), person(2), "resolved", millis(at(0)), millis(at(1)),
                     millis(at(5)), "", "NULL", "NULL");
  sql += fmt::format("INSERT INTO alert_acknowledgements VALUES ('{}', 1, '周', 'ops-token', {}, '已联系单位');", acked,
                     millis(at(2)));
  sql += fmt::format(
      "INSERT INTO alert_groups VALUES ('g1', 'dingtalk', '0', 'notify', '[[\"rule\",\"CHAIN-003\"]]', {}, {}, 2);"
      "INSERT INTO alert_group_members VALUES ('g1', '{}', 1, {}, '');",
      millis(at(0)), millis(at(1)), acked, millis(at(1)));
  sql += fmt::format(
      "INSERT INTO alert_silences VALUES (1, 'S000001', '{{\"rules\":[\"CHAIN-009\"]}}', 'audit', '王', {}, {}, {}, "
      "'expired', 0, 'ops-token');"
      "UPDATE sqlite_sequence SET seq = 4 WHERE name = 'alert_silences';",
      millis(at(0)), millis(at(60)), millis(at(60)));
  const std::string message =
      "INSERT INTO alert_outbox (id, receiver, group_key, idempotency_key, notification, created_at, attempts, "
      "delivered_at) VALUES ({}, 'dingtalk', 'g1', 'k{}', '{{\"receiver\":\"dingtalk\",\"title\":\"t{}\"}}', {}, {}, "
      "{});";
  sql += fmt::format(fmt::runtime(message), 1, 1, 1, millis(at(1)), 1, millis(at(2)));
  sql += fmt::format(fmt::runtime(message), 2, 2, 2, millis(at(6)), 0, "NULL");
  sql += fmt::format(fmt::runtime(message), 3, 3, 3, millis(at(7)), 0, "NULL");
  for (int i = 0; i < 20; ++i) {
    sql += fmt::format("INSERT INTO alert_attempts (message_id, receiver, started_at) VALUES (1, 'dingtalk', {});",
                       millis(at(10) + std::chrono::seconds(i)));
  }
  sql += fmt::format("INSERT INTO alert_receivers VALUES ('dingtalk', 1, 4, 1, {}, {}, {}, 'HTTP 503');", millis(at(0)),
                     millis(at(2)), millis(at(9)));
  exec(ledger, sql);
}

TEST(AlertStoreUpgrade, IntegerMillisecondsBecomeStoredTimesOfTheSameInstants) {
  ScratchDir dir;
  const auto acked = finding("CHAIN-003", Severity::major, unit(1), person(1));
  const auto resolved = finding("CHAIN-003", Severity::major, unit(2), person(2));
  writeVersion2Store(dir.ledger().file, acked.fingerprint, resolved.fingerprint);

  auto settings = settingsFor({"dingtalk"});
  settings.receivers["dingtalk"].messages_per_minute = 20;
  auto manager = openManager(dir.ledger(), settings);
  ASSERT_NE(manager, nullptr);
  EXPECT_THAT(rows(dir.ledger().file, "SELECT version FROM alert_schema"), ElementsAre("5"));
  // Version 4: every alert has the span its row knows, the resolved one closed.
  EXPECT_THAT(
      rows(dir.ledger().file, "SELECT opened_at, resolved_at FROM alert_spans ORDER BY resolved_at IS NULL DESC"),
      ElementsAre(stored(at(0)) + "|<null>", stored(at(0)) + "|" + stored(at(5))));

  const auto first = manager->alert(acked.fingerprint);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->first_seen, at(0));
  EXPECT_EQ(first->last_seen, at(3));
  EXPECT_EQ(first->acknowledged_at, at(2));
  EXPECT_EQ(first->escalated_at, at(4));
  EXPECT_EQ(first->resolved_at, std::nullopt);
  ASSERT_EQ(first->acknowledgements.size(), 1U);
  EXPECT_EQ(first->acknowledgements[0].at, at(2));
  EXPECT_EQ(first->acknowledgements[0].caller, "ops-token");
  const auto second = manager->alert(resolved.fingerprint);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->resolved_at, at(5));
  EXPECT_EQ(second->acknowledged_at, std::nullopt);

  const auto silences = manager->silences(true);
  ASSERT_EQ(silences.size(), 1U);
  EXPECT_EQ(silences[0].created_at, at(0));
  EXPECT_EQ(silences[0].expires_at, at(60));
  EXPECT_EQ(silences[0].ended_at, at(60));

  auto outbox = manager->outbox(true);
  ASSERT_TRUE(outbox) << outbox.error().message;
  ASSERT_EQ(outbox->size(), 3U);
  EXPECT_EQ((*outbox)[0].created_at, at(1));
  EXPECT_EQ((*outbox)[2].created_at, at(7));

  // Every time column of every table holds text now, the same instant, typed TEXT.
  EXPECT_THAT(rows(dir.ledger().file,
                   "SELECT first_seen, last_seen, resolved_at, acknowledged_at, escalated_at "
                   "FROM alert_alerts WHERE state = 'acknowledged'"),
              ElementsAre(stored(at(0)) + "|" + stored(at(3)) + "|<null>|" + stored(at(2)) + "|" + stored(at(4))));
  EXPECT_THAT(rows(dir.ledger().file, "SELECT at FROM alert_acknowledgements"), ElementsAre(stored(at(2))));
  EXPECT_THAT(rows(dir.ledger().file, "SELECT created_at, last_sent_at FROM alert_groups"),
              ElementsAre(stored(at(0)) + "|" + stored(at(1))));
  EXPECT_THAT(rows(dir.ledger().file, "SELECT notified_at FROM alert_group_members"), ElementsAre(stored(at(1))));
  EXPECT_THAT(rows(dir.ledger().file, "SELECT created_at, expires_at, ended_at FROM alert_silences"),
              ElementsAre(stored(at(0)) + "|" + stored(at(60)) + "|" + stored(at(60))));
  EXPECT_THAT(rows(dir.ledger().file, "SELECT created_at, leased_until, delivered_at FROM alert_outbox WHERE id = 1"),
              ElementsAre(stored(at(1)) + "|<null>|" + stored(at(2))));
  EXPECT_THAT(rows(dir.ledger().file, "SELECT min(started_at), max(started_at) FROM alert_attempts"),
              ElementsAre(stored(at(10)) + "|" + stored(at(10) + std::chrono::seconds(19))));
  EXPECT_THAT(rows(dir.ledger().file, "SELECT failing_since, last_success, next_attempt_at FROM alert_receivers"),
              ElementsAre(stored(at(0)) + "|" + stored(at(2)) + "|" + stored(at(9))));
  EXPECT_THAT(rows(dir.ledger().file,
                   "SELECT DISTINCT typeof(t) FROM (SELECT first_seen AS t FROM alert_alerts UNION ALL SELECT at FROM "
                   "alert_acknowledgements UNION ALL SELECT created_at FROM alert_outbox UNION ALL SELECT started_at "
                   "FROM alert_attempts UNION ALL SELECT created_at FROM alert_silences)"),
              ElementsAre("text"));
  EXPECT_THAT(rows(dir.ledger().file,
                   "SELECT DISTINCT p.type FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' "
                   "AND m.name LIKE 'alert%' AND (p.name LIKE '%_at' OR p.name LIKE '%_seen' OR p.name IN ('at', "
                   "'last_success', 'failing_since', 'leased_until'))"),
              ElementsAre("TEXT"));
  EXPECT_THAT(
      rows(dir.ledger().file, "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'alert%' ORDER BY 1"),
      ElementsAre("alert_attempts_receiver", "alert_outbox_pending", "alert_spans_open", "alert_spans_opened",
                  "alert_spans_resolved"));
}

TEST(AlertStoreUpgrade, TimesComparedInSqlStillPaceAndAgeAfterTheUpgrade) {
  ScratchDir dir;
  const auto acked = finding("CHAIN-003", Severity::major, unit(1), person(1));
  const auto resolved = finding("CHAIN-003", Severity::major, unit(2), person(2));
  writeVersion2Store(dir.ledger().file, acked.fingerprint, resolved.fingerprint);
  auto settings = settingsFor({"dingtalk"});
  settings.receivers["dingtalk"].messages_per_minute = 20;
  auto manager = openManager(dir.ledger(), settings);
  ASSERT_NE(manager, nullptr);

  // The 20 hand-outs of minute 10 (read from the attempt log by a text comparison) leave
  // nothing for the rest of that minute; once it has passed, the failing receiver gets its
  // one probe.
  auto paced = manager->dueMessages(at(10) + std::chrono::seconds(30), 10);
  ASSERT_TRUE(paced) << paced.error().message;
  EXPECT_TRUE(paced->empty());
  auto next = manager->nextDelivery(at(10) + std::chrono::seconds(30));
  ASSERT_TRUE(next && next->has_value());
  EXPECT_GT(**next, at(10) + std::chrono::seconds(30));
  auto due = manager->dueMessages(at(11) + std::chrono::seconds(20), 10);
  ASSERT_TRUE(due) << due.error().message;
  EXPECT_EQ(due->size(), 1U);

  // The receiver fails since minute 0: not yet a broken channel at minute 10, one at minute 20.
  EXPECT_TRUE(manager->linkFindings(at(10)).empty());
  EXPECT_EQ(manager->linkFindings(at(20)).size(), 1U);

  // The silences' sequence went on past the deleted rows: no id is handed out twice.
  SilenceMatch match;
  match.rules = {"CHAIN-009"};
  auto silence = manager->createSilence(silenceOf(match, "audit", "王", std::chrono::hours(1)), at(30));
  ASSERT_TRUE(silence) << silence.error().message;
  EXPECT_EQ(silence->id, "S000005");
}

TEST(AlertStoreUpgrade, ATimeLeftUnreadableIsRefusedNamingTableAndColumn) {
  ScratchDir dir;
  const auto acked = finding("CHAIN-003", Severity::major, unit(1), person(1));
  const auto resolved = finding("CHAIN-003", Severity::major, unit(2), person(2));
  writeVersion2Store(dir.ledger().file, acked.fingerprint, resolved.fingerprint);
  exec(dir.ledger().file, "UPDATE alert_silences SET expires_at = 'next week'");

  auto opened = AlertManager::open(dir.ledger(), settingsFor({"dingtalk"}));
  ASSERT_FALSE(opened);
  EXPECT_THAT(opened.error().message, ::testing::HasSubstr("alert store " + dir.ledger().file.string()));
  EXPECT_THAT(opened.error().message,
              ::testing::HasSubstr("loading silences failed: alert_silences.expires_at holds 'next week', which is "
                                   "not a time as stored"));
}

}  // namespace
}  // namespace staffchain::alerts
