// Reduction tasks (控编减编, DOMAIN.md §7): how far each task has come on a day. Progress is read
// from the unit's approved establishment of the task's type: approved on issued_on minus approved
// on the day, capped at posts_to_recover; excess absorbed is the excess (超编) on issued_on minus
// the excess on the day. A task past due_on with progress short of its posts is CHAIN-018.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "staffchain/model/calendar.hpp"
#include "staffchain/model/records.hpp"

namespace staffchain::chain {

enum class ReductionState : std::uint8_t {
  on_track,  // not yet due (or not yet issued), posts still to recover
  done,      // every post recovered
  overdue,   // past due_on with posts still to recover (CHAIN-018)
  // No approved establishment of the task's type on issued_on: progress cannot be measured, and
  // the task accuses nobody until the quotas say what it started from.
  no_baseline,
};
std::string_view toString(ReductionState state) noexcept;
std::optional<ReductionState> parseReductionState(std::string_view text) noexcept;
std::string_view chineseLabel(ReductionState state) noexcept;  // 进行中, 已完成, 逾期未完成, 无核定基数

struct ReductionProgress {
  model::ReductionTask task;
  std::string unit_name;  // as units.csv names it, or the unit's id
  std::string region;
  std::optional<std::int32_t> approved_on_issue;  // nullopt: no quota of the type on issued_on
  std::int32_t approved_now = 0;
  std::int32_t occupied_on_issue = 0;
  std::int32_t occupied_now = 0;
  std::int32_t recovered = 0;  // 0 .. posts_to_recover
  std::int32_t excess_on_issue = 0;
  std::int32_t excess_now = 0;
  std::int32_t excess_absorbed = 0;  // excess_on_issue − excess_now, never below 0
  ReductionState state = ReductionState::on_track;
  std::int32_t days_overdue = 0;  // when overdue: days since due_on
  std::string finding;            // the open CHAIN-018's fingerprint, when there is one

  [[nodiscard]] std::int32_t remaining() const noexcept { return task.posts_to_recover - recovered; }
};

struct ReductionFilter {
  std::string region;
  std::optional<model::UnitId> unit;
  std::optional<ReductionState> state;
};

// Sums over tasks: posts set and recovered, excess absorbed, tasks per state.
struct ReductionTotals {
  std::size_t tasks = 0;
  std::int64_t posts_to_recover = 0;
  std::int64_t recovered = 0;
  std::int64_t excess_absorbed = 0;
  std::size_t on_track = 0;
  std::size_t done = 0;
  std::size_t overdue = 0;
  std::size_t no_baseline = 0;
};
ReductionTotals reductionTotals(const std::vector<ReductionProgress>& rows);

// {"task_id","unit_id","unit_name","region","estab_type","doc_no","issued_on","due_on",
//  "posts_to_recover","recovered","remaining","approved_on_issue","approved_now",
//  "occupied_on_issue","occupied_now","excess_on_issue","excess_now","excess_absorbed","state",
//  "state_zh","days_overdue","finding"}
nlohmann::json reductionJson(const ReductionProgress& row);
// {"as_of", "reductions": [row...], "count", "total": totals}: what the API answers and the CLI
// prints.
nlohmann::json reductionListJson(const std::vector<ReductionProgress>& rows, model::Date as_of);

}  // namespace staffchain::chain
