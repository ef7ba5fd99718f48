// The alert manager's working set: every table in memory, written through to the store.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "alert_group.hpp"
#include "alert_store.hpp"
#include "staffchain/alerts/alert_manager.hpp"

namespace staffchain::alerts {

class AlertManager::State {
 public:
  AlertSettings settings;
  std::unique_ptr<detail::AlertStore> store;
  std::map<std::string, Alert> alerts;
  std::map<std::string, detail::AlertGroup> groups;
  std::map<std::string, std::set<std::string>> groups_of;  // alert id -> group keys
  std::map<std::string, Silence> silences;
  std::map<std::string, ReceiverHealth> receivers;
  bool reroute_all = true;  // after open and reconfigure: routes may differ from the stored groups

  Result<void> load();

  // checkSilenceRequest, and that every alert id names an alert.
  [[nodiscard]] Result<void> checkSilence(const SilenceRequest& request) const;

  // Runs `change` in one SQLite transaction; on any failure the file is rolled back and the
  // memory reloaded from it, so the two never disagree.
  template <typename Change>
  Result<void> transact(Change change) {
    if (auto begun = store->begin(); !begun) return begun;
    Result<void> outcome = change();
    if (outcome) {
      outcome = store->commit();
      if (outcome) return outcome;
    }
    store->rollback();
    if (auto reloaded = load(); !reloaded) {
      return makeError(outcome.error().message +
                       "; reloading the alert state then failed too: " + reloaded.error().message);
    }
    return outcome;
  }

  // One open finding observed: its alert raised, changed or reopened (to_route gets it when its
  // routing may differ), or left as it is when it holds the finding's content already.
  Result<void> observeOne(const chain::Finding& finding, const RegionLookup& region_of,
                          const std::set<std::string>& connectors_down, TimePoint now,
                          std::vector<std::string>& to_route);
  // An open alert whose finding is gone.
  Result<void> resolveOne(Alert& alert, TimePoint now);
  // After the findings of an observation: silences refreshed, the alerts in to_route routed.
  Result<void> finishObservation(const std::vector<std::string>& to_route, TimePoint now);

  // Silences: expiry by time, which alert each active silence holds, ends on resolution.
  Result<void> refreshSilences(TimePoint now);
  Result<void> endSilence(Silence& silence, const std::string& reason, const std::string& note, TimePoint now);

  // Group membership of one open alert, from the current route tree.
  Result<void> route(Alert& alert, TimePoint now);
  // An alert's membership of the group it leaves, carried into the one it joins.
  struct MemberOrigin {
    detail::GroupMember member;
    std::optional<TimePoint> group_last_sent_at;
  };
  Result<void> addMember(const std::string& group_key, const std::string& receiver, const std::string& route_key,
                         detail::GroupKind kind, const std::vector<std::pair<std::string, std::string>>& labels,
                         const std::string& alert_id, TimePoint now, const MemberOrigin* origin = nullptr);
  Result<void> removeMember(const std::string& group_key, const std::string& alert_id);

  Result<void> escalate(TimePoint now);
  // A group whose next digest falls due by `due_by` (now, or later for a one-shot run) sends it,
  // stamped `now`.
  Result<void> flushGroup(const std::string& key, TimePoint now, TimePoint due_by,
                          const std::map<std::string, std::size_t>& held);
  // When the group next falls due on its own (without new changes), or never.
  [[nodiscard]] std::optional<TimePoint> groupDue(const detail::AlertGroup& group) const;
  [[nodiscard]] const Route& timingsOf(const detail::AlertGroup& group) const;
};

}  // namespace staffchain::alerts
