// Evaluation as of today after data lands and on a timer; its findings feed the alert
// manager, which decides what each department is told and when.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "daemon_runtime.hpp"

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

std::vector<chain::Finding> Daemon::openFindings(Clock::time_point now) const {
  std::vector<chain::Finding> open = withNoticeEvidence(engine_->findings());
  for (auto& finding : health_.findings(now)) open.push_back(std::move(finding));
  for (auto& finding : sink_health_.findings(config_->propagation.failures_before_alert)) {
    open.push_back(std::move(finding));
  }
  if (alerts_) {
    for (auto& finding : alerts_->linkFindings(now)) open.push_back(std::move(finding));
  }
  return open;
}

void Daemon::evaluate() {
  const model::Date today = localToday();
  const auto started = SteadyClock::now();
  std::size_t changed = 0;
  std::size_t resolved = 0;
  if (!evaluated_once_) {
    changed = engine_->evaluateAll(today).size();
    evaluated_once_ = true;
  } else {
    const chain::FindingDelta delta = engine_->evaluateTouched(today);
    changed = delta.changed.size();
    resolved = delta.resolved.size();
  }
  const auto now = Clock::now();
  const std::vector<chain::Finding> open = openFindings(now);
  std::map<std::string, std::size_t> by_severity;
  std::set<std::string> connectors_down;
  for (const auto& finding : open) {
    by_severity[std::string(chain::toString(finding.severity))]++;
    if (finding.rule == "LINK-001" || finding.rule == "LINK-002") {
      for (const auto& item : finding.evidence) connectors_down.insert(item.source);
    }
  }
  const double ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count();
  spdlog::info("evaluation as of {}: {} open findings (critical {}, major {}, minor {}), {} changed, {} resolved; "
               "{:.1f} ms",
               model::formatDate(today), open.size(), by_severity["critical"], by_severity["major"],
               by_severity["minor"], changed, resolved, ms);
  notifySystemd(fmt::format("STATUS={} open findings, {} connectors", open.size(), connectors_.size()));
  if (!alerts_) return;
  const auto region_of = [this](const std::string& unit_id) -> std::string {
    auto it = unit_regions_.find(unit_id);
    return it == unit_regions_.end() ? std::string() : it->second;
  };
  if (auto observed = alerts_->observe(open, region_of, connectors_down, now); !observed) {
    spdlog::error("alerts: cannot record this evaluation: {}", observed.error().message);
    return;
  }
  flushAlerts();
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
