#include "staffchain/propagation/sink_health.hpp"

#include "staffchain/propagation/notice_planner.hpp"

namespace staffchain::propagation {

void SinkHealth::recordSuccess(const std::string& sink) {
  SinkState& state = sinks_[sink];
  state.consecutive_failures = 0;
  state.failing_since.reset();
  state.last_error.clear();
  ++state.deliveries_total;
}

void SinkHealth::recordFailure(const std::string& sink, const std::string& error,
                               std::chrono::system_clock::time_point at) {
  SinkState& state = sinks_[sink];
  ++state.consecutive_failures;
  ++state.failures_total;
  if (!state.failing_since) state.failing_since = at;
  state.last_error = error;
}

std::vector<chain::Finding> SinkHealth::findings(std::uint64_t threshold, const model::TimeZone& zone) const {
  std::vector<chain::Finding> out;
  for (const auto& [name, state] : sinks_) {
    if (state.consecutive_failures < threshold || !state.failing_since) continue;
    out.push_back(chain::deliveryFailureFinding(chain::DeliveryFailure{
        name, "异动通知接收端", "notice sink", state.consecutive_failures, zone.dateAt(*state.failing_since),
        zone.rfc3339(*state.failing_since), state.last_error, "LINK-003|sink|" + name}));
  }
  return out;
}

}  // namespace staffchain::propagation
