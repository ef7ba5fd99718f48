// The one validation of a configuration: `staffchainctl check-config`, the daemon's start and
// every reload run exactly this, so that "valid" means "the daemon takes it".
//
// Beyond what loadConfig checks (syntax, keys, types, each plugin's own settings), it resolves
// every secret the configuration references — API tokens and the secrets in enabled connectors,
// notifiers and sinks — and refuses what cannot be used: an unset variable, a missing file, an
// empty value, a file others can read, an API token shorter than 16 characters.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "staffchain/config/config.hpp"
#include "staffchain/plugin_host/plugin_catalog.hpp"

namespace staffchain::plugin_host {

// An API token must be at least this long.
inline constexpr std::size_t kMinApiTokenLength = 16;

// Problems with the configuration's secrets, one line each ("file:line:column: key: reason"),
// never a secret's value.
std::vector<std::string> checkSecrets(const config::Config& config);

// Loads the plugins named by the file's [daemon] plugin_dir into `catalog`, reads the
// configuration with their validators, then checks its secrets: the start and check-config.
config::LoadOutcome loadCheckedConfig(const std::filesystem::path& path, std::optional<PluginCatalog>& catalog);
// The same with plugins already loaded: a reload.
config::LoadOutcome loadCheckedConfig(const std::filesystem::path& path, PluginCatalog& catalog);

}  // namespace staffchain::plugin_host
