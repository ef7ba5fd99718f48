#include "drop_folder.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <set>

#include "staffchain/plugin/support/xlsx_sheet.hpp"

namespace staffchain::csv {
namespace fs = std::filesystem;
namespace {

bool endsWithIgnoringCase(const std::string& name, std::string_view suffix) {
  if (name.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), name.end() - static_cast<std::ptrdiff_t>(suffix.size()),
                    [](char wanted, char given) { return wanted == std::tolower(static_cast<unsigned char>(given)); });
}

// Without a lease (another owner's file, a filesystem without leases): the processes this one
// may look at, through /proc, for a descriptor on the file opened for writing.
bool writerInProc(const fs::path& file) {
  struct stat target {};
  if (::stat(file.c_str(), &target) != 0) return false;
  std::error_code ec;
  for (const auto& process : fs::directory_iterator("/proc", ec)) {
    const std::string pid = process.path().filename().string();
    if (pid.empty() || !std::all_of(pid.begin(), pid.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    std::error_code fd_ec;
    for (const auto& fd : fs::directory_iterator(process.path() / "fd", fd_ec)) {
      struct stat opened {};
      if (::stat(fd.path().c_str(), &opened) != 0 || opened.st_dev != target.st_dev || opened.st_ino != target.st_ino) {
        continue;
      }
      std::ifstream info(process.path() / "fdinfo" / fd.path().filename());
      std::string key;
      while (info >> key) {
        if (key != "flags:") continue;
        std::string octal;
        info >> octal;
        const long flags = std::strtol(octal.c_str(), nullptr, 8);
        if ((flags & O_ACCMODE) == O_WRONLY || (flags & O_ACCMODE) == O_RDWR) return true;
        break;
      }
    }
  }
  return false;
}

}  // namespace

bool openForWriting(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
  if (fd < 0) return false;
  // A read lease is refused (EAGAIN) exactly while any process has the file open for writing.
  if (::fcntl(fd, F_SETLEASE, F_RDLCK) == 0) {
    ::fcntl(fd, F_SETLEASE, F_UNLCK);
    ::close(fd);
    return false;
  }
  const int error = errno;
  ::close(fd);
  if (error == EAGAIN) return true;
  return writerInProc(file);
}

void DropFolder::noteOnce(const std::string& name, plugin::LogLevel level, const std::string& reason) {
  auto [it, inserted] = noted_.try_emplace(name, reason);
  if (!inserted && it->second == reason) return;
  it->second = reason;
  host_.logger().log(level, fmt::format("drop folder {}: {}: {}", rules_.folder.string(), name, reason));
}

Result<std::vector<ReadyFile>> DropFolder::ready() {
  std::vector<ReadyFile> files;
  std::set<std::string> present;
  check_again_.reset();
  const auto waitAtMost = [this](std::chrono::milliseconds wait) {
    check_again_ = check_again_ ? std::min(*check_again_, wait) : wait;
  };
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  for (const auto& entry : fs::directory_iterator(rules_.folder, ec)) {
    const std::string name = entry.path().filename().string();
    // Export jobs write under a temporary name and rename into place; never read those.
    if (name.empty() || name[0] == '.') continue;
    std::error_code status_ec;
    if (entry.is_directory(status_ec)) continue;  // archive/, rejected/, held/
    // A done marker belongs to its file.
    if (endsWithIgnoringCase(name, ".done")) continue;
    present.insert(name);
    if (entry.is_symlink(status_ec)) {
      noteOnce(name, plugin::LogLevel::warn,
               "refused: a symbolic link (a drop folder takes regular files only, never a link to elsewhere)");
      continue;
    }
    if (!entry.is_regular_file(status_ec)) {
      noteOnce(name, plugin::LogLevel::warn, "refused: not a regular file");
      continue;
    }
    // A spreadsheet export (.xlsx) is read as the CSV its first sheet holds (ExportFile).
    if (!endsWithIgnoringCase(name, ".csv") && !plugin::isXlsxName(name)) {
      noteOnce(name, plugin::LogLevel::info, "left alone: only .csv and .xlsx files are read");
      continue;
    }
    const auto type = rules_.kind_of(name);
    if (rules_.require_done_marker) {
      const bool marked = fs::exists(entry.path().string() + ".done", status_ec) ||
                          fs::exists(entry.path().string() + ".DONE", status_ec);
      if (!marked) {
        noteOnce(name, plugin::LogLevel::debug, "waiting for its done marker");
        continue;
      }
    }
    ReadyFile file{entry.path(), type, entry.file_size(status_ec), entry.last_write_time(status_ec)};
    if (status_ec) continue;  // gone meanwhile
    if (!rules_.require_done_marker) {
      // Without a marker, a file is taken once it has settled: not written for a while, and no
      // writer holding it open (a slow export writing in place).
      if (const auto age = now - file.modified; rules_.settle.count() > 0 && age < rules_.settle) {
        noteOnce(name, plugin::LogLevel::debug, "waiting for it to settle");
        waitAtMost(std::chrono::ceil<std::chrono::milliseconds>(rules_.settle - age) + std::chrono::milliseconds(50));
        continue;
      }
      if (openForWriting(file.path)) {
        noteOnce(name, plugin::LogLevel::info, "waiting: a process still has it open for writing");
        waitAtMost(std::max(rules_.settle, std::chrono::milliseconds(1000)));
        continue;
      }
    }
    files.push_back(std::move(file));
  }
  if (ec) return makeError(fmt::format("cannot list {}: {}", rules_.folder.string(), ec.message()));
  std::erase_if(noted_, [&](const auto& entry) { return present.count(entry.first) == 0; });
  std::sort(files.begin(), files.end(), [](const ReadyFile& a, const ReadyFile& b) {
    return a.modified != b.modified ? a.modified < b.modified : a.path < b.path;
  });
  return files;
}

}  // namespace staffchain::csv
