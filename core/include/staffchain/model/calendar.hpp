// Date and Month: compact calendar values for rules that compare millions of dates.
#pragma once

#include <array>
#include <chrono>
#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace staffchain::model {

// A civil date as days since 1970-01-01.
struct Date {
  std::int32_t days = 0;

  static Date fromYmd(int year, unsigned month, unsigned day) noexcept {
    const std::chrono::sys_days sd{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day}};
    return Date{static_cast<std::int32_t>(sd.time_since_epoch().count())};
  }
  [[nodiscard]] std::chrono::year_month_day ymd() const noexcept {
    return std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{days}}};
  }
  [[nodiscard]] Date plusDays(std::int32_t n) const noexcept { return Date{days + n}; }

  friend constexpr auto operator<=>(const Date&, const Date&) = default;
};

// A calendar month as months since 0000-01 (year * 12 + month - 1).
struct Month {
  std::int32_t index = 0;

  static constexpr Month fromYm(int year, unsigned month) noexcept {
    return Month{year * 12 + static_cast<std::int32_t>(month) - 1};
  }
  static Month of(Date date) noexcept {
    const auto ymd = date.ymd();
    return fromYm(static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()));
  }
  [[nodiscard]] constexpr int year() const noexcept { return index / 12; }
  [[nodiscard]] constexpr unsigned month() const noexcept { return static_cast<unsigned>(index % 12 + 1); }
  [[nodiscard]] constexpr Month plus(std::int32_t n) const noexcept { return Month{index + n}; }
  [[nodiscard]] Date firstDay() const noexcept { return Date::fromYmd(year(), month(), 1); }

  friend constexpr auto operator<=>(const Month&, const Month&) = default;
};

// Strict "YYYY-MM-DD" (a real calendar date) and "YYYY-MM".
std::optional<Date> parseDate(std::string_view text) noexcept;
std::optional<Month> parseMonth(std::string_view text) noexcept;
std::string formatDate(Date date);
std::string formatMonth(Month month);

// A date or a month as formatDate and formatMonth write it ("YYYY-MM-DD", "YYYY-MM"), in a buffer
// of its own: the ledger writes and hashes millions of them in a first sync, none allocated.
class CalendarText {
 public:
  explicit CalendarText(Date date) noexcept;
  explicit CalendarText(Month month) noexcept;
  [[nodiscard]] std::string_view view() const noexcept { return {chars_.data(), size_}; }

 private:
  // Room for the widest text of any value, however far out of range (a month of INT32_MIN).
  std::array<char, 24> chars_{};
  std::size_t size_ = 0;
};
// A point in time as the ledger, the API and notices write it: "2026-05-01T08:00:00Z" (UTC).
std::string formatUtcTime(std::chrono::system_clock::time_point at);
// The inverse of formatUtcTime ("2026-05-01T08:00:00Z"); nothing for any other text.
std::optional<std::chrono::system_clock::time_point> parseUtcTime(std::string_view text) noexcept;

}  // namespace staffchain::model

template <>
struct std::hash<staffchain::model::Date> {
  std::size_t operator()(const staffchain::model::Date& d) const noexcept { return std::hash<std::int32_t>{}(d.days); }
};
