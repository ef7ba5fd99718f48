// The daemon and its service manager (systemd): the state it reports (READY, RELOADING,
// STOPPING, STATUS) and the watchdog it keeps fed; and the private state folder it keeps its
// data in. All no-ops outside systemd.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "staffchain/daemon/scheduler.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::daemon {

// "READY=1", "STATUS=...": told to systemd when it runs the daemon.
void notifySystemd(const std::string& state);

// Pings systemd's watchdog at half its interval from the scheduler's own thread, so that a loop
// stuck in a handler stops the pings and systemd restarts the service.
class Watchdog {
 public:
  explicit Watchdog(Scheduler& scheduler) : scheduler_(scheduler) {}
  // Starts pinging when systemd asked for a watchdog (WATCHDOG_USEC); otherwise does nothing.
  void start();
  void stop();

 private:
  void ping();

  Scheduler& scheduler_;
  std::chrono::milliseconds interval_{0};
  std::unique_ptr<Timer> timer_;
};

// The state folder holds the only full copies of personal data (SECURITY.md). A folder the
// daemon creates is 0700 whatever the umask. A folder that already exists keeps its mode unless
// `tighten` (under systemd StateDirectoryMode decides, and the drop folders beneath may need
// their group to pass through).
Result<void> makePrivateFolder(const std::filesystem::path& folder, bool tighten);

}  // namespace staffchain::daemon
