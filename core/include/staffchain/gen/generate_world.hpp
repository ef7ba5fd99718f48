// generateWorld: writes a synthetic staffing world of Hulunbuir in the canonical exchange
// format, with violations injected at known places and the findings they imply in truth.jsonl.
#pragma once

#include "staffchain/gen/world_spec.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::gen {

// Writes units.csv, quotas.csv, leader_quotas.csv, approvals.csv, roster.csv, movements.csv,
// payroll.csv, deaths.csv and truth.jsonl into spec.out_dir (created when missing; existing
// files of those names are replaced). The same spec always gives the same bytes.
// Errors: the spec is invalid, the folder cannot be created, a file cannot be written.
Result<GenerateStats> generateWorld(const WorldSpec& spec);

}  // namespace staffchain::gen
