// The quarterly monitoring workbook (季度监控) written with libxlsxwriter: one sheet per part of the
// report, each with a title row, the period and issuing office, bold bordered headers frozen in
// place, thousand separators, yuan with two decimals, availability as a percentage and a totals
// row where adding up makes sense. The summary sheet carries a native column chart of the vacant
// and excess posts per region. The file is written beside its target and renamed over it, so a
// failed write never leaves half a workbook where the old one was.
#include <fmt/format.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

#include "sheet.hpp"
#include "staffchain/model/enums.hpp"
#include "staffchain/model/identifiers.hpp"
#include "staffchain/reports/quarterly_report.hpp"

namespace staffchain::reports {

namespace {

using namespace detail;

constexpr lxw_color_t kVacantColour = 0x4472C4;
constexpr lxw_color_t kExcessColour = 0xC00000;

std::string regionNameOf(const QuarterlyReport& report, const std::string& region) {
  for (const auto& r : report.regions) {
    if (r.region == region && !r.region_name.empty()) return r.region_name;
  }
  return region;
}

std::string metaLine(const QuarterlyReport& report) {
  std::string line = fmt::format("统计期间：{} 至 {}", report.first_day, report.last_day);
  line += fmt::format("　　统计范围：{}",
                      report.region_filter.empty()
                          ? std::string("全部地区")
                          : fmt::format("{}（{}）", regionNameOf(report, report.region_filter), report.region_filter));
  if (!report.issuing_office.empty()) line += fmt::format("　　填报单位：{}", report.issuing_office);
  if (!report.generated_at.empty()) line += fmt::format("　　生成时间：{}", report.generated_at);
  return line;
}

std::string sourceRoleZh(const std::string& role) {
  if (const auto parsed = model::parseSourceRole(role)) return std::string(model::chineseLabel(*parsed));
  return role;
}

// ---- 汇总 -----------------------------------------------------------------------------------

void writeSummaryRow(Sheet& sheet, const Formats& f, lxw_row_t row, const RegionSummary& r, bool total) {
  lxw_format* text = total ? f.total_text : f.text;
  lxw_format* integer = total ? f.total_integer : f.integer;
  lxw_format* yuan = total ? f.total_yuan : f.yuan;
  std::size_t c = 0;
  sheet.text(row, c++, r.region, text);
  sheet.text(row, c++, r.region_name.empty() && total ? std::string("全市") : r.region_name, text);
  for (const std::int64_t value : {r.units, r.total.approved, r.total.occupied, r.total.vacant, r.total.excess,
                                   r.leaders_over, r.ghost_pay_persons, r.ghost_pay_months}) {
    sheet.integer(row, c++, value, integer);
  }
  sheet.decimal(row, c++, r.ghost_pay_yuan, 2, yuan);
  for (const std::int64_t value : {r.findings_opened, r.findings_resolved, r.findings_open_at_end, r.cases_opened,
                                   r.cases_closed, r.cases_overdue}) {
    sheet.integer(row, c++, value, integer);
  }
}

// The clustered column chart of vacant and excess posts per region, below the table.
void addSummaryChart(lxw_workbook* book, Sheet& sheet, const std::string& quarter_zh, lxw_row_t first, lxw_row_t last,
                     lxw_row_t series_name_row, lxw_row_t anchor_row) {
  constexpr lxw_col_t kNameCol = 1;
  constexpr lxw_col_t kVacantCol = 5;
  constexpr lxw_col_t kExcessCol = 6;
  lxw_chart* chart = workbook_add_chart(book, LXW_CHART_COLUMN);
  const std::string title = quarter_zh + "各地区空编与超编";
  chart_title_set_name(chart, title.c_str());
  std::string font_name = kFont;  // the C API takes char*, and only reads it
  lxw_chart_font title_font{};
  title_font.name = font_name.data();
  title_font.size = 12;
  title_font.bold = LXW_EXPLICIT_FALSE;
  chart_title_set_name_font(chart, &title_font);
  const std::array<std::pair<lxw_col_t, lxw_color_t>, 2> series_of{
      {{kVacantCol, kVacantColour}, {kExcessCol, kExcessColour}}};
  for (const auto& [col, colour] : series_of) {
    lxw_chart_series* series = chart_add_series(chart, nullptr, nullptr);
    chart_series_set_categories(series, sheet.name().c_str(), first, kNameCol, last, kNameCol);
    chart_series_set_values(series, sheet.name().c_str(), first, col, last, col);
    chart_series_set_name_range(series, sheet.name().c_str(), series_name_row, col);
    lxw_chart_fill fill{};
    fill.color = colour;
    chart_series_set_fill(series, &fill);
    chart_series_set_labels(series);
  }
  chart_axis_set_name(chart->y_axis, "编制数（名）");
  chart_axis_set_num_format(chart->y_axis, "#,##0");
  chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
  lxw_chart_options options{};
  options.x_scale = 1.6;
  options.y_scale = 1.2;
  worksheet_insert_chart_opt(sheet.raw(), anchor_row, kNameCol, chart, &options);
}

void writeSummarySheet(lxw_workbook* book, const Formats& f, const QuarterlyReport& report, std::string& failure) {
  Sheet sheet(book, f, "汇总", failure);
  const std::vector<HeaderGroup> groups{
      {"", {"区划代码", "地区", "单位数"}},
      {"编制使用", {"核定编制", "实有人数", "空编", "超编"}},
      {"", {"超职数配备领导"}},
      {"吃空饷", {"人数", "月数", "金额（元）"}},
      {"问题线索", {"本季新发现", "本季已整改", "季末未整改"}},
      {"整改案件", {"本季新立", "本季销号", "逾期未整改"}},
  };
  const std::string quarter_zh = quarterLabelZh(report.quarter);
  sheet.heading(quarter_zh + "机构编制季度监控报表", metaLine(report), 17);
  lxw_row_t row = sheet.header(groups, 2);
  const lxw_row_t first = row;
  for (const auto& region : report.regions) writeSummaryRow(sheet, f, row++, region, false);
  const lxw_row_t last = row - 1;
  RegionSummary city = report.city;
  if (city.region_name.empty()) city.region_name = "全市";
  writeSummaryRow(sheet, f, row++, city, true);
  if (!report.regions.empty()) addSummaryChart(book, sheet, quarter_zh, first, last, kHeaderRow + 1, row + 1);
  sheet.applyWidths();
}

// ---- 单位编制 ---------------------------------------------------------------------------------

// Establishment types present in any unit, in the canonical order, unknown codes after them.
std::vector<std::string> typesOf(const std::vector<UnitPostsRow>& units) {
  std::vector<std::string> types;
  for (const auto& unit : units) {
    for (const auto& posts : unit.types) {
      if (std::find(types.begin(), types.end(), posts.estab_type) == types.end()) types.push_back(posts.estab_type);
    }
  }
  auto rank = [](const std::string& type) {
    const auto parsed = model::parseEstabType(type);
    return parsed ? static_cast<int>(*parsed) : 1000;
  };
  std::stable_sort(types.begin(), types.end(),
                   [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
  return types;
}

void writeUnitsSheet(lxw_workbook* book, const Formats& f, const QuarterlyReport& report, std::string& failure) {
  Sheet sheet(book, f, "单位编制", failure);
  const auto types = typesOf(report.units);
  std::vector<HeaderGroup> groups{{"", {"地区", "单位代码", "单位名称"}}};
  for (const auto& type : types) groups.push_back({estabTypeZh(type), {"核定", "实有", "空编"}});
  groups.push_back({"", {"超编", "超职数配备领导"}});
  const std::size_t columns = 3 + 3 * types.size() + 2;
  sheet.heading(quarterLabelZh(report.quarter) + "各单位编制使用情况", metaLine(report), columns);
  lxw_row_t row = sheet.header(groups, 3);
  std::vector<std::int64_t> totals(columns, 0);
  auto put = [&](lxw_row_t r, std::size_t c, std::int64_t value) {
    sheet.integer(r, c, value, f.integer);
    totals[c] += value;
  };
  for (const auto& unit : report.units) {
    sheet.text(row, 0, regionNameOf(report, unit.region), f.text);
    sheet.text(row, 1, unit.unit_id, f.text);
    sheet.text(row, 2, unit.unit_name, f.text);
    std::int64_t excess = 0;
    for (std::size_t t = 0; t < types.size(); ++t) {
      const std::size_t c = 3 + 3 * t;
      const auto it = std::find_if(unit.types.begin(), unit.types.end(),
                                   [&](const TypePosts& p) { return p.estab_type == types[t]; });
      if (it == unit.types.end()) {
        for (std::size_t k = 0; k < 3; ++k) sheet.text(row, c + k, "", f.text);
        continue;
      }
      put(row, c, it->approved);
      put(row, c + 1, it->occupied);
      put(row, c + 2, it->vacant);
      excess += it->excess;
    }
    put(row, columns - 2, excess);
    put(row, columns - 1, unit.leaders_over);
    ++row;
  }
  sheet.text(row, 0, "合计", f.total_text);
  sheet.text(row, 1, "", f.total_text);
  sheet.text(row, 2, fmt::format("{} 个单位", report.units.size()), f.total_text);
  for (std::size_t c = 3; c < columns; ++c) sheet.integer(row, c, totals[c], f.total_integer);
  sheet.applyWidths();
}

// ---- 吃空饷 -----------------------------------------------------------------------------------

void writeGhostPaySheet(lxw_workbook* book, const Formats& f, const QuarterlyReport& report, std::string& failure) {
  Sheet sheet(book, f, "吃空饷", failure);
  sheet.heading(quarterLabelZh(report.quarter) + "“吃空饷”问题统计", metaLine(report), 6);
  lxw_row_t row = sheet.header({"地区", "单位代码", "单位名称", "人数", "月数", "金额（元）"}, 3);
  std::int64_t persons = 0;
  std::int64_t months = 0;
  double yuan = 0.0;
  for (const auto& g : report.ghost_pay) {
    sheet.text(row, 0, regionNameOf(report, g.region), f.text);
    sheet.text(row, 1, g.unit_id, f.text);
    sheet.text(row, 2, g.unit_name, f.text);
    sheet.integer(row, 3, g.persons, f.integer);
    sheet.integer(row, 4, g.months, f.integer);
    sheet.decimal(row, 5, g.yuan, 2, f.yuan);
    persons += g.persons;
    months += g.months;
    yuan += g.yuan;
    ++row;
  }
  sheet.text(row, 0, "合计", f.total_text);
  sheet.text(row, 1, "", f.total_text);
  sheet.text(row, 2, fmt::format("{} 个单位", report.ghost_pay.size()), f.total_text);
  sheet.integer(row, 3, persons, f.total_integer);
  sheet.integer(row, 4, months, f.total_integer);
  sheet.decimal(row, 5, yuan, 2, f.total_yuan);
  sheet.applyWidths();
}

// ---- 问题线索 ---------------------------------------------------------------------------------

void writeRulesSheet(lxw_workbook* book, const Formats& f, const QuarterlyReport& report, std::string& failure) {
  Sheet sheet(book, f, "问题线索", failure);
  sheet.heading(quarterLabelZh(report.quarter) + "问题线索统计（按规则）", metaLine(report), 5);
  lxw_row_t row = sheet.header({"规则", "问题类型", "本季新发现", "本季已整改", "季末未整改"}, 2);
  std::array<std::int64_t, 3> totals{};
  for (const auto& r : report.rules) {
    sheet.text(row, 0, r.rule, f.text);
    sheet.text(row, 1, r.title_zh, f.text);
    sheet.integer(row, 2, r.opened, f.integer);
    sheet.integer(row, 3, r.resolved, f.integer);
    sheet.integer(row, 4, r.open_at_end, f.integer);
    totals[0] += r.opened;
    totals[1] += r.resolved;
    totals[2] += r.open_at_end;
    ++row;
  }
  sheet.text(row, 0, "合计", f.total_text);
  sheet.text(row, 1, "", f.total_text);
  for (std::size_t c = 0; c < totals.size(); ++c) sheet.integer(row, 2 + c, totals[c], f.total_integer);
  sheet.applyWidths();
}

// ---- 控编减编 ---------------------------------------------------------------------------------

void writeReductionsSheet(lxw_workbook* book, const Formats& f, const QuarterlyReport& report, std::string& failure) {
  Sheet sheet(book, f, "控编减编", failure);
  sheet.heading(quarterLabelZh(report.quarter) + "控编减编任务进度", metaLine(report), 11);
  lxw_row_t row = sheet.header({"任务编号", "文号", "单位代码", "单位名称", "编制类型", "完成期限", "应核减编制",
                                "已核减编制", "尚需核减", "已消化超编", "状态"},
                               1);
  std::array<std::int64_t, 4> totals{};
  for (const auto& r : report.reductions) {
    const std::int64_t remaining = std::max<std::int64_t>(0, r.posts_to_recover - r.recovered);
    sheet.text(row, 0, r.task_id, f.text);
    sheet.text(row, 1, r.doc_no, f.text);
    sheet.text(row, 2, r.unit_id, f.text);
    sheet.text(row, 3, r.unit_name, f.text);
    sheet.text(row, 4, estabTypeZh(r.estab_type), f.text);
    sheet.text(row, 5, r.due_on, f.text);
    const std::array<std::int64_t, 4> values{r.posts_to_recover, r.recovered, remaining, r.excess_absorbed};
    for (std::size_t c = 0; c < values.size(); ++c) {
      sheet.integer(row, 6 + c, values[c], f.integer);
      totals[c] += values[c];
    }
    sheet.text(row, 10, r.state_zh, r.state_zh == "逾期未完成" ? f.overdue : f.text);
    ++row;
  }
  sheet.text(row, 0, "合计", f.total_text);
  for (std::size_t c = 1; c < 6; ++c) sheet.text(row, c, "", f.total_text);
  sheet.text(row, 3, fmt::format("{} 项任务", report.reductions.size()), f.total_text);
  for (std::size_t c = 0; c < totals.size(); ++c) sheet.integer(row, 6 + c, totals[c], f.total_integer);
  sheet.text(row, 10, "", f.total_text);
  sheet.applyWidths();
}

// ---- 整改 -------------------------------------------------------------------------------------

void writeCasesSheet(lxw_workbook* book, const Formats& f, const QuarterlyReport& report, std::string& failure) {
  Sheet sheet(book, f, "整改", failure);
  sheet.heading(quarterLabelZh(report.quarter) + "整改督查情况", metaLine(report), 5);
  lxw_row_t row = sheet.header({"区划代码", "地区", "本季新立案件", "本季销号", "逾期未整改"}, 2);
  auto regionRow = [&](const RegionSummary& r, bool total) {
    lxw_format* text = total ? f.total_text : f.text;
    lxw_format* integer = total ? f.total_integer : f.integer;
    sheet.text(row, 0, r.region, text);
    sheet.text(row, 1, r.region_name.empty() && total ? std::string("全市") : r.region_name, text);
    sheet.integer(row, 2, r.cases_opened, integer);
    sheet.integer(row, 3, r.cases_closed, integer);
    sheet.integer(row, 4, r.cases_overdue, integer);
    ++row;
  };
  for (const auto& region : report.regions) regionRow(region, false);
  regionRow(report.city, true);

  // The city's cases over the quarter, and how many were still open at its end.
  row += 1;
  sheet.text(row, 0, "项目", f.header);
  sheet.text(row, 1, "件数", f.header);
  ++row;
  const std::array<std::pair<const char*, std::int64_t>, 4> counts{{{"本季新立案件", report.cases.opened},
                                                                    {"本季验收销号", report.cases.closed},
                                                                    {"逾期未整改", report.cases.overdue},
                                                                    {"季末未销号", report.cases.open_at_end}}};
  for (const auto& [label, value] : counts) {
    sheet.text(row, 0, label, f.text);
    sheet.integer(row, 1, value, f.integer);
    ++row;
  }
  sheet.applyWidths();
}

// ---- 数据链路 ---------------------------------------------------------------------------------

void writeLinksSheet(lxw_workbook* book, const Formats& f, const QuarterlyReport& report, std::string& failure) {
  Sheet sheet(book, f, "数据链路", failure);
  sheet.heading(quarterLabelZh(report.quarter) + "数据链路运行情况", metaLine(report), 5);
  lxw_row_t row = sheet.header({"连接器", "数据来源", "可用率", "中断次数", "最长中断"}, 1);
  std::int64_t outages = 0;
  for (const auto& link : report.links) {
    sheet.text(row, 0, link.connector, f.text);
    sheet.text(row, 1, sourceRoleZh(link.role), f.text);
    sheet.decimal(row, 2, link.availability, 4, f.percent);
    sheet.integer(row, 3, link.outages, f.integer);
    sheet.text(row, 4, link.longest_outage, f.text);
    outages += link.outages;
    ++row;
  }
  sheet.text(row, 0, "合计", f.total_text);
  sheet.text(row, 1, fmt::format("{} 条链路", report.links.size()), f.total_text);
  sheet.text(row, 2, "", f.total_text);
  sheet.integer(row, 3, outages, f.total_integer);
  sheet.text(row, 4, "", f.total_text);
  sheet.applyWidths();
}

}  // namespace

std::string quarterLabelZh(const std::string& quarter) {
  static constexpr std::array<const char*, 4> kOrdinals{"一", "二", "三", "四"};
  if (quarter.size() != 6 || quarter[4] != 'Q' || quarter[5] < '1' || quarter[5] > '4') return quarter;
  for (std::size_t i = 0; i < 4; ++i) {
    if (quarter[i] < '0' || quarter[i] > '9') return quarter;
  }
  return fmt::format("{}年第{}季度", quarter.substr(0, 4), kOrdinals[static_cast<std::size_t>(quarter[5] - '1')]);
}

std::string estabTypeZh(const std::string& estab_type) {
  if (estab_type.empty()) return "合计";
  if (const auto parsed = model::parseEstabType(estab_type)) return std::string(model::chineseLabel(*parsed));
  return estab_type;
}

Result<void> writeQuarterlyWorkbook(const QuarterlyReport& report, const std::filesystem::path& out) {
  std::filesystem::path partial;
  auto opened =
      detail::openWorkbook(out, partial, "the quarterly workbook",
                           quarterLabelZh(report.quarter) + "机构编制季度监控报表", "季度监控", report.issuing_office);
  if (!opened) return std::move(opened).error();
  lxw_workbook* book = opened.value();

  const Formats formats = makeFormats(book);
  std::string failure;
  writeSummarySheet(book, formats, report, failure);
  writeUnitsSheet(book, formats, report, failure);
  writeGhostPaySheet(book, formats, report, failure);
  writeRulesSheet(book, formats, report, failure);
  writeReductionsSheet(book, formats, report, failure);
  writeCasesSheet(book, formats, report, failure);
  writeLinksSheet(book, formats, report, failure);

  return closeWorkbook(book, partial, out, failure, "the quarterly workbook");
}

Result<std::string> quarterlyWorkbookBytes(const QuarterlyReport& report, const std::filesystem::path& scratch) {
  std::error_code ec;
  std::filesystem::create_directories(scratch, ec);
  if (ec)
    return makeError(fmt::format("cannot create {} for the quarterly workbook: {}", scratch.string(), ec.message()));
  // One name per call: two requests for the same quarter never share a file.
  static std::atomic<std::uint64_t> sequence{0};
  const auto path = scratch / fmt::format("quarterly-{}-{}-{}.xlsx", report.quarter, ::getpid(), ++sequence);
  if (auto written = writeQuarterlyWorkbook(report, path); !written) return std::move(written).error();
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const bool read = !in.bad();
  in.close();
  std::filesystem::remove(path, ec);
  if (!read) return makeError(fmt::format("cannot read back the quarterly workbook {}", path.string()));
  return bytes;
}

std::string quarterlyFileName(const QuarterlyReport& report) {
  std::string name = quarterLabelZh(report.quarter) + "机构编制季度监控报表";
  if (!report.region_filter.empty()) {
    const auto known = model::regionName(report.region_filter);
    name += fmt::format("（{}）", known.empty() ? regionNameOf(report, report.region_filter) : std::string(known));
  }
  return name + ".xlsx";
}

}  // namespace staffchain::reports
