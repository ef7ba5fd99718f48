#include "staffchain/model/canonical_folder.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <type_traits>
#include <span>
#include <utility>

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

// A file mapped read-only instead of copied: the kernel reads ahead while it is scanned, and
// releaseBefore() gives back the pages already parsed, so that a payroll file of 700 MB never
// sits in memory whole. Pages given back are only dropped from this process: touching them
// again reads them from the file, so a view into them stays correct.
class MappedFile {
 public:
  static Result<MappedFile> open(const std::filesystem::path& file) {
    // Not only for the size: opening a named pipe would wait for a writer.
    std::error_code status_ec;
    if (!std::filesystem::is_regular_file(file, status_ec)) {
      return makeError(fmt::format("cannot read {}: {}", file.string(),
                                   status_ec ? status_ec.message() : std::string("it is not a regular file")));
    }
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return makeError(fmt::format("cannot open {}: {}", file.string(), std::strerror(errno)));
    MappedFile mapped;
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) {
      ::close(fd);
      return makeError(fmt::format("cannot read {}: {}", file.string(), ec.message()));
    }
    if (size > 0) {
      void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (data == MAP_FAILED) {
        const int error = errno;
        ::close(fd);
        return makeError(fmt::format("cannot map {}: {}", file.string(), std::strerror(error)));
      }
      ::madvise(data, size, MADV_SEQUENTIAL);
      mapped.data_ = static_cast<char*>(data);
      mapped.size_ = size;
    }
    ::close(fd);  // the mapping keeps the file
    return mapped;
  }

  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        released_(std::exchange(other.released_, 0)) {}
  MappedFile& operator=(MappedFile&&) = delete;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(data_, size_);
  }

  [[nodiscard]] std::string_view bytes() const noexcept { return {data_, size_}; }

  // Drops the whole pages before `position` (a pointer into the mapping; others are ignored).
  void releaseBefore(const char* position) noexcept {
    if (data_ == nullptr || position < data_ || position > data_ + size_) return;
    static const auto kPage = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const auto end = static_cast<std::size_t>(position - data_) / kPage * kPage;
    if (end <= released_) return;
    ::madvise(data_ + released_, end - released_, MADV_DONTNEED);
    released_ = end;
  }
  void releaseAll() noexcept {
    if (data_ != nullptr) ::madvise(data_, size_, MADV_DONTNEED);
  }

 private:
  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t released_ = 0;
};

// Pages are given back every this many rows (a few megabytes of a payroll file).
constexpr std::uint32_t kRowsPerRelease = 1U << 16U;

class DatasetSink final : public RecordSink {
 public:
  explicit DatasetSink(Dataset& dataset) : dataset_(dataset) {}
  void expect(RecordType type, std::size_t rows_at_most) override { reserveFor(dataset_, type, rows_at_most); }
  void add(Record&& record) override { addRecord(dataset_, std::move(record)); }
  void quarantine(QuarantineEntry&& entry) override { dataset_.quarantine.push_back(std::move(entry)); }
  [[nodiscard]] bool wantsRowCounts() const noexcept override { return true; }

 private:
  Dataset& dataset_;
};

Result<void> loadFile(const std::filesystem::path& file, RecordType type, const std::string& source, RecordSink& sink,
                      std::vector<std::string>* notes) {
  auto mapped = MappedFile::open(file);
  if (!mapped) return std::move(mapped).error();
  const auto file_name = file.filename().string();
  auto reader = plugin::CsvReader::fromBuffer(mapped->bytes(), file_name);
  if (!reader) return std::move(reader).error();
  auto map = ColumnMap::of(type, reader->header(), file_name);
  if (!map) return std::move(map).error();
  if (notes != nullptr) {
    for (const auto& column : map->ignoredColumns())
      notes->push_back(fmt::format("{}: ignored column {}", file_name, column));
  }
  const auto quarantine = [&](std::uint32_t line, std::string field, std::string value, std::string reason,
                              const RowView* view) {
    QuarantineEntry entry{source, type, fmt::format("{}:{}", file_name, line), std::move(field), std::move(value),
                          std::move(reason)};
    if (view != nullptr) setQuarantineSubject(type, *view, entry);
    sink.quarantine(std::move(entry));
  };
  const auto drainProblems = [&] {
    for (auto& problem : reader->takeProblems()) quarantine(problem.line, {}, {}, std::move(problem.reason), nullptr);
  };

  if (sink.wantsRowCounts()) {
    sink.expect(type, reader->rowsAheadAtMost());
    mapped->releaseAll();  // counting read every page: they come back one by one as rows are read
  }
  plugin::CsvRow row;
  RowView view;
  std::uint32_t rows = 0;
  while (reader->next(row)) {
    drainProblems();
    if (++rows % kRowsPerRelease == 0) {
      // Every view of this row lies after the row's first cell that is in the file.
      for (const auto& field : row.fields) {
        if (field.data() >= mapped->bytes().data() && field.data() <= mapped->bytes().data() + mapped->bytes().size()) {
          mapped->releaseBefore(field.data());
          break;
        }
      }
    }
    map->fill(row.fields, view);
    auto result = normalise(type, view, Origin{0, row.line});
    if (result.record) {
      sink.add(std::move(*result.record));
      continue;
    }
    for (auto& error : result.errors) {
      quarantine(row.line, std::move(error.field), std::move(error.value), std::move(error.reason), &view);
    }
  }
  drainProblems();
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

  for (const auto type : order) {
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
