// The rule families, one per evaluation scope; each appends the findings of its scope.
// Which rule reads what, and why that makes its scope complete, is in rules.md.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rule_support.hpp"
#include "staffchain/chain/case_suspension.hpp"

namespace staffchain::chain::detail {

// CHAIN-001, 002, 008, 011, 012: everything judged against one unit's posts of one type. The
// scope's occupancy goes to `occupancy_out` when given, for evaluateUnitTypePersons() later,
// with the members on the roster that day when `list_current` (OccupancyCounter::current()).
void evaluateUnitTypeScope(const RuleContext& ctx, const ScopeKey& key, std::vector<Finding>& out,
                           OccupancyCounter* occupancy_out = nullptr, bool list_current = false);
// A place in the order in which an approval's uses take its slots (effective_on, then
// movement_id): a use there or after it may read differently after a change. The default is
// before every use.
struct UseFrom {
  model::Date on{std::numeric_limits<std::int32_t>::min()};
  std::string movement_id;
};
// The approvals whose uses may read differently, from where in their order.
using CheckedApprovals = std::map<std::string, UseFrom, std::less<>>;

// The CHAIN-001, 002, 008 and 011 findings of `persons` alone in that scope, while its
// occupancy is still `occupancy` (nobody's stays in it changed): what a hire, an exit or a pay
// row needs judged there, without the whole scope. CHAIN-012 is left as it was. The other
// citers of the `checked` approvals have the CHAIN-001 of their hires citing them from that
// place on judged too, and the fingerprints those findings have when raised go to
// `checked_fingerprints`. Returns the latest of the hires of `persons` judged there, if any.
std::optional<model::Date> evaluateUnitTypePersons(const RuleContext& ctx, const ScopeKey& key,
                                                   const OccupancyCounter& occupancy, const PersonSet& persons,
                                                   const CheckedApprovals* checked, std::vector<Finding>& out,
                                                   std::vector<std::string>* checked_fingerprints);
// A person whose stays in a scope changed, and those stays (merged) as the scope's occupancy
// counted them.
struct StayChange {
  model::PersonId person;
  std::vector<std::pair<model::Date, model::Date>> before;
};
// The scope after some members' stays changed, without judging it whole: `occupancy` counted
// again from their stays before and after, and the findings of `persons` (who must include
// them) judged against it, as evaluateUnitTypePersons() does, and the scope's CHAIN-012 again.
// Every other member hired there on or after the first changed day reads another vacancy: they
// join `persons` and are judged again too. Returns false, with nothing changed or added, when
// that is not enough: the stays before are not in the count. Judge it whole then.
bool evaluateUnitTypeStays(const RuleContext& ctx, const ScopeKey& key, OccupancyCounter& occupancy,
                           const std::vector<StayChange>& changes, PersonSet& persons, const CheckedApprovals* checked,
                           std::vector<Finding>& out, std::vector<std::string>* checked_fingerprints);
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
