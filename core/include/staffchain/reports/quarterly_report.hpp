// The quarterly monitoring report (季度监控, DOMAIN.md §7) as plain data, and the writer that turns it
// into the .xlsx workbook offices hand upwards. The figures are computed elsewhere; the writer only
// lays them out: one sheet per part of the report, Chinese sheet names, titles and headers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "staffchain/plugin/result.hpp"

namespace staffchain::reports {

// Posts of one establishment type (`admin`, `political_legal`, ...; empty for all types together).
struct TypePosts {
  std::string estab_type;
  std::int64_t approved = 0;
  std::int64_t occupied = 0;
  std::int64_t vacant = 0;  // approved − occupied where positive
  std::int64_t excess = 0;  // occupied − approved where positive (超编)
};

struct RegionSummary {
  std::string region;       // GB/T 2260 code; empty for the city row
  std::string region_name;  // 海拉尔区, or 全市 for the city row
  std::int64_t units = 0;
  TypePosts total;  // all types of all units of the region
  std::int64_t leaders_over = 0;
  std::int64_t ghost_pay_persons = 0;
  std::int64_t ghost_pay_months = 0;
  double ghost_pay_yuan = 0.0;
  std::int64_t findings_opened = 0;
  std::int64_t findings_resolved = 0;
  std::int64_t findings_open_at_end = 0;
  std::int64_t cases_opened = 0;
  std::int64_t cases_closed = 0;
  std::int64_t cases_overdue = 0;
};

struct UnitPostsRow {
  std::string region;
  std::string unit_id;
  std::string unit_name;
  std::vector<TypePosts> types;  // one per establishment type the unit has
  std::int64_t leaders_over = 0;
};

struct GhostPayRow {
  std::string region;
  std::string unit_id;
  std::string unit_name;
  std::int64_t persons = 0;
  std::int64_t months = 0;
  double yuan = 0.0;
};

struct RuleCountRow {
  std::string rule;  // CHAIN-006
  std::string title_zh;
  std::int64_t opened = 0;
  std::int64_t resolved = 0;
  std::int64_t open_at_end = 0;
};

struct ReductionRow {
  std::string task_id;
  std::string doc_no;
  std::string unit_id;
  std::string unit_name;
  std::string estab_type;
  std::string due_on;    // YYYY-MM-DD
  std::string state_zh;  // 进行中, 已完成, 逾期未完成, 无核定基数
  std::int64_t posts_to_recover = 0;
  std::int64_t recovered = 0;
  std::int64_t excess_absorbed = 0;
};

struct CaseCounts {
  std::int64_t opened = 0;
  std::int64_t closed = 0;
  std::int64_t overdue = 0;
  std::int64_t open_at_end = 0;
};

struct LinkAvailabilityRow {
  std::string connector;
  std::string role;           // estab, org, hr, finance, or a notification channel
  double availability = 0.0;  // 0..1 of the quarter
  std::int64_t outages = 0;
  std::string longest_outage;  // as a person reads it: "2天3小时"
};

struct QuarterlyReport {
  std::string quarter;  // "2026Q4"
  std::string first_day;
  std::string last_day;
  std::string region_filter;  // empty: every region
  std::string issuing_office;
  std::string generated_at;  // with its offset, "2027-01-05T09:00:00+08:00"
  std::vector<RegionSummary> regions;
  RegionSummary city;  // all regions together
  std::vector<UnitPostsRow> units;
  std::vector<GhostPayRow> ghost_pay;
  std::vector<RuleCountRow> rules;
  std::vector<ReductionRow> reductions;
  CaseCounts cases;
  std::vector<LinkAvailabilityRow> links;
};

// "2026Q4" -> "2026年第四季度"; anything else is returned as it is.
std::string quarterLabelZh(const std::string& quarter);

// Chinese name of an establishment type (`admin` -> 行政编制); unknown codes as they are.
std::string estabTypeZh(const std::string& estab_type);

// Writes the workbook to `out` (replaced if it exists). An error names the file and the reason.
Result<void> writeQuarterlyWorkbook(const QuarterlyReport& report, const std::filesystem::path& out);

// The workbook's bytes, for an answer or an attachment: libxlsxwriter writes files only, so it is
// written into `scratch` (created if missing) under a name of its own, read and removed.
Result<std::string> quarterlyWorkbookBytes(const QuarterlyReport& report, const std::filesystem::path& scratch);

// The file name an office saves it under: "2026年第四季度机构编制季度监控报表.xlsx", with the
// region for one region's report ("2026年第四季度机构编制季度监控报表（海拉尔区）.xlsx").
std::string quarterlyFileName(const QuarterlyReport& report);

}  // namespace staffchain::reports
