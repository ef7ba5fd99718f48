// The csv source: a drop folder that a department's export job writes canonical CSV files into.
#include <fmt/format.h>
#include <fnmatch.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <future>
#include <map>

#include "csv_sink.hpp"
#include "drop_folder.hpp"
#include "file_book.hpp"
#include "staffchain/plugin/descriptor.hpp"
#include "staffchain/plugin/support/export_file.hpp"
#include "staffchain/plugin/support/field_mapping.hpp"

namespace {

using namespace staffchain;
using namespace staffchain::plugin;
using staffchain::csv::DropFolder;
using staffchain::csv::DropFolderRules;
using staffchain::csv::FileBook;
using staffchain::csv::ReadyFile;
namespace fs = std::filesystem;

// A kind of file a department exports: which files it is (a glob on the name) and how its
// columns map onto a canonical record type.
struct FileKind {
  RecordType type = RecordType::unit;
  std::string pattern;  // e.g. "YDXX_*.csv"
  FieldMapping mapping{RecordType::unit};
};

struct CsvSettings {
  fs::path folder;
  std::vector<FileKind> kinds;
  fs::path archive;
  fs::path rejected;
  fs::path held;  // snapshots the removal guard held, until an operator accepts one
  bool require_done_marker = false;
  std::chrono::milliseconds settle{5000};
  std::size_t batch_rows = 100'000;
  TextEncoding encoding = TextEncoding::automatic;
  std::vector<RecordType> snapshot_types{RecordType::unit,     RecordType::quota,  RecordType::leader_quota,
                                         RecordType::approval, RecordType::roster, RecordType::reduction};
};

std::optional<CsvSettings> readSettings(ConfigReader& config) {
  CsvSettings s;
  auto folder = config.filePath("folder");
  if (!folder && !config.has("folder")) config.missing("folder");
  if (folder) s.folder = *folder;
  s.archive = config.filePath("archive_folder").value_or(s.folder / "archive");
  s.rejected = config.filePath("rejected_folder").value_or(s.folder / "rejected");
  s.held = config.filePath("held_folder").value_or(s.folder / "held");
  if (auto completion = config.choice("completion", {"rename", "done_marker"})) {
    s.require_done_marker = *completion == "done_marker";
  }
  s.settle = config.duration("settle", true).value_or(s.settle);
  s.batch_rows = static_cast<std::size_t>(config.integer("batch_rows", 1, 10'000'000, 100'000));
  s.encoding = parseTextEncoding(config.choice("encoding", {"auto", "utf-8", "gb18030"}).value_or("auto"))
                   .value_or(TextEncoding::automatic);
  if (auto types = config.stringArray("snapshot_types")) {
    s.snapshot_types.clear();
    for (const auto& stem : *types) {
      if (auto type = recordTypeFromFile(stem)) {
        s.snapshot_types.push_back(*type);
      } else {
        config.fail("snapshot_types", fmt::format("\"{}\" is not a canonical file ({})", stem, kCanonicalFileList));
      }
    }
  }
  if (const toml::table* files = config.subtable("files")) {
    ConfigReader files_reader = config.child(*files, "files");
    for (const auto& [key, node] : *files) {
      const auto type = recordTypeFromFile(key.str());
      files_reader.accept(key.str());
      if (!type) {
        files_reader.fail(key.str(), fmt::format("not a canonical file ({})", kCanonicalFileList));
        continue;
      }
      const auto* table = node.as_table();
      if (table == nullptr) {
        files_reader.fail(key.str(), "expected a table with pattern and mapping");
        continue;
      }
      ConfigReader kind_reader = files_reader.child(*table, key.str());
      FileKind kind;
      kind.type = *type;
      kind.pattern = kind_reader.string("pattern", std::string(key.str()) + "*.csv");
      kind.mapping = FieldMapping(*type);
      if (const toml::table* mapping = kind_reader.subtable("mapping")) {
        ConfigReader mapping_reader = kind_reader.child(*mapping, "mapping");
        kind.mapping = FieldMapping::read(mapping_reader, *type);
        mapping_reader.finish();
      }
      kind_reader.finish();
      s.kinds.push_back(std::move(kind));
    }
    files_reader.finish();
  }
  if (!folder) return std::nullopt;
  return s;
}

// "roster.csv", "Roster-20240501.CSV", "payroll_2024-05.csv" -> roster / payroll.
std::optional<RecordType> typeOfFile(const std::string& name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::optional<RecordType> best;
  std::size_t best_length = 0;
  for (std::size_t i = 0; i < kRecordTypeCount; ++i) {
    const auto type = static_cast<RecordType>(i);
    const std::string_view stem = recordTypeFile(type);
    if (lower.size() > stem.size() && lower.compare(0, stem.size(), stem) == 0) {
      const char next = lower[stem.size()];
      if ((next == '.' || next == '-' || next == '_') && stem.size() > best_length) {
        best = type;
        best_length = stem.size();
      }
    }
  }
  return best;
}

// The SHA-256 of a file, read in pieces: a payroll export may be larger than memory should hold.
Result<std::string> sha256OfFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return makeError(fmt::format("{}: cannot open: {}", file.string(), std::strerror(errno)));
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
  std::vector<char> piece(1U << 20U);
  while (in) {
    in.read(piece.data(), static_cast<std::streamsize>(piece.size()));
    if (in.gcount() > 0) EVP_DigestUpdate(context, piece.data(), static_cast<std::size_t>(in.gcount()));
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(context, digest.data(), &length);
  EVP_MD_CTX_free(context);
  if (in.bad()) return makeError(fmt::format("{}: cannot read: {}", file.string(), std::strerror(errno)));
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

// A cursor inside a file being read in parts: "CHECKSUM@OFFSET:LINE"; a file read to its end is
// its checksum alone.
struct FilePosition {
  std::string checksum;
  std::size_t offset = 0;
  std::uint32_t line = 0;
};

std::optional<FilePosition> parsePosition(const std::string& cursor) {
  const auto at = cursor.find('@');
  const auto colon = cursor.rfind(':');
  if (at == std::string::npos || colon == std::string::npos || colon < at) return std::nullopt;
  FilePosition position{cursor.substr(0, at), 0, 0};
  const char* first = cursor.data();
  if (std::from_chars(first + at + 1, first + colon, position.offset).ec != std::errc() ||
      std::from_chars(first + colon + 1, first + cursor.size(), position.line).ec != std::errc()) {
    return std::nullopt;
  }
  return position;
}

// Where a row came from, "payroll.csv:1171145": made for every row of a file, so without fmt.
std::string rowOrigin(std::string_view file, std::uint64_t line) {
  std::array<char, 24> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), line).ptr;
  std::string origin;
  origin.reserve(file.size() + 1 + static_cast<std::size_t>(end - digits.data()));
  origin.append(file).push_back(':');
  origin.append(digits.data(), end);
  return origin;
}

std::string formatPosition(const std::string& checksum, std::size_t offset, std::uint32_t line) {
  return fmt::format("{}@{}:{}", checksum, offset, line);
}

// "roster.csv.1767225600" -> "roster.csv": the name a file had before it was set aside.
std::string originalName(const std::string& stamped) {
  const auto dot = stamped.rfind('.');
  if (dot == std::string::npos || dot + 1 == stamped.size()) return stamped;
  const auto digits = std::string_view(stamped).substr(dot + 1);
  return std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) ? stamped.substr(0, dot)
                                                                                                : stamped;
}

// The newest file in `folder` that was `name` before it was set aside there.
std::optional<fs::path> newestSetAside(const fs::path& folder, const std::string& name) {
  std::optional<fs::path> newest;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const std::string stamped = entry.path().filename().string();
    if (!entry.is_regular_file(ec) || stamped.ends_with(".reason.txt")) continue;
    if (stamped != name && originalName(stamped) != name) continue;
    if (!newest || stamped > newest->filename().string()) newest = entry.path();
  }
  return newest;
}

class CsvSource final : public SourceConnector {
 public:
  CsvSource(CsvSettings settings, HostContext& host)
      : settings_(std::move(settings)),
        host_(host),
        folder_(DropFolderRules{settings_.folder, settings_.require_done_marker, settings_.settle,
                                [this](const std::string& name) { return typeOf(name); }},
                host),
        book_(host.stateDirectory()) {}

  Result<SourceBatch> pull(const PullRequest& request) override {
    std::error_code ec;
    if (!fs::is_directory(settings_.folder, ec)) {
      return makeError(fmt::format("drop folder {} does not exist or is not a folder", settings_.folder.string()));
    }
    SourceBatch batch;
    batch.cursor = request.cursor;
    if (reading_ && request.cursor == reading_->cursor) return readPart(std::move(batch));
    dropAhead();
    reading_.reset();
    auto files = folder_.ready();
    if (!files) return std::move(files).error();
    batch.pull_again_after = folder_.checkAgainAfter();
    if (files->empty()) return batch;
    waiting_ = *files;
    return startFile(files->front(), request.cursor, std::move(batch));
  }

  Result<void> committed(const SourceBatch& batch) override {
    if (!finished_ || finished_->cursor != batch.cursor) return {};
    Finished done = std::move(*finished_);
    finished_.reset();
    const auto stamp = std::chrono::duration_cast<std::chrono::seconds>(host_.now().time_since_epoch()).count();
    if (auto moved =
            setAside(done.path, done.refusal.empty() ? settings_.archive : settings_.rejected, stamp, done.refusal);
        !moved) {
      return moved;
    }
    if (done.refusal.empty() && !done.duplicate) {
      book_.recordApplied(done.checksum, done.path.filename().string(), done.type, stamp);
      book_.forgetReingest(done.checksum);
    }
    return {};
  }

  Result<void> held(const SourceBatch& batch, const std::string& reason) override {
    // The file is the one being read, whichever part of it was held.
    dropAhead();
    std::optional<fs::path> path;
    if (reading_ && (batch.cursor == reading_->cursor || batch.snapshot_name == reading_->path.filename().string())) {
      path = reading_->path;
    } else if (finished_) {
      path = finished_->path;
    }
    reading_.reset();
    finished_.reset();
    if (!path) return {};
    const auto stamp = std::chrono::duration_cast<std::chrono::seconds>(host_.now().time_since_epoch()).count();
    return setAside(*path, settings_.held, stamp, reason);
  }

  Result<std::string> act(const std::string& action, const std::string& argument) override {
    const std::string name = fs::path(argument).filename().string();
    if (name.empty() || name != argument) {
      return makeError(fmt::format("\"{}\" is not a file name (give the name alone, as listed)", argument));
    }
    if (action == "accept") return bringBack(settings_.held, name, true);
    if (action == "reingest") return bringBack(settings_.archive, name, false);
    return makeError(fmt::format("the csv connector has no action \"{}\" (accept, reingest)", action));
  }

 private:
  // A file being read, part by part, and what it was found to be when it was opened.
  struct Reading {
    fs::path path;
    std::string checksum;
    std::string cursor;  // of the part committed last (the position the next part starts at)
    RecordType type = RecordType::unit;
    const FieldMapping* mapping = nullptr;
    std::vector<std::pair<std::string, std::size_t>> columns;  // source field -> header position
    std::optional<ExportFile> file;
    std::uintmax_t size = 0;
    fs::file_time_type modified{};
    bool snapshot = false;
    bool accepted = false;
    bool first_part = true;
    std::uint64_t rows = 0;  // the file's rows, readable or not (its survey)
    std::uint64_t read = 0;  // rows handed over so far
  };
  // A file read to its end (or refused): committed() sets it aside once the host has the batch.
  struct Finished {
    fs::path path;
    std::string checksum;
    std::string cursor;
    RecordType type = RecordType::unit;
    std::string refusal;  // empty when applied
    bool duplicate = false;
  };

  // The configured kind whose pattern the name matches (without regard to case), if any.
  const FileKind* kindOf(const std::string& name) const {
    for (const auto& kind : settings_.kinds) {
      if (fnmatch(kind.pattern.c_str(), name.c_str(), FNM_CASEFOLD) == 0) return &kind;
    }
    return nullptr;
  }

  std::optional<RecordType> typeOf(const std::string& name) const {
    const FileKind* kind = kindOf(name);
    return kind != nullptr ? std::optional<RecordType>(kind->type) : typeOfFile(name);
  }

  const FieldMapping& mappingOf(const std::string& name, RecordType type) {
    if (const FileKind* kind = kindOf(name)) return kind->mapping;
    auto [it, inserted] = identity_.try_emplace(type, type);
    return it->second;
  }

  [[nodiscard]] bool isSnapshot(RecordType type) const {
    return std::find(settings_.snapshot_types.begin(), settings_.snapshot_types.end(), type) !=
           settings_.snapshot_types.end();
  }

  Result<SourceBatch> startFile(const ReadyFile& ready, const std::string& cursor, SourceBatch batch) {
    const std::string name = ready.path.filename().string();
    batch.more = waiting_.size() > 1;
    auto checksum = sha256OfFile(ready.path);
    if (!checksum) return std::move(checksum).error();
    if (!ready.type) {
      return refuse(std::move(batch), ready, *checksum,
                    fmt::format("the file name matches no file pattern of this connector and does not start with a "
                                "canonical file name ({})",
                                kCanonicalFileList));
    }
    const RecordType type = *ready.type;
    const auto resume = parsePosition(cursor);
    const bool resuming = resume && resume->checksum == *checksum;
    if (!resuming && !book_.reingestWanted(*checksum) &&
        (cursor == *checksum || book_.alreadyApplied(*checksum, type, isSnapshot(type)))) {
      host_.logger().log(LogLevel::info,
                         fmt::format("{} was ingested before (sha256 {}): archived without reading it again", name,
                                     checksum->substr(0, 12)));
      batch.cursor = *checksum;
      finished_ = Finished{ready.path, *checksum, batch.cursor, type, {}, true};
      return batch;
    }

    Reading reading;
    reading.path = ready.path;
    reading.checksum = *checksum;
    reading.type = type;
    reading.size = ready.size;
    reading.modified = ready.modified;
    reading.snapshot = isSnapshot(type);
    reading.accepted = book_.accepted(*checksum);
    reading.mapping = &mappingOf(name, type);
    auto opened = ExportFile::open(ready.path, ExportOptions{settings_.encoding, {}});
    if (!opened) return refuse(std::move(batch), ready, *checksum, opened.error().message);
    reading.file.emplace(std::move(opened.value()));
    ExportFile& file = *reading.file;
    if (auto required = file.requireColumns(reading.mapping->requiredSourceFields(),
                                            fmt::format("a {} file needs them", recordTypeFile(type)));
        !required) {
      return refuse(std::move(batch), ready, *checksum, required.error().message);
    }
    for (const auto& field : reading.mapping->sourceFields()) {
      if (const auto column = file.column(field)) reading.columns.emplace_back(field, *column);
    }
    // The whole file is read once before any part of it is handed over: a file cut short is
    // refused before its first part could be applied, and a snapshot's size is known up front.
    const ExportSurvey survey = file.survey();
    if (survey.truncation) {
      return refuse(std::move(batch), ready, *checksum,
                    fmt::format("{}:{}: {}", name, survey.truncation->line, survey.truncation->reason));
    }
    reading.rows = survey.rows + survey.problems;
    if (resuming) {
      file.seek(resume->offset, resume->line);
      reading.first_part = false;
      host_.logger().log(LogLevel::info, fmt::format("{}: resuming at line {}", name, resume->line));
    }
    if (std::string_view(file.encoding()) != "UTF-8") {
      host_.logger().log(LogLevel::info, fmt::format("{}: read as {}", name, file.encoding()));
    }
    reading_ = std::move(reading);
    return readPart(std::move(batch));
  }

  Result<SourceBatch> readPart(SourceBatch batch) {
    Reading& reading = *reading_;
    const std::string name = reading.path.filename().string();
    // The part read ahead starts where this one must (it was started from the cursor of the part
    // handed over last, which is the one the host committed and asks for now).
    Part part;
    try {
      part = ahead_ ? takeAhead() : readRows(reading, name);
    } catch (...) {
      // Rows were taken from the file that no part handed over: the next pull opens it again at
      // the committed cursor.
      reading_.reset();
      throw;
    }
    // Checked after the rows are read, so that a change while they were read ahead is seen too.
    std::error_code ec;
    const auto size = fs::file_size(reading.path, ec);
    const auto modified = fs::last_write_time(reading.path, ec);
    if (ec || size != reading.size || modified != reading.modified) {
      const ReadyFile ready{reading.path, reading.type, reading.size, reading.modified};
      const std::string checksum = reading.checksum;
      reading_.reset();
      return refuse(
          std::move(batch), ready, checksum,
          ec ? fmt::format("{}: it went away while being read ({})", name, ec.message())
             : fmt::format("{}: it changed while being read (it must not be written once in the folder)", name));
    }
    append(batch.records, std::move(part.rows.records));
    append(batch.rejected, std::move(part.rows.rejected));
    const std::size_t taken = part.taken;
    const bool at_end = part.at_end;
    ExportFile& file = *reading.file;
    // A part that ends exactly at the last row leaves the end to the next part, which is empty.
    reading.read += taken;
    file.releaseRead();
    if (reading.snapshot) {
      batch.full_snapshot_of.push_back(reading.type);
      batch.snapshot_name = name;
      batch.accept_removals = reading.accepted;
      if (reading.first_part) {
        batch.snapshot_part = at_end ? SnapshotPart::whole : SnapshotPart::first;
        batch.snapshot_rows = reading.rows;
      } else {
        batch.snapshot_part = at_end ? SnapshotPart::last : SnapshotPart::middle;
      }
    }
    reading.first_part = false;
    if (!at_end) {
      batch.more = true;
      batch.cursor = formatPosition(reading.checksum, file.offset(), file.line());
      reading.cursor = batch.cursor;
      batch.remaining = (reading.rows > reading.read ? reading.rows - reading.read : 0) + waitingRows();
      startAhead();
      return batch;
    }
    batch.cursor = reading.checksum;
    batch.more = waiting_.size() > 1;
    if (batch.more) batch.remaining = waitingRows();
    finished_ = Finished{reading.path, reading.checksum, batch.cursor, reading.type, {}, false};
    host_.logger().log(LogLevel::debug,
                       fmt::format("{}: {} rows, {} malformed", name, reading.read, reading.rows - reading.read));
    reading_.reset();
    return batch;
  }

  // The file is refused whole: nothing of it is applied, and the reason goes to quarantine
  // (DATA-001) and beside the file in the rejected folder. Its checksum is not remembered, so
  // that a corrected file — or the same file once an export job finished it — is read.
  Result<SourceBatch> refuse(SourceBatch batch, const ReadyFile& ready, const std::string& checksum,
                             std::string reason) {
    batch.records.clear();
    batch.rejected.clear();
    batch.full_snapshot_of.clear();
    batch.snapshot_part = SnapshotPart::whole;
    const RecordType type = ready.type.value_or(RecordType::unit);
    batch.rejected.push_back(
        RejectedRecord{type, ready.path.filename().string(), "", fmt::format("file refused: {}", reason), {}});
    batch.cursor = checksum;
    batch.more = waiting_.size() > 1;
    finished_ = Finished{ready.path, checksum, batch.cursor, type, std::move(reason), false};
    host_.logger().log(LogLevel::warn, fmt::format("{}: refused whole, moved to {}: {}", ready.path.filename().string(),
                                                   settings_.rejected.string(), finished_->refusal));
    return batch;
  }

  Result<void> setAside(const fs::path& file, const fs::path& folder, std::int64_t stamp, const std::string& reason) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    const fs::path target = folder / fmt::format("{}.{}", file.filename().string(), stamp);
    fs::rename(file, target, ec);
    if (ec) return makeError(fmt::format("cannot move {} to {}: {}", file.string(), target.string(), ec.message()));
    fs::remove(fs::path(file.string() + ".done"), ec);
    if (!reason.empty()) std::ofstream(target.string() + ".reason.txt") << reason << "\n";
    return {};
  }

  // Puts a file set aside back into the drop folder under its own name, for the next pull.
  Result<std::string> bringBack(const fs::path& from, const std::string& name, bool accept) {
    const auto found = newestSetAside(from, name);
    if (!found) return makeError(fmt::format("no file {} in {}", name, from.string()));
    const std::string original = originalName(found->filename().string());
    const fs::path target = settings_.folder / original;
    std::error_code ec;
    if (fs::exists(target, ec)) return makeError(fmt::format("{} is in the drop folder already", target.string()));
    auto checksum = sha256OfFile(*found);
    if (!checksum) return std::move(checksum).error();
    if (accept) {
      book_.recordAccepted(*checksum, original);
      fs::rename(*found, target, ec);
      fs::remove(found->string() + ".reason.txt", ec);
    } else {
      book_.recordReingest(*checksum, original);
      fs::copy_file(*found, target, ec);
    }
    if (ec)
      return makeError(fmt::format("cannot put {} back as {}: {}", found->string(), target.string(), ec.message()));
    return fmt::format("{} is back in the drop folder as {}{}; it is applied with the next pull",
                       found->filename().string(), original, accept ? ", with its removals accepted" : "");
  }

  // One part's rows as the mapping made them, and where the part ended.
  struct Part {
    SourceBatch rows;
    std::size_t taken = 0;  // rows read (mapped or refused by the mapping)
    bool at_end = true;     // the file ended before the part was full
  };

  // Reads the next part's rows. It touches nothing but `reading`'s file and mapping, so that it
  // may run on the read-ahead thread while the worker answers the host.
  Part readRows(Reading& reading, const std::string& name) const {
    ExportFile& file = *reading.file;
    const auto lookupIn = [&](const ExportRow& row) {
      return [&reading, &row](std::string_view field) -> std::optional<std::string> {
        for (const auto& [source, column] : reading.columns) {
          if (source == field && column < row.fields.size()) return std::string(row.fields[column]);
        }
        return std::nullopt;
      };
    };
    Part part;
    ExportRow row;
    while (part.taken < settings_.batch_rows) {
      if (!file.next(row)) break;
      reading.mapping->applyInto(part.rows, lookupIn(row), rowOrigin(name, row.line));
      ++part.taken;
      if (part.taken == settings_.batch_rows) part.at_end = false;
    }
    for (auto& problem : file.takeProblems()) {
      part.rows.rejected.push_back(RejectedRecord{reading.type, rowOrigin(name, problem.line), std::move(problem.field),
                                                  std::move(problem.reason), std::move(problem.value)});
    }
    return part;
  }

  // While the host commits a part that is not its file's last, the next one is read: the host
  // asks for it with the cursor the committed part ended at, and gets it without waiting for the
  // parse. Nothing of it is handed over before that ask, so the promise that a pull starts from
  // the last committed cursor holds; any other ask drops it (dropAhead) and reads again from
  // where that cursor says.
  void startAhead() {
    Reading& reading = *reading_;
    ahead_ = std::async(std::launch::async,
                        [this, &reading, name = reading.path.filename().string()] { return readRows(reading, name); });
  }

  Part takeAhead() {
    auto read = std::move(*ahead_);
    ahead_.reset();
    return read.get();
  }

  // Waits for a part read ahead and forgets it: before the file being read is left, set aside
  // or read again from another position.
  void dropAhead() {
    if (!ahead_) return;
    ahead_->wait();
    ahead_.reset();
  }

  template <typename T>
  static void append(std::vector<T>& to, std::vector<T>&& from) {
    if (to.empty()) {
      to = std::move(from);
    } else {
      to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
    }
  }

  // Rows in the files still waiting behind the first, estimated from their sizes at the rows per
  // byte of the file being read: reading them to count would cost as much as ingesting them.
  std::uint64_t waitingRows() const {
    if (waiting_.size() < 2 || !reading_ || reading_->size == 0) return 0;
    std::uintmax_t bytes = 0;
    for (std::size_t i = 1; i < waiting_.size(); ++i) bytes += waiting_[i].size;
    return static_cast<std::uint64_t>(std::llround(static_cast<double>(bytes) * static_cast<double>(reading_->rows) /
                                                   static_cast<double>(reading_->size)));
  }

  CsvSettings settings_;
  HostContext& host_;
  DropFolder folder_;
  FileBook book_;
  std::map<RecordType, FieldMapping> identity_;
  std::vector<ReadyFile> waiting_;
  std::optional<Reading> reading_;
  std::optional<Finished> finished_;
  // The next part of reading_, read ahead (startAhead). Declared last: destroyed first, it waits
  // for the read before the file it reads is closed.
  std::optional<std::future<Part>> ahead_;
};

void validate(ConfigReader& config) {
  (void)readSettings(config);
}

std::unique_ptr<SourceConnector> create(ConfigReader& config, const CreateArgs& args) {
  auto settings = readSettings(config);
  if (!settings) return nullptr;
  return std::make_unique<CsvSource>(std::move(*settings), args.host);
}

}  // namespace

STAFFCHAIN_SOURCE_PLUGIN_WITH_SINK("csv", "canonical CSV files from a drop folder", &validate, &create,
                                   &staffchain::csv::validateCsvSink, &staffchain::csv::createCsvSink)
