// TimeZone: the zone the daemon's people live in ([daemon] timezone, an IANA name such as
// "Asia/Shanghai"). "Today" for evaluation is the date there, and every time shown to a person —
// messages, the CLI's tables, the API — is written in that zone with its offset. Stored times
// (ledger, stores) stay UTC; only what is shown goes through a TimeZone.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "staffchain/model/calendar.hpp"
#include "staffchain/plugin/result.hpp"

namespace date {
class time_zone;
}

namespace staffchain::model {

class TimeZone {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  static constexpr std::string_view kDefaultName = "Asia/Shanghai";

  // The default zone (standard()).
  TimeZone() : TimeZone(standard()) {}

  // The zone of that IANA name from the system's time zone database (tzdata); an error names the
  // zone and says where the names come from.
  static Result<TimeZone> load(std::string_view name);
  // Asia/Shanghai (the default of [daemon] timezone); UTC+08:00 if tzdata is missing.
  static TimeZone standard();
  static TimeZone utc();

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  // The zone's offset from UTC at that instant.
  [[nodiscard]] std::chrono::seconds offsetAt(TimePoint at) const;
  // The civil date there at that instant.
  [[nodiscard]] Date dateAt(TimePoint at) const;
  // The first instant of that civil date there (its midnight; the first instant after a gap when a
  // clock change skips midnight): where a day, a month or a quarter begins for the people served.
  [[nodiscard]] TimePoint startOf(Date day) const;
  // RFC 3339 with the zone's offset, to the second: "2026-12-06T11:51:34+08:00".
  [[nodiscard]] std::string rfc3339(TimePoint at) const;
  // A time stored as UTC ("2026-12-06T03:51:34Z", formatUtcTime) rewritten as rfc3339(); any
  // other text (empty, a date alone) comes back unchanged.
  [[nodiscard]] std::string rfc3339FromUtc(const std::string& stored) const;
  // For people: "2026-12-06 11:51 +08:00".
  [[nodiscard]] std::string display(TimePoint at) const;
  // "+08:00".
  [[nodiscard]] std::string offsetText(TimePoint at) const;

  friend bool operator==(const TimeZone& a, const TimeZone& b) noexcept { return a.name_ == b.name_; }

 private:
  TimeZone(std::string name, const date::time_zone* zone, std::chrono::seconds fixed) noexcept
      : name_(std::move(name)), zone_(zone), fixed_(fixed) {}

  std::string name_;
  const date::time_zone* zone_ = nullptr;  // owned by the process-wide database; null: fixed_
  std::chrono::seconds fixed_{0};
};

}  // namespace staffchain::model
