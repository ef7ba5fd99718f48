// CHAIN-016: an approval issued to a unit under suspension (暂停受理).
#include <fmt/format.h>

#include <algorithm>

#include "rule_families.hpp"

namespace staffchain::chain::detail {

// A unit is suspended from since + suspend_after_days of each open critical finding naming
// it, until that finding resolves. Only findings open now are known, so an approval issued
// on or after the earliest such start (and not after the evaluation date) fires; the
// evidence names the finding that started the suspension. One finding per approval.
void evaluateSuspensionScope(const RuleContext& ctx, const model::UnitId& unit,
                             const std::vector<const Finding*>& critical, std::vector<Finding>& out) {
  const auto* ids = ctx.index.approvalsOfUnit(unit);
  if (ids == nullptr || critical.empty()) return;
  const Finding* first = nullptr;
  for (const auto* f : critical) {
    if (first == nullptr || f->since < first->since ||
        (f->since == first->since && f->fingerprint < first->fingerprint))
      first = f;
  }
  const auto suspendedFrom = first->since.plusDays(ctx.params.suspend_after_days);
  const auto name = unitLabel(ctx.index, unit);
  for (const auto& id : *ids) {
    const auto* approval = ctx.index.approval(id);
    if (approval == nullptr || approval->issued_on < suspendedFrom || approval->issued_on > ctx.as_of) continue;
    auto finding = startFinding("CHAIN-016", unit, model::PersonId{}, approval->issued_on);
    finding.summary_en = fmt::format("{} approval {} issued to {} while suspended since {} ({} open since {})",
                                     model::formatDate(approval->issued_on), approval->approval_id, name,
                                     model::formatDate(suspendedFrom), first->rule, model::formatDate(first->since));
    finding.summary_zh = fmt::format("{} 向{}下达用编核准 {}，该单位自 {} 起暂停受理（{} 自 {} 起未整改）",
                                     model::formatDate(approval->issued_on), name, approval->approval_id,
                                     model::formatDate(suspendedFrom), first->rule, model::formatDate(first->since));
    finding.evidence.push_back(evidenceOf(ctx.index, *approval));
    finding.evidence.push_back(EvidenceItem{"engine",
                                            "finding",
                                            first->fingerprint,
                                            {{"rule", first->rule},
                                             {"since", model::formatDate(first->since)},
                                             {"suspended_from", model::formatDate(suspendedFrom)},
                                             {"summary", first->summary_en}}});
    finding.fingerprint = makeFingerprint("CHAIN-016", {approval->approval_id, unit.view()});
    out.push_back(std::move(finding));
  }
}

}  // namespace staffchain::chain::detail
