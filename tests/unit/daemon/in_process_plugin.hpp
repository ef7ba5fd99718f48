// A plugin object made in the test itself (a recording sink, a failing notifier) in the
// PluginInstance the host would wrap a loaded plugin's object in: its own worker thread, a
// quiet logger, a state folder.
#pragma once

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>
#include <string>

#include "staffchain/plugin_host/plugin_instance.hpp"

namespace staffchain::daemon::testing {

template <typename Interface>
std::unique_ptr<plugin_host::PluginInstance<Interface>> inProcessPlugin(const std::string& name,
                                                                        const std::filesystem::path& state_dir,
                                                                        std::unique_ptr<Interface> object) {
  auto instance = std::make_unique<plugin_host::PluginInstance<Interface>>(
      name,
      std::make_unique<plugin_host::InstanceContext>(
          std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>()), name, state_dir));
  instance->adopt(std::move(object), nullptr);  // no library to keep loaded
  return instance;
}

}  // namespace staffchain::daemon::testing
