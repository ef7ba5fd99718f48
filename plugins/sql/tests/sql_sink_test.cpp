// The sql sink, loaded from the built plugin library, inserting notices into a real PostgreSQL
// server started by the test and into a real SQLite file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <sstream>

#include "peer_postgres.hpp"
#include "sink_fixture.hpp"

namespace staffchain::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

plugin::Notice rosterNotice(const std::string& id, const std::string& name = "李瑶婷") {
  return makeNotice(id, "estab_exchange",
                    {{"action", "roster_add"},
                     {"target_system", "estab"},
                     {"movement_id", "HR-2026-0042"},
                     {"person_id", "150702199306050583"},
                     {"name", name},
                     {"unit_id", "111507000101584181"},
                     {"deadline", "2026-06-06"}});
}

constexpr const char* kMapping = R"(
table = "exchange.staff_notices"
[mapping]
fields = { notice_id = "tzbh", action = "ywlx", person_id = "sfzh", name = "xm", unit_id = "dwdm", from_unit_id = "ydwdm", deadline = "blqx" }
values = { action = { roster_add = "上编" } }
constants = { sjly = "staffchain" }
)";

constexpr const char* kExchangeTable =
    "CREATE SCHEMA exchange;\n"
    "CREATE TABLE exchange.staff_notices (tzbh text PRIMARY KEY, ywlx text NOT NULL, sfzh char(18), xm text, "
    "dwdm text, ydwdm text, blqx date, sjly text, received_at timestamptz DEFAULT now());\n";

// The first ```<language> block of this plugin's README after the line `heading`: what an
// operator copies, so that the tests run exactly what the README tells them to.
std::string readmeBlock(const std::string& heading, const std::string& language) {
  std::ifstream in(SQL_PLUGIN_README);
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  const auto section = readme.find("\n" + heading + "\n");
  if (section == std::string::npos) return {};
  const std::string fence = "```" + language + "\n";
  const auto start = readme.find(fence, section);
  if (start == std::string::npos) return {};
  const auto end = readme.find("\n```", start + fence.size());
  if (end == std::string::npos) return {};
  return readme.substr(start + fence.size(), end + 1 - start - fence.size());
}

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

class SqlSinkTest : public SinkFixture {
 protected:
  SqlSinkTest() : SinkFixture("sql", "estab", "estab_exchange") {}
};

class PostgresSinkTest : public SqlSinkTest {
 protected:
  static void SetUpTestSuite() {
    auto started = PostgresPeer::start();
    ASSERT_TRUE(started.ok()) << started.error().message;
    peer_ = std::move(started.value()).release();
  }
  static void TearDownTestSuite() {
    delete peer_;
    peer_ = nullptr;
  }

  void SetUp() override {
    SqlSinkTest::SetUp();
    ASSERT_NE(peer_, nullptr);
    database_ = "estab_" + std::to_string(++databases_);
    auto created = peer_->sql("CREATE DATABASE " + database_ + ";");
    ASSERT_TRUE(created.ok()) << created.error().message;
  }

  std::string sql(const std::string& statements) {
    auto done = peer_->sql(statements, database_);
    EXPECT_TRUE(done.ok()) << done.error().message;
    return done.ok() ? done.value() : std::string();
  }

  [[nodiscard]] std::string connection(int port = 0) const {
    return fmt::format(
        "driver = \"postgresql\"\nhost = \"127.0.0.1\"\nport = {}\ndbname = \"{}\"\nuser = \"postgres\"\n"
        "sslmode = \"disable\"\nconnect_timeout = \"2s\"\n",
        port != 0 ? port : peer_->port(), database_);
  }

  static PostgresPeer* peer_;
  static int databases_;
  std::string database_;
};
PostgresPeer* PostgresSinkTest::peer_ = nullptr;
int PostgresSinkTest::databases_ = 0;

TEST_F(PostgresSinkTest, ANoticeDeliveredTwiceLandsOnceAndTheSecondIsADuplicate) {
  sql(kExchangeTable);
  ASSERT_TRUE(create(connection() + kMapping));
  const auto first = delivered(rosterNotice("N-20260508-0001"));
  EXPECT_FALSE(first.duplicate);
  EXPECT_THAT(first.detail, HasSubstr("inserted notice N-20260508-0001"));
  const auto second = delivered(rosterNotice("N-20260508-0001"));
  EXPECT_TRUE(second.duplicate);
  EXPECT_THAT(second.detail, HasSubstr("already holds notice N-20260508-0001"));
  EXPECT_FALSE(delivered(rosterNotice("N-20260508-0002", "朱旭")).duplicate);

  EXPECT_EQ(
      sql("SELECT tzbh, ywlx, sfzh, xm, dwdm, ydwdm IS NULL, blqx, sjly FROM exchange.staff_notices ORDER BY tzbh;"),
      "N-20260508-0001|上编|150702199306050583|李瑶婷|111507000101584181|t|2026-06-06|staffchain\n"
      "N-20260508-0002|上编|150702199306050583|朱旭|111507000101584181|t|2026-06-06|staffchain\n");
}

TEST_F(PostgresSinkTest, ATableWithoutAUniqueKeyOnTheNoticeIdIsAnErrorThatSaysSo) {
  sql("CREATE SCHEMA exchange;\nCREATE TABLE exchange.staff_notices (tzbh text, ywlx text, sfzh text, xm text, "
      "dwdm text, ydwdm text, blqx date, sjly text);\n");
  ASSERT_TRUE(create(connection() + kMapping));
  auto receipt = deliver(rosterNotice("N-3"));
  ASSERT_FALSE(receipt.ok());
  EXPECT_THAT(receipt.error().message, HasSubstr("SQLSTATE 42P10"));
  EXPECT_THAT(receipt.error().message, HasSubstr("will fail again until fixed"));
  EXPECT_THAT(receipt.error().message, HasSubstr("table exchange.staff_notices"));
  EXPECT_EQ(sql("SELECT count(*) FROM exchange.staff_notices;"), "0\n");
}

TEST_F(PostgresSinkTest, AServerThatIsDownIsARetryableErrorAndTheNextTryDelivers) {
  sql(kExchangeTable);
  // A port nobody listens on: the sink connects lazily, so creation still succeeds.
  ASSERT_TRUE(create(connection(1) + kMapping));
  auto down = deliver(rosterNotice("N-4"));
  ASSERT_FALSE(down.ok());
  EXPECT_THAT(down.error().message, HasSubstr("may pass on retry"));
  EXPECT_THAT(down.error().message, HasSubstr("cannot connect to postgresql://postgres@127.0.0.1:1/"));

  ASSERT_TRUE(create(connection() + kMapping));
  EXPECT_FALSE(delivered(rosterNotice("N-4")).duplicate);
  EXPECT_EQ(sql("SELECT count(*) FROM exchange.staff_notices;"), "1\n");
}

TEST_F(PostgresSinkTest, DescribeShowsTheRowWithTheCitizenIdMaskedAndInsertsNothing) {
  sql(kExchangeTable);
  ASSERT_TRUE(create(connection() + kMapping));
  const std::string line = sink_->describe(rosterNotice("N-5"));
  EXPECT_THAT(line, HasSubstr("exchange.staff_notices"));
  EXPECT_THAT(line, HasSubstr("sfzh=150702********0583"));
  EXPECT_THAT(line, Not(HasSubstr("150702199306050583")));
  EXPECT_EQ(sql("SELECT count(*) FROM exchange.staff_notices;"), "0\n");
}

// Issue #17: with the README's grants the sink failed on every notice ("permission denied for
// table staff_notices"): ON CONFLICT (key) reads the key column, which INSERT alone does not
// allow. The role here holds what the README grants and nothing else (no superuser, no owner).
TEST_F(PostgresSinkTest, TheReadmesGrantsAreEnoughForTheSinkAndNoMore) {
  const std::string setup = readmeBlock("## As a sink", "sql");
  const std::string sink = readmeBlock("## As a sink", "toml");
  ASSERT_THAT(setup, HasSubstr("GRANT "));
  ASSERT_THAT(sink, HasSubstr("[sinks.estab_exchange.mapping]"));
  const std::string role = database_ + "_writer";
  auto prepared = peer_->sql(
      "CREATE SCHEMA exchange;\nCREATE ROLE " + role + " LOGIN;\n" + replaceAll(setup, "staffchain_writer", role),
      database_);
  ASSERT_TRUE(prepared.ok()) << prepared.error().message;

  // The README's table and mapping; the connection is the test server's, as the role.
  const std::string from_table = sink.substr(sink.find("table = "));
  ASSERT_TRUE(create(fmt::format(
      "driver = \"postgresql\"\nhost = \"127.0.0.1\"\nport = {}\ndbname = \"{}\"\n"
      "user = \"{}\"\nsslmode = \"disable\"\nconnect_timeout = \"2s\"\n{}",
      peer_->port(), database_, role, replaceAll(from_table, "[sinks.estab_exchange.mapping]", "[mapping]"))));
  auto first = deliver(rosterNotice("N-20260508-0007"));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_FALSE(first->duplicate);
  auto again = deliver(rosterNotice("N-20260508-0007"));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(sql("SELECT tzbh, ywlx, sfzh, xm, blqx, sjly FROM exchange.staff_notices;"),
            "N-20260508-0007|上编|150702199306050583|李瑶婷|2026-06-06|staffchain\n");

  // And no more: the writer reads no personal data back, and changes or deletes nothing.
  for (const std::string statement :
       {"SELECT sfzh FROM exchange.staff_notices", "UPDATE exchange.staff_notices SET xm = 'x'",
        "DELETE FROM exchange.staff_notices"}) {
    auto refused = peer_->sql("SET ROLE " + role + ";\n" + statement + ";", database_);
    ASSERT_FALSE(refused.ok()) << statement;
    EXPECT_THAT(refused.error().message, HasSubstr("permission denied")) << statement;
  }
}

// The grants the README used to give: INSERT alone is refused, and the error says what is
// missing rather than only which object PostgreSQL refused.
TEST_F(PostgresSinkTest, AMissingGrantIsAnErrorThatNamesTheGrantsTheSinkNeeds) {
  const std::string role = database_ + "_writer";
  sql(std::string(kExchangeTable) + "CREATE ROLE " + role + " LOGIN;\nGRANT USAGE ON SCHEMA exchange TO " + role +
      ";\nGRANT INSERT ON exchange.staff_notices TO " + role + ";\n");
  ASSERT_TRUE(create(replaceAll(connection(), "user = \"postgres\"", "user = \"" + role + "\"") + kMapping));
  auto refused = deliver(rosterNotice("N-8"));
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message, HasSubstr("permission denied for table staff_notices"));
  EXPECT_THAT(refused.error().message, HasSubstr("will fail again until fixed"));
  EXPECT_THAT(refused.error().message, HasSubstr("SELECT on its key column \"tzbh\" (ON CONFLICT reads it)"));
}

TEST_F(SqlSinkTest, SqliteExchangeTablesDeduplicateTheSameWay) {
  const fs::path db = dir_.path() / "exchange.db";
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "CREATE TABLE staff_notices (tzbh TEXT PRIMARY KEY, ywlx TEXT, xm TEXT, blqx TEXT);",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  ASSERT_TRUE(
      create(fmt::format("driver = \"sqlite\"\npath = \"{}\"\ntable = \"staff_notices\"\n[mapping]\n"
                         "fields = {{ notice_id = \"tzbh\", action = \"ywlx\", name = \"xm\", deadline = \"blqx\" }}\n",
                         db.string())));
  EXPECT_FALSE(delivered(rosterNotice("N-6")).duplicate);
  EXPECT_TRUE(delivered(rosterNotice("N-6")).duplicate);
  sqlite3_stmt* statement = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "SELECT count(*), max(tzbh), max(ywlx), max(xm) FROM staff_notices", -1, &statement,
                               nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(statement, 0), 1);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 1)), "N-6");
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 2)), "roster_add");
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 3)), "李瑶婷");
  sqlite3_finalize(statement);
  sqlite3_close(raw);
}

TEST_F(SqlSinkTest, ValidationReportsEveryProblemWithItsLocation) {
  const auto errors = validate(R"(driver = "sqlite"
path = "exchange.db"
host = "db.example"
empty_as_null = "yes"
[mapping]
fields = { action = "ywlx", person = "sfzh" }
)");
  const std::string at = file_ + ":";
  EXPECT_THAT(errors, ::testing::UnorderedElementsAre(
                          HasSubstr(at + "5:8: sinks.estab_exchange.host: only used with driver = \"postgresql\""),
                          HasSubstr(at + "1:1: sinks.estab_exchange.table: required key is missing"),
                          HasSubstr(at + "6:17: sinks.estab_exchange.empty_as_null: expected true or false"),
                          HasSubstr("sinks.estab_exchange.mapping.fields.person: not a canonical notice column"),
                          HasSubstr("sinks.estab_exchange.mapping: the mapping must send notice_id")));
  EXPECT_THAT(validate("driver = \"postgresql\"\nhost = \"db\"\ndbname = \"estab\"\nuser = \"writer\"\n"
                       "password = \"${ESTAB_PG_PASSWORD}\"\n" +
                       std::string(kMapping)),
              ::testing::IsEmpty());
}

}  // namespace
}  // namespace staffchain::testing
