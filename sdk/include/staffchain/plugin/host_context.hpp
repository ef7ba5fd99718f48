// HostContext: the services a plugin may use, all provided by the host (never by globals).
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

#include "staffchain/plugin/result.hpp"

namespace staffchain::plugin {

enum class LogLevel { trace, debug, info, warn, error };

// The host's logger for one plugin instance: lines carry the instance name, citizen ids in
// them are masked by the host. Plugins never touch spdlog's registry or default logger.
class Logger {
 public:
  virtual ~Logger() = default;
  virtual void log(LogLevel level, std::string_view message) noexcept = 0;
  [[nodiscard]] virtual bool enabled(LogLevel level) const noexcept = 0;
};

// Set by the host when a call should stop early (timeout, shutdown, reload). A plugin that
// loops or waits checks it between steps; the host never kills a thread.
class CancelToken {
 public:
  [[nodiscard]] bool cancelled() const noexcept { return cancelled_.load(std::memory_order_acquire); }
  void cancel() noexcept { cancelled_.store(true, std::memory_order_release); }
  void reset() noexcept { cancelled_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> cancelled_{false};
};

class HttpClient;

class HostContext {
 public:
  virtual ~HostContext() = default;
  [[nodiscard]] virtual Logger& logger() noexcept = 0;
  // Wall-clock now, from the host (tests move it).
  [[nodiscard]] virtual std::chrono::system_clock::time_point now() const noexcept = 0;
  // Resolves a secret reference: "${ENV_VAR}" or "@file:/path". The value is never logged.
  [[nodiscard]] virtual Result<std::string> resolveSecret(std::string_view reference) const noexcept = 0;
  // A directory this plugin instance may keep files in (created by the host).
  [[nodiscard]] virtual std::string stateDirectory() const noexcept = 0;
  // The host's HTTP(S) client (see http_client.hpp).
  [[nodiscard]] virtual HttpClient& http() noexcept = 0;
};

}  // namespace staffchain::plugin
