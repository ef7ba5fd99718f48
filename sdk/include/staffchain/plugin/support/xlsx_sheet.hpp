// A spreadsheet export (.xlsx, Office Open XML) read as the CSV it holds: its first worksheet,
// one CSV line per sheet row, so that every export — text or spreadsheet — goes through the one
// CSV reader with the same checks (ExportFile). Dates are written as Excel shows them to a clerk
// (YYYY-MM-DD), not as the serial numbers the file stores.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "staffchain/plugin/result.hpp"

namespace staffchain::plugin {

struct XlsxLimits {
  // The most any one part of the package may unpack to: a few kilobytes that unpack to gigabytes
  // (a zip bomb) are refused, not read. A province's payroll sheet is some 300 MB of XML.
  std::size_t max_part_bytes = std::size_t{2} << 30U;
  // A part that unpacks to more than this many times its packed size is refused for the same reason.
  std::size_t max_ratio = 200;
};

struct XlsxSheet {
  std::string sheet;  // the worksheet's name as the workbook gives it ("Sheet1", "在编人员")
  std::string csv;    // UTF-8, LF line ends; line N holds the sheet's row N
  std::size_t rows = 0;
};

// The first worksheet of the workbook in `bytes`. `name` (the file's) is used in messages: an
// error names the file, the part of the package and the reason (not a zip, no worksheet, a part
// cut short, a cell that cannot be read).
Result<XlsxSheet> readXlsxSheet(std::string_view bytes, std::string_view name, const XlsxLimits& limits = {});

// Whether a file name ends in .xlsx, without regard to case.
bool isXlsxName(std::string_view name) noexcept;

}  // namespace staffchain::plugin
