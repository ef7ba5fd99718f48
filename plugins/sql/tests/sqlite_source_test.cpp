// The sql source against a SQLite file the test writes: incremental pulls, ties on the
// watermark across batches, resuming from a cursor, NULLs, quarantine, retries, configuration.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "sql_harness.hpp"

namespace staffchain::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Statements run on a writable connection of the test's own (the plugin opens read-only).
void exec(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int code = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  const std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(code, SQLITE_OK) << message;
}

std::string row(int id, const std::string& kind, const std::string& person, const std::string& date, int updated,
                const std::string& approval = "NULL") {
  return "INSERT INTO staff_changes VALUES (" + std::to_string(id) + ", '" + kind + "', '" + person +
         "', '某某', '111507000101584181', '" + date + "', " + approval + ", " + std::to_string(updated) + ");\n";
}

class SqliteSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(harness_.loaded()) << "build the sql plugin first";
    db_ = harness_.scratch().path() / "hr.db";
    exec(db_,
         "CREATE TABLE staff_changes (change_id INTEGER PRIMARY KEY, change_kind TEXT, sfzh TEXT, xm TEXT, "
         "dwdm TEXT, sxrq TEXT, approval TEXT, updated_at INTEGER);\n"
         "CREATE TABLE bz (sfzh TEXT, dwdm TEXT, bzlx TEXT, rbrq TEXT);\n"
         "INSERT INTO bz VALUES ('150702199306050583', '111507000101584181', 'admin', '2023-10-01');\n" +
             row(1, "录用", "150702199306050583", "20230914", 100, "'YB15070020230000000'") +
             row(2, "辞职", "150702197409106771", "20260419", 200) +
             row(3, "录用", "150784200004157668", "20250806", 200) +
             row(4, "录用", "150721199709189861", "20250912", 200) +
             row(5, "辞职", "150783200001290475", "20250928", 300));
  }

  std::string config(const std::string& extra = "", int batch_size = 2) const {
    return "driver = \"sqlite\"\npath = \"" + db_.string() + "\"\nbatch_size = " + std::to_string(batch_size) +
           "\nretries = 2\nretry_initial = \"10ms\"\nretry_max = \"20ms\"\n" + extra +
           "[queries.movements]\n"
           "sql = \"SELECT change_id, 'hr' AS source, change_kind, sfzh AS person_id, xm AS name, dwdm AS unit_id, "
           "sxrq, approval AS approval_id, updated_at FROM staff_changes;\"\n"
           "watermark = { column = \"updated_at\", key = \"change_id\" }\n"
           "[queries.movements.mapping]\n"
           "fields = { movement_id = \"change_id\", kind = \"change_kind\", effective_on = \"sxrq\" }\n"
           "values = { kind = { \"录用\" = \"hire\", \"辞职\" = \"resign\" } }\n"
           "dates = { effective_on = \"%Y%m%d\" }\n";
  }

  std::unique_ptr<plugin_host::SourceInstance> create(const std::string& body) {
    auto created = harness_.create(body);
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? std::move(created.value()) : nullptr;
  }

  SqlHarness harness_;
  std::filesystem::path db_;
};

TEST_F(SqliteSourceTest, PullsEveryRowOnceAcrossBatchesEvenWhenRowsShareAWatermark) {
  auto source = create(config());
  ASSERT_TRUE(source);
  auto run = pullUntilDone(*source, "");
  ASSERT_TRUE(run.ok()) << run.error().message;
  // Rows 2, 3 and 4 share updated_at 200 and straddle the first batch boundary.
  ASSERT_EQ(run->batches.size(), 3U);
  EXPECT_EQ(run->batches[0].records.size(), 2U);
  EXPECT_TRUE(run->batches[0].more);
  EXPECT_EQ(run->batches[1].records.size(), 2U);
  EXPECT_FALSE(run->batches[2].more);
  EXPECT_THAT(fieldValues(*run, "movement_id"), ElementsAre("1", "2", "3", "4", "5"));
  EXPECT_THAT(fieldValues(*run, "kind"), ElementsAre("hire", "resign", "hire", "hire", "resign"));
  EXPECT_THAT(fieldValues(*run, "effective_on"),
              ElementsAre("2023-09-14", "2026-04-19", "2025-08-06", "2025-09-12", "2025-09-28"));
  const auto& first = run->batches[0].records[0];
  EXPECT_EQ(first.type, plugin::RecordType::movement);
  EXPECT_EQ(first.origin, "query movements row 1 (change_id 1)");
  EXPECT_EQ(*first.field("approval_id"), "YB15070020230000000");
  EXPECT_EQ(*first.field("source"), "hr");
  // NULL is an absent field, not an empty string.
  EXPECT_EQ(run->batches[0].records[1].field("approval_id"), nullptr);
  EXPECT_THAT(run->cursor, HasSubstr("\"movements\""));
}

TEST_F(SqliteSourceTest, ANewInstanceResumesFromTheCommittedCursor) {
  std::string cursor;
  {
    auto source = create(config());
    ASSERT_TRUE(source);
    auto run = pullUntilDone(*source, "");
    ASSERT_TRUE(run.ok()) << run.error().message;
    cursor = run->cursor;
  }
  // A row with the same watermark as the last one pulled, and an older row changed since.
  exec(db_, row(6, "录用", "150702199306050583", "20260501", 300) +
                "UPDATE staff_changes SET change_kind = '辞职', updated_at = 400 WHERE change_id = 1;");
  auto restarted = create(config());
  ASSERT_TRUE(restarted);
  auto run = pullUntilDone(*restarted, cursor);
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_THAT(fieldValues(*run, "movement_id"), ElementsAre("6", "1"));
  EXPECT_THAT(fieldValues(*run, "kind"), ElementsAre("hire", "resign"));
  // Nothing new: an empty batch that keeps the position.
  auto again = plugin_host::pullSource(*restarted, run->cursor, std::chrono::seconds(10));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->records.empty());
  EXPECT_EQ(again->cursor, run->cursor);
}

TEST_F(SqliteSourceTest, ARowThatDoesNotMapIsRejectedWithQueryRowAndKey) {
  exec(db_, row(7, "录用", "150702199306050583", "2026-13-99x", 500));
  auto source = create(config("", 10));
  ASSERT_TRUE(source);
  auto batch = plugin_host::pullSource(*source, "", std::chrono::seconds(10));
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  EXPECT_EQ(batch->records.size(), 5U);
  ASSERT_EQ(batch->rejected.size(), 1U);
  EXPECT_EQ(batch->rejected[0].origin, "query movements row 6 (change_id 7)");
  EXPECT_EQ(batch->rejected[0].field, "effective_on");
  EXPECT_THAT(batch->rejected[0].reason, HasSubstr("does not match the date format \"%Y%m%d\""));
  // The position moves past the bad row: it is quarantined once, not on every pull.
  auto next = plugin_host::pullSource(*source, batch->cursor, std::chrono::seconds(10));
  ASSERT_TRUE(next.ok());
  EXPECT_TRUE(next->rejected.empty());
}

TEST_F(SqliteSourceTest, ASnapshotQueryIsReadOnceOnTheLastPullOfASync) {
  auto source =
      create(config("") +
             "[queries.roster]\n"
             "sql = \"SELECT sfzh AS person_id, dwdm AS unit_id, bzlx AS estab_type, rbrq AS entered_on FROM bz\"\n"
             "full_snapshot = true\n");
  ASSERT_TRUE(source);
  auto run = pullUntilDone(*source, "");
  ASSERT_TRUE(run.ok()) << run.error().message;
  ASSERT_EQ(run->batches.size(), 3U);
  for (std::size_t i = 0; i + 1 < run->batches.size(); ++i) EXPECT_TRUE(run->batches[i].full_snapshot_of.empty());
  const auto& last = run->batches.back();
  EXPECT_THAT(last.full_snapshot_of, ElementsAre(plugin::RecordType::roster));
  ASSERT_EQ(last.records.size(), 2U);  // movement 5, then the roster
  EXPECT_EQ(last.records[1].type, plugin::RecordType::roster);
  EXPECT_EQ(*last.records[1].field("entered_on"), "2023-10-01");
  EXPECT_EQ(last.records[1].origin, "query roster row 1 (person_id 150702199306050583)");
}

TEST_F(SqliteSourceTest, AMissingFileIsRetriedThenFailsNamingTheFile) {
  std::filesystem::remove(db_);
  auto source = create(config());
  ASSERT_TRUE(source);
  auto batch = plugin_host::pullSource(*source, "", std::chrono::seconds(10));
  ASSERT_FALSE(batch.ok());
  EXPECT_THAT(batch.error().message, HasSubstr("query movements: cannot open " + db_.string() + " read-only"));
  EXPECT_THAT(batch.error().message, HasSubstr("gave up after 3 attempts"));
  EXPECT_THAT(harness_.log(), HasSubstr("attempt 2 of 3, retrying"));
  EXPECT_FALSE(std::filesystem::exists(db_));  // read-only: never created
}

// Reduction tasks (控编减编) from the establishment office's own table, renamed and recoded by
// the mapping like any other record type, and sent whole (a snapshot: a withdrawn task goes).
TEST_F(SqliteSourceTest, ReductionTasksComeThroughTheMappingAsASnapshot) {
  exec(db_,
       "CREATE TABLE jbrw (rwbh TEXT, dwdm TEXT, bzlx TEXT, hjs INTEGER, xdrq TEXT, wcqx TEXT, wh TEXT);\n"
       "INSERT INTO jbrw VALUES ('JB2025-01', '111507000101584181', '行政', 2, '20250115', '20251231', "
       "'呼编发〔2025〕9号');\n");
  auto source = create("driver = \"sqlite\"\npath = \"" + db_.string() +
                       "\"\n[queries.reductions]\nsql = \"SELECT * FROM jbrw\"\nfull_snapshot = true\n"
                       "[queries.reductions.mapping]\n"
                       "fields = { task_id = \"rwbh\", unit_id = \"dwdm\", estab_type = \"bzlx\", "
                       "posts_to_recover = \"hjs\", issued_on = \"xdrq\", due_on = \"wcqx\", doc_no = \"wh\" }\n"
                       "values = { estab_type = { \"行政\" = \"admin\" } }\n"
                       "dates = { issued_on = \"%Y%m%d\", due_on = \"%Y%m%d\" }\n");
  ASSERT_TRUE(source);
  auto batch = plugin_host::pullSource(*source, "", std::chrono::seconds(10));
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  ASSERT_EQ(batch->records.size(), 1U);
  const auto& task = batch->records[0];
  EXPECT_EQ(task.type, plugin::RecordType::reduction);
  EXPECT_EQ(*task.field("task_id"), "JB2025-01");
  EXPECT_EQ(*task.field("estab_type"), "admin");
  EXPECT_EQ(*task.field("posts_to_recover"), "2");
  EXPECT_EQ(*task.field("due_on"), "2025-12-31");
  EXPECT_THAT(batch->full_snapshot_of, ElementsAre(plugin::RecordType::reduction));
}

TEST_F(SqliteSourceTest, AnErrorInTheQueryIsNotRetried) {
  auto source = create("driver = \"sqlite\"\npath = \"" + db_.string() +
                       "\"\n[queries.deaths]\nsql = \"SELECT * FROM no_such_table\"\n");
  ASSERT_TRUE(source);
  auto batch = plugin_host::pullSource(*source, "", std::chrono::seconds(10));
  ASSERT_FALSE(batch.ok());
  EXPECT_THAT(batch.error().message, HasSubstr("query deaths: query on sqlite:" + db_.string()));
  EXPECT_THAT(batch.error().message, HasSubstr("no such table: no_such_table"));
  EXPECT_THAT(harness_.log(), ::testing::Not(HasSubstr("retrying")));
}

TEST_F(SqliteSourceTest, OnlyASingleSelectCanRun) {
  for (const std::string sql :
       {"DELETE FROM staff_changes", "SELECT 1 AS a) AS x; DELETE FROM staff_changes; SELECT * FROM (SELECT 1"}) {
    auto source =
        create("driver = \"sqlite\"\npath = \"" + db_.string() + "\"\n[queries.deaths]\nsql = \"" + sql + "\"\n");
    ASSERT_TRUE(source);
    auto batch = plugin_host::pullSource(*source, "", std::chrono::seconds(10));
    EXPECT_FALSE(batch.ok()) << sql;
  }
  auto count = create("driver = \"sqlite\"\npath = \"" + db_.string() +
                      "\"\n[queries.deaths]\nsql = \"SELECT COUNT(*) AS person_id FROM staff_changes\"\n");
  ASSERT_TRUE(count);
  auto batch = plugin_host::pullSource(*count, "", std::chrono::seconds(10));
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  EXPECT_EQ(*batch->records.at(0).field("person_id"), "5");
}

TEST_F(SqliteSourceTest, AWatermarkColumnTheQueryDoesNotReturnIsAnError) {
  auto source = create("driver = \"sqlite\"\npath = \"" + db_.string() +
                       "\"\n[queries.deaths]\nsql = \"SELECT sfzh AS person_id, updated_at FROM staff_changes\"\n"
                       "watermark = { column = \"updated_at\", key = \"change_id\" }\n");
  ASSERT_TRUE(source);
  auto batch = plugin_host::pullSource(*source, "", std::chrono::seconds(10));
  ASSERT_FALSE(batch.ok());
  EXPECT_THAT(batch.error().message, HasSubstr("no such column: change_id"));
}

TEST_F(SqliteSourceTest, AForeignCursorIsRefusedWithAWayOut) {
  auto source = create(config());
  ASSERT_TRUE(source);
  auto batch = plugin_host::pullSource(*source, "roster.csv:abc", std::chrono::seconds(10));
  ASSERT_FALSE(batch.ok());
  EXPECT_THAT(batch.error().message, HasSubstr("reset the connector's cursor"));
}

class SqlConfigTest : public ::testing::Test {
 protected:
  std::string errors(const std::string& body) {
    std::string all;
    for (const auto& error : harness_.validate(body)) all += error + "\n";
    return all;
  }
  SqlHarness harness_;
};

TEST_F(SqlConfigTest, AGoodPostgresqlConfigurationHasNoErrors) {
  EXPECT_EQ(errors("driver = \"postgresql\"\nhost = \"db.example\"\ndbname = \"hr\"\nuser = \"reader\"\n"
                   "password = \"${PG_PASSWORD}\"\nsslmode = \"verify-full\"\nconnect_timeout = \"5s\"\n"
                   "[queries.movements]\nsql = \"SELECT * FROM m\"\n"
                   "watermark = { column = \"updated_at\", key = \"movement_id\" }\n"
                   "mapping = { fields = { person_id = \"sfzh\" } }\n"),
            "");
}

TEST_F(SqlConfigTest, EveryProblemIsReportedWithItsLocationAndKeyPath) {
  const std::string out = errors(
      "driver = \"sqlite\"\npath = \"x.db\"\nhost = \"db\"\nbatch_size = 0\n"
      "[queries.people]\nsql = \"SELECT 1\"\n"
      "[queries.roster]\nsql = \"SELECT 1\"\nfull_snapshot = true\nwatermark = { column = \"u\", key = \"k\" }\n"
      "[queries.movements]\nsql = \" ; \"\nwatermrk = 1\nwatermark = { column = \"u\" }\n"
      "mapping = { fields = { person = \"sfzh\" } }\n");
  EXPECT_THAT(out, HasSubstr("sql.toml:3:8: connectors.hr_db.host: only used with driver = \"postgresql\""));
  EXPECT_THAT(out, HasSubstr("connectors.hr_db.batch_size: expected an integer from 1 to 1000000"));
  EXPECT_THAT(out, HasSubstr("connectors.hr_db.queries.people: not a canonical record type"));
  EXPECT_THAT(out, HasSubstr("connectors.hr_db.queries.roster.full_snapshot: a full snapshot reads every row"));
  EXPECT_THAT(out, HasSubstr("connectors.hr_db.queries.movements.sql: must be a SELECT statement, not empty"));
  EXPECT_THAT(out, HasSubstr("connectors.hr_db.queries.movements.watermrk: unknown key"));
  EXPECT_THAT(out, HasSubstr("connectors.hr_db.queries.movements.watermark.key: required key is missing"));
  EXPECT_THAT(out,
              HasSubstr("connectors.hr_db.queries.movements.mapping.fields.person: not a column of movements.csv"));
}

TEST_F(SqlConfigTest, APasswordIsOnlyAcceptedAsAReference) {
  const std::string out = errors(
      "driver = \"postgresql\"\nhost = \"db\"\ndbname = \"hr\"\nuser = \"u\"\n"
      "password = \"hunter2\"\nsslmode = \"sometimes\"\n[queries.deaths]\nsql = \"SELECT 1\"\n");
  EXPECT_THAT(out, HasSubstr("connectors.hr_db.password: secrets are given by reference"));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("hunter2")));
  EXPECT_THAT(out, HasSubstr("connectors.hr_db.sslmode: \"sometimes\" is not one of"));
}

TEST_F(SqlConfigTest, DriverAndQueriesAreRequired) {
  const std::string out = errors("path = \"x.db\"\n");
  EXPECT_THAT(out, HasSubstr("connectors.hr_db.driver: required key is missing"));
  EXPECT_THAT(out, HasSubstr("connectors.hr_db.queries: required key is missing"));
}

}  // namespace
}  // namespace staffchain::testing
