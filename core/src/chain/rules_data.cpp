// DATA-001: records that failed validation on ingest and sit in quarantine.
#include <fmt/format.h>

#include "rule_families.hpp"
#include "staffchain/model/identifiers.hpp"

namespace staffchain::chain::detail {

// One finding per quarantined source row (entries of the same source and origin are one
// row with several faults). It names the row's unit and person where those cells are valid
// identifiers (DOMAIN.md §3: findings name the person and the unit), else leaves them empty.
// A quarantine entry carries no date, so since is the evaluation date.
void evaluateQuarantineGroup(const RuleContext& ctx, const QuarantineKey& key,
                             const std::vector<model::QuarantineEntry>& entries, std::vector<Finding>& out) {
  if (entries.empty()) return;
  model::UnitId unit;
  model::PersonId person;
  for (const auto& e : entries) {
    if (unit.empty() && !e.unit_id.empty()) unit = model::UnitId::fromValid(e.unit_id);
    if (person.empty() && !e.person_id.empty()) person = model::PersonId::fromValid(e.person_id);
  }
  auto finding = startFinding("DATA-001", unit, person, ctx.as_of);
  std::string faultsEn;
  std::string faultsZh;
  for (const auto& e : entries) {
    const auto field = e.field.empty() ? std::string("record") : e.field;
    const auto value = model::maskCitizenIds(e.value);
    const auto fault =
        value.empty() ? fmt::format("{}: {}", field, e.reason) : fmt::format("{} \"{}\": {}", field, value, e.reason);
    faultsEn += (faultsEn.empty() ? "" : "; ") + fault;
    faultsZh += (faultsZh.empty() ? "" : "；") + fault;
    std::vector<std::pair<std::string, std::string>> fields{{"origin", e.origin}};
    if (!e.field.empty()) fields.emplace_back("field", e.field);
    fields.emplace_back("value", e.value);
    fields.emplace_back("reason", e.reason);
    finding.evidence.push_back(EvidenceItem{e.source, "quarantine", e.origin, std::move(fields)});
  }
  const auto type = plugin::recordTypeFile(entries.front().type);
  finding.summary_en = fmt::format("{} row {} from {} quarantined: {}", type, key.second, key.first, faultsEn);
  finding.summary_zh = fmt::format("来自 {} 的 {} 记录 {} 不合规，已隔离：{}", key.first, type, key.second, faultsZh);
  finding.fingerprint = makeFingerprint("DATA-001", {key.first, key.second});
  out.push_back(std::move(finding));
}

}  // namespace staffchain::chain::detail
