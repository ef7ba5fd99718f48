// Retry and rate limits for plugins that talk to remote systems: exponential backoff with
// full jitter, and a token bucket (WeCom and DingTalk robots take 20 messages a minute).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>
#include <thread>

#include "staffchain/plugin/config_reader.hpp"
#include "staffchain/plugin/host_context.hpp"
#include "staffchain/plugin/support/backoff.hpp"

namespace staffchain::plugin {

struct RetryPolicy {
  int attempts = 4;                        // the first try included
  Duration initial{500};                   // the first backoff's ceiling
  Duration max{std::chrono::seconds(30)};  // no backoff is longer

  // Reads `retries` (attempts after the first), `retry_initial` and `retry_max`.
  static RetryPolicy read(ConfigReader& config) {
    RetryPolicy policy;
    policy.attempts = 1 + static_cast<int>(config.integer("retries", 0, 20, policy.attempts - 1));
    policy.initial = config.duration("retry_initial", policy.initial);
    policy.max = config.duration("retry_max", policy.max);
    return policy;
  }

  // The wait before retry number `retry` (1-based): uniform in [0, min(max, initial * 2^(retry-1))]
  // ("full jitter"), so that many clients retrying at once spread out.
  template <typename Random>
  [[nodiscard]] Duration delay(int retry, Random& random) const {
    const auto ceiling = backoffCeiling(initial, max, retry).count();
    std::uniform_int_distribution<std::int64_t> pick(0, std::max<std::int64_t>(ceiling, 0));
    return Duration(pick(random));
  }
};

// Sleeps `duration` in small steps; false when `cancel` was set meanwhile.
inline bool sleepUnlessCancelled(Duration duration, const CancelToken* cancel) {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until) {
    if (cancel != nullptr && cancel->cancelled()) return false;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(50), until - std::chrono::steady_clock::now()));
  }
  return cancel == nullptr || !cancel->cancelled();
}

// At most `capacity` events per `window`, smoothly refilled.
class RateLimiter {
 public:
  RateLimiter(double capacity, Duration window) : capacity_(capacity), tokens_(capacity), window_(window) {}

  // Takes one token, waiting for it if needed; false when cancelled while waiting.
  bool acquire(const CancelToken* cancel) {
    for (;;) {
      Duration wait{0};
      {
        std::lock_guard lock(mutex_);
        refill();
        if (tokens_ >= 1.0) {
          tokens_ -= 1.0;
          return true;
        }
        const double per_ms = capacity_ / static_cast<double>(window_.count());
        wait = Duration(static_cast<std::int64_t>((1.0 - tokens_) / per_ms) + 1);
      }
      if (!sleepUnlessCancelled(wait, cancel)) return false;
    }
  }

 private:
  void refill() {
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double, std::milli>(now - last_).count();
    last_ = now;
    tokens_ = std::min(capacity_, tokens_ + elapsed * capacity_ / static_cast<double>(window_.count()));
  }

  std::mutex mutex_;
  double capacity_;
  double tokens_;
  Duration window_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace staffchain::plugin
