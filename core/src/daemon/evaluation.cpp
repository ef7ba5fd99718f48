// Evaluation in the daemon: what the evaluator waits for (connectors whose data is not whole),
// what counts as open beyond the engine's findings, and where an evaluation's findings go (the
// log, systemd's status line, and the alert dispatcher, which decides what each department is
// told and when).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "daemon_runtime.hpp"
#include "staffchain/daemon/held_snapshot_finding.hpp"

namespace staffchain::daemon {

Evaluator::Hooks Daemon::evaluatorHooks() {
  Evaluator::Hooks hooks;
  hooks.not_settled = [this] { return connectorsNotSettled(); };
  hooks.open_findings = [this](std::vector<chain::Finding> engine_findings, WallTime now) {
    return openFindings(std::move(engine_findings), now);
  };
  hooks.evaluated = [this](model::Date as_of, const std::vector<chain::Finding>& open, std::size_t changed,
                           std::size_t resolved, double ms) { onEvaluated(as_of, open, changed, resolved, ms); };
  return hooks;
}

std::vector<chain::Finding> Daemon::openFindings(std::vector<chain::Finding> engine_findings,
                                                 Clock::time_point now) const {
  std::vector<chain::Finding> open = propagator_->withEvidence(std::move(engine_findings));
  for (auto& finding : health_.findings(now)) open.push_back(std::move(finding));
  for (auto& finding : propagator_->linkFindings()) open.push_back(std::move(finding));
  for (auto& finding : dispatcher_->linkFindings(now)) open.push_back(std::move(finding));
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

void Daemon::onEvaluated(model::Date as_of, const std::vector<chain::Finding>& open, std::size_t changed,
                         std::size_t resolved, double ms) {
  std::map<std::string, std::size_t> by_severity;
  std::set<std::string> connectors_down;
  for (const auto& finding : open) {
    by_severity[std::string(chain::toString(finding.severity))]++;
    if (finding.rule == "LINK-001" || finding.rule == "LINK-002") {
      for (const auto& item : finding.evidence) connectors_down.insert(item.source);
    }
  }
  spdlog::info(
      "evaluation as of {}: {} open findings (critical {}, major {}, minor {}), {} changed, {} resolved; "
      "{:.1f} ms",
      model::formatDate(as_of), open.size(), by_severity["critical"], by_severity["major"], by_severity["minor"],
      changed, resolved, ms);
  notifySystemd(fmt::format("STATUS={} open findings, {} connectors", open.size(), connectors_.size()));
  if (!dispatcher_->isOpen()) return;
  const auto region_of = [this](const std::string& unit_id) -> std::string {
    auto it = unit_regions_.find(unit_id);
    return it == unit_regions_.end() ? std::string() : it->second;
  };
  dispatcher_->observe(open, region_of, connectors_down, scheduler_->wallNow());
}

}  // namespace staffchain::daemon
