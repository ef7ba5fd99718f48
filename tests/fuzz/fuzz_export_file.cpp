// Fuzzes the one reader of department exports (plugin::ExportFile): decoding (UTF-8, BOM,
// GB18030, bad bytes), the header check, row limits and the signs of a file cut short. Whatever
// the bytes: no crash, every text handed out is valid UTF-8, an excerpt is short, a survey
// counts what a read then finds, and a read resumed from an offset goes on exactly where it was.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "staffchain/plugin/support/export_file.hpp"

namespace {

using staffchain::plugin::ExportFile;
using staffchain::plugin::ExportOptions;
using staffchain::plugin::ExportRow;
using staffchain::plugin::TextEncoding;

void require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "invariant violated: %s\n", what);
  std::abort();
}

std::vector<std::vector<std::string>> rest(ExportFile& file) {
  std::vector<std::vector<std::string>> rows;
  ExportRow row;
  while (file.next(row)) rows.emplace_back(row.fields.begin(), row.fields.end());
  return rows;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the encoding and small limits, so that the limits are reached too.
  const auto choice = data[0];
  ExportOptions options;
  options.encoding = choice % 3 == 0   ? TextEncoding::automatic
                     : choice % 3 == 1 ? TextEncoding::utf8
                                       : TextEncoding::gb18030;
  options.limits.max_field_bytes = 16 + choice % 64;
  options.limits.max_line_bytes = 64 + choice % 256;
  const std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);

  auto file = ExportFile::fromBytes(bytes, "fuzz.csv", options);
  if (!file) {
    require(staffchain::plugin::isValidUtf8(file.error().message) || !file.error().message.empty(),
            "an error says why");
    return 0;
  }
  for (const auto& name : file->header()) require(staffchain::plugin::isValidUtf8(name), "header names are UTF-8");
  const auto survey = file->survey();

  std::size_t rows = 0;
  ExportRow row;
  std::size_t resume_offset = 0;
  std::uint32_t resume_line = 0;
  while (file->next(row)) {
    ++rows;
    for (const auto field : row.fields) {
      require(staffchain::plugin::isValidUtf8(field), "fields are UTF-8");
      require(field.size() <= options.limits.max_field_bytes, "fields are within the limit");
    }
    if (rows == 1) {
      resume_offset = file->offset();
      resume_line = file->line();
    }
  }
  const auto problems = file->takeProblems();
  for (const auto& problem : problems) {
    require(staffchain::plugin::isValidUtf8(problem.value), "excerpts are UTF-8");
    require(problem.value.size() <= staffchain::plugin::kExcerptBytes + 40, "excerpts are short");
    require(staffchain::plugin::isValidUtf8(problem.reason), "reasons are UTF-8");
  }
  require(rows == survey.rows, "a survey counts the rows a read finds");
  require(problems.size() == survey.problems, "a survey counts the problems a read finds");
  require(file->truncation().has_value() == survey.truncation.has_value(), "a survey sees a cut as a read does");

  if (rows >= 1) {
    // A second reader resumed after the first row reads the same rows as the first did after it.
    auto first = ExportFile::fromBytes(bytes, "fuzz.csv", options);
    require(first.ok(), "the same bytes open again");
    const auto all = rest(*first);
    auto resumed = ExportFile::fromBytes(bytes, "fuzz.csv", options);
    require(resumed.ok(), "the same bytes open a third time");
    resumed->seek(resume_offset, resume_line);
    const auto after = rest(*resumed);
    require(after.size() + 1 == all.size(), "a resumed read has the rows after the first");
    for (std::size_t i = 0; i < after.size(); ++i) require(after[i] == all[i + 1], "a resumed read has the same rows");
  }
  return 0;
}
