#include "staffchain/propagation/notice_store.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "notice_outbox_fixture.hpp"
#include "staffchain/ingest/ingestor.hpp"
#include "staffchain/propagation/notice_evidence.hpp"
#include "staffchain/propagation/notice_tracker.hpp"

namespace staffchain::propagation {
namespace {

using model::MovementKind;
using model::SourceRole;
using testing::date;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::movement;

using NoticeStoreTest = testing::NoticeOutboxTest;

TEST_F(NoticeStoreTest, NoticesAreWrittenWithTheirMovementOnceAndPending) {
  at("2026-10-01");
  const auto retire = movement("HR-1", MovementKind::retire, SourceRole::hr, "2026-09-15");
  EXPECT_EQ(ingest("hr", {retire}, "2026-10-01").notices_written, 2U);
  EXPECT_EQ(ingest("hr", {retire}, "2026-10-02").notices_written, 0U);  // same keys: kept as they were
  const auto notices = all();
  ASSERT_EQ(notices.size(), 2U);
  for (const auto& n : notices) {
    EXPECT_EQ(n.state, "pending");
    EXPECT_EQ(n.created_at, "2026-10-01T08:00:00Z");
    EXPECT_THAT(events(n.id), ElementsAre("written"));
  }
  EXPECT_EQ(store_->countByState().value().at("pending"), 2U);
}

// Issue #17: the roster_add movement and, in a later sync, the roster row of the same stay
// each wrote a 起薪 notice.
TEST_F(NoticeStoreTest, ASecondRecordOfTheSameStayWritesNoSecondNotice) {
  at("2026-10-01");
  EXPECT_EQ(ingest("estab", {movement("E-7", MovementKind::roster_add, SourceRole::estab, "2026-09-15")}, "2026-10-01")
                .notices_written,
            1U);
  const auto first = only("pay_start");
  ASSERT_TRUE(store_->delivered(first.id, "INSERT 0 1", false));
  at("2026-10-02");
  EXPECT_EQ(ingest("estab_roster", {testing::rosterEntry(testing::kUnit, "2026-09-15")}, "2026-10-02").notices_written,
            0U);
  const auto notices = all();
  ASSERT_EQ(notices.size(), 1U);
  EXPECT_EQ(notices[0].id, first.id);
  EXPECT_EQ(notices[0].field("movement_id"), "E-7");
  EXPECT_TRUE(store_->due(10).value().empty());
}

// A notice an older staffchain stored under its old id (a hash of the movement id) is the same
// notice as the one this version plans for that stay: it keeps its id, state and history, and
// nothing is written or sent again after the upgrade.
TEST_F(NoticeStoreTest, AnUpgradeKeepsTheIdsAnOlderVersionStoredAndSendsNothingAgain) {
  at("2026-10-01");
  const auto retire = movement("HR-1", MovementKind::retire, SourceRole::hr, "2026-09-15");
  ledger::LedgerBatch old;
  old.connector = "hr";
  old.records = {retire};
  old.notices = testing::planner().plan(old.records, date("2026-10-01"), "2026-10-01T08:00:00Z");
  ASSERT_EQ(old.notices.size(), 2U);
  const std::vector<std::string> old_ids{"5f1c0a7d3e9b2486", "a04e6d2c81f3b975"};
  for (std::size_t i = 0; i < old.notices.size(); ++i) {
    auto& notice = old.notices[i];
    const std::string planned_id = notice.id;
    notice.id = old_ids[i];
    const auto at_id = notice.fields_json.find(planned_id);
    ASSERT_NE(at_id, std::string::npos);
    notice.fields_json.replace(at_id, planned_id.size(), notice.id);
  }
  ASSERT_TRUE(ledger_->commitBatch(old));
  ASSERT_TRUE(store_->delivered(old_ids[0], "written outbound/notice.csv", false));
  ASSERT_TRUE(store_->delivered(old_ids[1], "INSERT 0 1", false));

  // After the upgrade hr sends the movement again (a source that re-reads what it holds).
  at("2026-10-02");
  EXPECT_EQ(ingest("hr", {retire}, "2026-10-02").notices_written, 0U);
  const auto notices = all();
  ASSERT_EQ(notices.size(), 2U);
  for (const auto& n : notices) {
    EXPECT_THAT(old_ids, ::testing::Contains(n.id));
    EXPECT_EQ(n.state, "delivered");
    EXPECT_THAT(events(n.id), ElementsAre("written", "delivered"));
  }
  EXPECT_TRUE(store_->due(10).value().empty());

  // The planned notice itself now carries the stored id, in its notice_id column too.
  auto replanned = testing::planner().plan({retire}, date("2026-10-02"), "t");
  ASSERT_EQ(store_->adoptStoredIds(replanned).value(), 2U);
  for (const auto& notice : replanned) {
    EXPECT_THAT(old_ids, ::testing::Contains(notice.id));
    EXPECT_THAT(notice.fields_json, HasSubstr(fmt::format("[\"notice_id\",\"{}\"]", notice.id)));
  }
  // A notice of another stay is not taken for it.
  auto other = testing::planner().plan({movement("HR-2", MovementKind::retire, SourceRole::hr, "2026-09-20")},
                                       date("2026-10-02"), "t");
  EXPECT_EQ(store_->adoptStoredIds(other).value(), 0U);
}

TEST_F(NoticeStoreTest, ABatchThatFailsKeepsNeitherItsMovementNorItsNotices) {
  ledger::LedgerBatch batch;
  batch.connector = "hr";
  batch.records = {movement("HR-1", MovementKind::retire, SourceRole::hr, "2026-09-15")};
  batch.notices = testing::planner().plan(batch.records, date("2026-10-01"), "t");
  batch.notices.push_back(batch.notices.front());
  batch.notices.back().id = "";  // refused by the table: the whole transaction goes
  ASSERT_FALSE(ledger_->commitBatch(batch));
  EXPECT_TRUE(all().empty());
  EXPECT_TRUE(ledger_->loadDataset().value().movements.empty());
}

TEST_F(NoticeStoreTest, IngestCommitsThePlannersNoticesWithTheBatchAndOnlyValidRecordsCauseThem) {
  plugin::SourceBatch batch;
  auto raw = [](const std::string& id, const std::string& kind, const std::string& person) {
    plugin::RawRecord record;
    record.type = model::RecordType::movement;
    record.origin = "movements.csv:" + id;
    record.fields = {{"movement_id", id},  {"source", "hr"},
                     {"kind", kind},       {"person_id", person},
                     {"name", "张三"},     {"unit_id", testing::kUnit},
                     {"from_unit_id", ""}, {"effective_on", "2026-09-15"},
                     {"recorded_on", ""},  {"approval_id", ""},
                     {"leader_level", ""}, {"leader_rank", ""}};
    return record;
  };
  batch.records = {raw("2", "retire", testing::kPerson), raw("3", "retire", "110105194912310021")};
  batch.cursor = "c1";
  const auto planner = testing::planner();
  std::size_t planned_from = 0;
  auto ingested = ingest::ingestBatch(*ledger_, "hr", batch,
                                      [&](const std::string& connector, const std::vector<model::Record>& records) {
                                        EXPECT_EQ(connector, "hr");
                                        planned_from = records.size();
                                        return planner.plan(records, date("2026-10-01"), "t");
                                      });
  ASSERT_TRUE(ingested) << ingested.error().message;
  EXPECT_EQ(planned_from, 1U);  // the bad citizen id went to quarantine, not to another department
  EXPECT_EQ(ingested->stats.notices_written, 2U);
  EXPECT_EQ(all().size(), 2U);
  EXPECT_EQ(ledger_->cursor("hr").value(), "c1");
}

TEST_F(NoticeStoreTest, DeliveryFailuresBackOffAndDeliveredNoticesAreNotDueAgain) {
  ingest("hr", {movement("HR-1", MovementKind::retire, SourceRole::hr, "2026-09-15")}, "2026-10-01");
  auto due = store_->due(10).value();
  ASSERT_EQ(due.size(), 2U);
  const std::string estab = only("roster_remove").id;
  const std::string finance = only("pay_stop").id;

  ASSERT_TRUE(store_->failed(finance, "connection refused", std::chrono::minutes(5)));
  ASSERT_TRUE(store_->delivered(estab, "written outbound/notice.csv", false));
  EXPECT_TRUE(store_->due(10).value().empty());
  EXPECT_EQ(store_->nextAttempt().value(), now_ + std::chrono::minutes(5));
  now_ += std::chrono::minutes(5);
  due = store_->due(10).value();
  ASSERT_EQ(due.size(), 1U);
  EXPECT_EQ(due[0].id, finance);
  EXPECT_EQ(due[0].attempts, 1);
  EXPECT_EQ(due[0].last_error, "connection refused");
  ASSERT_TRUE(store_->delivered(finance, "INSERT 0 0", true));
  EXPECT_FALSE(store_->nextAttempt().value().has_value());

  const auto delivered = only("pay_stop");
  EXPECT_EQ(delivered.state, "delivered");
  EXPECT_EQ(delivered.receipt, "INSERT 0 0");
  EXPECT_EQ(delivered.attempts, 2);
  EXPECT_THAT(events(finance), ElementsAre("written", "failed", "duplicate"));
  // A second outcome for the same notice (a late worker) changes nothing.
  EXPECT_FALSE(store_->delivered(finance, "again", false));
}

TEST_F(NoticeStoreTest, DryRunNoticesAreDueOnceToBeLoggedAndNeverSent) {
  ledger::LedgerBatch batch;
  batch.connector = "hr";
  batch.records = {movement("HR-1", MovementKind::hire, SourceRole::hr, "2026-09-15")};
  batch.notices = testing::planner({}, true).plan(batch.records, date("2026-10-01"), "t");
  ASSERT_TRUE(ledger_->commitBatch(batch));
  auto due = store_->due(10).value();
  ASSERT_EQ(due.size(), 1U);
  EXPECT_EQ(due[0].state, "dry_run");
  ASSERT_TRUE(store_->dryRun(due[0].id, "would append a row to notices.csv"));
  EXPECT_TRUE(store_->due(10).value().empty());
  EXPECT_EQ(only("roster_add").delivered_at, "");
  EXPECT_THAT(events(due[0].id), ElementsAre("written", "dry_run"));
}

TEST_F(NoticeStoreTest, TrackerCompletesWhenTheTargetsRecordComesBack) {
  ingest("hr", {movement("HR-1", MovementKind::retire, SourceRole::hr, "2026-09-15")}, "2026-10-01");
  ASSERT_TRUE(store_->delivered(only("pay_stop").id, "ok", false));
  NoticeTracker tracker(*store_);
  // A pay_stop of an exit long before is not the answer to this one.
  EXPECT_EQ(tracker.observe({movement("F-0", MovementKind::pay_stop, SourceRole::finance, "2025-03-31")}).value(), 0U);
  // hr reporting a pay_stop is not finance acting on the notice.
  EXPECT_EQ(tracker.observe({movement("HR-9", MovementKind::pay_stop, SourceRole::hr, "2026-09-30")}).value(), 0U);
  const auto stop = movement("F-1", MovementKind::pay_stop, SourceRole::finance, "2026-09-30");
  ASSERT_EQ(ingest("finance", {stop}, "2026-10-02").notices_written, 0U);
  at("2026-10-03", 9);
  EXPECT_EQ(tracker.observe({stop}).value(), 1U);
  const auto done = only("pay_stop");
  EXPECT_EQ(done.state, "completed");
  EXPECT_EQ(done.completed_at, "2026-10-03T09:00:00Z");
  EXPECT_THAT(events(done.id), ElementsAre("written", "delivered", "completed"));
  EXPECT_EQ(only("roster_remove").state, "pending");
}

TEST_F(NoticeStoreTest, OverdueAfterTheDeadlineAndStillCompletableLater) {
  ingest("hr", {movement("HR-1", MovementKind::retire, SourceRole::hr, "2026-09-15")}, "2026-10-01");
  NoticeTracker tracker(*store_);
  EXPECT_EQ(tracker.markOverdue(date("2026-09-30")).value(), 0U);  // the deadline day itself is in time
  EXPECT_EQ(tracker.markOverdue(date("2026-10-01")).value(), 1U);  // roster_remove due 2026-09-30
  EXPECT_EQ(only("roster_remove").state, "overdue");
  EXPECT_EQ(tracker.markOverdue(date("2026-10-02")).value(), 1U);  // pay_stop due 2026-10-01
  EXPECT_EQ(store_->list(filter(&NoticeFilter::state, "overdue")).value().size(), 2U);
  // An overdue notice not delivered yet is still sent.
  EXPECT_EQ(store_->due(10).value().size(), 2U);
  model::RosterEntry other;
  other.person_id = model::checkCitizenId("440524188001010014").value.value();
  other.unit_id = model::checkCreditCode(testing::kUnit).value.value();
  other.entered_on = date("2020-01-01");
  model::Dataset dataset;
  dataset.roster = {other};  // estab reports the unit's roster, and the person is gone from it
  EXPECT_EQ(tracker.observeAll(dataset).value(), 1U);
  EXPECT_EQ(only("roster_remove").state, "completed");
}

TEST_F(NoticeStoreTest, NoPayAfterTheStopMonthCompletesTheStopNotice) {
  ingest("hr", {movement("HR-1", MovementKind::retire, SourceRole::hr, "2026-09-15")}, "2026-10-01");
  NoticeTracker tracker(*store_);
  model::PayrollMonth mine;
  mine.person_id = model::checkCitizenId(testing::kPerson).value.value();
  mine.unit_id = model::checkCreditCode(testing::kUnit).value.value();
  mine.month = *model::parseMonth("2026-09");
  model::PayrollMonth colleague = mine;
  colleague.person_id = model::checkCitizenId("440524188001010014").value.value();
  colleague.month = *model::parseMonth("2026-10");
  model::Dataset dataset;
  dataset.payroll = {mine};
  EXPECT_EQ(tracker.observeAll(dataset).value(), 0U);  // finance has not run October yet
  mine.month = *model::parseMonth("2026-10");
  dataset.payroll = {mine, colleague};
  EXPECT_EQ(tracker.observeAll(dataset).value(), 0U);  // October ran and still paid the person
  mine.month = *model::parseMonth("2026-09");
  dataset.payroll = {mine, colleague};
  EXPECT_EQ(tracker.observeAll(dataset).value(), 1U);
  EXPECT_EQ(only("pay_stop").state, "completed");
}

TEST_F(NoticeStoreTest, FilteringByStateUnitAndSystem) {
  ingest("hr", {movement("HR-1", MovementKind::retire, SourceRole::hr, "2026-09-15")}, "2026-10-01");
  EXPECT_EQ(store_->list(filter(&NoticeFilter::system, "finance")).value().size(), 1U);
  EXPECT_EQ(store_->list(filter(&NoticeFilter::unit, testing::kUnit)).value().size(), 2U);
  EXPECT_EQ(store_->list(filter(&NoticeFilter::unit, "12150700000000000X")).value().size(), 0U);
  EXPECT_EQ(store_->list(filter(&NoticeFilter::state, "delivered")).value().size(), 0U);
}

TEST_F(NoticeStoreTest, ChainFindingsAboutThePersonCarryTheNoticeHistory) {
  ingest("hr", {movement("HR-1", MovementKind::retire, SourceRole::hr, "2026-09-15")}, "2026-10-01");
  const auto id = only("pay_stop").id;
  ASSERT_TRUE(store_->delivered(id, "INSERT 0 1", false));
  chain::Finding pay;
  pay.rule = "CHAIN-006";
  pay.person_id = model::checkCitizenId(testing::kPerson).value.value();
  pay.unit_id = model::checkCreditCode(testing::kUnit).value.value();
  chain::Finding other = pay;
  other.rule = "CHAIN-013";
  std::vector<chain::Finding> findings{pay, other};
  ASSERT_TRUE(appendNoticeEvidence(*store_, findings));
  ASSERT_EQ(findings[0].evidence.size(), 1U);
  const auto& item = findings[0].evidence[0];
  EXPECT_EQ(item.record_type, "notice");
  EXPECT_EQ(item.record_id, id);
  EXPECT_EQ(item.source, "finance_pg");
  EXPECT_THAT(item.fields, ::testing::Contains(std::pair<std::string, std::string>("state", "delivered")));
  EXPECT_THAT(item.fields, ::testing::Contains(std::pair<std::string, std::string>("answer", "INSERT 0 1")));
  EXPECT_THAT(item.fields, ::testing::Contains(::testing::Pair("history.2", HasSubstr("delivered: INSERT 0 1"))));
  EXPECT_TRUE(findings[1].evidence.empty());
}

// Who has notices is read once; a finding of anyone else carries none, and the one of the
// person who has them still carries them.
TEST_F(NoticeStoreTest, OnlyThePersonsWithNoticesAreLookedUp) {
  EXPECT_TRUE(store_->personsWithNotices().value().empty());
  ingest("hr", {movement("HR-1", MovementKind::retire, SourceRole::hr, "2026-09-15")}, "2026-10-01");
  EXPECT_THAT(store_->personsWithNotices().value(), ::testing::ElementsAre(testing::kPerson));
  chain::Finding pay;
  pay.rule = "CHAIN-006";
  pay.person_id = model::checkCitizenId(testing::kPerson).value.value();
  pay.unit_id = model::checkCreditCode(testing::kUnit).value.value();
  chain::Finding stranger = pay;
  stranger.person_id = model::checkCitizenId("440524188001010014").value.value();
  std::vector<chain::Finding> findings{stranger, pay, stranger};
  ASSERT_TRUE(appendNoticeEvidence(*store_, findings));
  EXPECT_TRUE(findings[0].evidence.empty());
  ASSERT_EQ(findings[1].evidence.size(), 1U);
  EXPECT_EQ(findings[1].evidence[0].record_type, "notice");
  EXPECT_TRUE(findings[2].evidence.empty());
}

// A person who left the unit in March, came back and left again in September: the CHAIN-006
// about September's exit carries September's stop notice, not March's.
TEST_F(NoticeStoreTest, AFindingCarriesTheNoticesOfTheStayItJudgesOnly) {
  ingest("hr", {movement("HR-1", MovementKind::resign, SourceRole::hr, "2026-03-10")}, "2026-03-20");
  ingest("hr", {movement("HR-2", MovementKind::retire, SourceRole::hr, "2026-09-15")}, "2026-10-01");
  ASSERT_EQ(store_->list(filter(&NoticeFilter::system, "finance")).value().size(), 2U);
  chain::Finding pay;
  pay.rule = "CHAIN-006";
  pay.person_id = model::checkCitizenId(testing::kPerson).value.value();
  pay.unit_id = model::checkCreditCode(testing::kUnit).value.value();
  pay.evidence.push_back(chain::EvidenceItem{"hr", "movements", "HR-2", {{"effective_on", "2026-09-15"}}});
  std::vector<chain::Finding> findings{pay};
  ASSERT_TRUE(appendNoticeEvidence(*store_, findings));
  ASSERT_EQ(findings[0].evidence.size(), 2U);
  EXPECT_EQ(findings[0].evidence[1].record_type, "notice");
  EXPECT_THAT(findings[0].evidence[1].fields,
              ::testing::Contains(std::pair<std::string, std::string>("movement_id", "HR-2")));
}

TEST(NoticeStoreOpen, RefusesAFileThatIsNotAMigratedLedger) {
  staffchain::testing::ScratchDir dir;
  auto opened = NoticeStore::open(dir.path() / "nothing.db");
  ASSERT_FALSE(opened);
  EXPECT_THAT(opened.error().message, HasSubstr("nothing.db"));
}

}  // namespace
}  // namespace staffchain::propagation
