// The rule families, one per evaluation scope; each appends the findings of its scope.
// Which rule reads what, and why that makes its scope complete, is in rules.md.
#pragma once

#include <vector>

#include "rule_support.hpp"
#include "staffchain/chain/case_suspension.hpp"

namespace staffchain::chain::detail {

// CHAIN-001, 002, 008, 011, 012: everything judged against one unit's posts of one type. The
// scope's occupancy goes to `occupancy_out` when given, for evaluateUnitTypePersons() later.
void evaluateUnitTypeScope(const RuleContext& ctx, const ScopeKey& key, std::vector<Finding>& out,
                           OccupancyCounter* occupancy_out = nullptr);
// The CHAIN-001, 002, 008 and 011 findings of `persons` alone in that scope, while its
// occupancy is still `occupancy` (nobody's stays in it changed): what a hire, an exit or a pay
// row needs judged there, without the whole scope. CHAIN-012 is left as it was.
void evaluateUnitTypePersons(const RuleContext& ctx, const ScopeKey& key, const OccupancyCounter& occupancy,
                             const PersonSet& persons, std::vector<Finding>& out);
// CHAIN-007.
void evaluateLeaderScope(const RuleContext& ctx, const LeaderKey& key, std::vector<Finding>& out);
// CHAIN-003, 005, 015, 017: a movement whose expected follow-up did not come by its deadline.
void evaluateDeadlineRules(const RuleContext& ctx, const PersonView& person, std::vector<Finding>& out);
// CHAIN-004, 006, 009, 010, 014: pay against roster, exits and deaths.
void evaluatePayRules(const RuleContext& ctx, const PersonView& person, std::vector<Finding>& out);
// CHAIN-013.
void evaluateRetirementRule(const RuleContext& ctx, const PersonView& person, std::vector<Finding>& out);
// CHAIN-016: `critical` are the open critical findings naming the unit, `cases` its suspensions
// by overdue rectification cases (null when none).
void evaluateSuspensionScope(const RuleContext& ctx, const model::UnitId& unit,
                             const std::vector<const Finding*>& critical, const std::vector<CaseSuspension>* cases,
                             std::vector<Finding>& out);
// CHAIN-018: a reduction task past its due date with posts still to recover.
void evaluateReductionTask(const RuleContext& ctx, const model::ReductionTask& task, std::vector<Finding>& out);
// DATA-001: one finding per quarantined source row.
void evaluateQuarantineGroup(const RuleContext& ctx, const QuarantineKey& key,
                             const std::vector<model::QuarantineEntry>& entries, std::vector<Finding>& out);

}  // namespace staffchain::chain::detail
