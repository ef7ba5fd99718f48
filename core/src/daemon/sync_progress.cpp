#include "staffchain/daemon/sync_progress.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace staffchain::daemon {
namespace {

double secondsBetween(SyncProgress::SteadyClock::time_point from, SyncProgress::SteadyClock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

SyncProgress::SyncProgress(std::string kind, SteadyClock::time_point started, SteadyClock::duration window)
    : kind_(std::move(kind)), started_(started), window_(window), last_logged_(started) {
  samples_.push_back(Sample{started, 0});
}

void SyncProgress::addBatch(std::uint64_t records, std::optional<std::uint64_t> remaining, SteadyClock::time_point at) {
  records_read_ += records;
  ++batches_;
  remaining_ = remaining;
  samples_.push_back(Sample{std::max(at, samples_.back().at), records_read_});
  // Keep one sample at or before the window's start, so the rate always spans the full window
  // once the run is that long.
  const auto window_start = samples_.back().at - window_;
  while (samples_.size() > 2 && samples_[1].at <= window_start) samples_.pop_front();
}

double SyncProgress::elapsedSeconds() const noexcept {
  return secondsBetween(started_, samples_.back().at);
}

double SyncProgress::recordsPerSecond() const noexcept {
  const Sample& first = samples_.front();
  const Sample& last = samples_.back();
  const double seconds = secondsBetween(first.at, last.at);
  if (seconds <= 0) return 0;
  return static_cast<double>(last.records - first.records) / seconds;
}

double SyncProgress::averageRecordsPerSecond() const noexcept {
  const double seconds = elapsedSeconds();
  return seconds <= 0 ? 0 : static_cast<double>(records_read_) / seconds;
}

std::optional<std::chrono::seconds> SyncProgress::timeLeft() const noexcept {
  if (!remaining_) return std::nullopt;
  if (*remaining_ == 0) return std::chrono::seconds(0);
  const double rate = recordsPerSecond();
  if (rate <= 0) return std::nullopt;
  return std::chrono::seconds(static_cast<std::int64_t>(std::ceil(static_cast<double>(*remaining_) / rate)));
}

std::optional<double> SyncProgress::fractionDone() const noexcept {
  if (!remaining_) return std::nullopt;
  const auto total = records_read_ + *remaining_;
  if (total == 0) return 1.0;
  return static_cast<double>(records_read_) / static_cast<double>(total);
}

ProgressFigures SyncProgress::figures() const {
  return ProgressFigures{records_read_, recordsPerSecond(), remaining_, timeLeft()};
}

bool SyncProgress::takeLogSlot(SteadyClock::time_point now, SteadyClock::duration every) {
  if (now - last_logged_ < every) return false;
  last_logged_ = now;
  return true;
}

}  // namespace staffchain::daemon
