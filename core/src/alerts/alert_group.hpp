// AlertGroup: the alerts one receiver gets together in a digest, and what it was last told.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "staffchain/alerts/alert.hpp"

namespace staffchain::alerts::detail {

enum class GroupKind : std::uint8_t { notify, escalation };

// What the receiver last heard of one alert in this group.
struct GroupMember {
  std::string alert_id;
  bool notified_firing = false;           // told it fires (and not yet told it resolved)
  std::optional<TimePoint> notified_at;   // first told it fires: escalation counts from here
  std::string notified_note;              // the silence-expiry note it was last told
};

struct AlertGroup {
  std::string key;
  std::string receiver;
  std::string route_key;
  GroupKind kind = GroupKind::notify;
  std::vector<std::pair<std::string, std::string>> labels;
  TimePoint created_at{};
  std::optional<TimePoint> last_sent_at;
  std::int64_t sequence = 0;  // messages sent so far
  std::map<std::string, GroupMember> members;
};

}  // namespace staffchain::alerts::detail
