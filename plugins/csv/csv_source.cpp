// The csv source: a drop folder that a department's export job writes canonical CSV files into.
#include <fnmatch.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "csv_sink.hpp"
#include "text_encoding.hpp"
#include "staffchain/plugin/csv_reader.hpp"
#include "staffchain/plugin/descriptor.hpp"
#include "staffchain/plugin/field_mapping.hpp"

namespace {

using namespace staffchain;
using namespace staffchain::plugin;
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
  bool require_done_marker = false;
  std::string encoding = "auto";
  std::vector<RecordType> snapshot_types{RecordType::unit, RecordType::quota, RecordType::leader_quota,
                                         RecordType::approval, RecordType::roster};
};

std::optional<CsvSettings> readSettings(ConfigReader& config) {
  CsvSettings s;
  auto folder = config.filePath("folder");
  if (!folder && !config.has("folder")) config.missing("folder");
  if (folder) s.folder = *folder;
  s.archive = config.filePath("archive_folder").value_or(s.folder / "archive");
  s.rejected = config.filePath("rejected_folder").value_or(s.folder / "rejected");
  if (auto completion = config.choice("completion", {"rename", "done_marker"})) {
    s.require_done_marker = *completion == "done_marker";
  }
  s.encoding = config.choice("encoding", {"auto", "utf-8", "gb18030"}).value_or("auto");
  if (auto types = config.stringArray("snapshot_types")) {
    s.snapshot_types.clear();
    for (const auto& stem : *types) {
      if (auto type = recordTypeFromFile(stem)) {
        s.snapshot_types.push_back(*type);
      } else {
        config.fail("snapshot_types", fmt::format("\"{}\" is not a canonical file (units, quotas, leader_quotas, "
                                                  "approvals, roster, movements, payroll, deaths)", stem));
      }
    }
  }
  if (const toml::table* files = config.subtable("files")) {
    ConfigReader files_reader = config.child(*files, "files");
    for (const auto& [key, node] : *files) {
      const auto type = recordTypeFromFile(key.str());
      files_reader.accept(key.str());
      if (!type) {
        files_reader.fail(key.str(), "not a canonical file (units, quotas, leader_quotas, approvals, roster, "
                                     "movements, payroll, deaths)");
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

// "roster.csv", "roster-20240501.csv", "payroll_2024-05.csv" -> roster / payroll.
std::optional<RecordType> typeOfFile(const std::string& name) {
  std::optional<RecordType> best;
  std::size_t best_length = 0;
  for (std::size_t i = 0; i < kRecordTypeCount; ++i) {
    const auto type = static_cast<RecordType>(i);
    const std::string_view stem = recordTypeFile(type);
    if (name.size() > stem.size() && name.compare(0, stem.size(), stem) == 0) {
      const char next = name[stem.size()];
      if ((next == '.' || next == '-' || next == '_') && stem.size() > best_length) {
        best = type;
        best_length = stem.size();
      }
    }
  }
  return best;
}

bool validUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    if (lead < 0x80) {
      extra = 0;
    } else if ((lead >> 5) == 0x6) {
      extra = 1;
    } else if ((lead >> 4) == 0xE) {
      extra = 2;
    } else if ((lead >> 3) == 0x1E) {
      extra = 3;
    } else {
      return false;
    }
    for (std::size_t k = 1; k <= extra; ++k) {
      if (i + k >= text.size() || (static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return false;
    }
    i += extra + 1;
  }
  return true;
}

Result<std::string> fromGb18030(const std::string& input) {
  auto converted = staffchain::csv::convertText(input, "UTF-8", "GB18030");
  if (converted.unsupported) return makeError("this system cannot convert GB18030 (iconv_open failed)");
  if (converted.failed_at) {
    return makeError(fmt::format("not valid UTF-8, and not valid GB18030 either at byte {} ({})",
                                 *converted.failed_at, converted.reason));
  }
  return std::move(converted.text);
}

std::string sha256(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

class CsvSource final : public SourceConnector {
 public:
  CsvSource(CsvSettings settings, HostContext& host) : settings_(std::move(settings)), host_(host) {}

  Result<SourceBatch> pull(const PullRequest& request) override {
    std::error_code ec;
    if (!fs::is_directory(settings_.folder, ec)) {
      return makeError(fmt::format("drop folder {} does not exist or is not a folder", settings_.folder.string()));
    }
    auto files = readyFiles();
    if (!files) return std::move(files).error();
    SourceBatch batch;
    batch.cursor = request.cursor;
    if (files->empty()) return batch;
    const fs::path file = files->front();
    batch.more = files->size() > 1;
    pending_ = file;

    std::ifstream in(file, std::ios::binary);
    if (!in) return makeError(fmt::format("{}: cannot open: {}", file.string(), std::strerror(errno)));
    std::ostringstream bytes;
    bytes << in.rdbuf();
    std::string content = bytes.str();
    const std::string checksum = sha256(content);
    const std::size_t file_bytes = content.size();
    pending_checksum_ = checksum;
    if (request.cursor == checksum || seenBefore(checksum)) {
      host_.logger().log(LogLevel::info, fmt::format("{} was ingested before (sha256 {}); archiving it again",
                                                     file.filename().string(), checksum.substr(0, 12)));
      return batch;  // nothing new: committed() archives it
    }
    batch.cursor = checksum;
    const std::string name = file.filename().string();
    const FileKind* kind = kindOf(name);
    const auto type = kind != nullptr ? std::optional<RecordType>(kind->type) : typeOfFile(name);
    if (!type) {
      return reject(batch, RecordType::unit, name, "the file name does not start with a canonical file name "
                                                   "(units, quotas, leader_quotas, approvals, roster, movements, payroll, deaths)");
    }
    const bool utf8 = validUtf8(content);
    if (settings_.encoding == "gb18030" || (!utf8 && settings_.encoding == "auto")) {
      auto converted = fromGb18030(content);
      if (!converted) return reject(batch, *type, name, converted.error().message);
      content = std::move(converted.value());
    } else if (!utf8) {
      return reject(batch, *type, name, "not valid UTF-8 (set encoding = \"gb18030\" or \"auto\")");
    }
    auto reader = CsvReader::fromBuffer(content, name);
    if (!reader) return reject(batch, *type, name, reader.error().message);
    const auto header = reader->header();
    const FieldMapping identity(*type);
    const FieldMapping& mapping = kind != nullptr ? kind->mapping : identity;
    CsvRow row;
    while (reader->next(row)) {
      const auto lookup = [&](std::string_view source) -> std::optional<std::string> {
        for (std::size_t i = 0; i < header.size() && i < row.fields.size(); ++i) {
          if (header[i] == source) return std::string(row.fields[i]);
        }
        return std::nullopt;
      };
      mapping.applyInto(batch, lookup, fmt::format("{}:{}", name, row.line));
    }
    for (const auto& problem : reader->takeProblems()) {
      batch.rejected.push_back(RejectedRecord{*type, fmt::format("{}:{}", name, problem.line), "", problem.reason});
    }
    if (std::find(settings_.snapshot_types.begin(), settings_.snapshot_types.end(), *type) !=
        settings_.snapshot_types.end()) {
      batch.full_snapshot_of.push_back(*type);
    }
    if (batch.more) batch.remaining = waitingRows(*files, batch.records.size() + batch.rejected.size(), file_bytes);
    host_.logger().log(LogLevel::debug, fmt::format("{}: {} rows, {} malformed", name, batch.records.size(),
                                                    batch.rejected.size()));
    return batch;
  }

  Result<void> committed(const SourceBatch& batch) override {
    (void)batch;
    if (pending_.empty()) return {};
    const fs::path target_dir = rejected_reason_.empty() ? settings_.archive : settings_.rejected;
    std::error_code ec;
    fs::create_directories(target_dir, ec);
    const auto stamp = std::chrono::duration_cast<std::chrono::seconds>(host_.now().time_since_epoch()).count();
    const fs::path target = target_dir / fmt::format("{}.{}", pending_.filename().string(), stamp);
    fs::rename(pending_, target, ec);
    if (ec) return makeError(fmt::format("cannot move {} to {}: {}", pending_.string(), target.string(), ec.message()));
    fs::remove(fs::path(pending_.string() + ".done"), ec);
    if (!rejected_reason_.empty()) {
      std::ofstream(target.string() + ".reason.txt") << rejected_reason_ << "\n";
    }
    std::ofstream(fs::path(host_.stateDirectory()) / "ingested.tsv", std::ios::app)
        << pending_checksum_ << '\t' << pending_.filename().string() << '\t' << stamp << '\n';
    pending_.clear();
    rejected_reason_.clear();
    return {};
  }

 private:
  Result<std::vector<fs::path>> readyFiles() const {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(settings_.folder, ec)) {
      if (!entry.is_regular_file()) continue;
      const std::string name = entry.path().filename().string();
      // Export jobs write under a temporary name and rename into place; never read those.
      if (name.empty() || name[0] == '.' || entry.path().extension() != ".csv") continue;
      if (settings_.require_done_marker && !fs::exists(entry.path().string() + ".done")) continue;
      files.push_back(entry.path());
    }
    if (ec) return makeError(fmt::format("cannot list {}: {}", settings_.folder.string(), ec.message()));
    // Oldest first, then by name, so that a day's exports apply in the order they came.
    std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
      std::error_code e;
      const auto ta = fs::last_write_time(a, e);
      const auto tb = fs::last_write_time(b, e);
      return ta != tb ? ta < tb : a < b;
    });
    return files;
  }

  // Rows in the files still waiting behind the first, estimated from their sizes at the rows per
  // byte of the file just read: reading them to count would cost as much as ingesting them.
  static std::optional<std::uint64_t> waitingRows(const std::vector<fs::path>& files, std::size_t rows,
                                                  std::size_t bytes) {
    if (rows == 0 || bytes == 0) return std::nullopt;
    std::uintmax_t waiting = 0;
    for (std::size_t i = 1; i < files.size(); ++i) {
      std::error_code ec;
      const auto size = fs::file_size(files[i], ec);
      if (!ec) waiting += size;
    }
    return static_cast<std::uint64_t>(
        std::llround(static_cast<double>(waiting) * static_cast<double>(rows) / static_cast<double>(bytes)));
  }

  const FileKind* kindOf(const std::string& name) const {
    for (const auto& kind : settings_.kinds) {
      if (fnmatch(kind.pattern.c_str(), name.c_str(), 0) == 0) return &kind;
    }
    return nullptr;
  }

  bool seenBefore(const std::string& checksum) const {
    std::ifstream in(fs::path(host_.stateDirectory()) / "ingested.tsv");
    std::string line;
    while (std::getline(in, line)) {
      if (line.compare(0, checksum.size(), checksum) == 0) return true;
    }
    return false;
  }

  Result<SourceBatch> reject(SourceBatch& batch, RecordType type, const std::string& name, std::string reason) {
    rejected_reason_ = reason;
    batch.rejected.push_back(RejectedRecord{type, name, "", std::move(reason)});
    return std::move(batch);
  }

  CsvSettings settings_;
  HostContext& host_;
  fs::path pending_;
  std::string pending_checksum_;
  std::string rejected_reason_;
};

void validate(ConfigReader& config) { (void)readSettings(config); }

std::unique_ptr<SourceConnector> create(ConfigReader& config, const CreateArgs& args) {
  auto settings = readSettings(config);
  if (!settings) return nullptr;
  return std::make_unique<CsvSource>(std::move(*settings), args.host);
}

}  // namespace

STAFFCHAIN_SOURCE_PLUGIN_WITH_SINK("csv", "canonical CSV files from a drop folder", &validate, &create,
                                   &staffchain::csv::validateCsvSink, &staffchain::csv::createCsvSink)
