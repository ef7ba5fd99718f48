// PeerProcess: one real server or tool started by a test, owned and stopped by its own pid.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "staffchain/plugin/result.hpp"

namespace staffchain::testing {

struct ProcessOptions {
  std::filesystem::path log{};    // stdout and stderr go here (required)
  std::filesystem::path input{};  // stdin comes from here; /dev/null when empty
  std::filesystem::path workdir{};
  std::map<std::string, std::string> env{};  // added to the test's own environment
  // Drops to this user before exec when the test runs as root (servers such as PostgreSQL
  // refuse root); ignored otherwise, since then the test's own user is already unprivileged.
  std::string runAs{};
};

// A child in its own process group. Nothing is ever signalled by name: stop() signals the pid
// it started and then, while that pid is still held as a zombie (so it cannot be reused),
// kills whatever is left in its process group. The child also gets SIGKILL when the thread
// that started it ends (PR_SET_PDEATHSIG), so a crashed test leaves no server behind: start
// peers from the test's own thread, not from a short-lived worker thread.
class PeerProcess {
 public:
  // Forks and execs argv[0] (an absolute path); fails when the exec itself fails.
  static Result<PeerProcess> start(const std::vector<std::string>& argv, const ProcessOptions& options);

  PeerProcess(PeerProcess&& other) noexcept;
  PeerProcess& operator=(PeerProcess&& other) noexcept;
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;
  ~PeerProcess();

  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] bool running();
  [[nodiscard]] std::string output() const;
  [[nodiscard]] const std::filesystem::path& log() const { return log_; }

  // The exit code (or -signal) once it ends within `limit`, nullopt while it still runs.
  std::optional<int> wait(std::chrono::milliseconds limit);
  // Sends `sig`, waits up to `grace`, then SIGKILLs; returns how it ended.
  int stop(int sig, std::chrono::milliseconds grace);

 private:
  PeerProcess(pid_t pid, std::filesystem::path log) : pid_(pid), log_(std::move(log)) {}
  std::optional<int> poll();
  int reap();

  pid_t pid_ = -1;
  std::optional<int> exit_;
  std::filesystem::path log_;
};

struct CommandOutcome {
  int exitCode = 0;  // -signal when it was killed
  std::string output;
};

// Runs a command to completion within `limit` (killed and reported as an error past it).
Result<CommandOutcome> runCommand(const std::vector<std::string>& argv, const ProcessOptions& options,
                                  std::chrono::milliseconds limit);

}  // namespace staffchain::testing
