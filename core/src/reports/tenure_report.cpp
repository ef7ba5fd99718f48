#include "staffchain/reports/tenure_report.hpp"

#include "staffchain/chain/rule_catalog.hpp"
#include "staffchain/model/identifiers.hpp"

namespace staffchain::reports {

TenureRow tenureRowOf(const chain::TenureSpan& span, bool mask_ids) {
  const chain::Finding& f = span.finding;
  TenureRow row;
  row.rule = f.rule;
  if (const auto rule = chain::findRule(f.rule)) row.rule_title_zh = std::string(rule->title_zh);
  row.severity_zh = std::string(chain::chineseLabel(f.severity));
  if (!f.person_id.empty()) row.person = mask_ids ? model::maskCitizenId(f.person_id.view()) : f.person_id.str();
  row.since = model::formatDate(f.since);
  row.first = model::formatDate(span.first);
  row.last = model::formatDate(span.last);
  row.open_at_end = span.open_at_end;
  row.summary_zh = model::maskCitizenIds(f.summary_zh);
  return row;
}

}  // namespace staffchain::reports
