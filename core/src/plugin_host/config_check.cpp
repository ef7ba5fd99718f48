#include "staffchain/plugin_host/config_check.hpp"

#include <fmt/format.h>

#include "staffchain/plugin/config_reader.hpp"
#include "staffchain/plugin_host/plugin_instance.hpp"

namespace staffchain::plugin_host {
namespace {

std::string locationOf(const toml::node& node) {
  const auto& where = node.source();
  if (!where.path) return "";
  return fmt::format("{}:{}:{}: ", *where.path, where.begin.line, where.begin.column);
}

// Every string in the table (nested tables and arrays included) that is a secret reference:
// those are the values plugins read with ConfigReader::secret, which accepts nothing else.
void checkSecretsIn(const toml::node& node, const std::string& key, std::vector<std::string>& errors) {
  if (const auto* table = node.as_table()) {
    for (const auto& [name, child] : *table) checkSecretsIn(child, key + "." + std::string(name.str()), errors);
  } else if (const auto* array = node.as_array()) {
    for (std::size_t i = 0; i < array->size(); ++i) {
      checkSecretsIn(*array->get(i), fmt::format("{}[{}]", key, i), errors);
    }
  } else if (const auto* text = node.as_string()) {
    if (!plugin::ConfigReader::isSecretReference(text->get())) return;
    if (auto resolved = resolveSecretReference(text->get()); !resolved) {
      errors.push_back(fmt::format("{}{}: {}", locationOf(node), key, resolved.error().message));
    }
  }
}

template <typename Instances>
void checkInstances(const Instances& instances, std::vector<std::string>& errors) {
  for (const auto& [name, settings] : instances) {
    if constexpr (requires { settings.enabled; }) {
      if (!settings.enabled) continue;  // not started: its secrets are not needed
    }
    if (settings.table != nullptr) checkSecretsIn(*settings.table, settings.key_path, errors);
  }
}

}  // namespace

std::vector<std::string> checkSecrets(const config::Config& config) {
  std::vector<std::string> errors;
  if (config.api.enabled) {
    for (std::size_t i = 0; i < config.api.tokens.size(); ++i) {
      const auto& token = config.api.tokens[i];
      auto secret = resolveSecretReference(token.secret_ref);
      if (!secret) {
        errors.push_back(fmt::format("api.tokens[{}] (\"{}\"): {}", i, token.name, secret.error().message));
      } else if (secret->size() < kMinApiTokenLength) {
        errors.push_back(
            fmt::format("api.tokens[{}] (\"{}\"): the token is shorter than {} characters; use a long "
                        "random one (e.g. `openssl rand -hex 32`)",
                        i, token.name, kMinApiTokenLength));
      }
    }
  }
  checkInstances(config.connectors, errors);
  checkInstances(config.notifiers, errors);
  checkInstances(config.sinks, errors);
  return errors;
}

namespace {

config::LoadOutcome withSecretsChecked(config::LoadOutcome outcome) {
  if (!outcome.config) return outcome;
  auto problems = checkSecrets(*outcome.config);
  if (problems.empty()) return outcome;
  outcome.config.reset();
  for (auto& problem : problems) outcome.errors.push_back(std::move(problem));
  return outcome;
}

}  // namespace

config::LoadOutcome loadCheckedConfig(const std::filesystem::path& path, std::optional<PluginCatalog>& catalog) {
  return withSecretsChecked(loadConfigWithPlugins(path, catalog));
}

config::LoadOutcome loadCheckedConfig(const std::filesystem::path& path, PluginCatalog& catalog) {
  return withSecretsChecked(config::loadConfig(path, &catalog));
}

}  // namespace staffchain::plugin_host
