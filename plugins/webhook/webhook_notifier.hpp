// WebhookNotifier: one JSON POST per message to a configured URL, signed and keyed for dedupe.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "staffchain/plugin/http_client.hpp"
#include "staffchain/plugin/notifier.hpp"
#include "webhook_settings.hpp"

namespace staffchain::webhook {

class WebhookNotifier final : public plugin::Notifier {
 public:
  // `secret_headers` and `signing_secret` hold resolved values (the settings keep references).
  WebhookNotifier(WebhookSettings settings, std::vector<std::pair<std::string, std::string>> secret_headers,
                  std::string signing_secret, plugin::HostContext& host);

  Result<plugin::DeliveryReceipt> send(const plugin::Notification& message, const plugin::CancelToken& cancel) override;
  [[nodiscard]] std::size_t maxMessageBytes() const noexcept override { return settings_.max_message_bytes; }
  [[nodiscard]] std::size_t messagesPerMinute() const noexcept override { return settings_.messages_per_minute; }

  // The request for `message` at Unix time `unix_seconds`, exactly as it is sent.
  [[nodiscard]] plugin::HttpRequest buildRequest(const plugin::Notification& message, long long unix_seconds) const;

 private:
  WebhookSettings settings_;
  std::vector<std::pair<std::string, std::string>> secret_headers_;
  std::string signing_secret_;
  plugin::HostContext& host_;
};

// `url` without its query string or user information, for messages (either may hold a token).
std::string redactUrl(std::string_view url);

// At most `limit` bytes of a receiver's answer, on one line, for messages.
std::string answerExcerpt(std::string_view body, std::size_t limit = 300);

}  // namespace staffchain::webhook
