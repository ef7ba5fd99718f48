#include "staffchain/chain/finding_json.hpp"

namespace staffchain::chain {

nlohmann::json evidenceJson(const std::vector<EvidenceItem>& items) {
  nlohmann::json evidence = nlohmann::json::array();
  for (const auto& item : items) {
    nlohmann::json fields = nlohmann::json::object();
    for (const auto& [key, value] : item.fields) fields[key] = value;
    evidence.push_back({{"source", item.source},
                        {"record_type", item.record_type},
                        {"record_id", item.record_id},
                        {"fields", fields}});
  }
  return evidence;
}

nlohmann::json findingJson(const Finding& finding) {
  return {{"fingerprint", finding.fingerprint},
          {"rule", finding.rule},
          {"severity", toString(finding.severity)},
          {"unit_id", finding.unit_id.empty() ? "" : finding.unit_id.str()},
          {"person_id", finding.person_id.empty() ? "" : finding.person_id.str()},
          {"since", model::formatDate(finding.since)},
          {"summary", finding.summary_zh},
          {"summary_en", finding.summary_en},
          {"evidence", evidenceJson(finding.evidence)}};
}

}  // namespace staffchain::chain
