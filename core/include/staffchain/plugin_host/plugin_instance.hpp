// PluginInstance: one configured connector or notifier: the plugin object, the services the
// host lends it, and the worker thread every call to it runs on.
#pragma once

#include <spdlog/logger.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "staffchain/config/config.hpp"
#include "staffchain/logging/logging.hpp"
#include "staffchain/plugin/descriptor.hpp"
#include "staffchain/plugin_host/curl_http_client.hpp"
#include "staffchain/plugin_host/plugin_catalog.hpp"
#include "staffchain/plugin_host/plugin_worker.hpp"

namespace staffchain::plugin_host {

// Resolves "${ENV_VAR}" and "@file:/path" secret references. Errors name the reference,
// never a value.
Result<std::string> resolveSecretReference(std::string_view reference);

class InstanceContext final : public plugin::HostContext {
 public:
  InstanceContext(std::shared_ptr<spdlog::logger> logger, std::string label, std::filesystem::path state_dir);
  [[nodiscard]] plugin::Logger& logger() noexcept override { return logger_; }
  [[nodiscard]] std::chrono::system_clock::time_point now() const noexcept override;
  [[nodiscard]] Result<std::string> resolveSecret(std::string_view reference) const noexcept override;
  [[nodiscard]] std::string stateDirectory() const noexcept override;
  [[nodiscard]] plugin::HttpClient& http() noexcept override { return http_; }

 private:
  logging::PluginLogger logger_;
  CurlHttpClient http_;
  std::filesystem::path state_dir_;
};

template <typename Interface>
class PluginInstance {
 public:
  PluginInstance(std::string name, std::unique_ptr<InstanceContext> context)
      : name_(std::move(name)), context_(std::move(context)), worker_(std::make_unique<PluginWorker>(name_)) {}
  ~PluginInstance() {
    worker_.reset();  // joins: no call may still run when the object goes
    object_.reset();  // the plugin's destructor runs while its library is still loaded
  }
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] Interface& object() noexcept { return *object_; }
  [[nodiscard]] PluginWorker& worker() noexcept { return *worker_; }
  [[nodiscard]] plugin::CancelToken& cancel() noexcept { return cancel_; }
  [[nodiscard]] InstanceContext& context() noexcept { return *context_; }
  [[nodiscard]] bool created() const noexcept { return object_ != nullptr; }

  // Ties the object to the library that made it: the library unloads only after the object.
  void adopt(std::unique_ptr<Interface> object, std::shared_ptr<boost::dll::shared_library> library) {
    Interface* raw = object.release();
    object_ = std::shared_ptr<Interface>(raw, [library = std::move(library)](Interface* p) { delete p; });
  }

  // When a call never returned (a hung factory, or shutdown): its thread is left running,
  // unjoined, and the whole instance is leaked so that the thread's object, context and
  // library stay valid for as long as it runs.
  static void abandon(std::unique_ptr<PluginInstance> instance) {
    instance->worker_->abandon();
    (void)instance.release();  // NOLINT(bugprone-unused-return-value): deliberate leak, see above
  }

 private:
  std::string name_;
  std::unique_ptr<InstanceContext> context_;
  std::shared_ptr<Interface> object_;
  plugin::CancelToken cancel_;
  std::unique_ptr<PluginWorker> worker_;
};

// At shutdown: waits until the instance's worker is idle or `deadline` passes; one still inside
// a call then is abandoned (said with `what`), so a hung plugin never holds the stop.
template <typename Interface>
void awaitIdleOrAbandon(std::unique_ptr<PluginInstance<Interface>>& instance,
                        std::chrono::steady_clock::time_point deadline, const std::string& what) {
  while (instance && !instance->worker().idle() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (instance && !instance->worker().idle()) {
    spdlog::error("{} did not return within the shutdown grace; leaving it", what);
    PluginInstance<Interface>::abandon(std::move(instance));
  }
}

using SourceInstance = PluginInstance<plugin::SourceConnector>;
using NotifierInstance = PluginInstance<plugin::Notifier>;
using SinkInstance = PluginInstance<plugin::SinkConnector>;

// Creates a connector's plugin object, on the instance's own worker, within `timeout`.
// `errors` receives the plugin's configuration complaints.
Result<std::unique_ptr<SourceInstance>> createSource(const PluginCatalog& catalog,
                                                     const config::ConnectorSettings& settings,
                                                     std::shared_ptr<spdlog::logger> logger,
                                                     const std::filesystem::path& state_root,
                                                     std::chrono::milliseconds timeout);
Result<std::unique_ptr<NotifierInstance>> createNotifier(const PluginCatalog& catalog,
                                                         const config::NotifierSettings& settings,
                                                         std::shared_ptr<spdlog::logger> logger,
                                                         const std::filesystem::path& state_root,
                                                         std::chrono::milliseconds timeout);
// A sink from any plugin that offers one (its create_sink), checked by its validate_sink.
Result<std::unique_ptr<SinkInstance>> createSink(const PluginCatalog& catalog, const config::SinkSettings& settings,
                                                 std::shared_ptr<spdlog::logger> logger,
                                                 const std::filesystem::path& state_root,
                                                 std::chrono::milliseconds timeout);

// One guarded call on the instance's worker, waiting at most `timeout`.
Result<plugin::SourceBatch> pullSource(SourceInstance& instance, std::string cursor, std::chrono::milliseconds timeout);
Result<plugin::DeliveryReceipt> sendNotification(NotifierInstance& instance, plugin::Notification message,
                                                 std::chrono::milliseconds timeout);
Result<plugin::SinkReceipt> deliverNotice(SinkInstance& instance, plugin::Notice notice,
                                          std::chrono::milliseconds timeout);

}  // namespace staffchain::plugin_host
