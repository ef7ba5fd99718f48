// NoticePlanner: which notices a committed movement causes (DOMAIN.md §2), for which sinks, due when.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "staffchain/ledger/ledger.hpp"
#include "staffchain/model/calendar.hpp"
#include "staffchain/model/records.hpp"
#include "staffchain/propagation/propagation_settings.hpp"

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

// The idempotency key of a notice: 16 hex digits of a stable hash of (person, unit, action,
// stay, sink), whatever record caused it. The stay is the notice's `effective_on`: for pay_start
// the roster entry date (from a roster_add movement or a roster row alike), for roster_add the
// hire date that opens the stay, for roster_remove and pay_stop the exit date that ends it (an
// exit names its stay by its end; the roster no longer shows the start once the person is off
// it), for leader_posts the appointment date. The sink is part of it only because each sink
// gets its own row in the outbox; with one sink per system the key is one per notice. The same
// notice planned again (a re-ingest, a restart, a roster row after its roster_add) gets the
// same key, so the ledger keeps the first and the target can drop a repeat.
std::string noticeKey(std::string_view person_id, std::string_view unit_id, NoticeAction action, model::Date stay,
                      std::string_view sink);

class NoticePlanner {
 public:
  NoticePlanner(PropagationSettings settings, std::vector<SinkTarget> sinks);

  // The notices `records` cause as of `today`; `issued_at` (UTC, ISO 8601) goes into each.
  // Movements older than max_age_days, and movements recorded by the target system itself,
  // cause none. One notice per key: a roster_add movement and the roster row of the same stay
  // in one batch make one pay_start notice (the movement's, which names a real movement).
  [[nodiscard]] std::vector<ledger::OutboxNotice> plan(const std::vector<model::Record>& records, model::Date today,
                                                       const std::string& issued_at) const;

  [[nodiscard]] bool empty() const noexcept { return sinks_.empty() || settings_.rules.empty(); }

 private:
  void add(const model::Movement& movement, NoticeAction action, model::SourceRole target, model::Date deadline,
           const std::string& pay_stop_from, const std::string& issued_at,
           std::vector<ledger::OutboxNotice>& out) const;

  PropagationSettings settings_;
  std::vector<SinkTarget> sinks_;
};

}  // namespace staffchain::propagation
