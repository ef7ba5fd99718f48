// LinkHealth: each connector's sync record (attempts, successes, errors, records) and the
// LINK-001 (failing) and LINK-002 (silent past max_staleness) findings it implies.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "staffchain/chain/finding.hpp"
#include "staffchain/model/records.hpp"
#include "staffchain/model/time_zone.hpp"

namespace staffchain::daemon {

using Clock = std::chrono::system_clock;

struct ConnectorHealth {
  std::string connector;
  model::SourceRole role = model::SourceRole::estab;
  std::chrono::milliseconds max_staleness{0};
  Clock::time_point registered_at{};
  std::optional<Clock::time_point> last_attempt;
  std::optional<Clock::time_point> last_success;
  std::optional<Clock::time_point> failing_since;  // first failure of the current run of failures
  std::string last_error;
  std::uint64_t attempts = 0;
  std::uint64_t failures = 0;
  std::uint64_t consecutive_failures = 0;
  std::uint64_t records_last_sync = 0;
  std::uint64_t records_total = 0;
  std::uint64_t quarantined_total = 0;
  double last_sync_seconds = 0;
};

class LinkHealth {
 public:
  // The zone the findings' dates and times are written in ([daemon] timezone).
  void setTimeZone(model::TimeZone zone) { zone_ = std::move(zone); }
  void track(const std::string& connector, model::SourceRole role, std::chrono::milliseconds max_staleness,
             Clock::time_point now);
  void forget(const std::string& connector);
  void recordSuccess(const std::string& connector, Clock::time_point at, std::uint64_t records,
                     std::uint64_t quarantined, double seconds);
  void recordFailure(const std::string& connector, Clock::time_point at, std::string error);

  // LINK-001 for every connector whose last attempt failed; LINK-002 for every connector with
  // no success within its max_staleness (counted from its registration when it never synced).
  [[nodiscard]] std::vector<chain::Finding> findings(Clock::time_point now) const;
  [[nodiscard]] const std::map<std::string, ConnectorHealth>& connectors() const noexcept { return connectors_; }

 private:
  std::map<std::string, ConnectorHealth> connectors_;
  model::TimeZone zone_;
};

}  // namespace staffchain::daemon
