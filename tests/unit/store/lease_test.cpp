// The lease of active/standby on a real PostgreSQL: one holder at a time, a takeover only after
// the lease expired (by the server's clock), each takeover a new term, and the fence: once the
// lease is taken over, the old holder's connections change nothing more.
#include "staffchain/store/lease.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "shared_postgres.hpp"

namespace staffchain::store {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

class LeaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto* server = staffchain::testing::sharedPostgres();
    ASSERT_NE(server, nullptr);
    target_ = staffchain::testing::freshDatabase(*server, "lease");
    // A table of the daemon's, as the ledger would have made it.
    auto db = Database::connect(target_, {.label = "test"});
    ASSERT_TRUE(db) << db.error().message;
    ASSERT_TRUE((*db)->execute("CREATE TABLE facts (id BIGINT PRIMARY KEY, what TEXT NOT NULL)", "test"));
  }

  std::unique_ptr<Lease> lease(const std::string& instance, std::chrono::milliseconds duration = 30s) {
    auto opened = Lease::open(target_, instance, duration);
    EXPECT_TRUE(opened) << opened.error().message;
    return opened ? std::move(*opened) : nullptr;
  }
  // A connection of the daemon that holds (or held) `term`.
  std::unique_ptr<Database> writer(std::int64_t term) {
    auto fenced = target_;
    fenced.fence_term = term;
    auto db = Database::connect(fenced, {.label = "ledger"});
    EXPECT_TRUE(db) << db.error().message;
    return db ? std::move(*db) : nullptr;
  }
  // Waits until the lease has expired by the server's clock (not for a fixed time).
  static void waitUntilExpired(Lease& lease) {
    const auto give_up = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < give_up) {
      auto view = lease.view();
      ASSERT_TRUE(view) << view.error().message;
      if (view->expired) return;
      std::this_thread::sleep_for(20ms);
    }
    FAIL() << "the lease never expired";
  }

  PostgresTarget target_;
};

TEST_F(LeaseTest, OneHolderAtATimeAndTheOtherWaitsAsStandby) {
  auto a = lease("node-a");
  auto b = lease("node-b");
  ASSERT_TRUE(a && b);
  auto held = a->acquire(std::nullopt);
  ASSERT_TRUE(held) << held.error().message;
  EXPECT_EQ(*held, std::optional<std::int64_t>(1));
  auto refused = b->acquire(std::nullopt);
  ASSERT_TRUE(refused) << refused.error().message;
  EXPECT_EQ(*refused, std::nullopt);
  // Renewed under the same term as often as the holder likes.
  EXPECT_EQ(a->acquire(1).value(), std::optional<std::int64_t>(1));
  EXPECT_EQ(a->acquire(1).value(), std::optional<std::int64_t>(1));

  auto view = b->view();
  ASSERT_TRUE(view) << view.error().message;
  EXPECT_EQ(view->holder, "node-a");
  EXPECT_EQ(view->term, 1);
  EXPECT_FALSE(view->expired);
  ASSERT_EQ(view->members.size(), 2U);
  EXPECT_EQ(view->members[0].instance, "node-a");
  EXPECT_EQ(view->members[0].role, "active");
  EXPECT_EQ(view->members[1].instance, "node-b");
  EXPECT_EQ(view->members[1].role, "standby");
}

TEST_F(LeaseTest, AnExpiredLeaseIsTakenOverUnderANewTermAndTheOldHolderLosesIt) {
  auto a = lease("node-a", 300ms);
  auto b = lease("node-b", 300ms);
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->acquire(std::nullopt).value(), std::optional<std::int64_t>(1));
  waitUntilExpired(*b);
  EXPECT_EQ(b->acquire(std::nullopt).value(), std::optional<std::int64_t>(2));
  // The old holder's renewal finds the lease taken: it must stop.
  EXPECT_EQ(a->acquire(1).value(), std::nullopt);
  EXPECT_EQ(a->acquire(std::nullopt).value(), std::nullopt) << "b's lease is fresh";
}

TEST_F(LeaseTest, AHolderWhoseLeaseExpiredUntakenGoesOnUnderItsTerm) {
  auto a = lease("node-a", 200ms);
  ASSERT_TRUE(a);
  ASSERT_EQ(a->acquire(std::nullopt).value(), std::optional<std::int64_t>(1));
  waitUntilExpired(*a);
  EXPECT_EQ(a->acquire(1).value(), std::optional<std::int64_t>(1));
}

TEST_F(LeaseTest, AReleasedLeaseIsTakenAtOnce) {
  auto a = lease("node-a");
  auto b = lease("node-b");
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->acquire(std::nullopt).value(), std::optional<std::int64_t>(1));
  EXPECT_EQ(b->acquire(std::nullopt).value(), std::nullopt);
  a->release(1);
  EXPECT_EQ(b->acquire(std::nullopt).value(), std::optional<std::int64_t>(2));
  EXPECT_EQ(b->view().value().members.front().role, "stopped");
}

TEST_F(LeaseTest, AStaleHolderIsFencedFromEveryWrite) {
  auto a = lease("node-a", 300ms);
  auto b = lease("node-b", 300ms);
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->acquire(std::nullopt).value(), std::optional<std::int64_t>(1));
  ASSERT_TRUE(a->fenceTables());
  auto old_writer = writer(1);
  ASSERT_TRUE(old_writer);
  ASSERT_TRUE(old_writer->execute("INSERT INTO facts VALUES (1, 'written by the holder')", "test"));

  waitUntilExpired(*b);
  ASSERT_EQ(b->acquire(std::nullopt).value(), std::optional<std::int64_t>(2));
  for (const auto* write : {"INSERT INTO facts VALUES (2, 'written after the takeover')",
                            "UPDATE facts SET what = 'changed after the takeover'", "DELETE FROM facts"}) {
    auto refused = old_writer->execute(write, "writing a fact");
    ASSERT_FALSE(refused) << write;
    EXPECT_THAT(refused.error().message,
                HasSubstr("fenced: this daemon writes under lease term 1, and node-b holds term 2"));
  }
  auto new_writer = writer(2);
  ASSERT_TRUE(new_writer);
  EXPECT_TRUE(new_writer->execute("INSERT INTO facts VALUES (3, 'written by the new holder')", "test"));
  auto reader = Database::connect(target_, {.label = "test"});
  ASSERT_TRUE(reader);
  auto count = (*reader)->prepare("SELECT string_agg(what, ', ' ORDER BY id) FROM facts", "test");
  ASSERT_TRUE(count);
  ASSERT_EQ(count->step(), SQLITE_ROW);
  EXPECT_EQ(count->text(0), "written by the holder, written by the new holder");
}

// A takeover waits for the old holder's transaction in flight: that transaction's writes are
// whole, and nothing after the takeover gets through.
TEST_F(LeaseTest, ATakeoverWaitsForTheOldHoldersTransactionInFlight) {
  auto a = lease("node-a", 300ms);
  auto b = lease("node-b", 300ms);
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->acquire(std::nullopt).value(), std::optional<std::int64_t>(1));
  ASSERT_TRUE(a->fenceTables());
  auto old_writer = writer(1);
  ASSERT_TRUE(old_writer);
  ASSERT_TRUE(old_writer->execute("BEGIN; INSERT INTO facts VALUES (1, 'first half')", "test"));
  waitUntilExpired(*b);
  std::atomic<std::int64_t> taken{-1};  // -1: not yet answered; 0: refused
  std::thread takeover([&] {
    auto answer = b->acquire(std::nullopt);
    taken = answer && *answer ? **answer : 0;
  });
  // The takeover cannot finish while the transaction holds the fence: give it every chance.
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(taken.load(), -1);
  ASSERT_TRUE(old_writer->execute("INSERT INTO facts VALUES (2, 'second half'); COMMIT", "test"));
  takeover.join();
  EXPECT_EQ(taken.load(), 2);
  EXPECT_FALSE(old_writer->execute("INSERT INTO facts VALUES (3, 'too late')", "test"));
  auto reader = Database::connect(target_, {.label = "test"});
  ASSERT_TRUE(reader);
  auto rows = (*reader)->prepare("SELECT count(*) FROM facts", "test");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->step(), SQLITE_ROW);
  EXPECT_EQ(rows->columnInt(0), 2);
}

}  // namespace
}  // namespace staffchain::store
