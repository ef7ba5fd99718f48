// The dingtalk plugin's entry points: configuration check, secret resolution, the descriptor.
#include <fmt/format.h>

#include "dingtalk_notifier.hpp"
#include "staffchain/plugin/descriptor.hpp"

namespace {

using namespace staffchain;
using namespace staffchain::plugin;

void validate(ConfigReader& config) {
  (void)dingtalk::readDingtalkSettings(config);
}

std::optional<std::string> resolve(ConfigReader& config, HostContext& host, std::string_view key,
                                   const std::string& reference) {
  auto value = host.resolveSecret(reference);
  if (!value) {
    config.fail(key, fmt::format("cannot resolve the secret: {}", value.error().message));
    return std::nullopt;
  }
  if (value->empty()) {
    config.fail(key, fmt::format("the secret {} is empty", reference));
    return std::nullopt;
  }
  return std::move(value.value());
}

std::unique_ptr<Notifier> create(ConfigReader& config, const CreateArgs& args) {
  auto settings = dingtalk::readDingtalkSettings(config);
  if (!settings) return nullptr;
  auto token = resolve(config, args.host, "access_token", settings->token_reference);
  std::optional<std::string> secret = std::string();
  if (settings->secret_reference) secret = resolve(config, args.host, "secret", *settings->secret_reference);
  if (!token || !secret) return nullptr;
  return std::make_unique<dingtalk::DingtalkNotifier>(std::move(*settings), std::move(*token), std::move(*secret),
                                                      args.host);
}

const PluginDescriptor* describe() {
  static const PluginDescriptor descriptor = [] {
    PluginDescriptor d;
    d.name = "dingtalk";
    d.version = STAFFCHAIN_VERSION_STRING;
    d.kind = PluginKind::notifier;
    d.summary = "DingTalk (钉钉) custom robot, signed markdown messages";
    d.validate = &validate;
    d.create_notifier = &create;
    return d;
  }();
  return &descriptor;
}

}  // namespace

STAFFCHAIN_PLUGIN(describe)
