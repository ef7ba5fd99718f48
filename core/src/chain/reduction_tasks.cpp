// Reduction-task progress (控编减编) and CHAIN-018.
#include "staffchain/chain/reduction_tasks.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "precheck.hpp"
#include "reduction_tasks_detail.hpp"
#include "rule_families.hpp"
#include "staffchain/model/enums.hpp"

namespace staffchain::chain {

namespace detail {

ReductionBaseline reductionBaseline(const ChainIndex& index, const model::ReductionTask& task, model::Date day) {
  const ScopeKey key{task.unit_id, static_cast<std::uint8_t>(task.estab_type)};
  ReductionBaseline out;
  out.on_issue = index.quotaOn(key, task.issued_on);
  out.now = index.quotaOn(key, day);
  if (out.on_issue != nullptr) {
    const std::int32_t now = out.now != nullptr ? out.now->approved : 0;
    out.recovered = std::clamp(out.on_issue->approved - now, 0, task.posts_to_recover);
  }
  return out;
}

ReductionState reductionState(const model::ReductionTask& task, const ReductionBaseline& baseline, model::Date day) {
  if (baseline.on_issue == nullptr) return ReductionState::no_baseline;
  if (baseline.recovered >= task.posts_to_recover) return ReductionState::done;
  return day > task.due_on ? ReductionState::overdue : ReductionState::on_track;
}

// Standing: judged on the evaluation date; since is the day after due_on. A task whose unit had
// no approved establishment of its type on issued_on is held, not judged (no_baseline).
void evaluateReductionTask(const RuleContext& ctx, const model::ReductionTask& task, std::vector<Finding>& out) {
  const auto baseline = reductionBaseline(ctx.index, task, ctx.as_of);
  if (reductionState(task, baseline, ctx.as_of) != ReductionState::overdue) return;
  const auto since = task.due_on.plusDays(1);
  auto finding = startFinding("CHAIN-018", task.unit_id, model::PersonId{}, since);
  const auto name = unitLabel(ctx.index, task.unit_id);
  const auto type = static_cast<std::uint8_t>(task.estab_type);
  const std::string doc = task.doc_no.empty() ? std::string() : fmt::format("（{}）", task.doc_no);
  finding.summary_zh = fmt::format("{}控编减编任务 {}{}要求于 {} 前核减{} {} 名，截至 {} 仅核减 {} 名，逾期未完成",
                                   name, task.task_id, doc, model::formatDate(task.due_on), typeNameZh(type),
                                   task.posts_to_recover, model::formatDate(ctx.as_of), baseline.recovered);
  finding.summary_en =
      fmt::format("{}: reduction task {} set {} {} posts to recover by {}; {} recovered by {} ({} still to recover)",
                  name, task.task_id, task.posts_to_recover, typeName(type), model::formatDate(task.due_on),
                  baseline.recovered, model::formatDate(ctx.as_of), task.posts_to_recover - baseline.recovered);
  finding.evidence.push_back(evidenceOf(ctx.index, task));
  finding.evidence.push_back(evidenceOf(ctx.index, *baseline.on_issue));
  if (baseline.now != nullptr && baseline.now != baseline.on_issue) {
    finding.evidence.push_back(evidenceOf(ctx.index, *baseline.now));
  }
  finding.evidence.push_back(derivedEvidence(
      "progress", {{"approved_on_issue", std::to_string(baseline.on_issue->approved)},
                   {"approved_now", std::to_string(baseline.now != nullptr ? baseline.now->approved : 0)},
                   {"recovered", std::to_string(baseline.recovered)},
                   {"posts_to_recover", std::to_string(task.posts_to_recover)},
                   {"due_on", model::formatDate(task.due_on)}}));
  finding.fingerprint = makeFingerprint("CHAIN-018", {task.task_id});
  out.push_back(std::move(finding));
}

std::vector<ReductionProgress> reductions(const PrecheckContext& ctx, model::Date day, const ReductionFilter& filter,
                                          const std::map<std::string, std::string>& open_findings) {
  std::vector<ReductionProgress> rows;
  for (const auto& [id, task] : ctx.index.reductions()) {
    if (filter.unit && !sameId(task.unit_id, *filter.unit)) continue;
    const auto* unit = ctx.index.unit(task.unit_id);
    std::string region = unit != nullptr ? unit->region : std::string();
    if (!filter.region.empty() && filter.region != region) continue;
    const auto baseline = reductionBaseline(ctx.index, task, day);
    ReductionProgress row;
    row.task = task;
    row.unit_name = unitLabel(ctx.index, task.unit_id);
    row.region = std::move(region);
    row.state = reductionState(task, baseline, day);
    if (filter.state && *filter.state != row.state) continue;
    const ScopeKey key{task.unit_id, static_cast<std::uint8_t>(task.estab_type)};
    const auto& occupancy = ctx.occupancy(key);
    if (baseline.on_issue != nullptr) row.approved_on_issue = baseline.on_issue->approved;
    row.approved_now = baseline.now != nullptr ? baseline.now->approved : 0;
    row.occupied_on_issue = occupancy.countOn(task.issued_on);
    row.occupied_now = occupancy.countOn(day);
    row.recovered = baseline.recovered;
    row.excess_on_issue = std::max(0, row.occupied_on_issue - row.approved_on_issue.value_or(0));
    row.excess_now = std::max(0, row.occupied_now - row.approved_now);
    row.excess_absorbed = std::max(0, row.excess_on_issue - row.excess_now);
    if (row.state == ReductionState::overdue) row.days_overdue = day.days - task.due_on.days;
    if (auto it = open_findings.find(task.task_id); it != open_findings.end()) row.finding = it->second;
    rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end(), [](const ReductionProgress& a, const ReductionProgress& b) {
    if (a.region != b.region) return a.region < b.region;
    if (a.task.unit_id != b.task.unit_id) return a.task.unit_id < b.task.unit_id;
    return a.task.task_id < b.task.task_id;
  });
  return rows;
}

}  // namespace detail

std::string_view toString(ReductionState state) noexcept {
  switch (state) {
    case ReductionState::on_track:
      return "on_track";
    case ReductionState::done:
      return "done";
    case ReductionState::overdue:
      return "overdue";
    case ReductionState::no_baseline:
      return "no_baseline";
  }
  return "unknown";
}

std::optional<ReductionState> parseReductionState(std::string_view text) noexcept {
  for (const auto state :
       {ReductionState::on_track, ReductionState::done, ReductionState::overdue, ReductionState::no_baseline}) {
    if (toString(state) == text) return state;
  }
  return std::nullopt;
}

std::string_view chineseLabel(ReductionState state) noexcept {
  switch (state) {
    case ReductionState::on_track:
      return "进行中";
    case ReductionState::done:
      return "已完成";
    case ReductionState::overdue:
      return "逾期未完成";
    case ReductionState::no_baseline:
      return "无核定基数";
  }
  return "未知";
}

ReductionTotals reductionTotals(const std::vector<ReductionProgress>& rows) {
  ReductionTotals totals;
  for (const auto& row : rows) {
    ++totals.tasks;
    totals.posts_to_recover += row.task.posts_to_recover;
    totals.recovered += row.recovered;
    totals.excess_absorbed += row.excess_absorbed;
    switch (row.state) {
      case ReductionState::on_track:
        ++totals.on_track;
        break;
      case ReductionState::done:
        ++totals.done;
        break;
      case ReductionState::overdue:
        ++totals.overdue;
        break;
      case ReductionState::no_baseline:
        ++totals.no_baseline;
        break;
    }
  }
  return totals;
}

nlohmann::json reductionJson(const ReductionProgress& row) {
  return {{"task_id", row.task.task_id},
          {"unit_id", row.task.unit_id.str()},
          {"unit_name", row.unit_name},
          {"region", row.region},
          {"estab_type", model::toString(row.task.estab_type)},
          {"doc_no", row.task.doc_no},
          {"issued_on", model::formatDate(row.task.issued_on)},
          {"due_on", model::formatDate(row.task.due_on)},
          {"posts_to_recover", row.task.posts_to_recover},
          {"recovered", row.recovered},
          {"remaining", row.remaining()},
          {"approved_on_issue", row.approved_on_issue ? nlohmann::json(*row.approved_on_issue) : nlohmann::json()},
          {"approved_now", row.approved_now},
          {"occupied_on_issue", row.occupied_on_issue},
          {"occupied_now", row.occupied_now},
          {"excess_on_issue", row.excess_on_issue},
          {"excess_now", row.excess_now},
          {"excess_absorbed", row.excess_absorbed},
          {"state", toString(row.state)},
          {"state_zh", chineseLabel(row.state)},
          {"days_overdue", row.days_overdue},
          {"finding", row.finding}};
}

nlohmann::json reductionListJson(const std::vector<ReductionProgress>& rows, model::Date as_of) {
  const auto totals = reductionTotals(rows);
  nlohmann::json listed = nlohmann::json::array();
  for (const auto& row : rows) listed.push_back(reductionJson(row));
  return {{"as_of", model::formatDate(as_of)},
          {"reductions", listed},
          {"count", listed.size()},
          {"total",
           {{"tasks", totals.tasks},
            {"posts_to_recover", totals.posts_to_recover},
            {"recovered", totals.recovered},
            {"excess_absorbed", totals.excess_absorbed},
            {"on_track", totals.on_track},
            {"done", totals.done},
            {"overdue", totals.overdue},
            {"no_baseline", totals.no_baseline}}}};
}

}  // namespace staffchain::chain
