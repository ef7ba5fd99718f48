// The file notifier: every message as one JSON line appended to a file, for audits and demos.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "staffchain/plugin/descriptor.hpp"

namespace {

using namespace staffchain;
using namespace staffchain::plugin;

struct FileSettings {
  std::filesystem::path path;
  bool fsync = true;
};

std::optional<FileSettings> readSettings(ConfigReader& config) {
  FileSettings settings;
  auto path = config.filePath("path");
  if (!path && !config.has("path")) config.missing("path");
  settings.fsync = config.boolean("fsync", true);
  if (!path) return std::nullopt;
  settings.path = *path;
  return settings;
}

class FileNotifier final : public Notifier {
 public:
  explicit FileNotifier(FileSettings settings) : settings_(std::move(settings)) {}

  Result<DeliveryReceipt> send(const Notification& message, const CancelToken&) override {
    std::error_code ec;
    std::filesystem::create_directories(settings_.path.parent_path(), ec);
    const int fd = ::open(settings_.path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0) return makeError(fmt::format("cannot open {}: {}", settings_.path.string(), std::strerror(errno)));
    // One write per line: concurrent readers never see half a message.
    const std::string line = (message.json.empty() ? std::string("{}") : message.json) + "\n";
    const ssize_t written = ::write(fd, line.data(), line.size());
    const int saved = errno;
    const bool synced = !settings_.fsync || ::fsync(fd) == 0;
    ::close(fd);
    if (written != static_cast<ssize_t>(line.size())) {
      return makeError(fmt::format("cannot append to {}: {}", settings_.path.string(), std::strerror(saved)));
    }
    if (!synced) return makeError(fmt::format("cannot flush {} to disk", settings_.path.string()));
    return DeliveryReceipt{fmt::format("appended {} bytes to {}", line.size(), settings_.path.string())};
  }

 private:
  FileSettings settings_;
};

void validate(ConfigReader& config) {
  (void)readSettings(config);
}

std::unique_ptr<Notifier> create(ConfigReader& config, const CreateArgs&) {
  auto settings = readSettings(config);
  if (!settings) return nullptr;
  return std::make_unique<FileNotifier>(std::move(*settings));
}

}  // namespace

STAFFCHAIN_NOTIFIER_PLUGIN("file", "JSON lines appended to a file", &validate, &create)
