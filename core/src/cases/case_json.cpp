#include "staffchain/cases/case_json.hpp"

#include "staffchain/chain/finding_json.hpp"

namespace staffchain::cases {

nlohmann::json caseJson(const Case& c, const model::TimeZone& zone, bool detail) {
  using nlohmann::json;
  json overdue = json::array();
  for (const auto& span : c.overdue) {
    overdue.push_back(
        {{"from", model::formatDate(span.from)}, {"until", span.until ? model::formatDate(*span.until) : ""}});
  }
  json out{{"number", c.number},
           {"doc_no", c.doc_no},
           {"unit_id", c.unit_id},
           {"unit_name", c.unit_name},
           {"region", c.region},
           {"opened_on", model::formatDate(c.opened_on)},
           {"deadline", model::formatDate(c.deadline)},
           {"state", toString(c.state)},
           {"state_zh", caseStateZh(c.state)},
           {"findings_total", c.findings.size()},
           {"findings_open", c.openFindings()},
           {"opened_at", zone.rfc3339(c.opened_at)},
           {"closed_at", c.closed_at ? zone.rfc3339(*c.closed_at) : ""},
           {"automatic", c.automatic},
           {"overdue", overdue}};
  if (!detail) return out;
  json findings = json::array();
  for (const auto& f : c.findings) {
    findings.push_back({{"alert_id", f.alert_id},
                        {"rule", f.rule},
                        {"severity", chain::toString(f.severity)},
                        {"person_id", f.person_id},
                        {"since", model::formatDate(f.since)},
                        {"summary", f.summary_zh},
                        {"summary_en", f.summary_en},
                        {"open", f.open},
                        {"resolved_on", f.resolved_on ? model::formatDate(*f.resolved_on) : ""},
                        {"evidence", chain::evidenceJson(f.evidence)}});
  }
  json history = json::array();
  for (const auto& e : c.history) {
    history.push_back({{"at", zone.rfc3339(e.at)},
                       {"action", e.action},
                       {"from", e.from_state},
                       {"to", e.to_state},
                       {"by", e.by},
                       {"caller", e.caller},
                       {"comment", e.comment}});
  }
  out["findings"] = std::move(findings);
  out["history"] = std::move(history);
  return out;
}

}  // namespace staffchain::cases
