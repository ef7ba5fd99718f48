// Migrations: run once each in order, versioned per owner, all or nothing, newer files refused.
#include "staffchain/store/migrations.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>

#include "scratch_dir.hpp"

namespace staffchain::store {
namespace {

using staffchain::testing::ScratchDir;
using ::testing::HasSubstr;

constexpr SchemaOwner kMain{"schema", ""};
constexpr SchemaOwner kSide{"side schema", "side_schema"};

std::vector<std::string> tables(Database& db) {
  std::vector<std::string> out;
  auto statement = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", "listing tables");
  EXPECT_TRUE(statement.ok());
  while (statement.ok() && statement->step() == SQLITE_ROW) out.push_back(statement->text(0));
  return out;
}

int userVersion(Database& db) {
  auto statement = db.prepare("PRAGMA user_version", "reading the version");
  return statement.ok() && statement->step() == SQLITE_ROW ? static_cast<int>(statement->columnInt(0)) : -1;
}

std::unique_ptr<Database> open(const ScratchDir& dir) {
  auto db = Database::open(dir.path() / "file.db", {.label = "ledger"});
  return db.ok() ? std::move(db.value()) : nullptr;
}

Result<void> fillB(Database& db) {
  return db.execute("INSERT INTO b VALUES (1)", "filling b");
}
Result<void> failing(Database&) {
  return makeError("the data could not be rekeyed");
}

TEST(SqliteMigrations, RunOnceEachInOrderAndKeepTheVersion) {
  ScratchDir dir;
  constexpr std::array first{Migration{1, "CREATE TABLE a (x INTEGER);"}};
  constexpr std::array both{Migration{1, "CREATE TABLE a (x INTEGER);"},
                            Migration{2, "CREATE TABLE b (y INTEGER);", &fillB}};
  {
    auto db = open(dir);
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(migrate(*db, kMain, first).ok());
    EXPECT_EQ(userVersion(*db), 1);
  }
  auto db = open(dir);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(migrate(*db, kMain, both).ok());  // only migration 2 runs: a is not created twice
  ASSERT_TRUE(migrate(*db, kMain, both).ok());  // and nothing runs again
  EXPECT_EQ(userVersion(*db), 2);
  auto filled = db->prepare("SELECT count(*) FROM b", "counting b");
  ASSERT_TRUE(filled.ok());
  ASSERT_EQ(filled->step(), SQLITE_ROW);
  EXPECT_EQ(filled->columnInt(0), 1);
}

TEST(SqliteMigrations, TwoOwnersOfOneFileKeepTheirOwnVersions) {
  ScratchDir dir;
  auto db = open(dir);
  ASSERT_NE(db, nullptr);
  constexpr std::array main{Migration{1, "CREATE TABLE a (x INTEGER);"}, Migration{2, "CREATE TABLE b (y INTEGER);"}};
  constexpr std::array side{Migration{1, "CREATE TABLE side_a (x INTEGER);"}};
  ASSERT_TRUE(migrate(*db, kMain, main).ok());
  ASSERT_TRUE(migrate(*db, kSide, side).ok());
  EXPECT_EQ(userVersion(*db), 2);
  EXPECT_EQ(tables(*db), (std::vector<std::string>{"a", "b", "side_a", "side_schema"}));
  auto version = db->prepare("SELECT version FROM side_schema", "reading the side version");
  ASSERT_TRUE(version.ok());
  ASSERT_EQ(version->step(), SQLITE_ROW);
  EXPECT_EQ(version->columnInt(0), 1);
}

TEST(SqliteMigrations, AFailingMigrationChangesNothing) {
  ScratchDir dir;
  auto db = open(dir);
  ASSERT_NE(db, nullptr);
  constexpr std::array bad_sql{Migration{1, "CREATE TABLE a (x INTEGER);"}, Migration{2, "CREATE TABLE b ("}};
  auto failed = migrate(*db, kMain, bad_sql);
  ASSERT_FALSE(failed.ok());
  EXPECT_THAT(failed.error().message, HasSubstr("migrating the schema to version 2 failed"));
  EXPECT_EQ(userVersion(*db), 0);
  EXPECT_TRUE(tables(*db).empty());
  constexpr std::array bad_step{Migration{1, "CREATE TABLE a (x INTEGER);", &failing}};
  failed = migrate(*db, kSide, bad_step);
  ASSERT_FALSE(failed.ok());
  EXPECT_THAT(failed.error().message,
              HasSubstr("migrating the side schema to version 1: the data could not be rekeyed"));
  EXPECT_TRUE(tables(*db).empty());
  EXPECT_FALSE(db->inTransaction());
}

TEST(SqliteMigrations, AFileOfANewerVersionIsRefusedNamingBothVersions) {
  ScratchDir dir;
  auto db = open(dir);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->execute("PRAGMA user_version = 9", "setting the version").ok());
  constexpr std::array known{Migration{1, "CREATE TABLE a (x INTEGER);"}};
  auto refused = migrate(*db, kMain, known);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message,
              HasSubstr(": schema version 9 is newer than this staffchain supports (version 1)"));
  EXPECT_TRUE(tables(*db).empty());
}

}  // namespace
}  // namespace staffchain::store
