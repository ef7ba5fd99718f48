// The SQLite layer's connection, statements and transactions: files created private, errors
// that name the file and the operation, statements cached, transactions rolled back unless
// committed.
#include "staffchain/store/database.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>

#include "scratch_dir.hpp"
#include "staffchain/store/transaction.hpp"

namespace staffchain::store {
namespace {

using staffchain::testing::ScratchDir;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::unique_ptr<Database> openIn(const ScratchDir& dir, bool create = true) {
  auto db = Database::open(dir.path() / "test.db", {.label = "test store", .create = create});
  EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
  return db.ok() ? std::move(db.value()) : nullptr;
}

std::int64_t count(Database& db, const std::string& table) {
  auto statement = db.prepare("SELECT count(*) FROM " + table, "counting");
  EXPECT_TRUE(statement.ok());
  if (!statement.ok() || statement->step() != SQLITE_ROW) return -1;
  return statement->columnInt(0);
}

// The parts of a daemon each open the ledger file (the ledger, the alert store, the case store).
// A process that opens and closes a descriptor of the file while its SQLite connections are open
// drops every lock they hold (POSIX locks are the process's): then a reader from outside (an
// operator's sqlite3 shell, a backup) believes itself the last connection when it closes, and
// deletes the write-ahead log under the daemon, whose commits from then on reach no one else and
// are lost if it crashes. Opening the file again must leave the locks as they are.
TEST(SqliteDatabase, AnotherConnectionOfTheProcessKeepsTheWalWhenAnOutsideReaderCloses) {
  ScratchDir dir;
  auto writer = openIn(dir);
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->useWriteAheadLog());
  ASSERT_TRUE(writer->execute("CREATE TABLE facts (what TEXT)", "test"));
  auto second_part = openIn(dir);  // as the alert store opens the ledger's file after the ledger
  ASSERT_NE(second_part, nullptr);
  ASSERT_TRUE(second_part->useWriteAheadLog());
  ASSERT_TRUE(second_part->execute("CREATE TABLE others (what TEXT)", "test"));
  auto third_part = openIn(dir);  // and the case store after it
  ASSERT_NE(third_part, nullptr);
  ASSERT_TRUE(writer->execute("INSERT INTO facts VALUES ('committed before the reader came')", "test"));
  // An outside reader: the sqlite3 shell, another process, as an operator runs it; it reads, then closes.
  const auto shell =
      fmt::format("sqlite3 '{}' 'SELECT count(*) FROM facts' > /dev/null", (dir.path() / "test.db").string());
  ASSERT_EQ(std::system(shell.c_str()), 0) << shell;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "test.db-wal")) << "the write-ahead log was deleted under us";
  ASSERT_TRUE(writer->execute("INSERT INTO facts VALUES ('committed after the reader left')", "test"));
  auto fresh = openIn(dir, false);
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ(count(*fresh, "facts"), 2) << "a commit the rest of the world cannot see";
}

TEST(SqliteDatabase, CreatesTheFilePrivateWhateverTheUmask) {
  ScratchDir dir;
  const mode_t old = ::umask(0);
  auto db = openIn(dir);
  ::umask(old);
  ASSERT_NE(db, nullptr);
  struct stat status {};
  ASSERT_EQ(::stat((dir.path() / "test.db").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600U);
}

TEST(SqliteDatabase, AMissingFileIsRefusedWhenNotToBeCreatedNamingLabelAndPath) {
  ScratchDir dir;
  auto db = Database::open(dir.path() / "absent.db", {.label = "notice outbox", .create = false});
  ASSERT_FALSE(db.ok());
  EXPECT_THAT(db.error().message,
              StartsWith("notice outbox " + (dir.path() / "absent.db").string() + ": opening failed"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "absent.db"));
}

TEST(SqliteDatabase, ErrorsNameTheFileTheOperationAndSqlitesReason) {
  ScratchDir dir;
  auto db = openIn(dir);
  ASSERT_NE(db, nullptr);
  auto bad = db->execute("CREATE TABLE t (a,)", "creating the table t");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, StartsWith("test store " + db->pathText() + ": creating the table t failed: "));
  EXPECT_THAT(bad.error().message, HasSubstr("syntax error"));
  auto unknown = db->prepare("SELECT * FROM nowhere", "reading nowhere");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.error().message, HasSubstr("preparing the statement for reading nowhere failed: no such table"));
  db->close();
  auto closed = db->execute("SELECT 1", "reading after close");
  ASSERT_FALSE(closed.ok());
  EXPECT_THAT(closed.error().message, HasSubstr("reading after close failed: the test store is closed"));
}

TEST(SqliteDatabase, UsesTheWriteAheadLog) {
  ScratchDir dir;
  auto db = openIn(dir);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->useWriteAheadLog().ok());
  auto mode = db->prepare("PRAGMA journal_mode", "reading the journal mode");
  ASSERT_TRUE(mode.ok());
  ASSERT_EQ(mode->step(), SQLITE_ROW);
  EXPECT_EQ(mode->columnText(0), "wal");
}

TEST(SqliteDatabase, CachedStatementsArePreparedOnceAndBindEveryType) {
  ScratchDir dir;
  auto db = openIn(dir);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->execute("CREATE TABLE t (a TEXT, b INTEGER, c INTEGER)", "creating t").ok());
  auto insert = db->cached("INSERT INTO t (a, b, c) VALUES (?1, ?2, ?3)", "inserting");
  ASSERT_TRUE(insert.ok());
  auto again = db->cached("INSERT INTO t (a, b, c) VALUES (?1, ?2, ?3)", "inserting");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(insert.value(), again.value());
  for (const auto& [a, c] : {std::pair<std::string, std::optional<std::int64_t>>{"一", 7}, {"two", std::nullopt}}) {
    Statement& s = **insert;
    EXPECT_EQ(s.bind(1, a), SQLITE_OK);
    EXPECT_EQ(s.bind(2, std::int64_t{42}), SQLITE_OK);
    EXPECT_EQ(s.bind(3, c), SQLITE_OK);
    ASSERT_TRUE(db->run(s, "inserting").ok());
  }
  EXPECT_EQ(db->changes(), 1);
  EXPECT_EQ(db->lastInsertRowid(), 2);
  auto read = db->prepare("SELECT a, b, c FROM t ORDER BY rowid", "reading");
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->step(), SQLITE_ROW);
  EXPECT_EQ(read->text(0), "一");
  EXPECT_EQ(read->columnInt(1), 42);
  EXPECT_EQ(read->optionalInt(2), std::optional<std::int64_t>(7));
  ASSERT_EQ(read->step(), SQLITE_ROW);
  EXPECT_TRUE(read->columnIsNull(2));
  EXPECT_EQ(read->optionalInt(2), std::nullopt);
  EXPECT_EQ(read->optionalText(2), std::nullopt);
  EXPECT_EQ(read->step(), SQLITE_DONE);
}

TEST(SqliteTransaction, RollsBackUnlessCommitted) {
  ScratchDir dir;
  auto db = openIn(dir);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->execute("CREATE TABLE t (a TEXT)", "creating t").ok());
  {
    auto transaction = Transaction::begin(*db);
    ASSERT_TRUE(transaction.ok());
    EXPECT_TRUE(db->inTransaction());
    ASSERT_TRUE(db->execute("INSERT INTO t VALUES ('lost')", "inserting").ok());
  }  // no commit: rolled back
  EXPECT_FALSE(db->inTransaction());
  EXPECT_EQ(count(*db, "t"), 0);
  {
    auto transaction = Transaction::begin(*db);
    ASSERT_TRUE(transaction.ok());
    ASSERT_TRUE(db->execute("INSERT INTO t VALUES ('kept')", "inserting").ok());
    ASSERT_TRUE(transaction->commit().ok());
  }
  EXPECT_EQ(count(*db, "t"), 1);
}

TEST(SqliteTransaction, ASecondWriterWaitsThenFailsBusyNamingTheOperation) {
  ScratchDir dir;
  auto first = openIn(dir);
  auto second =
      Database::open(dir.path() / "test.db", {.label = "test store", .busy_timeout = std::chrono::milliseconds(50)});
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(second.ok());
  auto held = Transaction::begin(*first);
  ASSERT_TRUE(held.ok());
  auto blocked = Transaction::begin(**second, "starting the second writer");
  ASSERT_FALSE(blocked.ok());
  EXPECT_THAT(blocked.error().message, HasSubstr("starting the second writer failed: database is locked"));
}

}  // namespace
}  // namespace staffchain::store
