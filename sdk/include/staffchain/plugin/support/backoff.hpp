// Exponential backoff, the one rule every retry in staffchain follows: plugins retrying a
// remote system, the daemon retrying a receiver, a notice's sink, a failing connector.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace staffchain::plugin {

// The longest wait before attempt `attempt` after a failure (1 for the first retry):
// initial * 2^(attempt - 1), never more than `max`. Callers spread their waits under it as
// suits them (full jitter for plugins, the upper half for receivers, none for notices).
constexpr std::chrono::milliseconds backoffCeiling(std::chrono::milliseconds initial, std::chrono::milliseconds max,
                                                   std::int64_t attempt) noexcept {
  const auto shift = static_cast<unsigned>(std::clamp<std::int64_t>(attempt - 1, 0, 30));
  return std::chrono::milliseconds(std::min<std::int64_t>(max.count(), initial.count() * (std::int64_t{1} << shift)));
}

static_assert(backoffCeiling(std::chrono::seconds(10), std::chrono::minutes(10), 1) == std::chrono::seconds(10));
static_assert(backoffCeiling(std::chrono::seconds(10), std::chrono::minutes(10), 3) == std::chrono::seconds(40));
static_assert(backoffCeiling(std::chrono::seconds(10), std::chrono::minutes(10), 99) == std::chrono::minutes(10));

}  // namespace staffchain::plugin
