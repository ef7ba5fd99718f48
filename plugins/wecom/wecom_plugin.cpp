// The wecom plugin's entry points: configuration check, key resolution, the descriptor.
#include <fmt/format.h>

#include "staffchain/plugin/descriptor.hpp"
#include "wecom_notifier.hpp"

namespace {

using namespace staffchain;
using namespace staffchain::plugin;

void validate(ConfigReader& config) {
  (void)wecom::readWecomSettings(config);
}

std::unique_ptr<Notifier> create(ConfigReader& config, const CreateArgs& args) {
  auto settings = wecom::readWecomSettings(config);
  if (!settings) return nullptr;
  auto key = args.host.resolveSecret(settings->key_reference);
  if (!key) {
    config.fail("key", fmt::format("cannot resolve the robot key: {}", key.error().message));
    return nullptr;
  }
  if (key->empty()) {
    config.fail("key", fmt::format("the robot key {} is empty", settings->key_reference));
    return nullptr;
  }
  return std::make_unique<wecom::WecomNotifier>(std::move(*settings), std::move(key.value()), args.host);
}

const PluginDescriptor* describe() {
  static const PluginDescriptor descriptor = [] {
    PluginDescriptor d;
    d.name = "wecom";
    d.version = STAFFCHAIN_VERSION_STRING;
    d.kind = PluginKind::notifier;
    d.summary = "WeCom (企业微信) group robot, markdown messages";
    d.validate = &validate;
    d.create_notifier = &create;
    return d;
  }();
  return &descriptor;
}

}  // namespace

STAFFCHAIN_PLUGIN(describe)
