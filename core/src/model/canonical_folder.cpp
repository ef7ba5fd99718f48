#include "staffchain/model/canonical_folder.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <cctype>
#include <map>
#include <span>
#include <system_error>
#include <type_traits>
#include <utility>

#include "staffchain/model/column_map.hpp"
#include "staffchain/model/normalise.hpp"
#include "staffchain/plugin/support/export_file.hpp"

namespace staffchain::model {
namespace {

void reserveFor(Dataset& dataset, RecordType type, std::size_t rows) {
  const auto grow = [rows](auto& records) { records.reserve(records.size() + rows); };
  switch (type) {
    case RecordType::unit:
      grow(dataset.units);
      break;
    case RecordType::quota:
      grow(dataset.quotas);
      break;
    case RecordType::leader_quota:
      grow(dataset.leader_quotas);
      break;
    case RecordType::approval:
      grow(dataset.approvals);
      break;
    case RecordType::roster:
      grow(dataset.roster);
      break;
    case RecordType::movement:
      grow(dataset.movements);
      break;
    case RecordType::payroll:
      grow(dataset.payroll);
      break;
    case RecordType::death:
      grow(dataset.deaths);
      break;
    case RecordType::reduction:
      grow(dataset.reductions);
      break;
  }
}

// Pages are given back every this many rows (a few megabytes of a payroll file).
constexpr std::uint32_t kRowsPerRelease = 1U << 16U;

class DatasetSink final : public RecordSink {
 public:
  explicit DatasetSink(Dataset& dataset) : dataset_(dataset) {}
  void expect(RecordType type, std::size_t rows_at_most) override { reserveFor(dataset_, type, rows_at_most); }
  void add(Record&& record) override { appendRecord(dataset_, std::move(record)); }
  void quarantine(QuarantineEntry&& entry) override { dataset_.quarantine.push_back(std::move(entry)); }
  [[nodiscard]] bool wantsRowCounts() const noexcept override { return true; }

 private:
  Dataset& dataset_;
};

Result<void> loadFile(const std::filesystem::path& file, RecordType type, const std::string& source, RecordSink& sink,
                      std::vector<std::string>* notes) {
  auto opened = plugin::ExportFile::open(file, plugin::ExportOptions{});
  if (!opened) return std::move(opened).error();
  plugin::ExportFile& input = opened.value();
  const auto& file_name = input.name();
  auto map = ColumnMap::of(type, input.header(), file_name);
  if (!map) return std::move(map).error();
  if (notes != nullptr) {
    for (const auto& column : map->ignoredColumns())
      notes->push_back(fmt::format("{}: ignored column {}", file_name, column));
    if (std::string_view(input.encoding()) != "UTF-8") {
      notes->push_back(fmt::format("{}: read as {}", file_name, input.encoding()));
    }
  }
  const auto quarantine = [&](std::uint32_t line, std::string field, std::string value, std::string reason,
                              const RowView* view) {
    QuarantineEntry entry{
        source, type, fmt::format("{}:{}", file_name, line), std::move(field), std::move(value), std::move(reason)};
    if (view != nullptr) setQuarantineSubject(type, *view, entry);
    sink.quarantine(std::move(entry));
  };
  const auto drainProblems = [&] {
    for (auto& problem : input.takeProblems()) {
      quarantine(problem.line, std::move(problem.field), std::move(problem.value), std::move(problem.reason), nullptr);
    }
  };

  if (sink.wantsRowCounts()) sink.expect(type, input.rowsAheadAtMost());
  plugin::ExportRow row;
  RowView view;
  std::uint32_t rows = 0;
  while (input.next(row)) {
    drainProblems();
    if (++rows % kRowsPerRelease == 0) input.releaseRead();
    map->fill(row.fields, view);
    auto result = normalise(type, view, Origin{0, row.line});
    if (result.record) {
      sink.add(std::move(*result.record));
      continue;
    }
    for (auto& error : result.errors) {
      quarantine(row.line, std::move(error.field), plugin::excerpt(error.value), std::move(error.reason), &view);
    }
  }
  drainProblems();
  // A file cut short is refused whole: its last rows are not absent, they are unknown.
  if (const auto& cut = input.truncation()) {
    return makeError(fmt::format("{}:{}: {}", file_name, cut->line, cut->reason));
  }
  return {};
}

Result<void> readFolder(const std::filesystem::path& dir, const std::string& source_name, RecordSink& sink,
                        std::vector<std::string>* notes, std::span<const RecordType> order) {
  std::error_code ec;
  const auto status = std::filesystem::status(dir, ec);
  if (status.type() == std::filesystem::file_type::not_found) {
    return makeError(fmt::format("cannot load canonical folder {}: it does not exist", dir.string()));
  }
  if (ec) return makeError(fmt::format("cannot load canonical folder {}: {}", dir.string(), ec.message()));
  if (!std::filesystem::is_directory(status)) {
    return makeError(fmt::format("cannot load canonical folder {}: it is not a directory", dir.string()));
  }
  // Listing the folder proves it can be read, even when none of the files is present.
  std::filesystem::directory_iterator listing(dir, ec);
  if (ec) return makeError(fmt::format("cannot load canonical folder {}: {}", dir.string(), ec.message()));

  // Names are matched without regard to case (exports from Windows come as ROSTER.CSV); two
  // files that differ only in case are refused, since which one holds the data is not known.
  std::map<std::string, std::vector<std::string>> by_lower_name;
  for (const auto& entry : listing) {
    std::string name = entry.path().filename().string();
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    by_lower_name[lower].push_back(std::move(name));
  }
  for (const auto type : order) {
    // A file is a CSV export or a spreadsheet (.xlsx, its first sheet read as CSV); both of one
    // kind in the folder are refused like two names in different case: which holds the data is
    // not known.
    std::vector<std::string> names;
    for (const char* extension : {"csv", "xlsx"}) {
      const auto it = by_lower_name.find(fmt::format("{}.{}", plugin::recordTypeFile(type), extension));
      if (it != by_lower_name.end()) names.insert(names.end(), it->second.begin(), it->second.end());
    }
    if (names.empty()) continue;
    if (names.size() > 1) {
      return makeError(
          fmt::format("cannot load canonical folder {}: {} hold the same kind of records (one name in "
                      "different case, or a .csv and an .xlsx); keep one",
                      dir.string(), fmt::join(names, " and ")));
    }
    const auto file = dir / names.front();
    // Some exporters write a 0-byte file for "nothing to report": no header, no records.
    if (std::filesystem::is_regular_file(file, ec) && std::filesystem::file_size(file, ec) == 0 && !ec) {
      if (notes != nullptr) notes->push_back(fmt::format("{}: empty file, no records", file.filename().string()));
      continue;
    }
    if (auto loaded = loadFile(file, type, source_name, sink, notes); !loaded) {
      return makeError(fmt::format("cannot load canonical folder {}: {}", dir.string(), loaded.error().message));
    }
  }
  return {};
}

// The files in the order of their record types.
constexpr std::array<RecordType, plugin::kRecordTypeCount> kTypeOrder = [] {
  std::array<RecordType, plugin::kRecordTypeCount> order{};
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<RecordType>(i);
  return order;
}();

// Payroll first: a sink that indexes per person then creates each person, and their row
// vector, in payroll order, which is the order of most lookups after it.
constexpr std::array<RecordType, plugin::kRecordTypeCount> kPayrollFirst = [] {
  std::array<RecordType, plugin::kRecordTypeCount> order{};
  std::size_t at = 0;
  order[at++] = RecordType::payroll;
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (static_cast<RecordType>(i) != RecordType::payroll) order[at++] = static_cast<RecordType>(i);
  }
  return order;
}();

}  // namespace

Result<void> readCanonicalFolder(const std::filesystem::path& dir, const std::string& source_name, RecordSink& sink,
                                 std::vector<std::string>* notes) {
  return readFolder(dir, source_name, sink, notes, kPayrollFirst);
}

Result<Dataset> loadCanonicalFolder(const std::filesystem::path& dir, std::string source_name,
                                    std::vector<std::string>* notes) {
  Dataset dataset;
  dataset.sources.push_back(std::move(source_name));
  DatasetSink sink(dataset);
  if (auto read = readFolder(dir, dataset.sources.front(), sink, notes, kTypeOrder); !read) {
    return std::move(read).error();
  }
  return dataset;
}

}  // namespace staffchain::model
