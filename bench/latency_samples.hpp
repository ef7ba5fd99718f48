// Per-iteration latencies of one benchmark, kept whole so that the median and the tail can be
// read exactly instead of being inferred from a mean.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace staffchain::bench {

class LatencySamples {
 public:
  void reserve(std::size_t n) { seconds_.reserve(n); }
  void add(double seconds) {
    seconds_.push_back(seconds);
    sorted_ = false;
  }
  [[nodiscard]] std::size_t size() const noexcept { return seconds_.size(); }

  // Nearest-rank percentile (p in (0, 100]) in seconds; 0 when there is no sample.
  [[nodiscard]] double percentile(double p) {
    if (seconds_.empty()) return 0.0;
    sort();
    const double rank = std::ceil(p / 100.0 * static_cast<double>(seconds_.size()));
    const auto index = static_cast<std::size_t>(std::clamp(rank, 1.0, static_cast<double>(seconds_.size()))) - 1;
    return seconds_[index];
  }
  [[nodiscard]] double median() { return percentile(50.0); }
  [[nodiscard]] double max() { return percentile(100.0); }

 private:
  void sort() {
    if (!sorted_) std::sort(seconds_.begin(), seconds_.end());
    sorted_ = true;
  }

  std::vector<double> seconds_;
  bool sorted_ = true;
};

}  // namespace staffchain::bench
