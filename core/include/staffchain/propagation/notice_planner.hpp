// NoticePlanner: which notices a committed movement causes (DOMAIN.md §2), for which sinks, due when.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "staffchain/config/config.hpp"
#include "staffchain/ledger/ledger.hpp"
#include "staffchain/model/calendar.hpp"
#include "staffchain/model/records.hpp"

namespace staffchain::propagation {

// What a notice asks its target system to do; the names are the `action` notice column.
enum class NoticeAction : std::uint8_t { roster_add, pay_start, roster_remove, pay_stop, leader_posts };

std::string_view toString(NoticeAction action) noexcept;
std::optional<NoticeAction> parseNoticeAction(std::string_view text) noexcept;

// A sink as the planner sees it: notices for its role go to it.
struct SinkTarget {
  std::string name;
  model::SourceRole role = model::SourceRole::estab;
  bool dry_run = false;
};

// The idempotency key of a notice: 16 hex digits of a stable hash of (movement id, action,
// sink). The same movement re-ingested, or re-planned after a crash, gets the same key.
std::string noticeKey(std::string_view movement_id, NoticeAction action, std::string_view sink);

class NoticePlanner {
 public:
  NoticePlanner(config::PropagationSettings settings, std::vector<SinkTarget> sinks);

  // The notices `records` cause as of `today`; `issued_at` (UTC, ISO 8601) goes into each.
  // Movements older than max_age_days, and movements recorded by the target system itself,
  // cause none.
  [[nodiscard]] std::vector<ledger::OutboxNotice> plan(const std::vector<model::Record>& records, model::Date today,
                                                       const std::string& issued_at) const;

  [[nodiscard]] bool empty() const noexcept { return sinks_.empty() || settings_.rules.empty(); }

 private:
  void add(const model::Movement& movement, NoticeAction action, model::SourceRole target, model::Date deadline,
           const std::string& pay_stop_from, const std::string& issued_at,
           std::vector<ledger::OutboxNotice>& out) const;

  config::PropagationSettings settings_;
  std::vector<SinkTarget> sinks_;
};


}  // namespace staffchain::propagation
