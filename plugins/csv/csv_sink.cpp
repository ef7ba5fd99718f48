#include "csv_sink.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdio.h>  // renameat2
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "staffchain/plugin/support/text_encoding.hpp"

namespace staffchain::csv {
namespace {

using namespace staffchain::plugin;
namespace fs = std::filesystem;

constexpr std::string_view kPlaceholders[] = {"notice_id", "action", "target_system"};

// Checks the template's placeholders; "" when it is usable.
std::string fileNameProblem(std::string_view name) {
  if (name.find("{notice_id}") == std::string_view::npos) {
    return "must contain {notice_id}: without it two notices would share one file and the second "
           "would be taken for a duplicate";
  }
  if (name.front() == '.') return "must not start with '.' (the importer skips such names as unfinished)";
  if (name.find('/') != std::string_view::npos) return "must be a file name, not a path";
  if (name.ends_with(".part")) return "must not end in .part (the sink's own unfinished files)";
  for (std::size_t open = name.find('{'); open != std::string_view::npos; open = name.find('{', open + 1)) {
    const auto close = name.find('}', open);
    if (close == std::string_view::npos) return "has a '{' without its '}'";
    const auto placeholder = name.substr(open + 1, close - open - 1);
    if (std::find(std::begin(kPlaceholders), std::end(kPlaceholders), placeholder) == std::end(kPlaceholders)) {
      return fmt::format("{{{}}} is not a placeholder (use {{notice_id}}, {{action}}, {{target_system}})", placeholder);
    }
  }
  return {};
}

void appendCell(std::string& out, std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

Result<std::string> toGb18030(const std::string& utf8) {
  auto converted = convertText(utf8, "GB18030", "UTF-8");
  if (converted.unsupported) return makeError("this system cannot convert to GB18030 (iconv_open failed)");
  if (converted.failed_at) {
    return makeError(fmt::format("the notice is not valid UTF-8 at byte {} and cannot be written as GB18030 ({})",
                                 *converted.failed_at, converted.reason));
  }
  return std::move(converted.text);
}

// Writes `bytes` to `path` (created or truncated) and fsyncs it.
Result<void> writeDurably(const fs::path& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return makeError(fmt::format("cannot create {}: {}", path.string(), std::strerror(errno)));
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int saved = errno;
      ::close(fd);
      return makeError(fmt::format("cannot write {}: {}", path.string(), std::strerror(saved)));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int saved = errno;
    ::close(fd);
    return makeError(fmt::format("cannot fsync {}: {}", path.string(), std::strerror(saved)));
  }
  if (::close(fd) != 0) return makeError(fmt::format("cannot close {}: {}", path.string(), std::strerror(errno)));
  return {};
}

// So that a rename survives a power cut, the folder's entry must reach the disk too.
Result<void> fsyncFolder(const fs::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return makeError(fmt::format("cannot open the folder {}: {}", folder.string(), std::strerror(errno)));
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  if (rc != 0) return makeError(fmt::format("cannot fsync the folder {}: {}", folder.string(), std::strerror(saved)));
  return {};
}

enum class Placed { placed, existed };

// Renames `from` to `to` unless `to` exists. Filesystems without RENAME_NOREPLACE get link()
// and unlink(), which refuse to replace too.
Result<Placed> renameNoReplace(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return Placed::placed;
  if (errno == EEXIST) return Placed::existed;
  if (errno != EINVAL && errno != ENOSYS) {
    return makeError(
        fmt::format("cannot rename {} to {}: {}", from.string(), to.filename().string(), std::strerror(errno)));
  }
  if (::link(from.c_str(), to.c_str()) != 0) {
    if (errno == EEXIST) return Placed::existed;
    return makeError(
        fmt::format("cannot link {} to {}: {}", from.string(), to.filename().string(), std::strerror(errno)));
  }
  ::unlink(from.c_str());
  return Placed::placed;
}

}  // namespace

std::optional<CsvSinkSettings> readCsvSinkSettings(ConfigReader& config) {
  CsvSinkSettings s;
  bool fatal = false;
  auto folder = config.filePath("folder");
  if (!folder) {
    if (!config.has("folder")) config.missing("folder");
    fatal = true;
  } else {
    s.folder = *folder;
  }
  if (auto name = config.string("file_name")) {
    if (auto problem = name->empty() ? std::string("must not be empty") : fileNameProblem(*name); !problem.empty()) {
      config.fail("file_name", problem);
      fatal = true;
    } else {
      s.file_name = *name;
    }
  }
  if (config.has("encoding")) {
    if (auto encoding = config.choice("encoding", {"utf-8", "gb18030"}))
      s.encoding = *encoding;
    else
      fatal = true;
  }
  if (config.has("line_end")) {
    if (auto line_end = config.choice("line_end", {"crlf", "lf"}))
      s.line_end = *line_end == "lf" ? "\n" : "\r\n";
    else
      fatal = true;
  }
  s.header = config.boolean("header", true);
  const std::size_t errors_before = config.errors().size();
  s.mapping = NoticeMapping::readFrom(config);
  if (config.errors().size() != errors_before) fatal = true;
  if (fatal) return std::nullopt;
  return s;
}

CsvSink::CsvSink(CsvSinkSettings settings, HostContext& host) : settings_(std::move(settings)), host_(host) {}

Result<std::string> CsvSink::fileName(const Notice& notice) const {
  if (auto problem = noticeIdProblem(notice.id)) return makeError(*problem);
  std::string out;
  const std::string& pattern = settings_.file_name;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '{') {
      out += pattern[i];
      continue;
    }
    const auto close = pattern.find('}', i);
    const std::string column = pattern.substr(i + 1, close - i - 1);
    const std::string* value = column == "notice_id" ? &notice.id : notice.field(column);
    if (value == nullptr || value->empty()) {
      return makeError(
          fmt::format("the file name {} needs {}, which notice {} does not have", pattern, column, notice.id));
    }
    if (auto problem = noticeIdProblem(*value)) {
      return makeError(fmt::format("{} of notice {} cannot be part of a file name: {}", column, notice.id, *problem));
    }
    out += *value;
    i = close;
  }
  return out;
}

Result<std::string> CsvSink::content(const Notice& notice) const {
  const auto rendered = settings_.mapping.render(notice);
  std::string text;
  if (settings_.header) {
    for (std::size_t i = 0; i < rendered.size(); ++i) {
      if (i != 0) text += ',';
      appendCell(text, rendered[i].first);
    }
    text += settings_.line_end;
  }
  for (std::size_t i = 0; i < rendered.size(); ++i) {
    if (i != 0) text += ',';
    appendCell(text, rendered[i].second);
  }
  text += settings_.line_end;
  if (settings_.encoding == "gb18030") return toGb18030(text);
  return text;
}

fs::path CsvSink::markerOf(const std::string& name) const {
  const std::string state = host_.stateDirectory();
  if (state.empty()) return {};
  return fs::path(state) / "delivered" / name;
}

Result<SinkReceipt> CsvSink::deliver(const Notice& notice, const CancelToken& cancel) {
  const std::string where = settings_.folder.string();
  try {
    auto name = fileName(notice);
    if (!name) return makeError(fmt::format("csv sink {}: cannot name the file: {}", where, name.error().message));
    std::error_code ec;
    if (!fs::is_directory(settings_.folder, ec)) {
      return makeError(fmt::format("csv sink {}: the outbound folder does not exist or is not a folder", where));
    }
    const fs::path target = settings_.folder / *name;
    if (fs::exists(target, ec)) {
      return SinkReceipt{fmt::format("{} is already in {}", *name, where), true};
    }
    const fs::path marker = markerOf(*name);
    if (!marker.empty() && fs::exists(marker, ec)) {
      return SinkReceipt{fmt::format("{} was written to {} before (the importer has taken it)", *name, where), true};
    }
    auto bytes = content(notice);
    if (!bytes) return makeError(fmt::format("csv sink {}: notice {}: {}", where, notice.id, bytes.error().message));
    if (cancel.cancelled()) return makeError(fmt::format("csv sink {}: cancelled before writing {}", where, *name));

    // A leading '.' and no .csv ending: the source side of this plugin, and importers following
    // the same convention, never read a file under this name.
    const fs::path temp = settings_.folder / ("." + *name + ".part");
    if (auto written = writeDurably(temp, *bytes); !written) {
      fs::remove(temp, ec);
      return makeError(fmt::format("csv sink {}: {}", where, written.error().message));
    }
    auto placed = renameNoReplace(temp, target);
    if (!placed) {
      fs::remove(temp, ec);
      return makeError(fmt::format("csv sink {}: {}", where, placed.error().message));
    }
    if (*placed == Placed::existed) {
      fs::remove(temp, ec);
      return SinkReceipt{fmt::format("{} appeared in {} meanwhile", *name, where), true};
    }
    if (auto synced = fsyncFolder(settings_.folder); !synced) {
      return makeError(fmt::format("csv sink {}: {} is in place but may not survive a power cut: {}", where, *name,
                                   synced.error().message));
    }
    if (!marker.empty()) {
      // Remembers the delivery after the importer takes the file away; best effort, since the
      // file itself is the delivery.
      fs::create_directories(marker.parent_path(), ec);
      if (auto kept = writeDurably(marker, notice.id + "\n"); !kept) {
        host_.logger().log(LogLevel::warn,
                           fmt::format("csv sink {}: {} was delivered, but {}", where, *name, kept.error().message));
      }
    }
    return SinkReceipt{fmt::format("wrote {} ({} bytes) into {}", *name, bytes->size(), where), false};
  } catch (const std::exception& e) {
    return makeError(fmt::format("csv sink {}: notice {}: unexpected failure: {}", where, notice.id, e.what()));
  }
}

std::string CsvSink::describe(const Notice& notice) const {
  auto name = fileName(notice);
  return fmt::format("csv sink would write {} into {} ({}): {}",
                     name ? *name : "(no file name: " + name.error().message + ")", settings_.folder.string(),
                     settings_.encoding, joinRendered(settings_.mapping.render(notice, true)));
}

void validateCsvSink(ConfigReader& config) noexcept {
  try {
    (void)readCsvSinkSettings(config);
  } catch (const std::exception& e) {
    config.fail("folder", fmt::format("the csv sink's settings could not be read: {}", e.what()));
  }
}

std::unique_ptr<SinkConnector> createCsvSink(ConfigReader& config, const CreateArgs& args) noexcept {
  try {
    auto settings = readCsvSinkSettings(config);
    if (!settings) return nullptr;
    return std::make_unique<CsvSink>(std::move(*settings), args.host);
  } catch (const std::exception& e) {
    config.fail("folder", fmt::format("the csv sink could not be created: {}", e.what()));
    return nullptr;
  }
}

}  // namespace staffchain::csv
