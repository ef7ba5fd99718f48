// Fuzzes the spreadsheet reader (plugin::readXlsxSheet): a zip package, its XML parts (the
// workbook, its relationships, shared strings, styles and the sheet) and the cells in them.
// Whatever the bytes: no crash, no read past a buffer, a refusal names the file, and a sheet that
// is read comes out as CSV the export reader reads to its end.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "staffchain/plugin/support/csv_reader.hpp"
#include "staffchain/plugin/support/xlsx_sheet.hpp"

namespace {

void require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "invariant violated: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // Small limits: a part that unpacks far beyond the input is what the limits are for.
  const staffchain::plugin::XlsxLimits limits{std::size_t{8} << 20U, 200};
  auto sheet = staffchain::plugin::readXlsxSheet(bytes, "fuzz.xlsx", limits);
  if (!sheet) {
    require(sheet.error().message.rfind("fuzz.xlsx", 0) == 0, "a refusal names the file");
    return 0;
  }
  auto reader = staffchain::plugin::CsvReader::fromBuffer(sheet->csv, "fuzz.xlsx");
  if (!reader) return 0;  // an empty sheet has no header
  staffchain::plugin::CsvRow row;
  std::size_t rows = 0;
  while (reader->next(row)) ++rows;
  require(rows + reader->problems().size() <= sheet->rows, "no more rows read than the sheet had");
  return 0;
}
