// The webhook plugin's entry points: configuration check, secret resolution, the descriptor.
#include <fmt/format.h>

#include "staffchain/plugin/descriptor.hpp"
#include "staffchain/plugin/secrets.hpp"
#include "webhook_notifier.hpp"

namespace {

using namespace staffchain;
using namespace staffchain::plugin;

void validate(ConfigReader& config) {
  (void)webhook::readWebhookSettings(config);
}

std::unique_ptr<Notifier> create(ConfigReader& config, const CreateArgs& args) {
  try {
    auto settings = webhook::readWebhookSettings(config);
    if (!settings) return nullptr;
    bool ok = true;
    std::vector<std::pair<std::string, std::string>> secret_headers;
    for (const auto& [name, reference] : settings->secret_headers) {
      auto value = resolveSecretSetting(config, args.host, "secret_headers." + name, reference);
      if (!value) {
        ok = false;
      } else if (value->find_first_of("\r\n") != std::string::npos) {
        config.fail("secret_headers." + name, "the secret's value contains a line break");
        ok = false;
      } else {
        secret_headers.emplace_back(name, std::move(*value));
      }
    }
    std::string signing_secret;
    if (settings->signing_secret) {
      auto value = resolveSecretSetting(config, args.host, "signing_secret", *settings->signing_secret);
      if (value) signing_secret = std::move(*value);
      else ok = false;
    }
    if (!ok) return nullptr;
    return std::make_unique<webhook::WebhookNotifier>(std::move(*settings), std::move(secret_headers),
                                                      std::move(signing_secret), args.host);
  } catch (const std::exception& e) {
    config.fail("url", fmt::format("the webhook notifier could not be created: {}", e.what()));
    return nullptr;
  }
}

}  // namespace

STAFFCHAIN_NOTIFIER_PLUGIN("webhook", "signed JSON POST to a URL (OA systems, SMS gateways)", &validate, &create)
