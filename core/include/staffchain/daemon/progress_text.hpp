// How a long sync's progress reads to people: the daemon's log lines and staffchainctl's
// "progress" column. Header-only, so that staffchainctl formats exactly what the daemon logs.
#pragma once

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace staffchain::daemon {

// 1092000 -> "1,092,000".
inline std::string groupedCount(std::uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// 950 -> "950", 8400 -> "8.4k", 12345 -> "12k", 1250000 -> "1.2M": for a narrow column.
inline std::string shortCount(double value) {
  if (!(value > 0)) return "0";
  const auto scaled = [](double v, const char* unit) {
    return v < 9.95 ? fmt::format("{:.1f}{}", v, unit) : fmt::format("{:.0f}{}", v, unit);
  };
  if (value < 999.5) return fmt::format("{:.0f}", value);
  if (value < 999'500) return scaled(value / 1e3, "k");
  if (value < 999'500'000) return scaled(value / 1e6, "M");
  return scaled(value / 1e9, "G");
}

// 45 -> "45s", 130 -> "2m10s", 3900 -> "1h05m", 183600 -> "2d03h".
inline std::string shortDuration(std::chrono::seconds duration) {
  const std::int64_t total = duration.count() < 0 ? 0 : duration.count();
  if (total < 60) return fmt::format("{}s", total);
  if (total < 3600) return fmt::format("{}m{:02}s", total / 60, total % 60);
  if (total < 86400) return fmt::format("{}h{:02}m", total / 3600, total % 3600 / 60);
  return fmt::format("{}d{:02}h", total / 86400, total % 86400 / 3600);
}

// What a run in progress has done, as the API reports it.
struct ProgressFigures {
  std::uint64_t records_read = 0;
  double records_per_second = 0;
  std::optional<std::uint64_t> remaining;
  std::optional<std::chrono::seconds> eta;
};

// "connector hr: resync 120,000 records read, 8,400 rec/s, about 2m10s left (1,092,000 remaining)";
// without a hint from the source, the line stops after the rate.
inline std::string progressLogLine(std::string_view connector, std::string_view kind, const ProgressFigures& figures) {
  std::string line =
      fmt::format("connector {}: {} {} records read, {} rec/s", connector, kind, groupedCount(figures.records_read),
                  groupedCount(static_cast<std::uint64_t>(std::llround(figures.records_per_second))));
  if (figures.remaining && figures.eta) {
    line +=
        fmt::format(", about {} left ({} remaining)", shortDuration(*figures.eta), groupedCount(*figures.remaining));
  } else if (figures.remaining) {
    line += fmt::format(" ({} remaining)", groupedCount(*figures.remaining));
  }
  return line;
}

// "connector hr: resync done: 1,212,000 records in 2m24s, 8,416 rec/s".
inline std::string progressDoneLine(std::string_view connector, std::string_view kind, std::uint64_t records,
                                    double seconds) {
  const double rate = seconds > 0 ? static_cast<double>(records) / seconds : 0;
  return fmt::format("connector {}: {} done: {} records in {}, {} rec/s", connector, kind, groupedCount(records),
                     shortDuration(std::chrono::seconds(std::llround(seconds))),
                     groupedCount(static_cast<std::uint64_t>(std::llround(rate))));
}

// staffchainctl's column: "41% 8.4k rec/s ETA 2m10s", or "120k read 8.4k rec/s" when the source
// gives no count of what is left.
inline std::string progressCell(const ProgressFigures& figures) {
  const std::string rate = shortCount(figures.records_per_second) + " rec/s";
  if (!figures.remaining) return fmt::format("{} read {}", shortCount(static_cast<double>(figures.records_read)), rate);
  const std::uint64_t total = figures.records_read + *figures.remaining;
  const auto percent = total == 0 ? 100 : figures.records_read * 100 / total;
  std::string cell = fmt::format("{}% {}", percent, rate);
  if (figures.eta) cell += " ETA " + shortDuration(*figures.eta);
  return cell;
}

}  // namespace staffchain::daemon
