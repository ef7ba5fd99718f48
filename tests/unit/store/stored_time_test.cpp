// Stored times: one width, text order is time order, malformed values refused by name, and the
// SQL functions the migrations convert older forms with agree with the codec.
#include "staffchain/store/stored_time.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <vector>

#include "scratch_dir.hpp"
#include "staffchain/store/database.hpp"

namespace staffchain::store {
namespace {

using namespace std::chrono;
using staffchain::testing::ScratchDir;
using ::testing::HasSubstr;

constexpr StoredTime at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  return sys_days(year(y) / month(mo) / day(d)) + hours(h) + minutes(mi) + seconds(s) + milliseconds(ms);
}

std::unique_ptr<Database> openDatabase(const ScratchDir& dir) {
  auto db = Database::open(dir.path() / "times.db", {.label = "ledger"});
  EXPECT_TRUE(db) << db.error().message;
  return db ? std::move(db.value()) : nullptr;
}

// The one value `sql` selects, as text (NULL as "<null>").
std::string selectText(Database& db, const std::string& sql) {
  auto statement = db.prepare(sql, "selecting");
  EXPECT_TRUE(statement) << statement.error().message;
  if (!statement || statement->step() != SQLITE_ROW) return "<no row>";
  return statement->columnIsNull(0) ? "<null>" : statement->text(0);
}

// Instants across the range a time point holds: either side of the epoch, of a leap day, of
// a year, at the first and last millisecond of a second.
std::vector<StoredTime> sampleInstants() {
  std::vector<StoredTime> out{at(1970, 1, 1),
                              at(1970, 1, 1) - milliseconds(1),
                              at(1969, 12, 31, 23, 59, 59, 998),
                              at(1678, 1, 1, 0, 0, 0, 1),
                              at(2262, 4, 10, 23, 47, 16, 854),
                              at(2024, 2, 28, 23, 59, 59, 999),
                              at(2024, 2, 29),
                              at(2024, 3, 1, 0, 0, 0, 1),
                              at(1999, 12, 31, 23, 59, 59, 999),
                              at(2000, 1, 1),
                              at(2026, 10, 1, 8, 0, 0, 0),
                              at(2026, 10, 1, 8, 0, 0, 10),
                              at(2026, 10, 1, 8, 0, 0, 100),
                              at(2026, 10, 1, 8, 0, 1, 0)};
  // And a walk over some 80 years in uneven steps, so every field's digits change.
  for (StoredTime t = at(1960, 1, 1); t < at(2040, 1, 1); t += hours(8761) + minutes(7) + milliseconds(333)) {
    out.push_back(t);
  }
  return out;
}

TEST(StoredTime, IsUtcIsoTextOfOneWidthWithMilliseconds) {
  EXPECT_EQ(storedTime(at(1970, 1, 1)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(storedTime(at(2024, 5, 1, 8, 0, 0, 123)), "2024-05-01T08:00:00.123Z");
  EXPECT_EQ(storedTime(at(2026, 12, 31, 23, 59, 59, 999)), "2026-12-31T23:59:59.999Z");
  // Rounded down, before the epoch too.
  EXPECT_EQ(storedTime(at(2024, 5, 1, 8) + microseconds(999)), "2024-05-01T08:00:00.000Z");
  EXPECT_EQ(storedTime(at(1970, 1, 1) - nanoseconds(1)), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(storedTime(StoredTime::min()).size(), kStoredTimeWidth);
  EXPECT_EQ(storedTime(StoredTime::max()).size(), kStoredTimeWidth);
  for (const auto t : sampleInstants()) EXPECT_EQ(storedTime(t).size(), kStoredTimeWidth) << storedTime(t);
}

TEST(StoredTime, ReadsBackTheInstantItWroteToTheMillisecond) {
  for (const auto t : sampleInstants()) {
    const auto back = parseStoredTime(storedTime(t));
    ASSERT_TRUE(back.has_value()) << storedTime(t);
    EXPECT_EQ(*back, floor<milliseconds>(t)) << storedTime(t);
  }
  EXPECT_EQ(parseStoredTime("2024-05-01T08:00:00.123Z"), at(2024, 5, 1, 8, 0, 0, 123));
}

TEST(StoredTime, TextOrderIsTimeOrder) {
  auto instants = sampleInstants();
  std::vector<std::string> texts;
  for (const auto t : instants) texts.push_back(storedTime(t));
  std::sort(instants.begin(), instants.end());
  std::sort(texts.begin(), texts.end());
  for (std::size_t i = 0; i < instants.size(); ++i) EXPECT_EQ(texts[i], storedTime(instants[i]));
}

TEST(StoredTime, SqlComparesAndSortsStoredTimesInTimeOrder) {
  ScratchDir dir;
  auto db = openDatabase(dir);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->execute("CREATE TABLE t (id INTEGER PRIMARY KEY, at TEXT NOT NULL); CREATE INDEX t_at ON t (at);",
                          "creating"));
  auto instants = sampleInstants();
  auto insert = db->prepare("INSERT INTO t (id, at) VALUES (?1, ?2)", "inserting");
  ASSERT_TRUE(insert);
  for (std::size_t i = 0; i < instants.size(); ++i) {
    insert->bindInt(1, static_cast<std::int64_t>(i));
    ASSERT_EQ(insert->bindTime(2, instants[i]), SQLITE_OK);
    ASSERT_TRUE(db->run(*insert, "inserting"));
  }
  std::vector<StoredTime> sorted;
  auto select = db->prepare("SELECT at FROM t ORDER BY at", "sorting");
  ASSERT_TRUE(select);
  ASSERT_TRUE(db->eachRow(*select, "sorting", [&](const Statement& row) -> Result<void> {
    auto read = columnTime(row, 0, "t.at");
    if (!read) return std::move(read).error();
    sorted.push_back(*read);
    return {};
  }));
  std::sort(instants.begin(), instants.end());
  ASSERT_EQ(sorted.size(), instants.size());
  for (std::size_t i = 0; i < instants.size(); ++i) EXPECT_EQ(sorted[i], floor<milliseconds>(instants[i]));

  // A window as the rate limits and lease checks ask it: strictly after, strictly before.
  const StoredTime since = at(2026, 10, 1, 8, 0, 0, 10);
  auto count = db->prepare("SELECT count(*) FROM t WHERE at > ?1", "counting");
  ASSERT_TRUE(count);
  count->bindTime(1, since);
  ASSERT_EQ(count->step(), SQLITE_ROW);
  EXPECT_EQ(count->columnInt(0), std::count_if(instants.begin(), instants.end(),
                                               [&](StoredTime t) { return floor<milliseconds>(t) > since; }));
}

TEST(StoredTime, RefusesEveryOtherText) {
  for (const char* text : {"",
                           "2024-05-01T08:00:00Z",
                           "2024-05-01T08:00:00.12Z",
                           "2024-05-01T08:00:00.1234Z",
                           "2024-05-01 08:00:00.000Z",
                           "2024-05-01T08:00:00.000+",
                           "2024-05-01T08:00:00.000z",
                           "2024-05-01T08:00:00,000Z",
                           "2024/05/01T08:00:00.000Z",
                           "2024-13-01T08:00:00.000Z",
                           "2023-02-29T08:00:00.000Z",
                           "2024-04-31T08:00:00.000Z",
                           "2024-05-01T24:00:00.000Z",
                           "2024-05-01T08:60:00.000Z",
                           "2024-05-01T08:00:60.000Z",
                           "2024-05-01T08:00:00.0a0Z",
                           "-024-05-01T08:00:00.000Z",
                           "1000-01-01T00:00:00.000Z",
                           "9999-12-31T23:59:59.999Z",
                           "2024-05-01T08:00:00.000Z "}) {
    EXPECT_FALSE(parseStoredTime(text).has_value()) << '"' << text << '"';
  }
}

TEST(StoredTime, AColumnThatHoldsNoStoredTimeIsRefusedByName) {
  ScratchDir dir;
  auto db = openDatabase(dir);
  ASSERT_NE(db, nullptr);
  auto row = db->prepare("SELECT '2024-05-01T08:00:00Z', NULL, 1714550400000, '2024-05-01T08:00:00.000Z'", "reading");
  ASSERT_TRUE(row);
  ASSERT_EQ(row->step(), SQLITE_ROW);

  auto seconds_only = columnTime(*row, 0, "notices.created_at");
  ASSERT_FALSE(seconds_only);
  EXPECT_EQ(seconds_only.error().message,
            "notices.created_at holds '2024-05-01T08:00:00Z', which is not a time as stored "
            "(YYYY-MM-DDTHH:MM:SS.mmmZ, UTC)");
  auto null = columnTime(*row, 1, "alert_outbox.created_at");
  ASSERT_FALSE(null);
  EXPECT_THAT(null.error().message, HasSubstr("alert_outbox.created_at holds NULL,"));
  auto millis = columnTime(*row, 2, "alert_attempts.started_at");
  ASSERT_FALSE(millis);
  EXPECT_THAT(millis.error().message, HasSubstr("alert_attempts.started_at holds '1714550400000',"));

  auto optional_null = optionalColumnTime(*row, 1, "alert_outbox.delivered_at");
  ASSERT_TRUE(optional_null);
  EXPECT_FALSE(optional_null->has_value());
  auto optional_bad = optionalColumnTime(*row, 0, "alert_outbox.delivered_at");
  ASSERT_FALSE(optional_bad);
  EXPECT_THAT(optional_bad.error().message, HasSubstr("alert_outbox.delivered_at holds '2024-05-01T08:00:00Z'"));
  auto good = optionalColumnTime(*row, 3, "alert_outbox.delivered_at");
  ASSERT_TRUE(good);
  EXPECT_EQ(*good, at(2024, 5, 1, 8));
}

TEST(StoredTime, RowTimesKeepsTheFirstRefusalOfARow) {
  ScratchDir dir;
  auto db = openDatabase(dir);
  ASSERT_NE(db, nullptr);
  auto row = db->prepare("SELECT '2024-05-01T08:00:00.000Z', 'soon', NULL, 'later'", "reading");
  ASSERT_TRUE(row);
  ASSERT_EQ(row->step(), SQLITE_ROW);

  RowTimes fine(*row, "alert_silences");
  EXPECT_EQ(fine.at(0, "created_at"), at(2024, 5, 1, 8));
  EXPECT_EQ(fine.optionalAt(2, "ended_at"), std::nullopt);
  EXPECT_TRUE(fine.result());

  RowTimes refused(*row, "alert_silences");
  EXPECT_EQ(refused.at(0, "created_at"), at(2024, 5, 1, 8));
  EXPECT_EQ(refused.at(1, "expires_at"), StoredTime{});
  EXPECT_EQ(refused.optionalAt(3, "ended_at"), StoredTime{});
  auto result = refused.result();
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error().message, HasSubstr("alert_silences.expires_at holds 'soon'"));
}

TEST(StoredTime, ARowRefusedWhileSteppingFailsTheOperationNamingTheFileAndColumn) {
  ScratchDir dir;
  auto db = openDatabase(dir);
  ASSERT_NE(db, nullptr);
  auto rows = db->prepare("SELECT '2024-05-01T08:00:00.000Z' UNION ALL SELECT 'noon'", "reading");
  ASSERT_TRUE(rows);
  int read = 0;
  auto stepped = db->eachRow(*rows, "loading alerts", [&](const Statement& row) -> Result<void> {
    auto time = columnTime(row, 0, "alert_alerts.first_seen");
    if (!time) return std::move(time).error();
    ++read;
    return {};
  });
  ASSERT_FALSE(stepped);
  EXPECT_EQ(read, 1);
  EXPECT_EQ(stepped.error().message, "ledger " + (dir.path() / "times.db").string() +
                                         ": loading alerts failed: alert_alerts.first_seen holds 'noon', which is not "
                                         "a time as stored (YYYY-MM-DDTHH:MM:SS.mmmZ, UTC)");
}

TEST(StoredTime, BindingAnOptionalTimeBindsNullForNothing) {
  ScratchDir dir;
  auto db = openDatabase(dir);
  ASSERT_NE(db, nullptr);
  auto select = db->prepare("SELECT ?1, ?2", "binding");
  ASSERT_TRUE(select);
  select->bind(1, std::optional<StoredTime>{});
  select->bind(2, std::optional<StoredTime>{at(2024, 5, 1, 8, 0, 0, 5)});
  ASSERT_EQ(select->step(), SQLITE_ROW);
  EXPECT_TRUE(select->columnIsNull(0));
  EXPECT_EQ(select->text(1), "2024-05-01T08:00:00.005Z");
}

TEST(StoredTimeFunctions, MillisecondsSinceTheEpochBecomeTheStoredForm) {
  ScratchDir dir;
  auto db = openDatabase(dir);
  ASSERT_NE(db, nullptr);
  for (const auto t : sampleInstants()) {
    const auto millis = floor<milliseconds>(t).time_since_epoch().count();
    EXPECT_EQ(selectText(*db, "SELECT stored_time_from_millis(" + std::to_string(millis) + ")"), storedTime(t))
        << millis;
  }
  EXPECT_EQ(selectText(*db, "SELECT stored_time_from_millis(NULL)"), "<null>");
  // What is no integer, or none a time point holds, stays for the reader to refuse by name.
  EXPECT_EQ(selectText(*db, "SELECT stored_time_from_millis('soon')"), "soon");
  EXPECT_EQ(selectText(*db, "SELECT stored_time_from_millis(1.5)"), "1.5");
  EXPECT_EQ(selectText(*db, "SELECT stored_time_from_millis(9223372036854775807)"), "9223372036854775807");
}

TEST(StoredTimeFunctions, IsoSecondsBecomeTheStoredForm) {
  ScratchDir dir;
  auto db = openDatabase(dir);
  ASSERT_NE(db, nullptr);
  for (const auto t : sampleInstants()) {
    const auto second = floor<seconds>(t);
    const std::string old = storedTime(second).substr(0, 19) + "Z";
    EXPECT_EQ(selectText(*db, "SELECT stored_time_from_seconds('" + old + "')"), storedTime(second)) << old;
  }
  EXPECT_EQ(selectText(*db, "SELECT stored_time_from_seconds('2024-05-01T08:00:00Z')"), "2024-05-01T08:00:00.000Z");
  EXPECT_EQ(selectText(*db, "SELECT stored_time_from_seconds(NULL)"), "<null>");
  // The stored form already, an empty "not yet", and anything else stay as they are.
  for (const char* kept : {"2024-05-01T08:00:00.250Z", "", "2024-05-01", "2024-13-01T08:00:00Z", "yesterday"}) {
    EXPECT_EQ(selectText(*db, std::string("SELECT stored_time_from_seconds('") + kept + "')"), kept);
  }
  EXPECT_EQ(selectText(*db, "SELECT stored_time_from_seconds(17)"), "17");
}

}  // namespace
}  // namespace staffchain::store
