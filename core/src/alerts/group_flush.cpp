// Group membership, escalation and digest writing: the timing half of the alert manager.
#include <fmt/format.h>

#include <algorithm>

#include "manager_state.hpp"
#include "staffchain/alerts/digest.hpp"
#include "staffchain/alerts/routing.hpp"

namespace staffchain::alerts {
namespace {

using detail::AlertGroup;
using detail::GroupKind;
using detail::GroupMember;
using Labels = std::vector<std::pair<std::string, std::string>>;

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& value : values) out += (out.empty() ? "" : "+") + value;
  return out;
}

Labels labelsFor(const Alert& alert, const std::vector<std::string>& group_by) {
  Labels labels;
  for (const auto& label : group_by) {
    std::string value;
    if (label == "rule") value = alert.rule;
    if (label == "region") value = alert.region;
    if (label == "unit") value = alert.unit_id;
    if (label == "severity") value = std::string(chain::toString(alert.severity));
    if (label == "role") value = joined(alert.roles);
    labels.emplace_back(label, std::move(value));
  }
  return labels;
}

// What a group's receiver should hear now, from what it was told and where its alerts are.
struct GroupView {
  std::vector<const Alert*> opened;
  std::vector<const Alert*> expired;
  std::vector<const Alert*> still;
  std::vector<const Alert*> resolved;
  std::vector<std::string> dropped;  // members to forget without a word
  std::size_t silenced = 0;
  std::map<std::string, std::size_t> inhibited;

  [[nodiscard]] bool changed() const noexcept { return !opened.empty() || !expired.empty() || !resolved.empty(); }
  [[nodiscard]] bool unacknowledged() const noexcept {
    return std::any_of(still.begin(), still.end(), [](const Alert* a) { return a->state == AlertState::firing; });
  }
};

GroupView classify(const AlertGroup& group, const std::map<std::string, Alert>& alerts) {
  GroupView view;
  for (const auto& [id, member] : group.members) {
    auto it = alerts.find(id);
    if (it == alerts.end()) {
      view.dropped.push_back(id);
      continue;
    }
    const Alert& alert = it->second;
    if (!alert.open()) {
      if (member.notified_firing) {
        view.resolved.push_back(&alert);
      } else {
        view.dropped.push_back(id);
      }
      continue;
    }
    // The head of department hears of an alert only while nobody has taken it on.
    if (group.kind == GroupKind::escalation && !member.notified_firing && alert.state == AlertState::acknowledged) {
      view.dropped.push_back(id);
      continue;
    }
    if (alert.suppressed()) {
      if (!alert.silenced_by.empty()) {
        view.silenced++;
      } else {
        for (const auto& connector : alert.inhibited_by) view.inhibited[connector]++;
      }
      continue;
    }
    if (!alert.silence_expiry_note.empty() && alert.silence_expiry_note != member.notified_note) {
      view.expired.push_back(&alert);
    } else if (!member.notified_firing) {
      view.opened.push_back(&alert);
    } else {
      view.still.push_back(&alert);
    }
  }
  return view;
}

std::optional<TimePoint> dueAt(const AlertGroup& group, const GroupView& view, const Route& timings) {
  if (view.changed()) {
    return group.last_sent_at ? *group.last_sent_at + timings.group_interval : group.created_at + timings.group_wait;
  }
  if (group.last_sent_at && view.unacknowledged()) return *group.last_sent_at + timings.repeat_interval;
  return std::nullopt;
}

}  // namespace

namespace detail {

std::string groupKey(GroupKind kind, const std::string& receiver, const Labels& labels) {
  std::string key = fmt::format("{}|{}|", kind == GroupKind::escalation ? "escalate" : "notify", receiver);
  for (const auto& [label, value] : labels) key += label + "=" + value + ";";
  return key;
}

}  // namespace detail

using detail::groupKey;

const Route& AlertManager::State::timingsOf(const AlertGroup& group) const {
  const Route* route = findRoute(settings.route, group.route_key);
  return route != nullptr ? *route : settings.route;
}

std::optional<TimePoint> AlertManager::State::groupDue(const AlertGroup& group) const {
  return dueAt(group, classify(group, alerts), timingsOf(group));
}

Result<void> AlertManager::State::addMember(const std::string& group_key, const std::string& receiver,
                                            const std::string& route_key, GroupKind kind, const Labels& labels,
                                            const std::string& alert_id, TimePoint now, const MemberOrigin* origin) {
  auto it = groups.find(group_key);
  if (it == groups.end()) {
    AlertGroup group;
    group.key = group_key;
    group.receiver = receiver;
    group.route_key = route_key;
    group.kind = kind;
    group.labels = labels;
    group.created_at = now;
    // A group formed from an old one (group_by changed) repeats on the old one's schedule.
    if (origin != nullptr) group.last_sent_at = origin->group_last_sent_at;
    if (auto saved = store->saveGroup(group); !saved) return saved;
    it = groups.emplace(group_key, std::move(group)).first;
  }
  if (it->second.members.count(alert_id) > 0) return {};
  GroupMember member;
  if (origin != nullptr) member = origin->member;  // what the receiver was told stays told
  member.alert_id = alert_id;
  if (auto saved = store->saveMember(group_key, member); !saved) return saved;
  it->second.members.emplace(alert_id, std::move(member));
  groups_of[alert_id].insert(group_key);
  return {};
}

Result<void> AlertManager::State::removeMember(const std::string& group_key, const std::string& alert_id) {
  auto it = groups.find(group_key);
  if (it == groups.end()) return {};
  it->second.members.erase(alert_id);
  if (auto links = groups_of.find(alert_id); links != groups_of.end()) {
    links->second.erase(group_key);
    if (links->second.empty()) groups_of.erase(links);
  }
  if (it->second.members.empty()) {
    groups.erase(it);
    return store->deleteGroup(group_key);
  }
  return store->deleteMember(group_key, alert_id);
}

Result<void> AlertManager::State::route(Alert& alert, TimePoint now) {
  RouteSubject subject{alert.rule, std::string(chain::toString(alert.severity)), alert.region, alert.unit_id,
                       alert.roles};
  struct Wanted {
    std::string receiver;
    Labels labels;
    std::vector<std::string> route_keys;  // every target that puts the alert there, in tree order
  };
  std::map<std::string, Wanted> wanted;
  std::vector<std::string> order;
  for (const auto& target : routeTargets(settings.route, subject)) {
    const Labels labels = labelsFor(alert, target.route->group_by);
    for (const auto& receiver : target.route->receivers) {
      const std::string key = groupKey(GroupKind::notify, receiver, labels);
      auto [entry, added] = wanted.try_emplace(key, Wanted{receiver, labels, {}});
      if (added) order.push_back(key);
      entry->second.route_keys.push_back(target.key);
    }
  }
  // What each receiver already heard of this alert, in a group it is leaving: a receiver is
  // told an alert once, however the routes that bring it to them are rearranged.
  std::map<std::string, MemberOrigin> heard;
  if (auto links = groups_of.find(alert.id); links != groups_of.end()) {
    for (const auto& key : links->second) {
      const AlertGroup& group = groups.at(key);
      if (group.kind != GroupKind::notify || wanted.count(key) > 0) continue;
      const GroupMember& member = group.members.at(alert.id);
      auto known = heard.find(group.receiver);
      if (known == heard.end() || (member.notified_firing && !known->second.member.notified_firing)) {
        heard[group.receiver] = MemberOrigin{member, group.last_sent_at};
      }
    }
  }
  for (const auto& key : order) {
    const Wanted& entry = wanted.at(key);
    auto origin = heard.find(entry.receiver);
    if (auto added = addMember(key, entry.receiver, entry.route_keys.front(), GroupKind::notify, entry.labels, alert.id,
                               now, origin == heard.end() ? nullptr : &origin->second);
        !added) {
      return added;
    }
    // The routes moved: the group takes its timings from where its route stands now.
    AlertGroup& group = groups.at(key);
    if (std::find(entry.route_keys.begin(), entry.route_keys.end(), group.route_key) == entry.route_keys.end()) {
      group.route_key = entry.route_keys.front();
      if (auto saved = store->saveGroup(group); !saved) return saved;
    }
  }
  // Routes changed under an open alert: it leaves the groups it no longer belongs to.
  std::vector<std::string> stale;
  if (auto links = groups_of.find(alert.id); links != groups_of.end()) {
    for (const auto& key : links->second) {
      if (wanted.count(key) == 0 && groups.at(key).kind == GroupKind::notify) stale.push_back(key);
    }
  }
  for (const auto& key : stale) {
    if (auto removed = removeMember(key, alert.id); !removed) return removed;
  }
  return {};
}

Result<void> AlertManager::State::escalate(TimePoint now) {
  struct Step {
    std::string key;
    std::string receiver;
    std::string route_key;
    Labels labels;
    std::string alert_id;
  };
  std::vector<Step> steps;
  for (const auto& [key, group] : groups) {
    if (group.kind != GroupKind::notify) continue;
    const Route* route = findRoute(settings.route, group.route_key);
    if (route == nullptr || !route->escalate_after || route->escalate_to.empty()) continue;
    for (const auto& [id, member] : group.members) {
      if (!member.notified_firing || !member.notified_at || now < *member.notified_at + *route->escalate_after)
        continue;
      auto it = alerts.find(id);
      if (it == alerts.end() || it->second.state != AlertState::firing || it->second.suppressed()) continue;
      for (const auto& receiver : route->escalate_to) {
        steps.push_back(
            Step{groupKey(GroupKind::escalation, receiver, group.labels), receiver, group.route_key, group.labels, id});
      }
    }
  }
  for (const auto& step : steps) {
    if (auto added =
            addMember(step.key, step.receiver, step.route_key, GroupKind::escalation, step.labels, step.alert_id, now);
        !added) {
      return added;
    }
    Alert& alert = alerts.at(step.alert_id);
    if (!alert.escalated_at) {
      alert.escalated_at = now;
      if (auto saved = store->saveAlert(alert); !saved) return saved;
    }
  }
  return {};
}

Result<void> AlertManager::State::flushGroup(const std::string& key, TimePoint now, TimePoint due_by,
                                             const std::map<std::string, std::size_t>& held) {
  auto found = groups.find(key);
  if (found == groups.end()) return {};
  const GroupView view = classify(found->second, alerts);
  for (const auto& id : view.dropped) {
    if (auto removed = removeMember(key, id); !removed) return removed;
  }
  found = groups.find(key);
  if (found == groups.end()) return {};
  AlertGroup& group = found->second;
  const auto due = dueAt(group, view, timingsOf(group));
  if (!due || due_by < *due) return {};

  Digest digest;
  digest.kind = group.kind == GroupKind::escalation ? DigestKind::escalation
                : view.changed()                    ? DigestKind::update
                                                    : DigestKind::repeat;
  digest.receiver = group.receiver;
  digest.group_key = group.key;
  digest.sequence = group.sequence + 1;
  digest.labels = group.labels;
  digest.at = now;
  digest.opened = view.opened;
  digest.silence_expired = view.expired;
  digest.resolved = view.resolved;
  digest.silenced = view.silenced;
  digest.inhibited = view.inhibited;
  digest.held_by_connector = held;
  if (digest.kind == DigestKind::repeat) {
    for (const Alert* alert : view.still) {
      if (alert->state == AlertState::firing) digest.still_firing.push_back(alert);
    }
  } else if (digest.kind == DigestKind::escalation && !view.changed()) {
    digest.still_firing = view.still;  // an escalation repeat lists what is still open
    digest.kind = DigestKind::repeat;
  } else {
    digest.still_firing = view.still;
  }
  ReceiverProfile profile;
  profile.name = group.receiver;
  if (auto it = settings.receivers.find(group.receiver); it != settings.receivers.end()) profile = it->second;
  for (const auto& part : renderDigest(digest, profile, settings)) {
    if (auto written = store->insertOutbox(part, group.key, now); !written) return std::move(written).error();
  }

  for (const auto* list : {&view.opened, &view.expired}) {
    for (const Alert* alert : *list) {
      GroupMember& member = group.members.at(alert->id);
      member.notified_firing = true;
      if (!member.notified_at) member.notified_at = now;
      member.notified_note = alert->silence_expiry_note;
      if (auto saved = store->saveMember(key, member); !saved) return saved;
    }
  }
  group.last_sent_at = now;
  group.sequence = digest.sequence;
  if (auto saved = store->saveGroup(group); !saved) return saved;
  for (const Alert* alert : view.resolved) {
    if (auto removed = removeMember(key, alert->id); !removed) return removed;
  }
  return {};
}

}  // namespace staffchain::alerts
