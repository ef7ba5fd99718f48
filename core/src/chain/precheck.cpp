// Pre-check: each reason read the way the rule that would judge the movement afterwards reads
// it (rules_unit_type.cpp for CHAIN-001/002/008/011, rules_leader.cpp for CHAIN-007,
// rules_suspension.cpp for CHAIN-016, rules_retirement.cpp for CHAIN-013), so that "refused for
// CHAIN-002" now is the CHAIN-002 the hire would raise then.
#include "precheck.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "staffchain/model/enums.hpp"

namespace staffchain::chain {

namespace {
constexpr std::array<std::string_view, 4> kKindNames = {"hire", "transfer_in", "appoint_leader", "approval"};
}

std::string_view toString(PrecheckKind kind) noexcept {
  return kKindNames.at(static_cast<std::size_t>(kind));
}

std::optional<PrecheckKind> parsePrecheckKind(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == text) return static_cast<PrecheckKind>(i);
  }
  return std::nullopt;
}

namespace detail {
namespace {

using model::Date;

std::string day(Date d) {
  return model::formatDate(d);
}

void refuse(PrecheckAnswer& answer, std::string code, std::string rule, std::string en, std::string zh,
            std::vector<std::pair<std::string, std::string>> facts = {}) {
  answer.allowed = false;
  answer.reasons.push_back(
      PrecheckReason{std::move(code), std::move(rule), std::move(en), std::move(zh), std::move(facts)});
}

// A use of `approval` the rule lets take a slot: a hire or transfer in citing it, into its unit,
// within its dates, by someone whose roster entry there (if any) is of its type.
bool isValidUse(const model::Approval& approval, const PersonRecords& records, const model::Movement& m, Date day) {
  if (!model::isHire(m.kind) || m.approval_id != approval.approval_id || !sameId(m.unit_id, approval.unit_id)) {
    return false;
  }
  if (m.effective_on > day || m.effective_on < approval.issued_on || m.effective_on > approval.valid_until) {
    return false;
  }
  const auto* entry = records.rosterIn(m.unit_id);
  return entry == nullptr || entry->estab_type == approval.estab_type;
}

// The reasons an approval cited by a hire or transfer is not valid for it (CHAIN-001), in the
// order the rule tests them; with the free slots it has when it is valid.
struct ApprovalCheck {
  const model::Approval* approval = nullptr;
  std::int32_t free = 0;
  bool valid = false;
};

ApprovalCheck checkApproval(const PrecheckContext& ctx, const PrecheckRequest& request, model::EstabType type,
                            const PersonRecords* person, PrecheckAnswer& answer) {
  ApprovalCheck out;
  const std::string who = fmt::format("{} {}", request.count, request.count == 1 ? "person" : "people");
  const char* rule = "CHAIN-001";
  if (request.approval_id.empty()) {
    refuse(answer, "approval_missing", rule, "no approval is cited: a hire or transfer in needs a valid pre-approval",
           "未引用用编核准：进人须有有效的用编核准");
    return out;
  }
  const auto* approval = ctx.index.approval(request.approval_id);
  out.approval = approval;
  if (approval == nullptr) {
    refuse(answer, "approval_invalid", rule, fmt::format("approval {} is unknown", request.approval_id),
           fmt::format("核准 {} 不存在", request.approval_id), {{"approval_id", request.approval_id}});
    return out;
  }
  std::vector<std::pair<std::string, std::string>> facts = {
      {"approval_id", approval->approval_id},
      {"unit_id", approval->unit_id.str()},
      {"estab_type", std::string(model::toString(approval->estab_type))},
      {"slots", std::to_string(approval->slots)},
      {"issued_on", day(approval->issued_on)},
      {"valid_until", day(approval->valid_until)}};
  if (!sameId(approval->unit_id, request.unit)) {
    const auto other = unitLabel(ctx.index, approval->unit_id);
    refuse(answer, "approval_invalid", rule, fmt::format("approval {} is for {}", approval->approval_id, other),
           fmt::format("核准 {} 属于{}", approval->approval_id, other), facts);
    return out;
  }
  const model::RosterEntry* entry = person != nullptr ? person->rosterIn(request.unit) : nullptr;
  if (approval->estab_type != type || (entry != nullptr && entry->estab_type != approval->estab_type)) {
    const auto asked = entry != nullptr ? entry->estab_type : type;
    refuse(answer, "approval_invalid", rule,
           fmt::format("approval {} is for {} posts, not {}", approval->approval_id,
                       model::toString(approval->estab_type), model::toString(asked)),
           fmt::format("核准 {} 为{}，不是{}", approval->approval_id, model::chineseLabel(approval->estab_type),
                       model::chineseLabel(asked)),
           facts);
    return out;
  }
  if (request.on < approval->issued_on) {
    refuse(answer, "approval_invalid", rule,
           fmt::format("approval {} is issued only on {}", approval->approval_id, day(approval->issued_on)),
           fmt::format("核准 {} 于 {} 才下达", approval->approval_id, day(approval->issued_on)), facts);
    return out;
  }
  if (request.on > approval->valid_until) {
    refuse(answer, "approval_invalid", rule,
           fmt::format("approval {} expired {}", approval->approval_id, day(approval->valid_until)),
           fmt::format("核准 {} 已于 {} 过期", approval->approval_id, day(approval->valid_until)), facts);
    return out;
  }
  const auto used = approvalSlotsUsed(ctx.index, *approval, request.on);
  out.free = approval->slots - used;
  facts.emplace_back("slots_used", std::to_string(used));
  if (out.free < request.count) {
    refuse(answer, "approval_slots_used", rule,
           fmt::format("approval {} has {} of its {} slot(s) left, {} asked for", approval->approval_id,
                       std::max(0, out.free), approval->slots, who),
           fmt::format("核准 {} 的 {} 个名额剩余 {} 个，不足 {} 人", approval->approval_id, approval->slots,
                       std::max(0, out.free), request.count),
           facts);
    return out;
  }
  out.valid = true;
  return out;
}

// A person's stays in the unit/type on a day (the engine's "not counting the movement judged").
bool presentIn(const ChainIndex& index, const PersonRecords& person, const ScopeKey& key, Date on) {
  for (const auto& p : presenceIn(index, person, &key.unit)) {
    if (p.type == key.type && sameId(p.unit, key.unit) && p.contains(on)) return true;
  }
  return false;
}

std::vector<std::pair<std::string, std::string>> postFacts(const PostFigures& posts) {
  return {{"approved", std::to_string(posts.approved)},
          {"occupied", std::to_string(posts.occupied)},
          {"reserved", std::to_string(posts.reserved)},
          {"vacant", std::to_string(posts.vacant())}};
}

// Suspended on the day asked by an overdue rectification case: refused, naming the case.
bool checkCaseSuspension(const PrecheckContext& ctx, const PrecheckRequest& request, PrecheckAnswer& answer) {
  const auto* cases = ctx.case_suspensions ? ctx.case_suspensions(request.unit) : nullptr;
  if (cases == nullptr) return false;
  for (const auto& suspension : *cases) {
    if (!suspension.covers(request.on)) continue;
    const bool approval = request.kind == PrecheckKind::approval;
    refuse(answer, "unit_suspended", approval ? "CHAIN-016" : "",
           fmt::format("{} is suspended (暂停受理) from {}: rectification case {} is overdue (deadline {})",
                       unitLabel(ctx.index, request.unit), day(suspension.from), suspension.doc_no,
                       day(suspension.deadline)),
           fmt::format("{}自 {} 起暂停受理：整改通知 {} 限期 {}，逾期未整改", unitLabel(ctx.index, request.unit),
                       day(suspension.from), suspension.doc_no, day(suspension.deadline)),
           {{"case", std::to_string(suspension.case_number)},
            {"doc_no", suspension.doc_no},
            {"deadline", day(suspension.deadline)},
            {"suspended_from", day(suspension.from)}});
    return true;
  }
  return false;
}

void checkSuspension(const PrecheckContext& ctx, const PrecheckRequest& request, PrecheckAnswer& answer) {
  if (checkCaseSuspension(ctx, request, answer)) return;
  const auto suspension = suspensionOf(ctx, request.unit);
  if (!suspension || request.on < suspension->from) return;
  const Finding& cause = *suspension->finding;
  const bool approval = request.kind == PrecheckKind::approval;
  refuse(answer, "unit_suspended", approval ? "CHAIN-016" : "",
         fmt::format("{} is suspended (暂停受理) from {}: {} open since {} ({})", unitLabel(ctx.index, request.unit),
                     day(suspension->from), cause.rule, day(cause.since), cause.summary_en),
         fmt::format("{}自 {} 起暂停受理：{} 自 {} 起未整改（{}）", unitLabel(ctx.index, request.unit),
                     day(suspension->from), cause.rule, day(cause.since), cause.summary_zh),
         {{"finding", cause.fingerprint},
          {"rule", cause.rule},
          {"since", day(cause.since)},
          {"suspended_from", day(suspension->from)}});
}

void checkPerson(const PrecheckContext& ctx, const PrecheckRequest& request, const PersonRecords* records,
                 PrecheckAnswer& answer) {
  if (!request.person) return;
  const auto& id = *request.person;
  const auto reached = ctx.params.retirementDate(model::birthDateOf(id), model::sexOf(id));
  if (request.on > reached) {
    refuse(answer, "past_retirement_age", "CHAIN-013",
           fmt::format("{} reached statutory retirement age on {}", masked(id), day(reached)),
           fmt::format("{} 已于 {} 达到法定退休年龄", masked(id), day(reached)), {{"reached_on", day(reached)}});
  }
  if (records == nullptr || request.kind != PrecheckKind::hire) return;
  // A transfer in leaves a roster by definition; a hire of someone still on another unit's
  // roster leaves them on two, and paid by one of them against the other's roster (CHAIN-010).
  for (const auto& stay : presenceIn(ctx.index, *records, nullptr)) {
    if (!stay.contains(request.on) || sameId(stay.unit, request.unit)) continue;
    const auto other = unitLabel(ctx.index, stay.unit);
    refuse(answer, "on_other_roster", "",
           fmt::format("{} is on the roster of {} on {}: a transfer, not a hire, or an exit first", masked(id), other,
                       day(request.on)),
           fmt::format("{} 于 {} 仍在{}在编：应办理调动，或先办理出编", masked(id), day(request.on), other),
           {{"unit_id", stay.unit.str()}});
    break;
  }
}

void suggestApprovals(const PrecheckContext& ctx, const PrecheckRequest& request, model::EstabType type,
                      PrecheckAnswer& answer) {
  const auto* ids = ctx.index.approvalsOfUnit(request.unit);
  if (ids == nullptr) return;
  for (const auto& [id, approval] : *ids) {
    if (approval->estab_type != type || id == request.approval_id) continue;
    if (request.on < approval->issued_on || request.on > approval->valid_until) continue;
    const auto free = approval->slots - approvalSlotsUsed(ctx.index, *approval, request.on);
    if (free <= 0) continue;
    answer.suggestions.push_back(PrecheckSuggestion{
        "open_approval", request.unit, unitLabel(ctx.index, request.unit), type, id, free,
        fmt::format("approval {} has {} free slot(s) until {}", id, free, day(approval->valid_until)),
        fmt::format("核准 {} 尚余 {} 个名额，有效期至 {}", id, free, day(approval->valid_until))});
  }
}

// The region's units with the most posts of the type vacant net of their reservations, at most
// ten. Approved minus occupied bounds a unit's vacancy from above and costs two lookups; the
// reservations (every approval of the unit read) are counted only for the units that could still
// make the ten, best bound first, and only those ten are put into words.
void suggestVacanciesElsewhere(const PrecheckContext& ctx, const PrecheckRequest& request, model::EstabType type,
                               PrecheckAnswer& answer) {
  const auto* unit = ctx.index.unit(request.unit);
  if (unit == nullptr || unit->region.empty()) return;
  constexpr std::size_t kMaxSuggested = 10;
  struct Candidate {
    std::int32_t vacant = 0;  // the bound, then the vacancy net of reservations
    const model::Unit* unit = nullptr;
  };
  const auto better = [](const Candidate& a, const Candidate& b) {
    return a.vacant != b.vacant ? a.vacant > b.vacant : a.unit->unit_id < b.unit->unit_id;
  };
  RegionScopes counted;
  const RegionScopes* scopes = ctx.region_scopes ? ctx.region_scopes(unit->region, type) : nullptr;
  if (scopes == nullptr) scopes = &(counted = regionScopes(ctx, unit->region, type));
  std::vector<Candidate> candidates;
  for (std::size_t i = 0; i < scopes->scopes.size(); ++i) {
    const auto bound = scopes->boundOn(i, request.on);
    if (!bound || *bound < request.count) continue;
    const auto* other = scopes->scopes[i].unit;
    if (!sameId(other->unit_id, request.unit)) candidates.push_back(Candidate{*bound, other});
  }
  std::sort(candidates.begin(), candidates.end(), better);
  std::vector<Candidate> chosen;  // kept in `better` order
  for (const auto& candidate : candidates) {
    // No later candidate can do better than its bound: once the tenth chosen beats it, stop.
    if (chosen.size() == kMaxSuggested && chosen.back().vacant > candidate.vacant) break;
    const ScopeKey key{candidate.unit->unit_id, static_cast<std::uint8_t>(type)};
    const Candidate exact{postFigures(ctx, key, request.on).vacant(), candidate.unit};
    if (exact.vacant < request.count) continue;
    chosen.insert(std::upper_bound(chosen.begin(), chosen.end(), exact, better), exact);
    if (chosen.size() > kMaxSuggested) chosen.pop_back();
  }
  for (const auto& [vacant, other] : chosen) {
    answer.suggestions.push_back(
        PrecheckSuggestion{"vacancy_elsewhere", other->unit_id, other->name, type, "", vacant,
                           fmt::format("{} ({}) has {} vacant {} post(s) net of open approvals", other->name,
                                       other->unit_id.view(), vacant, model::toString(type)),
                           fmt::format("{}（{}）尚有{}空编 {} 名（已扣除未使用的核准）", other->name,
                                       other->unit_id.view(), model::chineseLabel(type), vacant)});
  }
}

// A hire or a transfer in (CHAIN-001, and CHAIN-002 or 008), and a recruitment plan of several.
void checkHire(const PrecheckContext& ctx, const PrecheckRequest& request, const PersonRecords* person,
               PrecheckAnswer& answer) {
  const bool transfer = request.kind == PrecheckKind::transfer_in;
  // The type the movement would fill: the cited approval's, as the engine derives it, unless
  // asked for; then the person's roster entry in the unit.
  std::optional<model::EstabType> type = request.type;
  if (!type && !request.approval_id.empty()) {
    if (const auto* a = ctx.index.approval(request.approval_id); a != nullptr && sameId(a->unit_id, request.unit)) {
      type = a->estab_type;
    }
  }
  if (!type && person != nullptr) {
    if (const auto* entry = person->rosterIn(request.unit); entry != nullptr) type = entry->estab_type;
  }
  if (!type) {
    refuse(answer, "type_unknown", "",
           "the establishment type is not known: give --type or cite an approval of the unit",
           "未指明编制类型：请给出编制类型，或引用本单位的用编核准");
    checkApproval(ctx, request, model::EstabType::admin, person, answer);
    return;
  }
  answer.type = type;
  const ApprovalCheck approval = checkApproval(ctx, request, *type, person, answer);
  const ScopeKey key{request.unit, static_cast<std::uint8_t>(*type)};
  PostFigures posts = postFigures(ctx, key, request.on);
  if (transfer && request.brings_post) ++posts.approved;  // the quota rises on the day
  if (person != nullptr && presentIn(ctx.index, *person, key, request.on)) --posts.occupied;
  answer.posts = posts;
  const std::int32_t free_posts = posts.approved - posts.occupied;
  const char* rule = transfer ? "CHAIN-008" : "CHAIN-002";
  const auto name = unitLabel(ctx.index, request.unit);
  if (free_posts < request.count) {
    refuse(answer, "no_vacancy", rule,
           fmt::format("{} has no vacancy for {} {} post(s) on {}: {} approved, {} on the roster{}", name,
                       request.count, model::toString(*type), day(request.on), posts.approved, posts.occupied,
                       transfer && !request.brings_post ? ", and the transfer brings no post" : ""),
           fmt::format("{}{}于 {} 无空编：核定 {} 名，在编 {} 人，需 {} 名{}", name, model::chineseLabel(*type),
                       day(request.on), posts.approved, posts.occupied, request.count,
                       transfer && !request.brings_post ? "，且未带编调入" : ""),
           postFacts(posts));
  } else {
    // The office's own rule (DOMAIN.md §7): what open approvals promise is not vacant. The
    // movement's own approval promises its slots to it.
    const std::int32_t own = approval.valid ? std::min(approval.free, request.count) : 0;
    if (posts.vacant() + own < request.count) {
      refuse(answer, "vacancy_reserved", "",
             fmt::format("{}'s {} vacant {} post(s) on {} are promised to open approvals ({} slot(s) reserved)", name,
                         free_posts, model::toString(*type), day(request.on), posts.reserved),
             fmt::format("{}{}于 {} 的 {} 个空编已被未使用的核准预留（预留 {} 名）", name, model::chineseLabel(*type),
                         day(request.on), free_posts, posts.reserved),
             postFacts(posts));
    }
  }
  if (const auto* unit = ctx.index.unit(request.unit); unit != nullptr && !fitsUnitKind(unit->kind, *type)) {
    refuse(answer, "type_unfit", "CHAIN-011",
           fmt::format("{} posts do not belong in {}, a unit of kind {}", model::toString(*type), unit->name,
                       model::toString(unit->kind)),
           fmt::format("{}不应使用{}（单位类别：{}）", unit->name, model::chineseLabel(*type),
                       model::chineseLabel(unit->kind)));
  }
  if (answer.allowed) return;
  if (!approval.valid) suggestApprovals(ctx, request, *type, answer);
  if (free_posts < request.count || posts.vacant() < request.count) {
    if (transfer && !request.brings_post) {
      answer.suggestions.push_back(PrecheckSuggestion{
          "bring_post", request.unit, name, type, "", 1,
          "transfer the post with the person (出一进一 / 带编调任): the unit's quota rises on the day",
          "随人带编调入（出一进一 / 带编调任）：调入之日核定编制相应增加"});
    }
    suggestVacanciesElsewhere(ctx, request, *type, answer);
  }
}

void checkLeader(const PrecheckContext& ctx, const PrecheckRequest& request, PrecheckAnswer& answer) {
  const LeaderKey key{request.unit, request.level, request.rank};
  const auto* quota = ctx.index.leaderQuota(key);
  const std::int32_t approved = quota != nullptr ? quota->approved : 0;
  std::vector<std::string> holders;
  if (const auto* members = ctx.index.leaderMembers(key); members != nullptr) {
    for (const auto& [id, records] : *members) {
      if (request.person && sameId(id, *request.person)) continue;  // already holds it: not one more
      for (const auto& interval : leadershipOf(*records)) {
        if (interval.key == key && interval.from <= request.on && request.on < interval.until) {
          holders.push_back(masked(id));
          break;
        }
      }
    }
  }
  const auto held = static_cast<std::int32_t>(holders.size());
  if (held + request.count <= approved) return;
  std::string listed;
  for (const auto& holder : holders) listed += (listed.empty() ? "" : ", ") + holder;
  const auto name = unitLabel(ctx.index, request.unit);
  refuse(answer, "leader_posts_full", "CHAIN-007",
         fmt::format("{} has {} {} {} post(s) approved and {} held on {}{}{}", name, approved,
                     model::toString(request.level), model::toString(request.rank), held, day(request.on),
                     listed.empty() ? "" : ": ", listed),
         fmt::format("{}{}{}职数核定 {} 名，{} 已配 {} 名{}{}", name, model::chineseLabel(request.level),
                     model::chineseLabel(request.rank), approved, day(request.on), held, listed.empty() ? "" : "：",
                     listed),
         {{"approved", std::to_string(approved)}, {"held", std::to_string(held)}, {"holders", listed}});
}

void checkApprovalIssue(const PrecheckContext& ctx, const PrecheckRequest& request, PrecheckAnswer& answer) {
  if (!request.type) {
    refuse(answer, "type_unknown", "", "an approval is for one establishment type: give --type",
           "用编核准须指明编制类型");
    return;
  }
  const auto type = *request.type;
  answer.type = type;
  const ScopeKey key{request.unit, static_cast<std::uint8_t>(type)};
  const PostFigures posts = postFigures(ctx, key, request.on);
  answer.posts = posts;
  const auto name = unitLabel(ctx.index, request.unit);
  if (posts.approved - posts.occupied < request.count) {
    refuse(answer, "no_vacancy", "",
           fmt::format("{} has no vacancy for {} {} post(s) on {}: {} approved, {} on the roster; hires under this "
                       "approval would be CHAIN-002",
                       name, request.count, model::toString(type), day(request.on), posts.approved, posts.occupied),
           fmt::format("{}{}于 {} 无空编：核定 {} 名，在编 {} 人，需 {} 名；据此进人将构成超编进人（CHAIN-002）", name,
                       model::chineseLabel(type), day(request.on), posts.approved, posts.occupied, request.count),
           postFacts(posts));
  } else if (posts.vacant() < request.count) {
    refuse(answer, "vacancy_reserved", "",
           fmt::format("{}'s vacant {} post(s) on {} are already promised to open approvals ({} reserved, {} left)",
                       name, model::toString(type), day(request.on), posts.reserved, std::max(0, posts.vacant())),
           fmt::format("{}{}于 {} 的空编已被未使用的核准预留（预留 {} 名，尚余 {} 名）", name,
                       model::chineseLabel(type), day(request.on), posts.reserved, std::max(0, posts.vacant())),
           postFacts(posts));
  }
  if (const auto* unit = ctx.index.unit(request.unit); unit != nullptr && !fitsUnitKind(unit->kind, type)) {
    refuse(answer, "type_unfit", "CHAIN-011",
           fmt::format("{} posts do not belong in {}, a unit of kind {}", model::toString(type), unit->name,
                       model::toString(unit->kind)),
           fmt::format("{}不应使用{}（单位类别：{}）", unit->name, model::chineseLabel(type),
                       model::chineseLabel(unit->kind)));
  }
  if (!answer.allowed) suggestVacanciesElsewhere(ctx, request, type, answer);
}

}  // namespace

OccupancyCounter countOccupancy(const ChainIndex& index, const ScopeKey& key) {
  OccupancyCounter occupancy;
  if (const auto* members = index.members(key); members != nullptr) {
    for (const auto& [id, records] : *members) {
      std::vector<std::pair<Date, Date>> ranges;
      for (const auto& p : presenceIn(index, *records, &key.unit)) {
        if (p.type == key.type && sameId(p.unit, key.unit)) ranges.emplace_back(p.from, p.until);
      }
      occupancy.add(mergeRanges(std::move(ranges)));
    }
  }
  occupancy.finish();
  return occupancy;
}

std::int32_t approvalSlotsUsed(const ChainIndex& index, const model::Approval& approval, Date day) {
  const auto* citers = index.citers(approval.approval_id);
  if (citers == nullptr) return 0;
  std::int32_t used = 0;
  for (const auto& id : *citers) {
    const auto* records = index.person(id);
    if (records == nullptr) continue;
    for (const auto& m : records->movements) {
      if (isValidUse(approval, *records, m, day)) ++used;
    }
  }
  return std::min(used, approval.slots);
}

PostFigures postFigures(const PrecheckContext& ctx, const ScopeKey& key, Date day, const ReservedByType& reserved) {
  PostFigures posts;
  if (const auto* quota = ctx.index.quotaOn(key, day); quota != nullptr) posts.approved = quota->approved;
  posts.occupied = ctx.occupancy(key).countOn(day);
  if (key.type < reserved.size()) posts.reserved = reserved[key.type];
  return posts;
}

PostFigures postFigures(const PrecheckContext& ctx, const ScopeKey& key, Date day) {
  return postFigures(ctx, key, day, reservedPosts(ctx.index, key.unit, day));
}

ReservedByType reservedPosts(const ChainIndex& index, const model::UnitId& unit, Date day) {
  ReservedByType reserved{};
  if (const auto* ids = index.approvalsOfUnit(unit); ids != nullptr) {
    for (const auto& [id, approval] : *ids) {
      if (day < approval->issued_on || day > approval->valid_until) continue;
      const auto type = static_cast<std::size_t>(approval->estab_type);
      if (type >= reserved.size()) continue;
      reserved[type] += std::max(0, approval->slots - approvalSlotsUsed(index, *approval, day));
    }
  }
  return reserved;
}

RegionScopes regionScopes(const PrecheckContext& ctx, const std::string& region, model::EstabType type) {
  RegionScopes out;
  ctx.index.forEachUnitOfRegion(region, [&](const model::Unit& other) {
    if (!fitsUnitKind(other.kind, type)) return;
    const ScopeKey key{other.unit_id, static_cast<std::uint8_t>(type)};
    const auto* quotas = ctx.index.quotas(key);
    if (quotas == nullptr || quotas->empty()) return;
    const auto& occupancy = ctx.occupancy(key);
    // The bound changes only where a quota starts or the occupancy changes.
    auto changes = occupancy.changeDates();
    for (const auto& q : *quotas) changes.push_back(q.effective_from);
    std::sort(changes.begin(), changes.end());
    changes.erase(std::unique(changes.begin(), changes.end()), changes.end());
    RegionScopes::Scope scope{&other, static_cast<std::uint32_t>(out.days.size()), 0};
    for (const auto day : changes) {
      const auto* quota = ChainIndex::quotaIn(*quotas, day);
      if (quota == nullptr) continue;
      const auto bound = quota->approved - occupancy.countOn(day);
      if (out.days.size() > scope.first && out.bounds.back() == bound) continue;
      out.days.push_back(day);
      out.bounds.push_back(bound);
    }
    scope.last = static_cast<std::uint32_t>(out.days.size());
    out.scopes.push_back(scope);
  });
  return out;
}

std::optional<Suspension> suspensionOf(const PrecheckContext& ctx, const model::UnitId& unit) {
  const Finding* first = nullptr;
  for (const auto* f : ctx.critical(unit)) {
    if (first == nullptr || f->since < first->since ||
        (f->since == first->since && f->fingerprint < first->fingerprint)) {
      first = f;
    }
  }
  if (first == nullptr) return std::nullopt;
  return Suspension{first->since.plusDays(ctx.params.suspend_after_days), first};
}

PrecheckAnswer precheck(const PrecheckContext& ctx, const PrecheckRequest& request) {
  PrecheckAnswer answer;
  answer.unit_name = unitLabel(ctx.index, request.unit);
  if (ctx.index.unit(request.unit) == nullptr) {
    refuse(answer, "unit_unknown", "",
           fmt::format("unit {} is not in the establishment office's units", request.unit.view()),
           fmt::format("单位 {} 不在机构编制部门的单位名录中", request.unit.view()));
    return answer;
  }
  const PersonRecords* person = request.person ? ctx.index.person(*request.person) : nullptr;
  switch (request.kind) {
    case PrecheckKind::hire:
    case PrecheckKind::transfer_in:
      checkHire(ctx, request, person, answer);
      break;
    case PrecheckKind::appoint_leader:
      checkLeader(ctx, request, answer);
      break;
    case PrecheckKind::approval:
      checkApprovalIssue(ctx, request, answer);
      break;
  }
  checkSuspension(ctx, request, answer);
  checkPerson(ctx, request, person, answer);
  return answer;
}

}  // namespace detail
}  // namespace staffchain::chain
