// The tenure audit report (领导干部任期机构编制专项审计, DOMAIN.md §7) as plain data, and the two
// documents an audit office files: a workbook (.xlsx) and an A4 PDF. What it holds is computed
// elsewhere (chain::tenureAudit over a folder, the daemon's alert spans over its ledger) and
// turned into rows here; the writers only lay them out.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "staffchain/chain/tenure.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::reports {

// One violation during the period: when it began, and the days of the period it covered.
struct TenureRow {
  std::string rule;           // "CHAIN-012"
  std::string rule_title_zh;  // "在编人数超过核定编制（超编）"
  std::string severity_zh;    // "严重" / "重要" / "一般"
  std::string person;         // the citizen id as the reader may see it (masked for most), or empty
  std::string since;          // YYYY-MM-DD, when the violation began (may be before the period)
  std::string first;          // YYYY-MM-DD, its first day inside the period
  std::string last;           // YYYY-MM-DD, its last day inside the period
  bool open_at_end = false;   // still open on the period's last day
  std::string summary_zh;     // one line, ids masked
};

struct TenureReport {
  std::string unit_id;
  std::string unit_name;  // empty when the unit is unknown
  std::string from;       // YYYY-MM-DD, first day of the period
  std::string to;         // YYYY-MM-DD, last day of the period
  std::string issuing_office;
  std::string generated_at;  // for people: "2026-12-06 11:51 +08:00"
  std::vector<TenureRow> rows;
};

// A span of the tenure audit (chain::tenureAudit over a folder, or an alert's over the ledger)
// as a row: the rule's Chinese title and severity, the person's id masked when `mask_ids`, and
// every citizen id in the summary masked always (summaries are masked when written).
TenureRow tenureRowOf(const chain::TenureSpan& span, bool mask_ids);

// One sheet 任期审计: a title naming the unit, the period, the office and the time generated,
// then one row per violation. Written beside `out` and renamed over it.
Result<void> writeTenureWorkbook(const TenureReport& report, const std::filesystem::path& out);

}  // namespace staffchain::reports
