// SinkHealth: consecutive delivery failures per sink, the retry delay they earn, and the
// LINK-003 finding a sink that keeps failing raises.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "staffchain/chain/finding.hpp"
#include "staffchain/model/calendar.hpp"
#include "staffchain/model/time_zone.hpp"

namespace staffchain::propagation {

struct SinkState {
  std::uint64_t consecutive_failures = 0;
  std::uint64_t failures_total = 0;
  std::uint64_t deliveries_total = 0;
  std::optional<std::chrono::system_clock::time_point> failing_since;
  std::string last_error;
};

class SinkHealth {
 public:
  void recordSuccess(const std::string& sink);
  void recordFailure(const std::string& sink, const std::string& error, std::chrono::system_clock::time_point at);
  void forget(const std::string& sink) { sinks_.erase(sink); }
  [[nodiscard]] const std::map<std::string, SinkState>& sinks() const noexcept { return sinks_; }
  // One LINK-003 per sink with at least `threshold` failures in a row.
  // Dates and times in the findings are written in `zone` ([daemon] timezone).
  [[nodiscard]] std::vector<chain::Finding> findings(std::uint64_t threshold, const model::TimeZone& zone) const;

 private:
  std::map<std::string, SinkState> sinks_;
};

}  // namespace staffchain::propagation
