// The webhook plugin's entry points: configuration check, secret resolution, the descriptor.
#include <fmt/format.h>

#include "staffchain/plugin/descriptor.hpp"
#include "webhook_notifier.hpp"
#include "webhook_sink.hpp"

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
    auto secrets = webhook::resolveWebhookSecrets(config, args.host, *settings);
    if (!secrets) return nullptr;
    return std::make_unique<webhook::WebhookNotifier>(std::move(*settings), std::move(secrets->headers),
                                                      std::move(secrets->signing_secret), args.host);
  } catch (const std::exception& e) {
    config.fail("url", fmt::format("the webhook notifier could not be created: {}", e.what()));
    return nullptr;
  }
}

}  // namespace

STAFFCHAIN_NOTIFIER_PLUGIN_WITH_SINK("webhook", "signed JSON POST to a URL (OA systems, SMS gateways)", &validate,
                                     &create, &staffchain::webhook::validateWebhookSink,
                                     &staffchain::webhook::createWebhookSink)
