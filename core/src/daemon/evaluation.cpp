// Evaluation as of today after data lands and on a timer; its findings feed the alert
// manager, which decides what each department is told and when.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "daemon_runtime.hpp"
#include "staffchain/daemon/held_snapshot_finding.hpp"

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
  for (auto& finding : sink_health_.findings(config_->propagation.failures_before_alert, config_->daemon.timezone)) {
    open.push_back(std::move(finding));
  }
  if (alerts_) {
    for (auto& finding : alerts_->linkFindings(now)) open.push_back(std::move(finding));
  }
  if (auto held = ledger_->heldSnapshots(true); held) {
    for (const auto& snapshot : held.value()) open.push_back(heldSnapshotFinding(snapshot));
  } else {
    spdlog::error("cannot read the held snapshots: {}", held.error().message);
  }
  return open;
}

std::vector<std::string> Daemon::connectorsNotSettled() const {
  std::vector<std::string> waiting;
  for (const auto& [name, runtime] : connectors_) {
    if (!runtime->instance || !runtime->settings.enabled) continue;  // one that failed to start waits for nothing
    if (!runtime->synced_once || runtime->snapshot_underway || runtime->progress) waiting.push_back(name);
  }
  return waiting;
}

bool Daemon::alertsMayGoOn() {
  const auto waiting = connectorsNotSettled();
  if (waiting.empty()) {
    unsettled_since_.reset();
    grace_passed_said_ = false;
    return true;
  }
  const auto now = SteadyClock::now();
  if (!unsettled_since_) unsettled_since_ = now;
  if (now - *unsettled_since_ < config_->daemon.first_sync_grace) {
    spdlog::info(
        "evaluation waits: the data of {} is not whole yet (a first sync or a run of batches under way); "
        "no alert is raised from a half-synced world",
        fmt::join(waiting, ", "));
    return false;
  }
  if (!grace_passed_said_) {
    spdlog::warn("evaluation goes on after first_sync_grace ({} s) without waiting for {}",
                 std::chrono::duration_cast<std::chrono::seconds>(config_->daemon.first_sync_grace).count(),
                 fmt::join(waiting, ", "));
    grace_passed_said_ = true;
  }
  return true;
}

void Daemon::evaluate() {
  if (!alertsMayGoOn()) return;
  const model::Date today = this->today();
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
  spdlog::info(
      "evaluation as of {}: {} open findings (critical {}, major {}, minor {}), {} changed, {} resolved; "
      "{:.1f} ms",
      model::formatDate(today), open.size(), by_severity["critical"], by_severity["major"], by_severity["minor"],
      changed, resolved, ms);
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
  auto created =
      plugin_host::createNotifier(*catalog_, settings, spdlog::default_logger(), config_->daemon.state_dir / "plugins",
                                  config_->daemon.plugin_call_timeout);
  if (!created) {
    spdlog::error("{}", created.error().message);
    return;
  }
  notifiers_[settings.name] = std::move(created.value());
}

}  // namespace staffchain::daemon
