// The resync estimator on a scripted clock: every time point is given, none is read.
#include "staffchain/daemon/sync_progress.hpp"

#include <gtest/gtest.h>

namespace staffchain::daemon {
namespace {

using namespace std::chrono_literals;
using TimePoint = SyncProgress::SteadyClock::time_point;

const TimePoint kStart = TimePoint{} + 1000h;

TEST(SyncProgress, RateAndTimeLeftFollowTheBatchesAndTheSourcesHint) {
  SyncProgress progress("resync", kStart);
  progress.addBatch(1000, 9000, kStart + 1s);
  progress.addBatch(1000, 8000, kStart + 2s);
  EXPECT_EQ(progress.recordsRead(), 2000U);
  EXPECT_EQ(progress.batches(), 2U);
  EXPECT_DOUBLE_EQ(progress.recordsPerSecond(), 1000.0);
  EXPECT_DOUBLE_EQ(progress.elapsedSeconds(), 2.0);
  ASSERT_TRUE(progress.remaining().has_value());
  EXPECT_EQ(*progress.remaining(), 8000U);
  ASSERT_TRUE(progress.timeLeft().has_value());
  EXPECT_EQ(*progress.timeLeft(), 8s);
  ASSERT_TRUE(progress.fractionDone().has_value());
  EXPECT_DOUBLE_EQ(*progress.fractionDone(), 0.2);
}

TEST(SyncProgress, TimeLeftRoundsUp) {
  SyncProgress progress("resync", kStart);
  progress.addBatch(300, 1000, kStart + 1s);  // 300/s, 1000 left: 3.33 s
  EXPECT_EQ(progress.timeLeft(), 4s);
}

TEST(SyncProgress, WithoutAHintThereIsARateButNoTimeLeft) {
  SyncProgress progress("first sync", kStart);
  progress.addBatch(500, std::nullopt, kStart + 2s);
  EXPECT_DOUBLE_EQ(progress.recordsPerSecond(), 250.0);
  EXPECT_FALSE(progress.remaining().has_value());
  EXPECT_FALSE(progress.timeLeft().has_value());
  EXPECT_FALSE(progress.fractionDone().has_value());
  const auto figures = progress.figures();
  EXPECT_EQ(figures.records_read, 500U);
  EXPECT_FALSE(figures.eta.has_value());
}

TEST(SyncProgress, AHintDroppedByALaterBatchIsForgotten) {
  SyncProgress progress("resync", kStart);
  progress.addBatch(100, 900, kStart + 1s);
  progress.addBatch(100, std::nullopt, kStart + 2s);
  EXPECT_FALSE(progress.remaining().has_value());
  EXPECT_FALSE(progress.timeLeft().has_value());
}

TEST(SyncProgress, NoTimePassedMeansNoRateYet) {
  SyncProgress progress("resync", kStart);
  EXPECT_DOUBLE_EQ(progress.recordsPerSecond(), 0.0);
  progress.addBatch(100, 900, kStart);
  EXPECT_DOUBLE_EQ(progress.recordsPerSecond(), 0.0);
  EXPECT_FALSE(progress.timeLeft().has_value());
  // Nothing left needs no rate to know it is done.
  progress.addBatch(900, 0, kStart);
  EXPECT_EQ(progress.timeLeft(), 0s);
  EXPECT_DOUBLE_EQ(*progress.fractionDone(), 1.0);
}

TEST(SyncProgress, TheRateFollowsTheLastWindowNotTheWholeRun) {
  SyncProgress progress("resync", kStart, 10s);
  // Fast for a minute: 1000 records a second.
  for (int s = 1; s <= 60; ++s) progress.addBatch(1000, std::nullopt, kStart + std::chrono::seconds(s));
  EXPECT_DOUBLE_EQ(progress.recordsPerSecond(), 1000.0);
  // Then the source slows to 100 a second for 20 seconds: the window forgets the fast minute.
  for (int s = 61; s <= 80; ++s) progress.addBatch(100, 5000, kStart + std::chrono::seconds(s));
  EXPECT_DOUBLE_EQ(progress.recordsPerSecond(), 100.0);
  EXPECT_EQ(progress.timeLeft(), 50s);
  // The whole run's average still counts everything.
  EXPECT_DOUBLE_EQ(progress.averageRecordsPerSecond(), 62000.0 / 80.0);
}

TEST(SyncProgress, ABatchLongerThanTheWindowStillGivesARate) {
  SyncProgress progress("resync", kStart, 10s);
  progress.addBatch(3000, 3000, kStart + 30s);
  EXPECT_DOUBLE_EQ(progress.recordsPerSecond(), 100.0);
  progress.addBatch(6000, 0, kStart + 60s);
  EXPECT_DOUBLE_EQ(progress.recordsPerSecond(), 200.0);  // only the last batch is in the window
}

TEST(SyncProgress, LogSlotsComeAtMostOncePerPeriod) {
  SyncProgress progress("resync", kStart);
  EXPECT_FALSE(progress.takeLogSlot(kStart + 3s, 10s));
  EXPECT_TRUE(progress.takeLogSlot(kStart + 10s, 10s));
  EXPECT_FALSE(progress.takeLogSlot(kStart + 19s, 10s));
  EXPECT_TRUE(progress.takeLogSlot(kStart + 21s, 10s));
  EXPECT_FALSE(progress.takeLogSlot(kStart + 30s, 10s));
}

}  // namespace
}  // namespace staffchain::daemon
