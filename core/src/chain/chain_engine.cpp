#include "staffchain/chain/chain_engine.hpp"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "chain_index.hpp"
#include "parallel.hpp"
#include "precheck.hpp"
#include "reduction_tasks_detail.hpp"
#include "rule_families.hpp"
#include "staffchain/model/enums.hpp"
#include "unit_profile.hpp"

namespace staffchain::chain {

using detail::ChainIndex;
using detail::LeaderKey;
using detail::LeaderKeyHash;
using detail::QuarantineKey;
using detail::ScopeKey;
using detail::ScopeKeyHash;

namespace {

bool findingPtrLess(const Finding* a, const Finding* b) {
  return findingLess(*a, *b);
}

// A person is paid at most once a month per unit, and mostly by one unit: the months the
// rows span is what a person's payroll usually holds (capped: a decade of history would
// reserve too much for the many with a few rows; they grow as usual).
std::size_t payrollMonthsSpanned(const std::vector<model::PayrollMonth>& payroll) {
  constexpr std::int32_t kMaxHint = 36;
  if (payroll.empty()) return 0;
  auto [first, last] = std::minmax_element(payroll.begin(), payroll.end(),
                                           [](const auto& a, const auto& b) { return a.month.index < b.month.index; });
  return static_cast<std::size_t>(std::min(last->month.index - first->month.index + 1, kMaxHint));
}

constexpr std::size_t kPayrollRowsExpected = 12;

// Pay to someone who holds no post there: after an exit, from two units, after death. What
// makes a unit's vacant posts recoverable in the vacancy pool.
bool isGhostPayRule(std::string_view rule) noexcept {
  return rule == "CHAIN-006" || rule == "CHAIN-009" || rule == "CHAIN-014";
}

}  // namespace

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
  std::vector<const Finding*> sortedInPlace() const;
  // What the pre-check reads: the index, the occupancy of each unit/type (as of its last whole
  // judgement while nobody's stays changed since, else counted afresh into `scratch`), and the
  // open critical findings naming a unit.
  detail::PrecheckContext precheckContext(std::deque<detail::OccupancyCounter>& scratch) const;
  [[nodiscard]] const std::unordered_map<std::string, Finding>& current() const noexcept { return current_; }
  // Nothing applied since the last evaluation: what is derived from the index and the findings
  // (region scopes, vacancy listings) may be kept until the next one.
  [[nodiscard]] bool settled() const noexcept {
    return !touched.all_persons && touched.persons.empty() && touched.scopes.empty() &&
           touched.roster_changed.empty() && touched.units_named.empty();
  }
  // The vacancy pool of a region ("" for all of them) on a day, every type and recoverability,
  // listed once after an evaluation: a clerk paging through a region, or filtering it by type,
  // reads the same rows again. Dropped at the next evaluation; held only while settled().
  using VacancyRows = std::shared_ptr<const std::vector<VacancyRow>>;
  template <typename List>
  VacancyRows vacancyRows(model::Date day, const std::string& region, List list) const {
    constexpr std::size_t kMaxListings = 32;  // days x regions asked between two evaluations
    {
      const std::lock_guard lock(vacancy_mutex_);
      if (auto it = vacancy_rows_.find({day.days, region}); it != vacancy_rows_.end()) return it->second;
    }
    auto rows = std::make_shared<const std::vector<VacancyRow>>(list());
    const std::lock_guard lock(vacancy_mutex_);
    if (vacancy_rows_.size() >= kMaxListings) vacancy_rows_.clear();
    vacancy_rows_.insert_or_assign({day.days, region}, rows);
    return rows;
  }
  // The open CHAIN-006/009/014 findings naming `unit`, their fingerprints in order.
  [[nodiscard]] std::vector<std::string> ghostPayOf(const model::UnitId& unit) const {
    std::vector<std::string> out;
    if (auto it = ghost_pay_by_unit_.find(unit); it != ghost_pay_by_unit_.end()) {
      out.assign(it->second.begin(), it->second.end());
      std::sort(out.begin(), out.end());
    }
    return out;
  }
  // Each reduction task with an open CHAIN-018, and that finding's fingerprint.
  [[nodiscard]] std::map<std::string, std::string> openReductionFindings() const {
    std::map<std::string, std::string> out;
    for (const auto& [task, owned] : by_reduction_) {
      if (!owned.empty()) out.emplace(task, owned.front());
    }
    return out;
  }
  // What changes the index or the occupancy makes the pre-check's region scopes stale.
  void forgetRegionScopes() {
    const std::lock_guard lock(region_mutex_);
    region_scopes_.clear();
  }
  // Only the regions and types of scopes judged whole again: their occupancy or quotas changed.
  void forgetRegionScopesOf(const std::vector<ScopeKey>& rejudged) {
    const std::lock_guard lock(region_mutex_);
    for (const auto& key : rejudged) {
      const auto* unit = index.unit(key.unit);
      if (unit != nullptr && key.type != detail::kUnknownType) {
        region_scopes_.erase({unit->region, static_cast<model::EstabType>(key.type)});
      }
    }
  }

  RuleParams params;
  ChainIndex index;
  detail::Touched touched;
  // Units under suspension by an overdue rectification case (setCaseSuspensions).
  detail::UnitMap<std::vector<CaseSuspension>> case_suspensions_;
  std::optional<model::Date> last_as_of;
  std::size_t reduction_tasks_judged = 0;       // by the last evaluation
  std::vector<std::string> reductions_visited;  // the tasks it judged or found erased, unless every one
  bool keep_for_changes = true;
  bool never_changed = false;
  std::size_t scopes_whole = 0;  // unit/type scopes, by the last evaluation
  std::size_t scopes_recounted = 0;

 private:
  std::vector<Finding> evaluatePerson(const detail::RuleContext& ctx, const model::PersonId& id) const;
  std::vector<Finding> evaluatePerson(const detail::RuleContext& ctx, const model::PersonId& id,
                                      const detail::PersonRecords& records) const;
  std::vector<Finding> evaluateSuspension(const detail::RuleContext& ctx, const model::UnitId& unit) const;
  void commit(std::vector<Pending>& batch, Before& before, detail::UnitSet* critical_units);
  void evaluateEverything(const detail::RuleContext& ctx, Before& before);
  // The unit/type scopes whose occupancy it judged whole or counted again go to `rejudged`.
  void evaluateStale(const detail::RuleContext& ctx, Before& before, std::vector<ScopeKey>& rejudged);
  // CHAIN-018 of every task, and none for tasks gone since (after a load or on a new day), or
  // of only the tasks whose row, unit row or unit/type this evaluation finds touched.
  void evaluateReductions(const detail::RuleContext& ctx, std::vector<Pending>& batch, bool every_task);
  void dropEmptyOwners();

  std::unordered_map<std::string, Finding> current_;
  // current_ in findingLess order, made when first asked for after an evaluation.
  mutable std::mutex sorted_mutex_;
  mutable std::optional<std::vector<const Finding*>> sorted_;
  // The addresses of the findings the evaluation under way erased.
  std::vector<std::uintptr_t> erased_;
  // What the evaluations since sorted_ was made erased and wrote: sorted_ is patched with them
  // when next asked for (the daemon asks after every evaluation, a benchmark seldom).
  mutable std::vector<std::uintptr_t> patch_erased_;
  mutable std::unordered_set<std::string> patch_fingerprints_;
  void notePatch(const Before& before);
  void patchSorted() const;  // with sorted_mutex_ held and sorted_ made
  void dropSorted();         // with sorted_mutex_ held
  mutable std::mutex vacancy_mutex_;
  mutable std::map<std::pair<std::int32_t, std::string>, VacancyRows> vacancy_rows_;
  // Which fingerprints each scope produced. A scope with none has no entry: the full path
  // adds only scopes with findings, the incremental one drops those it left empty.
  detail::PersonMap<std::vector<std::string>> by_person_;
  std::unordered_map<ScopeKey, std::vector<std::string>, ScopeKeyHash> by_scope_;
  std::unordered_map<LeaderKey, std::vector<std::string>, LeaderKeyHash> by_leader_;
  detail::UnitMap<std::vector<std::string>> by_suspension_;
  std::map<QuarantineKey, std::vector<std::string>> by_quarantine_;
  std::map<std::string, std::vector<std::string>, std::less<>> by_reduction_;
  // Open critical findings naming each unit: what puts a unit under suspension (CHAIN-016).
  detail::UnitMap<std::unordered_set<std::string>> critical_by_unit_;
  // Open pay-without-post findings naming each unit (CHAIN-006, 009, 014): what makes its
  // vacancies recoverable in the vacancy pool, read per unit so that a region's page never
  // walks the province's findings.
  detail::UnitMap<std::unordered_set<std::string>> ghost_pay_by_unit_;
  // Each unit/type's occupancy as of its last whole judgement. Only a change of someone's stays
  // changes it, and such a change judges the scope whole again (ChainIndex::relink), so a hire,
  // an exit or a pay row is judged against it without re-reading every member.
  std::unordered_map<ScopeKey, detail::OccupancyCounter, ScopeKeyHash> occupancy_;
  // The pre-check's units per region and type (detail::RegionScopes), resolved on first use after
  // an evaluation: a region of thousands of units is read with no lookup per unit. Pre-checks
  // may come from several threads at once, hence the lock.
  mutable std::mutex region_mutex_;
  struct ResolvedRegion {
    detail::RegionScopes scopes;
    std::deque<detail::OccupancyCounter> counted;  // of scopes never judged whole (no members)
  };
  mutable std::map<std::pair<std::string, model::EstabType>, ResolvedRegion> region_scopes_;
};

void ChainEngine::State::putAll(model::Dataset dataset) {
  index.clear();
  index.setSources(std::move(dataset.sources));
  index.reserveFor(dataset);
  touched = detail::Touched{};
  touched.all_persons = true;
  // Each kind's vector is released once put: the index holds its own copy, and at a
  // million persons the payroll rows alone are most of the memory.
  auto putEach = [&](auto& records) {
    for (auto& r : records) index.put(model::Record{std::move(r)}, touched);
    std::exchange(records, {});
  };
  // Payroll first: its rows are most of the dataset, and once they are in the index the
  // dataset's copy goes before the other kinds are copied (the two copies of the largest
  // kind never meet the rest). Kinds do not interact while loading: links come after.
  index.setPayrollHint(payrollMonthsSpanned(dataset.payroll));
  putEach(dataset.payroll);
  index.setPayrollHint(0);
  index.trimPayroll();
  putEach(dataset.units);
  putEach(dataset.quotas);
  putEach(dataset.leader_quotas);
  putEach(dataset.approvals);
  putEach(dataset.roster);
  putEach(dataset.movements);
  putEach(dataset.deaths);
  putEach(dataset.reductions);
  for (auto& q : dataset.quarantine) index.addQuarantine(std::move(q), touched);
  // Everything changed: the next evaluation is a full one.
  last_as_of.reset();
}

std::vector<Finding> ChainEngine::State::evaluatePerson(const detail::RuleContext& ctx,
                                                        const model::PersonId& id) const {
  const auto* records = index.person(id);
  if (records == nullptr) return {};
  return evaluatePerson(ctx, id, *records);
}

std::vector<Finding> ChainEngine::State::evaluatePerson(const detail::RuleContext& ctx, const model::PersonId& id,
                                                        const detail::PersonRecords& records) const {
  std::vector<Finding> out;
  const detail::PersonView view(index, id, records);
  detail::evaluateDeadlineRules(ctx, view, out);
  detail::evaluatePayRules(ctx, view, out);
  detail::evaluateRetirementRule(ctx, view, out);
  return out;
}

std::vector<Finding> ChainEngine::State::evaluateSuspension(const detail::RuleContext& ctx,
                                                            const model::UnitId& unit) const {
  std::vector<Finding> out;
  std::vector<const Finding*> critical;
  if (auto it = critical_by_unit_.find(unit); it != critical_by_unit_.end()) {
    critical.reserve(it->second.size());
    for (const auto& fp : it->second) critical.push_back(&current_.at(fp));
  }
  const auto cases = case_suspensions_.find(unit);
  detail::evaluateSuspensionScope(ctx, unit, critical, cases == case_suspensions_.end() ? nullptr : &cases->second,
                                  out);
  return out;
}

void ChainEngine::State::commit(std::vector<Pending>& batch, Before& before, detail::UnitSet* critical_units) {
  auto unindex = [&](const Finding& f) {
    if (f.unit_id.empty()) return;
    if (isGhostPayRule(f.rule)) {
      if (auto it = ghost_pay_by_unit_.find(f.unit_id); it != ghost_pay_by_unit_.end()) {
        it->second.erase(f.fingerprint);
        if (it->second.empty()) ghost_pay_by_unit_.erase(it);
      }
    }
    if (f.severity != Severity::critical) return;
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
      erased_.push_back(reinterpret_cast<std::uintptr_t>(&it->second));
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
      if (isGhostPayRule(finding.rule) && !finding.unit_id.empty()) {
        ghost_pay_by_unit_[finding.unit_id].insert(finding.fingerprint);
      }
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
  drop(by_reduction_);
}

void ChainEngine::State::evaluateReductions(const detail::RuleContext& ctx, std::vector<Pending>& batch,
                                            bool every_task) {
  const auto& tasks = index.reductions();
  reduction_tasks_judged = 0;
  auto judge = [&](const std::string& id, const model::ReductionTask& task) {
    ++reduction_tasks_judged;
    std::vector<Finding> out;
    detail::evaluateReductionTask(ctx, task, out);
    auto owner = by_reduction_.find(id);
    if (out.empty() && owner == by_reduction_.end()) return;
    if (owner == by_reduction_.end()) owner = by_reduction_.emplace(id, std::vector<std::string>{}).first;
    batch.push_back({&owner->second, std::move(out)});
  };
  if (every_task) {
    for (auto& [id, owned] : by_reduction_) {
      if (!tasks.contains(id)) batch.push_back({&owned, {}});
    }
    for (const auto& [id, task] : tasks) judge(id, task);
    return;
  }
  // The tasks named by a touched unit/type, by a unit whose row changed, or put or erased.
  std::set<std::string_view> due;
  auto ofUnit = [&](const model::UnitId& unit, std::optional<std::uint8_t> type) {
    const auto* ids = index.reductionsOfUnit(unit);
    if (ids == nullptr) return;
    for (const auto& id : *ids) {
      auto task = tasks.find(id);
      if (task == tasks.end()) continue;
      if (!type || static_cast<std::uint8_t>(task->second.estab_type) == *type) due.insert(task->first);
    }
  };
  if (!tasks.empty()) {
    for (const auto& key : touched.scopes) ofUnit(key.unit, key.type);
    for (const auto& unit : touched.units_named) ofUnit(unit, std::nullopt);
  }
  for (const auto& id : touched.reductions) due.insert(id);
  reductions_visited.assign(due.begin(), due.end());
  for (const auto id : due) {
    if (auto task = tasks.find(id); task != tasks.end()) {
      judge(task->first, task->second);
    } else if (auto owned = by_reduction_.find(id); owned != by_reduction_.end()) {
      batch.push_back({&owned->second, {}});  // erased: its finding resolves
    }
  }
}

void ChainEngine::State::evaluateEverything(const detail::RuleContext& ctx, Before& before) {
  for (auto& [fp, finding] : current_) before.emplace(fp, std::move(finding));
  current_.clear();
  critical_by_unit_.clear();
  ghost_pay_by_unit_.clear();
  by_person_.clear();
  by_scope_.clear();
  by_leader_.clear();
  by_suspension_.clear();
  by_quarantine_.clear();
  by_reduction_.clear();
  occupancy_.clear();
  // Every owner starts empty, so a scope with no finding needs no entry.
  std::vector<Pending> batch;
  auto add = [&](auto& owners, const auto& key, std::vector<Finding> fresh) {
    if (!fresh.empty()) batch.push_back({&owners[key], std::move(fresh)});
  };
  // Persons and unit/types are judged on every core (each reads the index and writes only its
  // own findings and occupancy), their findings committed in the order judged alone would give.
  const auto threads = detail::evaluationThreads();
  {
    // A block at a time: the persons' findings wait for the commit, not the million empty lists.
    constexpr std::size_t kBlock = 1U << 16U;
    std::vector<std::pair<const model::PersonId*, const detail::PersonRecords*>> persons;
    std::vector<std::vector<Finding>> found;
    auto judge = [&] {
      found.assign(persons.size(), {});
      detail::parallelFor(persons.size(), threads, [&](std::size_t i) {
        found[i] = evaluatePerson(ctx, *persons[i].first, *persons[i].second);
      });
      for (std::size_t i = 0; i < persons.size(); ++i) add(by_person_, *persons[i].first, std::move(found[i]));
      persons.clear();
    };
    persons.reserve(std::min(kBlock, index.personCount()));
    index.forEachPerson([&](const model::PersonId& id, const detail::PersonRecords& records) {
      persons.emplace_back(&id, &records);
      if (persons.size() == kBlock) judge();
    });
    judge();
  }
  {
    const auto scopes = index.allScopes();
    scopes_whole = scopes.size();
    scopes_recounted = 0;
    std::vector<detail::OccupancyCounter*> occupancy;
    occupancy.reserve(scopes.size());
    for (const auto& key : scopes) occupancy.push_back(&occupancy_[key]);
    std::vector<std::vector<Finding>> found(scopes.size());
    detail::parallelFor(scopes.size(), threads, [&](std::size_t i) {
      detail::evaluateUnitTypeScope(ctx, scopes[i], found[i], occupancy[i], keep_for_changes);
    });
    for (std::size_t i = 0; i < scopes.size(); ++i) add(by_scope_, scopes[i], std::move(found[i]));
  }
  for (const auto& key : index.allLeaderKeys()) {
    std::vector<Finding> out;
    detail::evaluateLeaderScope(ctx, key, out);
    add(by_leader_, key, std::move(out));
  }
  for (const auto& [key, entries] : index.quarantine()) {
    std::vector<Finding> out;
    detail::evaluateQuarantineGroup(ctx, key, entries, out);
    add(by_quarantine_, key, std::move(out));
  }
  evaluateReductions(ctx, batch, true);
  commit(batch, before, nullptr);
  batch.clear();
  for (const auto& unit : index.allApprovalUnits()) add(by_suspension_, unit, evaluateSuspension(ctx, unit));
  commit(batch, before, nullptr);
  // Only owners whose every finding was a duplicate or disabled are left empty: few.
  dropEmptyOwners();
}

void ChainEngine::State::evaluateStale(const detail::RuleContext& ctx, Before& before,
                                       std::vector<ScopeKey>& rejudged) {
  std::vector<Pending> batch;
  for (const auto& id : touched.persons) batch.push_back({&by_person_[id], evaluatePerson(ctx, id)});
  std::unordered_set<ScopeKey, detail::ScopeKeyHash> whole(touched.scopes.begin(), touched.scopes.end());
  // Scopes judged for some persons only: their findings there leave the scope's list for the
  // commit and come back after it (a deque, so Pending::owned stays put).
  std::deque<std::vector<std::string>> parts;
  std::vector<std::pair<ScopeKey, std::vector<std::string>*>> partial_scopes;
  auto subjectsOf = [&](const ScopeKey& key, detail::PersonSet subjects) {
    if (auto persons = touched.scope_persons.find(key); persons != touched.scope_persons.end()) {
      subjects.insert(persons->second.begin(), persons->second.end());
    }
    return subjects;
  };
  // The approvals whose uses in a scope may read differently, from the first use a changed
  // person's hires had or have on (every use when an approval, quota or unit changed): their
  // other citers' CHAIN-001 from there on.
  std::unordered_map<std::string, detail::UseFrom> changed_from;
  if (!touched.index_changed) {
    auto lower = [&](const std::string& approval_id, model::Date on, const std::string& movement_id) {
      auto [it, added] = changed_from.try_emplace(approval_id, detail::UseFrom{on, movement_id});
      if (!added && std::tie(on, movement_id) < std::tie(it->second.on, it->second.movement_id)) {
        it->second = detail::UseFrom{on, movement_id};
      }
    };
    for (const auto& [id, cites] : touched.cites_before) {
      for (const auto& cite : cites) lower(cite.approval_id, cite.on, cite.movement_id);
      if (const auto* records = index.person(id); records != nullptr) {
        for (const auto& m : records->movements) {
          if (model::isHire(m.kind) && !m.approval_id.empty()) lower(m.approval_id, m.effective_on, m.movement_id);
        }
      }
    }
  }
  std::deque<detail::CheckedApprovals> checked_sets;
  auto checkedIn = [&](const ScopeKey& key) -> const detail::CheckedApprovals* {
    auto cited = touched.cited.find(key);
    if (cited == touched.cited.end()) return nullptr;
    auto& checked = checked_sets.emplace_back();
    for (const auto& approval_id : cited->second) {
      if (touched.index_changed) {
        checked.emplace(approval_id, detail::UseFrom{});
      } else if (auto from = changed_from.find(approval_id); from != changed_from.end()) {
        checked.emplace(approval_id, from->second);
      }
    }
    return &checked;
  };
  // The subjects' findings in the scope, the other citers' CHAIN-001 judged again, and its
  // CHAIN-012 when its count was taken again, leave its list for the commit.
  auto takePart = [&](const ScopeKey& key, const detail::PersonSet& subjects, const std::vector<std::string>& checked,
                      bool recounted, std::vector<Finding> out) {
    auto& owned = parts.emplace_back();
    if (auto it = by_scope_.find(key); it != by_scope_.end()) {
      const std::unordered_set<std::string_view> judged_again(checked.begin(), checked.end());
      std::erase_if(it->second, [&](const std::string& fp) {
        auto f = current_.find(fp);
        if (f == current_.end()) return false;
        const bool mine = f->second.person_id.empty()
                              ? recounted
                              : subjects.contains(f->second.person_id) || judged_again.contains(fp);
        if (mine) owned.push_back(fp);
        return mine;
      });
    }
    partial_scopes.emplace_back(key, &owned);
    batch.push_back({&owned, std::move(out)});
  };
  // Scopes whose members' stays changed: counted again from those members' stays before and
  // after, and judged for them and for whoever was hired there since the first changed day;
  // judged whole when the count was not made of those stays.
  scopes_recounted = 0;
  for (const auto& [key, persons] : touched.stay_scopes) {
    if (whole.contains(key)) continue;
    auto occupancy = occupancy_.find(key);
    std::vector<detail::StayChange> changes;
    bool known = !touched.index_changed && occupancy != occupancy_.end();
    for (const auto& id : persons) {
      auto stays = touched.stays_before.find(id);
      if (!known || stays == touched.stays_before.end()) {
        known = false;
        break;
      }
      std::vector<std::pair<model::Date, model::Date>> ranges;
      for (const auto& stay : stays->second) {
        if (stay.type == key.type && detail::sameId(stay.unit, key.unit)) ranges.emplace_back(stay.from, stay.until);
      }
      changes.push_back({id, detail::mergeRanges(std::move(ranges))});
    }
    std::vector<Finding> out;
    std::vector<std::string> checked;
    auto subjects = known ? subjectsOf(key, persons) : detail::PersonSet{};
    if (!known ||
        !detail::evaluateUnitTypeStays(ctx, key, occupancy->second, changes, subjects, checkedIn(key), out, &checked)) {
      whole.insert(key);
      continue;
    }
    ++scopes_recounted;
    rejudged.push_back(key);
    takePart(key, subjects, checked, true, std::move(out));
  }
  for (const auto& [key, persons] : touched.scope_persons) {
    if (whole.contains(key) || touched.stay_scopes.contains(key)) continue;
    auto occupancy = occupancy_.find(key);
    if (occupancy == occupancy_.end()) {  // never judged whole: nothing to judge against
      whole.insert(key);
      continue;
    }
    const auto subjects = subjectsOf(key, {});
    std::vector<Finding> out;
    std::vector<std::string> checked;
    if (const auto latest =
            detail::evaluateUnitTypePersons(ctx, key, occupancy->second, subjects, checkedIn(key), out, &checked)) {
      occupancy->second.noteHire(*latest);
    }
    takePart(key, subjects, checked, false, std::move(out));
  }
  const std::vector<ScopeKey> whole_scopes(whole.begin(), whole.end());
  scopes_whole = whole_scopes.size();
  for (const auto& key : whole_scopes) {
    std::vector<Finding> out;
    detail::evaluateUnitTypeScope(ctx, key, out, &occupancy_[key], keep_for_changes);
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
  evaluateReductions(ctx, batch, false);
  detail::UnitSet suspension = touched.suspension;
  commit(batch, before, &suspension);
  batch.clear();
  for (const auto& [key, owned] : partial_scopes) {
    if (owned->empty()) continue;
    auto& list = by_scope_[key];
    list.insert(list.end(), owned->begin(), owned->end());
  }
  for (const auto& unit : suspension) batch.push_back({&by_suspension_[unit], evaluateSuspension(ctx, unit)});
  commit(batch, before, nullptr);

  // Only the owners this evaluation visited can have become empty.
  auto dropIfEmpty = [](auto& owners, const auto& key) {
    auto it = owners.find(key);
    if (it != owners.end() && it->second.empty()) owners.erase(it);
  };
  for (const auto& id : touched.persons) dropIfEmpty(by_person_, id);
  for (const auto& key : whole_scopes) dropIfEmpty(by_scope_, key);
  for (const auto& [key, owned] : partial_scopes) dropIfEmpty(by_scope_, key);
  for (const auto& key : touched.leaders) dropIfEmpty(by_leader_, key);
  for (const auto& key : touched.quarantine) dropIfEmpty(by_quarantine_, key);
  for (const auto& unit : suspension) dropIfEmpty(by_suspension_, unit);
  for (const auto& id : reductions_visited) dropIfEmpty(by_reduction_, id);
  rejudged.insert(rejudged.end(), whole_scopes.begin(), whole_scopes.end());
}

ChainEngine::State::Before ChainEngine::State::evaluate(model::Date as_of, bool everything) {
  // The open findings change only here. The sorted list of them (when it was made) is patched
  // after an evaluation that changed few: sorting a province's findings again took most of
  // the daemon's evaluation after one changed record.
  erased_.clear();
  const bool patch_sorted = !everything && !touched.all_persons;
  if (!patch_sorted) {
    const std::lock_guard lock(sorted_mutex_);
    dropSorted();
  }
  {
    const std::lock_guard lock(vacancy_mutex_);
    vacancy_rows_.clear();
  }
  // Links first: they decide which unit/type and leader scopes a person's change reaches.
  if (touched.all_persons) {
    index.setPayrollHint(0);  // the load is over: later rows come one by one
    index.linkAll(!never_changed);
  } else {
    index.touchPersonsNaming(touched);
    const std::vector<model::PersonId> relinked(touched.persons.begin(), touched.persons.end());
    for (const auto& id : relinked) index.relink(id, touched);
  }

  const detail::RuleContext ctx{index, params, as_of};
  Before before;
  // The pre-check's region scopes (occupancy and quotas over time, not the day) outlive an
  // evaluation that left them as they were: a region keeps its scopes while no unit of it is
  // judged whole again.
  if (everything || touched.all_persons || !touched.units_named.empty()) {
    forgetRegionScopes();
  }
  if (everything || touched.all_persons) {
    evaluateEverything(ctx, before);
  } else {
    std::vector<ScopeKey> rejudged;
    evaluateStale(ctx, before, rejudged);
    forgetRegionScopesOf(rejudged);
  }
  touched = detail::Touched{};
  last_as_of = as_of;
  if (patch_sorted) notePatch(before);
  return before;
}

void ChainEngine::State::notePatch(const Before& before) {
  constexpr std::size_t kMostPatched = 2048;  // beyond that, sorting them all again is as quick
  const std::lock_guard lock(sorted_mutex_);
  if (sorted_ && patch_fingerprints_.size() + before.size() <= kMostPatched) {
    patch_erased_.insert(patch_erased_.end(), erased_.begin(), erased_.end());
    for (const auto& [fp, old] : before) patch_fingerprints_.insert(fp);
  } else {
    dropSorted();
  }
  erased_.clear();
}

void ChainEngine::State::dropSorted() {
  sorted_.reset();
  patch_erased_.clear();
  patch_fingerprints_.clear();
}

void ChainEngine::State::patchSorted() const {
  if (patch_erased_.empty() && patch_fingerprints_.empty()) return;
  // Every finding erased since the list was made (by address: those nodes are gone, and their
  // addresses are compared only) leaves; every one written since, new or again, goes in at its
  // place.
  std::sort(patch_erased_.begin(), patch_erased_.end());
  auto& sorted = *sorted_;
  if (!patch_erased_.empty()) {
    std::erase_if(sorted, [&](const Finding* f) {
      return std::binary_search(patch_erased_.begin(), patch_erased_.end(), reinterpret_cast<std::uintptr_t>(f));
    });
  }
  for (const auto& fp : patch_fingerprints_) {
    auto it = current_.find(fp);
    if (it == current_.end()) continue;
    sorted.insert(std::upper_bound(sorted.begin(), sorted.end(), &it->second, findingPtrLess), &it->second);
  }
  patch_erased_.clear();
  patch_fingerprints_.clear();
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

std::vector<const Finding*> ChainEngine::State::sortedInPlace() const {
  // Sorted once per evaluation: a province's 30 thousand findings took a console page 10 ms each time.
  const std::lock_guard lock(sorted_mutex_);
  if (!sorted_) {
    std::vector<const Finding*> out;
    out.reserve(current_.size());
    for (const auto& [fp, finding] : current_) out.push_back(&finding);
    std::sort(out.begin(), out.end(), findingPtrLess);
    sorted_ = std::move(out);
  } else {
    patchSorted();
  }
  return *sorted_;
}

std::vector<Finding> ChainEngine::State::sortedFindings() const {
  std::vector<Finding> out;
  const auto sorted = sortedInPlace();
  out.reserve(sorted.size());
  for (const auto* finding : sorted) out.push_back(*finding);
  return out;
}

ChainEngine::ChainEngine(RuleParams params) : state_(std::make_unique<State>(std::move(params))) {}
ChainEngine::~ChainEngine() = default;
ChainEngine::ChainEngine(ChainEngine&&) noexcept = default;
ChainEngine& ChainEngine::operator=(ChainEngine&&) noexcept = default;

void ChainEngine::load(model::Dataset dataset) {
  state_->forgetRegionScopes();
  state_->putAll(std::move(dataset));
}

void ChainEngine::setSources(std::vector<std::string> sources) {
  state_->index.setSources(std::move(sources));
  // Evidence names sources: every finding may read differently now.
  state_->last_as_of.reset();
}

void ChainEngine::reset(std::vector<std::string> sources) {
  state_->forgetRegionScopes();
  state_->index.clear();
  state_->index.setSources(std::move(sources));
  state_->touched = detail::Touched{};
  state_->touched.all_persons = true;
  // Payroll is monthly and an export mostly holds a year: room for that at a person's first
  // row spares four regrowths each; linking after the load trims what was not used.
  state_->index.setPayrollHint(kPayrollRowsExpected);
  state_->last_as_of.reset();
}

// A change is seen by the region scopes only once evaluated: until then the pre-check counts
// afresh (precheckContext), and the evaluation forgets the scopes the change reached.
void ChainEngine::apply(const model::Record& record) {
  state_->index.put(record, state_->touched);
}

void ChainEngine::apply(model::Record&& record) {
  state_->index.put(std::move(record), state_->touched);
}

void ChainEngine::remove(model::RecordType type, std::string_view key) {
  state_->index.erase(type, key, state_->touched);
}

void ChainEngine::addQuarantine(model::QuarantineEntry entry) {
  state_->index.addQuarantine(std::move(entry), state_->touched);
}

void ChainEngine::removeQuarantine(std::string_view source, std::string_view origin) {
  state_->index.eraseQuarantine(QuarantineKey{std::string(source), std::string(origin)}, state_->touched);
}

void ChainEngine::setCaseSuspensions(std::vector<CaseSuspension> suspensions) {
  detail::UnitMap<std::vector<CaseSuspension>> next;
  for (auto& suspension : suspensions) next[suspension.unit].push_back(std::move(suspension));
  for (auto& [unit, list] : next) {
    std::sort(list.begin(), list.end(), [](const CaseSuspension& a, const CaseSuspension& b) {
      return std::tie(a.from, a.case_number) < std::tie(b.from, b.case_number);
    });
  }
  // Re-judge exactly the units whose suspensions differ, in either direction.
  auto& held = state_->case_suspensions_;
  for (const auto& [unit, list] : next) {
    auto it = held.find(unit);
    if (it == held.end() || it->second != list) state_->touched.addSuspension(unit);
  }
  for (const auto& [unit, list] : held) {
    if (!next.contains(unit)) state_->touched.addSuspension(unit);
  }
  held = std::move(next);
}

std::vector<Finding> ChainEngine::evaluateAll(model::Date as_of) {
  evaluateAllInPlace(as_of);
  return state_->sortedFindings();
}

void ChainEngine::evaluateAllInPlace(model::Date as_of) {
  (void)state_->evaluate(as_of, true);
}

FindingDelta ChainEngine::evaluateTouched(model::Date as_of) {
  const bool everything = !state_->last_as_of || *state_->last_as_of != as_of;
  return state_->deltaOf(state_->evaluate(as_of, everything));
}

std::vector<Finding> ChainEngine::findings() const {
  return state_->sortedFindings();
}

const Finding* ChainEngine::findingInPlace(const std::string& fingerprint) const {
  const auto& current = state_->current();
  const auto it = current.find(fingerprint);
  return it == current.end() ? nullptr : &it->second;
}

std::vector<const Finding*> ChainEngine::findingsInPlace() const {
  return state_->sortedInPlace();
}

std::size_t ChainEngine::reductionTasksJudged() const noexcept {
  return state_->reduction_tasks_judged;
}

void ChainEngine::keepForChanges(bool keep) noexcept {
  state_->keep_for_changes = keep;
}

void ChainEngine::neverChanged() noexcept {
  state_->never_changed = true;
  state_->keep_for_changes = false;
}

std::size_t ChainEngine::unitTypeScopesJudgedWhole() const noexcept {
  return state_->scopes_whole;
}

std::size_t ChainEngine::unitTypeScopesRecounted() const noexcept {
  return state_->scopes_recounted;
}

const RuleParams& ChainEngine::params() const noexcept {
  return state_->params;
}

detail::PrecheckContext ChainEngine::State::precheckContext(std::deque<detail::OccupancyCounter>& scratch) const {
  auto occupancy = [this, &scratch](const ScopeKey& key) -> const detail::OccupancyCounter& {
    const bool stale = touched.all_persons || !touched.roster_changed.empty() || touched.scopes.contains(key);
    if (!stale) {
      if (auto it = occupancy_.find(key); it != occupancy_.end()) return it->second;
    }
    return scratch.emplace_back(detail::countOccupancy(index, key));
  };
  auto region_scopes = [this](const std::string& region, model::EstabType type) -> const detail::RegionScopes* {
    // Only the occupancy of an evaluated engine lasts beyond this pre-check.
    if (!settled()) return nullptr;
    const std::lock_guard lock(region_mutex_);
    auto [it, added] = region_scopes_.try_emplace({region, type});
    if (added) {
      auto& counted = it->second.counted;
      auto lasting = [this, &counted](const ScopeKey& key) -> const detail::OccupancyCounter& {
        if (auto found = occupancy_.find(key); found != occupancy_.end()) return found->second;
        return counted.emplace_back(detail::countOccupancy(index, key));
      };
      const detail::PrecheckContext resolving{index, params, lasting, {}, {}, {}};
      it->second.scopes = detail::regionScopes(resolving, region, type);
    }
    return &it->second.scopes;
  };
  auto critical = [this](const model::UnitId& unit) {
    std::vector<const Finding*> out;
    if (auto it = critical_by_unit_.find(unit); it != critical_by_unit_.end()) {
      for (const auto& fp : it->second) out.push_back(&current_.at(fp));
    }
    return out;
  };
  auto case_suspensions = [this](const model::UnitId& unit) -> const std::vector<CaseSuspension>* {
    const auto it = case_suspensions_.find(unit);
    return it == case_suspensions_.end() ? nullptr : &it->second;
  };
  return detail::PrecheckContext{index, params, occupancy, critical, region_scopes, case_suspensions};
}

PrecheckAnswer ChainEngine::precheck(const PrecheckRequest& request) const {
  std::deque<detail::OccupancyCounter> scratch;
  return detail::precheck(state_->precheckContext(scratch), request);
}

PostFigures ChainEngine::posts(const model::UnitId& unit, model::EstabType type, model::Date day) const {
  std::deque<detail::OccupancyCounter> scratch;
  return detail::postFigures(state_->precheckContext(scratch), ScopeKey{unit, static_cast<std::uint8_t>(type)}, day);
}

std::optional<UnitProfile> ChainEngine::unitProfile(const model::UnitId& unit, model::Date day,
                                                    const UnitPaging& paging) const {
  return detail::unitProfile(state_->index, unit, day, paging);
}

std::vector<UnitMatch> ChainEngine::findUnits(const std::string& text, std::size_t offset, std::size_t limit,
                                              std::size_t& total) const {
  return detail::findUnits(state_->index, text, offset, limit, total);
}

std::vector<VacancyRow> ChainEngine::vacancies(model::Date day, const VacancyFilter& filter) const {
  std::deque<detail::OccupancyCounter> scratch;
  const auto ctx = state_->precheckContext(scratch);
  const detail::GhostPayLookup ghost_pay = [this](const model::UnitId& unit) { return state_->ghostPayOf(unit); };
  // One unit's rows are a few lookups; a region's or the province's are kept (vacancyRows).
  if (filter.unit || !state_->settled()) return detail::vacancies(ctx, day, filter, ghost_pay);
  const auto listed = state_->vacancyRows(day, filter.region, [&] {
    VacancyFilter whole;
    whole.region = filter.region;
    return detail::vacancies(ctx, day, whole, ghost_pay);
  });
  std::vector<VacancyRow> rows;
  for (const auto& row : *listed) {
    if (filter.type && *filter.type != row.type) continue;
    if (filter.recoverable && *filter.recoverable != row.recoverable) continue;
    rows.push_back(row);
  }
  return rows;
}

std::vector<ReductionProgress> ChainEngine::reductions(model::Date day, const ReductionFilter& filter) const {
  std::deque<detail::OccupancyCounter> scratch;
  return detail::reductions(state_->precheckContext(scratch), day, filter, state_->openReductionFindings());
}

std::vector<model::Record> ChainEngine::recordsOf(const model::PersonId& person) const {
  std::vector<model::Record> out;
  const detail::PersonRecords* held = state_->index.person(person);
  if (held == nullptr) return out;
  out.reserve(held->roster.size() + held->movements.size() + held->payroll.size() + 1);
  for (const auto& entry : held->roster) out.emplace_back(entry);
  for (const auto& movement : held->movements) out.emplace_back(movement);
  for (const auto& pay : held->payroll) out.emplace_back(state_->index.payRecord(person, pay));
  if (const auto* death = held->death()) out.emplace_back(*death);
  return out;
}

}  // namespace staffchain::chain
