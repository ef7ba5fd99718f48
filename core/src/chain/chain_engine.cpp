#include "staffchain/chain/chain_engine.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "chain_index.hpp"
#include "rule_families.hpp"

namespace staffchain::chain {

using detail::ChainIndex;
using detail::LeaderKey;
using detail::LeaderKeyHash;
using detail::QuarantineKey;
using detail::ScopeKey;
using detail::ScopeKeyHash;

class ChainEngine::State {
 public:
  explicit State(RuleParams p) : params(std::move(p)) {}

  // The state of each fingerprint before an evaluation touched it (nullopt: it was not open).
  using Before = std::unordered_map<std::string, std::optional<Finding>>;

  // The fresh findings of one scope, to replace what that scope produced last time.
  struct Pending {
    std::vector<std::string>* owned;
    std::vector<Finding> fresh;
  };

  void putAll(model::Dataset dataset);
  Before evaluate(model::Date as_of, bool everything);
  FindingDelta deltaOf(const Before& before) const;
  std::vector<Finding> sortedFindings() const;

  RuleParams params;
  ChainIndex index;
  detail::Touched touched;
  std::optional<model::Date> last_as_of;

 private:
  std::vector<Finding> evaluatePerson(const detail::RuleContext& ctx, const model::PersonId& id) const;
  std::vector<Finding> evaluateSuspension(const detail::RuleContext& ctx, const model::UnitId& unit) const;
  void commit(std::vector<Pending>& batch, Before& before, std::unordered_set<model::UnitId>* critical_units);
  void dropEmptyOwners();

  std::unordered_map<std::string, Finding> current_;
  std::unordered_map<model::PersonId, std::vector<std::string>> by_person_;
  std::unordered_map<ScopeKey, std::vector<std::string>, ScopeKeyHash> by_scope_;
  std::unordered_map<LeaderKey, std::vector<std::string>, LeaderKeyHash> by_leader_;
  std::unordered_map<model::UnitId, std::vector<std::string>> by_suspension_;
  std::map<QuarantineKey, std::vector<std::string>> by_quarantine_;
  // Open critical findings naming each unit: what puts a unit under suspension (CHAIN-016).
  std::unordered_map<model::UnitId, std::unordered_set<std::string>> critical_by_unit_;
};

void ChainEngine::State::putAll(model::Dataset dataset) {
  index.clear();
  index.setSources(std::move(dataset.sources));
  touched.clear();
  for (auto& r : dataset.units) index.put(model::Record{std::move(r)}, touched);
  for (auto& r : dataset.quotas) index.put(model::Record{std::move(r)}, touched);
  for (auto& r : dataset.leader_quotas) index.put(model::Record{std::move(r)}, touched);
  for (auto& r : dataset.approvals) index.put(model::Record{std::move(r)}, touched);
  for (auto& r : dataset.roster) index.put(model::Record{std::move(r)}, touched);
  for (auto& r : dataset.movements) index.put(model::Record{std::move(r)}, touched);
  for (auto& r : dataset.payroll) index.put(model::Record{std::move(r)}, touched);
  for (auto& r : dataset.deaths) index.put(model::Record{std::move(r)}, touched);
  for (auto& q : dataset.quarantine) index.addQuarantine(std::move(q), touched);
  // Everything changed: the next evaluation is a full one.
  last_as_of.reset();
}

std::vector<Finding> ChainEngine::State::evaluatePerson(const detail::RuleContext& ctx, const model::PersonId& id) const {
  std::vector<Finding> out;
  const auto* records = index.person(id);
  if (records == nullptr) return out;
  const detail::PersonView view(index, id, *records);
  detail::evaluateDeadlineRules(ctx, view, out);
  detail::evaluatePayRules(ctx, view, out);
  detail::evaluateRetirementRule(ctx, view, out);
  return out;
}

std::vector<Finding> ChainEngine::State::evaluateSuspension(const detail::RuleContext& ctx, const model::UnitId& unit) const {
  std::vector<Finding> out;
  auto it = critical_by_unit_.find(unit);
  if (it == critical_by_unit_.end()) return out;
  std::vector<const Finding*> critical;
  critical.reserve(it->second.size());
  for (const auto& fp : it->second) critical.push_back(&current_.at(fp));
  detail::evaluateSuspensionScope(ctx, unit, critical, out);
  return out;
}

void ChainEngine::State::commit(std::vector<Pending>& batch, Before& before,
                                std::unordered_set<model::UnitId>* critical_units) {
  auto unindex = [&](const Finding& f) {
    if (f.severity != Severity::critical || f.unit_id.empty()) return;
    if (critical_units != nullptr) critical_units->insert(f.unit_id);
    auto it = critical_by_unit_.find(f.unit_id);
    if (it == critical_by_unit_.end()) return;
    it->second.erase(f.fingerprint);
    if (it->second.empty()) critical_by_unit_.erase(it);
  };
  // Every old finding goes first, so a finding that moved between scopes (a hire whose
  // establishment type changed) is not lost by removing it after it was re-added.
  for (auto& pending : batch) {
    for (const auto& fp : *pending.owned) {
      auto it = current_.find(fp);
      if (it == current_.end()) continue;
      unindex(it->second);
      before.try_emplace(fp, std::move(it->second));
      current_.erase(it);
    }
    pending.owned->clear();
  }
  for (auto& pending : batch) {
    for (auto& finding : pending.fresh) {
      if (!params.enabled(finding.rule)) continue;
      if (current_.contains(finding.fingerprint)) continue;  // one violation, one finding
      before.try_emplace(finding.fingerprint, std::nullopt);
      if (finding.severity == Severity::critical && !finding.unit_id.empty()) {
        critical_by_unit_[finding.unit_id].insert(finding.fingerprint);
        if (critical_units != nullptr) critical_units->insert(finding.unit_id);
      }
      pending.owned->push_back(finding.fingerprint);
      auto fp = finding.fingerprint;
      current_.emplace(std::move(fp), std::move(finding));
    }
  }
}

void ChainEngine::State::dropEmptyOwners() {
  auto drop = [](auto& owners) { std::erase_if(owners, [](const auto& kv) { return kv.second.empty(); }); };
  drop(by_person_);
  drop(by_scope_);
  drop(by_leader_);
  drop(by_suspension_);
  drop(by_quarantine_);
}

ChainEngine::State::Before ChainEngine::State::evaluate(model::Date as_of, bool everything) {
  // Links first: they decide which unit/type and leader scopes a person's change reaches.
  const std::vector<model::PersonId> relinked(touched.persons.begin(), touched.persons.end());
  for (const auto& id : relinked) index.relink(id, touched);

  const detail::RuleContext ctx{index, params, as_of};
  Before before;
  std::vector<Pending> batch;
  if (everything) {
    for (auto& [fp, finding] : current_) before.emplace(fp, std::move(finding));
    current_.clear();
    critical_by_unit_.clear();
    by_person_.clear();
    by_scope_.clear();
    by_leader_.clear();
    by_suspension_.clear();
    by_quarantine_.clear();
    for (const auto& id : index.allPersons()) batch.push_back({&by_person_[id], evaluatePerson(ctx, id)});
    for (const auto& key : index.allScopes()) {
      std::vector<Finding> out;
      detail::evaluateUnitTypeScope(ctx, key, out);
      batch.push_back({&by_scope_[key], std::move(out)});
    }
    for (const auto& key : index.allLeaderKeys()) {
      std::vector<Finding> out;
      detail::evaluateLeaderScope(ctx, key, out);
      batch.push_back({&by_leader_[key], std::move(out)});
    }
    for (const auto& [key, entries] : index.quarantine()) {
      std::vector<Finding> out;
      detail::evaluateQuarantineGroup(ctx, key, entries, out);
      batch.push_back({&by_quarantine_[key], std::move(out)});
    }
    commit(batch, before, nullptr);
    batch.clear();
    for (const auto& unit : index.allApprovalUnits()) {
      batch.push_back({&by_suspension_[unit], evaluateSuspension(ctx, unit)});
    }
    commit(batch, before, nullptr);
  } else {
    for (const auto& id : touched.persons) batch.push_back({&by_person_[id], evaluatePerson(ctx, id)});
    for (const auto& key : touched.scopes) {
      std::vector<Finding> out;
      detail::evaluateUnitTypeScope(ctx, key, out);
      batch.push_back({&by_scope_[key], std::move(out)});
    }
    for (const auto& key : touched.leaders) {
      std::vector<Finding> out;
      detail::evaluateLeaderScope(ctx, key, out);
      batch.push_back({&by_leader_[key], std::move(out)});
    }
    for (const auto& key : touched.quarantine) {
      std::vector<Finding> out;
      auto it = index.quarantine().find(key);
      if (it != index.quarantine().end()) detail::evaluateQuarantineGroup(ctx, key, it->second, out);
      batch.push_back({&by_quarantine_[key], std::move(out)});
    }
    std::unordered_set<model::UnitId> suspension = touched.suspension;
    commit(batch, before, &suspension);
    batch.clear();
    for (const auto& unit : suspension) batch.push_back({&by_suspension_[unit], evaluateSuspension(ctx, unit)});
    commit(batch, before, nullptr);
  }
  dropEmptyOwners();
  touched.clear();
  last_as_of = as_of;
  return before;
}

FindingDelta ChainEngine::State::deltaOf(const Before& before) const {
  FindingDelta delta;
  for (const auto& [fp, old] : before) {
    auto it = current_.find(fp);
    if (it == current_.end()) {
      if (old) delta.resolved.push_back(fp);
    } else if (!old || *old != it->second) {
      delta.changed.push_back(it->second);
    }
  }
  std::sort(delta.changed.begin(), delta.changed.end(), findingLess);
  std::sort(delta.resolved.begin(), delta.resolved.end());
  return delta;
}

std::vector<Finding> ChainEngine::State::sortedFindings() const {
  std::vector<Finding> out;
  out.reserve(current_.size());
  for (const auto& [fp, finding] : current_) out.push_back(finding);
  std::sort(out.begin(), out.end(), findingLess);
  return out;
}

ChainEngine::ChainEngine(RuleParams params) : state_(std::make_unique<State>(std::move(params))) {}
ChainEngine::~ChainEngine() = default;
ChainEngine::ChainEngine(ChainEngine&&) noexcept = default;
ChainEngine& ChainEngine::operator=(ChainEngine&&) noexcept = default;

void ChainEngine::load(model::Dataset dataset) { state_->putAll(std::move(dataset)); }

void ChainEngine::setSources(std::vector<std::string> sources) {
  state_->index.setSources(std::move(sources));
  // Evidence names sources: every finding may read differently now.
  state_->last_as_of.reset();
}

void ChainEngine::apply(const model::Record& record) { state_->index.put(record, state_->touched); }

void ChainEngine::remove(model::RecordType type, std::string_view key) {
  state_->index.erase(type, key, state_->touched);
}

void ChainEngine::addQuarantine(model::QuarantineEntry entry) {
  state_->index.addQuarantine(std::move(entry), state_->touched);
}

void ChainEngine::removeQuarantine(std::string_view source, std::string_view origin) {
  state_->index.eraseQuarantine(QuarantineKey{std::string(source), std::string(origin)}, state_->touched);
}

std::vector<Finding> ChainEngine::evaluateAll(model::Date as_of) {
  (void)state_->evaluate(as_of, true);
  return state_->sortedFindings();
}

FindingDelta ChainEngine::evaluateTouched(model::Date as_of) {
  const bool everything = !state_->last_as_of || *state_->last_as_of != as_of;
  return state_->deltaOf(state_->evaluate(as_of, everything));
}

std::vector<Finding> ChainEngine::findings() const { return state_->sortedFindings(); }

const RuleParams& ChainEngine::params() const noexcept { return state_->params; }

}  // namespace staffchain::chain
