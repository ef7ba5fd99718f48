// CHAIN-013: a person past statutory retirement age still on a roster or still paid.
#include <fmt/format.h>

#include "rule_families.hpp"
#include "staffchain/model/enums.hpp"
#include "staffchain/model/identifiers.hpp"

namespace staffchain::chain::detail {

// Reading: the person reached the statutory age (birth date and sex from the citizen id,
// age from RuleParams) on a date R before the evaluation date, has no retire movement and no
// death dated on or before the evaluation date, and on the evaluation date is on some unit's
// roster, or was paid for the evaluation month or the month before it, that month being
// after R's month (payroll lands monthly, so the month before is the latest complete one).
// A stay or pay left over after a recorded exit from its unit (resignation, dismissal,
// transfer out) is not a missing retirement: the person has left, and the leftover is
// CHAIN-005's (roster) or CHAIN-006's (pay) alone.
// since = R. One finding per person; the unit is the roster unit on the evaluation date, or
// else the unit of the latest such pay.
namespace {

// Whether the person exited the stay's unit after the stay began, by `as_of`, with no
// return to it since.
bool leftSince(const PersonView& person, const PresenceInterval& stay, model::Date as_of) {
  bool left = false;
  for (const auto& m : person.records.movements) {
    if (m.effective_on > as_of) break;
    if (m.unit_id != stay.unit || m.effective_on < stay.from) continue;
    if (model::isExit(m.kind))
      left = true;
    else if (model::isHire(m.kind))
      left = false;
  }
  return left;
}

}  // namespace

void evaluateRetirementRule(const RuleContext& ctx, const PersonView& person, std::vector<Finding>& out) {
  const auto born = model::birthDateOf(person.id);
  const auto sex = model::sexOf(person.id);
  const auto reached = ctx.params.retirementDate(born, sex);
  if (ctx.as_of <= reached) return;
  if (person.died_on && *person.died_on <= ctx.as_of) return;
  for (const auto& m : person.records.movements) {
    if (m.effective_on > ctx.as_of) break;
    if (m.kind == model::MovementKind::retire) return;
  }
  const PresenceInterval* stay = nullptr;
  for (const auto& p : person.presence) {
    if (p.contains(ctx.as_of) && !leftSince(person, p, ctx.as_of)) {
      stay = &p;
      break;
    }
  }
  const PayRow* pay = nullptr;
  const auto thisMonth = model::Month::of(ctx.as_of);
  const auto reachedMonth = model::Month::of(reached);
  for (const auto& row : person.records.payroll) {
    if (row.month > thisMonth) break;
    if (row.month >= thisMonth.plus(-1) && row.month > reachedMonth &&
        exitBeforePay(ctx, person, ctx.index.payUnit(row), row.month) == nullptr) {
      pay = &row;
    }
  }
  if (stay == nullptr && pay == nullptr) return;
  const auto unitId = stay != nullptr ? stay->unit : ctx.index.payUnit(*pay);
  auto finding = startFinding("CHAIN-013", unitId, person.id, reached);
  const auto unit = unitLabel(ctx.index, unitId);
  const auto who = masked(person.id);
  const auto months = ctx.params.retirementAgeMonths(born, sex);
  const auto age = months % 12 == 0 ? fmt::format("{}", months / 12) : fmt::format("{}y{}m", months / 12, months % 12);
  const auto ageZh =
      months % 12 == 0 ? fmt::format("{} 周岁", months / 12) : fmt::format("{} 岁 {} 个月", months / 12, months % 12);
  finding.summary_en =
      fmt::format("{} reached the statutory retirement age {} on {}, still {} {}, no retirement recorded", who, age,
                  model::formatDate(reached), stay != nullptr ? "on the roster of" : "paid by", unit);
  finding.summary_zh = fmt::format("{} 已于 {} 达到法定退休年龄（{}），仍{}{}，未办理退休", who,
                                   model::formatDate(reached), ageZh, stay != nullptr ? "在编于" : "领取工资于", unit);
  finding.evidence.push_back(derivedEvidence(fmt::format("retirement-age|{}", person.id.view()),
                                             {{"person_id", person.id.str()},
                                              {"born_on", model::formatDate(born)},
                                              {"sex", sex == model::Sex::male ? "male" : "female"},
                                              {"age_months", std::to_string(months)},
                                              {"reached_on", model::formatDate(reached)}}));
  if (stay != nullptr) finding.evidence.push_back(evidenceOf(ctx.index, *stay));
  if (pay != nullptr) finding.evidence.push_back(evidenceOf(ctx.index, person.id, *pay));
  finding.fingerprint = makeFingerprint("CHAIN-013", {person.id.view()});
  out.push_back(std::move(finding));
}

}  // namespace staffchain::chain::detail
