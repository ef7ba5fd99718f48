#include "wecom_settings.hpp"

#include <algorithm>

namespace staffchain::wecom {
namespace {

bool isMobile(const std::string& value) {
  if (value == "@all") return true;
  return value.size() >= 5 && value.size() <= 20 &&
         std::all_of(value.begin(), value.end(), [](char c) { return (c >= '0' && c <= '9') || c == '+' || c == '-'; });
}

// User ids end up inside "<@...>" in markdown, so they may not contain markup characters.
bool isUserId(const std::string& value) {
  return !value.empty() && value.size() <= 64 && std::none_of(value.begin(), value.end(), [](char c) {
    return c == '<' || c == '>' || c == '\r' || c == '\n';
  });
}

}  // namespace

std::optional<WecomSettings> readWecomSettings(plugin::ConfigReader& config) {
  WecomSettings settings;
  bool fatal = false;

  if (auto key = config.secret("key")) {
    settings.key_reference = *key;
  } else {
    if (!config.has("key")) config.missing("key");
    fatal = true;
  }
  if (auto base = config.string("base_url")) {
    if (base->rfind("https://", 0) != 0 && base->rfind("http://", 0) != 0) {
      config.fail("base_url", "expected an http:// or https:// URL");
      fatal = true;
    } else if (base->find_first_of("?#") != std::string::npos) {
      config.fail("base_url", "expected a base URL without query or fragment (the notifier adds the path and key)");
      fatal = true;
    } else {
      settings.base_url = *base;
      while (!settings.base_url.empty() && settings.base_url.back() == '/') settings.base_url.pop_back();
    }
  }
  if (config.has("msgtype")) {
    auto type = config.choice("msgtype", {"markdown", "text"});
    if (!type)
      fatal = true;
    else
      settings.type = *type == "text" ? MessageType::text : MessageType::markdown;
  }
  if (auto list = config.stringArray("mentioned_list")) {
    for (const auto& id : *list) {
      if (!isUserId(id)) {
        config.fail("mentioned_list", "\"" + id + "\" is not a WeCom user id");
        fatal = true;
      }
    }
    settings.mentioned_list = *list;
  }
  if (auto list = config.stringArray("mentioned_mobile_list")) {
    for (const auto& mobile : *list) {
      if (!isMobile(mobile)) {
        config.fail("mentioned_mobile_list", "\"" + mobile + "\" is not a mobile number (or \"@all\")");
        fatal = true;
      }
    }
    // WeCom's markdown messages have no mobile mentions; only text messages do.
    if (settings.type != MessageType::text && !list->empty()) {
      config.fail("mentioned_mobile_list",
                  "WeCom only mentions by mobile number in text messages: set msgtype = \"text\"");
      fatal = true;
    }
    settings.mentioned_mobile_list = *list;
  }
  settings.connection = plugin::HttpConnection::read(config, plugin::HttpKeys::notifier, std::chrono::seconds(10),
                                                     std::chrono::seconds(5));

  if (fatal) return std::nullopt;
  return settings;
}

}  // namespace staffchain::wecom
