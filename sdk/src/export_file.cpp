#include "staffchain/plugin/support/export_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "staffchain/plugin/support/xlsx_sheet.hpp"

namespace staffchain::plugin {
namespace {

// A file mapped read-only instead of copied: the kernel reads ahead while it is scanned, and
// releaseBefore() gives back the pages already parsed, so that a payroll file of 700 MB never
// sits in memory whole. Pages given back are only dropped from this process: touching them
// again reads them from the file, so a view into them stays correct.
class MappedFile {
 public:
  static Result<MappedFile> open(const std::filesystem::path& file) {
    // O_NONBLOCK: opening a named pipe must not wait for a writer; fstat then refuses it.
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return makeError(fmt::format("cannot open {}: {}", file.string(), std::strerror(errno)));
    struct stat status {};
    if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
      ::close(fd);
      return makeError(fmt::format("cannot read {}: it is not a regular file", file.string()));
    }
    MappedFile mapped;
    const auto size = static_cast<std::size_t>(status.st_size);
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
  MappedFile& operator=(MappedFile&& other) noexcept {
    if (this != &other) {
      unmap();
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
      released_ = std::exchange(other.released_, 0);
    }
    return *this;
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() { unmap(); }

  [[nodiscard]] std::string_view bytes() const noexcept { return {data_, size_}; }

  // Drops the whole pages before `offset`.
  void releaseBefore(std::size_t offset) noexcept {
    if (data_ == nullptr) return;
    static const auto kPage = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const auto end = std::min(offset, size_) / kPage * kPage;
    if (end <= released_) return;
    ::madvise(data_ + released_, end - released_, MADV_DONTNEED);
    released_ = end;
  }
  void releaseAll() noexcept {
    if (data_ != nullptr) ::madvise(data_, size_, MADV_DONTNEED);
    released_ = 0;
  }
  void unmap() noexcept {
    if (data_ != nullptr) ::munmap(data_, size_);
    data_ = nullptr;
    size_ = 0;
  }

 private:
  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t released_ = 0;
};

std::string_view trimmed(std::string_view text) noexcept {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::string foldedName(std::string_view name) {
  std::string out(trimmed(name));
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

struct ExportFile::State {
  std::string name;
  ExportLimits limits;
  MappedFile mapped;
  std::string bytes;  // the input when it came from memory
  DecodedText decoded;
  std::string_view text;  // what the reader reads: the input itself, or decoded.owned
  std::vector<std::string> header;
  std::vector<std::string> folded;  // the header trimmed and lower-cased, for column()
  std::optional<CsvReader> reader;
  std::vector<ExportProblem> problems;

  Result<void> start(std::string_view input, const ExportOptions& options) {
    auto decoded_text = decodeText(input, options.encoding);
    if (!decoded_text) return makeError(fmt::format("{}: {}", name, decoded_text.error().message));
    decoded = std::move(decoded_text.value());
    if (decoded.input_was_utf8) {
      text = input;
    } else {
      text = decoded.owned;
      mapped.unmap();  // the decoded copy is read from now on
      bytes.clear();
    }
    auto opened = CsvReader::fromBuffer(text, name);
    if (!opened) return std::move(opened).error();
    reader.emplace(std::move(opened.value()));
    const std::size_t header_end = reader->offset();
    if (firstReplacementIn(0, header_end)) {
      return makeError(
          fmt::format("{}: the header row cannot be decoded as {} (nor as the other encoding staffchain "
                      "reads, UTF-8 or GB18030): the file is not a text export",
                      name, decoded.encoding));
    }
    std::vector<std::string> duplicates;
    for (const auto& field : reader->header()) {
      header.emplace_back(trimmed(field));
      std::string key = foldedName(field);
      if (!key.empty() && std::find(folded.begin(), folded.end(), key) != folded.end() &&
          std::find(duplicates.begin(), duplicates.end(), key) == duplicates.end()) {
        duplicates.push_back(key);
      }
      folded.push_back(std::move(key));
    }
    if (!duplicates.empty()) {
      return makeError(
          fmt::format("{}: the header names column{} {} more than once: which one holds the data is "
                      "not known",
                      name, duplicates.size() > 1 ? "s" : "", fmt::join(duplicates, ", ")));
    }
    return {};
  }

  [[nodiscard]] bool firstReplacementIn(std::size_t begin, std::size_t end) const noexcept {
    const auto at = std::lower_bound(decoded.replaced.begin(), decoded.replaced.end(), begin);
    return at != decoded.replaced.end() && *at < end;
  }

  // Why a parsed row must be refused on its own, if it must.
  bool refuse(const CsvRow& row) {
    const std::size_t length = row.end - row.begin;
    const std::string_view bytes_of_row = text.substr(row.begin, length);
    if (length > limits.max_line_bytes) {
      problems.push_back(ExportProblem{
          row.line,
          {},
          excerpt(bytes_of_row),
          fmt::format("the row is {} bytes long, over the limit of {} bytes", length, limits.max_line_bytes)});
      return true;
    }
    if (firstReplacementIn(row.begin, row.end)) {
      problems.push_back(
          ExportProblem{row.line,
                        {},
                        excerpt(bytes_of_row),
                        fmt::format("holds bytes that are not valid {} (shown as �)", decoded.encoding)});
      return true;
    }
    for (std::size_t i = 0; i < row.fields.size(); ++i) {
      if (row.fields[i].size() > limits.max_field_bytes) {
        problems.push_back(ExportProblem{row.line, i < header.size() ? header[i] : std::string(),
                                         excerpt(row.fields[i]),
                                         fmt::format("the value is {} bytes long, over the limit of {} bytes",
                                                     row.fields[i].size(), limits.max_field_bytes)});
        return true;
      }
    }
    return false;
  }

  void drainReaderProblems() {
    for (auto& problem : reader->takeProblems()) {
      problems.push_back(ExportProblem{problem.line, {}, {}, std::move(problem.reason)});
    }
  }
};

ExportFile::ExportFile(std::unique_ptr<State> state) : state_(std::move(state)) {}
ExportFile::ExportFile(ExportFile&&) noexcept = default;
ExportFile& ExportFile::operator=(ExportFile&&) noexcept = default;
ExportFile::~ExportFile() = default;

Result<ExportFile> ExportFile::open(const std::filesystem::path& file, const ExportOptions& options) {
  auto state = std::make_unique<State>();
  state->name = file.filename().string();
  state->limits = options.limits;
  auto mapped = MappedFile::open(file);
  if (!mapped) return std::move(mapped).error();
  state->mapped = std::move(mapped.value());
  if (isXlsxName(state->name)) {
    // A spreadsheet export: its first sheet, as CSV in UTF-8, read like any other export.
    auto sheet = readXlsxSheet(state->mapped.bytes(), state->name);
    if (!sheet) return std::move(sheet).error();
    state->mapped.unmap();
    state->bytes = std::move(sheet->csv);
    ExportOptions utf8 = options;
    utf8.encoding = TextEncoding::utf8;
    if (auto started = state->start(state->bytes, utf8); !started) return std::move(started).error();
    return ExportFile(std::move(state));
  }
  if (auto started = state->start(state->mapped.bytes(), options); !started) return std::move(started).error();
  return ExportFile(std::move(state));
}

Result<ExportFile> ExportFile::fromBytes(std::string bytes, std::string name, const ExportOptions& options) {
  auto state = std::make_unique<State>();
  state->name = std::move(name);
  state->limits = options.limits;
  state->bytes = std::move(bytes);
  if (auto started = state->start(state->bytes, options); !started) return std::move(started).error();
  return ExportFile(std::move(state));
}

const std::string& ExportFile::name() const noexcept {
  return state_->name;
}
const char* ExportFile::encoding() const noexcept {
  return state_->decoded.encoding;
}
std::span<const std::string> ExportFile::header() const noexcept {
  return state_->header;
}

std::optional<std::size_t> ExportFile::column(std::string_view name) const noexcept {
  const std::string key = foldedName(name);
  const auto& folded = state_->folded;
  const auto at = std::find(folded.begin(), folded.end(), key);
  if (key.empty() || at == folded.end()) return std::nullopt;
  return static_cast<std::size_t>(at - folded.begin());
}

Result<void> ExportFile::requireColumns(std::span<const std::string> names, std::string_view what) const {
  std::vector<std::string_view> missing;
  for (const auto& name : names) {
    if (!column(name)) missing.emplace_back(name);
  }
  if (missing.empty()) return {};
  return makeError(fmt::format("{}: the header lacks the required column{} {} ({}); it has {}", state_->name,
                               missing.size() > 1 ? "s" : "", fmt::join(missing, ", "), what,
                               fmt::join(state_->header, ", ")));
}

bool ExportFile::next(ExportRow& row) {
  CsvRow parsed;
  while (state_->reader->next(parsed)) {
    state_->drainReaderProblems();
    if (state_->refuse(parsed)) continue;
    row.line = parsed.line;
    row.fields = parsed.fields;
    return true;
  }
  state_->drainReaderProblems();
  return false;
}

std::vector<ExportProblem> ExportFile::takeProblems() noexcept {
  return std::move(state_->problems);
}

const std::optional<CsvProblem>& ExportFile::truncation() const noexcept {
  return state_->reader->truncation();
}

ExportSurvey ExportFile::survey() {
  const std::size_t at = offset();
  const std::uint32_t at_line = line();
  auto kept = std::move(state_->problems);
  ExportSurvey found;
  ExportRow row;
  while (next(row)) ++found.rows;
  found.problems = state_->problems.size();
  found.truncation = truncation();
  state_->problems = std::move(kept);
  seek(at, at_line);
  // Every page was touched: they come back one by one as the rows are read for real.
  if (state_->decoded.input_was_utf8) state_->mapped.releaseAll();
  return found;
}

std::size_t ExportFile::rowsAheadAtMost() noexcept {
  const std::size_t rows = state_->reader->rowsAheadAtMost();
  if (state_->decoded.input_was_utf8) state_->mapped.releaseAll();
  return rows;
}
std::size_t ExportFile::offset() const noexcept {
  return state_->reader->offset();
}
std::uint32_t ExportFile::line() const noexcept {
  return state_->reader->line();
}
void ExportFile::seek(std::size_t offset, std::uint32_t line) noexcept {
  state_->reader->seek(offset, line);
}

void ExportFile::releaseRead() noexcept {
  if (state_->decoded.input_was_utf8) state_->mapped.releaseBefore(offset());
}

}  // namespace staffchain::plugin
