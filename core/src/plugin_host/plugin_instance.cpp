#include "staffchain/plugin_host/plugin_instance.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "staffchain/plugin_host/guard.hpp"
#include "staffchain/plugin_host/trusted_path.hpp"

namespace staffchain::plugin_host {

Result<std::string> resolveSecretReference(std::string_view reference) {
  if (!plugin::ConfigReader::isSecretReference(reference)) {
    return makeError("a secret must be a reference (\"${ENV_VAR}\" or \"@file:/path\")");
  }
  if (reference.front() == '$') {
    const std::string name(reference.substr(2, reference.size() - 3));
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return makeError(fmt::format("secret ${{{}}}: the environment variable is not set", name));
    if (*value == '\0') return makeError(fmt::format("secret ${{{}}}: the environment variable is empty", name));
    return std::string(value);
  }
  const std::string path(reference.substr(6));
  if (auto trusted = checkTrustedPath(path, TrustedKind::file, "secrets are read", Links::follow); !trusted) {
    return makeError(fmt::format("secret {}", std::move(trusted).error().message));
  }
  // Who may read it: its owner, and its group only when that is this process's own group (the
  // usual root:staffchain 0640); anyone else reading it would hold the credential too.
  struct stat st {};
  if (stat(path.c_str(), &st) == 0) {
    if ((st.st_mode & S_IROTH) != 0 || ((st.st_mode & S_IRGRP) != 0 && st.st_gid != getegid())) {
      return makeError(fmt::format(
          "secret @file:{}: refused: readable by {} (mode {:04o}); a secret file is read by "
          "its owner only (chmod 600), or by the daemon's own group (chmod 640, group "
          "staffchain)",
          path, (st.st_mode & S_IROTH) != 0 ? "everyone" : fmt::format("group {}", st.st_gid), st.st_mode & 07777));
    }
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError(fmt::format("secret @file:{}: cannot read the file", path));
  std::ostringstream content;
  content << in.rdbuf();
  std::string value = content.str();
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  if (value.empty()) return makeError(fmt::format("secret @file:{}: the file is empty", path));
  return value;
}

InstanceContext::InstanceContext(std::shared_ptr<spdlog::logger> logger, std::string label,
                                 std::filesystem::path state_dir)
    : logger_(std::move(logger), std::move(label)), state_dir_(std::move(state_dir)) {}

std::chrono::system_clock::time_point InstanceContext::now() const noexcept {
  return std::chrono::system_clock::now();
}

Result<std::string> InstanceContext::resolveSecret(std::string_view reference) const noexcept {
  return guardCall("resolving a secret", [&] { return resolveSecretReference(reference); });
}

std::string InstanceContext::stateDirectory() const noexcept {
  std::error_code ec;
  std::filesystem::create_directories(state_dir_, ec);
  return state_dir_.string();
}

namespace {

// Which tables an instance is made from: the plugins that may make it, and the host's keys.
struct InstanceKind {
  std::string_view section;  // "connectors", "notifiers", "sinks"
  std::string_view what;     // for messages: "source", "notifier", "sink"
  bool (*offers)(const LoadedPlugin&);
  const std::string_view* host_keys;
  std::size_t host_key_count;
};

template <typename Interface, typename Settings, typename Factory>
Result<std::unique_ptr<PluginInstance<Interface>>> createInstance(const PluginCatalog& catalog,
                                                                  const Settings& settings, const InstanceKind& kind,
                                                                  std::shared_ptr<spdlog::logger> logger,
                                                                  const std::filesystem::path& state_root,
                                                                  std::chrono::milliseconds timeout, Factory factory) {
  const std::string_view section = kind.section;
  const LoadedPlugin* loaded = catalog.find(settings.plugin);
  if (loaded == nullptr || !kind.offers(*loaded)) {
    return makeError(
        fmt::format("{}.{}: no {} plugin \"{}\" is loaded", section, settings.name, kind.what, settings.plugin));
  }
  auto context = std::make_unique<InstanceContext>(std::move(logger), fmt::format("{} {}", section, settings.name),
                                                   state_root / std::string(section) / settings.name);
  auto instance = std::make_unique<PluginInstance<Interface>>(settings.name, std::move(context));
  plugin::CancelToken cancel;
  const plugin::PluginDescriptor* descriptor = loaded->descriptor;
  InstanceContext* host = &instance->context();
  auto created = instance->worker().template call<std::unique_ptr<Interface>>(
      [settings, descriptor, host, factory, section, kind]() -> Result<std::unique_ptr<Interface>> {
        return guardCall(fmt::format("plugin \"{}\" creating {}.{}", settings.plugin, section, settings.name),
                         [&]() -> Result<std::unique_ptr<Interface>> {
                           std::vector<std::string> errors;
                           plugin::ConfigReader reader(*settings.table, settings.key_path, errors);
                           for (std::size_t i = 0; i < kind.host_key_count; ++i) reader.accept(kind.host_keys[i]);
                           const plugin::CreateArgs args{settings.name, *host};
                           std::unique_ptr<Interface> object = (descriptor->*factory)(reader, args);
                           if (!errors.empty() || object == nullptr) {
                             std::string message = errors.empty() ? "the plugin could not create it" : errors.front();
                             for (std::size_t i = 1; i < errors.size(); ++i) message += "; " + errors[i];
                             return makeError(message);
                           }
                           return object;
                         });
      },
      timeout, cancel);
  if (!created) {
    std::string reason = created.error().message;
    if (instance->worker().stuck()) PluginInstance<Interface>::abandon(std::move(instance));  // never wait on a hang
    return makeError(fmt::format("{}.{}: {}", section, settings.name, reason));
  }
  instance->adopt(std::move(created.value()), loaded->library);
  return instance;
}

const InstanceKind kSourceKind{"connectors", "source",
                               [](const LoadedPlugin& p) { return p.kind() == plugin::PluginKind::source; },
                               std::data(config::kConnectorHostKeys), std::size(config::kConnectorHostKeys)};
const InstanceKind kNotifierKind{"notifiers", "notifier",
                                 [](const LoadedPlugin& p) { return p.kind() == plugin::PluginKind::notifier; },
                                 std::data(config::kNotifierHostKeys), std::size(config::kNotifierHostKeys)};
const InstanceKind kSinkKind{"sinks", "sink", [](const LoadedPlugin& p) { return p.offersSink(); },
                             std::data(config::kSinkHostKeys), std::size(config::kSinkHostKeys)};

}  // namespace

Result<std::unique_ptr<SourceInstance>> createSource(const PluginCatalog& catalog,
                                                     const config::ConnectorSettings& settings,
                                                     std::shared_ptr<spdlog::logger> logger,
                                                     const std::filesystem::path& state_root,
                                                     std::chrono::milliseconds timeout) {
  return createInstance<plugin::SourceConnector>(catalog, settings, kSourceKind, std::move(logger), state_root, timeout,
                                                 &plugin::PluginDescriptor::create_source);
}

Result<std::unique_ptr<NotifierInstance>> createNotifier(const PluginCatalog& catalog,
                                                         const config::NotifierSettings& settings,
                                                         std::shared_ptr<spdlog::logger> logger,
                                                         const std::filesystem::path& state_root,
                                                         std::chrono::milliseconds timeout) {
  return createInstance<plugin::Notifier>(catalog, settings, kNotifierKind, std::move(logger), state_root, timeout,
                                          &plugin::PluginDescriptor::create_notifier);
}

Result<std::unique_ptr<SinkInstance>> createSink(const PluginCatalog& catalog, const config::SinkSettings& settings,
                                                 std::shared_ptr<spdlog::logger> logger,
                                                 const std::filesystem::path& state_root,
                                                 std::chrono::milliseconds timeout) {
  return createInstance<plugin::SinkConnector>(catalog, settings, kSinkKind, std::move(logger), state_root, timeout,
                                               &plugin::PluginDescriptor::create_sink);
}

Result<plugin::SourceBatch> pullSource(SourceInstance& instance, std::string cursor,
                                       std::chrono::milliseconds timeout) {
  if (!instance.worker().stuck()) instance.cancel().reset();
  return instance.worker().call<plugin::SourceBatch>(
      [&instance, cursor = std::move(cursor)]() -> Result<plugin::SourceBatch> {
        return guardCall(fmt::format("connector {} pulling", instance.name()), [&]() -> Result<plugin::SourceBatch> {
          const plugin::PullRequest request{cursor, &instance.cancel()};
          return instance.object().pull(request);
        });
      },
      timeout, instance.cancel());
}

Result<plugin::DeliveryReceipt> sendNotification(NotifierInstance& instance, plugin::Notification message,
                                                 std::chrono::milliseconds timeout) {
  if (!instance.worker().stuck()) instance.cancel().reset();
  return instance.worker().call<plugin::DeliveryReceipt>(
      [&instance, message = std::move(message)]() -> Result<plugin::DeliveryReceipt> {
        return guardCall(fmt::format("notifier {} sending", instance.name()), [&]() -> Result<plugin::DeliveryReceipt> {
          return instance.object().send(message, instance.cancel());
        });
      },
      timeout, instance.cancel());
}

}  // namespace staffchain::plugin_host

namespace staffchain::plugin_host {

Result<plugin::SinkReceipt> deliverNotice(SinkInstance& instance, plugin::Notice notice,
                                          std::chrono::milliseconds timeout) {
  if (!instance.worker().stuck()) instance.cancel().reset();
  return instance.worker().call<plugin::SinkReceipt>(
      [&instance, notice = std::move(notice)]() -> Result<plugin::SinkReceipt> {
        return guardCall(
            fmt::format("sink {} delivering notice {}", instance.name(), notice.id),
            [&]() -> Result<plugin::SinkReceipt> { return instance.object().deliver(notice, instance.cancel()); });
      },
      timeout, instance.cancel());
}

}  // namespace staffchain::plugin_host
