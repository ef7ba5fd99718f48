#include "peer_process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX leaves it undeclared

namespace staffchain::testing {
namespace {

// Everything the child needs is prepared before fork, so the child only calls
// async-signal-safe functions between fork and exec.
struct ExecPlan {
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::string input;
  std::string log;
  std::string workdir;
  pid_t parent = getpid();
  bool dropPrivileges = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

Result<ExecPlan> planExec(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty() || argv.front().empty() || argv.front().front() != '/') {
    return makeError("cannot start a peer process: argv[0] must be an absolute path, got '" +
                     (argv.empty() ? std::string() : argv.front()) + "'");
  }
  if (options.log.empty()) return makeError("cannot start " + argv.front() + ": no log file given");
  ExecPlan plan;
  plan.argv = argv;
  plan.input = options.input.empty() ? std::string("/dev/null") : options.input.string();
  plan.log = options.log.string();
  plan.workdir = options.workdir.string();
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string item(*entry);
    const auto eq = item.find('=');
    if (eq != std::string::npos) env[item.substr(0, eq)] = item.substr(eq + 1);
  }
  for (const auto& [key, value] : options.env) env[key] = value;
  if (!options.runAs.empty() && geteuid() == 0) {
    const passwd* user = getpwnam(options.runAs.c_str());
    if (user == nullptr) {
      return makeError(
          fmt::format("cannot start {} as user '{}': no such user on this machine (its package "
                      "creates it: run ./scripts/install-deps.sh --test)",
                      argv.front(), options.runAs));
    }
    plan.dropPrivileges = true;
    plan.uid = user->pw_uid;
    plan.gid = user->pw_gid;
    env["HOME"] = user->pw_dir;
    env["USER"] = options.runAs;
    env["LOGNAME"] = options.runAs;
  }
  for (const auto& [key, value] : env) plan.env.push_back(key + "=" + value);
  return plan;
}

[[noreturn]] void execChild(ExecPlan& plan, int errorPipe) {
  auto fail = [errorPipe]() {
    const int error = errno;
    (void)!write(errorPipe, &error, sizeof error);
    _exit(127);
  };
  if (setpgid(0, 0) != 0) fail();
  const int in = open(plan.input.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0 || dup2(in, STDIN_FILENO) < 0) fail();
  const int out = open(plan.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(out, STDERR_FILENO) < 0) fail();
  if (plan.dropPrivileges && fchown(out, plan.uid, plan.gid) != 0) fail();
  if (!plan.workdir.empty() && chdir(plan.workdir.c_str()) != 0) fail();
  if (plan.dropPrivileges) {
    if (setgroups(0, nullptr) != 0 || setgid(plan.gid) != 0 || setuid(plan.uid) != 0) fail();
  }
  // A test that crashes must not leave servers behind. Set after the privilege drop, which
  // clears it; the parent check closes the race with a parent that died before this line.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail();
  if (getppid() != plan.parent) _exit(127);
  std::vector<char*> args;
  for (auto& arg : plan.argv) args.push_back(arg.data());
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& item : plan.env) envp.push_back(item.data());
  envp.push_back(nullptr);
  execve(args[0], args.data(), envp.data());
  fail();
  _exit(127);
}

std::string readWhole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

Result<PeerProcess> PeerProcess::start(const std::vector<std::string>& argv, const ProcessOptions& options) {
  auto plan = planExec(argv, options);
  if (!plan) return std::move(plan).error();
  int errorPipe[2] = {-1, -1};
  if (pipe2(errorPipe, O_CLOEXEC) != 0) {
    return makeError(fmt::format("cannot start {}: pipe failed: {}", argv.front(), std::strerror(errno)));
  }
  const pid_t pid = fork();
  if (pid < 0) {
    const int error = errno;
    close(errorPipe[0]);
    close(errorPipe[1]);
    return makeError(fmt::format("cannot start {}: fork failed: {}", argv.front(), std::strerror(error)));
  }
  if (pid == 0) {
    close(errorPipe[0]);
    execChild(plan.value(), errorPipe[1]);
  }
  close(errorPipe[1]);
  int childError = 0;
  ssize_t got = -1;
  do {
    got = read(errorPipe[0], &childError, sizeof childError);
  } while (got < 0 && errno == EINTR);
  close(errorPipe[0]);
  PeerProcess process(pid, options.log);
  if (got > 0) {
    process.wait(std::chrono::seconds(5));
    return makeError(fmt::format("cannot start {}: {}{}", argv.front(), std::strerror(childError),
                                 options.runAs.empty() ? "" : " (running as user '" + options.runAs + "')"));
  }
  return process;
}

PeerProcess::PeerProcess(PeerProcess&& other) noexcept
    : pid_(other.pid_), exit_(other.exit_), log_(std::move(other.log_)) {
  other.pid_ = -1;
}

PeerProcess& PeerProcess::operator=(PeerProcess&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0 && !exit_) stop(SIGKILL, std::chrono::seconds(5));
    pid_ = other.pid_;
    exit_ = other.exit_;
    log_ = std::move(other.log_);
    other.pid_ = -1;
  }
  return *this;
}

PeerProcess::~PeerProcess() {
  if (pid_ > 0 && !exit_) stop(SIGTERM, std::chrono::seconds(5));
}

bool PeerProcess::running() {
  return pid_ > 0 && !poll().has_value();
}

std::string PeerProcess::output() const {
  return readWhole(log_);
}

std::optional<int> PeerProcess::poll() {
  if (exit_ || pid_ <= 0) return exit_;
  siginfo_t info{};
  // WNOWAIT keeps the child a zombie, so its pid (and process group id) cannot be reused
  // before reap() has cleaned up the group.
  if (waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    exit_ = -1;
    return exit_;
  }
  if (info.si_pid == 0) return std::nullopt;
  return reap();
}

int PeerProcess::reap() {
  kill(-pid_, SIGKILL);  // helpers the peer left behind in its own group
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exit_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  return *exit_;
}

std::optional<int> PeerProcess::wait(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    if (auto code = poll()) return code;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int PeerProcess::stop(int sig, std::chrono::milliseconds grace) {
  if (auto code = poll()) return *code;
  kill(pid_, sig);
  if (auto code = wait(grace)) return *code;
  kill(pid_, SIGKILL);
  if (auto code = wait(std::chrono::seconds(30))) return *code;
  return reap();
}

Result<CommandOutcome> runCommand(const std::vector<std::string>& argv, const ProcessOptions& options,
                                  std::chrono::milliseconds limit) {
  auto process = PeerProcess::start(argv, options);
  if (!process) return std::move(process).error();
  const auto code = process->wait(limit);
  if (!code) {
    process->stop(SIGKILL, std::chrono::seconds(5));
    return makeError(
        fmt::format("{} did not finish within {} ms; its output: {}", argv.front(), limit.count(), process->output()));
  }
  return CommandOutcome{*code, process->output()};
}

}  // namespace staffchain::testing
