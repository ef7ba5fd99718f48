#include "evaluator.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <utility>

namespace staffchain::daemon {

Evaluator::Evaluator(Scheduler& scheduler, Hooks hooks)
    : scheduler_(scheduler),
      hooks_(std::move(hooks)),
      soon_timer_(scheduler.timer()),
      periodic_timer_(scheduler.timer()) {}

Evaluator::~Evaluator() = default;

void Evaluator::configure(const config::Config& config) {
  config_ = &config;
}

void Evaluator::load(model::Dataset dataset) {
  unit_regions_.clear();
  unit_names_.clear();
  for (const auto& unit : dataset.units) {
    unit_regions_[unit.unit_id.str()] = unit.region;
    unit_names_[unit.unit_id.str()] = unit.name;
  }
  sources_ = dataset.sources;
  engine_ = std::make_unique<chain::ChainEngine>(config_->rules);
  engine_->load(std::move(dataset));
  engine_->setCaseSuspensions(case_suspensions_);
  evaluated_once_ = false;
}

bool Evaluator::apply(const std::string& connector, const ingest::IngestResult& result) {
  if (result.stats.removed > 0) return false;
  if (result.stats.inserted + result.stats.updated > 0) {
    // Ingest leaves Origin::source at 0: name the connector, as the ledger does when it loads.
    auto known = std::find(sources_.begin(), sources_.end(), connector);
    if (known == sources_.end()) {
      sources_.push_back(connector);
      engine_->setSources(sources_);
      known = std::prev(sources_.end());
    }
    const auto source = static_cast<std::uint32_t>(known - sources_.begin());
    for (auto record : result.records) {
      std::visit([source](auto& typed) { typed.origin.source = source; }, record);
      if (const auto* unit = std::get_if<model::Unit>(&record)) {
        unit_regions_[unit->unit_id.str()] = unit->region;
        unit_names_[unit->unit_id.str()] = unit->name;
        regions_changed_ = true;
      }
      engine_->apply(record);
    }
  }
  for (const auto& entry : result.quarantine) engine_->addQuarantine(entry);
  return true;
}

std::string_view Evaluator::regionView(std::string_view unit_id) const {
  const auto it = unit_regions_.find(unit_id);
  return it == unit_regions_.end() ? std::string_view() : std::string_view(it->second);
}

std::string Evaluator::regionOf(const std::string& unit_id) const {
  const auto it = unit_regions_.find(unit_id);
  return it == unit_regions_.end() ? std::string() : it->second;
}

std::string Evaluator::unitName(const std::string& unit_id) const {
  const auto it = unit_names_.find(unit_id);
  return it == unit_names_.end() ? std::string() : it->second;
}

void Evaluator::setCaseSuspensions(std::vector<chain::CaseSuspension> suspensions) {
  case_suspensions_ = std::move(suspensions);
  if (engine_) engine_->setCaseSuspensions(case_suspensions_);
}

model::Date Evaluator::today() const {
  return config_->daemon.timezone.dateAt(scheduler_.wallNow());
}

void Evaluator::start() {
  schedulePeriodic();
}

void Evaluator::schedulePeriodic() {
  if (stopping_) return;
  periodic_timer_->after(std::chrono::duration_cast<std::chrono::milliseconds>(config_->daemon.evaluate_interval),
                         [this] {
                           evaluate();  // deadlines pass with time alone, and sources go stale in silence
                           schedulePeriodic();
                         });
}

void Evaluator::soon() {
  if (stopping_ || soon_timer_->due()) return;
  soon_timer_->after(std::chrono::seconds(1), [this] { evaluate(); });  // coalesce the syncs that land together
}

void Evaluator::stop() {
  stopping_ = true;
  soon_timer_->cancel();
  periodic_timer_->cancel();
}

bool Evaluator::mayGoOn() {
  const auto waiting = hooks_.not_settled();
  if (waiting.empty()) {
    unsettled_since_.reset();
    grace_passed_said_ = false;
    return true;
  }
  const auto now = scheduler_.now();
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

void Evaluator::evaluate() {
  if (!engine_ || !mayGoOn()) return;
  const model::Date as_of = today();
  const auto started = std::chrono::steady_clock::now();  // the work's own duration, not the schedule's clock
  std::size_t changed = 0;
  std::size_t resolved = 0;
  std::optional<chain::FindingDelta> delta;
  if (!evaluated_once_) {
    changed = engine_->evaluateAll(as_of).size();
    evaluated_once_ = true;
  } else {
    delta = engine_->evaluateTouched(as_of);
    changed = delta->changed.size();
    resolved = delta->resolved.size();
  }
  const OpenFindings open = hooks_.open_findings(engine_->findingsInPlace(), scheduler_.wallNow());
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  // A unit's region or name read by what follows may have changed: the delta does not say.
  if (delta && !std::exchange(regions_changed_, false)) last_delta_ = &*delta;
  regions_changed_ = false;
  hooks_.evaluated(as_of, open, changed, resolved, ms);
  last_delta_ = nullptr;
}

}  // namespace staffchain::daemon
