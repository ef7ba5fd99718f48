// Child processes for integration tests: the real staffchaind and staffchainctl binaries,
// started with fork/exec, output captured to files, stopped by their own pid.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace staffchain::testing {

inline std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::filesystem::path binary(const std::string& name) {
  return std::filesystem::path(STAFFCHAIN_BIN_DIR) / name;
}

class ChildProcess {
 public:
  // Starts `argv` with stdout and stderr going to `log` and the extra environment `env`.
  ChildProcess(std::vector<std::string> argv, std::filesystem::path log,
               const std::map<std::string, std::string>& env = {})
      : log_(std::move(log)) {
    pid_ = fork();
    if (pid_ == 0) {
      FILE* out = std::fopen(log_.c_str(), "w");
      if (out != nullptr) {
        dup2(fileno(out), STDOUT_FILENO);
        dup2(fileno(out), STDERR_FILENO);
      }
      for (const auto& [key, value] : env) setenv(key.c_str(), value.c_str(), 1);
      std::vector<char*> args;
      for (auto& arg : argv) args.push_back(arg.data());
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
  }
  ~ChildProcess() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }
  void signal(int sig) const { kill(pid_, sig); }

  // The exit code, or -signal when it was killed; nullopt if still running after `limit`.
  std::optional<int> wait(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      const pid_t done = waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
  }

  [[nodiscard]] std::string output() const { return readFile(log_); }

  // Waits until the output contains `text` (or the process ends, or `limit` passes).
  bool waitForOutput(const std::string& text, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (output().find(text) != std::string::npos) return true;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return output().find(text) != std::string::npos;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
  bool exited_ = false;
};

// Runs to completion and returns {exit code, output}.
inline std::pair<int, std::string> runToEnd(std::vector<std::string> argv, const std::filesystem::path& log,
                                            const std::map<std::string, std::string>& env = {}) {
  ChildProcess child(std::move(argv), log, env);
  const auto code = child.wait(std::chrono::minutes(5));
  return {code.value_or(-999), child.output()};
}

}  // namespace staffchain::testing
