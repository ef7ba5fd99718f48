// A pre-check as JSON: the request the API takes (and staffchainctl precheck sends) and the
// answer it gives.
#pragma once

#include <nlohmann/json.hpp>

#include "staffchain/chain/precheck.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::chain {

// {"kind", "unit", "type", "count", "on", "approval", "level", "rank", "brings_post", "person"};
// "on" defaults to `today`, "count" to 1. An error names the field and what it takes.
Result<PrecheckRequest> precheckRequestFromJson(const nlohmann::json& body, model::Date today);

// {"allowed", "kind", "unit_id", "unit_name", "estab_type", "on", "count", "posts", "reasons",
//  "suggestions"}; ids in full (masking is the caller's, by who asks).
nlohmann::json precheckAnswerJson(const PrecheckRequest& request, const PrecheckAnswer& answer);

}  // namespace staffchain::chain
