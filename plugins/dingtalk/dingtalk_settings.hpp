// The DingTalk (钉钉) custom robot notifier's configuration, read and checked from its TOML table.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "staffchain/plugin/config_reader.hpp"
#include "staffchain/plugin/support/http_connection.hpp"

namespace staffchain::dingtalk {

struct DingtalkSettings {
  std::string token_reference;                  // access_token, as a secret reference
  std::optional<std::string> secret_reference;  // the signing secret ("加签"), as a secret reference
  std::string base_url = "https://oapi.dingtalk.com";
  std::vector<std::string> at_mobiles;
  bool at_all = false;
  plugin::HttpConnection connection;  // timeout, connect_timeout, verify_tls, ca_file
};

// Reads every key, reporting each problem into `config`; nullopt when one is fatal.
std::optional<DingtalkSettings> readDingtalkSettings(plugin::ConfigReader& config);

}  // namespace staffchain::dingtalk
