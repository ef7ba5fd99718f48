// CHAIN-004, 006, 009, 010, 014: each paid month judged against roster stays, exits and deaths.
// Only months up to the evaluation month count. A month paid after an exit (CHAIN-006) or a
// death (CHAIN-014) is reported there only: it is not also pay without roster, double pay or
// pay by the wrong unit.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "rule_families.hpp"
#include "staffchain/model/enums.hpp"

namespace staffchain::chain::detail {
namespace {

using model::Date;
using model::Month;
using model::Movement;
using model::MovementKind;

constexpr std::size_t kMaxPayEvidence = 12;

void addPayEvidence(const RuleContext& ctx, Finding& finding, const std::vector<const PayRow*>& rows) {
  for (std::size_t i = 0; i < rows.size() && i < kMaxPayEvidence; ++i) {
    finding.evidence.push_back(evidenceOf(ctx.index, finding.person_id, *rows[i]));
  }
  if (rows.size() > kMaxPayEvidence) {
    finding.evidence.push_back(
        derivedEvidence(fmt::format("paid-months|{}|{}", finding.rule,
                                    finding.fingerprint.empty() ? finding.person_id.str() : finding.fingerprint),
                        {{"months", std::to_string(rows.size())},
                         {"first", model::formatMonth(rows.front()->month)},
                         {"last", model::formatMonth(rows.back()->month)}}));
  }
}

std::string monthSpan(const std::vector<const PayRow*>& rows) {
  const auto first = model::formatMonth(rows.front()->month);
  const auto last = model::formatMonth(rows.back()->month);
  return first == last ? first : first + ".." + last;
}

struct PayJudgement {
  // Rows past an exit from the paying unit, by the exit that they follow.
  std::map<const Movement*, std::vector<const PayRow*>> after_exit;
  std::vector<const PayRow*> after_death;
  std::vector<const PayRow*> ordinary;  // the rest, up to the evaluation month
};

PayJudgement judgeRows(const RuleContext& ctx, const PersonView& person) {
  PayJudgement j;
  const auto grace = ctx.params.payroll_grace_months;
  const auto lastMonth = Month::of(ctx.as_of);
  std::optional<Month> deathMonth;
  if (person.died_on && *person.died_on <= ctx.as_of) deathMonth = Month::of(*person.died_on);
  for (const auto& row : person.records.payroll) {
    if (row.month > lastMonth) break;
    if (deathMonth && row.month > deathMonth->plus(grace)) {
      j.after_death.push_back(&row);
      continue;
    }
    const Movement* exit = exitBeforePay(ctx, person, ctx.index.payUnit(row), row.month);
    if (exit != nullptr) {
      j.after_exit[exit].push_back(&row);
    } else {
      j.ordinary.push_back(&row);
    }
  }
  return j;
}

// CHAIN-006: one finding per exit with pay by the exited unit after exit month + grace.
void reportPayAfterExit(const RuleContext& ctx, const PersonView& person, const PayJudgement& j,
                        std::vector<Finding>& out) {
  for (const auto& [exit, rows] : j.after_exit) {
    auto finding = startFinding("CHAIN-006", exit->unit_id, person.id, rows.front()->month.firstDay());
    const auto unit = unitLabel(ctx.index, exit->unit_id);
    const auto who = masked(person.id);
    finding.summary_en = fmt::format("{} paid by {} for {} after {} on {}", who, unit, monthSpan(rows),
                                     model::toString(exit->kind), model::formatDate(exit->effective_on));
    finding.summary_zh =
        fmt::format("{} 已于 {} {}，{}仍发放 {} 工资（吃空饷）", who, model::formatDate(exit->effective_on),
                    model::chineseLabel(exit->kind), unit, monthSpan(rows));
    finding.evidence.push_back(evidenceOf(ctx.index, *exit));
    finding.fingerprint = makeFingerprint("CHAIN-006", {exit->movement_id, person.id.view(), exit->unit_id.view()});
    addPayEvidence(ctx, finding, rows);
    out.push_back(std::move(finding));
  }
}

// CHAIN-014: one finding per dead person still on any roster past died_on +
// roster_after_exit_days, or paid by any unit for a month after the death month + grace.
void reportDeath(const RuleContext& ctx, const PersonView& person, const PayJudgement& j, std::vector<Finding>& out) {
  if (!person.died_on || *person.died_on > ctx.as_of) return;
  const auto died = *person.died_on;
  const auto rosterDeadline = died.plusDays(ctx.params.roster_after_exit_days);
  const PresenceInterval* stay = ctx.as_of > rosterDeadline ? person.intervalOn(ctx.as_of) : nullptr;
  if (stay == nullptr && j.after_death.empty()) return;
  Date since = stay != nullptr ? rosterDeadline : j.after_death.front()->month.firstDay();
  if (!j.after_death.empty()) since = std::min(since, j.after_death.front()->month.firstDay());
  const auto unitId = stay != nullptr ? stay->unit : ctx.index.payUnit(*j.after_death.front());
  auto finding = startFinding("CHAIN-014", unitId, person.id, since);
  const auto unit = unitLabel(ctx.index, unitId);
  const auto who = masked(person.id);
  std::string factEn;
  std::string factZh;
  if (stay != nullptr) {
    factEn = fmt::format("still on the roster of {}", unit);
    factZh = fmt::format("仍在{}在编", unit);
  }
  if (!j.after_death.empty()) {
    factEn += fmt::format("{}paid for {}", factEn.empty() ? "" : " and ", monthSpan(j.after_death));
    factZh += fmt::format("{}仍发放 {} 工资", factZh.empty() ? "" : "，", monthSpan(j.after_death));
  }
  finding.summary_en = fmt::format("{} died {}, {}", who, model::formatDate(died), factEn);
  finding.summary_zh = fmt::format("{} 已于 {} 死亡，{}", who, model::formatDate(died), factZh);
  if (person.death_movement != nullptr) finding.evidence.push_back(evidenceOf(ctx.index, *person.death_movement));
  if (person.death_record != nullptr) finding.evidence.push_back(evidenceOf(ctx.index, *person.death_record));
  if (stay != nullptr) finding.evidence.push_back(evidenceOf(ctx.index, *stay));
  finding.fingerprint = makeFingerprint("CHAIN-014", {person.id.view()});
  addPayEvidence(ctx, finding, j.after_death);
  out.push_back(std::move(finding));
}

// CHAIN-004 and CHAIN-010, one finding per paying unit each: months (and pay_start dates)
// with the person on no roster at all are CHAIN-004; months with the person on other units'
// rosters only are CHAIN-010. since is the first such month's first day (or the pay_start).
void reportRosterMismatch(const RuleContext& ctx, const PersonView& person, const PayJudgement& j,
                          std::vector<Finding>& out) {
  std::map<model::UnitId, std::vector<const PayRow*>> unrostered;
  std::map<model::UnitId, std::vector<const PayRow*>> elsewhere;
  std::map<model::UnitId, const PresenceInterval*> elsewhereStay;
  for (const auto* row : j.ordinary) {
    const Date first = row->month.firstDay();
    const Date last = lastDayOf(row->month);
    const auto& payer = ctx.index.payUnit(*row);
    const PresenceInterval* other = nullptr;
    bool here = false;
    for (const auto& p : person.presence) {
      if (!p.overlaps(first, last)) continue;
      if (p.unit == payer)
        here = true;
      else if (other == nullptr)
        other = &p;
    }
    if (here) continue;
    if (other == nullptr) {
      unrostered[payer].push_back(row);
    } else {
      elsewhere[payer].push_back(row);
      elsewhereStay.emplace(payer, other);
    }
  }
  std::map<model::UnitId, std::vector<const Movement*>> earlyStarts;
  for (const auto& m : person.records.movements) {
    if (m.effective_on > ctx.as_of) break;
    if (m.kind == MovementKind::pay_start && !person.onAnyRosterOn(m.effective_on))
      earlyStarts[m.unit_id].push_back(&m);
  }
  std::set<model::UnitId> payers;
  for (const auto& [unit, rows] : unrostered) payers.insert(unit);
  for (const auto& [unit, starts] : earlyStarts) payers.insert(unit);
  const auto who = masked(person.id);
  for (const auto& unitId : payers) {
    const auto rowsIt = unrostered.find(unitId);
    const auto startsIt = earlyStarts.find(unitId);
    std::optional<Date> since;
    if (rowsIt != unrostered.end()) since = rowsIt->second.front()->month.firstDay();
    if (startsIt != earlyStarts.end()) {
      const auto s = startsIt->second.front()->effective_on;
      since = since ? std::min(*since, s) : s;
    }
    // Pay that came before a roster stay that did begin later is "先起薪后上编".
    const PresenceInterval* laterStay = nullptr;
    for (const auto& p : person.presence) {
      if (p.from > *since && (laterStay == nullptr || p.from < laterStay->from)) laterStay = &p;
    }
    auto finding = startFinding("CHAIN-004", unitId, person.id, *since);
    const auto unit = unitLabel(ctx.index, unitId);
    if (laterStay != nullptr) {
      finding.summary_en = fmt::format("{} paid by {} from {} before the roster entry on {}", who, unit,
                                       model::formatDate(*since), model::formatDate(laterStay->from));
      finding.summary_zh = fmt::format("{} 由{}自 {} 起薪，先于 {} 上编（先起薪后上编）", who, unit,
                                       model::formatDate(*since), model::formatDate(laterStay->from));
    } else {
      finding.summary_en =
          fmt::format("{} paid by {} from {} while on no unit's roster", who, unit, model::formatDate(*since));
      finding.summary_zh =
          fmt::format("{} 自 {} 起由{}发薪，但不在任何单位编内（在薪不在编）", who, model::formatDate(*since), unit);
    }
    if (startsIt != earlyStarts.end()) {
      for (const auto* s : startsIt->second) finding.evidence.push_back(evidenceOf(ctx.index, *s));
    }
    if (laterStay != nullptr) finding.evidence.push_back(evidenceOf(ctx.index, *laterStay));
    finding.fingerprint = makeFingerprint("CHAIN-004", {person.id.view(), unitId.view()});
    if (rowsIt != unrostered.end()) addPayEvidence(ctx, finding, rowsIt->second);
    out.push_back(std::move(finding));
  }
  for (const auto& [unitId, rows] : elsewhere) {
    const auto* stay = elsewhereStay.at(unitId);
    auto finding = startFinding("CHAIN-010", unitId, person.id, rows.front()->month.firstDay());
    const auto payer = unitLabel(ctx.index, unitId);
    const auto holder = unitLabel(ctx.index, stay->unit);
    finding.summary_en =
        fmt::format("{} on the roster of {} but paid by {} for {}", who, holder, payer, monthSpan(rows));
    finding.summary_zh =
        fmt::format("{} 在{}在编，却由{}发放 {} 工资（人岗不符）", who, holder, payer, monthSpan(rows));
    finding.evidence.push_back(evidenceOf(ctx.index, *stay));
    finding.fingerprint = makeFingerprint("CHAIN-010", {person.id.view(), unitId.view()});
    addPayEvidence(ctx, finding, rows);
    out.push_back(std::move(finding));
  }
}

// CHAIN-009: one finding per pair of units that paid the person for the same month. The
// finding names the unit of the pair that began paying later (the larger id on a tie).
void reportDoublePay(const RuleContext& ctx, const PersonView& person, const PayJudgement& j,
                     std::vector<Finding>& out) {
  std::map<model::UnitId, Month> firstPaid;
  for (const auto* row : j.ordinary) firstPaid.try_emplace(ctx.index.payUnit(*row), row->month);
  std::map<std::pair<model::UnitId, model::UnitId>, std::vector<const PayRow*>> pairs;
  // Rows are in (month, unit) order: the rows of one month are adjacent.
  for (std::size_t i = 0; i < j.ordinary.size();) {
    std::size_t end = i;
    while (end < j.ordinary.size() && j.ordinary[end]->month == j.ordinary[i]->month) ++end;
    for (std::size_t a = i; a < end; ++a) {
      for (std::size_t b = a + 1; b < end; ++b) {
        if (j.ordinary[a]->unit == j.ordinary[b]->unit) continue;  // one interned number a unit
        auto& rows = pairs[{ctx.index.payUnit(*j.ordinary[a]), ctx.index.payUnit(*j.ordinary[b])}];
        rows.push_back(j.ordinary[a]);
        rows.push_back(j.ordinary[b]);
      }
    }
    i = end;
  }
  const auto who = masked(person.id);
  for (const auto& [pair, rows] : pairs) {
    const auto& [a, b] = pair;
    const auto named = firstPaid.at(a) > firstPaid.at(b) ? a : b;
    const auto other = named == a ? b : a;
    std::set<Month> months;
    for (const auto* row : rows) months.insert(row->month);
    auto finding = startFinding("CHAIN-009", named, person.id, rows.front()->month.firstDay());
    const auto span = months.size() == 1
                          ? model::formatMonth(*months.begin())
                          : model::formatMonth(*months.begin()) + ".." + model::formatMonth(*months.rbegin());
    const auto nameA = unitLabel(ctx.index, named);
    const auto nameB = unitLabel(ctx.index, other);
    finding.summary_en =
        fmt::format("{} paid by both {} and {} for {} month(s) ({})", who, nameA, nameB, months.size(), span);
    finding.summary_zh =
        fmt::format("{} 同时由{}和{}发放工资 {} 个月（{}，多头领薪）", who, nameA, nameB, months.size(), span);
    finding.fingerprint = makeFingerprint("CHAIN-009", {person.id.view(), a.view(), b.view()});
    addPayEvidence(ctx, finding, rows);
    out.push_back(std::move(finding));
  }
}

}  // namespace

void evaluatePayRules(const RuleContext& ctx, const PersonView& person, std::vector<Finding>& out) {
  const auto judgement = judgeRows(ctx, person);
  reportPayAfterExit(ctx, person, judgement, out);
  reportDeath(ctx, person, judgement, out);
  reportRosterMismatch(ctx, person, judgement, out);
  reportDoublePay(ctx, person, judgement, out);
}

}  // namespace staffchain::chain::detail
