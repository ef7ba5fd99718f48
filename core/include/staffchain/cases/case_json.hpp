// A rectification case as JSON, the one form the API answers and the CLI reads.
#pragma once

#include <nlohmann/json.hpp>

#include "staffchain/cases/case.hpp"
#include "staffchain/model/time_zone.hpp"

namespace staffchain::cases {

// {"number", "doc_no", "unit_id", "unit_name", "region", "opened_on", "deadline", "state",
//  "state_zh", "findings_total", "findings_open", "opened_at", "closed_at", "automatic",
//  "overdue": [{"from", "until"}]}; with `detail` also "findings" (with evidence) and "history".
// Ids in full: masking is the caller's, by who asks. Instants in `zone` with their offset.
nlohmann::json caseJson(const Case& c, const model::TimeZone& zone, bool detail);

}  // namespace staffchain::cases
