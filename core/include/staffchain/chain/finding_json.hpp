// A finding as JSON, the one form the API's findings, `staffchainctl audit --format jsonl` and
// an alert's evidence share.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "staffchain/chain/finding.hpp"

namespace staffchain::chain {

// [{"source", "record_type", "record_id", "fields": {...}}, ...]
nlohmann::json evidenceJson(const std::vector<EvidenceItem>& items);
// Evidence as the stores keep it (the alerts', the cases'): [{"source", "record_type",
// "record_id", "fields": [[key, value], ...]}, ...], fields in their order. Reading gives back
// what was written; entries of another shape are skipped.
std::string evidenceStoredText(const std::vector<EvidenceItem>& items);
std::vector<EvidenceItem> evidenceFromStoredText(const std::string& text);

// {"fingerprint", "rule", "severity", "unit_id", "person_id", "since", "summary", "summary_en",
//  "evidence"}; ids in full (masking is the caller's, by who asks).
nlohmann::json findingJson(const Finding& finding);

}  // namespace staffchain::chain
