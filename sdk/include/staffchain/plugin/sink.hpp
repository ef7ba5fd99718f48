// SinkConnector: a plugin that hands a movement notice to a department's system (DOMAIN.md §2).
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "staffchain/plugin/host_context.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::plugin {

// The canonical notice columns, in this order: what a sink's mapping renames onto the target
// system's own fields (the inverse of a source mapping).
//   notice_id       the idempotency key: stable across retries and restarts
//   action          roster_add | pay_start | roster_remove | pay_stop | leader_posts
//   target_system   estab | org | hr | finance
//   movement_id, movement_kind, movement_source, person_id, name, unit_id, from_unit_id,
//   effective_on, approval_id, leader_level, leader_rank   copied from the movement
//   deadline        YYYY-MM-DD by which the target must act
//   pay_stop_from   YYYY-MM, the first month without pay (stop-pay notices only)
//   issued_at       when staffchain first wrote the notice (UTC, ISO 8601)
inline constexpr std::array<std::string_view, 18> kNoticeColumns = {
    "notice_id",    "action",      "target_system", "movement_id",   "movement_kind", "movement_source",
    "person_id",    "name",        "unit_id",       "from_unit_id",  "effective_on",  "approval_id",
    "leader_level", "leader_rank", "deadline",      "pay_stop_from", "issued_at",     "dry_run"};

// One notice, already carrying every canonical column (empty strings where a column does not
// apply). Citizen ids are in full: the target system needs them.
struct Notice {
  std::string id;    // == field("notice_id"); sinks that can dedupe (ON CONFLICT, headers) use it
  std::string sink;  // the sink instance name from the configuration
  std::vector<std::pair<std::string, std::string>> fields;

  [[nodiscard]] const std::string* field(std::string_view name) const noexcept {
    for (const auto& [key, value] : fields) {
      if (key == name) return &value;
    }
    return nullptr;
  }
};

struct SinkReceipt {
  std::string detail;      // what the target answered, kept in the notice's history
  bool duplicate = false;  // the target already had this notice (deduplicated by its id)
};

class SinkConnector {
 public:
  virtual ~SinkConnector() = default;
  // Delivers one notice. Must be safe to call again with the same notice after a crash or a
  // timeout (the host retries with the same id). Failures are results; not noexcept for the
  // same reason as SourceConnector::pull.
  virtual Result<SinkReceipt> deliver(const Notice& notice, const CancelToken& cancel) = 0;
  // What deliver() would send, rendered for a log line, without sending (dry-run mode).
  [[nodiscard]] virtual std::string describe(const Notice& notice) const = 0;
};

}  // namespace staffchain::plugin
