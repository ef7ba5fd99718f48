// WebhookSink: each movement notice POSTed as JSON to a receiver's URL, signed like the
// webhook notifier's messages and keyed by the notice id for deduplication.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "staffchain/plugin/descriptor.hpp"
#include "staffchain/plugin/support/notice_mapping.hpp"
#include "webhook_notifier.hpp"
#include "webhook_settings.hpp"

namespace staffchain::webhook {

struct WebhookSinkSettings {
  WebhookSettings transport;  // url, headers, signing, timeouts, TLS: the notifier's keys
  plugin::NoticeMapping mapping;
};

// Reads the sink's keys, reporting each problem into `config`; nullopt when one is fatal.
std::optional<WebhookSinkSettings> readWebhookSinkSettings(plugin::ConfigReader& config);

class WebhookSink final : public plugin::SinkConnector {
 public:
  // `secret_headers` and `signing_secret` hold resolved values.
  WebhookSink(WebhookSinkSettings settings, std::vector<std::pair<std::string, std::string>> secret_headers,
              std::string signing_secret, plugin::HostContext& host);

  // 2xx: delivered; 409: a duplicate; other 4xx: a permanent error; 5xx and transport
  // failures: an error worth retrying.
  Result<plugin::SinkReceipt> deliver(const plugin::Notice& notice, const plugin::CancelToken& cancel) override;
  [[nodiscard]] std::string describe(const plugin::Notice& notice) const override;

  // The request for `notice` at Unix time `unix_seconds`, exactly as it is sent.
  [[nodiscard]] Result<plugin::HttpRequest> buildRequest(const plugin::Notice& notice, long long unix_seconds) const;

 private:
  plugin::NoticeMapping mapping_;
  std::string where_;
  WebhookNotifier poster_;  // builds the signed request, the same as for alert messages
  plugin::HostContext& host_;
};

void validateWebhookSink(plugin::ConfigReader& config) noexcept;
std::unique_ptr<plugin::SinkConnector> createWebhookSink(plugin::ConfigReader& config,
                                                         const plugin::CreateArgs& args) noexcept;

}  // namespace staffchain::webhook
