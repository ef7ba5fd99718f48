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

std::string evidenceStoredText(const std::vector<EvidenceItem>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& item : items) {
    out.push_back(nlohmann::json{{"source", item.source},
                                 {"record_type", item.record_type},
                                 {"record_id", item.record_id},
                                 {"fields", item.fields}});
  }
  return out.dump();
}

std::vector<EvidenceItem> evidenceFromStoredText(const std::string& text) {
  std::vector<EvidenceItem> out;
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_array()) return out;
  for (const auto& entry : parsed) {
    if (!entry.is_object()) continue;
    EvidenceItem item;
    item.source = entry.value("source", "");
    item.record_type = entry.value("record_type", "");
    item.record_id = entry.value("record_id", "");
    if (const auto fields = entry.find("fields"); fields != entry.end() && fields->is_array()) {
      for (const auto& pair : *fields) {
        if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string()) {
          item.fields.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
        }
      }
    }
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace staffchain::chain
