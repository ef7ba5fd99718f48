// CHAIN-016: an approval issued to a unit under suspension (暂停受理).
#include <fmt/format.h>

#include <algorithm>

#include "rule_families.hpp"

namespace staffchain::chain::detail {

namespace {

EvidenceItem caseEvidence(const CaseSuspension& suspension) {
  return EvidenceItem{"cases",
                      "case",
                      suspension.doc_no,
                      {{"case", std::to_string(suspension.case_number)},
                       {"deadline", model::formatDate(suspension.deadline)},
                       {"suspended_from", model::formatDate(suspension.from)},
                       {"suspended_until", suspension.until ? model::formatDate(*suspension.until) : ""}}};
}

}  // namespace

// A unit is suspended from since + suspend_after_days of each open critical finding naming
// it, until that finding resolves. Only findings open now are known, so an approval issued
// on or after the earliest such start (and not after the evaluation date) fires; the
// evidence names the finding that started the suspension. A unit is suspended too over the
// days a rectification case of it was overdue (those spans are kept, so they are known after
// the case closes); the evidence then names the case. One finding per approval, with every
// cause that held on its issue date.
void evaluateSuspensionScope(const RuleContext& ctx, const model::UnitId& unit,
                             const std::vector<const Finding*>& critical, const std::vector<CaseSuspension>* cases,
                             std::vector<Finding>& out) {
  const auto* ids = ctx.index.approvalsOfUnit(unit);
  if (ids == nullptr || (critical.empty() && (cases == nullptr || cases->empty()))) return;
  const Finding* first = nullptr;
  for (const auto* f : critical) {
    if (first == nullptr || f->since < first->since ||
        (f->since == first->since && f->fingerprint < first->fingerprint))
      first = f;
  }
  const auto suspendedFrom = first != nullptr ? first->since.plusDays(ctx.params.suspend_after_days) : model::Date{};
  const auto name = unitLabel(ctx.index, unit);
  for (const auto& [id, approval] : *ids) {
    if (approval->issued_on > ctx.as_of) continue;
    const bool by_finding = first != nullptr && approval->issued_on >= suspendedFrom;
    const CaseSuspension* by_case = nullptr;  // the earliest case suspension covering the issue date
    if (cases != nullptr) {
      for (const auto& suspension : *cases) {
        if (suspension.covers(approval->issued_on)) {
          by_case = &suspension;
          break;
        }
      }
    }
    if (!by_finding && by_case == nullptr) continue;
    auto finding = startFinding("CHAIN-016", unit, model::PersonId{}, approval->issued_on);
    if (by_finding) {
      finding.summary_en = fmt::format("{} approval {} issued to {} while suspended since {} ({} open since {})",
                                       model::formatDate(approval->issued_on), approval->approval_id, name,
                                       model::formatDate(suspendedFrom), first->rule, model::formatDate(first->since));
      finding.summary_zh = fmt::format("{} 向{}下达用编核准 {}，该单位自 {} 起暂停受理（{} 自 {} 起未整改）",
                                       model::formatDate(approval->issued_on), name, approval->approval_id,
                                       model::formatDate(suspendedFrom), first->rule, model::formatDate(first->since));
    } else {
      finding.summary_en = fmt::format(
          "{} approval {} issued to {} while suspended since {}: rectification case {} overdue (deadline {})",
          model::formatDate(approval->issued_on), approval->approval_id, name, model::formatDate(by_case->from),
          by_case->doc_no, model::formatDate(by_case->deadline));
      finding.summary_zh =
          fmt::format("{} 向{}下达用编核准 {}，该单位自 {} 起暂停受理（整改通知 {} 限期 {}，逾期未整改）",
                      model::formatDate(approval->issued_on), name, approval->approval_id,
                      model::formatDate(by_case->from), by_case->doc_no, model::formatDate(by_case->deadline));
    }
    finding.evidence.push_back(evidenceOf(ctx.index, *approval));
    if (by_finding) {
      finding.evidence.push_back(EvidenceItem{"engine",
                                              "finding",
                                              first->fingerprint,
                                              {{"rule", first->rule},
                                               {"since", model::formatDate(first->since)},
                                               {"suspended_from", model::formatDate(suspendedFrom)},
                                               {"summary", first->summary_en}}});
    }
    if (by_case != nullptr) finding.evidence.push_back(caseEvidence(*by_case));
    finding.fingerprint = makeFingerprint("CHAIN-016", {approval->approval_id, unit.view()});
    out.push_back(std::move(finding));
  }
}

}  // namespace staffchain::chain::detail
