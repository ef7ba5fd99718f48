#include "staffchain/model/time_zone.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <cstdlib>
#include <exception>

namespace staffchain::model {
namespace {

using std::chrono::seconds;

// IANA names are letters, digits and "/_-+"; anything else (a path, "..") is not looked up.
bool plausibleName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.find("..") != std::string_view::npos) {
    return false;
  }
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
                    c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

std::string formatOffset(seconds offset) {
  const char sign = offset.count() < 0 ? '-' : '+';
  const auto total = std::abs(offset.count()) / 60;
  return fmt::format("{}{:02}:{:02}", sign, total / 60, total % 60);
}

}  // namespace

Result<TimeZone> TimeZone::load(std::string_view name) {
  if (name == "UTC" || name == "Etc/UTC") return utc();
  if (!plausibleName(name)) {
    return makeError(fmt::format("\"{}\" is not a time zone name; give an IANA name such as \"Asia/Shanghai\"", name));
  }
  try {
    const date::time_zone* zone = date::locate_zone(name);
    return TimeZone(std::string(name), zone, seconds(0));
  } catch (const std::exception&) {
    return makeError(fmt::format(
        "unknown time zone \"{}\": not in the system's time zone database (tzdata, /usr/share/zoneinfo); give an "
        "IANA name such as \"Asia/Shanghai\"",
        name));
  }
}

TimeZone TimeZone::standard() {
  if (auto zone = load(kDefaultName)) return std::move(zone).value();
  // Without tzdata: China has kept UTC+08:00 without daylight saving since 1991.
  return TimeZone(std::string(kDefaultName), nullptr, std::chrono::hours(8));
}

TimeZone TimeZone::utc() {
  return TimeZone("UTC", nullptr, seconds(0));
}

seconds TimeZone::offsetAt(TimePoint at) const {
  if (zone_ == nullptr) return fixed_;
  return zone_->get_info(std::chrono::floor<seconds>(at)).offset;
}

Date TimeZone::dateAt(TimePoint at) const {
  const auto local = std::chrono::floor<seconds>(at) + offsetAt(at);
  return Date{static_cast<std::int32_t>(std::chrono::floor<std::chrono::days>(local).time_since_epoch().count())};
}

TimeZone::TimePoint TimeZone::startOf(Date day) const {
  const date::local_days local{date::days{day.days}};
  if (zone_ == nullptr) return TimePoint{std::chrono::sys_days{std::chrono::days{day.days}}} - fixed_;
  // earliest: a midnight that happens twice counts from its first time; one a clock change skips
  // (a gap) gives the instant of the change, the day's first instant.
  return zone_->to_sys(local, date::choose::earliest);
}

namespace {

struct LocalParts {
  Date date;
  std::chrono::hh_mm_ss<seconds> time{seconds(0)};
};

LocalParts localParts(TimeZone::TimePoint at, seconds offset) {
  const auto local = std::chrono::floor<seconds>(at) + offset;
  const auto day = std::chrono::floor<std::chrono::days>(local);
  return {Date{static_cast<std::int32_t>(day.time_since_epoch().count())}, std::chrono::hh_mm_ss<seconds>{local - day}};
}

}  // namespace

std::string TimeZone::rfc3339(TimePoint at) const {
  const seconds offset = offsetAt(at);
  const auto parts = localParts(at, offset);
  return fmt::format("{}T{:02}:{:02}:{:02}{}", formatDate(parts.date), parts.time.hours().count(),
                     parts.time.minutes().count(), parts.time.seconds().count(), formatOffset(offset));
}

std::string TimeZone::rfc3339FromUtc(const std::string& stored) const {
  const auto at = parseUtcTime(stored);
  return at ? rfc3339(*at) : stored;
}

std::string TimeZone::display(TimePoint at) const {
  const seconds offset = offsetAt(at);
  const auto parts = localParts(at, offset);
  return fmt::format("{} {:02}:{:02} {}", formatDate(parts.date), parts.time.hours().count(),
                     parts.time.minutes().count(), formatOffset(offset));
}

std::string TimeZone::offsetText(TimePoint at) const {
  return formatOffset(offsetAt(at));
}

}  // namespace staffchain::model
