// The first worksheet of an .xlsx package as CSV. The package is a zip (libzip); its parts are
// XML (expat, streamed: a province's payroll sheet does not fit comfortably in memory twice):
//   xl/workbook.xml + xl/_rels/workbook.xml.rels   which part is the first sheet, and its name
//   xl/sharedStrings.xml                           the text of cells of type "s"
//   xl/styles.xml                                  which cells are dates (their number format)
//   xl/worksheets/sheetN.xml                       the rows and cells
#include "staffchain/plugin/support/xlsx_sheet.hpp"

#include <expat.h>
#include <fmt/format.h>
#include <zip.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace staffchain::plugin {

namespace {

// An element or attribute name without its namespace ("uri|row" -> "row"): writers differ in
// the prefixes they use, never in the local names.
std::string_view localName(const XML_Char* name) {
  std::string_view full(name);
  const auto bar = full.rfind('|');
  return bar == std::string_view::npos ? full : full.substr(bar + 1);
}

std::string_view attribute(const XML_Char** attributes, std::string_view wanted) {
  for (std::size_t i = 0; attributes[i] != nullptr; i += 2) {
    if (localName(attributes[i]) == wanted) return attributes[i + 1];
  }
  return {};
}

struct ZipCloser {
  void operator()(zip_t* archive) const noexcept { zip_discard(archive); }
};
using Archive = std::unique_ptr<zip_t, ZipCloser>;

// One XML part streamed through an expat parser. Handlers are the caller's.
class PartParser {
 public:
  using Start = std::function<void(std::string_view name, const XML_Char** attributes)>;
  using End = std::function<void(std::string_view name)>;
  using Text = std::function<void(std::string_view text)>;

  PartParser(Start on_start, End on_end, Text on_text)
      : parser_(XML_ParserCreateNS(nullptr, '|')),
        start_(std::move(on_start)),
        end_(std::move(on_end)),
        text_(std::move(on_text)) {
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(
        parser_,
        [](void* self, const XML_Char* name, const XML_Char** attributes) {
          auto* me = static_cast<PartParser*>(self);
          if (me->start_) me->start_(localName(name), attributes);
        },
        [](void* self, const XML_Char* name) {
          auto* me = static_cast<PartParser*>(self);
          if (me->end_) me->end_(localName(name));
        });
    XML_SetCharacterDataHandler(parser_, [](void* self, const XML_Char* text, int length) {
      auto* me = static_cast<PartParser*>(self);
      if (me->text_) me->text_(std::string_view(text, static_cast<std::size_t>(length)));
    });
    // A part of a workbook has no document type; one that declares it (to define entities) is
    // not a spreadsheet export, and is refused before any entity could be expanded.
    XML_SetStartDoctypeDeclHandler(parser_, [](void* self, const XML_Char*, const XML_Char*, const XML_Char*, int) {
      auto* me = static_cast<PartParser*>(self);
      me->doctype_ = true;
      XML_StopParser(me->parser_, XML_FALSE);
    });
  }
  ~PartParser() { XML_ParserFree(parser_); }
  PartParser(const PartParser&) = delete;
  PartParser& operator=(const PartParser&) = delete;

  // Feeds the whole part at `index` of the archive; an error names the part and the reason.
  Result<void> parse(zip_t* archive, zip_int64_t index, const std::string& part, const XlsxLimits& limits) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive, static_cast<zip_uint64_t>(index), 0, &stat) != 0) {
      return makeError(fmt::format("{}: cannot read its entry: {}", part, zip_strerror(archive)));
    }
    if ((stat.valid & ZIP_STAT_SIZE) != 0 && stat.size > limits.max_part_bytes) {
      return makeError(
          fmt::format("{} unpacks to {} bytes, over the limit of {}", part, stat.size, limits.max_part_bytes));
    }
    if ((stat.valid & ZIP_STAT_COMP_SIZE) != 0 && (stat.valid & ZIP_STAT_SIZE) != 0 && stat.size > (1U << 20U) &&
        stat.size / std::max<zip_uint64_t>(stat.comp_size, 1) > limits.max_ratio) {
      return makeError(
          fmt::format("{} unpacks to {} bytes from {}: more than {} times its size, as only a zip bomb does", part,
                      stat.size, stat.comp_size, limits.max_ratio));
    }
    zip_file_t* file = zip_fopen_index(archive, static_cast<zip_uint64_t>(index), 0);
    if (file == nullptr) return makeError(fmt::format("{}: cannot open: {}", part, zip_strerror(archive)));
    std::array<char, 1U << 16U> buffer{};
    std::size_t total = 0;
    Result<void> outcome;
    for (;;) {
      const zip_int64_t n = zip_fread(file, buffer.data(), buffer.size());
      if (n < 0) {
        outcome = makeError(fmt::format("{}: cannot unpack: {}", part, zip_file_strerror(file)));
        break;
      }
      total += static_cast<std::size_t>(n);
      if (total > limits.max_part_bytes) {
        outcome = makeError(fmt::format("{} unpacks to more than {} bytes", part, limits.max_part_bytes));
        break;
      }
      const bool last = n == 0;
      if (XML_Parse(parser_, buffer.data(), static_cast<int>(n), last ? XML_TRUE : XML_FALSE) != XML_STATUS_OK) {
        outcome = doctype_ ? makeError(fmt::format("{}: declares a document type, which no workbook part does", part))
                           : makeError(fmt::format("{}: line {}: {}", part, XML_GetCurrentLineNumber(parser_),
                                                   XML_ErrorString(XML_GetErrorCode(parser_))));
        break;
      }
      if (failure_) {
        outcome = makeError(fmt::format("{}: {}", part, *failure_));
        break;
      }
      if (last) break;
    }
    zip_fclose(file);
    return outcome;
  }

  // A handler's refusal: parsing stops, and parse() returns it.
  void fail(std::string reason) {
    if (!failure_) failure_ = std::move(reason);
    XML_StopParser(parser_, XML_FALSE);
  }

 private:
  XML_Parser parser_;
  Start start_;
  End end_;
  Text text_;
  bool doctype_ = false;
  std::optional<std::string> failure_;
};

zip_int64_t locate(zip_t* archive, const std::string& part) {
  return zip_name_locate(archive, part.c_str(), ZIP_FL_NOCASE);
}

// "xl/worksheets/sheet1.xml" from a relationship target: relative to xl/, or absolute ("/xl/...").
std::string partOfTarget(std::string_view target) {
  if (!target.empty() && target.front() == '/') return std::string(target.substr(1));
  std::string out = "xl/";
  out += target;
  return out;
}

// Number formats Excel defines by id that show a date (14-22 and 45-47 in every locale; 27-36
// and 50-58 in the Chinese, Japanese and Korean ones, where exports from this domain come from).
bool builtinDateFormat(int id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

// A custom format shows a date or time when it holds y, m, d, h or s outside quoted text, escapes
// and [colour] brackets ("yyyy-mm-dd", "yyyy\"年\"m\"月\"d\"日\"", "[$-804]yyyy/m/d"); "0.00" or
// "@" does not.
bool customDateFormat(std::string_view code) {
  bool quoted = false;
  bool bracket = false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (quoted) {
      quoted = c != '"';
      continue;
    }
    if (bracket) {
      bracket = c != ']';
      continue;
    }
    if (c == '"') {
      quoted = true;
    } else if (c == '[') {
      bracket = true;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;  // the next character is literal (or padding)
    } else if (c == 'y' || c == 'Y' || c == 'd' || c == 'D' || c == 'm' || c == 'M' || c == 'h' || c == 'H' ||
               c == 's' || c == 'S') {
      return true;
    }
  }
  return false;
}

// A date serial as Excel shows it: whole days since 1899-12-30 (the 1900 system, with its
// phantom 1900-02-29 before day 61 accounted for), a fraction of a day as the time.
std::string dateText(double serial, bool date1904) {
  if (!std::isfinite(serial) || serial < 0 || serial > 2958465) return fmt::format("{}", serial);  // past 9999-12-31
  auto days = static_cast<std::int64_t>(std::floor(serial));
  const double fraction = serial - static_cast<double>(days);
  if (date1904) days += 1462;
  if (!date1904 && days < 61) days += 1;  // Excel's 1900 system counts a 29 February 1900 that never was
  const std::chrono::sys_days epoch = std::chrono::sys_days{std::chrono::year{1899} / 12 / 30};
  const std::chrono::year_month_day ymd{epoch + std::chrono::days{days}};
  std::string text = fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                                 static_cast<unsigned>(ymd.day()));
  const auto seconds = static_cast<std::int64_t>(std::llround(fraction * 86400.0));
  if (seconds > 0 && seconds < 86400) {
    text += fmt::format(" {:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
  }
  return text;
}

// "BC12" -> column 54 (0-based), row 12; nullopt when it is not a cell reference.
std::optional<std::pair<std::size_t, std::size_t>> cellReference(std::string_view ref) {
  std::size_t column = 0;
  std::size_t i = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z') {
    column = column * 26 + static_cast<std::size_t>(ref[i] - 'A' + 1);
    if (column > 16384) return std::nullopt;  // XFD, the last column there is
    ++i;
  }
  if (i == 0 || i == ref.size()) return std::nullopt;
  std::size_t row = 0;
  const auto [end, ec] = std::from_chars(ref.data() + i, ref.data() + ref.size(), row);
  if (ec != std::errc() || end != ref.data() + ref.size() || row == 0) return std::nullopt;
  return std::pair{column - 1, row};
}

void appendCsvField(std::string& out, std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += value;
    return;
  }
  out += '"';
  for (const char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

class Workbook {
 public:
  Workbook(zip_t* archive, std::string name, const XlsxLimits& limits)
      : archive_(archive), name_(std::move(name)), limits_(limits) {}

  Result<XlsxSheet> firstSheet() {
    auto part = findFirstSheet();
    if (!part) return std::move(part).error();
    if (auto read = readStyles(); !read) return read.error();
    if (auto read = readSharedStrings(); !read) return read.error();
    return readSheet(part.value());
  }

 private:
  Error refusal(const std::string& reason) const { return Error{fmt::format("{}: {}", name_, reason)}; }

  Result<std::string> findFirstSheet() {
    const auto workbook = locate(archive_, "xl/workbook.xml");
    if (workbook < 0) return refusal("not a spreadsheet: the package holds no xl/workbook.xml");
    std::string first_id;
    PartParser sheets(
        [&](std::string_view element, const XML_Char** attributes) {
          if (element == "sheet" && first_id.empty()) {
            first_id = attribute(attributes, "id");
            sheet_name_ = attribute(attributes, "name");
          } else if (element == "workbookPr") {
            const auto flag = attribute(attributes, "date1904");
            date1904_ = flag == "1" || flag == "true";
          }
        },
        nullptr, nullptr);
    if (auto parsed = sheets.parse(archive_, workbook, "xl/workbook.xml", limits_); !parsed) {
      return refusal(parsed.error().message);
    }
    if (first_id.empty()) return refusal("the workbook has no worksheet");
    const auto rels = locate(archive_, "xl/_rels/workbook.xml.rels");
    if (rels < 0)
      return refusal("the package holds no xl/_rels/workbook.xml.rels: which part is the sheet is not known");
    std::string target;
    PartParser relationships(
        [&](std::string_view element, const XML_Char** attributes) {
          if (element == "Relationship" && attribute(attributes, "Id") == first_id)
            target = attribute(attributes, "Target");
        },
        nullptr, nullptr);
    if (auto parsed = relationships.parse(archive_, rels, "xl/_rels/workbook.xml.rels", limits_); !parsed) {
      return refusal(parsed.error().message);
    }
    if (target.empty()) return refusal(fmt::format("the worksheet \"{}\" has no part in the package", sheet_name_));
    return partOfTarget(target);
  }

  Result<void> readStyles() {
    const auto styles = locate(archive_, "xl/styles.xml");
    if (styles < 0) return {};   // no styles: no cell is a date
    std::map<int, bool> custom;  // numFmtId -> shows a date
    bool in_cell_xfs = false;
    PartParser parser(
        [&](std::string_view element, const XML_Char** attributes) {
          if (element == "numFmt") {
            int id = 0;
            const auto text = attribute(attributes, "numFmtId");
            std::from_chars(text.data(), text.data() + text.size(), id);
            custom[id] = customDateFormat(attribute(attributes, "formatCode"));
          } else if (element == "cellXfs") {
            in_cell_xfs = true;
          } else if (element == "xf" && in_cell_xfs) {
            int id = 0;
            const auto text = attribute(attributes, "numFmtId");
            std::from_chars(text.data(), text.data() + text.size(), id);
            const auto found = custom.find(id);
            date_styles_.push_back(found != custom.end() ? found->second : builtinDateFormat(id));
          }
        },
        [&](std::string_view element) {
          if (element == "cellXfs") in_cell_xfs = false;
        },
        nullptr);
    if (auto parsed = parser.parse(archive_, styles, "xl/styles.xml", limits_); !parsed) {
      return refusal(parsed.error().message);
    }
    return {};
  }

  Result<void> readSharedStrings() {
    const auto part = locate(archive_, "xl/sharedStrings.xml");
    if (part < 0) return {};
    std::string current;
    bool in_text = false;
    int phonetic = 0;  // <rPh> runs carry a reading guide, not the cell's text
    PartParser parser(
        [&](std::string_view element, const XML_Char**) {
          if (element == "si") current.clear();
          if (element == "rPh") ++phonetic;
          if (element == "t" && phonetic == 0) in_text = true;
        },
        [&](std::string_view element) {
          if (element == "t") in_text = false;
          if (element == "rPh") --phonetic;
          if (element == "si") shared_.push_back(current);
        },
        [&](std::string_view text) {
          if (in_text) current += text;
        });
    if (auto parsed = parser.parse(archive_, part, "xl/sharedStrings.xml", limits_); !parsed) {
      return refusal(parsed.error().message);
    }
    return {};
  }

  Result<XlsxSheet> readSheet(const std::string& part) {
    const auto index = locate(archive_, part);
    if (index < 0) return refusal(fmt::format("the package lacks {}, the worksheet \"{}\"", part, sheet_name_));
    XlsxSheet out;
    out.sheet = sheet_name_;
    std::vector<std::string> cells;  // the row being read, by column
    std::size_t row_number = 0;      // of the row being read
    std::size_t next_column = 0;     // for cells written without a reference
    std::size_t lines = 0;           // lines written to out.csv so far
    std::size_t width = 0;           // the header's cell count: data rows are padded to it
    std::string type;
    std::size_t style = 0;
    std::size_t column = 0;
    std::string value;
    bool in_value = false;
    int phonetic = 0;
    PartParser* self = nullptr;
    PartParser parser(
        [&](std::string_view element, const XML_Char** attributes) {
          if (element == "row") {
            cells.clear();
            next_column = 0;
            std::size_t r = 0;
            const auto text = attribute(attributes, "r");
            if (!text.empty() && std::from_chars(text.data(), text.data() + text.size(), r).ec == std::errc() &&
                r > 0) {
              row_number = r;
            } else {
              ++row_number;
            }
          } else if (element == "c") {
            type = attribute(attributes, "t");
            style = 0;
            const auto s = attribute(attributes, "s");
            std::from_chars(s.data(), s.data() + s.size(), style);
            column = next_column;
            if (const auto ref = attribute(attributes, "r"); !ref.empty()) {
              const auto parsed = cellReference(ref);
              if (!parsed) {
                self->fail(fmt::format("row {}: \"{}\" is not a cell reference", row_number, ref));
                return;
              }
              column = parsed->first;
            }
            next_column = column + 1;
            value.clear();
          } else if ((element == "v" || element == "t") && phonetic == 0) {
            in_value = true;
          } else if (element == "rPh") {
            ++phonetic;
          }
        },
        [&](std::string_view element) {
          if (element == "v" || element == "t") {
            in_value = false;
          } else if (element == "rPh") {
            --phonetic;
          } else if (element == "c") {
            std::string shown;
            if (type == "s") {
              std::size_t at = 0;
              if (std::from_chars(value.data(), value.data() + value.size(), at).ec != std::errc() ||
                  at >= shared_.size()) {
                self->fail(fmt::format("row {}: a cell names shared string \"{}\", which the workbook lacks",
                                       row_number, value));
                return;
              }
              shown = shared_[at];
            } else if (type == "b") {
              shown = value == "1" ? "TRUE" : "FALSE";
            } else if (type.empty() || type == "n") {
              double number = 0;
              const bool numeric = !value.empty() &&
                                   std::from_chars(value.data(), value.data() + value.size(), number).ec == std::errc();
              shown =
                  numeric && style < date_styles_.size() && date_styles_[style] ? dateText(number, date1904_) : value;
            } else {
              shown = value;  // inlineStr, str (a formula's text), e (an error such as #N/A), d (ISO date)
            }
            if (cells.size() <= column) cells.resize(column + 1);
            cells[column] = std::move(shown);
          } else if (element == "row") {
            while (!cells.empty() && cells.back().empty()) cells.pop_back();
            if (cells.empty()) return;
            // Line N of the CSV is row N of the sheet, so that a problem's line is the row a clerk
            // finds in the spreadsheet (a cell holding a line break shifts the rows after it
            // until the next gap).
            while (lines + 1 < row_number) {
              out.csv += '\n';
              ++lines;
            }
            if (width == 0) width = cells.size();
            if (cells.size() < width) cells.resize(width);  // trailing cells left empty are not written
            std::size_t breaks = 0;                         // line breaks inside the cells: the CSV's lines they take
            for (std::size_t i = 0; i < cells.size(); ++i) {
              if (i > 0) out.csv += ',';
              appendCsvField(out.csv, cells[i]);
              breaks += static_cast<std::size_t>(std::count(cells[i].begin(), cells[i].end(), '\n'));
            }
            out.csv += '\n';
            lines += 1 + breaks;
            ++out.rows;
          }
        },
        [&](std::string_view text) {
          if (in_value) value += text;
        });
    self = &parser;
    if (auto parsed = parser.parse(archive_, index, part, limits_); !parsed) return refusal(parsed.error().message);
    return out;
  }

  zip_t* archive_;
  std::string name_;
  XlsxLimits limits_;
  std::string sheet_name_;
  bool date1904_ = false;
  std::vector<bool> date_styles_;  // cellXfs index -> shows a date
  std::vector<std::string> shared_;
};

}  // namespace

bool isXlsxName(std::string_view name) noexcept {
  if (name.size() < 5) return false;
  const auto tail = name.substr(name.size() - 5);
  constexpr std::string_view kExtension = ".xlsx";
  for (std::size_t i = 0; i < 5; ++i) {
    const char c = tail[i] >= 'A' && tail[i] <= 'Z' ? static_cast<char>(tail[i] - 'A' + 'a') : tail[i];
    if (c != kExtension[i]) return false;
  }
  return true;
}

Result<XlsxSheet> readXlsxSheet(std::string_view bytes, std::string_view name, const XlsxLimits& limits) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) {
    auto refused = makeError(fmt::format("{}: cannot read: {}", name, zip_error_strerror(&error)));
    zip_error_fini(&error);
    return refused;
  }
  zip_t* opened = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (opened == nullptr) {
    zip_source_free(source);
    auto refused =
        makeError(fmt::format("{}: not a spreadsheet (.xlsx is a zip package): {}", name, zip_error_strerror(&error)));
    zip_error_fini(&error);
    return refused;
  }
  zip_error_fini(&error);
  const Archive archive(opened);
  Workbook workbook(archive.get(), std::string(name), limits);
  return workbook.firstSheet();
}

}  // namespace staffchain::plugin
