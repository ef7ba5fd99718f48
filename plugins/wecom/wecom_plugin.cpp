// The wecom plugin's entry points: configuration check, key resolution, the descriptor.
#include <fmt/format.h>

#include "staffchain/plugin/descriptor.hpp"
#include "staffchain/plugin/support/secrets.hpp"
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
  auto key = resolveSecretSetting(config, args.host, "key", settings->key_reference);
  if (!key) return nullptr;
  return std::make_unique<wecom::WecomNotifier>(std::move(*settings), std::move(*key), args.host);
}

}  // namespace

STAFFCHAIN_NOTIFIER_PLUGIN("wecom", "WeCom (企业微信) group robot, markdown messages", &validate, &create)
