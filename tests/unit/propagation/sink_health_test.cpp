#include "staffchain/propagation/sink_health.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace staffchain::propagation {
namespace {

using std::chrono::milliseconds;

TEST(RetryDelay, DoublesFromTheInitialDelayUpToTheCap) {
  EXPECT_EQ(retryDelay(1, milliseconds(1000), milliseconds(10'000)), milliseconds(1000));
  EXPECT_EQ(retryDelay(2, milliseconds(1000), milliseconds(10'000)), milliseconds(2000));
  EXPECT_EQ(retryDelay(4, milliseconds(1000), milliseconds(10'000)), milliseconds(8000));
  EXPECT_EQ(retryDelay(5, milliseconds(1000), milliseconds(10'000)), milliseconds(10'000));
  EXPECT_EQ(retryDelay(1'000'000, milliseconds(1000), milliseconds(10'000)), milliseconds(10'000));
}

TEST(SinkHealth, RaisesLink003AfterTheThresholdAndClearsOnSuccess) {
  SinkHealth health;
  const auto t0 = std::chrono::sys_days(std::chrono::days(20'000));
  health.recordFailure("finance_pg", "connection refused", t0);
  health.recordFailure("finance_pg", "connection refused", t0 + std::chrono::minutes(1));
  EXPECT_TRUE(health.findings(3).empty());
  health.recordFailure("finance_pg", "timeout", t0 + std::chrono::minutes(2));
  auto findings = health.findings(3);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].rule, "LINK-003");
  EXPECT_EQ(findings[0].since.days, 20'000);
  EXPECT_THAT(findings[0].summary_en, ::testing::HasSubstr("finance_pg failed 3 deliveries in a row: timeout"));
  EXPECT_EQ(findings[0].evidence.at(0).source, "finance_pg");
  health.recordSuccess("finance_pg");
  EXPECT_TRUE(health.findings(3).empty());
  EXPECT_EQ(health.sinks().at("finance_pg").failures_total, 3U);
  EXPECT_EQ(health.sinks().at("finance_pg").deliveries_total, 1U);
}

}  // namespace
}  // namespace staffchain::propagation
