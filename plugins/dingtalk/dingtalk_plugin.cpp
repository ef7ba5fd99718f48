// The dingtalk plugin's entry points: configuration check, secret resolution, the descriptor.
#include <fmt/format.h>

#include "dingtalk_notifier.hpp"
#include "staffchain/plugin/descriptor.hpp"
#include "staffchain/plugin/support/secrets.hpp"

namespace {

using namespace staffchain;
using namespace staffchain::plugin;

void validate(ConfigReader& config) {
  (void)dingtalk::readDingtalkSettings(config);
}

std::unique_ptr<Notifier> create(ConfigReader& config, const CreateArgs& args) {
  auto settings = dingtalk::readDingtalkSettings(config);
  if (!settings) return nullptr;
  auto token = resolveSecretSetting(config, args.host, "access_token", settings->token_reference);
  std::optional<std::string> secret = std::string();
  if (settings->secret_reference)
    secret = resolveSecretSetting(config, args.host, "secret", *settings->secret_reference);
  if (!token || !secret) return nullptr;
  return std::make_unique<dingtalk::DingtalkNotifier>(std::move(*settings), std::move(*token), std::move(*secret),
                                                      args.host);
}

}  // namespace

STAFFCHAIN_NOTIFIER_PLUGIN("dingtalk", "DingTalk (钉钉) custom robot, signed markdown messages", &validate, &create)
