// The webhook notifier's configuration, read and checked from its TOML table.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "staffchain/plugin/config_reader.hpp"
#include "staffchain/plugin/host_context.hpp"
#include "staffchain/plugin/support/http_connection.hpp"

namespace staffchain::webhook {

struct WebhookSettings {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;         // sent as written
  std::vector<std::pair<std::string, std::string>> secret_headers;  // name -> secret reference
  std::optional<std::string> signing_secret;                        // a secret reference
  std::string signature_header = "X-Staffchain-Signature";
  std::string timestamp_header = "X-Staffchain-Timestamp";
  plugin::HttpConnection connection;  // timeout, connect_timeout, verify_tls, ca_file
  std::size_t max_message_bytes = 64 * 1024;
  std::size_t messages_per_minute = 0;
};

// Reads every key, reporting each problem into `config`; nullopt when one is fatal.
std::optional<WebhookSettings> readWebhookSettings(plugin::ConfigReader& config);

// The secrets a webhook's settings refer to, resolved at create time (by the notifier and the
// sink alike): the secret headers' values and the signing secret ("" when none).
struct WebhookSecrets {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string signing_secret;
};

// nullopt, with each problem reported into `config`, when a secret cannot be had or would
// break the request (a line break in a header value).
std::optional<WebhookSecrets> resolveWebhookSecrets(plugin::ConfigReader& config, plugin::HostContext& host,
                                                    const WebhookSettings& settings);

// True for an HTTP header name (RFC 9110 token characters).
bool isHeaderName(std::string_view name);

}  // namespace staffchain::webhook
