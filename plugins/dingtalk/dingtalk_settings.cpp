#include "dingtalk_settings.hpp"

#include <algorithm>

namespace staffchain::dingtalk {

std::optional<DingtalkSettings> readDingtalkSettings(plugin::ConfigReader& config) {
  DingtalkSettings settings;
  bool fatal = false;

  if (auto token = config.secret("access_token")) {
    settings.token_reference = *token;
  } else {
    if (!config.has("access_token")) config.missing("access_token");
    fatal = true;
  }
  settings.secret_reference = config.secret("secret");
  if (config.has("secret") && !settings.secret_reference) fatal = true;
  if (auto base = config.string("base_url")) {
    if (base->rfind("https://", 0) != 0 && base->rfind("http://", 0) != 0) {
      config.fail("base_url", "expected an http:// or https:// URL");
      fatal = true;
    } else if (base->find_first_of("?#") != std::string::npos) {
      config.fail("base_url", "expected a base URL without query or fragment (the notifier adds the path and token)");
      fatal = true;
    } else {
      settings.base_url = *base;
      while (!settings.base_url.empty() && settings.base_url.back() == '/') settings.base_url.pop_back();
    }
  }
  if (auto mobiles = config.stringArray("at_mobiles")) {
    for (const auto& mobile : *mobiles) {
      const bool digits = mobile.size() >= 5 && mobile.size() <= 20 &&
                          std::all_of(mobile.begin(), mobile.end(),
                                      [](char c) { return (c >= '0' && c <= '9') || c == '+' || c == '-'; });
      if (!digits) {
        config.fail("at_mobiles", "\"" + mobile + "\" is not a mobile number");
        fatal = true;
      }
    }
    settings.at_mobiles = *mobiles;
  }
  settings.at_all = config.boolean("at_all", false);
  settings.connection = plugin::HttpConnection::read(config, plugin::HttpKeys::notifier, std::chrono::seconds(10),
                                                     std::chrono::seconds(5));

  if (fatal) return std::nullopt;
  return settings;
}

}  // namespace staffchain::dingtalk
