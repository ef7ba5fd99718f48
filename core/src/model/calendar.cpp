#include "staffchain/model/calendar.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace staffchain::model {
namespace {

bool readDigits(std::string_view text, std::size_t pos, std::size_t count, int& out) noexcept {
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

// Writes `value` (0..10^width - 1) as `width` digits, zeros first.
char* putDigits(char* out, unsigned value, int width) noexcept {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

}  // namespace

CalendarText::CalendarText(Date date) noexcept {
  const auto ymd = date.ymd();
  const int year = static_cast<int>(ymd.year());
  const auto month = static_cast<unsigned>(ymd.month());
  const auto day = static_cast<unsigned>(ymd.day());
  if (year < 0 || year > 9999) {
    size_ = std::min(fmt::format_to_n(chars_.data(), chars_.size(), "{:04}-{:02}-{:02}", year, month, day).size,
                     chars_.size());
    return;
  }
  char* out = putDigits(chars_.data(), static_cast<unsigned>(year), 4);
  *out++ = '-';
  out = putDigits(out, month, 2);
  *out++ = '-';
  out = putDigits(out, day, 2);
  size_ = static_cast<std::size_t>(out - chars_.data());
}

CalendarText::CalendarText(Month month) noexcept {
  const int year = month.year();
  if (year < 0 || year > 9999) {
    size_ = std::min(fmt::format_to_n(chars_.data(), chars_.size(), "{:04}-{:02}", year, month.month()).size,
                     chars_.size());
    return;
  }
  char* out = putDigits(chars_.data(), static_cast<unsigned>(year), 4);
  *out++ = '-';
  out = putDigits(out, month.month(), 2);
  size_ = static_cast<std::size_t>(out - chars_.data());
}

std::optional<Date> parseDate(std::string_view text) noexcept {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int year = 0;
  int month = 0;
  int day = 0;
  if (!readDigits(text, 0, 4, year) || !readDigits(text, 5, 2, month) || !readDigits(text, 8, 2, day)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (year < 1900 || !ymd.ok()) return std::nullopt;
  return Date::fromYmd(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

std::optional<Month> parseMonth(std::string_view text) noexcept {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  int year = 0;
  int month = 0;
  if (!readDigits(text, 0, 4, year) || !readDigits(text, 5, 2, month)) return std::nullopt;
  if (year < 1900 || month < 1 || month > 12) return std::nullopt;
  return Month::fromYm(year, static_cast<unsigned>(month));
}

std::string formatDate(Date date) {
  return std::string(CalendarText(date).view());
}

std::string formatMonth(Month month) {
  return std::string(CalendarText(month).view());
}

std::string formatUtcTime(std::chrono::system_clock::time_point at) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(at);
  const auto day = std::chrono::floor<std::chrono::days>(seconds);
  const std::chrono::hh_mm_ss time{seconds - day};
  return fmt::format("{}T{:02}:{:02}:{:02}Z",
                     formatDate(Date{static_cast<std::int32_t>(day.time_since_epoch().count())}), time.hours().count(),
                     time.minutes().count(), time.seconds().count());
}

std::optional<std::chrono::system_clock::time_point> parseUtcTime(std::string_view text) noexcept {
  if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z')
    return std::nullopt;
  const auto date = parseDate(text.substr(0, 10));
  if (!date) return std::nullopt;
  int parts[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    const char tens = text[11 + static_cast<std::size_t>(i) * 3];
    const char ones = text[12 + static_cast<std::size_t>(i) * 3];
    if (tens < '0' || tens > '9' || ones < '0' || ones > '9') return std::nullopt;
    parts[i] = (tens - '0') * 10 + (ones - '0');
  }
  if (parts[0] > 23 || parts[1] > 59 || parts[2] > 60) return std::nullopt;
  return std::chrono::system_clock::time_point(std::chrono::sys_days(std::chrono::days(date->days))) +
         std::chrono::hours(parts[0]) + std::chrono::minutes(parts[1]) + std::chrono::seconds(parts[2]);
}

}  // namespace staffchain::model
