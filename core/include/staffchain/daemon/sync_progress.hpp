// SyncProgress: records read, records/s and time left while a connector pulls a long run of
// batches (a resync, a first sync), from the batches' sizes and the source's `remaining` hint.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "staffchain/daemon/progress_text.hpp"

namespace staffchain::daemon {

class SyncProgress {
 public:
  using SteadyClock = std::chrono::steady_clock;

  // `kind` names the run in log lines ("resync", "first sync", "catch-up"). The rate is taken
  // over the last `window` of batches, so that a source that slows down (or a pause for a
  // failed pull) shows in the estimate within that window rather than never.
  SyncProgress(std::string kind, SteadyClock::time_point started,
               std::chrono::steady_clock::duration window = std::chrono::seconds(60));

  // One batch committed at `at`: `records` more read, and what the source says is left.
  void addBatch(std::uint64_t records, std::optional<std::uint64_t> remaining, SteadyClock::time_point at);

  [[nodiscard]] const std::string& kind() const noexcept { return kind_; }
  [[nodiscard]] SteadyClock::time_point started() const noexcept { return started_; }
  [[nodiscard]] std::uint64_t recordsRead() const noexcept { return records_read_; }
  [[nodiscard]] std::uint64_t batches() const noexcept { return batches_; }
  // The source's last hint; nullopt when it gave none with its last batch.
  [[nodiscard]] std::optional<std::uint64_t> remaining() const noexcept { return remaining_; }
  // Seconds from the start to the last batch.
  [[nodiscard]] double elapsedSeconds() const noexcept;
  // Records per second over the window ending at the last batch; 0 before any time has passed.
  [[nodiscard]] double recordsPerSecond() const noexcept;
  // Records per second over the whole run so far.
  [[nodiscard]] double averageRecordsPerSecond() const noexcept;
  // remaining / records per second, rounded up; nullopt without a hint or without a rate.
  [[nodiscard]] std::optional<std::chrono::seconds> timeLeft() const noexcept;
  // records read / (read + remaining), in [0, 1]; nullopt without a hint.
  [[nodiscard]] std::optional<double> fractionDone() const noexcept;
  // The figures the API reports and the log lines print.
  [[nodiscard]] ProgressFigures figures() const;

  // Whether a progress line is due at `now`: `every` has passed since the last one (or since the
  // start); marks it logged when it is.
  bool takeLogSlot(SteadyClock::time_point now, SteadyClock::duration every);

 private:
  struct Sample {
    SteadyClock::time_point at;
    std::uint64_t records;  // read up to `at`
  };

  std::string kind_;
  SteadyClock::time_point started_;
  SteadyClock::duration window_;
  SteadyClock::time_point last_logged_;
  std::deque<Sample> samples_;  // the start, then one per batch within the window (and one before it)
  std::uint64_t records_read_ = 0;
  std::uint64_t batches_ = 0;
  std::optional<std::uint64_t> remaining_;
};

}  // namespace staffchain::daemon
