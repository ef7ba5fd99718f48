// What every workbook the office hands upwards shares (written with libxlsxwriter): the 宋体 cell
// formats, a title and a line of who/when over bold bordered headers frozen in place, columns as
// wide as their widest text, and a file written beside its target and renamed over it.
#pragma once

#include <fmt/format.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "staffchain/plugin/result.hpp"

namespace staffchain::reports::detail {

inline constexpr lxw_color_t kHeaderFill = 0xDDEBF7;
inline constexpr lxw_color_t kTotalFill = 0xF2F2F2;
inline constexpr lxw_color_t kOverdueColour = 0xC00000;
inline constexpr const char* kFont = "宋体";

inline constexpr lxw_row_t kTitleRow = 0;
inline constexpr lxw_row_t kMetaRow = 1;
inline constexpr lxw_row_t kHeaderRow = 2;

// Display widths: a CJK character takes two character widths.
double displayWidth(const std::string& text);
// Characters a number takes once formatted with thousand separators and `decimals` decimals.
double numberWidth(double value, int decimals);

struct Formats {
  lxw_format* title = nullptr;
  lxw_format* meta = nullptr;
  lxw_format* header = nullptr;
  lxw_format* text = nullptr;
  lxw_format* integer = nullptr;
  lxw_format* yuan = nullptr;
  lxw_format* percent = nullptr;
  lxw_format* overdue = nullptr;
  lxw_format* total_text = nullptr;
  lxw_format* total_integer = nullptr;
  lxw_format* total_yuan = nullptr;
};

lxw_format* newFormat(lxw_workbook* book, bool bordered);
Formats makeFormats(lxw_workbook* book);

// A header column, under an optional group spanning several columns ("编制" over 核定/实有/空编/超编).
struct HeaderGroup {
  std::string group;  // empty: the column's own header spans both header rows
  std::vector<std::string> columns;
};

// One worksheet: writes cells and remembers each column's widest content for its width. A cell
// libxlsxwriter refuses (a text over Excel's 32,767 characters) is kept in `failure`, the first one.
class Sheet {
 public:
  Sheet(lxw_workbook* book, const Formats& formats, const std::string& name, std::string& failure)
      : sheet_(workbook_add_worksheet(book, name.c_str())), formats_(formats), name_(name), failure_(failure) {}

  [[nodiscard]] lxw_worksheet* raw() const { return sheet_; }
  [[nodiscard]] const std::string& name() const { return name_; }

  void text(lxw_row_t row, std::size_t col, const std::string& value, lxw_format* format) {
    check(worksheet_write_string(sheet_, row, column(col), value.c_str(), format), row, col);
    fit(col, displayWidth(value));
  }
  void integer(lxw_row_t row, std::size_t col, std::int64_t value, lxw_format* format) {
    const auto number = static_cast<double>(value);
    check(worksheet_write_number(sheet_, row, column(col), number, format), row, col);
    fit(col, numberWidth(number, 0));
  }
  void decimal(lxw_row_t row, std::size_t col, double value, int decimals, lxw_format* format) {
    check(worksheet_write_number(sheet_, row, column(col), value, format), row, col);
    fit(col, numberWidth(value, decimals));
  }

  // The title centred over `columns` columns, and under it the period, scope, office and time
  // generated: not merged, so that on a narrow sheet it runs on into the empty cells to its right
  // instead of being cut at the table's edge, and not counted in the first column's width.
  void heading(const std::string& title, const std::string& meta, std::size_t columns) {
    const lxw_col_t last = column(std::max<std::size_t>(columns, 1) - 1);
    worksheet_set_row(sheet_, kTitleRow, 28, nullptr);
    check(worksheet_merge_range(sheet_, kTitleRow, 0, kTitleRow, last, title.c_str(), formats_.title), kTitleRow, 0);
    check(worksheet_write_string(sheet_, kMetaRow, 0, meta.c_str(), formats_.meta), kMetaRow, 0);
  }

  // A line of words merged across the first `columns` columns (a totals line), not counted in
  // any column's width.
  void line(lxw_row_t row, const std::string& value, std::size_t columns, lxw_format* format) {
    const lxw_col_t last = column(std::max<std::size_t>(columns, 1) - 1);
    check(worksheet_merge_range(sheet_, row, 0, row, last, value.c_str(), format), row, 0);
  }

  // One header row of plain columns from kHeaderRow; returns the first data row.
  lxw_row_t header(const std::vector<std::string>& columns, std::size_t frozen_columns) {
    for (std::size_t c = 0; c < columns.size(); ++c) text(kHeaderRow, c, columns[c], formats_.header);
    return finishHeader(kHeaderRow + 1, columns.size(), frozen_columns);
  }

  // Two header rows: groups merged over their columns, lone columns merged down both rows.
  lxw_row_t header(const std::vector<HeaderGroup>& groups, std::size_t frozen_columns) {
    std::size_t col = 0;
    for (const auto& group : groups) {
      if (group.group.empty()) {
        for (const auto& name : group.columns) {
          check(worksheet_merge_range(sheet_, kHeaderRow, column(col), kHeaderRow + 1, column(col), name.c_str(),
                                      formats_.header),
                kHeaderRow, col);
          fit(col, displayWidth(name));
          ++col;
        }
        continue;
      }
      const std::size_t first = col;
      for (const auto& name : group.columns) text(kHeaderRow + 1, col++, name, formats_.header);
      if (group.columns.size() == 1) {
        text(kHeaderRow, first, group.group, formats_.header);
      } else {
        check(worksheet_merge_range(sheet_, kHeaderRow, column(first), kHeaderRow, column(col - 1), group.group.c_str(),
                                    formats_.header),
              kHeaderRow, first);
      }
    }
    return finishHeader(kHeaderRow + 2, col, frozen_columns);
  }

  // Widths of every column, set once all cells are written.
  void applyWidths() {
    for (std::size_t c = 0; c < widths_.size(); ++c) {
      const double width = std::clamp(widths_[c] + 2.0, 6.0, 60.0);
      worksheet_set_column(sheet_, column(c), column(c), width, nullptr);
    }
  }

 private:
  static lxw_col_t column(std::size_t col) { return static_cast<lxw_col_t>(col); }

  void check(lxw_error error, lxw_row_t row, std::size_t col) {
    if (error == LXW_NO_ERROR || !failure_.empty()) return;
    std::array<char, LXW_MAX_CELL_NAME_LENGTH> cell{};
    lxw_rowcol_to_cell(cell.data(), row, column(col));
    failure_ = fmt::format("sheet {} cell {}: {}", name_, cell.data(), lxw_strerror(error));
  }

  void fit(std::size_t col, double width) {
    if (widths_.size() <= col) widths_.resize(col + 1, 0.0);
    widths_[col] = std::max(widths_[col], width);
  }

  lxw_row_t finishHeader(lxw_row_t first_data_row, std::size_t columns, std::size_t frozen_columns) {
    worksheet_freeze_panes(sheet_, first_data_row, column(frozen_columns));
    worksheet_repeat_rows(sheet_, kHeaderRow, first_data_row - 1);
    worksheet_set_landscape(sheet_);
    worksheet_set_paper(sheet_, 9);  // A4
    worksheet_fit_to_pages(sheet_, 1, 0);
    if (columns > 0) fit(columns - 1, 0.0);
    return first_data_row;
  }

  lxw_worksheet* sheet_;
  const Formats& formats_;
  std::string name_;
  std::vector<double> widths_;
  std::string& failure_;
};

// A workbook that will become `out`: written beside it (`partial`, out + ".partial") and renamed
// over it by closeWorkbook, so readers never see half a workbook; its document properties say
// `title`, `subject` and the issuing `office`. Fails, naming `what` and `out`, when libxlsxwriter
// cannot start it.
Result<lxw_workbook*> openWorkbook(const std::filesystem::path& out, std::filesystem::path& partial,
                                   std::string_view what, std::string title, std::string subject, std::string office);

// Closes `book` (opened on `partial`) and renames it over `out`; `failure` is the first cell a
// sheet refused. Any failure removes the partial file and names `what` ("the quarterly
// workbook"), the target and the reason.
Result<void> closeWorkbook(lxw_workbook* book, const std::filesystem::path& partial, const std::filesystem::path& out,
                           const std::string& failure, std::string_view what);

}  // namespace staffchain::reports::detail
