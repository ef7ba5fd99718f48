// A ledger of version 5, whose times were ISO text to the second, upgraded in place to the
// stored-time form: every time column of every table, the notices' included, read back as the
// same instants; calendar dates untouched.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ledger_samples.hpp"
#include "sqlite_query.hpp"
#include "staffchain/ledger/notice_outbox.hpp"
#include "staffchain/ledger/sql_ledger.hpp"
#include "temp_dir.hpp"

namespace staffchain::ledger {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono;

// The ledger as version 5 left it, typed out rather than taken from the library so that an
// edit to a released migration shows up as a failing test.
constexpr const char* kVersion5Tables = R"sql(
CREATE TABLE connectors (name TEXT PRIMARY KEY NOT NULL CHECK (name <> ''), cursor TEXT, cursor_updated_at TEXT,
  first_seen TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE units (connector TEXT NOT NULL REFERENCES connectors (name),
  record_key TEXT NOT NULL CHECK (record_key <> ''), source_row INTEGER NOT NULL, content_hash INTEGER NOT NULL,
  version INTEGER NOT NULL, first_seen TEXT NOT NULL, updated_at TEXT NOT NULL, unit_id TEXT NOT NULL,
  name TEXT NOT NULL, region TEXT NOT NULL, parent_id TEXT, kind TEXT NOT NULL, funding TEXT NOT NULL,
  PRIMARY KEY (connector, record_key)) WITHOUT ROWID;
CREATE TABLE quotas (connector TEXT NOT NULL REFERENCES connectors (name),
  record_key TEXT NOT NULL CHECK (record_key <> ''), source_row INTEGER NOT NULL, content_hash INTEGER NOT NULL,
  version INTEGER NOT NULL, first_seen TEXT NOT NULL, updated_at TEXT NOT NULL, unit_id TEXT NOT NULL,
  estab_type TEXT NOT NULL, approved INTEGER NOT NULL, effective_from TEXT NOT NULL, doc_no TEXT NOT NULL,
  PRIMARY KEY (connector, record_key)) WITHOUT ROWID;
CREATE TABLE leader_quotas (connector TEXT NOT NULL REFERENCES connectors (name),
  record_key TEXT NOT NULL CHECK (record_key <> ''), source_row INTEGER NOT NULL, content_hash INTEGER NOT NULL,
  version INTEGER NOT NULL, first_seen TEXT NOT NULL, updated_at TEXT NOT NULL, unit_id TEXT NOT NULL,
  level TEXT NOT NULL, rank TEXT NOT NULL, approved INTEGER NOT NULL,
  PRIMARY KEY (connector, record_key)) WITHOUT ROWID;
CREATE TABLE approvals (connector TEXT NOT NULL REFERENCES connectors (name),
  record_key TEXT NOT NULL CHECK (record_key <> ''), source_row INTEGER NOT NULL, content_hash INTEGER NOT NULL,
  version INTEGER NOT NULL, first_seen TEXT NOT NULL, updated_at TEXT NOT NULL, approval_id TEXT NOT NULL,
  unit_id TEXT NOT NULL, estab_type TEXT NOT NULL, slots INTEGER NOT NULL, issued_on TEXT NOT NULL,
  valid_until TEXT NOT NULL, purpose TEXT NOT NULL, PRIMARY KEY (connector, record_key)) WITHOUT ROWID;
CREATE TABLE roster (connector TEXT NOT NULL REFERENCES connectors (name),
  record_key TEXT NOT NULL CHECK (record_key <> ''), source_row INTEGER NOT NULL, content_hash INTEGER NOT NULL,
  version INTEGER NOT NULL, first_seen TEXT NOT NULL, updated_at TEXT NOT NULL, person_id TEXT NOT NULL,
  name TEXT NOT NULL, unit_id TEXT NOT NULL, estab_type TEXT NOT NULL, entered_on TEXT NOT NULL,
  approval_id TEXT NOT NULL, leader_level TEXT NOT NULL, leader_rank TEXT NOT NULL,
  PRIMARY KEY (connector, record_key)) WITHOUT ROWID;
CREATE TABLE movements (connector TEXT NOT NULL REFERENCES connectors (name),
  record_key TEXT NOT NULL CHECK (record_key <> ''), source_row INTEGER NOT NULL, content_hash INTEGER NOT NULL,
  version INTEGER NOT NULL, first_seen TEXT NOT NULL, updated_at TEXT NOT NULL, movement_id TEXT NOT NULL,
  source TEXT NOT NULL, kind TEXT NOT NULL, person_id TEXT NOT NULL, name TEXT NOT NULL, unit_id TEXT NOT NULL,
  from_unit_id TEXT, effective_on TEXT NOT NULL, recorded_on TEXT, approval_id TEXT NOT NULL,
  leader_level TEXT NOT NULL, leader_rank TEXT NOT NULL, PRIMARY KEY (connector, record_key)) WITHOUT ROWID;
CREATE TABLE payroll (connector TEXT NOT NULL REFERENCES connectors (name),
  record_key TEXT NOT NULL CHECK (record_key <> ''), source_row INTEGER NOT NULL, content_hash INTEGER NOT NULL,
  version INTEGER NOT NULL, first_seen TEXT NOT NULL, updated_at TEXT NOT NULL, person_id TEXT NOT NULL,
  unit_id TEXT NOT NULL, month TEXT NOT NULL, funding TEXT NOT NULL, gross_fen INTEGER NOT NULL,
  PRIMARY KEY (connector, record_key)) WITHOUT ROWID;
CREATE TABLE deaths (connector TEXT NOT NULL REFERENCES connectors (name),
  record_key TEXT NOT NULL CHECK (record_key <> ''), source_row INTEGER NOT NULL, content_hash INTEGER NOT NULL,
  version INTEGER NOT NULL, first_seen TEXT NOT NULL, updated_at TEXT NOT NULL, person_id TEXT NOT NULL,
  died_on TEXT NOT NULL, source TEXT NOT NULL, PRIMARY KEY (connector, record_key)) WITHOUT ROWID;
CREATE TABLE movement_history (seq INTEGER PRIMARY KEY, connector TEXT NOT NULL, record_key TEXT NOT NULL,
  change TEXT NOT NULL CHECK (change IN ('inserted', 'updated', 'removed')), recorded_at TEXT NOT NULL,
  source_row INTEGER NOT NULL, movement_id TEXT NOT NULL, source TEXT NOT NULL, kind TEXT NOT NULL,
  person_id TEXT NOT NULL, name TEXT NOT NULL, unit_id TEXT NOT NULL, from_unit_id TEXT,
  effective_on TEXT NOT NULL, recorded_on TEXT, approval_id TEXT NOT NULL, leader_level TEXT NOT NULL,
  leader_rank TEXT NOT NULL);
CREATE INDEX movement_history_person ON movement_history (person_id, seq);
CREATE TRIGGER movement_history_no_update BEFORE UPDATE ON movement_history
BEGIN SELECT RAISE(ABORT, 'movement_history is append-only'); END;
CREATE TRIGGER movement_history_no_delete BEFORE DELETE ON movement_history
BEGIN SELECT RAISE(ABORT, 'movement_history is append-only'); END;
CREATE TABLE removals (seq INTEGER PRIMARY KEY, connector TEXT NOT NULL, record_type TEXT NOT NULL,
  record_key TEXT NOT NULL, removed_at TEXT NOT NULL);
CREATE TABLE quarantine (connector TEXT NOT NULL REFERENCES connectors (name), source TEXT NOT NULL,
  record_type TEXT NOT NULL, origin TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, reason TEXT NOT NULL,
  first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, times_seen INTEGER NOT NULL,
  unit_id TEXT NOT NULL DEFAULT '', person_id TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (connector, source, record_type, origin, field, value, reason)) WITHOUT ROWID;
CREATE INDEX quarantine_last_seen ON quarantine (last_seen);
CREATE TABLE notices (id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''), sink TEXT NOT NULL, action TEXT NOT NULL,
  target_system TEXT NOT NULL, person_id TEXT NOT NULL, unit_id TEXT NOT NULL, deadline TEXT NOT NULL,
  fields TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'completed', 'overdue', 'dry_run')),
  created_at TEXT NOT NULL, delivered_at TEXT, completed_at TEXT, attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL, last_error TEXT NOT NULL DEFAULT '', receipt TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX notices_state ON notices (state, next_attempt_at);
CREATE INDEX notices_person ON notices (person_id);
CREATE TABLE notice_history (seq INTEGER PRIMARY KEY, notice_id TEXT NOT NULL, at TEXT NOT NULL,
  event TEXT NOT NULL, detail TEXT NOT NULL);
CREATE INDEX notice_history_notice ON notice_history (notice_id, seq);
CREATE TABLE snapshot_marks (connector TEXT NOT NULL, record_type TEXT NOT NULL, record_key TEXT NOT NULL,
  pattern INTEGER NOT NULL, PRIMARY KEY (connector, record_type, pattern, record_key)) WITHOUT ROWID;
CREATE TABLE held_snapshots (id INTEGER PRIMARY KEY, connector TEXT NOT NULL, record_type TEXT NOT NULL,
  name TEXT NOT NULL, stored INTEGER NOT NULL, after_count INTEGER NOT NULL, removed INTEGER NOT NULL,
  units TEXT NOT NULL, held_at TEXT NOT NULL, resolved_at TEXT NOT NULL DEFAULT '');
CREATE INDEX held_snapshots_open ON held_snapshots (connector, record_type, resolved_at);
PRAGMA user_version = 5;
)sql";

// What a version 5 daemon left, with a time in every time column.
constexpr const char* kVersion5Rows = R"sql(
INSERT INTO connectors VALUES ('estab', 'page-7', '2023-12-01T00:00:00Z', '2023-11-01T00:00:00Z'),
  ('hr', NULL, NULL, '2023-11-02T08:30:15Z');
INSERT INTO units VALUES ('estab', '121507000000000001Y', 4, 77, 2, '2023-11-01T00:00:00Z', '2023-12-01T00:00:00Z',
  '121507000000000001Y', '海拉尔区教育局', '150702', NULL, 'organ', 'full');
INSERT INTO movements VALUES ('hr', 'HR-1', 3, 78, 1, '2023-11-02T08:30:15Z', '2023-11-02T08:30:15Z', 'HR-1', 'hr',
  'hire', '11010519491231002X', '张三', '121507000000000001Y', NULL, '2023-10-01', '2023-10-02', '', '', '');
INSERT INTO movement_history (connector, record_key, change, recorded_at, source_row, movement_id, source, kind,
  person_id, name, unit_id, from_unit_id, effective_on, recorded_on, approval_id, leader_level, leader_rank)
  VALUES ('hr', 'HR-1', 'inserted', '2023-11-02T08:30:15Z', 3, 'HR-1', 'hr', 'hire', '11010519491231002X', '张三',
  '121507000000000001Y', NULL, '2023-10-01', '2023-10-02', '', '', '');
INSERT INTO removals (connector, record_type, record_key, removed_at)
  VALUES ('estab', 'roster', '11010519491231002X|121507000000000001Y', '2023-12-01T00:00:00Z');
INSERT INTO quarantine VALUES ('estab', 'roster.csv', 'roster', 'roster.csv:9', 'person_id', '1507', 'too short',
  '2023-11-01T00:00:00Z', '2023-12-01T00:00:00Z', 2, '', '');
INSERT INTO notices (id, sink, action, target_system, person_id, unit_id, deadline, fields, state, created_at,
  delivered_at, completed_at, attempts, next_attempt_at) VALUES
  ('n-1', 'finance_pg', 'pay_start', 'finance', '11010519491231002X', '121507000000000001Y', '2023-11-15',
   '[["effective_on","2023-10-01"]]', 'pending', '2023-11-02T08:30:15Z', NULL, NULL, 2, '2023-11-02T09:00:00Z'),
  ('n-2', 'estab_out', 'roster_add', 'estab', '11010519491231002X', '121507000000000001Y', '2023-11-15',
   '[["effective_on","2023-10-01"]]', 'completed', '2023-11-02T08:30:15Z', '2023-11-02T08:31:00Z',
   '2023-11-20T10:00:00Z', 1, '2023-11-02T08:30:15Z');
INSERT INTO notice_history (notice_id, at, event, detail) VALUES
  ('n-1', '2023-11-02T08:30:15Z', 'written', 'pay_start'), ('n-1', '2023-11-02T08:40:00Z', 'failed', 'down'),
  ('n-2', '2023-11-02T08:30:15Z', 'written', 'roster_add'), ('n-2', '2023-11-02T08:31:00Z', 'delivered', 'ok'),
  ('n-2', '2023-11-20T10:00:00Z', 'completed', 'on the roster');
INSERT INTO held_snapshots (connector, record_type, name, stored, after_count, removed, units, held_at, resolved_at)
  VALUES ('estab', 'roster', 'roster-1.csv', 100, 10, 90, '[]', '2023-11-05T06:00:00Z', '2023-11-06T06:00:00Z'),
         ('estab', 'roster', 'roster-2.csv', 100, 0, 100, '[]', '2023-12-05T06:00:00Z', '');
)sql";

class StoredTimeMigrationTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::sqliteExec(file_, std::string(kVersion5Tables) + kVersion5Rows); }

  std::vector<std::string> query(const std::string& sql) const { return testing::sqliteQuery(file_, sql); }

  testing::TempDir dir_;
  std::filesystem::path file_ = dir_.path() / "v5.db";
};

TEST_F(StoredTimeMigrationTest, EveryTimeOfAVersion5LedgerIsStoredToTheMillisecondAsTheSameInstant) {
  auto ledger = SqlLedger::open(file_);
  ASSERT_TRUE(ledger) << ledger.error().message;
  EXPECT_THAT(query("PRAGMA user_version"), ElementsAre(std::to_string(SqlLedger::kSchemaVersion)));

  EXPECT_THAT(
      query("SELECT name, cursor_updated_at, first_seen FROM connectors ORDER BY name"),
      ElementsAre("estab|2023-12-01T00:00:00.000Z|2023-11-01T00:00:00.000Z", "hr|<null>|2023-11-02T08:30:15.000Z"));
  EXPECT_THAT(query("SELECT first_seen, updated_at FROM units"),
              ElementsAre("2023-11-01T00:00:00.000Z|2023-12-01T00:00:00.000Z"));
  EXPECT_THAT(query("SELECT first_seen, updated_at, effective_on, recorded_on FROM movements"),
              ElementsAre("2023-11-02T08:30:15.000Z|2023-11-02T08:30:15.000Z|2023-10-01|2023-10-02"));
  EXPECT_THAT(query("SELECT recorded_at, effective_on FROM movement_history"),
              ElementsAre("2023-11-02T08:30:15.000Z|2023-10-01"));
  EXPECT_THAT(query("SELECT removed_at FROM removals"), ElementsAre("2023-12-01T00:00:00.000Z"));
  EXPECT_THAT(query("SELECT first_seen, last_seen FROM quarantine"),
              ElementsAre("2023-11-01T00:00:00.000Z|2023-12-01T00:00:00.000Z"));
  EXPECT_THAT(query("SELECT id, deadline, created_at, delivered_at, completed_at, next_attempt_at FROM notices "
                    "ORDER BY id"),
              ElementsAre("n-1|2023-11-15|2023-11-02T08:30:15.000Z|<null>|<null>|2023-11-02T09:00:00.000Z",
                          "n-2|2023-11-15|2023-11-02T08:30:15.000Z|2023-11-02T08:31:00.000Z|"
                          "2023-11-20T10:00:00.000Z|2023-11-02T08:30:15.000Z"));
  EXPECT_THAT(query("SELECT at FROM notice_history ORDER BY seq"),
              ElementsAre("2023-11-02T08:30:15.000Z", "2023-11-02T08:40:00.000Z", "2023-11-02T08:30:15.000Z",
                          "2023-11-02T08:31:00.000Z", "2023-11-20T10:00:00.000Z"));
  EXPECT_THAT(query("SELECT held_at, resolved_at FROM held_snapshots ORDER BY id"),
              ElementsAre("2023-11-05T06:00:00.000Z|2023-11-06T06:00:00.000Z", "2023-12-05T06:00:00.000Z|"));

  // Read through the ledger, the same instants as before.
  auto quarantine = (*ledger)->quarantine(10);
  ASSERT_TRUE(quarantine) << quarantine.error().message;
  ASSERT_EQ(quarantine->size(), 1U);
  EXPECT_EQ((*quarantine)[0].first_seen, "2023-11-01T00:00:00Z");
  EXPECT_EQ((*quarantine)[0].last_seen, "2023-12-01T00:00:00Z");
  auto history = (*ledger)->movementHistory(std::nullopt);
  ASSERT_TRUE(history) << history.error().message;
  ASSERT_EQ(history->size(), 1U);
  EXPECT_EQ((*history)[0].recorded_at, "2023-11-02T08:30:15Z");
  auto held = (*ledger)->heldSnapshots(false);
  ASSERT_TRUE(held) << held.error().message;
  ASSERT_EQ(held->size(), 2U);
  EXPECT_EQ((*held)[0].held_at, "2023-12-05T06:00:00Z");
  EXPECT_EQ((*held)[0].resolved_at, "");
  EXPECT_EQ((*held)[1].held_at, "2023-11-05T06:00:00Z");
  EXPECT_EQ((*held)[1].resolved_at, "2023-11-06T06:00:00Z");
  auto dataset = (*ledger)->loadDataset();
  ASSERT_TRUE(dataset) << dataset.error().message;
  EXPECT_EQ(dataset->movements.size(), 1U);

  auto outbox = NoticeOutbox::open(file_);
  ASSERT_TRUE(outbox) << outbox.error().message;
  auto notices = (*outbox)->list({});
  ASSERT_TRUE(notices) << notices.error().message;
  ASSERT_EQ(notices->size(), 2U);
  EXPECT_EQ((*notices)[0].created_at, "2023-11-02T08:30:15Z");
  EXPECT_EQ((*notices)[1].delivered_at, "2023-11-02T08:31:00Z");
  EXPECT_EQ((*notices)[1].completed_at, "2023-11-20T10:00:00Z");
  EXPECT_EQ((*notices)[0].deadline, "2023-11-15");
  auto next = (*outbox)->nextAttempt();
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(*next, sys_days(year(2023) / 11 / 2) + hours(9));
  auto events = (*outbox)->history("n-2");
  ASSERT_TRUE(events) << events.error().message;
  ASSERT_EQ(events->size(), 3U);
  EXPECT_EQ((*events)[2].at, "2023-11-20T10:00:00Z");
}

TEST_F(StoredTimeMigrationTest, MigratedAndNewTimesCompareInTimeOrder) {
  SqlLedgerOptions options;
  auto now = sys_days(year(2023) / 11 / 2) + hours(8) + minutes(59) + seconds(59) + milliseconds(999);
  options.clock = [&now] { return now; };
  auto ledger = SqlLedger::open(file_, options);
  ASSERT_TRUE(ledger) << ledger.error().message;
  auto outbox = NoticeOutbox::open(file_);
  ASSERT_TRUE(outbox) << outbox.error().message;

  // n-1 was due at 09:00:00 (migrated); a millisecond before, nothing is.
  auto due = (*outbox)->due(now, 10);
  ASSERT_TRUE(due) << due.error().message;
  EXPECT_TRUE(due->empty());
  due = (*outbox)->due(now + milliseconds(1), 10);
  ASSERT_TRUE(due) << due.error().message;
  ASSERT_EQ(due->size(), 1U);
  EXPECT_EQ((*due)[0].id, "n-1");

  // A quarantine entry seen now, a millisecond past the whole second the migrated one was last
  // seen at, lists first.
  now = sys_days(year(2023) / 12 / 1) + milliseconds(1);
  model::QuarantineEntry entry;
  entry.source = "payroll.csv";
  entry.type = model::RecordType::payroll;
  entry.origin = "payroll.csv:3";
  entry.field = "gross_fen";
  entry.value = "-1";
  entry.reason = "negative";
  auto stats = (*ledger)->commitBatch(testing::makeBatch("estab", {}, {}, {entry}));
  ASSERT_TRUE(stats) << stats.error().message;
  auto listed = (*ledger)->quarantine(10);
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 2U);
  EXPECT_EQ((*listed)[0].entry.origin, "payroll.csv:3");
  EXPECT_EQ((*listed)[1].entry.origin, "roster.csv:9");
  EXPECT_THAT(query("SELECT last_seen FROM quarantine ORDER BY last_seen DESC"),
              ElementsAre("2023-12-01T00:00:00.001Z", "2023-12-01T00:00:00.000Z"));
}

TEST_F(StoredTimeMigrationTest, TheMovementHistoryStaysAppendOnly) {
  auto ledger = SqlLedger::open(file_);
  ASSERT_TRUE(ledger) << ledger.error().message;
  EXPECT_THROW(testing::sqliteExec(file_, "UPDATE movement_history SET name = 'x'"), std::runtime_error);
  EXPECT_THROW(testing::sqliteExec(file_, "DELETE FROM movement_history"), std::runtime_error);
  EXPECT_THAT(query("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"),
              ElementsAre("movement_history_no_delete", "movement_history_no_update"));
}

TEST_F(StoredTimeMigrationTest, ATimeOfNeitherFormIsLeftAndRefusedByNameWhenRead) {
  testing::sqliteExec(file_,
                      "UPDATE quarantine SET last_seen = 'yesterday'; "
                      "UPDATE notices SET next_attempt_at = '2023-11-02 09:00' WHERE id = 'n-1';");
  auto ledger = SqlLedger::open(file_);
  ASSERT_TRUE(ledger) << ledger.error().message;
  EXPECT_THAT(query("SELECT last_seen FROM quarantine"), ElementsAre("yesterday"));

  auto quarantine = (*ledger)->quarantine(10);
  ASSERT_FALSE(quarantine);
  EXPECT_THAT(quarantine.error().message, HasSubstr("ledger " + file_.string() +
                                                    ": listing the quarantine failed: "
                                                    "quarantine.last_seen holds 'yesterday', which is not a time as "
                                                    "stored (YYYY-MM-DDTHH:MM:SS.mmmZ, UTC)"));
  // The dataset does not show the times, and loads.
  EXPECT_TRUE((*ledger)->loadDataset());

  auto outbox = NoticeOutbox::open(file_);
  ASSERT_TRUE(outbox) << outbox.error().message;
  auto next = (*outbox)->nextAttempt();
  ASSERT_FALSE(next);
  EXPECT_THAT(next.error().message, HasSubstr("notice outbox " + file_.string()));
  EXPECT_THAT(next.error().message, HasSubstr("notices.next_attempt_at holds '2023-11-02 09:00'"));
  auto listed = (*outbox)->list({});
  ASSERT_FALSE(listed);
  EXPECT_THAT(listed.error().message, HasSubstr("listing notices failed: notices.next_attempt_at holds"));
}

// Version 7: payroll kept by month and unit, and a run of snapshot parts under way at the
// upgrade finished by the upgraded daemon as it would have been before.
TEST_F(StoredTimeMigrationTest, PayrollAndAnUnfinishedRunOfPartsComeThroughTheUpgrade) {
  // Three payroll months of one person; a run over payroll had carried two of them (and one row
  // whose person could not be read, of another unit) when the old daemon stopped.
  const std::string person = "11010519491231002X";
  const std::string unit = "121507000000000001Y";
  std::string rows;
  for (const auto* month : {"2023-10", "2023-11", "2023-12"}) {
    const auto key = person + "|" + unit + "|" + month;
    rows += "INSERT INTO payroll VALUES ('estab', '" + key + "', 2, 5, 1, '2023-11-01T00:00:00Z', " +
            "'2023-11-01T00:00:00Z', '" + person + "', '" + unit + "', '" + month + "', 'full', 500000);\n";
    if (std::string_view(month) != "2023-12") {
      rows += "INSERT INTO snapshot_marks VALUES ('estab', 'payroll', '" + key + "', 0);\n";
    }
  }
  rows += "INSERT INTO snapshot_marks VALUES ('estab', 'payroll', '|121507000000000002Y|2023-12', 1);\n";
  testing::sqliteExec(file_, rows);

  auto ledger = SqlLedger::open(file_);
  ASSERT_TRUE(ledger) << ledger.error().message;
  EXPECT_THAT(query("SELECT group_concat(name, ',') FROM pragma_index_info((SELECT name FROM "
                    "pragma_index_list('payroll') WHERE origin = 'pk'))"),
              ElementsAre("connector,month,unit_id,record_key"));
  EXPECT_THAT(query("SELECT month, gross_fen, first_seen FROM payroll"),
              ElementsAre("2023-10|500000|2023-11-01T00:00:00.000Z", "2023-11|500000|2023-11-01T00:00:00.000Z",
                          "2023-12|500000|2023-11-01T00:00:00.000Z"));
  EXPECT_THAT(query("SELECT name FROM sqlite_master WHERE name = 'snapshot_marks'"), ::testing::IsEmpty());

  // The run's last part, empty: December was carried by no part, and the unreadable row is of
  // another unit, so December goes and October and November stay.
  auto last = testing::makeBatch("estab", {}, {model::RecordType::payroll}, {}, "p3");
  last.snapshot_part = SnapshotPart::last;
  auto stats = (*ledger)->commitBatch(last);
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->removed, 1U);
  EXPECT_EQ(stats->kept_unreadable, 0U);
  EXPECT_THAT(query("SELECT month FROM payroll"), ElementsAre("2023-10", "2023-11"));
}

// A table renamed once (by the sqlite3 shell, or a rebuild) has its name quoted in its
// definition; the upgrade reads it as the same table.
TEST_F(StoredTimeMigrationTest, APayrollTableRenamedBeforeIsUpgradedToo) {
  testing::sqliteExec(file_,
                      "ALTER TABLE payroll RENAME TO payroll_before; ALTER TABLE payroll_before RENAME TO payroll;");
  ASSERT_THAT(query("SELECT sql FROM sqlite_master WHERE name = 'payroll'"),
              ElementsAre(::testing::StartsWith("CREATE TABLE \"payroll\" (")));
  auto ledger = SqlLedger::open(file_);
  ASSERT_TRUE(ledger) << ledger.error().message;
  EXPECT_THAT(query("SELECT group_concat(name, ',') FROM pragma_index_info((SELECT name FROM "
                    "pragma_index_list('payroll') WHERE origin = 'pk'))"),
              ElementsAre("connector,month,unit_id,record_key"));
}

}  // namespace
}  // namespace staffchain::ledger
