#include "staffchain/logging/logging.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/systemd_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "staffchain/model/identifiers.hpp"

namespace staffchain::logging {
namespace {

class MaskingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit MaskingSink(spdlog::sink_ptr inner) : inner_(std::move(inner)) {}

 protected:
  // Every line passes here and few hold an id or a control character: one that holds neither
  // goes on as it came; otherwise the buffers, which base_sink's mutex lets it reuse, carry the
  // masked and then escaped text. Masking comes first because it reads control characters as
  // the separators they are; after escaping, "\x01" before an id would hide it in a longer run.
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    const std::string_view masked = model::maskCitizenIds(payload, masked_);
    const std::string_view escaped = escapeControlCharacters(masked, escaped_);
    if (escaped.data() == payload.data()) {
      inner_->log(msg);
      return;
    }
    spdlog::details::log_msg copy(msg);
    copy.payload = spdlog::string_view_t(escaped.data(), escaped.size());
    inner_->log(copy);
  }
  void flush_() override { inner_->flush(); }
  void set_pattern_(const std::string& pattern) override { inner_->set_pattern(pattern); }
  void set_formatter_(std::unique_ptr<spdlog::formatter> formatter) override {
    inner_->set_formatter(std::move(formatter));
  }

 private:
  spdlog::sink_ptr inner_;
  std::string masked_;
  std::string escaped_;
};

spdlog::level::level_enum toSpdlog(plugin::LogLevel level) noexcept {
  switch (level) {
    case plugin::LogLevel::trace:
      return spdlog::level::trace;
    case plugin::LogLevel::debug:
      return spdlog::level::debug;
    case plugin::LogLevel::info:
      return spdlog::level::info;
    case plugin::LogLevel::warn:
      return spdlog::level::warn;
    case plugin::LogLevel::error:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

std::optional<spdlog::level::level_enum> parseLevel(std::string_view name) noexcept {
  if (name == "trace") return spdlog::level::trace;
  if (name == "debug") return spdlog::level::debug;
  if (name == "info") return spdlog::level::info;
  if (name == "warn" || name == "warning") return spdlog::level::warn;
  if (name == "error") return spdlog::level::err;
  if (name == "critical") return spdlog::level::critical;
  if (name == "off") return spdlog::level::off;
  return std::nullopt;
}

std::optional<LogTarget> parseTarget(std::string_view name) noexcept {
  if (name == "auto") return LogTarget::automatic;
  if (name == "journal") return LogTarget::journal;
  if (name == "stderr") return LogTarget::stderr_stream;
  return std::nullopt;
}

bool stderrIsJournal() noexcept {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  struct stat st {};
  if (fstat(fileno(stderr), &st) != 0) return false;
  unsigned long long device = 0;
  unsigned long long inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  return device == st.st_dev && inode == st.st_ino;
}

spdlog::sink_ptr makeMaskingSink(spdlog::sink_ptr inner) {
  return std::make_shared<MaskingSink>(std::move(inner));
}

std::shared_ptr<spdlog::logger> installProcessLogger(const LogSettings& settings) {
  const bool journal =
      settings.target == LogTarget::journal || (settings.target == LogTarget::automatic && stderrIsJournal());
  spdlog::sink_ptr inner;
  if (journal) {
    // The journal stamps time and priority itself; the message carries the rest.
    inner = std::make_shared<spdlog::sinks::systemd_sink_mt>("staffchaind", true);
    inner->set_pattern("%v");
  } else {
    inner = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    inner->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%-5l%$ %v");
  }
  auto logger = std::make_shared<spdlog::logger>("staffchain", makeMaskingSink(std::move(inner)));
  logger->set_level(settings.level);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  return logger;
}

void setProcessLevel(spdlog::level::level_enum level) {
  spdlog::default_logger()->set_level(level);
}

PluginLogger::PluginLogger(std::shared_ptr<spdlog::logger> logger, std::string instance)
    : logger_(std::move(logger)), instance_(std::move(instance)) {}

void PluginLogger::log(plugin::LogLevel level, std::string_view message) noexcept {
  try {
    logger_->log(toSpdlog(level), "[{}] {}", instance_, message);
  } catch (...) {  // a log line must never take the plugin down
  }
}

bool PluginLogger::enabled(plugin::LogLevel level) const noexcept {
  return logger_->should_log(toSpdlog(level));
}

}  // namespace staffchain::logging
