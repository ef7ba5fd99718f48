#include "staffchain/model/calendar.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace staffchain::model {
namespace {

// What formatDate and formatMonth wrote before they had a buffer of their own.
std::string byFormat(Date date) {
  const auto ymd = date.ymd();
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

std::string byFormat(Month month) {
  return fmt::format("{:04}-{:02}", month.year(), month.month());
}

TEST(CalendarText, EveryDayOfFourCenturiesAndEveryYearsEndsReadAsFormatWroteThem) {
  const auto check = [](Date date) {
    const std::string expected = byFormat(date);
    ASSERT_EQ(CalendarText(date).view(), expected);
    ASSERT_EQ(formatDate(date), expected);
  };
  for (auto date = Date::fromYmd(1899, 1, 1); date <= Date::fromYmd(2301, 12, 31); date = date.plusDays(1)) check(date);
  for (int year = 0; year <= 10000; ++year) {
    check(Date::fromYmd(year, 1, 1));
    check(Date::fromYmd(year, 12, 31));
  }
}

TEST(CalendarText, EveryMonthFromYearZeroToTenThousandReadsAsFormatWroteIt) {
  for (auto month = Month::fromYm(0, 1); month <= Month::fromYm(10000, 12); month = month.plus(1)) {
    const std::string expected = byFormat(month);
    ASSERT_EQ(CalendarText(month).view(), expected);
    ASSERT_EQ(formatMonth(month), expected);
  }
}

TEST(CalendarText, YearsOutsideFourDigitsAreWrittenWhole) {
  EXPECT_EQ(CalendarText(Date::fromYmd(12345, 6, 7)).view(), "12345-06-07");
  EXPECT_EQ(CalendarText(Date::fromYmd(-42, 3, 1)).view(), byFormat(Date::fromYmd(-42, 3, 1)));
  EXPECT_EQ(CalendarText(Month::fromYm(12345, 11)).view(), "12345-11");
  for (const std::int32_t days : {INT32_MIN, INT32_MIN + 1, -1, 0, INT32_MAX - 1, INT32_MAX}) {
    EXPECT_EQ(CalendarText(Date{days}).view(), byFormat(Date{days})) << days;
  }
  for (const std::int32_t index : {INT32_MIN, -13, -1, INT32_MAX}) {
    EXPECT_EQ(CalendarText(Month{index}).view(), byFormat(Month{index})) << index;
  }
}

TEST(CalendarText, ReadsBackAsTheSameDay) {
  const auto date = Date::fromYmd(2026, 2, 28);
  EXPECT_EQ(parseDate(CalendarText(date).view()), date);
  const auto month = Month::fromYm(2026, 12);
  EXPECT_EQ(parseMonth(CalendarText(month).view()), month);
}

}  // namespace
}  // namespace staffchain::model
