#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ledger_samples.hpp"
#include "sqlite_query.hpp"
#include "staffchain/ledger/sql_ledger.hpp"
#include "temp_dir.hpp"

namespace staffchain::ledger {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The version 1 schema as the first release wrote it, typed out here rather than taken from the
// library so that an edit to the released migration shows up as a failing test.
constexpr const char* kVersion1File = R"sql(
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
CREATE TABLE quarantine (id INTEGER PRIMARY KEY, connector TEXT NOT NULL REFERENCES connectors (name),
  source TEXT NOT NULL, record_type TEXT NOT NULL, origin TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL,
  reason TEXT NOT NULL, seen_at TEXT NOT NULL);

INSERT INTO connectors VALUES ('estab', 'page-7', '2023-12-01T00:00:00Z', '2023-11-01T00:00:00Z');
INSERT INTO units VALUES ('estab', '121507000000000001Y', 4, 77, 1, '2023-11-01T00:00:00Z', '2023-11-01T00:00:00Z',
  '121507000000000001Y', '海拉尔区教育局', '150702', NULL, 'organ', 'full');
-- Version 1 kept every sighting of a bad row: two of the same, one other.
INSERT INTO quarantine (connector, source, record_type, origin, field, value, reason, seen_at) VALUES
  ('estab', 'roster.csv', 'roster', 'roster.csv:9', 'person_id', '1507', 'too short', '2023-11-01T00:00:00Z'),
  ('estab', 'roster.csv', 'roster', 'roster.csv:9', 'person_id', '1507', 'too short', '2023-12-01T00:00:00Z'),
  ('estab', 'roster.csv', 'roster', 'roster.csv:12', 'estab_type', 'x', 'unknown code', '2023-12-01T00:00:00Z');
PRAGMA user_version = 1;
)sql";

TEST(LedgerMigrationTest, VersionOneFileIsMigratedKeepingItsData) {
  testing::TempDir dir;
  const auto file = dir.path() / "v1.db";
  testing::sqliteExec(file, kVersion1File);

  auto ledger = SqlLedger::open(file);
  ASSERT_TRUE(ledger) << ledger.error().message;
  EXPECT_THAT(testing::sqliteQuery(file, "PRAGMA user_version"),
              ElementsAre(std::to_string(SqlLedger::kSchemaVersion)));
  // A file that exists keeps its page size (changing it would rewrite the whole file).
  EXPECT_THAT(testing::sqliteQuery(file, "PRAGMA page_size"), ElementsAre("4096"));

  auto cursor = (*ledger)->cursor("estab");
  ASSERT_TRUE(cursor);
  EXPECT_EQ(cursor->value_or(""), "page-7");
  auto dataset = (*ledger)->loadDataset();
  ASSERT_TRUE(dataset) << dataset.error().message;
  ASSERT_EQ(dataset->units.size(), 1U);
  EXPECT_EQ(dataset->units[0].name, "海拉尔区教育局");
  EXPECT_EQ(dataset->units[0].origin.row, 4U);

  auto quarantine = (*ledger)->quarantine(10);
  ASSERT_TRUE(quarantine) << quarantine.error().message;
  ASSERT_EQ(quarantine->size(), 2U);
  const auto& repeated = (*quarantine)[0].entry.origin == "roster.csv:9" ? (*quarantine)[0] : (*quarantine)[1];
  EXPECT_EQ(repeated.times_seen, 2);
  EXPECT_EQ(repeated.first_seen, "2023-11-01T00:00:00Z");
  EXPECT_EQ(repeated.last_seen, "2023-12-01T00:00:00Z");

  // The migrated file takes new batches, deduplicating against what was migrated.
  const auto batch = testing::makeBatch("estab", {}, {}, {repeated.entry});
  auto stats = (*ledger)->commitBatch(batch);
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->quarantine_repeats, 1U);
}

TEST(LedgerMigrationTest, NewerFileIsRefusedNamingBothVersions) {
  testing::TempDir dir;
  const auto file = dir.path() / "future.db";
  testing::sqliteExec(file, "CREATE TABLE from_the_future (x); PRAGMA user_version = 9;");
  auto ledger = SqlLedger::open(file);
  ASSERT_FALSE(ledger);
  const auto& message = ledger.error().message;
  EXPECT_THAT(message, HasSubstr(file.string()));
  EXPECT_THAT(message, HasSubstr("schema version 9"));
  EXPECT_THAT(message, HasSubstr(fmt::format("version {}", SqlLedger::kSchemaVersion)));
  // Refusing touched nothing.
  EXPECT_THAT(testing::sqliteQuery(file, "PRAGMA user_version"), ElementsAre("9"));
  EXPECT_THAT(testing::sqliteQuery(file, "SELECT name FROM sqlite_master"), ElementsAre("from_the_future"));
}

TEST(LedgerMigrationTest, NewFileGetsTheCurrentVersionAndReopens) {
  testing::TempDir dir;
  const auto file = dir.path() / "new.db";
  {
    auto ledger = SqlLedger::open(file);
    ASSERT_TRUE(ledger) << ledger.error().message;
    auto stats = (*ledger)->commitBatch(testing::makeBatch("estab", testing::oneOfEachType(), {}, {}, "c"));
    ASSERT_TRUE(stats) << stats.error().message;
  }
  auto reopened = SqlLedger::open(file);
  ASSERT_TRUE(reopened) << reopened.error().message;
  EXPECT_THAT(testing::sqliteQuery(file, "PRAGMA user_version"),
              ElementsAre(std::to_string(SqlLedger::kSchemaVersion)));
  EXPECT_THAT(testing::sqliteQuery(file, "PRAGMA page_size"), ElementsAre("16384"));
  auto dataset = (*reopened)->loadDataset();
  ASSERT_TRUE(dataset);
  EXPECT_EQ(dataset->movements.size(), 2U);
}

}  // namespace
}  // namespace staffchain::ledger
