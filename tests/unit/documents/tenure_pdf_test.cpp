// The tenure audit report as a PDF, read back with poppler-utils: the title block, a table whose
// header row is drawn again on each page it runs on to, rows never cut, numbered pages.
#include "staffchain/documents/tenure_pdf.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>

#include "scratch_dir.hpp"

namespace staffchain::documents {
namespace {

using staffchain::testing::ScratchDir;
using ::testing::HasSubstr;

std::string run(const std::string& command, int& status) {
  std::string out;
  std::FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
  const int raw = pclose(pipe);
  status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return out;
}

// Without whitespace: pango wraps a cell's text over lines. Read with -raw, in the order drawn:
// cell after cell, so a wrapped cell reads as one text.
std::string squeezed(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c != ' ' && c != '\n' && c != '\t' && c != '\f') out += c;
  }
  return out;
}

// `rows` violations of one unit: one still open at the period's end, the rest corrected.
reports::TenureReport sample(int rows) {
  reports::TenureReport r;
  r.unit_id = "11150702MB0000000D";
  r.unit_name = "海拉尔区财政局";
  r.from = "2021-03-01";
  r.to = "2026-02-28";
  r.issuing_office = "呼伦贝尔市委机构编制委员会办公室";
  r.generated_at = "2026-03-02 09:30 +08:00";
  for (int i = 0; i < rows; ++i) {
    reports::TenureRow row;
    row.rule = i % 2 == 0 ? "CHAIN-012" : "CHAIN-006";
    row.rule_title_zh = i % 2 == 0 ? "在编人数超过核定编制（超编）" : "出人后未停薪（吃空饷）";
    row.severity_zh = i % 2 == 0 ? "重要" : "严重";
    row.person = i % 2 == 0 ? "" : fmt::format("150702********{:04}", i);
    row.since = fmt::format("2022-{:02}-01", i % 12 + 1);
    row.first = row.since;
    row.last = fmt::format("2023-{:02}-28", i % 12 + 1);
    row.open_at_end = i == rows - 1;
    row.summary_zh = i % 2 == 0 ? fmt::format("海拉尔区财政局行政编制在编 {} 人，核定 12 名，超编 {} 人", 13 + i, 1 + i)
                                : fmt::format(
                                      "150702********{:04} 已于 2022-01-18 辞职，海拉尔区财政局仍发放 2022-02..2022-06 "
                                      "工资（吃空饷），共 5 个月，合计 34,210.00 元",
                                      i);
    r.rows.push_back(row);
  }
  return r;
}

TEST(TenurePdf, TitleBlockTotalsAndEveryRowAcrossNumberedPagesWithTheHeaderOnEach) {
  ScratchDir dir;
  const auto pdf = dir.path() / "tenure.pdf";
  const auto report = sample(40);
  auto written = renderTenurePdf(report, pdf);
  ASSERT_TRUE(written) << written.error().message;
  // STAFFCHAIN_KEEP_TENURE_PDF=FILE keeps the sample, to look at.
  if (const char* keep = std::getenv("STAFFCHAIN_KEEP_TENURE_PDF"); keep != nullptr && *keep != '\0') {
    std::filesystem::copy_file(pdf, keep, std::filesystem::copy_options::overwrite_existing);
  }
  int status = -1;
  const std::string text = run(fmt::format("pdftotext -raw '{}' -", pdf.string()), status);
  ASSERT_EQ(status, 0) << text;
  const std::string flat = squeezed(text);
  EXPECT_THAT(flat, HasSubstr("海拉尔区财政局任期机构编制专项审计报告"));
  EXPECT_THAT(flat, HasSubstr("审计单位：海拉尔区财政局（11150702MB0000000D）"));
  EXPECT_THAT(flat, HasSubstr("任期：2021年3月1日至2026年2月28日"));
  EXPECT_THAT(flat, HasSubstr("生成时间：2026-03-0209:30+08:00"));
  EXPECT_THAT(flat, HasSubstr("任期内共存在机构编制问题40项，其中39项在任期内已纠正，1项至任期末仍存在。"));
  for (const auto& row : report.rows) EXPECT_THAT(flat, HasSubstr(squeezed(row.summary_zh))) << row.summary_zh;
  EXPECT_THAT(flat, HasSubstr("任期末仍存在"));

  // Pages are separated by form feeds; each opens its table with the header row.
  std::vector<std::string> pages;
  std::istringstream in(text);
  for (std::string page; std::getline(in, page, '\f');) {
    if (!squeezed(page).empty()) pages.push_back(squeezed(page));
  }
  ASSERT_GE(pages.size(), 2U) << text;
  for (std::size_t p = 0; p < pages.size(); ++p) {
    EXPECT_THAT(pages[p], HasSubstr("序号规则问题严重程度人员问题始于任期内起任期内止情况说明")) << "page " << p + 1;
    EXPECT_THAT(pages[p], HasSubstr(fmt::format("第{}页共{}页", p + 1, pages.size()))) << "page " << p + 1;
  }
}

TEST(TenurePdf, AReportWithoutViolationsSaysSo) {
  ScratchDir dir;
  const auto pdf = dir.path() / "clean.pdf";
  ASSERT_TRUE(renderTenurePdf(sample(0), pdf));
  int status = -1;
  const std::string text = run(fmt::format("pdftotext -raw '{}' -", pdf.string()), status);
  ASSERT_EQ(status, 0) << text;
  EXPECT_THAT(squeezed(text), HasSubstr("任期内未发现机构编制问题。"));
  EXPECT_THAT(squeezed(text), ::testing::Not(HasSubstr("序号")));
}

TEST(TenurePdf, AnUnwritablePathNamesTheFileAndLeavesNothing) {
  ScratchDir dir;
  const auto pdf = dir.path() / "missing" / "tenure.pdf";
  auto written = renderTenurePdf(sample(2), pdf);
  ASSERT_FALSE(written);
  EXPECT_THAT(written.error().message, HasSubstr("cannot write the tenure audit report"));
  EXPECT_THAT(written.error().message, HasSubstr(pdf.string()));
}

}  // namespace
}  // namespace staffchain::documents
