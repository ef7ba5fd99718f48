// The tenure audit workbook (任期审计), read back with read_workbook.py (openpyxl): the title
// naming the unit, the period, office and time generated under it, the two header rows frozen in
// place, a row per violation and the totals line; an unwritable path is an error naming the file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "scratch_dir.hpp"
#include "staffchain/reports/tenure_report.hpp"

namespace staffchain::reports {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const std::string kPython = "/usr/bin/python3 ";  // Debian's, with python3-openpyxl
const std::filesystem::path kScripts = std::filesystem::path(STAFFCHAIN_SOURCE_DIR) / "tests/unit/reports";

json readBack(const std::filesystem::path& xlsx) {
  std::string output;
  FILE* pipe =
      popen((kPython + "'" + (kScripts / "read_workbook.py").string() + "' '" + xlsx.string() + "' 2>&1").c_str(), "r");
  if (pipe == nullptr) return json();
  std::array<char, 4096> buffer{};
  std::size_t read = 0;
  while ((read = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), read);
  EXPECT_EQ(pclose(pipe), 0) << output;
  return json::parse(output, nullptr, false);
}

TenureReport sample() {
  TenureReport r;
  r.unit_id = "11150702MB0000000D";
  r.unit_name = "海拉尔区财政局";
  r.from = "2021-03-01";
  r.to = "2026-02-28";
  r.issuing_office = "呼伦贝尔市委机构编制委员会办公室";
  r.generated_at = "2026-03-02 09:30 +08:00";
  r.rows.push_back(TenureRow{"CHAIN-015", "借调逾期未归", "一般", "150702********0010", "2020-07-03", "2021-03-01",
                             "2024-03-14", false, "150702********0010 自 2020-01-01 借调外单位，逾期 183 天未归"});
  r.rows.push_back(TenureRow{"CHAIN-012", "在编人数超过核定编制（超编）", "重要", "", "2024-02-01", "2024-02-01",
                             "2024-03-31", false,
                             "海拉尔区财政局行政编制在编 3 人，核定 2 名，自 2024-02-01 起超编 1 人"});
  r.rows.push_back(TenureRow{"CHAIN-005", "出人后未下编", "重要", "150702********0037", "2025-05-25", "2025-05-25",
                             "2026-02-28", true, "150702********0037 已于 2025-05-10 辞职，至今仍在编"});
  return r;
}

TEST(TenureWorkbook, TitlePeriodHeadersRowsAndTotalsReadBack) {
  staffchain::testing::ScratchDir dir;
  const auto xlsx = dir.path() / "tenure.xlsx";
  auto written = writeTenureWorkbook(sample(), xlsx);
  ASSERT_TRUE(written) << written.error().message;
  // STAFFCHAIN_KEEP_TENURE_XLSX=FILE keeps the sample, to open in a spreadsheet program.
  if (const char* keep = std::getenv("STAFFCHAIN_KEEP_TENURE_XLSX"); keep != nullptr && *keep != '\0') {
    std::filesystem::copy_file(xlsx, keep, std::filesystem::copy_options::overwrite_existing);
  }
  const json book = readBack(xlsx);
  ASSERT_TRUE(book.is_object());
  ASSERT_EQ(book["sheets"].size(), 1U);
  const json& sheet = book["sheets"][0];
  EXPECT_EQ(sheet["name"], "任期审计");
  const json& cells = sheet["cells"];
  EXPECT_EQ(cells["A1"], "海拉尔区财政局任期机构编制专项审计");
  EXPECT_THAT(cells["A2"].get<std::string>(), HasSubstr("审计单位：海拉尔区财政局（11150702MB0000000D）"));
  EXPECT_THAT(cells["A2"].get<std::string>(), HasSubstr("任期：2021-03-01 至 2026-02-28"));
  EXPECT_THAT(cells["A2"].get<std::string>(), HasSubstr("生成时间：2026-03-02 09:30 +08:00"));
  // Two header rows: the days in the tenure under one group.
  EXPECT_EQ(cells["A3"], "序号");
  EXPECT_EQ(cells["G3"], "任期内存续");
  EXPECT_EQ(cells["G4"], "起");
  EXPECT_EQ(cells["H4"], "止");
  EXPECT_EQ(cells["I4"], "任期末状态");
  EXPECT_EQ(cells["J3"], "情况说明");
  EXPECT_EQ(sheet["freeze_panes"], "D5");
  // The rows as given, the one still open marked so, no end date.
  EXPECT_EQ(cells["A5"], 1);
  EXPECT_EQ(cells["B5"], "CHAIN-015");
  EXPECT_EQ(cells["E5"], "150702********0010");
  EXPECT_EQ(cells["F5"], "2020-07-03");
  EXPECT_EQ(cells["G5"], "2021-03-01");
  EXPECT_EQ(cells["H5"], "2024-03-14");
  EXPECT_EQ(cells["I5"], "已纠正");
  EXPECT_FALSE(cells.contains("E6")) << "a unit-level finding names no person";
  EXPECT_EQ(cells["B7"], "CHAIN-005");
  EXPECT_EQ(cells["H7"], "—");
  EXPECT_EQ(cells["I7"], "任期末仍存在");
  EXPECT_EQ(cells["A8"], "合计 3 项，其中任期末仍存在 1 项");
  EXPECT_THAT(sheet["merged"].dump(), HasSubstr("A8:J8"));
}

TEST(TenureWorkbook, ASpanBecomesARowWithItsTitleSeverityAndIdsMaskedWhenAsked) {
  chain::TenureSpan span;
  span.finding.rule = "CHAIN-005";
  span.finding.severity = chain::Severity::major;
  const std::string id = "150702198505010037";
  span.finding.person_id = model::PersonId::fromValid(id);
  span.finding.since = model::Date::fromYmd(2025, 5, 25);
  span.finding.summary_zh = id + " 已于 2025-05-10 辞职，至今仍在编";
  span.first = model::Date::fromYmd(2025, 5, 25);
  span.last = model::Date::fromYmd(2026, 2, 28);
  span.open_at_end = true;
  const TenureRow masked = tenureRowOf(span, true);
  EXPECT_EQ(masked.rule_title_zh, "出人后未按时下编");
  EXPECT_EQ(masked.severity_zh, "重要");
  EXPECT_EQ(masked.person, "150702********0037");
  EXPECT_EQ(masked.since, "2025-05-25");
  EXPECT_EQ(masked.last, "2026-02-28");
  EXPECT_TRUE(masked.open_at_end);
  EXPECT_EQ(masked.summary_zh, "150702********0037 已于 2025-05-10 辞职，至今仍在编");
  // In full for who may see it; a summary never carries a full id into a document.
  const TenureRow full = tenureRowOf(span, false);
  EXPECT_EQ(full.person, id);
  EXPECT_EQ(full.summary_zh, masked.summary_zh);
}

TEST(TenureWorkbook, AnUnwritablePathIsAnErrorNamingTheFile) {
  staffchain::testing::ScratchDir dir;
  const auto xlsx = dir.path() / "missing" / "tenure.xlsx";
  auto written = writeTenureWorkbook(sample(), xlsx);
  ASSERT_FALSE(written);
  EXPECT_THAT(written.error().message, HasSubstr("cannot write the tenure audit workbook"));
  EXPECT_THAT(written.error().message, HasSubstr(xlsx.string()));
}

}  // namespace
}  // namespace staffchain::reports
