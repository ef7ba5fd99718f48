#include "staffchain/propagation/sink_health.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace staffchain::propagation {
namespace {

using std::chrono::milliseconds;

TEST(SinkHealth, RaisesLink003AfterTheThresholdAndClearsOnSuccess) {
  SinkHealth health;
  const auto t0 = std::chrono::sys_days(std::chrono::days(20'000));
  health.recordFailure("finance_pg", "connection refused", t0);
  health.recordFailure("finance_pg", "connection refused", t0 + std::chrono::minutes(1));
  EXPECT_TRUE(health.findings(3, model::TimeZone::utc()).empty());
  health.recordFailure("finance_pg", "timeout", t0 + std::chrono::minutes(2));
  auto findings = health.findings(3, model::TimeZone::utc());
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].rule, "LINK-003");
  EXPECT_EQ(findings[0].since.days, 20'000);
  EXPECT_THAT(findings[0].summary_en, ::testing::HasSubstr("finance_pg failed 3 deliveries in a row: timeout"));
  EXPECT_EQ(findings[0].evidence.at(0).source, "finance_pg");
  health.recordSuccess("finance_pg");
  EXPECT_TRUE(health.findings(3, model::TimeZone::utc()).empty());
  EXPECT_EQ(health.sinks().at("finance_pg").failures_total, 3U);
  EXPECT_EQ(health.sinks().at("finance_pg").deliveries_total, 1U);
}

// A sink failing since 20:00 UTC has been failing since 04:00 the next day in Shanghai: the
// finding's date and time are the zone's, with its offset.
TEST(SinkHealth, Link003IsDatedInTheConfiguredZone) {
  SinkHealth health;
  const auto evening = std::chrono::sys_days(std::chrono::days(20'000)) + std::chrono::hours(20);
  for (int i = 0; i < 3; ++i) health.recordFailure("finance_pg", "timeout", evening + std::chrono::minutes(i));
  auto findings = health.findings(3, model::TimeZone::standard());
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].since.days, 20'001);
  std::string times;
  for (const auto& [key, value] : findings[0].evidence.at(0).fields) times += key + "=" + value + ";";
  EXPECT_THAT(times, ::testing::HasSubstr("T04:00:00+08:00"));
}

}  // namespace
}  // namespace staffchain::propagation
