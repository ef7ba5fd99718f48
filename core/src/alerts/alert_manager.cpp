#include "staffchain/alerts/alert_manager.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "manager_state.hpp"
#include "staffchain/alerts/routing.hpp"
#include "staffchain/alerts/silence_check.hpp"
#include "staffchain/model/enums.hpp"
#include "staffchain/model/fnv1a.hpp"
#include "staffchain/plugin/support/backoff.hpp"

namespace staffchain::alerts {
namespace {

// What an alert derives from its finding beyond copying it: the region of its unit, the sources
// and roles its evidence rests on, and the down connectors among those that hold it back.
void deriveContent(Alert& alert, const chain::Finding& finding, const RegionLookup& region_of,
                   const std::set<std::string>& connectors_down, const AlertSettings& settings) {
  alert.region = (!finding.unit_id.empty() && region_of) ? region_of(finding.unit_id.str()) : std::string();
  alert.sources.clear();
  alert.roles.clear();
  for (const auto& item : finding.evidence) {
    if (item.source.empty() || item.source == "engine") continue;
    if (std::find(alert.sources.begin(), alert.sources.end(), item.source) != alert.sources.end()) continue;
    alert.sources.push_back(item.source);
    if (auto role = settings.connector_roles.find(item.source); role != settings.connector_roles.end()) {
      const std::string name(model::toString(role->second));
      if (std::find(alert.roles.begin(), alert.roles.end(), name) == alert.roles.end()) alert.roles.push_back(name);
    }
  }
  std::sort(alert.sources.begin(), alert.sources.end());
  std::sort(alert.roles.begin(), alert.roles.end());
  alert.inhibited_by.clear();
  // A LINK finding is the news about a source itself: it is never held back by it.
  if (!finding.rule.starts_with("LINK-")) {
    for (const auto& source : alert.sources) {
      if (connectors_down.count(source) > 0) alert.inhibited_by.push_back(source);
    }
  }
}

// The finding's content as an alert carries it; lifecycle fields are left alone.
void takeContent(Alert& alert, const chain::Finding& finding, const RegionLookup& region_of,
                 const std::set<std::string>& connectors_down, const AlertSettings& settings) {
  alert.id = finding.fingerprint;
  alert.rule = finding.rule;
  alert.severity = finding.severity;
  alert.unit_id = finding.unit_id.str();  // "" for none
  alert.person_id = finding.person_id.str();
  alert.since = finding.since;
  alert.summary_zh = finding.summary_zh;
  alert.summary_en = finding.summary_en;
  alert.evidence = finding.evidence;
  deriveContent(alert, finding, region_of, connectors_down, settings);
}

// Whether takeContent would leave `alert` as it is, read without copying the finding: nearly
// every finding of an evaluation is unchanged, and a province has tens of thousands.
bool holdsContentOf(const Alert& alert, const chain::Finding& finding, const RegionLookup& region_of,
                    const std::set<std::string>& connectors_down, const AlertSettings& settings) {
  if (alert.rule != finding.rule || alert.severity != finding.severity || alert.since != finding.since ||
      alert.unit_id != finding.unit_id.view() || alert.person_id != finding.person_id.view() ||
      alert.summary_zh != finding.summary_zh || alert.summary_en != finding.summary_en ||
      alert.evidence != finding.evidence) {
    return false;
  }
  Alert derived;
  deriveContent(derived, finding, region_of, connectors_down, settings);
  return alert.region == derived.region && alert.sources == derived.sources && alert.roles == derived.roles &&
         alert.inhibited_by == derived.inhibited_by;
}

// What an alert's route is chosen by.
struct RoutingInputs {
  std::string rule;
  chain::Severity severity = chain::Severity::minor;
  std::string unit_id;
  std::string region;
  std::vector<std::string> roles;

  friend bool operator==(const RoutingInputs&, const RoutingInputs&) = default;
};

RoutingInputs routingInputsOf(const Alert& alert) {
  return {alert.rule, alert.severity, alert.unit_id, alert.region, alert.roles};
}

std::chrono::milliseconds backoff(const DeliveryPolicy& policy, const std::string& receiver, std::int64_t failures) {
  const std::int64_t ceiling = plugin::backoffCeiling(policy.initial_backoff, policy.max_backoff, failures).count();
  // Jitter from the receiver and attempt, not a random source: many receivers recovering at
  // once still spread out, and a scripted clock sees the same schedule every run.
  const std::uint64_t hash = model::fnv1a(fmt::format("{}#{}", receiver, failures));
  const auto half = ceiling / 2;
  return std::chrono::milliseconds(half + static_cast<std::int64_t>(hash % static_cast<std::uint64_t>(half + 1)));
}

}  // namespace

Result<void> AlertManager::State::load() {
  auto loaded_alerts = store->loadAlerts();
  if (!loaded_alerts) return std::move(loaded_alerts).error();
  auto loaded_groups = store->loadGroups();
  if (!loaded_groups) return std::move(loaded_groups).error();
  auto loaded_silences = store->loadSilences();
  if (!loaded_silences) return std::move(loaded_silences).error();
  auto loaded_receivers = store->loadReceivers();
  if (!loaded_receivers) return std::move(loaded_receivers).error();
  alerts = std::move(loaded_alerts.value());
  groups = std::move(loaded_groups.value());
  silences = std::move(loaded_silences.value());
  receivers = std::move(loaded_receivers.value());
  groups_of.clear();
  for (const auto& [key, group] : groups) {
    for (const auto& [id, member] : group.members) groups_of[id].insert(key);
  }
  reroute_all = true;
  return {};
}

Result<void> AlertManager::State::endSilence(Silence& silence, const std::string& reason, const std::string& note,
                                             TimePoint now) {
  silence.ended_at = now;
  silence.end_reason = reason;
  if (auto saved = store->saveSilence(silence); !saved) return saved;
  for (auto& [id, alert] : alerts) {
    if (alert.silenced_by != silence.id) continue;
    alert.silenced_by.clear();
    // Told only when no other silence takes the alert over (refreshSilences decides next).
    if (alert.open()) alert.silence_expiry_note = note;
    if (auto saved = store->saveAlert(alert); !saved) return saved;
  }
  return {};
}

Result<void> AlertManager::State::refreshSilences(TimePoint now) {
  for (auto& [id, silence] : silences) {
    if (!silence.active() || now < silence.expires_at) continue;
    const std::string note = fmt::format("静默 {} 已于 {} 到期（{}：{}）", silence.id,
                                         settings.zone.display(silence.expires_at), silence.author, silence.reason);
    if (auto ended = endSilence(silence, "expired", note, now); !ended) return ended;
  }
  for (auto& [id, alert] : alerts) {
    if (!alert.open()) continue;
    std::string holder;
    for (auto& [silence_id, silence] : silences) {
      if (!silence.active() || !silenceMatches(silence.match, alert)) continue;
      if (holder.empty()) holder = silence_id;
      if (!silence.held_any) {
        silence.held_any = true;
        if (auto saved = store->saveSilence(silence); !saved) return saved;
      }
    }
    if (holder == alert.silenced_by) continue;
    alert.silenced_by = holder;
    if (!holder.empty()) alert.silence_expiry_note.clear();  // silenced again: nothing to announce
    if (auto saved = store->saveAlert(alert); !saved) return saved;
  }
  // A silence ends with the alerts it was made for: a later recurrence must be heard.
  for (auto& [id, silence] : silences) {
    if (!silence.active() || !silence.held_any) continue;
    const SilenceMatch& match = silence.match;  // a lambda may not capture a structured binding in clang 14
    const bool holds_open = std::any_of(alerts.begin(), alerts.end(), [&match](const auto& entry) {
      return entry.second.open() && silenceMatches(match, entry.second);
    });
    if (holds_open) continue;
    if (auto ended = endSilence(silence, "resolved", "", now); !ended) return ended;
  }
  return {};
}

AlertManager::AlertManager(std::unique_ptr<State> state) : state_(std::move(state)) {}
AlertManager::~AlertManager() = default;

Result<std::unique_ptr<AlertManager>> AlertManager::open(const store::Location& ledger_db, AlertSettings settings) {
  auto store = detail::AlertStore::open(ledger_db);
  if (!store) return std::move(store).error();
  auto state = std::make_unique<State>();
  state->settings = std::move(settings);
  state->store = std::move(store.value());
  // Leases belong to the process that took them; that process is gone.
  if (auto released = state->store->releaseLeases(); !released) return std::move(released).error();
  if (auto loaded = state->load(); !loaded) return std::move(loaded).error();
  return std::unique_ptr<AlertManager>(new AlertManager(std::move(state)));
}

void AlertManager::reconfigure(AlertSettings settings) {
  state_->settings = std::move(settings);
  state_->reroute_all = true;
}

Result<void> AlertManager::observe(const std::vector<chain::Finding>& open, const RegionLookup& region_of,
                                   const std::set<std::string>& connectors_down, TimePoint now) {
  std::vector<const chain::Finding*> in_place;
  in_place.reserve(open.size());
  for (const auto& finding : open) in_place.push_back(&finding);
  return observeInPlace(in_place, region_of, connectors_down, now);
}

Result<void> AlertManager::State::observeOne(const chain::Finding& finding, const RegionLookup& region_of,
                                             const std::set<std::string>& connectors_down, TimePoint now,
                                             std::vector<std::string>& to_route) {
  auto it = alerts.find(finding.fingerprint);
  if (it == alerts.end()) {
    Alert incoming;
    takeContent(incoming, finding, region_of, connectors_down, settings);
    incoming.state = AlertState::firing;
    incoming.first_seen = now;
    incoming.last_seen = now;
    if (auto saved = store->saveAlert(incoming); !saved) return saved;
    alerts.emplace(incoming.id, incoming);
    to_route.push_back(incoming.id);
    return {};
  }
  Alert& alert = it->second;
  const bool reopened = !alert.open();
  if (!reopened && holdsContentOf(alert, finding, region_of, connectors_down, settings)) {
    if (reroute_all) to_route.push_back(alert.id);
    return {};
  }
  const RoutingInputs routed_by = routingInputsOf(alert);
  takeContent(alert, finding, region_of, connectors_down, settings);
  const bool reroute = reopened || reroute_all || routingInputsOf(alert) != routed_by;
  alert.last_seen = now;
  if (reopened) {
    // The same broken link again: the same alert, with a fresh lifecycle.
    alert.state = AlertState::firing;
    alert.resolved_at.reset();
    alert.acknowledged_by.clear();
    alert.acknowledge_comment.clear();
    alert.acknowledged_at.reset();
    alert.escalated_at.reset();
    alert.silence_expiry_note.clear();
  }
  if (auto saved = store->saveAlert(alert); !saved) return saved;
  if (reroute) to_route.push_back(alert.id);
  return {};
}

Result<void> AlertManager::State::resolveOne(Alert& alert, TimePoint now) {
  alert.state = AlertState::resolved;
  alert.resolved_at = now;
  alert.last_seen = now;
  alert.silence_expiry_note.clear();
  return store->saveAlert(alert);
}

Result<void> AlertManager::State::finishObservation(const std::vector<std::string>& to_route, TimePoint now) {
  if (auto refreshed = refreshSilences(now); !refreshed) return refreshed;
  for (const auto& id : to_route) {
    if (auto routed = route(alerts.at(id), now); !routed) return routed;
  }
  reroute_all = false;
  return {};
}

Result<void> AlertManager::observeInPlace(const std::vector<const chain::Finding*>& open, const RegionLookup& region_of,
                                          const std::set<std::string>& connectors_down, TimePoint now) {
  State& s = *state_;
  return s.transact([&]() -> Result<void> {
    std::unordered_set<std::string_view> seen;
    seen.reserve(open.size());
    std::vector<std::string> to_route;
    for (const auto* found : open) {
      const chain::Finding& finding = *found;
      if (finding.fingerprint.empty() || !seen.insert(finding.fingerprint).second) continue;
      if (auto observed = s.observeOne(finding, region_of, connectors_down, now, to_route); !observed) return observed;
    }
    for (auto& [id, alert] : s.alerts) {
      if (!alert.open() || seen.contains(id)) continue;
      if (auto resolved = s.resolveOne(alert, now); !resolved) return resolved;
    }
    return s.finishObservation(to_route, now);
  });
}

bool AlertManager::observesWholeNext() const noexcept {
  return state_->reroute_all;
}

Result<void> AlertManager::observeChanges(const std::vector<const chain::Finding*>& changed,
                                          const std::vector<std::string>& gone, const RegionLookup& region_of,
                                          const std::set<std::string>& connectors_down, TimePoint now) {
  State& s = *state_;
  if (s.reroute_all) return makeError("alerts: a whole observation is due (after opening, a reload or a failure)");
  return s.transact([&]() -> Result<void> {
    std::vector<std::string> to_route;
    std::unordered_set<std::string_view> seen;
    for (const auto* found : changed) {
      const chain::Finding& finding = *found;
      if (finding.fingerprint.empty() || !seen.insert(finding.fingerprint).second) continue;
      if (auto observed = s.observeOne(finding, region_of, connectors_down, now, to_route); !observed) return observed;
    }
    for (const auto& id : gone) {
      auto it = s.alerts.find(id);
      if (it == s.alerts.end() || !it->second.open() || seen.contains(id)) continue;
      if (auto resolved = s.resolveOne(it->second, now); !resolved) return resolved;
    }
    return s.finishObservation(to_route, now);
  });
}

Result<void> AlertManager::flush(TimePoint now, std::chrono::milliseconds windows_ahead) {
  State& s = *state_;
  return s.transact([&]() -> Result<void> {
    if (auto refreshed = s.refreshSilences(now); !refreshed) return refreshed;
    if (auto escalated = s.escalate(now); !escalated) return escalated;
    std::map<std::string, std::size_t> held;
    for (const auto& [id, alert] : s.alerts) {
      if (!alert.open()) continue;
      for (const auto& connector : alert.inhibited_by) held[connector]++;
    }
    std::vector<std::string> keys;
    keys.reserve(s.groups.size());
    for (const auto& [key, group] : s.groups) keys.push_back(key);
    for (const auto& key : keys) {
      if (auto flushed = s.flushGroup(key, now, now + windows_ahead, held); !flushed) return flushed;
    }
    return {};
  });
}

std::optional<TimePoint> AlertManager::nextFlush() const {
  const State& s = *state_;
  std::optional<TimePoint> next;
  const auto consider = [&next](TimePoint at) {
    if (!next || at < *next) next = at;
  };
  for (const auto& [key, group] : s.groups) {
    if (auto due = s.groupDue(group)) consider(*due);
    if (group.kind != detail::GroupKind::notify) continue;
    const Route* route = findRoute(s.settings.route, group.route_key);
    if (route == nullptr || !route->escalate_after || route->escalate_to.empty()) continue;
    for (const auto& [id, member] : group.members) {
      auto it = s.alerts.find(id);
      if (member.notified_at && it != s.alerts.end() && it->second.state == AlertState::firing &&
          !it->second.escalated_at) {
        consider(*member.notified_at + *route->escalate_after);
      }
    }
  }
  for (const auto& [id, silence] : s.silences) {
    if (silence.active()) consider(silence.expires_at);
  }
  return next;
}

Result<bool> AlertManager::enqueue(const plugin::Notification& message, TimePoint now) {
  if (message.idempotency_key.empty() || message.receiver.empty()) {
    return makeError(
        fmt::format("writing message \"{}\" to the outbox: it needs an idempotency key and a receiver", message.title));
  }
  // Its own group: the key of no alert group, so it never joins or delays a digest.
  return state_->store->insertOutbox(message, "message:" + message.idempotency_key, now);
}

Result<std::vector<OutboxMessage>> AlertManager::dueMessages(TimePoint now, std::size_t limit) {
  State& s = *state_;
  std::vector<OutboxMessage> out;
  auto done = s.transact([&]() -> Result<void> {
    if (auto pruned = s.store->pruneAttempts(now - std::chrono::hours(1)); !pruned) return pruned;
    auto pending = s.store->pendingMessages();
    if (!pending) return std::move(pending).error();
    std::sort(pending->begin(), pending->end(), [](const detail::PendingMessage& a, const detail::PendingMessage& b) {
      return a.message.id < b.message.id;
    });
    std::map<std::string, std::size_t> budget;
    for (const auto& entry : *pending) {
      if (out.size() >= limit) break;
      const std::string& receiver = entry.message.notification.receiver;
      auto profile = s.settings.receivers.find(receiver);
      if (profile == s.settings.receivers.end()) continue;  // not configured now: it waits
      if (auto health = s.receivers.find(receiver);
          health != s.receivers.end() && health->second.next_attempt_at && now < *health->second.next_attempt_at) {
        continue;
      }
      if (entry.leased_until && now < *entry.leased_until) continue;
      auto left = budget.find(receiver);
      if (left == budget.end()) {
        std::size_t allowance = limit;
        if (profile->second.messages_per_minute > 0) {
          auto recent = s.store->attemptsSince(receiver, now - std::chrono::minutes(1));
          if (!recent) return std::move(recent).error();
          allowance = profile->second.messages_per_minute > *recent ? profile->second.messages_per_minute - *recent : 0;
        }
        // A failing receiver gets one probe at a time, not the whole queue to refuse.
        if (auto health = s.receivers.find(receiver);
            health != s.receivers.end() && health->second.consecutive_failures > 0) {
          allowance = std::min<std::size_t>(allowance, 1);
        }
        left = budget.emplace(receiver, allowance).first;
      }
      if (left->second == 0) continue;
      left->second--;
      if (auto leased = s.store->leaseMessage(entry.message.id, now + s.settings.delivery.lease, now); !leased) {
        return leased;
      }
      out.push_back(entry.message);
      out.back().attempts++;
    }
    return {};
  });
  if (!done) return std::move(done).error();
  return out;
}

Result<void> AlertManager::delivered(std::int64_t message_id, const std::string& receipt, TimePoint now) {
  State& s = *state_;
  return s.transact([&]() -> Result<void> {
    auto message = s.store->outboxMessage(message_id, true);
    if (!message) return std::move(message).error();
    if (!*message) {
      auto any = s.store->outboxMessage(message_id, false);
      if (!any) return std::move(any).error();
      if (*any) return {};  // reported twice: it counts once
      return makeError(fmt::format("recording the delivery of outbox message {} failed: no such message", message_id));
    }
    if (auto marked = s.store->markDelivered(message_id, receipt, now); !marked) return marked;
    const std::string& receiver = (*message)->notification.receiver;
    ReceiverHealth& health = s.receivers[receiver];
    health.receiver = receiver;
    health.consecutive_failures = 0;
    health.failing_since.reset();
    health.next_attempt_at.reset();
    health.last_error.clear();
    health.last_success = now;
    health.delivered_total++;
    return s.store->saveReceiver(health);
  });
}

Result<void> AlertManager::failed(std::int64_t message_id, const std::string& error, TimePoint now) {
  State& s = *state_;
  return s.transact([&]() -> Result<void> {
    auto message = s.store->outboxMessage(message_id, true);
    if (!message) return std::move(message).error();
    if (!*message) {
      return makeError(
          fmt::format("recording a failed delivery of outbox message {} failed: no such pending message", message_id));
    }
    if (auto marked = s.store->markFailed(message_id, error); !marked) return marked;
    const std::string& receiver = (*message)->notification.receiver;
    ReceiverHealth& health = s.receivers[receiver];
    health.receiver = receiver;
    health.consecutive_failures++;
    health.failures_total++;
    if (!health.failing_since) health.failing_since = now;
    health.last_error = error;
    health.next_attempt_at = now + backoff(s.settings.delivery, receiver, health.consecutive_failures);
    return s.store->saveReceiver(health);
  });
}

Result<std::optional<TimePoint>> AlertManager::nextDelivery(TimePoint now) const {
  const State& s = *state_;
  auto pending = s.store->pendingMessages();
  if (!pending) return std::move(pending).error();
  std::optional<TimePoint> next;
  for (const auto& entry : *pending) {
    const std::string& receiver = entry.message.notification.receiver;
    auto profile = s.settings.receivers.find(receiver);
    if (profile == s.settings.receivers.end()) continue;
    TimePoint at = now;
    if (auto health = s.receivers.find(receiver); health != s.receivers.end() && health->second.next_attempt_at) {
      at = std::max(at, *health->second.next_attempt_at);
    }
    if (entry.leased_until) at = std::max(at, *entry.leased_until);
    if (profile->second.messages_per_minute > 0) {
      auto recent = s.store->attemptsSince(receiver, now - std::chrono::minutes(1));
      if (!recent) return std::move(recent).error();
      if (*recent >= profile->second.messages_per_minute) {
        const auto spacing =
            std::chrono::milliseconds(60'000 / static_cast<std::int64_t>(profile->second.messages_per_minute));
        at = std::max(at, now + spacing);
      }
    }
    if (!next || at < *next) next = at;
  }
  return next;
}

std::vector<chain::Finding> AlertManager::linkFindings(TimePoint now) const {
  const State& s = *state_;
  std::vector<chain::Finding> out;
  for (const auto& [name, health] : s.receivers) {
    if (health.consecutive_failures == 0 || !health.failing_since) continue;
    if (health.consecutive_failures < s.settings.delivery.link_after_failures &&
        now - *health.failing_since < s.settings.delivery.link_after) {
      continue;
    }
    // One per receiver, as LINK-001/002 are per connector.
    out.push_back(chain::deliveryFailureFinding(chain::DeliveryFailure{
        name, "通知渠道", "notification channel", static_cast<std::uint64_t>(health.consecutive_failures),
        s.settings.zone.dateAt(*health.failing_since), s.settings.zone.display(*health.failing_since),
        health.last_error, "LINK-003|" + name}));
  }
  return out;
}

Result<Alert> AlertManager::acknowledge(const std::string& alert_id, const Acknowledgement& acknowledgement,
                                        TimePoint now) {
  State& s = *state_;
  auto it = s.alerts.find(alert_id);
  if (it == s.alerts.end()) {
    return makeError(fmt::format("acknowledging alert {} failed: there is no such alert", alert_id));
  }
  if (!it->second.open()) {
    return makeError(fmt::format("acknowledging alert {} failed: it resolved already", alert_id));
  }
  if (acknowledgement.by.empty()) {
    return makeError(fmt::format("acknowledging alert {} failed: say who acknowledges it", alert_id));
  }
  Acknowledgement entry = acknowledgement;
  entry.at = now;
  auto done = s.transact([&]() -> Result<void> {
    Alert& alert = s.alerts.at(alert_id);
    alert.state = AlertState::acknowledged;
    alert.acknowledged_by = entry.by;
    alert.acknowledge_comment = entry.comment;
    alert.acknowledged_at = now;
    if (auto appended = s.store->appendAcknowledgement(alert.id, alert.acknowledgements.size() + 1, entry); !appended) {
      return appended;
    }
    alert.acknowledgements.push_back(entry);
    return s.store->saveAlert(alert);
  });
  if (!done) return std::move(done).error();
  return s.alerts.at(alert_id);
}

Result<void> AlertManager::State::checkSilence(const SilenceRequest& request) const {
  if (auto checked = checkSilenceRequest(request, settings.max_silence); !checked) return checked;
  for (const auto& id : request.match.alert_ids) {
    if (alerts.count(id) == 0) return makeError(fmt::format("match.alert_ids: there is no alert {}", id));
  }
  return {};
}

Result<SilencePreview> AlertManager::previewSilence(const SilenceRequest& request, TimePoint now) const {
  const State& s = *state_;
  if (auto checked = s.checkSilence(request); !checked) {
    return makeError("checking a silence failed: " + checked.error().message);
  }
  SilencePreview preview;
  preview.expires_at = now + request.duration;
  std::vector<const Alert*> held;
  for (const auto& [id, alert] : s.alerts) {
    if (alert.open() && silenceMatches(request.match, alert)) held.push_back(&alert);
  }
  std::sort(held.begin(), held.end(), [](const Alert* a, const Alert* b) {
    if (a->severity != b->severity) return a->severity < b->severity;
    return a->id < b->id;
  });
  preview.open_alerts = held.size();
  constexpr std::size_t kListed = 20;
  for (std::size_t i = 0; i < held.size() && i < kListed; ++i) preview.alert_ids.push_back(held[i]->id);
  return preview;
}

Result<Silence> AlertManager::createSilence(const SilenceRequest& request, TimePoint now) {
  State& s = *state_;
  if (auto checked = s.checkSilence(request); !checked) {
    return makeError("creating a silence failed: " + checked.error().message);
  }
  Silence silence;
  silence.match = request.match;
  silence.reason = request.reason;
  silence.author = request.author;
  silence.created_by = request.created_by;
  silence.created_at = now;
  silence.expires_at = now + request.duration;
  auto done = s.transact([&]() -> Result<void> {
    auto id = s.store->insertSilence(silence);
    if (!id) return std::move(id).error();
    silence.id = *id;
    s.silences.emplace(silence.id, silence);
    return s.refreshSilences(now);
  });
  if (!done) return std::move(done).error();
  return s.silences.at(silence.id);
}

Result<void> AlertManager::expireSilence(const std::string& silence_id, const std::string& who, TimePoint now) {
  State& s = *state_;
  auto it = s.silences.find(silence_id);
  if (it == s.silences.end()) {
    return makeError(fmt::format("ending silence {} failed: there is no such silence", silence_id));
  }
  if (!it->second.active()) return {};
  return s.transact([&]() -> Result<void> {
    Silence& silence = s.silences.at(silence_id);
    const std::string note = fmt::format("静默 {} 已由 {} 提前解除（原因：{}）", silence.id, who, silence.reason);
    if (auto ended = s.endSilence(silence, "ended by " + who, note, now); !ended) return ended;
    return s.refreshSilences(now);
  });
}

std::vector<const Alert*> AlertManager::alertsInPlace(const AlertFilter& filter) const {
  const std::vector<std::string> regions{filter.region};
  const std::vector<std::string> rules{filter.rule};
  std::vector<const Alert*> out;
  for (const auto& [id, alert] : state_->alerts) {
    if (filter.state && alert.state != *filter.state) continue;
    if (!filter.include_resolved && !alert.open()) continue;
    if (!filter.unit_id.empty() && alert.unit_id != filter.unit_id) continue;
    if (filter.severity && alert.severity != *filter.severity) continue;
    if (!filter.region.empty() && !regionListMatches(regions, alert.region)) continue;
    if (!filter.rule.empty() && !patternListMatches(rules, alert.rule)) continue;
    out.push_back(&alert);
  }
  std::sort(out.begin(), out.end(), [](const Alert* a, const Alert* b) {
    return std::tie(a->severity, a->rule, a->id) < std::tie(b->severity, b->rule, b->id);
  });
  return out;
}

std::vector<Alert> AlertManager::alerts(const AlertFilter& filter) const {
  std::vector<Alert> out;
  for (const Alert* alert : alertsInPlace(filter)) out.push_back(*alert);
  return out;
}

const Alert* AlertManager::alertInPlace(const std::string& alert_id) const {
  auto it = state_->alerts.find(alert_id);
  return it == state_->alerts.end() ? nullptr : &it->second;
}

std::optional<Alert> AlertManager::alert(const std::string& alert_id) const {
  auto it = state_->alerts.find(alert_id);
  if (it == state_->alerts.end()) return std::nullopt;
  return it->second;
}

std::vector<Silence> AlertManager::silences(bool include_ended) const {
  std::vector<Silence> out;
  for (const auto& [id, silence] : state_->silences) {
    if (include_ended || silence.active()) out.push_back(silence);
  }
  return out;
}

Result<AlertCounts> AlertManager::counts() const {
  AlertCounts counts;
  for (const auto state : {AlertState::firing, AlertState::acknowledged, AlertState::resolved}) {
    counts.by_state[std::string(toString(state))] = 0;
  }
  for (const auto& [id, alert] : state_->alerts) {
    counts.by_state[std::string(toString(alert.state))]++;
    if (!alert.open()) continue;
    if (!alert.silenced_by.empty()) counts.silenced++;
    if (!alert.inhibited_by.empty()) counts.inhibited++;
  }
  auto pending = state_->store->pendingMessages();
  if (!pending) return std::move(pending).error();
  for (const auto& entry : *pending) counts.outbox_pending[entry.message.notification.receiver]++;
  counts.receivers = state_->receivers;
  return counts;
}

Result<std::vector<OutboxMessage>> AlertManager::outbox(bool include_delivered) const {
  return state_->store->outbox(include_delivered);
}

Result<std::vector<AlertSpan>> AlertManager::spans(TimePoint from, TimePoint to) const {
  return state_->store->spans(from, to);
}

Result<std::vector<SpanMinute>> AlertManager::spanMinutes(TimePoint from) const {
  return state_->store->spanMinutes(from);
}

}  // namespace staffchain::alerts
