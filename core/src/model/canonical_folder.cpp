#include "staffchain/model/canonical_folder.hpp"

#include <fmt/format.h>

#include <system_error>
#include <type_traits>

#include "staffchain/model/column_map.hpp"
#include "staffchain/plugin/csv_reader.hpp"
#include "staffchain/model/normalise.hpp"

namespace staffchain::model {
namespace {

void addRecord(Dataset& dataset, Record&& record) {
  std::visit(
      [&dataset](auto&& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, Unit>) {
          dataset.units.push_back(std::move(r));
        } else if constexpr (std::is_same_v<T, Quota>) {
          dataset.quotas.push_back(std::move(r));
        } else if constexpr (std::is_same_v<T, LeaderQuota>) {
          dataset.leader_quotas.push_back(std::move(r));
        } else if constexpr (std::is_same_v<T, Approval>) {
          dataset.approvals.push_back(std::move(r));
        } else if constexpr (std::is_same_v<T, RosterEntry>) {
          dataset.roster.push_back(std::move(r));
        } else if constexpr (std::is_same_v<T, Movement>) {
          dataset.movements.push_back(std::move(r));
        } else if constexpr (std::is_same_v<T, PayrollMonth>) {
          dataset.payroll.push_back(std::move(r));
        } else {
          static_assert(std::is_same_v<T, Death>);
          dataset.deaths.push_back(std::move(r));
        }
      },
      std::move(record));
}

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
  }
}

Result<void> loadFile(const std::filesystem::path& file, RecordType type, Dataset& dataset,
                      std::vector<std::string>* notes) {
  auto reader = plugin::CsvReader::open(file);
  if (!reader) return std::move(reader).error();
  const auto file_name = file.filename().string();
  auto map = ColumnMap::of(type, reader->header(), file_name);
  if (!map) return std::move(map).error();
  if (notes != nullptr) {
    for (const auto& column : map->ignoredColumns())
      notes->push_back(fmt::format("{}: ignored column {}", file_name, column));
  }
  const auto& source = dataset.sources.front();
  const auto quarantine = [&](std::uint32_t line, std::string field, std::string value, std::string reason) {
    dataset.quarantine.push_back(QuarantineEntry{source, type, fmt::format("{}:{}", file_name, line), std::move(field),
                                                 std::move(value), std::move(reason)});
  };
  const auto drainProblems = [&] {
    for (auto& problem : reader->takeProblems()) quarantine(problem.line, {}, {}, std::move(problem.reason));
  };

  reserveFor(dataset, type, reader->rowsAheadAtMost());
  plugin::CsvRow row;
  RowView view;
  while (reader->next(row)) {
    drainProblems();
    map->fill(row.fields, view);
    auto result = normalise(type, view, Origin{0, row.line});
    if (result.record) {
      addRecord(dataset, std::move(*result.record));
      continue;
    }
    for (auto& error : result.errors) {
      quarantine(row.line, std::move(error.field), std::move(error.value), std::move(error.reason));
      setQuarantineSubject(type, view, dataset.quarantine.back());
    }
  }
  drainProblems();
  return {};
}

}  // namespace

Result<Dataset> loadCanonicalFolder(const std::filesystem::path& dir, std::string source_name,
                                    std::vector<std::string>* notes) {
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

  Dataset dataset;
  dataset.sources.push_back(std::move(source_name));
  for (std::size_t i = 0; i < plugin::kRecordTypeCount; ++i) {
    const auto type = static_cast<RecordType>(i);
    const auto file = dir / fmt::format("{}.csv", plugin::recordTypeFile(type));
    if (!std::filesystem::exists(file, ec)) {
      if (ec) return makeError(fmt::format("cannot load {}: {}", file.string(), ec.message()));
      continue;
    }
    // Some exporters write a 0-byte file for "nothing to report": no header, no records.
    if (std::filesystem::is_regular_file(file, ec) && std::filesystem::file_size(file, ec) == 0 && !ec) {
      if (notes != nullptr) notes->push_back(fmt::format("{}: empty file, no records", file.filename().string()));
      continue;
    }
    if (auto loaded = loadFile(file, type, dataset, notes); !loaded) {
      return makeError(fmt::format("cannot load canonical folder {}: {}", dir.string(), loaded.error().message));
    }
  }
  return dataset;
}

}  // namespace staffchain::model
