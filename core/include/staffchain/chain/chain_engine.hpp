// The chain engine: indexes every source's records in memory and evaluates the chain rules,
// in full or only for what a batch of changes touched.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "staffchain/chain/case_suspension.hpp"
#include "staffchain/chain/finding.hpp"
#include "staffchain/chain/precheck.hpp"
#include "staffchain/chain/reduction_tasks.hpp"
#include "staffchain/chain/rule_params.hpp"
#include "staffchain/chain/unit_profile.hpp"
#include "staffchain/chain/vacancy_pool.hpp"
#include "staffchain/model/calendar.hpp"
#include "staffchain/model/records.hpp"

namespace staffchain::chain {

// What one incremental evaluation changed in the set of open findings.
struct FindingDelta {
  std::vector<Finding> changed;       // new findings, and open ones whose content changed (sorted)
  std::vector<std::string> resolved;  // fingerprints no longer open (sorted)

  [[nodiscard]] bool empty() const noexcept { return changed.empty() && resolved.empty(); }
};

// Not thread-safe: one owner feeds it records and asks for evaluations.
//
// The engine keeps the open findings of its last evaluation. evaluateTouched() re-evaluates
// only the persons, unit/types, leader posts, suspended units and quarantine rows that the
// changes since the last evaluation touched, so its result always equals what evaluateAll()
// would give; when `as_of` differs from the last evaluation's, every deadline moves and it
// re-evaluates everything (still returning only the delta).
class ChainEngine {
 public:
  explicit ChainEngine(RuleParams params);
  ~ChainEngine();
  ChainEngine(ChainEngine&&) noexcept;
  ChainEngine& operator=(ChainEngine&&) noexcept;
  ChainEngine(const ChainEngine&) = delete;
  ChainEngine& operator=(const ChainEngine&) = delete;

  // Replaces everything held with `dataset`. Records with the same type and recordKey
  // replace each other (the later one wins).
  void load(model::Dataset dataset);
  // The connector names that Origin::source indexes into (load() takes them from the dataset).
  void setSources(std::vector<std::string> sources);

  // load() in steps, for a caller that reads records one at a time (an audit of a folder), so
  // that they are never held twice: forgets everything held and takes `sources`; the records
  // then come through apply(), and the next evaluation judges everything.
  void reset(std::vector<std::string> sources);

  // A new or changed record: replaces the held record of the same type and recordKey.
  void apply(const model::Record& record);
  void apply(model::Record&& record);
  // Forgets the record of `type` whose model::recordKey is `key`; unknown keys are ignored.
  void remove(model::RecordType type, std::string_view key);
  void addQuarantine(model::QuarantineEntry entry);
  // Forgets every quarantine entry of that source and origin (the row was fixed or dropped).
  void removeQuarantine(std::string_view source, std::string_view origin);
  // Replaces the units suspended by overdue rectification cases: CHAIN-016 and the pre-check
  // judge them from the next evaluation on (only the units whose suspensions changed are re-judged).
  void setCaseSuspensions(std::vector<CaseSuspension> suspensions);

  // Every open finding as of `as_of`, sorted by findingLess; also becomes the engine's current set.
  std::vector<Finding> evaluateAll(model::Date as_of);
  // evaluateAll() for a caller that reads the result in place (findingsInPlace()).
  void evaluateAllInPlace(model::Date as_of);
  FindingDelta evaluateTouched(model::Date as_of);
  // How many reduction tasks the last evaluation judged: every one after a load or on a new
  // day, else those whose task, unit row or unit/type (quotas, approvals) changed.
  [[nodiscard]] std::size_t reductionTasksJudged() const noexcept;
  // Whether the engine keeps, per unit/type, the members on the roster on the evaluation day,
  // so that a change's CHAIN-012 is listed without judging the scope whole (on by default). An
  // engine evaluated once, as the audit's, has no use for them: some 40 MB at a million persons.
  void keepForChanges(bool keep) noexcept;
  // An engine evaluated after its load and never changed (the audit's) keeps, from its first
  // evaluation on, neither each person's links to the scopes and approvals of their records nor
  // which person holds which movement id: only a change reads them (some 150 MB at a million
  // persons), nor the members on the roster (keepForChanges(false)). A change applied after that
  // evaluation is refused (std::logic_error) until the next load() or reset().
  void neverChanged() noexcept;
  // How many unit/type scopes (CHAIN-001, 002, 008, 011, 012) the last evaluation judged whole,
  // and how many it counted again from the stays of the members whose stays changed alone.
  [[nodiscard]] std::size_t unitTypeScopesJudgedWhole() const noexcept;
  [[nodiscard]] std::size_t unitTypeScopesRecounted() const noexcept;
  // The open finding with that fingerprint, in place (valid as findingsInPlace()), or null.
  [[nodiscard]] const Finding* findingInPlace(const std::string& fingerprint) const;
  // The open findings of the last evaluation, sorted.
  [[nodiscard]] std::vector<Finding> findings() const;
  // The same without copying them: pointers into the engine, valid until its next change or
  // evaluation (a province's findings with their evidence are some 60 MB).
  [[nodiscard]] std::vector<const Finding*> findingsInPlace() const;

  [[nodiscard]] const RuleParams& params() const noexcept;

  // What the engine holds of one person, as ingested: roster rows, movements, payroll months
  // and deaths (empty for a person it does not know).
  [[nodiscard]] std::vector<model::Record> recordsOf(const model::PersonId& person) const;

  // Would this hire, transfer, appointment or approval break the chain (事前预审)? Read against
  // the records held and the findings of the last evaluation (what suspends a unit).
  [[nodiscard]] PrecheckAnswer precheck(const PrecheckRequest& request) const;
  // Approved, occupied and reserved posts of a unit and type on `day`.
  [[nodiscard]] PostFigures posts(const model::UnitId& unit, model::EstabType type, model::Date day) const;
  // The vacancy pool on `day`: every unit/type with approved posts or people on its roster,
  // sorted by region, unit and type; recoverable as of the last evaluation's findings.
  [[nodiscard]] std::vector<VacancyRow> vacancies(model::Date day, const VacancyFilter& filter = {}) const;
  // The reduction tasks (控编减编) on `day`: per task the posts set and recovered, the excess
  // absorbed, and its state, with the open CHAIN-018 of each overdue one.
  [[nodiscard]] std::vector<ReductionProgress> reductions(model::Date day, const ReductionFilter& filter = {}) const;
  // One unit's page (单位): its row, leadership posts, roster and movements on `day`; nullopt
  // for a unit the engine does not know.
  [[nodiscard]] std::optional<UnitProfile> unitProfile(const model::UnitId& unit, model::Date day,
                                                       const UnitPaging& paging = {}) const;
  // Units whose credit code or name contains `text` (every unit when it is empty), by region and
  // name; `total` says how many matched before `offset` and `limit`.
  [[nodiscard]] std::vector<UnitMatch> findUnits(const std::string& text, std::size_t offset, std::size_t limit,
                                                 std::size_t& total) const;

 private:
  class State;
  std::unique_ptr<State> state_;
};

}  // namespace staffchain::chain
