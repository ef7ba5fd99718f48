// DingtalkNotifier: one markdown message to a DingTalk (钉钉) custom robot, signed when a secret
// is configured, successful only on errcode 0.
#pragma once

#include <string>

#include "dingtalk_settings.hpp"
#include "staffchain/plugin/http_client.hpp"
#include "staffchain/plugin/notifier.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::dingtalk {

// A robot takes 20 messages a minute (then it is throttled for 10 minutes) and about 20000
// bytes of content.
inline constexpr std::size_t kContentLimit = 20000;
inline constexpr std::size_t kMessagesPerMinute = 20;
// DingTalk shows an empty title as nothing in the chat list; never send one.
inline constexpr const char* kFallbackTitle = "staffchain";

class DingtalkNotifier final : public plugin::Notifier {
 public:
  DingtalkNotifier(DingtalkSettings settings, std::string token, std::string secret, plugin::HostContext& host);

  Result<plugin::DeliveryReceipt> send(const plugin::Notification& message, const plugin::CancelToken& cancel) override;
  [[nodiscard]] std::size_t maxMessageBytes() const noexcept override;
  [[nodiscard]] std::size_t messagesPerMinute() const noexcept override { return kMessagesPerMinute; }

  // The JSON body for `message`; an error when the content is over the limit.
  [[nodiscard]] Result<std::string> buildBody(const plugin::Notification& message) const;
  // The request URL at Unix time `unix_ms` (milliseconds): token, and timestamp and sign when signing.
  [[nodiscard]] std::string requestUrl(long long unix_ms) const;

 private:
  [[nodiscard]] std::string mentionSuffix() const;

  DingtalkSettings settings_;
  std::string token_;
  std::string secret_;
  plugin::HostContext& host_;
};

}  // namespace staffchain::dingtalk
