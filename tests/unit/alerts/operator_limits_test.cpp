#include "staffchain/alerts/operator_limits.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config_table.hpp"
#include "staffchain/plugin/config_reader.hpp"

namespace staffchain::alerts {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// An [alerts] table as the configuration loader hands it over.
staffchain::testing::TableRead<OperatorLimits> read(const std::string& text) {
  return staffchain::testing::readTable<OperatorLimits>(text, "alerts", readOperatorLimits);
}

TEST(OperatorLimits, SilencesAreLimitedToNinetyDaysUnlessTheTableSaysOtherwise) {
  EXPECT_EQ(read("").settings.max_silence, std::chrono::days(90));
  const auto read_back = read("max_silence = \"30d\"\n");
  EXPECT_THAT(read_back.errors, IsEmpty());
  EXPECT_EQ(read_back.settings.max_silence, std::chrono::days(30));
}

TEST(OperatorLimits, TenYearsIsTheLongestMaxSilenceAndUnknownKeysAreRefused) {
  EXPECT_THAT(read("max_silence = \"3650d\"\n").errors, IsEmpty());
  const auto read_back = read("max_silence = \"3651d\"\nmax_ack = \"1d\"\n");
  EXPECT_THAT(read_back.errors,
              ElementsAre("/etc/staffchain/staffchain.toml:1:15: alerts.max_silence: must be at most 3650d",
                          "/etc/staffchain/staffchain.toml:2:1: alerts.max_ack: unknown key"));
}

}  // namespace
}  // namespace staffchain::alerts
