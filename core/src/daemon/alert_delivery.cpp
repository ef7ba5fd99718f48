// Alerts to departments: the alert manager's settings from the configuration, its flush
// timer, and the delivery of its outbox through the notifier plugins, each on its own worker.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "daemon_runtime.hpp"
#include "staffchain/plugin_host/guard.hpp"

namespace staffchain::daemon {
namespace {

// The longest a group waits before its first digest, anywhere in the route tree.
std::chrono::milliseconds longestWait(const config::Route& route) {
  std::chrono::milliseconds longest = std::max(route.group_wait, route.group_interval);
  for (const auto& child : route.routes) longest = std::max(longest, longestWait(child));
  return longest;
}

}  // namespace

alerts::AlertSettings Daemon::alertSettings() const {
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

bool Daemon::openAlerts(const std::filesystem::path& ledger_path) {
  auto opened = alerts::AlertManager::open(ledger_path, alertSettings());
  if (!opened) {
    spdlog::critical("cannot open the alert store: {}", opened.error().message);
    return false;
  }
  alerts_ = std::move(opened.value());
  return true;
}

void Daemon::flushAlerts() {
  const auto now = Clock::now();
  // A one-shot run does not wait for grouping windows: it closes them now and delivers (the
  // messages say when they were written, not when the windows would have closed).
  const auto ahead = options_.once ? longestWait(config_->route) : std::chrono::milliseconds(0);
  if (auto flushed = alerts_->flush(now, ahead); !flushed) {
    spdlog::error("alerts: cannot write due notifications: {}", flushed.error().message);
  }
  if (!options_.once) {
    if (auto next = alerts_->nextFlush()) {
      flush_timer_.expires_at(asio::steady_timer::clock_type::now() +
                              std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                  std::max(*next - now, Clock::duration::zero())));
      flush_timer_.async_wait([this](const boost::system::error_code& error) {
        if (!error) flushAlerts();
      });
    }
  }
  deliverDue();
}

void Daemon::deliverDue() {
  if (options_.once) {
    // One-shot: deliver in line until nothing is due now, so the run ends with everything sent
    // that the receivers' rate limits allow (awaitOnceOutbox waits for the rest).
    while (deliverDueBatch() > 0) {
    }
    return;
  }
  deliverDueBatch();
}

std::size_t Daemon::deliverDueBatch() {
  const auto now = Clock::now();
  auto due = alerts_->dueMessages(now, 64);
  if (!due) {
    spdlog::error("alerts: cannot read the outbox: {}", due.error().message);
    return 0;
  }
  const std::size_t handed_out = due->size();
  for (auto& message : due.value()) {
    const std::string receiver = message.notification.receiver;
    auto it = notifiers_.find(receiver);
    if (it == notifiers_.end() || it->second->worker().stuck()) {
      (void)alerts_->failed(message.id, fmt::format("notifier {} is not running", receiver), now);
      continue;
    }
    if (options_.once) {
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
      asio::post(io_, [this, id, receiver, outcome = std::move(outcome)]() mutable {
        if (alerts_) recordDelivery(id, receiver, std::move(outcome));
      });
    });
  }
  if (options_.once) return handed_out;
  auto next = alerts_->nextDelivery(Clock::now());
  if (next && next.value()) {
    const auto wait = std::max(*next.value() - Clock::now(), Clock::duration::zero());
    delivery_timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(wait) +
                                  std::chrono::milliseconds(10));
    delivery_timer_.async_wait([this](const boost::system::error_code& error) {
      if (!error) deliverDue();
    });
  }
  return handed_out;
}

std::chrono::milliseconds Daemon::onceOutboxBound() const {
  // What the receivers' rate limits need for what is queued now, and a minute for retries;
  // never more than [daemon] once_wait.
  std::map<std::string, std::size_t> queued;
  if (auto pending = alerts_->outbox(false)) {
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

void Daemon::awaitOnceOutbox(SteadyClock::time_point deadline) {
  if (!alerts_) {
    beginStop("one cycle done");
    return;
  }
  deliverDue();
  auto pending = alerts_->outbox(false);
  if (!pending) {
    spdlog::error("alerts: cannot read the outbox: {}", pending.error().message);
    exit_code_ = 3;
    beginStop("one cycle done; the outbox could not be read");
    return;
  }
  if (pending->empty()) {
    beginStop("one cycle done");
    return;
  }
  const auto now = Clock::now();
  auto next = alerts_->nextDelivery(now);
  if (next && next.value()) {
    const auto wait = std::chrono::duration_cast<SteadyClock::duration>(
        std::max(*next.value() - now, Clock::duration::zero()) + std::chrono::milliseconds(10));
    if (SteadyClock::now() + wait <= deadline) {
      delivery_timer_.expires_after(wait);
      delivery_timer_.async_wait([this, deadline](const boost::system::error_code& error) {
        if (!error) awaitOnceOutbox(deadline);
      });
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
  exit_code_ = 3;
  beginStop("one cycle done; messages left in the outbox");
}

void Daemon::recordDelivery(std::int64_t id, const std::string& receiver, Result<std::string> outcome) {
  const auto now = Clock::now();
  if (outcome) {
    spdlog::info("notifier {}: message {} delivered ({})", receiver, id, outcome.value());
    if (auto done = alerts_->delivered(id, outcome.value(), now); !done) {
      spdlog::error("alerts: delivered message {} not recorded: {}", id, done.error().message);
    }
  } else {
    spdlog::warn("notifier {}: message {} not delivered, will retry: {}", receiver, id, outcome.error().message);
    if (auto done = alerts_->failed(id, outcome.error().message, now); !done) {
      spdlog::error("alerts: failed message {} not recorded: {}", id, done.error().message);
    }
  }
  if (!options_.once && !stopping_) {
    asio::post(io_, [this] {
      if (!stopping_) deliverDue();
    });
  }
}

}  // namespace staffchain::daemon
