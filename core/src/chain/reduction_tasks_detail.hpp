// What CHAIN-018 and the reduction-task listing share: a task's quotas on its issue date and on
// the day, and the posts recovered between them.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "chain_index.hpp"
#include "staffchain/chain/reduction_tasks.hpp"

namespace staffchain::chain::detail {

struct PrecheckContext;

struct ReductionBaseline {
  const model::Quota* on_issue = nullptr;  // in force on issued_on; nullptr: none
  const model::Quota* now = nullptr;       // in force on the day
  std::int32_t recovered = 0;              // 0 .. posts_to_recover
};

ReductionBaseline reductionBaseline(const ChainIndex& index, const model::ReductionTask& task, model::Date day);
ReductionState reductionState(const model::ReductionTask& task, const ReductionBaseline& baseline, model::Date day);

// Every task on `day`, filtered, by region, unit and task id. `open_findings`: task id -> the
// fingerprint of its open CHAIN-018.
std::vector<ReductionProgress> reductions(const PrecheckContext& ctx, model::Date day, const ReductionFilter& filter,
                                          const std::map<std::string, std::string>& open_findings);

}  // namespace staffchain::chain::detail
