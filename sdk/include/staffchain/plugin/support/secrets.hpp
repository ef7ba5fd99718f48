// resolveSecretSetting: a plugin's secret reference turned into its value at create time,
// a failure reported against the configuration key that named it (never with the value).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "staffchain/plugin/config_reader.hpp"
#include "staffchain/plugin/host_context.hpp"

namespace staffchain::plugin {

inline std::optional<std::string> resolveSecretSetting(ConfigReader& config, HostContext& host, std::string_view key,
                                                       const std::string& reference) {
  auto value = host.resolveSecret(reference);
  if (!value) {
    config.fail(key, "cannot resolve the secret: " + value.error().message);
    return std::nullopt;
  }
  if (value->empty()) {
    config.fail(key, "the secret " + reference + " is empty");
    return std::nullopt;
  }
  return std::move(value.value());
}

}  // namespace staffchain::plugin
