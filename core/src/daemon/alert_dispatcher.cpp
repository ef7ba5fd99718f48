#include "alert_dispatcher.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "staffchain/plugin_host/guard.hpp"

namespace staffchain::daemon {
namespace {

// The longest a group waits before its first digest, anywhere in the route tree.
std::chrono::milliseconds longestWait(const alerts::Route& route) {
  std::chrono::milliseconds longest = std::max(route.group_wait, route.group_interval);
  for (const auto& child : route.routes) longest = std::max(longest, longestWait(child));
  return longest;
}

// How long until `at` on the wall clock, and never less than nothing.
std::chrono::milliseconds until(WallTime at, WallTime now) {
  return std::chrono::ceil<std::chrono::milliseconds>(std::max(at - now, WallTime::duration::zero()));
}

}  // namespace

AlertDispatcher::AlertDispatcher(Scheduler& scheduler, NotifierFactory make_notifier, bool once)
    : scheduler_(scheduler),
      make_notifier_(std::move(make_notifier)),
      once_(once),
      flush_timer_(scheduler.timer()),
      delivery_timer_(scheduler.timer()) {}

AlertDispatcher::~AlertDispatcher() = default;

void AlertDispatcher::configure(const config::Config& config) {
  const config::Config* previous = config_;
  if (previous != nullptr) {
    std::vector<std::string> changed;
    for (const auto& [name, instance] : notifiers_) {
      auto it = config.notifiers.find(name);
      if (it == config.notifiers.end() || it->second.fingerprint != previous->notifiers.at(name).fingerprint) {
        changed.push_back(name);
      }
    }
    for (const auto& name : changed) notifiers_.erase(name);
  }
  config_ = &config;
  for (const auto& [name, settings] : config.notifiers) {
    if (notifiers_.count(name) == 0) startNotifier(settings);
  }
  if (manager_) manager_->reconfigure(settings());
}

void AlertDispatcher::startNotifier(const config::NotifierSettings& settings) {
  auto created = make_notifier_(settings);
  if (!created) {
    spdlog::error("{}", created.error().message);
    return;
  }
  notifiers_[settings.name] = std::move(created.value());
}

alerts::AlertSettings AlertDispatcher::settings() const {
  alerts::AlertSettings settings;
  settings.route = config_->route;
  settings.max_silence = config_->alerts.max_silence;
  settings.zone = config_->daemon.timezone;
  for (const auto& [name, connector] : config_->connectors) settings.connector_roles[name] = connector.role;
  for (const auto& [name, notifier] : config_->notifiers) {
    alerts::ReceiverProfile profile;
    profile.name = name;
    profile.message_template =
        alerts::parseMessageTemplate(notifier.message_template).value_or(alerts::MessageTemplate::full);
    auto running = notifiers_.find(name);
    if (running == notifiers_.end()) continue;  // not running: its messages wait in the outbox
    profile.max_message_bytes = running->second->object().maxMessageBytes();
    profile.messages_per_minute = running->second->object().messagesPerMinute();
    settings.receivers[name] = profile;
  }
  return settings;
}

bool AlertDispatcher::open(const store::Location& ledger_path) {
  auto opened = alerts::AlertManager::open(ledger_path, settings());
  if (!opened) {
    spdlog::critical("cannot open the alert store: {}", opened.error().message);
    return false;
  }
  manager_ = std::move(opened.value());
  return true;
}

void AlertDispatcher::observe(const std::vector<chain::Finding>& open,
                              const std::function<std::string(const std::string&)>& region_of,
                              const std::set<std::string>& connectors_down, WallTime now) {
  std::vector<const chain::Finding*> in_place;
  in_place.reserve(open.size());
  for (const auto& finding : open) in_place.push_back(&finding);
  observeInPlace(in_place, region_of, connectors_down, now);
}

void AlertDispatcher::observeInPlace(const std::vector<const chain::Finding*>& open,
                                     const std::function<std::string(const std::string&)>& region_of,
                                     const std::set<std::string>& connectors_down, WallTime now) {
  if (!manager_) return;
  if (auto observed = manager_->observeInPlace(open, region_of, connectors_down, now); !observed) {
    spdlog::error("alerts: cannot record this evaluation: {}", observed.error().message);
    return;
  }
  flush();
}

bool AlertDispatcher::observeChanges(const std::vector<const chain::Finding*>& changed,
                                     const std::vector<std::string>& gone,
                                     const std::function<std::string(const std::string&)>& region_of,
                                     const std::set<std::string>& connectors_down, WallTime now) {
  if (!manager_) return false;
  if (auto observed = manager_->observeChanges(changed, gone, region_of, connectors_down, now); !observed) {
    spdlog::error("alerts: cannot record this evaluation: {}", observed.error().message);
    return false;
  }
  flush();
  return true;
}

bool AlertDispatcher::observesWholeNext() const {
  return !manager_ || manager_->observesWholeNext();
}

std::vector<chain::Finding> AlertDispatcher::linkFindings(WallTime now) const {
  return manager_ ? manager_->linkFindings(now) : std::vector<chain::Finding>{};
}

void AlertDispatcher::flush() {
  if (!manager_ || stopping_) return;
  const auto now = scheduler_.wallNow();
  // A one-shot run does not wait for grouping windows: it closes them now and delivers (the
  // messages say when they were written, not when the windows would have closed).
  const auto ahead = once_ ? longestWait(config_->route) : std::chrono::milliseconds(0);
  if (auto flushed = manager_->flush(now, ahead); !flushed) {
    spdlog::error("alerts: cannot write due notifications: {}", flushed.error().message);
  }
  if (!once_) {
    if (auto next = manager_->nextFlush()) flush_timer_->after(until(*next, now), [this] { flush(); });
  }
  deliverDue();
}

Result<bool> AlertDispatcher::send(const plugin::Notification& message) {
  if (!manager_) return makeError(fmt::format("sending \"{}\": the alert store is not open", message.title));
  auto written = manager_->enqueue(message, scheduler_.wallNow());
  if (written && *written) deliverDue();
  return written;
}

void AlertDispatcher::deliverDue() {
  if (once_) {
    // One-shot: deliver in line until nothing is due now, so the run ends with everything sent
    // that the receivers' rate limits allow (finishOnce waits for the rest).
    while (deliverDueBatch() > 0) {
    }
    return;
  }
  deliverDueBatch();
}

std::size_t AlertDispatcher::deliverDueBatch() {
  if (!manager_ || stopping_) return 0;
  const auto now = scheduler_.wallNow();
  auto due = manager_->dueMessages(now, 64);
  if (!due) {
    spdlog::error("alerts: cannot read the outbox: {}", due.error().message);
    return 0;
  }
  const std::size_t handed_out = due->size();
  for (auto& message : due.value()) {
    const std::string receiver = message.notification.receiver;
    auto it = notifiers_.find(receiver);
    if (it == notifiers_.end() || it->second->worker().stuck()) {
      (void)manager_->failed(message.id, fmt::format("notifier {} is not running", receiver), now);
      continue;
    }
    if (once_) {
      auto sent = plugin_host::sendNotification(*it->second, message.notification, config_->daemon.plugin_call_timeout);
      recordDelivery(message.id, receiver,
                     sent.ok() ? Result<std::string>(sent->detail) : Result<std::string>(sent.error()));
      continue;
    }
    plugin_host::NotifierInstance* instance = it->second.get();
    instance->worker().submit([this, instance, id = message.id, receiver,
                               notification = std::move(message.notification)]() {
      auto sent = plugin_host::guardCall(fmt::format("notifier {} sending", receiver),
                                         [&] { return instance->object().send(notification, instance->cancel()); });
      Result<std::string> outcome = sent.ok() ? Result<std::string>(sent->detail) : Result<std::string>(sent.error());
      scheduler_.post([this, id, receiver, outcome = std::move(outcome)]() mutable {
        if (manager_) recordDelivery(id, receiver, std::move(outcome));
      });
    });
  }
  if (once_) return handed_out;
  const auto later = scheduler_.wallNow();
  auto next = manager_->nextDelivery(later);
  if (next && next.value()) {
    delivery_timer_->after(until(*next.value(), later) + std::chrono::milliseconds(10), [this] { deliverDue(); });
  }
  return handed_out;
}

void AlertDispatcher::recordDelivery(std::int64_t id, const std::string& receiver, Result<std::string> outcome) {
  const auto now = scheduler_.wallNow();
  if (outcome) {
    spdlog::info("notifier {}: message {} delivered ({})", receiver, id, outcome.value());
    if (auto done = manager_->delivered(id, outcome.value(), now); !done) {
      spdlog::error("alerts: delivered message {} not recorded: {}", id, done.error().message);
    }
  } else {
    spdlog::warn("notifier {}: message {} not delivered, will retry: {}", receiver, id, outcome.error().message);
    if (auto done = manager_->failed(id, outcome.error().message, now); !done) {
      spdlog::error("alerts: failed message {} not recorded: {}", id, done.error().message);
    }
  }
  if (!once_ && !stopping_) {
    scheduler_.post([this] {
      if (!stopping_) deliverDue();
    });
  }
}

std::chrono::milliseconds AlertDispatcher::onceOutboxBound() const {
  if (!manager_) return std::chrono::milliseconds(0);
  std::map<std::string, std::size_t> queued;
  if (auto pending = manager_->outbox(false)) {
    for (const auto& message : pending.value()) queued[message.notification.receiver]++;
  }
  std::chrono::milliseconds need{0};
  for (const auto& [receiver, count] : queued) {
    auto running = notifiers_.find(receiver);
    if (running == notifiers_.end()) continue;
    const std::size_t per_minute = running->second->object().messagesPerMinute();
    if (per_minute == 0) continue;
    need = std::max(need, std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::minutes(1)) *
                              static_cast<std::int64_t>((count + per_minute - 1) / per_minute));
  }
  return std::min<std::chrono::milliseconds>(need + std::chrono::minutes(1), config_->daemon.once_wait);
}

void AlertDispatcher::finishOnce(OnceDone done) {
  scheduler_.post([this, done = std::move(done)]() mutable {
    if (stopping_) return;
    awaitOnceOutbox(scheduler_.now() + onceOutboxBound(), std::move(done));
  });
}

void AlertDispatcher::awaitOnceOutbox(SteadyTime deadline, OnceDone done) {
  if (!manager_) {
    done(0, "one cycle done");
    return;
  }
  deliverDue();
  auto pending = manager_->outbox(false);
  if (!pending) {
    spdlog::error("alerts: cannot read the outbox: {}", pending.error().message);
    done(3, "one cycle done; the outbox could not be read");
    return;
  }
  if (pending->empty()) {
    done(0, "one cycle done");
    return;
  }
  const auto now = scheduler_.wallNow();
  auto next = manager_->nextDelivery(now);
  if (next && next.value()) {
    const auto wait = until(*next.value(), now) + std::chrono::milliseconds(10);
    if (scheduler_.now() + wait <= deadline) {
      delivery_timer_->after(
          wait, [this, deadline, done = std::move(done)]() mutable { awaitOnceOutbox(deadline, std::move(done)); });
      return;
    }
  }
  // Say what is left, per receiver, and end with exit code 3: a caller (a timer unit, a
  // script) must not take "exit 0" for "every department was told".
  struct Left {
    std::size_t count = 0;
    std::string last_error;
  };
  std::map<std::string, Left> left;
  for (const auto& message : pending.value()) {
    auto& entry = left[message.notification.receiver];
    entry.count++;
    if (!message.last_error.empty()) entry.last_error = message.last_error;
  }
  for (const auto& [receiver, entry] : left) {
    spdlog::error("--once: {} message(s) still queued for {}{}", entry.count, receiver,
                  entry.last_error.empty() ? std::string(" (held by its rate limit)")
                                           : fmt::format(" (last error: {})", entry.last_error));
  }
  spdlog::error("--once: {} message(s) left in the outbox for {} receiver(s); they go out at the next run",
                pending->size(), left.size());
  done(3, "one cycle done; messages left in the outbox");
}

void AlertDispatcher::stop() {
  stopping_ = true;
  flush_timer_->cancel();
  delivery_timer_->cancel();
  // Notifiers are not interrupted: a message on its way is let finish within the shutdown
  // grace and its outcome recorded, so a receiver that took it is not sent it again.
}

void AlertDispatcher::waitForNotifiers(SteadyTime deadline) {
  for (auto& [name, instance] : notifiers_) plugin_host::awaitIdleOrAbandon(instance, deadline, "notifier " + name);
}

void AlertDispatcher::close() {
  notifiers_.clear();
  manager_.reset();
}

void AlertDispatcher::metrics(api::PrometheusWriter& out) const {
  out.gauge("staffchain_notifiers", "Notifier instances running.", {}, static_cast<double>(notifiers_.size()));
  if (!manager_) return;
  auto counts = manager_->counts();
  if (!counts) return;
  for (const char* state : {"firing", "acknowledged", "resolved"}) {
    auto it = counts->by_state.find(state);
    out.gauge("staffchain_alerts", "Alerts by state.", {{"state", state}},
              static_cast<double>(it == counts->by_state.end() ? 0 : it->second));
  }
  out.gauge("staffchain_alerts_silenced", "Open alerts held by a silence.", {}, static_cast<double>(counts->silenced));
  out.gauge("staffchain_alerts_held_back", "Open alerts held back because a source they rest on is down.", {},
            static_cast<double>(counts->inhibited));
  for (const auto& [receiver, health] : counts->receivers) {
    const auto pending = counts->outbox_pending.find(receiver);
    out.gauge("staffchain_outbox_pending", "Messages written and not yet delivered, per receiver.",
              {{"receiver", receiver}},
              static_cast<double>(pending == counts->outbox_pending.end() ? 0 : pending->second));
    out.counter("staffchain_notifications_delivered_total", "Messages delivered.", {{"receiver", receiver}},
                static_cast<double>(health.delivered_total));
    out.counter("staffchain_notification_failures_total", "Delivery attempts that failed.", {{"receiver", receiver}},
                static_cast<double>(health.failures_total));
  }
}

}  // namespace staffchain::daemon
