// WecomNotifier: one message to a WeCom (企业微信) group robot, successful only on errcode 0.
#pragma once

#include <string>

#include "staffchain/plugin/http_client.hpp"
#include "staffchain/plugin/notifier.hpp"
#include "staffchain/plugin/result.hpp"
#include "wecom_settings.hpp"

namespace staffchain::wecom {

// WeCom's limits: markdown content at most 4096 bytes, text content 2048, 20 messages a
// minute per robot.
inline constexpr std::size_t kMarkdownLimit = 4096;
inline constexpr std::size_t kTextLimit = 2048;
inline constexpr std::size_t kMessagesPerMinute = 20;

class WecomNotifier final : public plugin::Notifier {
 public:
  WecomNotifier(WecomSettings settings, std::string key, plugin::HostContext& host);

  Result<plugin::DeliveryReceipt> send(const plugin::Notification& message, const plugin::CancelToken& cancel) override;
  [[nodiscard]] std::size_t maxMessageBytes() const noexcept override;
  [[nodiscard]] std::size_t messagesPerMinute() const noexcept override { return kMessagesPerMinute; }

  // The JSON body for `message`; an error when the content is over WeCom's limit.
  [[nodiscard]] Result<std::string> buildBody(const plugin::Notification& message) const;

 private:
  [[nodiscard]] std::string mentionSuffix() const;

  WecomSettings settings_;
  std::string key_;
  plugin::HostContext& host_;
};

}  // namespace staffchain::wecom
