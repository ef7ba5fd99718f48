// A finding as JSON, the one form the API's findings, `staffchainctl audit --format jsonl` and
// an alert's evidence share.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "staffchain/chain/finding.hpp"

namespace staffchain::chain {

// [{"source", "record_type", "record_id", "fields": {...}}, ...]
nlohmann::json evidenceJson(const std::vector<EvidenceItem>& items);
// {"fingerprint", "rule", "severity", "unit_id", "person_id", "since", "summary", "summary_en",
//  "evidence"}; ids in full (masking is the caller's, by who asks).
nlohmann::json findingJson(const Finding& finding);

}  // namespace staffchain::chain
