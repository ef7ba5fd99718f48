// Evaluation as of today after data lands and on a timer, and delivery of what changed.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "daemon_runtime.hpp"
#include "staffchain/daemon/digest.hpp"

namespace staffchain::daemon {

void Daemon::scheduleEvaluation() {
  if (evaluation_pending_) return;
  evaluation_pending_ = true;
  eval_timer_.expires_after(std::chrono::seconds(1));  // coalesce the syncs that land together
  eval_timer_.async_wait([this](const boost::system::error_code& error) {
    evaluation_pending_ = false;
    if (!error) evaluate();
  });
}

void Daemon::schedulePeriodicEvaluation() {
  periodic_timer_.expires_after(config_->daemon.evaluate_interval);
  periodic_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error) return;
    evaluate();  // deadlines pass with time alone, and sources go stale in silence
    schedulePeriodicEvaluation();
  });
}

void Daemon::evaluate() {
  const model::Date today = localToday();
  const auto started = SteadyClock::now();
  std::vector<chain::Finding> opened;
  std::vector<std::string> resolved;
  if (!evaluated_once_) {
    // A fresh engine (start, reload, snapshot removal): compare its whole view with the last.
    std::set<std::string> now_open;
    for (auto& finding : engine_->evaluateAll(today)) {
      now_open.insert(finding.fingerprint);
      if (open_.count(finding.fingerprint) == 0) opened.push_back(std::move(finding));
    }
    for (const auto& fingerprint : open_) {
      if (now_open.count(fingerprint) == 0) resolved.push_back(fingerprint);
    }
    open_ = std::move(now_open);
    evaluated_once_ = true;
  } else {
    chain::FindingDelta delta = engine_->evaluateTouched(today);
    for (auto& finding : delta.changed) {
      if (open_.count(finding.fingerprint) == 0) opened.push_back(std::move(finding));
    }
    for (const auto& fingerprint : delta.resolved) {
      if (open_.erase(fingerprint) > 0) resolved.push_back(fingerprint);
    }
  }
  for (const auto& finding : opened) open_.insert(finding.fingerprint);

  // Link findings live beside the engine's.
  std::set<std::string> links_now;
  for (auto& finding : health_.findings(Clock::now())) {
    links_now.insert(finding.fingerprint);
    if (open_links_.count(finding.fingerprint) == 0) opened.push_back(std::move(finding));
  }
  for (const auto& fingerprint : open_links_) {
    if (links_now.count(fingerprint) == 0) resolved.push_back(fingerprint);
  }
  open_links_ = std::move(links_now);

  const auto findings = engine_->findings();
  std::map<std::string, std::size_t> by_severity;
  for (const auto& finding : findings) by_severity[std::string(chain::toString(finding.severity))]++;
  const double ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count();
  spdlog::info("evaluation as of {}: {} open findings (critical {}, major {}, minor {}), {} link findings; "
               "{} new, {} resolved; {:.1f} ms",
               model::formatDate(today), findings.size(), by_severity["critical"], by_severity["major"], by_severity["minor"], open_links_.size(), opened.size(), resolved.size(), ms);
  notifySystemd(fmt::format("STATUS={} open findings, {} connectors", findings.size() + open_links_.size(),
                            connectors_.size()));
  if (!opened.empty() || !resolved.empty()) dispatch(opened, resolved, model::formatDate(today));
}

void Daemon::dispatch(const std::vector<chain::Finding>& opened, const std::vector<std::string>& resolved,
              const std::string& as_of) {
  std::map<std::string, std::vector<const chain::Finding*>> per_receiver;
  for (const auto& finding : opened) {
    const model::SourceRole role = roleOf(finding);
    for (const auto& receiver : receiversFor(config_->route, finding, role)) per_receiver[receiver].push_back(&finding);
  }
  if (per_receiver.empty() && !resolved.empty()) {
    for (const auto& receiver : config_->route.receivers) per_receiver[receiver];
  }
  for (const auto& [receiver, findings] : per_receiver) {
    auto it = notifiers_.find(receiver);
    if (it == notifiers_.end()) {
      spdlog::error("receiver {} is not running; {} findings not delivered to it", receiver, findings.size());
      continue;
    }
    plugin::Notification message = renderDigest(receiver, findings, resolved, as_of);
    auto sent = plugin_host::sendNotification(*it->second, std::move(message), config_->daemon.plugin_call_timeout);
    if (sent) {
      spdlog::info("notifier {}: digest of {} findings delivered ({})", receiver, findings.size(), sent->detail);
    } else {
      spdlog::error("notifier {}: delivery failed: {}", receiver, sent.error().message);
    }
  }
}

model::SourceRole Daemon::roleOf(const chain::Finding& finding) const {
  for (const auto& item : finding.evidence) {
    auto it = config_->connectors.find(item.source);
    if (it != config_->connectors.end()) return it->second.role;
  }
  return model::SourceRole::estab;
}

void Daemon::startNotifier(const config::NotifierSettings& settings) {
  auto created = plugin_host::createNotifier(*catalog_, settings, spdlog::default_logger(),
                                             config_->daemon.state_dir / "plugins", config_->daemon.plugin_call_timeout);
  if (!created) {
    spdlog::error("{}", created.error().message);
    return;
  }
  notifiers_[settings.name] = std::move(created.value());
}

}  // namespace staffchain::daemon
