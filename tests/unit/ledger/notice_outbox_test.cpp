// The notice outbox the ledger owns: notices written with their batch, then due, delivered,
// retried, completed or overdue through NoticeOutbox, each change with its event, at times
// kept to the millisecond.
#include "staffchain/ledger/notice_outbox.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ledger_backend.hpp"
#include "ledger_samples.hpp"
#include "sqlite_query.hpp"
#include "staffchain/ledger/sql_ledger.hpp"
#include "temp_dir.hpp"

namespace staffchain::ledger {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono;

OutboxNotice notice(const std::string& id, const std::string& action, const std::string& deadline,
                    bool dry_run = false) {
  OutboxNotice n;
  n.id = id;
  n.sink = "finance_pg";
  n.action = action;
  n.target_system = "finance";
  n.person_id = testing::personId(1).str();
  n.unit_id = testing::unitId(1).str();
  n.deadline = deadline;
  n.fields_json = R"([["notice_id",")" + id + R"("],["effective_on","2026-09-30"]])";
  n.dry_run = dry_run;
  return n;
}

// Part of the conformance suite: every case on each backend.
class NoticeOutboxTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override {
    SqlLedgerOptions options;
    options.clock = [this] { return now_; };
    auto ledger = SqlLedger::open(store_.location(), options);
    ASSERT_TRUE(ledger) << ledger.error().message;
    ledger_ = std::move(ledger.value());
    auto outbox = NoticeOutbox::open(store_.location());
    ASSERT_TRUE(outbox) << outbox.error().message;
    outbox_ = std::move(outbox.value());
  }

  CommitStats write(std::vector<OutboxNotice> notices) {
    auto batch = testing::makeBatch("hr", {});
    batch.notices = std::move(notices);
    auto stats = ledger_->commitBatch(batch);
    EXPECT_TRUE(stats) << stats.error().message;
    return stats ? *stats : CommitStats{};
  }

  std::vector<std::string> ids(const Result<std::vector<StoredNotice>>& notices) {
    EXPECT_TRUE(notices) << notices.error().message;
    std::vector<std::string> out;
    if (notices) {
      for (const auto& n : *notices) out.push_back(n.id);
    }
    return out;
  }

  std::vector<std::string> events(const std::string& id) {
    auto history = outbox_->history(id);
    EXPECT_TRUE(history) << history.error().message;
    std::vector<std::string> out;
    if (history) {
      for (const auto& e : *history) out.push_back(e.at + " " + e.event + ": " + e.detail);
    }
    return out;
  }

  testing::BackendStore store_{GetParam()};
  system_clock::time_point now_ = sys_days(year(2026) / 10 / 1) + hours(8) + milliseconds(250);
  std::unique_ptr<SqlLedger> ledger_;
  std::unique_ptr<NoticeOutbox> outbox_;
};

TEST_P(NoticeOutboxTest, ABatchWritesItsNoticesDueAtOnceWithTheirWrittenEvent) {
  const auto stats = write({notice("n-1", "pay_start", "2026-10-15"), notice("n-2", "pay_stop", "2026-10-15", true)});
  EXPECT_EQ(stats.notices_written, 2U);

  auto listed = outbox_->list({});
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 2U);
  const StoredNotice& first = (*listed)[0];
  EXPECT_EQ(first.state, "pending");
  EXPECT_EQ(first.created_at, "2026-10-01T08:00:00Z");
  EXPECT_EQ(first.next_attempt_at, "2026-10-01T08:00:00Z");
  EXPECT_EQ(first.delivered_at, "");
  EXPECT_EQ(first.field("effective_on"), "2026-09-30");
  EXPECT_EQ((*listed)[1].state, "dry_run");
  EXPECT_THAT(events("n-1"), ElementsAre("2026-10-01T08:00:00Z written: pay_start for finance via sink finance_pg, "
                                         "due 2026-10-15"));
  EXPECT_THAT(events("n-2"), ElementsAre(HasSubstr("(dry run: not sent)")));
  // Stored to the millisecond.
  EXPECT_THAT(store_.query("SELECT created_at, next_attempt_at FROM notices WHERE id = 'n-1'"),
              ElementsAre("2026-10-01T08:00:00.250Z|2026-10-01T08:00:00.250Z"));

  // The same id again is left as it is.
  now_ += hours(1);
  EXPECT_EQ(write({notice("n-1", "pay_start", "2026-10-20")}).notices_written, 0U);
  EXPECT_EQ(outbox_->find("n-1").value()->deadline, "2026-10-15");
  EXPECT_EQ(events("n-1").size(), 1U);
}

TEST_P(NoticeOutboxTest, AFailedAttemptIsDueAgainAtItsNextAttemptToTheMillisecond) {
  write({notice("n-1", "pay_start", "2026-10-15"), notice("n-2", "pay_stop", "2026-10-15", true)});
  EXPECT_THAT(ids(outbox_->due(now_ - milliseconds(1), 10)), ElementsAre());
  EXPECT_THAT(ids(outbox_->due(now_, 10)), ElementsAre("n-1", "n-2"));

  const auto retry = now_ + seconds(90) + milliseconds(5);
  ASSERT_TRUE(outbox_->failed("n-1", "connection refused", retry, now_));
  ASSERT_TRUE(outbox_->dryRun("n-2", "would insert a row", now_));
  EXPECT_THAT(ids(outbox_->due(retry - milliseconds(1), 10)), ElementsAre());
  EXPECT_EQ(outbox_->nextAttempt().value(), retry);
  EXPECT_THAT(ids(outbox_->due(retry, 10)), ElementsAre("n-1"));
  const auto failed = outbox_->find("n-1").value();
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(failed->attempts, 1);
  EXPECT_EQ(failed->last_error, "connection refused");
  EXPECT_EQ(failed->next_attempt_at, "2026-10-01T08:01:30Z");

  ASSERT_TRUE(outbox_->delivered("n-1", "INSERT 0 1", false, retry));
  EXPECT_FALSE(outbox_->nextAttempt().value().has_value());
  EXPECT_THAT(ids(outbox_->due(retry + hours(24), 10)), ElementsAre());
  EXPECT_THAT(events("n-1"), ElementsAre(HasSubstr("written"), "2026-10-01T08:00:00Z failed: connection refused",
                                         "2026-10-01T08:01:30Z delivered: INSERT 0 1"));
  EXPECT_THAT(store_.query("SELECT delivered_at, receipt, state FROM notices WHERE id = 'n-1'"),
              ElementsAre("2026-10-01T08:01:30.255Z|INSERT 0 1|delivered"));
}

TEST_P(NoticeOutboxTest, AChangeTheStateDoesNotAllowIsRefusedAndLeavesNoEvent) {
  write({notice("n-1", "pay_start", "2026-10-15")});
  ASSERT_TRUE(outbox_->complete("n-1", "paid from October", now_));
  auto again = outbox_->complete("n-1", "paid again", now_);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "completing notice n-1 failed: no such notice in a state that allows it");
  auto unknown = outbox_->delivered("n-9", "ok", false, now_);
  ASSERT_FALSE(unknown);
  EXPECT_THAT(unknown.error().message, HasSubstr("recording the delivery of notice n-9 failed"));
  EXPECT_THAT(events("n-1"), ElementsAre(HasSubstr("written"), "2026-10-01T08:00:00Z completed: paid from October"));
  EXPECT_EQ(outbox_->find("n-1").value()->completed_at, "2026-10-01T08:00:00Z");
}

TEST_P(NoticeOutboxTest, DeadlinesAreCalendarDaysAndOverdueNoticesStayOpen) {
  write({notice("n-1", "pay_start", "2026-10-15"), notice("n-2", "pay_stop", "2026-10-16")});
  ASSERT_TRUE(outbox_->delivered("n-2", "ok", false, now_));
  auto late = outbox_->pastDeadline(model::Date::fromYmd(2026, 10, 16));
  ASSERT_TRUE(late) << late.error().message;
  EXPECT_THAT(*late, ElementsAre(std::pair<std::string, std::string>("n-1", "2026-10-15")));
  late = outbox_->pastDeadline(model::Date::fromYmd(2026, 10, 17));
  ASSERT_TRUE(late) << late.error().message;
  EXPECT_EQ(late->size(), 2U);

  ASSERT_TRUE(outbox_->overdue("n-1", "deadline 2026-10-15 passed", now_));
  EXPECT_THAT(ids(outbox_->waiting()), ElementsAre("n-1", "n-2"));
  auto counts = outbox_->countByState();
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_EQ(*counts, (std::map<std::string, std::size_t>{
                         {"completed", 0}, {"delivered", 1}, {"dry_run", 0}, {"overdue", 1}, {"pending", 0}}));
}

TEST_P(NoticeOutboxTest, AlikeFindsTheStoredNoticesOfOnePersonUnitActionAndSinkOldestFirst) {
  write({notice("old-id", "pay_start", "2026-10-15")});
  now_ += minutes(1);
  write({notice("other-action", "pay_stop", "2026-10-15"), notice("second", "pay_start", "2026-10-20")});
  auto alike = outbox_->alike(notice("planned", "pay_start", "2026-10-15"));
  EXPECT_THAT(ids(alike), ElementsAre("old-id", "second"));
  EXPECT_EQ((*alike)[0].field("notice_id"), "old-id");
}

TEST(NoticeOutboxOpen, AFileTheLedgerNeverMigratedIsRefused) {
  testing::TempDir dir;
  const auto file = dir.path() / "plain.db";
  testing::sqliteExec(file, "CREATE TABLE other (x);");
  auto outbox = NoticeOutbox::open(file);
  ASSERT_FALSE(outbox);
  EXPECT_EQ(outbox.error().message, "notice outbox " + file.string() +
                                        ": opening failed: the file has no notices table (open it as a ledger first, "
                                        "which migrates it)");
  auto missing = NoticeOutbox::open(dir.path() / "missing.db");
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("notice outbox " + (dir.path() / "missing.db").string()));
}

INSTANTIATE_TEST_SUITE_P(Backends, NoticeOutboxTest,
                         ::testing::Values(testing::Backend::sqlite, testing::Backend::postgresql),
                         testing::backendName);

}  // namespace
}  // namespace staffchain::ledger
