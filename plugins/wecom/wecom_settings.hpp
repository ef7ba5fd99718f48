// The WeCom (企业微信) group robot notifier's configuration, read and checked from its TOML table.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "staffchain/plugin/config_reader.hpp"
#include "staffchain/plugin/support/http_connection.hpp"

namespace staffchain::wecom {

enum class MessageType { markdown, text };

struct WecomSettings {
  std::string key_reference;  // the robot's key, as a secret reference
  std::string base_url = "https://qyapi.weixin.qq.com";
  MessageType type = MessageType::markdown;
  std::vector<std::string> mentioned_list;         // WeCom user ids
  std::vector<std::string> mentioned_mobile_list;  // mobile numbers, text messages only
  plugin::HttpConnection connection;               // timeout, connect_timeout, verify_tls, ca_file
};

// Reads every key, reporting each problem into `config`; nullopt when one is fatal.
std::optional<WecomSettings> readWecomSettings(plugin::ConfigReader& config);

}  // namespace staffchain::wecom
