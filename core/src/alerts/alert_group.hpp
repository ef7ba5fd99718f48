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
  bool notified_firing = false;          // told it fires (and not yet told it resolved)
  std::optional<TimePoint> notified_at;  // first told it fires: escalation counts from here
  std::string notified_note;             // the silence-expiry note it was last told
};

struct AlertGroup {
  std::string key;  // groupKey(kind, receiver, labels)
  std::string receiver;
  // Where in the route tree its timings come from ("0.2", routing.hpp): a position, which a
  // reload may change, so it is never part of the key.
  std::string route_key;
  GroupKind kind = GroupKind::notify;
  std::vector<std::pair<std::string, std::string>> labels;
  TimePoint created_at{};
  std::optional<TimePoint> last_sent_at;
  std::int64_t sequence = 0;  // messages sent so far
  std::map<std::string, GroupMember> members;
};

// A group is what one receiver hears together: its key is the kind, the receiver and the
// group_by labels and values, and nothing about where the route stands in the tree, so adding,
// removing or reordering routes keeps every group (and what its receiver was told) as it was.
// "notify|finance_bureau|rule=CHAIN-006;region=150702;"
std::string groupKey(GroupKind kind, const std::string& receiver,
                     const std::vector<std::pair<std::string, std::string>>& labels);

}  // namespace staffchain::alerts::detail
