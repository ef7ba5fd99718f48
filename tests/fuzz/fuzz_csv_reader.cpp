// Fuzzes the CSV reader and the canonical row path behind it (column map, normaliser): a row
// the reader yields has as many fields as the header, and a file that a small reference parser
// (RFC 4180 as csv_reader.hpp documents it) finds well-formed is read exactly, with no problems.
// Every record type whose columns the header carries is then normalised row by row.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "staffchain/model/column_map.hpp"
#include "staffchain/model/normalise.hpp"
#include "staffchain/model/row_view.hpp"
#include "staffchain/plugin/support/csv_reader.hpp"

namespace {

using staffchain::plugin::CsvReader;
using staffchain::plugin::CsvRow;
using staffchain::plugin::RecordType;

[[noreturn]] void violated(const char* what) {
  std::fprintf(stderr, "invariant violated: %s\n", what);
  std::abort();
}

void require(bool condition, const char* what) {
  if (!condition) violated(what);
}

struct ReferenceRow {
  std::uint32_t line = 0;
  std::vector<std::string> fields;
};

// Reads the whole input, or returns nullopt at the first malformed record: a quote inside an
// unquoted field, text after a closing quote, or a quote left open.
std::optional<std::vector<ReferenceRow>> referenceParse(std::string_view data) {
  if (data.starts_with("\xEF\xBB\xBF")) data.remove_prefix(3);
  std::vector<ReferenceRow> rows;
  std::size_t pos = 0;
  std::uint32_t line = 1;
  const std::size_t n = data.size();
  const auto lineEndAt = [&](std::size_t at) -> std::size_t {  // length of a line end at `at`, or 0
    if (at < n && data[at] == '\n') return 1;
    if (at + 1 < n && data[at] == '\r' && data[at + 1] == '\n') return 2;
    return 0;
  };
  for (;;) {
    while (const std::size_t end = lineEndAt(pos)) {
      pos += end;
      ++line;
    }
    if (pos >= n) return rows;
    ReferenceRow row;
    row.line = line;
    for (;;) {
      std::string field;
      if (pos < n && data[pos] == '"') {
        ++pos;
        for (;;) {
          if (pos >= n) return std::nullopt;
          if (data[pos] == '"') {
            if (pos + 1 < n && data[pos + 1] == '"') {
              field.push_back('"');
              pos += 2;
              continue;
            }
            ++pos;
            break;
          }
          if (data[pos] == '\n') ++line;
          field.push_back(data[pos++]);
        }
        if (pos < n && data[pos] != ',' && lineEndAt(pos) == 0) return std::nullopt;
      } else {
        while (pos < n && data[pos] != ',' && lineEndAt(pos) == 0) {
          if (data[pos] == '"') return std::nullopt;
          field.push_back(data[pos++]);
        }
      }
      row.fields.push_back(std::move(field));
      if (pos >= n) break;
      if (data[pos] == ',') {
        ++pos;
        continue;
      }
      pos += lineEndAt(pos);
      ++line;
      break;
    }
    rows.push_back(std::move(row));
  }
}

void normaliseAs(RecordType type, const std::vector<std::string>& header, const std::vector<ReferenceRow>& rows) {
  auto map = staffchain::model::ColumnMap::of(type, header, "fuzz.csv");
  if (!map) {
    require(!map.error().message.empty(), "column map: an error without a message");
    return;
  }
  staffchain::model::RowView view;
  std::vector<std::string_view> fields;
  for (const auto& row : rows) {
    fields.assign(row.fields.begin(), row.fields.end());
    view.clear();
    map->fill(fields, view);
    auto result = staffchain::model::normalise(type, view, staffchain::model::Origin{0, row.line});
    require(result.record.has_value() == result.errors.empty(), "normalise: a record exactly when there is no error");
    for (const auto& error : result.errors) {
      require(!error.field.empty() && !error.reason.empty(), "normalise: an error names its field and reason");
    }
    if (!result.ok()) {
      staffchain::model::QuarantineEntry entry;
      staffchain::model::setQuarantineSubject(type, view, entry);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto reader = CsvReader::fromBuffer(input, "fuzz.csv");
  const auto reference = referenceParse(input);
  if (!reader) {
    require(!reader.error().message.empty(), "csv: an error without a message");
    // The reference rejects what the reader rejects: an empty input or a malformed header.
    require(!reference || reference->empty(), "csv: a well-formed file was refused");
    return 0;
  }
  const std::vector<std::string> header(reader->header().begin(), reader->header().end());
  require(!header.empty(), "csv: a header with no column");
  const std::size_t at_most = reader->rowsAheadAtMost();

  std::vector<ReferenceRow> rows;
  CsvRow row;
  std::uint32_t last_line = 0;
  while (reader->next(row)) {
    require(row.fields.size() == header.size(), "csv: a row's field count differs from the header's");
    require(row.line > last_line, "csv: row lines do not increase");
    last_line = row.line;
    rows.push_back(ReferenceRow{row.line, std::vector<std::string>(row.fields.begin(), row.fields.end())});
  }
  require(rows.size() <= at_most, "csv: more rows than rowsAheadAtMost promised");
  for (const auto& problem : reader->problems()) {
    require(!problem.reason.empty() && problem.line >= 1, "csv: a problem without a line or reason");
  }

  if (reference) {
    require(!reference->empty() && reference->front().fields == header, "csv: header differs from the reference");
    std::size_t expected_rows = 0;
    bool counts_match = true;
    for (std::size_t i = 1; i < reference->size(); ++i) {
      counts_match = counts_match && (*reference)[i].fields.size() == header.size();
    }
    if (counts_match) {
      expected_rows = reference->size() - 1;
      require(reader->problems().empty(), "csv: problems reported in a well-formed file");
      require(rows.size() == expected_rows, "csv: row count differs from the reference");
      for (std::size_t i = 0; i < rows.size(); ++i) {
        require(rows[i].fields == (*reference)[i + 1].fields, "csv: fields differ from the reference");
        require(rows[i].line == (*reference)[i + 1].line, "csv: line differs from the reference");
      }
    }
  }

  for (std::size_t t = 0; t < staffchain::plugin::kRecordTypeCount; ++t) {
    normaliseAs(static_cast<RecordType>(t), header, rows);
  }
  return 0;
}
