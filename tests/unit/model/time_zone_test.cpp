#include "staffchain/model/time_zone.hpp"

#include <gtest/gtest.h>

namespace staffchain::model {
namespace {

using std::chrono::sys_days;

TimeZone::TimePoint at(int y, unsigned m, unsigned d, int hh, int mm, int ss = 0) {
  return sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}} + std::chrono::hours(hh) +
         std::chrono::minutes(mm) + std::chrono::seconds(ss);
}

TEST(TimeZone, ShanghaiIsTheDefaultAndWritesItsOffset) {
  const TimeZone zone;
  EXPECT_EQ(zone.name(), "Asia/Shanghai");
  // 23:40 UTC is already the next day in China.
  const auto instant = at(2026, 12, 5, 23, 40, 7);
  EXPECT_EQ(zone.rfc3339(instant), "2026-12-06T07:40:07+08:00");
  EXPECT_EQ(zone.display(instant), "2026-12-06 07:40 +08:00");
  EXPECT_EQ(formatDate(zone.dateAt(instant)), "2026-12-06");
  EXPECT_EQ(zone.offsetText(instant), "+08:00");
}

TEST(TimeZone, ADaylightSavingZoneFollowsItsRules) {
  auto zone = TimeZone::load("Europe/Berlin");
  ASSERT_TRUE(zone) << zone.error().message;
  EXPECT_EQ(zone->rfc3339(at(2026, 1, 15, 12, 0)), "2026-01-15T13:00:00+01:00");
  EXPECT_EQ(zone->rfc3339(at(2026, 7, 15, 12, 0)), "2026-07-15T14:00:00+02:00");
  auto behind = TimeZone::load("America/New_York");
  ASSERT_TRUE(behind) << behind.error().message;
  EXPECT_EQ(behind->rfc3339(at(2026, 12, 6, 2, 30)), "2026-12-05T21:30:00-05:00");
  EXPECT_EQ(formatDate(behind->dateAt(at(2026, 12, 6, 2, 30))), "2026-12-05");
}

TEST(TimeZone, ADayStartsAtItsLocalMidnight) {
  const TimeZone shanghai;
  EXPECT_EQ(shanghai.startOf(Date::fromYmd(2026, 10, 1)), at(2026, 9, 30, 16, 0));
  auto berlin = TimeZone::load("Europe/Berlin");
  ASSERT_TRUE(berlin) << berlin.error().message;
  EXPECT_EQ(berlin->startOf(Date::fromYmd(2026, 1, 1)), at(2025, 12, 31, 23, 0));
  EXPECT_EQ(berlin->startOf(Date::fromYmd(2026, 7, 1)), at(2026, 6, 30, 22, 0));
  // Santiago moves its clocks at midnight: 2026-09-06 has no 00:00, it begins at 01:00 (-03:00).
  auto santiago = TimeZone::load("America/Santiago");
  ASSERT_TRUE(santiago) << santiago.error().message;
  const auto start = santiago->startOf(Date::fromYmd(2026, 9, 6));
  EXPECT_EQ(formatDate(santiago->dateAt(start)), "2026-09-06");
  EXPECT_EQ(formatDate(santiago->dateAt(start - std::chrono::seconds(1))), "2026-09-05");
}

TEST(TimeZone, StoredUtcTimesAreRewrittenInTheZoneAndOtherTextIsLeftAlone) {
  const TimeZone zone;
  EXPECT_EQ(zone.rfc3339FromUtc("2026-12-05T23:40:07Z"), "2026-12-06T07:40:07+08:00");
  EXPECT_EQ(zone.rfc3339FromUtc(""), "");
  EXPECT_EQ(zone.rfc3339FromUtc("2026-12-05"), "2026-12-05");
  EXPECT_EQ(zone.rfc3339FromUtc("2026-12-05T25:40:07Z"), "2026-12-05T25:40:07Z");
}

TEST(TimeZone, UtcIsWrittenWithAZeroOffset) {
  auto zone = TimeZone::load("UTC");
  ASSERT_TRUE(zone);
  EXPECT_EQ(zone->rfc3339(at(2026, 12, 6, 2, 30)), "2026-12-06T02:30:00+00:00");
}

TEST(TimeZone, UnknownOrMalformedNamesAreRefusedWithTheReason) {
  auto unknown = TimeZone::load("Asia/Peking");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("unknown time zone \"Asia/Peking\""), std::string::npos);
  for (const char* bad : {"", "../../etc/passwd", "/usr/share/zoneinfo/UTC", "Asia/Shang hai"}) {
    auto refused = TimeZone::load(bad);
    ASSERT_FALSE(refused) << bad;
    EXPECT_NE(refused.error().message.find("Asia/Shanghai"), std::string::npos) << refused.error().message;
  }
}

}  // namespace
}  // namespace staffchain::model
