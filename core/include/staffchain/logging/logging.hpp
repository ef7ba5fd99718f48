// Logging: one spdlog logger for the process, to the journal under systemd or to stderr,
// with every citizen id masked and every control character escaped before any sink sees the line.
#pragma once

#include <spdlog/logger.h>
#include <spdlog/sinks/sink.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "staffchain/plugin/host_context.hpp"

namespace staffchain::logging {

enum class LogTarget { automatic, journal, stderr_stream };

struct LogSettings {
  spdlog::level::level_enum level = spdlog::level::info;
  LogTarget target = LogTarget::automatic;
};

std::optional<spdlog::level::level_enum> parseLevel(std::string_view name) noexcept;
std::optional<LogTarget> parseTarget(std::string_view name) noexcept;

// True when stderr is connected to the journal (systemd sets JOURNAL_STREAM to its device and inode).
bool stderrIsJournal() noexcept;

// Returns `text` with what could end a log line or steer a terminal written out visibly, so that
// one message stays one line whatever a caller put in it: C0 controls and DEL (\n, \r, \t, \x1b,
// ...), C1 controls, U+2028/U+2029 and the bidirectional overrides (\u0085, \u2028, \u202e,
// ...), and bytes that are not UTF-8 (\xff). Valid UTF-8 text (Chinese included) and the
// backslash stay as they are. When nothing needs escaping the result views `text` itself;
// otherwise it views `buffer`.
std::string_view escapeControlCharacters(std::string_view text, std::string& buffer);

// Wraps `inner` so that every message is passed through model::maskCitizenIds and then
// escapeControlCharacters first: no caller can forge a line or hide an id.
spdlog::sink_ptr makeMaskingSink(spdlog::sink_ptr inner);

// Builds the process logger for `settings` and makes it spdlog's default.
std::shared_ptr<spdlog::logger> installProcessLogger(const LogSettings& settings);

// Changes the level of the process logger (on reload).
void setProcessLevel(spdlog::level::level_enum level);

// The logger handed to one plugin instance: its lines carry "[kind name]".
class PluginLogger final : public plugin::Logger {
 public:
  PluginLogger(std::shared_ptr<spdlog::logger> logger, std::string instance);
  void log(plugin::LogLevel level, std::string_view message) noexcept override;
  [[nodiscard]] bool enabled(plugin::LogLevel level) const noexcept override;

 private:
  std::shared_ptr<spdlog::logger> logger_;
  std::string instance_;
};

}  // namespace staffchain::logging
