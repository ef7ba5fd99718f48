// DropFolder: which files of a department's drop folder are ready to be read — regular files
// (never a link out of the folder), of a known kind (names matched without regard to case),
// settled (not written for `settle`, not open for writing, or marked done) — and a word in the
// log, once, for every file it passes over and why.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "staffchain/plugin/host_context.hpp"
#include "staffchain/plugin/records.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::csv {

struct DropFolderRules {
  std::filesystem::path folder;
  bool require_done_marker = false;
  std::chrono::milliseconds settle{5000};
  // The record type of a file name, or nullopt when it is of no known kind.
  std::function<std::optional<plugin::RecordType>(const std::string& name)> kind_of;
};

struct ReadyFile {
  std::filesystem::path path;
  // nullopt: a .csv file of no known kind, which the source refuses with its reason (DATA-001).
  std::optional<plugin::RecordType> type;
  std::uintmax_t size = 0;
  std::filesystem::file_time_type modified{};
};

class DropFolder {
 public:
  DropFolder(DropFolderRules rules, plugin::HostContext& host) : rules_(std::move(rules)), host_(host) {}

  // The ready files, oldest first (then by name), so that a day's exports apply in the order
  // they came. An error only when the folder itself cannot be listed.
  Result<std::vector<ReadyFile>> ready();
  // After ready(): how soon a file passed over for now (settling, still being written) may be
  // ready; nullopt when none waits.
  [[nodiscard]] std::optional<std::chrono::milliseconds> checkAgainAfter() const noexcept { return check_again_; }

 private:
  // Logs `reason` for `name` at `level` unless it was said for it already.
  void noteOnce(const std::string& name, plugin::LogLevel level, const std::string& reason);

  DropFolderRules rules_;
  plugin::HostContext& host_;
  std::map<std::string, std::string> noted_;  // file name -> the last reason logged for it
  std::optional<std::chrono::milliseconds> check_again_;
};

// Whether some process has `file` open for writing (a writer that has not closed it yet).
bool openForWriting(const std::filesystem::path& file);

}  // namespace staffchain::csv
