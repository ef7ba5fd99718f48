#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <random>

#include "ledger_backend.hpp"
#include "ledger_samples.hpp"
#include "staffchain/ledger/sql_ledger.hpp"
#include "temp_dir.hpp"

namespace staffchain::ledger {
namespace {

using model::Record;
using model::RecordType;
using testing::Backend;
using testing::describe;
using testing::describeAll;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The Ledger's contract, on each backend: every test runs on an SQLite file and on a PostgreSQL
// database, and must pass on both.
class SqlLedgerTest : public ::testing::TestWithParam<Backend> {
 protected:
  std::unique_ptr<SqlLedger> open() {
    SqlLedgerOptions options;
    options.clock = [this] { return now_; };
    auto ledger = SqlLedger::open(store_.location(), options);
    if (!ledger) ADD_FAILURE() << ledger.error().message;
    return ledger ? std::move(*ledger) : nullptr;
  }
  std::vector<std::string> query(const std::string& sql) { return store_.query(sql); }
  // What each backend says of a row its CHECK constraint refuses.
  [[nodiscard]] std::string checkRefusal() const {
    return GetParam() == Backend::sqlite ? "CHECK constraint failed" : "violates check constraint";
  }
  void advanceClock() { now_ += std::chrono::hours(1); }

  CommitStats commit(Ledger& ledger, const LedgerBatch& batch) {
    auto stats = ledger.commitBatch(batch);
    if (!stats) ADD_FAILURE() << stats.error().message;
    return stats ? *stats : CommitStats{};
  }
  model::Dataset load(Ledger& ledger) {
    auto dataset = ledger.loadDataset();
    if (!dataset) ADD_FAILURE() << dataset.error().message;
    return dataset ? std::move(*dataset) : model::Dataset{};
  }
  // Every table except the quarantine, whose last-seen time moves by design.
  std::vector<std::string> dumpRecords() {
    std::vector<std::string> out;
    for (const auto* table : {"connectors", "units", "quotas", "leader_quotas", "approvals", "roster", "movements",
                              "payroll", "deaths", "movement_history", "removals"}) {
      for (auto& row : query(std::string("SELECT * FROM ") + table)) {
        out.push_back(std::string(table) + ": " + row);
      }
    }
    return out;
  }

  testing::BackendStore store_{GetParam()};
  std::chrono::system_clock::time_point now_ = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1};
};

model::QuarantineEntry badRow(std::string origin) {
  return model::QuarantineEntry{"roster.csv", RecordType::roster,  std::move(origin),
                                "person_id",  "15070219800101001", "check digit is missing"};
}

TEST_P(SqlLedgerTest, EveryRecordTypeRoundTrips) {
  auto ledger = open();
  ASSERT_TRUE(ledger);
  const auto records = testing::oneOfEachType();
  auto batch = testing::makeBatch("estab", records, {}, {badRow("roster.csv:9")}, "page-1");
  const auto stats = commit(*ledger, batch);
  EXPECT_EQ(stats.inserted, records.size());
  EXPECT_EQ(stats.quarantined, 1U);

  const auto dataset = load(*ledger);
  EXPECT_THAT(dataset.sources, ElementsAre("estab"));
  std::vector<std::string> expected;
  for (const auto& r : records) expected.push_back(describe(r));
  expected.push_back("quarantine roster.csv roster roster.csv:9 person_id 15070219800101001 check digit is missing");
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(describeAll(dataset), expected);
}

TEST_P(SqlLedgerTest, TablesAreReadableWithCanonicalCodes) {
  auto ledger = open();
  ASSERT_TRUE(ledger);
  commit(*ledger, testing::makeBatch("estab", testing::oneOfEachType(), {}, {}, std::nullopt));
  EXPECT_THAT(query("SELECT name, estab_type, entered_on, leader_level FROM roster ORDER BY name"),
              ElementsAre("张三|admin|2015-07-01|county", "李四|institution|2023-04-15|"));
  EXPECT_THAT(query("SELECT month, funding, gross_fen FROM payroll"), ElementsAre("2023-05|full|812345"));
  if (GetParam() == Backend::sqlite) {
    EXPECT_THAT(query("SELECT journal_mode FROM pragma_journal_mode"), ElementsAre("wal"));
  }
}

TEST_P(SqlLedgerTest, SameBatchTwiceChangesNothing) {
  auto ledger = open();
  ASSERT_TRUE(ledger);
  const auto records = testing::oneOfEachType();
  const auto batch = testing::makeBatch("estab", records, {RecordType::roster}, {badRow("roster.csv:9")}, "page-1");
  commit(*ledger, batch);
  const auto before = dumpRecords();
  const auto dataset_before = describeAll(load(*ledger));

  advanceClock();
  const auto stats = commit(*ledger, batch);
  EXPECT_EQ(stats, (CommitStats{0, 0, records.size(), 0, 0, 1, 0, 0, {}, {}}));
  EXPECT_EQ(dumpRecords(), before);
  EXPECT_EQ(describeAll(load(*ledger)), dataset_before);
}

TEST_P(SqlLedgerTest, ChangedRecordIsUpdatedAndMovementHistoryGrows) {
  auto ledger = open();
  ASSERT_TRUE(ledger);
  auto records = testing::oneOfEachType();
  commit(*ledger, testing::makeBatch("hr", records, {}, {}, std::nullopt));

  auto& hire = std::get<model::Movement>(records[7]);
  ASSERT_EQ(hire.movement_id, "HR-2023-0001");
  hire.effective_on = model::Date::fromYmd(2023, 4, 2);
  std::get<model::PayrollMonth>(records[9]).gross_fen = 900000;
  advanceClock();
  const auto stats = commit(*ledger, testing::makeBatch("hr", records, {}, {}, std::nullopt));
  EXPECT_EQ(stats.updated, 2U);
  EXPECT_EQ(stats.unchanged, records.size() - 2);
  EXPECT_EQ(stats.inserted, 0U);

  EXPECT_THAT(query("SELECT version, first_seen, updated_at, effective_on FROM movements "
                    "WHERE movement_id = 'HR-2023-0001'"),
              ElementsAre("2|2024-05-01T00:00:00.000Z|2024-05-01T01:00:00.000Z|2023-04-02"));
  auto history = ledger->movementHistory(hire.person_id);
  ASSERT_TRUE(history) << history.error().message;
  ASSERT_EQ(history->size(), 2U);
  EXPECT_EQ((*history)[0].change, MovementChange::inserted);
  EXPECT_EQ((*history)[0].movement.effective_on, model::Date::fromYmd(2023, 4, 1));
  EXPECT_EQ((*history)[1].change, MovementChange::updated);
  EXPECT_EQ((*history)[1].movement.effective_on, model::Date::fromYmd(2023, 4, 2));
  EXPECT_EQ((*history)[1].recorded_at, "2024-05-01T01:00:00Z");
  EXPECT_EQ((*history)[1].connector, "hr");
  EXPECT_LT((*history)[0].sequence, (*history)[1].sequence);

  auto all = ledger->movementHistory(std::nullopt);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 3U);  // two inserts, one update
  EXPECT_EQ(load(*ledger).payroll.at(0).gross_fen, 900000);
}

TEST_P(SqlLedgerTest, MovedRowAloneIsNotAChange) {
  auto ledger = open();
  ASSERT_TRUE(ledger);
  auto records = testing::oneOfEachType();
  commit(*ledger, testing::makeBatch("hr", records, {}, {}, std::nullopt));
  std::get<model::Movement>(records[7]).origin.row = 40;
  advanceClock();
  const auto stats = commit(*ledger, testing::makeBatch("hr", records, {}, {}, std::nullopt));
  EXPECT_EQ(stats.updated, 0U);
  EXPECT_EQ(stats.unchanged, records.size());
  EXPECT_THAT(query("SELECT source_row, version, updated_at FROM movements WHERE record_key = 'HR-2023-0001'"),
              ElementsAre("40|1|2024-05-01T00:00:00.000Z"));
  auto history = ledger->movementHistory(std::nullopt);
  ASSERT_TRUE(history);
  EXPECT_EQ(history->size(), 2U);
}

TEST_P(SqlLedgerTest, FullSnapshotRemovesAbsentRecordsOfThatConnectorAndTypeOnly) {
  auto ledger = open();
  ASSERT_TRUE(ledger);
  const auto records = testing::oneOfEachType();
  commit(*ledger, testing::makeBatch("estab", records, {}, {}, std::nullopt));
  commit(*ledger, testing::makeBatch("estab-2", records, {}, {}, std::nullopt));

  // The next roster and movements exports hold one record each; payroll is a delta and absent.
  std::vector<Record> next{records[5], records[7]};
  advanceClock();
  const auto stats =
      commit(*ledger, testing::makeBatch("estab", next, {RecordType::roster, RecordType::movement}, {}, std::nullopt));
  EXPECT_EQ(stats, (CommitStats{0, 0, 2, 2, 0, 0, 0, 0, {}, {}}));

  const auto dataset = load(*ledger);
  EXPECT_THAT(dataset.sources, ElementsAre("estab", "estab-2"));
  std::size_t estab_roster = 0;
  for (const auto& r : dataset.roster) estab_roster += r.origin.source == 0 ? 1U : 0U;
  EXPECT_EQ(estab_roster, 1U);
  EXPECT_EQ(dataset.roster.size(), 3U);
  EXPECT_EQ(dataset.movements.size(), 3U);
  EXPECT_EQ(dataset.payroll.size(), 2U);
  EXPECT_THAT(query("SELECT connector, record_type, record_key, removed_at FROM removals ORDER BY seq"),
              ::testing::UnorderedElementsAre("estab|roster|" + testing::personId(2).str() + "|" +
                                                  testing::unitId(2).str() + "|2024-05-01T01:00:00.000Z",
                                              "estab|movements|ORG-2022-0107|2024-05-01T01:00:00.000Z"));
  auto history = ledger->movementHistory(testing::personId(1));
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 3U);  // inserted by each connector, then removed from one
  EXPECT_EQ(history->back().change, MovementChange::removed);
  EXPECT_EQ(history->back().connector, "estab");
  EXPECT_EQ(history->back().movement.movement_id, "ORG-2022-0107");

  // An empty snapshot empties the type.
  const auto emptied = commit(*ledger, testing::makeBatch("estab", {}, {RecordType::roster}, {}, std::nullopt));
  EXPECT_EQ(emptied.removed, 1U);
}

TEST_P(SqlLedgerTest, SnapshotKeepsHeldRecordsWhoseNewRowWasUnreadable) {
  auto ledger = open();
  ASSERT_TRUE(ledger);
  const auto records = testing::oneOfEachType();
  std::vector<Record> roster;
  for (const auto& record : records) {
    if (model::recordTypeOf(record) == RecordType::roster) roster.push_back(record);
  }
  ASSERT_GE(roster.size(), 2U);
  commit(*ledger, testing::makeBatch("estab", roster, {RecordType::roster}, {}, std::nullopt));

  // The next export has the first entry unreadable (quarantined, its key still readable) and
  // omits the second: the first stays as it was, the second goes.
  advanceClock();
  auto next = testing::makeBatch("estab", {}, {RecordType::roster}, {badRow("roster.csv:2")}, std::nullopt);
  next.unreadable_keys.push_back(
      {RecordType::roster, model::keyParts(RecordType::roster, model::recordKey(roster[0]))});
  next.unreadable_keys.push_back({RecordType::roster, {"an unknown key", "changes nothing"}});
  const auto stats = commit(*ledger, next);
  EXPECT_EQ(stats.kept_unreadable, 1U);
  EXPECT_EQ(stats.removed, roster.size() - 1);
  const auto dataset = load(*ledger);
  ASSERT_EQ(dataset.roster.size(), 1U);
  EXPECT_EQ(model::recordKey(Record{dataset.roster[0]}), model::recordKey(roster[0]));
}

TEST_P(SqlLedgerTest, QuarantineIsDeduplicatedWithLastSeen) {
  auto ledger = open();
  ASSERT_TRUE(ledger);
  const auto batch =
      testing::makeBatch("estab", {}, {}, {badRow("roster.csv:9"), badRow("roster.csv:12")}, std::nullopt);
  auto first = commit(*ledger, batch);
  EXPECT_EQ(first.quarantined, 2U);
  EXPECT_EQ(first.new_quarantine, (std::vector<std::uint32_t>{0, 1}));
  advanceClock();
  auto second = commit(*ledger, batch);
  EXPECT_EQ(second.quarantined, 0U);
  EXPECT_EQ(second.quarantine_repeats, 2U);
  EXPECT_TRUE(second.new_quarantine.empty());  // seen before: not reported again
  LedgerBatch other = batch;
  other.quarantine = {badRow("roster.csv:30")};
  advanceClock();
  EXPECT_EQ(commit(*ledger, other).new_quarantine, (std::vector<std::uint32_t>{0}));

  auto listed = ledger->quarantine(10);
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 3U);
  EXPECT_EQ((*listed)[0].entry.origin, "roster.csv:30");  // most recently seen first
  EXPECT_EQ((*listed)[1].times_seen, 2);
  EXPECT_EQ((*listed)[1].first_seen, "2024-05-01T00:00:00Z");
  EXPECT_EQ((*listed)[1].last_seen, "2024-05-01T01:00:00Z");
  EXPECT_EQ((*listed)[1].connector, "estab");
  EXPECT_EQ((*listed)[1].entry.source, "roster.csv");

  auto limited = ledger->quarantine(1);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->size(), 1U);
  EXPECT_EQ(load(*ledger).quarantine.size(), 3U);
  // Committed, as another connection sees it, and so is every batch after a repeated entry.
  EXPECT_THAT(query("SELECT origin, times_seen FROM quarantine ORDER BY origin"),
              ElementsAre("roster.csv:12|2", "roster.csv:30|1", "roster.csv:9|2"));
  advanceClock();
  commit(*ledger, testing::makeBatch("estab", testing::oneOfEachType(), {}, {badRow("roster.csv:9")}, "after"));
  EXPECT_THAT(query("SELECT cursor FROM connectors"), ElementsAre("after"));
}

TEST_P(SqlLedgerTest, CursorIsCommittedWithTheRecordsAndCanBeReset) {
  auto ledger = open();
  ASSERT_TRUE(ledger);
  auto none = ledger->cursor("hr");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());

  commit(*ledger, testing::makeBatch("hr", testing::oneOfEachType(), {}, {}, "2024-04-30T23:59:59Z#812"));
  commit(*ledger, testing::makeBatch("finance", {}, {}, {}, "payroll-2024-04"));
  commit(*ledger, testing::makeBatch("hr", {}, {}, {}, std::nullopt));  // no cursor: the old one stays
  auto cursor = ledger->cursor("hr");
  ASSERT_TRUE(cursor);
  EXPECT_EQ(cursor->value_or(""), "2024-04-30T23:59:59Z#812");

  ASSERT_TRUE(ledger->resetCursor("hr"));
  cursor = ledger->cursor("hr");
  ASSERT_TRUE(cursor);
  EXPECT_FALSE(cursor->has_value());
  EXPECT_EQ(ledger->cursor("finance")->value_or(""), "payroll-2024-04");
  EXPECT_EQ(load(*ledger).movements.size(), 2U);  // records survive a cursor reset
}

TEST_P(SqlLedgerTest, FailedBatchKeepsRecordsQuarantineAndCursorAsBefore) {
  auto ledger = open();
  ASSERT_TRUE(ledger);
  auto records = testing::oneOfEachType();
  commit(*ledger, testing::makeBatch("hr", records, {RecordType::roster}, {badRow("roster.csv:9")}, "c1"));
  const auto before = dumpRecords();
  const auto quarantine_before = query("SELECT * FROM quarantine");

  // Changes, removals, new quarantine and a new cursor, then a movement without an id: the
  // ledger refuses an empty key, and with it everything the batch had written.
  std::get<model::PayrollMonth>(records[9]).gross_fen = 1;
  records.erase(records.begin() + 6);  // a roster entry, removed by the snapshot
  for (const auto& extra : testing::payrollRecords(500)) records.push_back(extra);
  model::Movement nameless = std::get<model::Movement>(records[7]);
  nameless.movement_id.clear();
  records.emplace_back(nameless);
  advanceClock();
  auto failed =
      ledger->commitBatch(testing::makeBatch("hr", records, {RecordType::roster}, {badRow("roster.csv:44")}, "c2"));
  ASSERT_FALSE(failed);
  EXPECT_THAT(failed.error().message, HasSubstr(store_.where()));
  EXPECT_THAT(failed.error().message, HasSubstr("connector 'hr'"));
  EXPECT_THAT(failed.error().message, HasSubstr(checkRefusal()));

  EXPECT_EQ(dumpRecords(), before);
  EXPECT_EQ(query("SELECT * FROM quarantine"), quarantine_before);
  EXPECT_EQ(ledger->cursor("hr")->value_or(""), "c1");

  // The ledger is usable after the failure.
  records.pop_back();
  const auto stats = commit(*ledger, testing::makeBatch("hr", records, {RecordType::roster}, {}, "c2"));
  EXPECT_EQ(stats.inserted, 500U);
  EXPECT_EQ(stats.removed, 1U);
  EXPECT_EQ(ledger->cursor("hr")->value_or(""), "c2");
}

TEST_P(SqlLedgerTest, MovementHistoryIsAppendOnly) {
  auto ledger = open();
  ASSERT_TRUE(ledger);
  commit(*ledger, testing::makeBatch("hr", testing::oneOfEachType(), {}, {}, std::nullopt));
  EXPECT_THROW(store_.exec("UPDATE movement_history SET name = 'x'"), std::runtime_error);
  EXPECT_THROW(store_.exec("DELETE FROM movement_history"), std::runtime_error);
  EXPECT_EQ(query("SELECT count(*) FROM movement_history"), std::vector<std::string>{"2"});
}

TEST_P(SqlLedgerTest, ClosedLedgerAnswersWithErrors) {
  auto ledger = open();
  ASSERT_TRUE(ledger);
  ledger->close();
  ledger->close();
  auto stats = ledger->commitBatch(testing::makeBatch("hr", testing::oneOfEachType(), {}, {}, std::nullopt));
  ASSERT_FALSE(stats);
  EXPECT_THAT(stats.error().message, HasSubstr("closed"));
  EXPECT_THAT(stats.error().message, HasSubstr(store_.where()));
  EXPECT_FALSE(ledger->cursor("hr"));
  EXPECT_FALSE(ledger->loadDataset());
  EXPECT_FALSE(ledger->quarantine(5));
  EXPECT_FALSE(ledger->movementHistory(std::nullopt));
  EXPECT_FALSE(ledger->resetCursor("hr"));
  // Reopening sees what was committed before.
  EXPECT_TRUE(open());
}

TEST(SqliteLedgerOpen, ErrorsNameThePath) {
  const testing::TempDir dir;
  const auto missing_dir = dir.path() / "no-such-dir" / "ledger.db";
  auto missing = SqlLedger::open(missing_dir);
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr(missing_dir.string()));

  const auto garbage = dir.path() / "garbage.db";
  std::ofstream(garbage) << "this is not an SQLite database, it is a note about staffing\n" << std::string(4096, 'x');
  auto refused = SqlLedger::open(garbage);
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr(garbage.string()));
  EXPECT_THAT(refused.error().message, HasSubstr("not a database"));
}

// A server that does not answer, or a database that is not there, is named without the
// password the URL carried.
TEST(PostgresLedgerOpen, ErrorsNameTheDatabaseButNeverItsPassword) {
  auto* server = staffchain::testing::sharedPostgres();
  ASSERT_NE(server, nullptr);
  store::Location nowhere;
  store::PostgresTarget target;
  target.url = "postgresql://staffchain:s3cret-pw@127.0.0.1:" + std::to_string(server->port()) + "/no_such_database";
  target.connect_timeout = std::chrono::seconds(5);
  nowhere.postgres = std::move(target);
  auto refused = SqlLedger::open(nowhere);
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("ledger postgresql://staffchain@127.0.0.1:"));
  EXPECT_THAT(refused.error().message, HasSubstr("no_such_database"));
  EXPECT_THAT(refused.error().message, ::testing::Not(HasSubstr("s3cret-pw")));
}

TEST_P(SqlLedgerTest, BatchWithoutConnectorIsRefused) {
  auto ledger = open();
  ASSERT_TRUE(ledger);
  auto stats = ledger->commitBatch(testing::makeBatch("", testing::oneOfEachType(), {}, {}, std::nullopt));
  ASSERT_FALSE(stats);
  EXPECT_THAT(stats.error().message, HasSubstr("names no connector"));
  EXPECT_TRUE(load(*ledger).units.empty());
}

TEST_P(SqlLedgerTest, DuplicateKeysInOneBatchKeepTheLast) {
  auto ledger = open();
  ASSERT_TRUE(ledger);
  auto records = testing::payrollRecords(3);
  auto later = records[1];
  std::get<model::PayrollMonth>(later).gross_fen = 42;
  records.push_back(later);
  const auto stats = commit(*ledger, testing::makeBatch("finance", records, {RecordType::payroll}, {}, std::nullopt));
  EXPECT_EQ(stats, (CommitStats{3, 1, 0, 0, 0, 0, 0, 0, {}, {}}));
  const auto dataset = load(*ledger);
  ASSERT_EQ(dataset.payroll.size(), 3U);
  EXPECT_EQ(dataset.payroll[1].gross_fen, 42);
}

// Records are written in key order, whatever the batch's order: the counts, what is stored and
// which duplicate wins must be those of the batch as given. Checked against a model of the
// ledger kept by the test, on a snapshot of three types shuffled, with held, new and absent
// keys and a key that comes twice (held and new, in and out of key order).
TEST_P(SqlLedgerTest, SnapshotInAnyOrderCountsAndStoresAsGiven) {
  auto ledger = open();
  ASSERT_TRUE(ledger);
  const std::vector<RecordType> types{RecordType::roster, RecordType::movement, RecordType::payroll};
  auto first = testing::mixedRecords(400);
  commit(*ledger, testing::makeBatch("hr", first, types, {}, std::nullopt));

  // The content of a record without its row: what decides "changed".
  const auto content = [](Record record) {
    std::visit([](auto& r) { r.origin = model::Origin{}; }, record);
    return testing::describe(record);
  };
  std::map<std::string, std::string> held;  // key -> content
  for (const auto& r : first) held[model::recordKey(r)] = content(r);

  auto next = testing::mixedRecords(460);
  next.erase(next.begin(), next.begin() + 40);  // absent now: removed
  std::get<model::PayrollMonth>(next[10]).gross_fen += 1;
  for (auto& r : next) {
    if (auto* m = std::get_if<model::Movement>(&r)) m->name += "·";  // every held movement changes
  }
  // Twice: a held payroll key (changed the second time, last), a new movement (changed, last),
  // a held roster key (the same content, first: ahead of the row it repeats).
  auto again_pay = next[12];
  std::get<model::PayrollMonth>(again_pay).gross_fen = 7;
  auto again_movement = next.back();
  std::get<model::Movement>(again_movement).name = "改名";
  Record again_roster;
  for (const auto& r : next) {
    if (model::recordTypeOf(r) == RecordType::roster) again_roster = r;
  }
  std::mt19937 shuffle_with(17);
  std::shuffle(next.begin(), next.end(), shuffle_with);
  next.push_back(again_pay);
  next.push_back(again_movement);
  next.insert(next.begin(), again_roster);

  CommitStats expected;
  std::map<std::string, std::string> model_state;
  std::map<std::string, std::string> stored_before = held;
  for (const auto& r : next) {
    const auto key = model::recordKey(r);
    const auto text = content(r);
    auto known = model_state.find(key);
    const std::string* before = nullptr;
    if (known != model_state.end()) {
      before = &known->second;
    } else if (auto it = stored_before.find(key); it != stored_before.end()) {
      before = &it->second;
    }
    if (before == nullptr) {
      ++expected.inserted;
    } else if (*before == text) {
      ++expected.unchanged;
    } else {
      ++expected.updated;
    }
    model_state[key] = text;
  }
  for (const auto& [key, text] : held) {
    if (!model_state.contains(key)) ++expected.removed;
  }
  ASSERT_GT(expected.removed, 0U);
  ASSERT_GT(expected.updated, 0U);
  advanceClock();
  EXPECT_EQ(commit(*ledger, testing::makeBatch("hr", next, types, {}, std::nullopt)), expected);

  std::map<std::string, std::string> stored;
  const auto dataset = load(*ledger);
  const auto keep = [&](const auto& records) {
    for (const auto& r : records) stored[model::recordKey(Record{r})] = content(Record{r});
  };
  keep(dataset.roster);
  keep(dataset.movements);
  keep(dataset.payroll);
  EXPECT_EQ(stored, model_state);
}

INSTANTIATE_TEST_SUITE_P(Backends, SqlLedgerTest, ::testing::Values(Backend::sqlite, Backend::postgresql),
                         testing::backendName);

}  // namespace
}  // namespace staffchain::ledger
