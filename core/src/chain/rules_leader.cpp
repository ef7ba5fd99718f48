// CHAIN-007: leaders at a unit, level and rank above its approved leadership posts.
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "rule_families.hpp"
#include "staffchain/model/enums.hpp"

namespace staffchain::chain::detail {

// Standing: judged on the evaluation date; since is the first day of the current unbroken
// run of excess. A unit/level/rank with no leader_quotas row has no approved posts.
void evaluateLeaderScope(const RuleContext& ctx, const LeaderKey& key, std::vector<Finding>& out) {
  const auto* sorted = ctx.index.leaderMembers(key);  // by id
  if (sorted == nullptr) return;
  OccupancyCounter leaders;
  std::vector<LeaderInterval> current;  // the posts held on the evaluation date
  for (const auto& [id, records] : *sorted) {
    std::vector<std::pair<model::Date, model::Date>> ranges;
    const LeaderInterval* holding = nullptr;
    const auto intervals = leadershipOf(*records);
    for (const auto& interval : intervals) {
      if (interval.key != key) continue;
      ranges.emplace_back(interval.from, interval.until);
      if (interval.from <= ctx.as_of && ctx.as_of < interval.until && holding == nullptr) holding = &interval;
    }
    if (holding != nullptr) current.push_back(*holding);
    leaders.add(mergeRanges(std::move(ranges)));
  }
  leaders.finish();
  const auto* quota = ctx.index.leaderQuota(key);
  const std::int32_t approved = quota != nullptr ? quota->approved : 0;
  const auto count = leaders.countOn(ctx.as_of);
  if (count <= approved) return;

  const auto since =
      currentRunStart(leaders.changeDates(), ctx.as_of, [&](model::Date d) { return leaders.countOn(d) > approved; });
  auto finding = startFinding("CHAIN-007", key.unit, model::PersonId{}, since);
  const auto name = unitLabel(ctx.index, key.unit);
  finding.summary_en = fmt::format("{} has {} {} {} leaders against {} approved posts (over by {}) since {}", name,
                                   count, model::toString(key.level), model::toString(key.rank), approved,
                                   count - approved, model::formatDate(since));
  finding.summary_zh =
      fmt::format("{}{}{}职数核定 {} 名，实配 {} 名，自 {} 起超职数 {} 名", name, model::chineseLabel(key.level),
                  model::chineseLabel(key.rank), approved, count, model::formatDate(since), count - approved);
  if (quota != nullptr) finding.evidence.push_back(evidenceOf(ctx.index, *quota));
  for (const auto& interval : current) {
    if (interval.entry != nullptr) {
      finding.evidence.push_back(evidenceOf(ctx.index, *interval.entry));
    } else {
      finding.evidence.push_back(evidenceOf(ctx.index, *interval.appoint));
    }
  }
  finding.fingerprint =
      makeFingerprint("CHAIN-007", {key.unit.view(), model::toString(key.level), model::toString(key.rank)});
  out.push_back(std::move(finding));
}

}  // namespace staffchain::chain::detail
