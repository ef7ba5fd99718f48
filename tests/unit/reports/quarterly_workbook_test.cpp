// The quarterly monitoring workbook (季度监控), read back as a spreadsheet program reads it: a
// report of three regions with known figures is written, then read_workbook.py (openpyxl) prints
// every sheet's cells as JSON, and every sheet name, title, header and number is compared; the
// native chart is looked for inside the .xlsx archive; an unwritable path is an error naming the
// file. sheet_to_png.py draws the summary sheet as the picture in the README.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "scratch_dir.hpp"
#include "staffchain/reports/quarterly_report.hpp"

namespace staffchain::reports {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// Debian's python3 has python3-openpyxl and python3-matplotlib; another python3 earlier on PATH may not.
const std::string kPython = "/usr/bin/python3 ";
const std::filesystem::path kScripts = std::filesystem::path(STAFFCHAIN_SOURCE_DIR) / "tests/unit/reports";

RegionSummary region(std::string code, std::string name, std::int64_t units, TypePosts total, std::int64_t leaders_over,
                     std::int64_t ghost_persons, std::int64_t ghost_months, double yuan,
                     std::array<std::int64_t, 3> findings, std::array<std::int64_t, 3> cases) {
  RegionSummary r;
  r.region = std::move(code);
  r.region_name = std::move(name);
  r.units = units;
  r.total = std::move(total);
  r.leaders_over = leaders_over;
  r.ghost_pay_persons = ghost_persons;
  r.ghost_pay_months = ghost_months;
  r.ghost_pay_yuan = yuan;
  r.findings_opened = findings[0];
  r.findings_resolved = findings[1];
  r.findings_open_at_end = findings[2];
  r.cases_opened = cases[0];
  r.cases_closed = cases[1];
  r.cases_overdue = cases[2];
  return r;
}

// Three regions of Hulunbuir with figures that add up to the city row.
QuarterlyReport sampleReport() {
  QuarterlyReport q;
  q.quarter = "2026Q4";
  q.first_day = "2026-10-01";
  q.last_day = "2026-12-31";
  q.issuing_office = "呼伦贝尔市委机构编制委员会办公室";
  q.generated_at = "2027-01-05T09:00:00+08:00";
  q.regions = {
      region("150702", "海拉尔区", 120, {"", 4321, 4100, 260, 39}, 3, 12, 57, 342156.78, {45, 30, 61}, {8, 5, 2}),
      region("150781", "满洲里市", 64, {"", 2150, 2088, 95, 33}, 1, 5, 18, 98765.40, {20, 22, 14}, {3, 4, 1}),
      region("150783", "扎兰屯市", 87, {"", 3012, 2990, 61, 39}, 0, 7, 30, 156000.00, {31, 18, 25}, {5, 2, 0}),
  };
  q.city = region("150700", "全市", 271, {"", 9483, 9178, 416, 111}, 4, 24, 105, 596922.18, {96, 70, 100}, {16, 11, 3});
  q.units = {
      {"150702", "11150702MB0000001A", "海拉尔区财政局", {{"admin", 45, 47, 0, 2}, {"service", 3, 2, 1, 0}}, 1},
      {"150702", "12150702MB0000002B", "海拉尔区第一中学", {{"institution", 210, 198, 12, 0}}, 0},
      // Types out of the canonical order: the sheet puts 行政编制 first all the same.
      {"150781",
       "11150781MB0000003C",
       "满洲里市公安局",
       {{"political_legal", 1320, 1302, 18, 0}, {"admin", 60, 58, 2, 0}},
       1},
      {"150783", "12150783MB0000004D", "扎兰屯市人民医院", {{"institution", 1180, 1215, 0, 35}}, 0},
  };
  q.ghost_pay = {
      {"150702", "11150702MB0000001A", "海拉尔区财政局", 3, 14, 84320.50},
      {"150781", "11150781MB0000003C", "满洲里市公安局", 2, 9, 60111.00},
  };
  q.rules = {
      {"CHAIN-001", "超编进人", 5, 1, 7},
      {"CHAIN-006", "离职后仍领取工资", 12, 8, 9},
      {"CHAIN-018", "控编减编任务逾期", 2, 0, 2},
  };
  q.reductions = {
      {"JB-2026-01", "呼编发〔2026〕1号", "11150702MB0000001A", "海拉尔区财政局", "admin", "2026-10-31", "已完成", 2, 2,
       1},
      {"JB-2026-03", "呼编发〔2026〕3号", "12150783MB0000004D", "扎兰屯市人民医院", "institution", "2026-11-30",
       "逾期未完成", 40, 25, 20},
  };
  q.cases = {16, 11, 3, 9};
  q.links = {
      {"estab-folder", "estab", 0.9995, 0, ""},
      {"hr-api", "hr", 0.9871, 3, "1天4小时"},
      {"finance-db", "finance", 0.95, 7, "3天2小时"},
  };
  return q;
}

struct CommandResult {
  int status = -1;
  std::string output;
};

CommandResult run(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  std::size_t read = 0;
  while ((read = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), read);
  result.status = pclose(pipe);
  return result;
}

std::string quoted(const std::filesystem::path& path) {
  return "'" + path.string() + "'";
}

// The workbook as read_workbook.py prints it.
json readBack(const std::filesystem::path& xlsx) {
  const auto result = run(kPython + quoted(kScripts / "read_workbook.py") + " " + quoted(xlsx));
  EXPECT_EQ(result.status, 0) << result.output;
  return json::parse(result.output);
}

const json& sheetNamed(const json& book, const std::string& name) {
  for (const auto& sheet : book["sheets"]) {
    if (sheet["name"] == name) return sheet;
  }
  static const json missing = json::object();
  ADD_FAILURE() << "no sheet " << name;
  return missing;
}

// A row of cells from column A on, as read back: absent cells are null.
json row(const json& sheet, int number, int columns) {
  json values = json::array();
  for (int c = 0; c < columns; ++c) {
    const std::string address = std::string(1, static_cast<char>('A' + c)) + std::to_string(number);
    values.push_back(sheet["cells"].value(address, json()));
  }
  return values;
}

class QuarterlyWorkbookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    xlsx_ = scratch_.path() / "季度监控-2026Q4.xlsx";
    const auto written = writeQuarterlyWorkbook(sampleReport(), xlsx_);
    ASSERT_TRUE(written.ok()) << written.error().message;
    book_ = readBack(xlsx_);
  }

  staffchain::testing::ScratchDir scratch_;
  std::filesystem::path xlsx_;
  json book_;
};

TEST_F(QuarterlyWorkbookTest, HasTheSevenSheetsInOrderEachWithItsTitle) {
  std::vector<std::string> names;
  for (const auto& sheet : book_["sheets"]) names.push_back(sheet["name"]);
  EXPECT_THAT(names, ::testing::ElementsAre("汇总", "单位编制", "吃空饷", "问题线索", "控编减编", "整改", "数据链路"));
  const std::vector<std::pair<std::string, std::string>> titles{
      {"汇总", "2026年第四季度机构编制季度监控报表"}, {"单位编制", "2026年第四季度各单位编制使用情况"},
      {"吃空饷", "2026年第四季度“吃空饷”问题统计"},   {"问题线索", "2026年第四季度问题线索统计（按规则）"},
      {"控编减编", "2026年第四季度控编减编任务进度"}, {"整改", "2026年第四季度整改督查情况"},
      {"数据链路", "2026年第四季度数据链路运行情况"},
  };
  for (const auto& [name, title] : titles) {
    const json& sheet = sheetNamed(book_, name);
    EXPECT_EQ(sheet["cells"]["A1"], title) << name;
    EXPECT_TRUE(sheet["bold"]["A1"].get<bool>()) << name;
    const std::string meta = sheet["cells"]["A2"];
    EXPECT_THAT(meta, HasSubstr("统计期间：2026-10-01 至 2026-12-31")) << name;
    EXPECT_THAT(meta, HasSubstr("统计范围：全部地区")) << name;
    EXPECT_THAT(meta, HasSubstr("填报单位：呼伦贝尔市委机构编制委员会办公室")) << name;
    EXPECT_THAT(meta, HasSubstr("生成时间：2027-01-05T09:00:00+08:00")) << name;
    // The title spans the table.
    EXPECT_THAT(sheet["merged"].get<std::vector<std::string>>(), ::testing::Contains(::testing::StartsWith("A1:")))
        << name;
  }
}

TEST_F(QuarterlyWorkbookTest, SummaryHoldsEveryRegionAndTheCityRowUnderATwoRowHeader) {
  const json& s = sheetNamed(book_, "汇总");
  EXPECT_EQ(s["freeze_panes"], "C5");
  EXPECT_EQ(row(s, 3, 17),
            json({"区划代码", "地区", "单位数", "编制使用", nullptr, nullptr, nullptr, "超职数配备领导", "吃空饷",
                  nullptr, nullptr, "问题线索", nullptr, nullptr, "整改案件", nullptr, nullptr}));
  EXPECT_EQ(row(s, 4, 17),
            json({nullptr, nullptr, nullptr, "核定编制", "实有人数", "空编", "超编", nullptr, "人数", "月数",
                  "金额（元）", "本季新发现", "本季已整改", "季末未整改", "本季新立", "本季销号", "逾期未整改"}));
  EXPECT_TRUE(s["bold"]["D4"].get<bool>());
  EXPECT_EQ(row(s, 5, 17),
            json({"150702", "海拉尔区", 120, 4321, 4100, 260, 39, 3, 12, 57, 342156.78, 45, 30, 61, 8, 5, 2}));
  EXPECT_EQ(row(s, 6, 17),
            json({"150781", "满洲里市", 64, 2150, 2088, 95, 33, 1, 5, 18, 98765.4, 20, 22, 14, 3, 4, 1}));
  EXPECT_EQ(row(s, 7, 17), json({"150783", "扎兰屯市", 87, 3012, 2990, 61, 39, 0, 7, 30, 156000, 31, 18, 25, 5, 2, 0}));
  EXPECT_EQ(row(s, 8, 17),
            json({"150700", "全市", 271, 9483, 9178, 416, 111, 4, 24, 105, 596922.18, 96, 70, 100, 16, 11, 3}));
  EXPECT_TRUE(s["bold"]["D8"].get<bool>());
  EXPECT_EQ(s["max_row"], 8);
  EXPECT_EQ(s["number_formats"]["D5"], "#,##0");
  EXPECT_EQ(s["number_formats"]["K5"], "#,##0.00");
  EXPECT_EQ(s["number_formats"]["K8"], "#,##0.00");
  // Wide enough for the longest Chinese header (7 characters, two widths each).
  EXPECT_GE(s["column_widths"]["H"].get<double>(), 14.0);
}

TEST_F(QuarterlyWorkbookTest, SummaryCarriesANativeClusteredColumnChartOfVacantAndExcessPerRegion) {
  const auto& members = book_["members"];
  EXPECT_THAT(members.get<std::vector<std::string>>(), ::testing::Contains("xl/charts/chart1.xml"));
  const auto chart = run(kPython +
                         "-c \"import sys, zipfile; "
                         "sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read('xl/charts/chart1.xml').decode())\" " +
                         quoted(xlsx_));
  ASSERT_EQ(chart.status, 0) << chart.output;
  EXPECT_THAT(chart.output, HasSubstr("<c:barDir val=\"col\"/>"));
  EXPECT_THAT(chart.output, HasSubstr("<c:grouping val=\"clustered\"/>"));
  EXPECT_THAT(chart.output, HasSubstr("汇总"));
  EXPECT_THAT(chart.output, HasSubstr("$B$5:$B$7"));  // the regions, not the city row
  EXPECT_THAT(chart.output, HasSubstr("$F$5:$F$7"));  // 空编
  EXPECT_THAT(chart.output, HasSubstr("$G$5:$G$7"));  // 超编
  EXPECT_THAT(chart.output, HasSubstr("各地区空编与超编"));
  // The values are cached in the chart too, for viewers that draw it without recalculating.
  EXPECT_THAT(chart.output, HasSubstr("<c:v>260</c:v>"));
  EXPECT_THAT(chart.output, HasSubstr("<c:v>扎兰屯市</c:v>"));
  // The chart is drawn on the summary sheet.
  const auto drawing = run(kPython +
                           "-c \"import sys, zipfile; "
                           "sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("
                           "'xl/worksheets/_rels/sheet1.xml.rels').decode())\" " +
                           quoted(xlsx_));
  ASSERT_EQ(drawing.status, 0) << drawing.output;
  EXPECT_THAT(drawing.output, HasSubstr("drawing1.xml"));
}

TEST_F(QuarterlyWorkbookTest, UnitsSheetHasApprovedOccupiedVacantPerTypeInTheCanonicalOrder) {
  const json& s = sheetNamed(book_, "单位编制");
  EXPECT_EQ(s["freeze_panes"], "D5");
  EXPECT_EQ(row(s, 3, 17),
            json({"地区", "单位代码", "单位名称", "行政编制", nullptr, nullptr, "政法专项编制", nullptr, nullptr,
                  "事业编制", nullptr, nullptr, "工勤编制", nullptr, nullptr, "超编", "超职数配备领导"}));
  EXPECT_EQ(row(s, 4, 17), json({nullptr, nullptr, nullptr, "核定", "实有", "空编", "核定", "实有", "空编", "核定",
                                 "实有", "空编", "核定", "实有", "空编", nullptr, nullptr}));
  EXPECT_EQ(row(s, 5, 17), json({"海拉尔区", "11150702MB0000001A", "海拉尔区财政局", 45, 47, 0, nullptr, nullptr,
                                 nullptr, nullptr, nullptr, nullptr, 3, 2, 1, 2, 1}));
  EXPECT_EQ(row(s, 6, 17), json({"海拉尔区", "12150702MB0000002B", "海拉尔区第一中学", nullptr, nullptr, nullptr,
                                 nullptr, nullptr, nullptr, 210, 198, 12, nullptr, nullptr, nullptr, 0, 0}));
  EXPECT_EQ(row(s, 7, 17), json({"满洲里市", "11150781MB0000003C", "满洲里市公安局", 60, 58, 2, 1320, 1302, 18, nullptr,
                                 nullptr, nullptr, nullptr, nullptr, nullptr, 0, 1}));
  EXPECT_EQ(row(s, 8, 17), json({"扎兰屯市", "12150783MB0000004D", "扎兰屯市人民医院", nullptr, nullptr, nullptr,
                                 nullptr, nullptr, nullptr, 1180, 1215, 0, nullptr, nullptr, nullptr, 35, 0}));
  EXPECT_EQ(row(s, 9, 17),
            json({"合计", nullptr, "4 个单位", 105, 105, 2, 1320, 1302, 18, 1390, 1413, 12, 3, 2, 1, 37, 2}));
  EXPECT_EQ(s["number_formats"]["J9"], "#,##0");
  EXPECT_TRUE(s["bold"]["J9"].get<bool>());
}

TEST_F(QuarterlyWorkbookTest, GhostPaySheetListsUnitsWithYuanToTheFenAndATotal) {
  const json& s = sheetNamed(book_, "吃空饷");
  EXPECT_EQ(s["freeze_panes"], "D4");
  EXPECT_EQ(row(s, 3, 6), json({"地区", "单位代码", "单位名称", "人数", "月数", "金额（元）"}));
  EXPECT_EQ(row(s, 4, 6), json({"海拉尔区", "11150702MB0000001A", "海拉尔区财政局", 3, 14, 84320.5}));
  EXPECT_EQ(row(s, 5, 6), json({"满洲里市", "11150781MB0000003C", "满洲里市公安局", 2, 9, 60111}));
  EXPECT_EQ(row(s, 6, 6), json({"合计", nullptr, "2 个单位", 5, 23, 144431.5}));
  EXPECT_EQ(s["number_formats"]["F4"], "#,##0.00");
  EXPECT_EQ(s["number_formats"]["D4"], "#,##0");
}

TEST_F(QuarterlyWorkbookTest, FindingsSheetCountsPerRuleWithATotal) {
  const json& s = sheetNamed(book_, "问题线索");
  EXPECT_EQ(row(s, 3, 5), json({"规则", "问题类型", "本季新发现", "本季已整改", "季末未整改"}));
  EXPECT_EQ(row(s, 4, 5), json({"CHAIN-001", "超编进人", 5, 1, 7}));
  EXPECT_EQ(row(s, 5, 5), json({"CHAIN-006", "离职后仍领取工资", 12, 8, 9}));
  EXPECT_EQ(row(s, 6, 5), json({"CHAIN-018", "控编减编任务逾期", 2, 0, 2}));
  EXPECT_EQ(row(s, 7, 5), json({"合计", nullptr, 19, 9, 18}));
}

TEST_F(QuarterlyWorkbookTest, ReductionsSheetShowsProgressAndMarksOverdueTasks) {
  const json& s = sheetNamed(book_, "控编减编");
  EXPECT_EQ(row(s, 3, 11), json({"任务编号", "文号", "单位代码", "单位名称", "编制类型", "完成期限", "应核减编制",
                                 "已核减编制", "尚需核减", "已消化超编", "状态"}));
  EXPECT_EQ(row(s, 4, 11), json({"JB-2026-01", "呼编发〔2026〕1号", "11150702MB0000001A", "海拉尔区财政局", "行政编制",
                                 "2026-10-31", 2, 2, 0, 1, "已完成"}));
  EXPECT_EQ(row(s, 5, 11), json({"JB-2026-03", "呼编发〔2026〕3号", "12150783MB0000004D", "扎兰屯市人民医院",
                                 "事业编制", "2026-11-30", 40, 25, 15, 20, "逾期未完成"}));
  EXPECT_EQ(row(s, 6, 11), json({"合计", nullptr, nullptr, "2 项任务", nullptr, nullptr, 42, 27, 15, 21, nullptr}));
  EXPECT_TRUE(s["bold"]["K5"].get<bool>());
  EXPECT_FALSE(s["bold"]["K4"].get<bool>());
}

TEST_F(QuarterlyWorkbookTest, CasesSheetHasEveryRegionTheCityAndTheQuarterEndCounts) {
  const json& s = sheetNamed(book_, "整改");
  EXPECT_EQ(row(s, 3, 5), json({"区划代码", "地区", "本季新立案件", "本季销号", "逾期未整改"}));
  EXPECT_EQ(row(s, 4, 5), json({"150702", "海拉尔区", 8, 5, 2}));
  EXPECT_EQ(row(s, 5, 5), json({"150781", "满洲里市", 3, 4, 1}));
  EXPECT_EQ(row(s, 6, 5), json({"150783", "扎兰屯市", 5, 2, 0}));
  EXPECT_EQ(row(s, 7, 5), json({"150700", "全市", 16, 11, 3}));
  EXPECT_EQ(row(s, 9, 2), json({"项目", "件数"}));
  EXPECT_EQ(row(s, 10, 2), json({"本季新立案件", 16}));
  EXPECT_EQ(row(s, 11, 2), json({"本季验收销号", 11}));
  EXPECT_EQ(row(s, 12, 2), json({"逾期未整改", 3}));
  EXPECT_EQ(row(s, 13, 2), json({"季末未销号", 9}));
}

TEST_F(QuarterlyWorkbookTest, LinksSheetShowsAvailabilityAsAPercentage) {
  const json& s = sheetNamed(book_, "数据链路");
  EXPECT_EQ(row(s, 3, 5), json({"连接器", "数据来源", "可用率", "中断次数", "最长中断"}));
  EXPECT_EQ(row(s, 4, 5), json({"estab-folder", "编办", 0.9995, 0, nullptr}));
  EXPECT_EQ(row(s, 5, 5), json({"hr-api", "人社局", 0.9871, 3, "1天4小时"}));
  EXPECT_EQ(row(s, 6, 5), json({"finance-db", "财政局", 0.95, 7, "3天2小时"}));
  EXPECT_EQ(row(s, 7, 5), json({"合计", "3 条链路", nullptr, 10, nullptr}));
  EXPECT_EQ(s["number_formats"]["C4"], "0.00%");
}

TEST_F(QuarterlyWorkbookTest, ASecondWriteReplacesTheFileAndLeavesNothingBeside) {
  QuarterlyReport other = sampleReport();
  other.quarter = "2027Q1";
  const auto written = writeQuarterlyWorkbook(other, xlsx_);
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(sheetNamed(readBack(xlsx_), "汇总")["cells"]["A1"], "2027年第一季度机构编制季度监控报表");
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(scratch_.path())) {
    files.push_back(entry.path().filename().string());
  }
  EXPECT_THAT(files, ::testing::ElementsAre("季度监控-2026Q4.xlsx"));
}

TEST_F(QuarterlyWorkbookTest, RendersTheSummarySheetAsAPicture) {
  const auto png = scratch_.path() / "summary.png";
  const auto result =
      run(kPython + quoted(kScripts / "sheet_to_png.py") + " " + quoted(xlsx_) + " 汇总 " + quoted(png));
  ASSERT_EQ(result.status, 0) << result.output;
  std::ifstream in(png, std::ios::binary);
  std::array<char, 8> signature{};
  in.read(signature.data(), signature.size());
  EXPECT_EQ(std::string(signature.data(), signature.size()), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_GT(std::filesystem::file_size(png), 20000U);
  // The README's picture: STAFFCHAIN_QUARTERLY_PNG=docs/images/quarterly-summary.png keeps a copy, and
  // STAFFCHAIN_QUARTERLY_XLSX=FILE keeps the sample workbook to open in a spreadsheet program.
  for (const auto& [variable, file] :
       {std::pair{"STAFFCHAIN_QUARTERLY_PNG", png}, std::pair{"STAFFCHAIN_QUARTERLY_XLSX", xlsx_}}) {
    if (const char* keep = std::getenv(variable); keep != nullptr && *keep != '\0') {
      std::filesystem::copy_file(file, keep, std::filesystem::copy_options::overwrite_existing);
    }
  }
}

TEST(QuarterlyWorkbook, AnUnwritablePathIsAnErrorNamingTheFileAndTheReason) {
  const staffchain::testing::ScratchDir scratch;
  // A regular file where a folder should be: unwritable even for root.
  const auto blocker = scratch.write("not-a-folder", "x");
  const auto out = blocker / "季度监控.xlsx";
  const auto written = writeQuarterlyWorkbook(sampleReport(), out);
  ASSERT_FALSE(written.ok());
  EXPECT_THAT(written.error().message, HasSubstr(out.string()));
  EXPECT_THAT(written.error().message, HasSubstr("Error creating output xlsx file"));
  EXPECT_THAT(written.error().message, HasSubstr("Not a directory"));
}

TEST(QuarterlyWorkbook, AFolderInTheWayIsAnErrorAndLeavesNoPartialFile) {
  const staffchain::testing::ScratchDir scratch;
  const auto out = scratch.path() / "report.xlsx";
  std::filesystem::create_directories(out / "inside");
  const auto written = writeQuarterlyWorkbook(sampleReport(), out);
  ASSERT_FALSE(written.ok());
  EXPECT_THAT(written.error().message, HasSubstr(out.string()));
  EXPECT_TRUE(std::filesystem::is_directory(out / "inside"));
  EXPECT_FALSE(std::filesystem::exists(scratch.path() / "report.xlsx.partial"));
}

TEST(QuarterlyWorkbook, ACellExcelCannotHoldIsAnErrorNamingTheSheetAndCellAndWritesNothing) {
  const staffchain::testing::ScratchDir scratch;
  QuarterlyReport report = sampleReport();
  report.units[0].unit_name = std::string(40000, 'x');  // Excel holds at most 32,767 characters a cell
  const auto out = scratch.path() / "report.xlsx";
  const auto written = writeQuarterlyWorkbook(report, out);
  ASSERT_FALSE(written.ok());
  EXPECT_THAT(written.error().message, HasSubstr(out.string()));
  EXPECT_THAT(written.error().message, HasSubstr("sheet 单位编制 cell C5"));
  EXPECT_THAT(written.error().message, HasSubstr("32,767 characters"));
  EXPECT_TRUE(std::filesystem::is_empty(scratch.path()));
}

TEST(QuarterlyWorkbook, AnEmptyReportStillWritesEverySheetWithZeroTotals) {
  const staffchain::testing::ScratchDir scratch;
  QuarterlyReport empty;
  empty.quarter = "2026Q3";
  const auto out = scratch.path() / "empty.xlsx";
  const auto written = writeQuarterlyWorkbook(empty, out);
  ASSERT_TRUE(written.ok()) << written.error().message;
  const json book = readBack(out);
  EXPECT_EQ(book["sheets"].size(), 7U);
  const json& summary = sheetNamed(book, "汇总");
  EXPECT_EQ(summary["cells"]["A1"], "2026年第三季度机构编制季度监控报表");
  EXPECT_EQ(row(summary, 5, 4), json({nullptr, "全市", 0, 0}));
  // No regions, nothing to chart.
  EXPECT_THAT(book["members"].get<std::vector<std::string>>(),
              ::testing::Not(::testing::Contains("xl/charts/chart1.xml")));
  EXPECT_EQ(row(sheetNamed(book, "吃空饷"), 4, 6), json({"合计", nullptr, "0 个单位", 0, 0, 0}));
}

TEST(QuarterlyLabels, QuarterAndEstablishmentTypeInChinese) {
  EXPECT_EQ(quarterLabelZh("2026Q1"), "2026年第一季度");
  EXPECT_EQ(quarterLabelZh("2026Q4"), "2026年第四季度");
  EXPECT_EQ(quarterLabelZh("2026Q5"), "2026Q5");
  EXPECT_EQ(quarterLabelZh("26Q4"), "26Q4");
  EXPECT_EQ(estabTypeZh("political_legal"), "政法专项编制");
  EXPECT_EQ(estabTypeZh("veteran_cadre"), "离退休干部工作编制");
  EXPECT_EQ(estabTypeZh("other"), "other");
}

}  // namespace
}  // namespace staffchain::reports
