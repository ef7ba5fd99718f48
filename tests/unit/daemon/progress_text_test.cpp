// The daemon's progress lines and staffchainctl's progress column.
#include "staffchain/daemon/progress_text.hpp"

#include <gtest/gtest.h>

namespace staffchain::daemon {
namespace {

using namespace std::chrono_literals;

TEST(ProgressText, CountsAndDurations) {
  EXPECT_EQ(groupedCount(0), "0");
  EXPECT_EQ(groupedCount(999), "999");
  EXPECT_EQ(groupedCount(1000), "1,000");
  EXPECT_EQ(groupedCount(1092000), "1,092,000");
  EXPECT_EQ(shortCount(0), "0");
  EXPECT_EQ(shortCount(950), "950");
  EXPECT_EQ(shortCount(8400), "8.4k");
  EXPECT_EQ(shortCount(12345), "12k");
  EXPECT_EQ(shortCount(999'700), "1.0M");
  EXPECT_EQ(shortCount(1'250'000), "1.2M");
  EXPECT_EQ(shortDuration(45s), "45s");
  EXPECT_EQ(shortDuration(130s), "2m10s");
  EXPECT_EQ(shortDuration(3900s), "1h05m");
  EXPECT_EQ(shortDuration(183600s), "2d03h");
}

TEST(ProgressText, LogLineWithAndWithoutWhatIsLeft) {
  EXPECT_EQ(progressLogLine("hr", "resync", {120000, 8400, 1092000, 130s}),
            "connector hr: resync 120,000 records read, 8,400 rec/s, about 2m10s left (1,092,000 remaining)");
  EXPECT_EQ(progressLogLine("hr", "first sync", {120000, 8400.4, std::nullopt, std::nullopt}),
            "connector hr: first sync 120,000 records read, 8,400 rec/s");
  EXPECT_EQ(progressLogLine("hr", "resync", {5, 0, 10, std::nullopt}),
            "connector hr: resync 5 records read, 0 rec/s (10 remaining)");
  EXPECT_EQ(progressDoneLine("hr", "resync", 1212000, 144.0),
            "connector hr: resync done: 1,212,000 records in 2m24s, 8,417 rec/s");
}

TEST(ProgressText, ControlColumn) {
  EXPECT_EQ(progressCell({41000, 8400, 59000, 130s}), "41% 8.4k rec/s ETA 2m10s");
  EXPECT_EQ(progressCell({41000, 0, 59000, std::nullopt}), "41% 0 rec/s");
  EXPECT_EQ(progressCell({120000, 8400, std::nullopt, std::nullopt}), "120k read 8.4k rec/s");
  EXPECT_EQ(progressCell({0, 0, 0, 0s}), "100% 0 rec/s ETA 0s");
}

}  // namespace
}  // namespace staffchain::daemon
