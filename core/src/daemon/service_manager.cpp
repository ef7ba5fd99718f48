#include "service_manager.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include <cerrno>
#include <cstring>

namespace staffchain::daemon {

void notifySystemd(const std::string& state) {
  sd_notify(0, state.c_str());
}

void Watchdog::start() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
  interval_ = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::microseconds(usec / 2));
  timer_ = scheduler_.timer();
  ping();
}

void Watchdog::stop() {
  if (timer_) timer_->cancel();
}

void Watchdog::ping() {
  notifySystemd("WATCHDOG=1");
  timer_->after(interval_, [this] { ping(); });
}

// mkdir's mode can only lose bits to the umask, and the chmod after it puts back any the umask
// took from the owner.
Result<void> makePrivateFolder(const std::filesystem::path& folder, bool tighten) {
  std::error_code ec;
  const bool existed = std::filesystem::is_directory(folder, ec);
  if (!existed) {
    if (folder.has_parent_path()) std::filesystem::create_directories(folder.parent_path(), ec);
    if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
      return makeError(fmt::format("cannot create the state folder {}: {}", folder.string(), std::strerror(errno)));
    }
  }
  if (!existed || tighten) {
    std::filesystem::permissions(folder, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace, ec);
    if (ec) return makeError(fmt::format("cannot make {} private (0700): {}", folder.string(), ec.message()));
  }
  return {};
}

}  // namespace staffchain::daemon
