// NoticeOutboxTest: a ledger and its notice outbox on one file, both on a clock the test moves,
// with helpers to commit records with the notices the planner makes of them.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "propagation_test_support.hpp"
#include "scratch_dir.hpp"
#include "staffchain/ledger/sql_ledger.hpp"
#include "staffchain/propagation/notice_store.hpp"

namespace staffchain::propagation::testing {

class NoticeOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger::SqlLedgerOptions options;
    options.clock = [this] { return now_; };
    ledger_ = ledger::SqlLedger::open(dir_.path() / "ledger.db", options).value();
    store_ = NoticeStore::open(dir_.path() / "ledger.db", [this] { return now_; }).value();
  }

  void at(const char* day, int hour = 8) {
    now_ = std::chrono::sys_days(std::chrono::days(date(day).days)) + std::chrono::hours(hour);
  }

  // Commits `records` from `connector` with the notices the planner makes of them, each taking
  // the id of a stored notice of its key, as the daemon's planner does.
  ledger::CommitStats ingest(const std::string& connector, std::vector<model::Record> records, const char* today) {
    ledger::LedgerBatch batch;
    batch.connector = connector;
    batch.notices = planner().plan(records, date(today), model::formatUtcTime(now_));
    const auto adopted = store_->adoptStoredIds(batch.notices);
    EXPECT_TRUE(adopted) << adopted.error().message;
    batch.records = std::move(records);
    auto stats = ledger_->commitBatch(batch);
    EXPECT_TRUE(stats) << stats.error().message;
    return stats ? stats.value() : ledger::CommitStats{};
  }

  static NoticeFilter filter(std::string NoticeFilter::*member, std::string value) {
    NoticeFilter out;
    out.*member = std::move(value);
    return out;
  }
  std::vector<StoredNotice> all() { return store_->list({}).value(); }
  StoredNotice only(const std::string& action) {
    for (auto& n : all()) {
      if (n.action == action) return n;
    }
    ADD_FAILURE() << "no notice " << action;
    return {};
  }
  std::vector<std::string> events(const std::string& id) {
    std::vector<std::string> out;
    const auto history = store_->history(id);  // named: value() refers into it
    for (const auto& e : history.value()) out.push_back(e.event);
    return out;
  }

  staffchain::testing::ScratchDir dir_;
  SystemClock::time_point now_ = std::chrono::sys_days(std::chrono::days(date("2026-10-01").days));
  std::unique_ptr<ledger::SqlLedger> ledger_;
  std::unique_ptr<NoticeStore> store_;
};

}  // namespace staffchain::propagation::testing
