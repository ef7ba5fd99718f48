// Spreadsheet exports read as the CSV they hold: workbooks written with libxlsxwriter the way
// Excel writes them (shared strings, or inline strings in constant-memory mode), dates shown as a
// clerk sees them, gaps and trailing blanks, a cell with a comma, a quote or a line break; then
// through ExportFile with line numbers that are the sheet's rows. Packages that are not a
// workbook are refused with the file and the reason.
#include "staffchain/plugin/support/xlsx_sheet.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xlsxwriter.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "scratch_dir.hpp"
#include "staffchain/plugin/support/export_file.hpp"

namespace staffchain::plugin {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string readBytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The roster as a department's spreadsheet holds it: Chinese header, a date column in three
// formats, a gap row, a remark with a comma and quotes, a remark over two lines, a trailing blank.
std::filesystem::path writeRoster(const std::filesystem::path& dir, bool constant_memory) {
  const auto path = dir / (constant_memory ? "roster-inline.xlsx" : "roster.xlsx");
  lxw_workbook_options options{};
  options.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
  lxw_workbook* workbook = workbook_new_opt(path.c_str(), &options);
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, "在编人员");
  lxw_format* iso = workbook_add_format(workbook);
  format_set_num_format(iso, "yyyy-mm-dd");
  lxw_format* chinese = workbook_add_format(workbook);
  format_set_num_format(chinese, "yyyy\"年\"m\"月\"d\"日\"");
  lxw_format* builtin = workbook_add_format(workbook);
  format_set_num_format_index(builtin, 14);
  lxw_format* money = workbook_add_format(workbook);
  format_set_num_format(money, "#,##0.00");
  const char* header[] = {"身份证号", "姓名", "单位代码", "编制类型", "上编日期", "工资", "备注"};
  for (lxw_col_t c = 0; c < 7; ++c) worksheet_write_string(sheet, 0, c, header[c], nullptr);
  lxw_datetime entered{2021, 3, 1, 0, 0, 0};
  worksheet_write_string(sheet, 1, 0, "150702198505010018", nullptr);
  worksheet_write_string(sheet, 1, 1, "张一", nullptr);
  worksheet_write_string(sheet, 1, 2, "11150702MB0000001G", nullptr);
  worksheet_write_string(sheet, 1, 3, "行政编制", nullptr);
  worksheet_write_datetime(sheet, 1, 4, &entered, iso);
  worksheet_write_number(sheet, 1, 5, 6123.5, money);
  worksheet_write_string(sheet, 1, 6, "调入, 原单位\"财政局\"", nullptr);
  // Row 3 (index 2) left empty: a gap the line numbers keep.
  entered = {2019, 12, 31, 0, 0, 0};
  worksheet_write_string(sheet, 3, 0, "150702198505010026", nullptr);
  worksheet_write_string(sheet, 3, 1, "张二", nullptr);
  worksheet_write_string(sheet, 3, 2, "11150702MB0000001G", nullptr);
  worksheet_write_string(sheet, 3, 3, "admin", nullptr);
  worksheet_write_datetime(sheet, 3, 4, &entered, chinese);
  worksheet_write_number(sheet, 3, 5, 5000, nullptr);
  // The remark and the pay left blank: trailing cells are not written at all.
  entered = {2024, 2, 29, 0, 0, 0};
  // An id typed as a number: the file keeps 15 significant digits, and the row will be quarantined.
  worksheet_write_number(sheet, 4, 0, 150702198505010034.0, nullptr);
  worksheet_write_string(sheet, 4, 1, "张三", nullptr);
  worksheet_write_string(sheet, 4, 2, "11150702MB0000001G", nullptr);
  worksheet_write_string(sheet, 4, 3, "admin", nullptr);
  worksheet_write_datetime(sheet, 4, 4, &entered, builtin);
  worksheet_write_number(sheet, 4, 5, 4800, nullptr);
  worksheet_write_string(sheet, 4, 6, "第一行\n第二行", nullptr);
  worksheet_write_string(sheet, 5, 0, "150702198505010042", nullptr);
  worksheet_write_string(sheet, 5, 1, "张四", nullptr);
  EXPECT_EQ(workbook_close(workbook), LXW_NO_ERROR);
  return path;
}

class XlsxSheetTest : public ::testing::TestWithParam<bool> {
 protected:
  testing::ScratchDir dir_;
};

TEST_P(XlsxSheetTest, TheFirstSheetReadsAsCsvWithDatesAsAClerkSeesThem) {
  const auto path = writeRoster(dir_.path(), GetParam());
  auto sheet = readXlsxSheet(readBytes(path), path.filename().string());
  ASSERT_TRUE(sheet) << sheet.error().message;
  EXPECT_EQ(sheet->sheet, "在编人员");
  EXPECT_EQ(sheet->rows, 5U);
  EXPECT_EQ(sheet->csv,
            "身份证号,姓名,单位代码,编制类型,上编日期,工资,备注\n"
            "150702198505010018,张一,11150702MB0000001G,行政编制,2021-03-01,6123.5,\"调入, 原单位\"\"财政局\"\"\"\n"
            "\n"
            "150702198505010026,张二,11150702MB0000001G,admin,2019-12-31,5000,\n"
            "1.5070219850501E+17,张三,11150702MB0000001G,admin,2024-02-29,4800,\"第一行\n第二行\"\n"
            "150702198505010042,张四,,,,,\n");
}

TEST_P(XlsxSheetTest, ExportFileReadsTheSheetWithItsRowsAsLineNumbers) {
  const auto path = writeRoster(dir_.path(), GetParam());
  auto file = ExportFile::open(path, ExportOptions{});
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_EQ(file->name(), path.filename().string());
  EXPECT_EQ(file->column("上编日期"), 4U);
  ExportRow row;
  std::vector<std::uint32_t> lines;
  std::vector<std::string> names;
  while (file->next(row)) {
    lines.push_back(row.line);
    names.emplace_back(row.fields[1]);
  }
  EXPECT_TRUE(file->takeProblems().empty());
  EXPECT_FALSE(file->truncation().has_value());
  EXPECT_THAT(names, ElementsAre("张一", "张二", "张三", "张四"));
  // Row 6 of the sheet reads as line 7: the line break in row 5's remark takes a line.
  EXPECT_THAT(lines, ElementsAre(2U, 4U, 5U, 7U));
}

INSTANTIATE_TEST_SUITE_P(SharedAndInlineStrings, XlsxSheetTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? std::string("Inline") : std::string("Shared");
                         });

TEST(XlsxSheet, WhatIsNotAWorkbookIsRefusedWithTheFileAndTheReason) {
  auto refused = readXlsxSheet("身份证号,姓名\n", "roster.xlsx");
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("roster.xlsx: not a spreadsheet"));

  testing::ScratchDir dir;
  const auto path = writeRoster(dir.path(), false);
  const std::string bytes = readBytes(path);
  auto cut = readXlsxSheet(std::string_view(bytes).substr(0, bytes.size() / 2), "cut.xlsx");
  ASSERT_FALSE(cut) << "a package cut short";
  EXPECT_THAT(cut.error().message, HasSubstr("cut.xlsx"));

  auto bomb = readXlsxSheet(bytes, "roster.xlsx", XlsxLimits{600, 200});
  ASSERT_FALSE(bomb) << "a part over the limit is not read";
  EXPECT_THAT(bomb.error().message, HasSubstr("over the limit of 600"));
}

TEST(XlsxSheet, OnlyTheExtensionNamesASpreadsheet) {
  EXPECT_TRUE(isXlsxName("roster.xlsx"));
  EXPECT_TRUE(isXlsxName("ROSTER-2026.XLSX"));
  EXPECT_FALSE(isXlsxName("roster.csv"));
  EXPECT_FALSE(isXlsxName("roster.xls"));
  EXPECT_FALSE(isXlsxName("xlsx"));
}

}  // namespace
}  // namespace staffchain::plugin
