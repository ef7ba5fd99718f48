// Full snapshots the ledger must not trust blindly: the removal guard, snapshots in several
// parts, and rows whose key could be read only in part. Part of the conformance suite: every
// case on each backend.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <string>
#include <vector>

#include "ledger_backend.hpp"
#include "ledger_samples.hpp"
#include "staffchain/ledger/sql_ledger.hpp"

namespace staffchain::ledger {
namespace {

using model::Record;
using model::RecordType;
using testing::makeBatch;

// `count` people on the rosters of `units` units, round-robin.
std::vector<Record> roster(std::size_t count, std::size_t units = 4) {
  std::vector<Record> records;
  for (std::size_t i = 0; i < count; ++i) {
    model::RosterEntry entry;
    entry.person_id = testing::personId(i);
    entry.unit_id = testing::unitId(i % units);
    entry.entered_on = model::Date::fromYmd(2020, 1, 1);
    entry.origin.row = static_cast<std::uint32_t>(i + 2);
    records.emplace_back(entry);
  }
  return records;
}

class SnapshotGuardTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override {
    SqlLedgerOptions options;
    options.clock = [this] { return now_; };
    auto opened = SqlLedger::open(store_.location(), options);
    ASSERT_TRUE(opened) << opened.error().message;
    ledger_ = std::move(*opened);
  }
  CommitStats commit(const LedgerBatch& batch) {
    auto stats = ledger_->commitBatch(batch);
    if (!stats) ADD_FAILURE() << stats.error().message;
    return stats ? *stats : CommitStats{};
  }
  std::size_t rosterSize() {
    auto dataset = ledger_->loadDataset();
    return dataset ? dataset->roster.size() : 0;
  }
  LedgerBatch snapshot(std::vector<Record> records, std::string cursor) {
    auto batch = makeBatch("estab", std::move(records), {RecordType::roster}, {}, std::move(cursor));
    batch.snapshot_name = "roster.csv";
    batch.removal_guard = RemovalGuard{0.2, 50};
    return batch;
  }

  testing::BackendStore store_{GetParam()};
  std::chrono::system_clock::time_point now_ = std::chrono::system_clock::from_time_t(1'767'225'600);
  std::unique_ptr<SqlLedger> ledger_;
};

TEST_P(SnapshotGuardTest, AnEmptiedRosterIsHeldAndChangesNothing) {
  commit(snapshot(roster(300), "c1"));
  const auto stats = commit(snapshot({}, "c2"));
  ASSERT_TRUE(stats.held);
  EXPECT_EQ(stats.held->stored, 300U);
  EXPECT_EQ(stats.held->after, 0U);
  EXPECT_EQ(stats.held->removed, 300U);
  EXPECT_EQ(stats.held->name, "roster.csv");
  ASSERT_EQ(stats.held->units.size(), 4U);
  EXPECT_EQ(stats.held->units[0].second, 75U);
  EXPECT_EQ(rosterSize(), 300U);
  EXPECT_EQ(ledger_->cursor("estab").value(), std::optional<std::string>("c1"));  // nor the cursor
  auto held = ledger_->heldSnapshots(true);
  ASSERT_TRUE(held);
  ASSERT_EQ(held->size(), 1U);
  EXPECT_EQ(held->front().units, stats.held->units);
}

TEST_P(SnapshotGuardTest, RemovalsWithinEitherLimitAreApplied) {
  commit(snapshot(roster(300), "c1"));
  auto smaller = roster(300);
  smaller.resize(300 - 60);  // 20% of 300, not more
  EXPECT_EQ(commit(snapshot(smaller, "c2")).removed, 60U);
  auto few = roster(240);
  few.resize(190);  // 50 rows removed: not more than max_rows
  EXPECT_FALSE(commit(snapshot(few, "c3")).held);
  EXPECT_EQ(rosterSize(), 190U);
}

TEST_P(SnapshotGuardTest, AnAcceptedSnapshotIsAppliedAndClosesTheHeldOne) {
  commit(snapshot(roster(300), "c1"));
  auto kept = roster(300);
  kept.resize(100);
  ASSERT_TRUE(commit(snapshot(kept, "c2")).held);
  auto accepted = snapshot(kept, "c2");
  accepted.removal_guard.reset();  // what the operator's accept does
  EXPECT_EQ(commit(accepted).removed, 200U);
  EXPECT_EQ(rosterSize(), 100U);
  EXPECT_TRUE(ledger_->heldSnapshots(true)->empty());
  EXPECT_EQ(ledger_->heldSnapshots(false)->size(), 1U);
}

TEST_P(SnapshotGuardTest, HoldingTheSameSnapshotAgainKeepsOneOpenRecord) {
  commit(snapshot(roster(300), "c1"));
  commit(snapshot({}, "c2"));
  commit(snapshot({}, "c2"));
  EXPECT_EQ(ledger_->heldSnapshots(true)->size(), 1U);
}

TEST_P(SnapshotGuardTest, AFirstPartAnnouncingFarFewerRowsIsHeldBeforeAnythingIsWritten) {
  commit(snapshot(roster(300), "c1"));
  auto first = snapshot(roster(10), "c2@100:12");
  first.snapshot_part = SnapshotPart::first;
  first.snapshot_rows = 20;
  const auto stats = commit(first);
  ASSERT_TRUE(stats.held);
  EXPECT_EQ(stats.held->removed, 280U);
  EXPECT_EQ(ledger_->cursor("estab").value(), std::optional<std::string>("c1"));
}

TEST_P(SnapshotGuardTest, ASnapshotInPartsRemovesOnlyWithItsLastPart) {
  commit(snapshot(roster(300), "c1"));
  auto all = roster(300);
  // The new snapshot: persons 0..279 in three parts; 280..299 are gone.
  std::vector<Record> one(all.begin(), all.begin() + 100);
  std::vector<Record> two(all.begin() + 100, all.begin() + 200);
  std::vector<Record> three(all.begin() + 200, all.begin() + 280);
  auto first = snapshot(one, "p1");
  first.snapshot_part = SnapshotPart::first;
  first.snapshot_rows = 280;
  EXPECT_EQ(commit(first).removed, 0U);
  auto middle = snapshot(two, "p2");
  middle.snapshot_part = SnapshotPart::middle;
  EXPECT_EQ(commit(middle).removed, 0U);
  EXPECT_EQ(rosterSize(), 300U);
  auto last = snapshot(three, "p3");
  last.snapshot_part = SnapshotPart::last;
  EXPECT_EQ(commit(last).removed, 20U);
  EXPECT_EQ(rosterSize(), 280U);
}

TEST_P(SnapshotGuardTest, AnAbandonedRunOfPartsCountsNoMoreWhenTheNextStarts) {
  commit(snapshot(roster(100), "c1"));
  auto all = roster(100);
  auto first = snapshot({all.begin(), all.begin() + 90}, "p1");
  first.snapshot_part = SnapshotPart::first;
  commit(first);
  // The run was abandoned (its file changed); a new run carries persons 0..49 only.
  auto again = snapshot({all.begin(), all.begin() + 50}, "q1");
  again.snapshot_part = SnapshotPart::first;
  again.removal_guard.reset();
  commit(again);
  auto last = snapshot({}, "q2");
  last.snapshot_part = SnapshotPart::last;
  last.removal_guard.reset();
  EXPECT_EQ(commit(last).removed, 50U);
}

TEST_P(SnapshotGuardTest, AnUnreadablePersonKeepsOnlyTheRecordsOfItsUnit) {
  commit(snapshot(roster(8, 4), "c1"));  // persons 0..7 at units 0,1,2,3,0,1,2,3
  auto batch = snapshot({}, "c2");
  batch.removal_guard.reset();
  // One row whose person id could not be read, at unit 1: persons 1 and 5 might be it.
  batch.unreadable_keys.push_back({RecordType::roster, {"", testing::unitId(1).str()}});
  const auto stats = commit(batch);
  EXPECT_EQ(stats.kept_unreadable, 2U);
  EXPECT_EQ(stats.removed, 6U);
}

TEST_P(SnapshotGuardTest, ARowWithNoReadableKeyKeepsEveryAbsentRecord) {
  commit(snapshot(roster(8), "c1"));
  auto batch = snapshot({}, "c2");
  batch.removal_guard.reset();
  batch.unreadable_keys.push_back({RecordType::roster, {}});
  const auto stats = commit(batch);
  EXPECT_EQ(stats.kept_unreadable, 8U);
  EXPECT_EQ(stats.removed, 0U);
}

TEST_P(SnapshotGuardTest, UnreadableRowsOfAnEarlierPartAreRememberedForTheLast) {
  commit(snapshot(roster(8, 4), "c1"));
  auto first = snapshot({}, "p1");
  first.snapshot_part = SnapshotPart::first;
  first.removal_guard.reset();
  first.unreadable_keys.push_back({RecordType::roster, {"", testing::unitId(2).str()}});
  commit(first);
  auto last = snapshot({}, "p2");
  last.snapshot_part = SnapshotPart::last;
  last.removal_guard.reset();
  const auto stats = commit(last);
  EXPECT_EQ(stats.kept_unreadable, 2U);
  EXPECT_EQ(stats.removed, 6U);
}

// A payroll export lists a month at a time (every person's January, then February, ...) while
// its key starts with the person: the table keeps it by month and unit, and a run of parts in
// that order reads back as the same records, removing what its parts lacked.
TEST_P(SnapshotGuardTest, APayrollInPartsListedMonthByMonthReadsBackWholeAndRemovesWhatItLacks) {
  auto all = testing::payrollRecords(80 * 12);  // 80 persons (0..39 at unit 0, 40..79 at unit 1), 12 months
  auto whole = makeBatch("finance", all, {RecordType::payroll}, {}, "c1");
  commit(whole);
  // The export again, month by month: December of persons 0..9 (unit 0) and 40..44 (unit 1) is gone.
  std::vector<Record> by_month;
  for (unsigned month = 1; month <= 12; ++month) {
    for (const auto& record : all) {
      const auto& pay = std::get<model::PayrollMonth>(record);
      const auto person = (pay.origin.row - 2) / 12;  // payrollRecords' order: a person's twelve months
      if (pay.month.month() == month && !(month == 12 && (person < 10 || (person >= 40 && person < 45)))) {
        by_month.push_back(record);
      }
    }
  }
  ASSERT_EQ(by_month.size(), all.size() - 15);
  // The run in three parts; `unreadable` copies of one row whose person could not be read, in
  // December of unit 0, in each of the first two.
  const auto run = [&](const std::string& cursor, int unreadable) {
    const std::array<std::size_t, 4> cut{0, 320, 640, by_month.size()};
    CommitStats stats;
    for (std::size_t part = 0; part < 3; ++part) {
      auto batch = makeBatch("finance",
                             {by_month.begin() + static_cast<std::ptrdiff_t>(cut[part]),
                              by_month.begin() + static_cast<std::ptrdiff_t>(cut[part + 1])},
                             {RecordType::payroll}, {}, fmt::format("{}{}", cursor, part));
      batch.snapshot_part = part == 0 ? SnapshotPart::first : part == 1 ? SnapshotPart::middle : SnapshotPart::last;
      for (int copy = 0; part < 2 && copy < unreadable; ++copy) {
        batch.unreadable_keys.push_back({RecordType::payroll, {"", testing::unitId(0).str(), "2023-12"}});
      }
      stats = commit(batch);
      EXPECT_EQ(stats.updated + stats.inserted, 0U) << cursor << part;
    }
    return stats;
  };
  // Repeated more often than rows are matched one by one, the row is still one: it keeps only
  // unit 0's absent Decembers.
  auto stats = run("p", 40);
  EXPECT_EQ(stats.kept_unreadable, 10U);
  EXPECT_EQ(stats.removed, 5U);
  // Without it, unit 0's ten Decembers go too.
  stats = run("q", 0);
  EXPECT_EQ(stats.removed, 10U);
  auto dataset = ledger_->loadDataset();
  ASSERT_TRUE(dataset) << dataset.error().message;
  std::vector<std::string> stored;
  for (const auto& pay : dataset->payroll) stored.push_back(testing::describe(Record(pay)));
  std::vector<std::string> expected;
  for (const auto& record : by_month) expected.push_back(testing::describe(record));
  std::sort(stored.begin(), stored.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(stored, expected);
  // Kept by month, then unit, then key: the order the table's primary key gives.
  const auto* primary_key = GetParam() == testing::Backend::sqlite
                                ? "SELECT group_concat(name, ',') FROM pragma_index_info((SELECT name FROM "
                                  "pragma_index_list('payroll') WHERE origin = 'pk'))"
                                : "SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM pg_index i "
                                  "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) "
                                  "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                                  "WHERE i.indrelid = 'payroll'::regclass AND i.indisprimary";
  EXPECT_THAT(store_.query(primary_key), ::testing::ElementsAre("connector,month,unit_id,record_key"));
}

INSTANTIATE_TEST_SUITE_P(Backends, SnapshotGuardTest,
                         ::testing::Values(testing::Backend::sqlite, testing::Backend::postgresql),
                         testing::backendName);

}  // namespace
}  // namespace staffchain::ledger
