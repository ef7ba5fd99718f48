// The rule families, one per evaluation scope; each appends the findings of its scope.
// Which rule reads what, and why that makes its scope complete, is in rules.md.
#pragma once

#include <vector>

#include "rule_support.hpp"

namespace staffchain::chain::detail {

// CHAIN-001, 002, 008, 011, 012: everything judged against one unit's posts of one type.
void evaluateUnitTypeScope(const RuleContext& ctx, const ScopeKey& key, std::vector<Finding>& out);
// CHAIN-007.
void evaluateLeaderScope(const RuleContext& ctx, const LeaderKey& key, std::vector<Finding>& out);
// CHAIN-003, 005, 015, 017: a movement whose expected follow-up did not come by its deadline.
void evaluateDeadlineRules(const RuleContext& ctx, const PersonView& person, std::vector<Finding>& out);
// CHAIN-004, 006, 009, 010, 014: pay against roster, exits and deaths.
void evaluatePayRules(const RuleContext& ctx, const PersonView& person, std::vector<Finding>& out);
// CHAIN-013.
void evaluateRetirementRule(const RuleContext& ctx, const PersonView& person, std::vector<Finding>& out);
// CHAIN-016: `critical` are the open critical findings naming the unit.
void evaluateSuspensionScope(const RuleContext& ctx, const model::UnitId& unit,
                             const std::vector<const Finding*>& critical, std::vector<Finding>& out);
// DATA-001: one finding per quarantined source row.
void evaluateQuarantineGroup(const RuleContext& ctx, const QuarantineKey& key,
                             const std::vector<model::QuarantineEntry>& entries, std::vector<Finding>& out);

}  // namespace staffchain::chain::detail
