// CHAIN-001, 002, 008, 011, 012: approvals consumed, vacancies, unit kind and headcount of
// one unit's posts of one establishment type.
#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "rule_families.hpp"
#include "staffchain/model/enums.hpp"

namespace staffchain::chain::detail {
namespace {

using model::Date;
using model::Movement;
using model::PersonId;

struct Member {
  PersonId id;
  const PersonRecords* records = nullptr;
  std::vector<PresenceInterval> presence;  // only this unit/type
  std::vector<std::pair<Date, Date>> merged;
  // False for a person read only for the approval slots their hires take: their own findings
  // are not being judged.
  bool judged = true;
};

struct Hire {
  const Movement* movement = nullptr;
  const Member* member = nullptr;
};

// CHAIN-001. Valid uses consume an approval's slots in (effective_on, movement_id) order;
// a use that is invalid for another reason does not consume one.
void checkApprovals(const RuleContext& ctx, const ScopeKey& key, const std::vector<Hire>& hires,
                    std::vector<Finding>& out) {
  std::map<std::string, std::vector<const Movement*>> consumed;  // approval id -> valid uses so far
  const std::string unitName = unitLabel(ctx.index, key.unit);
  for (const auto& hire : hires) {
    const auto& m = *hire.movement;
    const auto* approval = m.approval_id.empty() ? nullptr : ctx.index.approval(m.approval_id);
    // Only a valid use matters to the others: it takes a slot.
    if (!hire.member->judged && (approval == nullptr || !sameId(approval->unit_id, m.unit_id))) continue;
    std::string reasonEn;
    std::string reasonZh;
    std::vector<const Movement*> earlier;
    if (m.approval_id.empty()) {
      reasonEn = "no approval cited";
      reasonZh = "未引用用编核准";
    } else if (approval == nullptr) {
      reasonEn = fmt::format("approval {} is unknown", m.approval_id);
      reasonZh = fmt::format("核准 {} 不存在", m.approval_id);
    } else if (approval->unit_id != m.unit_id) {
      const auto other = unitLabel(ctx.index, approval->unit_id);
      reasonEn = fmt::format("approval {} is for {}", m.approval_id, other);
      reasonZh = fmt::format("核准 {} 属于{}", m.approval_id, other);
    } else if (const auto* entry = hire.member->records->rosterIn(m.unit_id);
               entry != nullptr && entry->estab_type != approval->estab_type) {
      reasonEn = fmt::format("approval {} is for {} posts, the roster entry is {}", m.approval_id,
                             model::toString(approval->estab_type), model::toString(entry->estab_type));
      reasonZh = fmt::format("核准 {} 为{}，在编登记为{}", m.approval_id, model::chineseLabel(approval->estab_type),
                             model::chineseLabel(entry->estab_type));
    } else if (m.effective_on < approval->issued_on) {
      reasonEn =
          fmt::format("approval {} was issued only on {}", m.approval_id, model::formatDate(approval->issued_on));
      reasonZh = fmt::format("核准 {} 于 {} 才下达", m.approval_id, model::formatDate(approval->issued_on));
    } else if (m.effective_on > approval->valid_until) {
      reasonEn = fmt::format("approval {} expired {}", m.approval_id, model::formatDate(approval->valid_until));
      reasonZh = fmt::format("核准 {} 已于 {} 过期", m.approval_id, model::formatDate(approval->valid_until));
    } else {
      auto& uses = consumed[m.approval_id];
      if (static_cast<std::int32_t>(uses.size()) < approval->slots) {
        uses.push_back(&m);
        continue;
      }
      earlier = uses;
      std::string ids;
      for (const auto* use : uses) ids += (ids.empty() ? "" : ", ") + use->movement_id;
      reasonEn = fmt::format("approval {}'s {} slot(s) already used by {}", m.approval_id, approval->slots,
                             ids.empty() ? "nothing: it has none" : ids);
      reasonZh = fmt::format("核准 {} 的 {} 个名额已被 {} 使用", m.approval_id, approval->slots,
                             ids.empty() ? "（无名额）" : ids);
    }
    if (!hire.member->judged) continue;
    auto finding = startFinding("CHAIN-001", m.unit_id, m.person_id, m.effective_on);
    const auto date = model::formatDate(m.effective_on);
    const auto who = masked(m.person_id);
    finding.summary_en = fmt::format("{} {} of {} into {} without a valid pre-approval ({})", date,
                                     model::toString(m.kind), who, unitName, reasonEn);
    finding.summary_zh =
        fmt::format("{} {} {}进入{}，无有效用编核准（{}）", date, who, model::chineseLabel(m.kind), unitName, reasonZh);
    finding.evidence.push_back(evidenceOf(ctx.index, m));
    if (approval != nullptr) finding.evidence.push_back(evidenceOf(ctx.index, *approval));
    for (const auto* use : earlier) finding.evidence.push_back(evidenceOf(ctx.index, *use));
    finding.fingerprint = makeFingerprint("CHAIN-001", {m.movement_id, m.person_id.view(), m.unit_id.view()});
    out.push_back(std::move(finding));
  }
}

// CHAIN-002 (hire) and CHAIN-008 (transfer in). Vacancy on the effective date is the quota in
// force that day minus the people on the roster that day, not counting the person judged. A
// post brought along is a quota raised on that date, so it is already in the quota in force.
void checkVacancy(const RuleContext& ctx, const ScopeKey& key, const std::vector<Hire>& hires,
                  const OccupancyCounter& occupancy, std::vector<Finding>& out) {
  const std::string unitName = unitLabel(ctx.index, key.unit);
  for (const auto& hire : hires) {
    const auto& m = *hire.movement;
    const auto* quota = ctx.index.quotaOn(key, m.effective_on);
    const std::int32_t approved = quota != nullptr ? quota->approved : 0;
    std::int32_t occupied = occupancy.countOn(m.effective_on);
    const bool selfPresent = std::any_of(hire.member->merged.begin(), hire.member->merged.end(), [&](const auto& r) {
      return r.first <= m.effective_on && m.effective_on < r.second;
    });
    if (selfPresent) --occupied;
    if (approved - occupied > 0) continue;
    const bool transfer = m.kind == model::MovementKind::transfer_in;
    const char* rule = transfer ? "CHAIN-008" : "CHAIN-002";
    auto finding = startFinding(rule, m.unit_id, m.person_id, m.effective_on);
    const auto date = model::formatDate(m.effective_on);
    const auto who = masked(m.person_id);
    finding.summary_en = fmt::format("{} {} of {} into {} ({}) with no vacancy: {} on the roster, {} approved{}", date,
                                     model::toString(m.kind), who, unitName, typeName(key.type), occupied, approved,
                                     transfer ? ", and no post brought with it" : "");
    finding.summary_zh =
        fmt::format("{} {} {}进入{}（{}）时无空编：在编 {} 人，核定 {} 名{}", date, who, model::chineseLabel(m.kind),
                    unitName, typeNameZh(key.type), occupied, approved, transfer ? "，且未带编调入" : "");
    finding.evidence.push_back(evidenceOf(ctx.index, m));
    if (quota != nullptr) finding.evidence.push_back(evidenceOf(ctx.index, *quota));
    finding.evidence.push_back(
        derivedEvidence(fmt::format("occupancy|{}|{}|{}", key.unit.view(), typeName(key.type), date),
                        {{"unit_id", key.unit.str()},
                         {"estab_type", std::string(typeName(key.type))},
                         {"date", date},
                         {"on_roster", std::to_string(occupied)},
                         {"approved", std::to_string(approved)}}));
    finding.fingerprint = makeFingerprint(rule, {m.movement_id, m.person_id.view(), m.unit_id.view()});
    out.push_back(std::move(finding));
  }
}

// CHAIN-011: one finding per person on the roster as of the evaluation date in a post whose
// type does not fit the unit kind; since is the start of that roster stay.
void checkUnitKind(const RuleContext& ctx, const ScopeKey& key, const std::vector<Member>& members,
                   std::vector<Finding>& out) {
  const auto* unit = ctx.index.unit(key.unit);
  if (unit == nullptr) return;
  const auto type = static_cast<model::EstabType>(key.type);
  if (fitsUnitKind(unit->kind, type)) return;
  for (const auto& member : members) {
    const PresenceInterval* stay = nullptr;
    for (const auto& p : member.presence) {
      if (p.contains(ctx.as_of) && (stay == nullptr || p.from < stay->from)) stay = &p;
    }
    if (stay == nullptr) continue;
    auto finding = startFinding("CHAIN-011", key.unit, member.id, stay->from);
    const auto who = masked(member.id);
    finding.summary_en =
        fmt::format("{} holds a {} post in {}, a unit of kind {}, since {}", who, model::toString(type), unit->name,
                    model::toString(unit->kind), model::formatDate(stay->from));
    finding.summary_zh = fmt::format("{} 自 {} 占用{}的{}，与单位类别（{}）不符", who, model::formatDate(stay->from),
                                     unit->name, model::chineseLabel(type), model::chineseLabel(unit->kind));
    finding.evidence.push_back(evidenceOf(ctx.index, *stay));
    finding.evidence.push_back(evidenceOf(ctx.index, *unit));
    finding.fingerprint = makeFingerprint("CHAIN-011", {member.id.view(), key.unit.view(), typeName(key.type)});
    out.push_back(std::move(finding));
  }
}

// CHAIN-012, standing: since is the first day of the current unbroken run of excess.
// forEachStay(since, visit) calls visit(stay) on the members' stays that are on the roster
// on the evaluation date and began on or after `since`, in member and then stay order, and
// stops when visit returns false.
template <typename ForEachStay>
void checkHeadcount(const RuleContext& ctx, const ScopeKey& key, const OccupancyCounter& occupancy,
                    ForEachStay forEachStay, std::vector<Finding>& out) {
  auto approvedOn = [&](Date d) {
    const auto* q = ctx.index.quotaOn(key, d);
    return q != nullptr ? q->approved : 0;
  };
  const auto count = occupancy.countOn(ctx.as_of);
  const auto approved = approvedOn(ctx.as_of);
  if (count <= approved) return;
  auto dates = occupancy.changeDates();
  if (const auto* quotas = ctx.index.quotas(key); quotas != nullptr) {
    for (const auto& q : *quotas) dates.push_back(q.effective_from);
  }
  const Date since =
      currentRunStart(std::move(dates), ctx.as_of, [&](Date d) { return occupancy.countOn(d) > approvedOn(d); });
  auto finding = startFinding("CHAIN-012", key.unit, model::PersonId{}, since);
  const auto name = unitLabel(ctx.index, key.unit);
  finding.summary_en = fmt::format("{} has {} people on its {} roster against {} approved (over by {}) since {}", name,
                                   count, typeName(key.type), approved, count - approved, model::formatDate(since));
  finding.summary_zh = fmt::format("{}{}在编 {} 人，核定 {} 名，自 {} 起超编 {} 人", name, typeNameZh(key.type), count,
                                   approved, model::formatDate(since), count - approved);
  if (const auto* quota = ctx.index.quotaOn(key, ctx.as_of); quota != nullptr) {
    finding.evidence.push_back(evidenceOf(ctx.index, *quota));
  }
  finding.evidence.push_back(derivedEvidence(fmt::format("headcount|{}|{}", key.unit.view(), typeName(key.type)),
                                             {{"unit_id", key.unit.str()},
                                              {"estab_type", std::string(typeName(key.type))},
                                              {"on_roster", std::to_string(count)},
                                              {"approved", std::to_string(approved)}}));
  // The stays that began the excess or came after it: what the office must look at first.
  constexpr std::size_t kMaxListed = 20;
  std::size_t listed = 0;
  forEachStay(since, [&](const PresenceInterval& p) {
    finding.evidence.push_back(evidenceOf(ctx.index, p));
    return ++listed < kMaxListed;
  });
  finding.fingerprint = makeFingerprint("CHAIN-012", {key.unit.view(), typeName(key.type)});
  out.push_back(std::move(finding));
}

}  // namespace

namespace {

// The person's stays in this unit/type, as they are and merged.
Member memberOf(const RuleContext& ctx, const ScopeKey& key, const PersonId& id, const PersonRecords& records) {
  Member member{id, &records, {}, {}, true};
  std::vector<std::pair<Date, Date>> ranges;
  for (auto& p : presenceIn(ctx.index, records, &key.unit)) {
    if (p.type != key.type || !sameId(p.unit, key.unit)) continue;
    ranges.emplace_back(p.from, p.until);
    member.presence.push_back(p);
  }
  member.merged = mergeRanges(std::move(ranges));
  return member;
}

// Whether `m`, one of the person's movements, is a hire into this unit/type dated on or before as_of.
bool hireInto(const RuleContext& ctx, const ScopeKey& key, const PersonRecords& records, const model::Movement& m) {
  return model::isHire(m.kind) && sameId(m.unit_id, key.unit) && m.effective_on <= ctx.as_of &&
         derivedType(ctx.index, records, m) == key.type;
}

// The person's hires into this unit/type dated on or before as_of.
void addHires(const RuleContext& ctx, const ScopeKey& key, const Member& member, std::vector<Hire>& hires) {
  for (const auto& m : member.records->movements) {
    if (hireInto(ctx, key, *member.records, m)) hires.push_back(Hire{&m, &member});
  }
}

void sortHires(std::vector<Hire>& hires) {
  std::sort(hires.begin(), hires.end(), [](const Hire& a, const Hire& b) {
    if (a.movement->effective_on != b.movement->effective_on)
      return a.movement->effective_on < b.movement->effective_on;
    return a.movement->movement_id < b.movement->movement_id;
  });
}

// Adds to `persons` every member of the scope with a hire into it dated from `since` to as_of.
void addHiredSince(const RuleContext& ctx, const ScopeKey& key, Date since, PersonSet& persons) {
  const auto* members = ctx.index.members(key);
  if (members == nullptr) return;
  for (const auto& [id, records] : *members) {
    if (persons.contains(id)) continue;
    const PersonRecords& held = *records;  // a structured binding is not captured by clang 14
    if (std::any_of(held.movements.begin(), held.movements.end(),
                    [&](const model::Movement& m) { return m.effective_on >= since && hireInto(ctx, key, held, m); })) {
      persons.insert(id);
    }
  }
}

}  // namespace

void evaluateUnitTypeScope(const RuleContext& ctx, const ScopeKey& key, std::vector<Finding>& out,
                           OccupancyCounter* occupancy_out, bool list_current) {
  static const MemberList kNoMembers;
  const auto* listed = ctx.index.members(key);
  const auto& sorted = listed != nullptr ? *listed : kNoMembers;  // by id
  std::vector<Member> members;
  members.reserve(sorted.size());
  for (const auto& [id, records] : sorted) members.push_back(memberOf(ctx, key, id, *records));
  // presence pointers refer into the person's own records, which outlive this call.
  std::vector<Hire> hires;
  OccupancyCounter occupancy;
  if (list_current) occupancy.listCurrent();
  for (const auto& member : members) {
    occupancy.add(member.merged);
    addHires(ctx, key, member, hires);
    for (const auto& p : member.presence) {
      if (p.contains(ctx.as_of)) occupancy.addCurrent(member.id, p.from);
    }
  }
  occupancy.finish();
  sortHires(hires);
  if (!hires.empty()) occupancy.noteHire(hires.back().movement->effective_on);

  checkApprovals(ctx, key, hires, out);
  if (key.type != kUnknownType) {  // no quota to judge against: CHAIN-001 already says why
    checkVacancy(ctx, key, hires, occupancy, out);
    checkUnitKind(ctx, key, members, out);
    checkHeadcount(
        ctx, key, occupancy,
        [&](Date since, auto visit) {
          for (const auto& member : members) {
            for (const auto& p : member.presence) {
              if (p.contains(ctx.as_of) && p.from >= since && !visit(p)) return;
            }
          }
        },
        out);
  }
  if (occupancy_out != nullptr) *occupancy_out = std::move(occupancy);
}

std::optional<Date> evaluateUnitTypePersons(const RuleContext& ctx, const ScopeKey& key,
                                            const OccupancyCounter& occupancy, const PersonSet& persons,
                                            const CheckedApprovals* checked, std::vector<Finding>& out,
                                            std::vector<std::string>* checked_fingerprints) {
  // A deque: hires point at their member.
  std::deque<Member> members;
  std::vector<Hire> judged_hires;
  std::set<std::string> approvals;  // valid for this unit and cited by the judged hires
  for (const auto& id : persons) {
    const auto* records = ctx.index.person(id);
    if (records == nullptr) continue;
    const auto& member = members.emplace_back(memberOf(ctx, key, id, *records));
    addHires(ctx, key, member, judged_hires);
  }
  for (const auto& hire : judged_hires) {
    const auto& cited = hire.movement->approval_id;
    if (cited.empty()) continue;
    if (const auto* a = ctx.index.approval(cited); a != nullptr && sameId(a->unit_id, key.unit))
      approvals.insert(cited);
  }
  if (checked != nullptr) {
    for (const auto& [id, from] : *checked) approvals.insert(id);
  }
  // CHAIN-001 reads every valid use of those approvals: the other citers' hires take part,
  // judged (CHAIN-001 alone) from the `checked` place of their approval on, else only taking
  // their slots (a use before the first that changed reads as it did).
  std::vector<Hire> hires = judged_hires;
  for (const auto& approval_id : approvals) {
    const auto* citers = ctx.index.citers(approval_id);
    if (citers == nullptr) continue;
    const UseFrom* from = nullptr;
    if (checked != nullptr) {
      if (auto it = checked->find(approval_id); it != checked->end()) from = &it->second;
    }
    for (const auto& id : *citers) {
      if (persons.contains(id)) continue;
      const auto* records = ctx.index.person(id);
      if (records == nullptr) continue;
      for (const auto& m : records->movements) {
        if (m.approval_id != approval_id || !hireInto(ctx, key, *records, m)) continue;
        const bool judged = from != nullptr && (m.effective_on != from->on ? m.effective_on > from->on
                                                                           : m.movement_id >= from->movement_id);
        auto& member = members.emplace_back(Member{id, records, {}, {}, judged});
        hires.push_back(Hire{&m, &member});
        if (judged && checked_fingerprints != nullptr) {
          checked_fingerprints->push_back(
              makeFingerprint("CHAIN-001", {m.movement_id, m.person_id.view(), m.unit_id.view()}));
        }
      }
    }
  }
  sortHires(hires);
  sortHires(judged_hires);
  std::optional<Date> latest;
  if (!judged_hires.empty()) latest = judged_hires.back().movement->effective_on;

  checkApprovals(ctx, key, hires, out);
  if (key.type == kUnknownType) return latest;
  checkVacancy(ctx, key, judged_hires, occupancy, out);
  std::vector<Member> judged;
  for (auto& member : members) {
    if (persons.contains(member.id)) judged.push_back(std::move(member));
  }
  checkUnitKind(ctx, key, judged, out);
  return latest;
}

bool evaluateUnitTypeStays(const RuleContext& ctx, const ScopeKey& key, OccupancyCounter& occupancy,
                           const std::vector<StayChange>& changes, PersonSet& persons, const CheckedApprovals* checked,
                           std::vector<Finding>& out, std::vector<std::string>* checked_fingerprints) {
  OccupancyCounter counted = occupancy;
  std::optional<Date> changed_from;
  for (const auto& change : changes) {
    std::vector<std::pair<Date, Date>> after;
    counted.dropCurrent(change.person);
    if (const auto* records = ctx.index.person(change.person); records != nullptr) {
      auto member = memberOf(ctx, key, change.person, *records);
      for (const auto& p : member.presence) {
        if (p.contains(ctx.as_of)) counted.addCurrent(change.person, p.from);
      }
      after = std::move(member.merged);
    }
    if (!counted.remove(change.before)) return false;  // not what the count was made of
    counted.insert(after);
    if (const auto first = firstDifference(change.before, after); first && (!changed_from || *first < *changed_from)) {
      changed_from = first;
    }
  }
  // CHAIN-012 again, its stays listed from the members on the roster that day: those whose
  // stay began on or after the excess did have theirs derived again. Without that list (an
  // engine that does not keep it) an excess is judged whole.
  if (key.type != kUnknownType && !counted.listsCurrent()) {
    const auto* quota = ctx.index.quotaOn(key, ctx.as_of);
    if (counted.countOn(ctx.as_of) > (quota != nullptr ? quota->approved : 0)) return false;
  }
  // Another member's hire on or after the first changed day reads another vacancy: its person
  // is judged again with those whose stays changed (the hires before that day read the count as
  // it was).
  if (changed_from && occupancy.latestHire() && *changed_from <= *occupancy.latestHire()) {
    addHiredSince(ctx, key, *changed_from, persons);
  }
  if (const auto latest = evaluateUnitTypePersons(ctx, key, counted, persons, checked, out, checked_fingerprints)) {
    counted.noteHire(*latest);
  }
  if (key.type != kUnknownType) {
    checkHeadcount(
        ctx, key, counted,
        [&](Date since, auto visit) {
          const auto& current = counted.current();
          for (auto it = current.begin(); it != current.end();) {
            const auto& id = it->first;
            bool listed = false;
            for (; it != current.end() && sameId(it->first, id); ++it) listed = listed || it->second >= since;
            if (!listed) continue;
            const auto* records = ctx.index.person(id);
            if (records == nullptr) continue;
            for (const auto& p : memberOf(ctx, key, id, *records).presence) {
              if (p.contains(ctx.as_of) && p.from >= since && !visit(p)) return;
            }
          }
        },
        out);
  }
  occupancy = std::move(counted);
  return true;
}

}  // namespace staffchain::chain::detail
