#include "rule_support.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "staffchain/chain/rule_catalog.hpp"
#include "staffchain/model/enums.hpp"
#include "staffchain/model/identifiers.hpp"

namespace staffchain::chain::detail {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

EvidenceItem item(const ChainIndex& index, const model::Record& record, const model::Origin& origin, Fields fields) {
  return EvidenceItem{index.sourceName(origin.source), std::string(plugin::recordTypeFile(model::recordTypeOf(record))),
                      model::recordKey(record), std::move(fields)};
}

void addIf(Fields& fields, std::string name, std::string value) {
  if (!value.empty()) fields.emplace_back(std::move(name), std::move(value));
}

}  // namespace

PersonView::PersonView(const ChainIndex& index, const model::PersonId& person, const PersonRecords& recs)
    : id(person), records(recs), presence(presenceOf(index, recs)) {
  for (const auto& movement : recs.movements) {
    if (movement.kind == model::MovementKind::death) {
      if (!died_on || movement.effective_on < *died_on) {
        died_on = movement.effective_on;
        death_movement = &movement;
      }
      break;  // movements are by date: the first death is the earliest
    }
  }
  if (const auto* death = recs.death()) {
    death_record = death;
    if (!died_on || death->died_on < *died_on) died_on = death->died_on;
  }
}

bool PersonView::onAnyRosterOn(model::Date d) const noexcept {
  return intervalOn(d) != nullptr;
}

bool PersonView::onRosterDuring(const model::UnitId& unit, model::Date first, model::Date last) const noexcept {
  return std::any_of(presence.begin(), presence.end(),
                     [&](const PresenceInterval& p) { return p.unit == unit && p.overlaps(first, last); });
}

const PresenceInterval* PersonView::intervalOn(model::Date d, const model::UnitId* unit) const noexcept {
  const PresenceInterval* best = nullptr;
  for (const auto& p : presence) {
    if (unit != nullptr && p.unit != *unit) continue;
    if (!p.contains(d)) continue;
    if (best == nullptr || p.from < best->from || (p.from == best->from && p.unit < best->unit)) best = &p;
  }
  return best;
}

const model::Movement* exitBeforePay(const RuleContext& ctx, const PersonView& person, const model::UnitId& unit,
                                     model::Month month) {
  const auto grace = ctx.params.payroll_grace_months;
  const model::Date monthEnd = lastDayOf(month);
  const model::Movement* exit = nullptr;
  for (const auto& m : person.records.movements) {
    if (m.effective_on > monthEnd) break;
    if (m.unit_id != unit) continue;
    if (model::isExit(m.kind) && m.kind != model::MovementKind::death &&
        model::Month::of(m.effective_on).plus(grace) < month) {
      exit = &m;
    } else if (exit != nullptr && (model::isHire(m.kind) || m.kind == model::MovementKind::roster_add)) {
      exit = nullptr;
    }
  }
  return exit;
}

Finding startFinding(std::string_view rule, const model::UnitId& unit, const model::PersonId& person,
                     model::Date since) {
  Finding finding;
  finding.rule = std::string(rule);
  const auto info = findRule(rule);
  finding.severity = info ? info->severity : Severity::major;
  finding.unit_id = unit;
  finding.person_id = person;
  finding.since = since;
  return finding;
}

EvidenceItem evidenceOf(const ChainIndex& index, const model::Unit& unit) {
  Fields f{{"unit_id", unit.unit_id.str()}, {"name", unit.name}, {"kind", std::string(model::toString(unit.kind))}};
  return item(index, unit, unit.origin, std::move(f));
}

EvidenceItem evidenceOf(const ChainIndex& index, const model::ReductionTask& task) {
  Fields f{{"task_id", task.task_id},
           {"unit_id", task.unit_id.str()},
           {"estab_type", std::string(model::toString(task.estab_type))},
           {"posts_to_recover", std::to_string(task.posts_to_recover)},
           {"issued_on", model::formatDate(task.issued_on)},
           {"due_on", model::formatDate(task.due_on)}};
  addIf(f, "doc_no", task.doc_no);
  return item(index, task, task.origin, std::move(f));
}

EvidenceItem evidenceOf(const ChainIndex& index, const model::Quota& quota) {
  Fields f{{"unit_id", quota.unit_id.str()},
           {"estab_type", std::string(model::toString(quota.estab_type))},
           {"approved", std::to_string(quota.approved)},
           {"effective_from", model::formatDate(quota.effective_from)}};
  addIf(f, "doc_no", quota.doc_no);
  return item(index, quota, quota.origin, std::move(f));
}

EvidenceItem evidenceOf(const ChainIndex& index, const model::LeaderQuota& quota) {
  Fields f{{"unit_id", quota.unit_id.str()},
           {"level", std::string(model::toString(quota.level))},
           {"rank", std::string(model::toString(quota.rank))},
           {"approved", std::to_string(quota.approved)}};
  return item(index, quota, quota.origin, std::move(f));
}

EvidenceItem evidenceOf(const ChainIndex& index, const model::Approval& approval) {
  Fields f{{"approval_id", approval.approval_id},
           {"unit_id", approval.unit_id.str()},
           {"estab_type", std::string(model::toString(approval.estab_type))},
           {"slots", std::to_string(approval.slots)},
           {"issued_on", model::formatDate(approval.issued_on)},
           {"valid_until", model::formatDate(approval.valid_until)}};
  return item(index, approval, approval.origin, std::move(f));
}

EvidenceItem evidenceOf(const ChainIndex& index, const model::RosterEntry& entry) {
  Fields f{{"person_id", entry.person_id.str()},
           {"unit_id", entry.unit_id.str()},
           {"estab_type", std::string(model::toString(entry.estab_type))},
           {"entered_on", model::formatDate(entry.entered_on)}};
  addIf(f, "approval_id", entry.approval_id);
  addIf(f, "leader_level", std::string(model::toString(entry.leader_level)));
  addIf(f, "leader_rank", std::string(model::toString(entry.leader_rank)));
  return item(index, entry, entry.origin, std::move(f));
}

EvidenceItem evidenceOf(const ChainIndex& index, const model::Movement& movement) {
  Fields f{{"movement_id", movement.movement_id},
           {"source", std::string(model::toString(movement.source))},
           {"kind", std::string(model::toString(movement.kind))},
           {"person_id", movement.person_id.str()},
           {"unit_id", movement.unit_id.str()}};
  if (movement.from_unit_id) f.emplace_back("from_unit_id", movement.from_unit_id->str());
  f.emplace_back("effective_on", model::formatDate(movement.effective_on));
  if (movement.recorded_on) f.emplace_back("recorded_on", model::formatDate(*movement.recorded_on));
  addIf(f, "approval_id", movement.approval_id);
  addIf(f, "leader_level", std::string(model::toString(movement.leader_level)));
  addIf(f, "leader_rank", std::string(model::toString(movement.leader_rank)));
  return item(index, movement, movement.origin, std::move(f));
}

EvidenceItem evidenceOf(const ChainIndex& index, const model::PersonId& person, const PayRow& row) {
  const auto pay = index.payRecord(person, row);
  Fields f{{"person_id", pay.person_id.str()},
           {"unit_id", pay.unit_id.str()},
           {"month", model::formatMonth(pay.month)},
           {"funding", std::string(model::toString(pay.funding))},
           {"gross",
            fmt::format("{}.{:02}", pay.gross_fen / 100, (pay.gross_fen < 0 ? -pay.gross_fen : pay.gross_fen) % 100)}};
  return item(index, pay, pay.origin, std::move(f));
}

EvidenceItem evidenceOf(const ChainIndex& index, const model::Death& death) {
  Fields f{{"person_id", death.person_id.str()}, {"died_on", model::formatDate(death.died_on)}};
  addIf(f, "source", death.source);
  return item(index, death, death.origin, std::move(f));
}

EvidenceItem evidenceOf(const ChainIndex& index, const PresenceInterval& interval) {
  if (interval.entry != nullptr) return evidenceOf(index, *interval.entry);
  return evidenceOf(index, *interval.add);
}

EvidenceItem derivedEvidence(std::string record_id, std::vector<std::pair<std::string, std::string>> fields) {
  return EvidenceItem{"engine", "derived", std::move(record_id), std::move(fields)};
}

std::string unitLabel(const ChainIndex& index, const model::UnitId& unit) {
  if (const auto* u = index.unit(unit); u != nullptr && !u->name.empty()) return u->name;
  return unit.str();
}

bool fitsUnitKind(model::UnitKind kind, model::EstabType type) noexcept {
  using model::EstabType;
  using model::UnitKind;
  if (kind == UnitKind::organ) return type != EstabType::institution;
  if (kind == UnitKind::public_welfare_1 || kind == UnitKind::public_welfare_2 || kind == UnitKind::business) {
    return type != EstabType::admin && type != EstabType::political_legal;
  }
  return true;
}

std::string masked(const model::PersonId& person) {
  return model::maskCitizenId(person.view());
}

std::string_view typeName(std::uint8_t type) noexcept {
  if (type >= model::kEstabTypeCount) return "unknown";
  return model::toString(static_cast<model::EstabType>(type));
}

std::string_view typeNameZh(std::uint8_t type) noexcept {
  if (type >= model::kEstabTypeCount) return "未知编制类型";
  return model::chineseLabel(static_cast<model::EstabType>(type));
}

model::Date lastDayOf(model::Month month) noexcept {
  return month.plus(1).firstDay().plusDays(-1);
}

}  // namespace staffchain::chain::detail
