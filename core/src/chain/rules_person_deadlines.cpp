// CHAIN-003, 005, 015, 017: a movement whose expected follow-up record had not come by the
// deadline effective_on + N days. Each fires only when the evaluation date is past the
// deadline, and resolves as soon as the follow-up exists (late or not).
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "rule_families.hpp"
#include "staffchain/model/enums.hpp"

namespace staffchain::chain::detail {
namespace {

using model::Date;
using model::Movement;
using model::MovementKind;

EvidenceItem deadlineEvidence(const Movement& m, std::string_view rule, std::int32_t days, Date deadline) {
  return derivedEvidence(
      fmt::format("deadline|{}|{}", rule, m.movement_id),
      {{"movement_id", m.movement_id}, {"days", std::to_string(days)}, {"deadline", model::formatDate(deadline)}});
}

// CHAIN-003: a hire or transfer in, and the person was on that unit's roster at no time
// between its effective date and the evaluation date.
void checkRosterAfterHire(const RuleContext& ctx, const PersonView& person, std::vector<Finding>& out) {
  const auto days = ctx.params.roster_after_hire_days;
  for (const auto& m : person.records.movements) {
    if (!model::isHire(m.kind) || m.effective_on > ctx.as_of) continue;
    const auto deadline = m.effective_on.plusDays(days);
    if (ctx.as_of <= deadline) continue;
    if (person.onRosterDuring(m.unit_id, m.effective_on, ctx.as_of)) continue;
    auto finding = startFinding("CHAIN-003", m.unit_id, person.id, deadline);
    const auto unit = unitLabel(ctx.index, m.unit_id);
    const auto who = masked(person.id);
    finding.summary_en = fmt::format("{} {} of {} into {} not on its roster {} days later (deadline {})",
                                     model::formatDate(m.effective_on), model::toString(m.kind), who, unit, days,
                                     model::formatDate(deadline));
    finding.summary_zh = fmt::format("{} {} {}进入{}，逾 {} 日（{}）仍未上编", model::formatDate(m.effective_on), who,
                                     model::chineseLabel(m.kind), unit, days, model::formatDate(deadline));
    finding.evidence.push_back(evidenceOf(ctx.index, m));
    finding.evidence.push_back(deadlineEvidence(m, "CHAIN-003", days, deadline));
    finding.fingerprint = makeFingerprint("CHAIN-003", {m.movement_id, person.id.view(), m.unit_id.view()});
    out.push_back(std::move(finding));
  }
}

// CHAIN-005: only the latest exit from each unit is judged (an earlier one is superseded).
// The person is still on that unit's roster on the evaluation date and did not come back
// (no hire or transfer in to the unit after the exit). Deaths are left to CHAIN-014.
void checkRosterAfterExit(const RuleContext& ctx, const PersonView& person, std::vector<Finding>& out) {
  if (person.died_on && *person.died_on <= ctx.as_of) return;
  std::map<model::UnitId, const Movement*> latest;
  for (const auto& m : person.records.movements) {
    if (m.effective_on > ctx.as_of) break;
    if (model::isExit(m.kind) && m.kind != MovementKind::death) latest[m.unit_id] = &m;
  }
  const auto days = ctx.params.roster_after_exit_days;
  for (const auto& [unitId, exit] : latest) {
    const auto deadline = exit->effective_on.plusDays(days);
    if (ctx.as_of <= deadline) continue;
    // Named copies: a lambda may not capture a structured binding in clang 14 (the fuzz build).
    const model::UnitId& left_unit = unitId;
    const Date left_on = exit->effective_on;
    const bool cameBack =
        std::any_of(person.records.movements.begin(), person.records.movements.end(), [&](const Movement& m) {
          return model::isHire(m.kind) && m.unit_id == left_unit && m.effective_on > left_on &&
                 m.effective_on <= ctx.as_of;
        });
    if (cameBack) continue;
    const auto* stay = person.intervalOn(ctx.as_of, &unitId);
    if (stay == nullptr) continue;
    auto finding = startFinding("CHAIN-005", unitId, person.id, deadline);
    const auto unit = unitLabel(ctx.index, unitId);
    const auto who = masked(person.id);
    finding.summary_en = fmt::format("{} {} of {} from {} but still on its roster {} days later (deadline {})",
                                     model::formatDate(exit->effective_on), model::toString(exit->kind), who, unit,
                                     days, model::formatDate(deadline));
    finding.summary_zh = fmt::format("{} {} {}离开{}，逾 {} 日（{}）仍未下编", model::formatDate(exit->effective_on),
                                     who, model::chineseLabel(exit->kind), unit, days, model::formatDate(deadline));
    finding.evidence.push_back(evidenceOf(ctx.index, *exit));
    finding.evidence.push_back(evidenceOf(ctx.index, *stay));
    finding.evidence.push_back(deadlineEvidence(*exit, "CHAIN-005", days, deadline));
    finding.fingerprint = makeFingerprint("CHAIN-005", {exit->movement_id, person.id.view(), unitId.view()});
    out.push_back(std::move(finding));
  }
}

// CHAIN-015: a second_out with no second_return of the person dated between it and the
// evaluation date.
void checkSecondment(const RuleContext& ctx, const PersonView& person, std::vector<Finding>& out) {
  const auto days = ctx.params.secondment_max_days;
  const auto& moves = person.records.movements;
  for (const auto& m : moves) {
    if (m.kind != MovementKind::second_out || m.effective_on > ctx.as_of) continue;
    const auto deadline = m.effective_on.plusDays(days);
    if (ctx.as_of <= deadline) continue;
    const bool returned = std::any_of(moves.begin(), moves.end(), [&](const Movement& r) {
      return r.kind == MovementKind::second_return && r.effective_on >= m.effective_on && r.effective_on <= ctx.as_of;
    });
    if (returned) continue;
    auto finding = startFinding("CHAIN-015", m.unit_id, person.id, deadline);
    const auto unit = unitLabel(ctx.index, m.unit_id);
    const auto who = masked(person.id);
    finding.summary_en = fmt::format("{} seconded from {} on {}, no return after {} days (deadline {})", who, unit,
                                     model::formatDate(m.effective_on), days, model::formatDate(deadline));
    finding.summary_zh = fmt::format("{} 于 {} 自{}借调，逾 {} 日（{}）未归还", who, model::formatDate(m.effective_on),
                                     unit, days, model::formatDate(deadline));
    finding.evidence.push_back(evidenceOf(ctx.index, m));
    finding.evidence.push_back(deadlineEvidence(m, "CHAIN-015", days, deadline));
    finding.fingerprint = makeFingerprint("CHAIN-015", {m.movement_id, person.id.view(), m.unit_id.view()});
    out.push_back(std::move(finding));
  }
}

// CHAIN-017: a roster_add whose stay lasted past the deadline, and no pay by any unit for a
// month from the roster month to the evaluation month, nor a pay_start dated in that span.
void checkPayAfterRoster(const RuleContext& ctx, const PersonView& person, std::vector<Finding>& out) {
  const auto days = ctx.params.pay_after_roster_days;
  for (const auto& stay : person.presence) {
    if (stay.add == nullptr) continue;
    const auto& m = *stay.add;
    if (m.effective_on > ctx.as_of) continue;
    const auto deadline = m.effective_on.plusDays(days);
    if (ctx.as_of <= deadline || stay.until <= deadline) continue;
    const auto first = model::Month::of(m.effective_on);
    const auto last = model::Month::of(ctx.as_of);
    const bool paid =
        std::any_of(person.records.payroll.begin(), person.records.payroll.end(),
                    [&](const PayRow& p) { return p.month >= first && p.month <= last; }) ||
        std::any_of(person.records.movements.begin(), person.records.movements.end(), [&](const Movement& s) {
          return s.kind == MovementKind::pay_start && s.effective_on >= m.effective_on && s.effective_on <= ctx.as_of;
        });
    if (paid) continue;
    auto finding = startFinding("CHAIN-017", m.unit_id, person.id, deadline);
    const auto unit = unitLabel(ctx.index, m.unit_id);
    const auto who = masked(person.id);
    finding.summary_en = fmt::format("{} on the roster of {} since {}, no pay after {} days (deadline {})", who, unit,
                                     model::formatDate(m.effective_on), days, model::formatDate(deadline));
    finding.summary_zh = fmt::format("{} 于 {} 上编{}，逾 {} 日（{}）未起薪", who, model::formatDate(m.effective_on),
                                     unit, days, model::formatDate(deadline));
    finding.evidence.push_back(evidenceOf(ctx.index, m));
    finding.evidence.push_back(deadlineEvidence(m, "CHAIN-017", days, deadline));
    finding.fingerprint = makeFingerprint("CHAIN-017", {m.movement_id, person.id.view(), m.unit_id.view()});
    out.push_back(std::move(finding));
  }
}

}  // namespace

void evaluateDeadlineRules(const RuleContext& ctx, const PersonView& person, std::vector<Finding>& out) {
  checkRosterAfterHire(ctx, person, out);
  checkRosterAfterExit(ctx, person, out);
  checkSecondment(ctx, person, out);
  checkPayAfterRoster(ctx, person, out);
}

}  // namespace staffchain::chain::detail
