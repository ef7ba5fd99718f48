// What every rule family shares: the evaluation context, the person view, evidence items
// built from records, and the wording pieces of summaries.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chain_index.hpp"
#include "presence.hpp"
#include "staffchain/chain/finding.hpp"
#include "staffchain/chain/rule_params.hpp"

namespace staffchain::chain::detail {

struct RuleContext {
  const ChainIndex& index;
  const RuleParams& params;
  model::Date as_of;
};

// A person's records with the timelines every person rule needs, computed once.
struct PersonView {
  model::PersonId id;
  const PersonRecords& records;
  std::vector<PresenceInterval> presence;
  std::optional<model::Date> died_on;  // earliest death recorded (death movement or deaths.csv)
  const model::Movement* death_movement = nullptr;
  const model::Death* death_record = nullptr;

  PersonView(const ChainIndex& index, const model::PersonId& person, const PersonRecords& records);
  [[nodiscard]] bool onAnyRosterOn(model::Date d) const noexcept;
  [[nodiscard]] bool onRosterDuring(const model::UnitId& unit, model::Date first, model::Date last) const noexcept;
  // The interval of `unit` (any unit when empty) containing `d`, if any (the earliest-starting).
  [[nodiscard]] const PresenceInterval* intervalOn(model::Date d, const model::UnitId* unit = nullptr) const noexcept;
};

// The exit (not a death) from `unit` that pay by `unit` for `month` comes after: the latest
// one whose month plus payroll_grace_months is before `month`, dated by the month's end, with
// no return to the unit (a hire or roster_add into it) after it by then. nullptr when the pay
// is not after an exit. Such a "ghost month" is CHAIN-006's alone (rules.md).
const model::Movement* exitBeforePay(const RuleContext& ctx, const PersonView& person, const model::UnitId& unit,
                                     model::Month month);

// CHAIN-011: institution posts do not belong in an organ; administrative and political-legal
// posts do not belong in a public-welfare institution or a business unit. Civil-service-managed
// units may hold any type.
bool fitsUnitKind(model::UnitKind kind, model::EstabType type) noexcept;

// A finding with rule, severity (from the catalogue), unit, person and since filled in.
Finding startFinding(std::string_view rule, const model::UnitId& unit, const model::PersonId& person,
                     model::Date since);

EvidenceItem evidenceOf(const ChainIndex& index, const model::Unit& unit);
EvidenceItem evidenceOf(const ChainIndex& index, const model::Quota& quota);
EvidenceItem evidenceOf(const ChainIndex& index, const model::LeaderQuota& quota);
EvidenceItem evidenceOf(const ChainIndex& index, const model::Approval& approval);
EvidenceItem evidenceOf(const ChainIndex& index, const model::RosterEntry& entry);
EvidenceItem evidenceOf(const ChainIndex& index, const model::Movement& movement);
EvidenceItem evidenceOf(const ChainIndex& index, const model::PersonId& person, const PayRow& pay);
EvidenceItem evidenceOf(const ChainIndex& index, const model::Death& death);
EvidenceItem evidenceOf(const ChainIndex& index, const model::ReductionTask& task);
EvidenceItem evidenceOf(const ChainIndex& index, const PresenceInterval& interval);
// A fact the engine derived (a count, a deadline), for evidence that is not a single record.
EvidenceItem derivedEvidence(std::string record_id, std::vector<std::pair<std::string, std::string>> fields);

// The unit's name, or its id when no units.csv row names it.
std::string unitLabel(const ChainIndex& index, const model::UnitId& unit);
std::string masked(const model::PersonId& person);
std::string_view typeName(std::uint8_t type) noexcept;    // "admin", or "unknown"
std::string_view typeNameZh(std::uint8_t type) noexcept;  // "行政编制", or "未知编制类型"
model::Date lastDayOf(model::Month month) noexcept;

}  // namespace staffchain::chain::detail
