// The daemon: wires configuration, plugins, ledger, chain engine and notifiers onto one
// Asio event loop, with a schedule per connector, signals, reload and systemd notification.
#pragma once

#include <filesystem>

namespace staffchain::daemon {

struct DaemonOptions {
  std::filesystem::path config_path;
  bool once = false;  // one full cycle (every connector once, evaluation, notification), then exit
};

// Exit codes: 0 after a clean stop (or a completed --once cycle), 1 when the configuration
// is invalid, 2 when the state directory, ledger or plugin directory cannot be used.
int runDaemon(const DaemonOptions& options);

}  // namespace staffchain::daemon
