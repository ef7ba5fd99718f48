// The tenure audit workbook: one sheet, 任期审计, in the quarterly workbook's style — a title
// naming the unit, a line with the period, the office and the time generated, bold bordered
// headers frozen in place, and one row per violation with the days of the period it covered.
#include <fmt/format.h>
#include <xlsxwriter.h>

#include "sheet.hpp"
#include "staffchain/reports/tenure_report.hpp"

namespace staffchain::reports {

namespace {

using namespace detail;

std::string unitLine(const TenureReport& report) {
  return report.unit_name.empty() ? report.unit_id : fmt::format("{}（{}）", report.unit_name, report.unit_id);
}

std::string metaLine(const TenureReport& report) {
  std::string line = fmt::format("审计单位：{}　　任期：{} 至 {}", unitLine(report), report.from, report.to);
  if (!report.issuing_office.empty()) line += fmt::format("　　填报单位：{}", report.issuing_office);
  if (!report.generated_at.empty()) line += fmt::format("　　生成时间：{}", report.generated_at);
  return line;
}

}  // namespace

Result<void> writeTenureWorkbook(const TenureReport& report, const std::filesystem::path& out) {
  std::filesystem::path partial;
  const std::string title = (report.unit_name.empty() ? report.unit_id : report.unit_name) + "任期机构编制专项审计";
  auto opened =
      detail::openWorkbook(out, partial, "the tenure audit workbook", title, "任期审计", report.issuing_office);
  if (!opened) return std::move(opened).error();
  lxw_workbook* book = opened.value();

  const Formats f = makeFormats(book);
  // The summary is a sentence: wrapped in its column rather than run on for a screen's width.
  lxw_format* wrapped = newFormat(book, true);
  format_set_text_wrap(wrapped);
  std::string failure;
  Sheet sheet(book, f, "任期审计", failure);
  const std::vector<HeaderGroup> groups{
      {"", {"序号", "规则", "问题", "严重程度", "人员"}},
      {"", {"问题始于"}},
      {"任期内存续", {"起", "止", "任期末状态"}},
      {"", {"情况说明"}},
  };
  constexpr std::size_t kColumns = 10;
  sheet.heading(title, metaLine(report), kColumns);
  lxw_row_t row = sheet.header(groups, 3);
  std::int64_t number = 1;
  std::int64_t open = 0;
  for (const auto& r : report.rows) {
    std::size_t c = 0;
    sheet.integer(row, c++, number++, f.integer);
    sheet.text(row, c++, r.rule, f.text);
    sheet.text(row, c++, r.rule_title_zh, f.text);
    sheet.text(row, c++, r.severity_zh, f.text);
    sheet.text(row, c++, r.person, f.text);
    sheet.text(row, c++, r.since, f.text);
    sheet.text(row, c++, r.first, f.text);
    sheet.text(row, c++, r.open_at_end ? std::string("—") : r.last, f.text);
    sheet.text(row, c++, r.open_at_end ? std::string("任期末仍存在") : std::string("已纠正"),
               r.open_at_end ? f.overdue : f.text);
    sheet.text(row, c++, r.summary_zh, wrapped);
    open += r.open_at_end ? 1 : 0;
    ++row;
  }
  // The totals row: how many, and how many the leader handed on.
  const std::string total = report.rows.empty()
                                ? std::string("任期内未发现问题")
                                : fmt::format("合计 {} 项，其中任期末仍存在 {} 项", report.rows.size(), open);
  sheet.line(row, total, kColumns, f.total_text);
  sheet.applyWidths();
  return closeWorkbook(book, partial, out, failure, "the tenure audit workbook");
}

}  // namespace staffchain::reports
