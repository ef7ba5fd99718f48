#include "sheet.hpp"

#include <cerrno>
#include <cmath>
#include <system_error>

namespace staffchain::reports::detail {

double displayWidth(const std::string& text) {
  double width = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 1;
    if (lead >= 0xF0) {
      length = 4;
    } else if (lead >= 0xE0) {
      length = 3;
    } else if (lead >= 0xC0) {
      length = 2;
    }
    width += length >= 3 ? 2.0 : 1.0;
    i += length;
  }
  return width;
}

double numberWidth(double value, int decimals) {
  const std::string digits = fmt::format("{:.0f}", std::abs(value));
  double width = static_cast<double>(digits.size() + (digits.size() - 1) / 3);
  if (decimals > 0) width += 1 + decimals;
  if (value < 0) width += 1;
  return width;
}

lxw_format* newFormat(lxw_workbook* book, bool bordered) {
  lxw_format* format = workbook_add_format(book);
  format_set_font_name(format, kFont);
  format_set_font_size(format, 11);
  format_set_align(format, LXW_ALIGN_VERTICAL_CENTER);
  if (bordered) format_set_border(format, LXW_BORDER_THIN);
  return format;
}

Formats makeFormats(lxw_workbook* book) {
  Formats f;
  f.title = newFormat(book, false);
  format_set_bold(f.title);
  format_set_font_size(f.title, 16);
  format_set_align(f.title, LXW_ALIGN_CENTER);
  f.meta = newFormat(book, false);
  format_set_font_size(f.meta, 10);
  format_set_align(f.meta, LXW_ALIGN_LEFT);
  f.header = newFormat(book, true);
  format_set_bold(f.header);
  format_set_align(f.header, LXW_ALIGN_CENTER);
  format_set_text_wrap(f.header);
  format_set_bg_color(f.header, kHeaderFill);
  f.text = newFormat(book, true);
  f.integer = newFormat(book, true);
  format_set_num_format(f.integer, "#,##0");
  f.yuan = newFormat(book, true);
  format_set_num_format(f.yuan, "#,##0.00");
  f.percent = newFormat(book, true);
  format_set_num_format(f.percent, "0.00%");
  f.overdue = newFormat(book, true);
  format_set_font_color(f.overdue, kOverdueColour);
  format_set_bold(f.overdue);
  f.total_text = newFormat(book, true);
  format_set_bold(f.total_text);
  format_set_bg_color(f.total_text, kTotalFill);
  f.total_integer = newFormat(book, true);
  format_set_bold(f.total_integer);
  format_set_bg_color(f.total_integer, kTotalFill);
  format_set_num_format(f.total_integer, "#,##0");
  f.total_yuan = newFormat(book, true);
  format_set_bold(f.total_yuan);
  format_set_bg_color(f.total_yuan, kTotalFill);
  format_set_num_format(f.total_yuan, "#,##0.00");
  return f;
}

Result<lxw_workbook*> openWorkbook(const std::filesystem::path& out, std::filesystem::path& partial,
                                   std::string_view what, std::string title, std::string subject, std::string office) {
  partial = out;
  partial += ".partial";
  lxw_workbook* book = workbook_new(partial.c_str());
  if (book == nullptr) {
    return makeError(fmt::format("cannot write {} {}: libxlsxwriter could not start it", what, out.string()));
  }
  // The C API takes char* for the properties and only reads them; it copies them before returning.
  lxw_doc_properties properties{};
  properties.title = title.data();
  properties.company = office.data();
  properties.author = office.data();
  properties.subject = subject.data();
  workbook_set_properties(book, &properties);
  return book;
}

Result<void> closeWorkbook(lxw_workbook* book, const std::filesystem::path& partial, const std::filesystem::path& out,
                           const std::string& failure, std::string_view what) {
  errno = 0;
  const lxw_error closed = workbook_close(book);
  const int system_error = errno;
  std::error_code ignored;
  if (closed != LXW_NO_ERROR) {
    std::filesystem::remove(partial, ignored);
    std::string reason = lxw_strerror(closed);
    if (closed == LXW_ERROR_CREATING_XLSX_FILE && system_error != 0) {
      reason += fmt::format(" ({})", std::generic_category().message(system_error));
    }
    return makeError(fmt::format("cannot write {} {}: {}", what, out.string(), reason));
  }
  if (!failure.empty()) {
    std::filesystem::remove(partial, ignored);
    return makeError(fmt::format("cannot write {} {}: {}", what, out.string(), failure));
  }
  std::error_code renamed;
  std::filesystem::rename(partial, out, renamed);
  if (renamed) {
    std::filesystem::remove(partial, ignored);
    return makeError(fmt::format("cannot write {} {}: {}", what, out.string(), renamed.message()));
  }
  return {};
}

}  // namespace staffchain::reports::detail
