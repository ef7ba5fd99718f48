#include "wecom_notifier.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "staffchain/plugin/support/http_text.hpp"

namespace staffchain::wecom {
WecomNotifier::WecomNotifier(WecomSettings settings, std::string key, plugin::HostContext& host)
    : settings_(std::move(settings)), key_(std::move(key)), host_(host) {}

std::string WecomNotifier::mentionSuffix() const {
  if (settings_.type != MessageType::markdown || settings_.mentioned_list.empty()) return {};
  std::string suffix = "\n";
  for (const auto& id : settings_.mentioned_list) suffix += "<@" + id + ">";
  return suffix;
}

std::size_t WecomNotifier::maxMessageBytes() const noexcept {
  if (settings_.type == MessageType::text) return kTextLimit;
  std::size_t suffix = 1;
  for (const auto& id : settings_.mentioned_list) suffix += id.size() + 3;
  return settings_.mentioned_list.empty() ? kMarkdownLimit : kMarkdownLimit - std::min(suffix, kMarkdownLimit / 2);
}

Result<std::string> WecomNotifier::buildBody(const plugin::Notification& message) const {
  nlohmann::json body;
  if (settings_.type == MessageType::markdown) {
    const std::string content = message.markdown + mentionSuffix();
    if (content.size() > kMarkdownLimit) {
      return makeError(fmt::format("message {} has {} bytes of markdown; a WeCom robot takes at most {}",
                                   message.idempotency_key, content.size(), kMarkdownLimit));
    }
    body = {{"msgtype", "markdown"}, {"markdown", {{"content", content}}}};
  } else {
    const std::string& content = message.text.empty() ? message.markdown : message.text;
    if (content.size() > kTextLimit) {
      return makeError(fmt::format("message {} has {} bytes of text; a WeCom robot takes at most {}",
                                   message.idempotency_key, content.size(), kTextLimit));
    }
    nlohmann::json text = {{"content", content}};
    if (!settings_.mentioned_list.empty()) text["mentioned_list"] = settings_.mentioned_list;
    if (!settings_.mentioned_mobile_list.empty()) text["mentioned_mobile_list"] = settings_.mentioned_mobile_list;
    body = {{"msgtype", "text"}, {"text", text}};
  }
  // Invalid UTF-8 would make dump() throw; the host renders UTF-8, so replacement never hides text.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<plugin::DeliveryReceipt> WecomNotifier::send(const plugin::Notification& message,
                                                    const plugin::CancelToken& cancel) {
  // The key sits in the query string and never appears in a message.
  const std::string where = "WeCom robot " + settings_.base_url + "/cgi-bin/webhook/send";
  try {
    auto body = buildBody(message);
    if (!body) return makeError(where + ": " + body.error().message);
    if (cancel.cancelled()) return makeError(where + ": cancelled before sending");
    plugin::HttpRequest request;
    request.url = settings_.base_url + "/cgi-bin/webhook/send?key=" + plugin::percentEncode(key_);
    request.body = std::move(body.value());
    settings_.connection.applyTo(request);
    return plugin::postToRobot(host_.http(), std::move(request), cancel, where);
  } catch (const std::exception& e) {
    return makeError(fmt::format("{}: unexpected failure: {}", where, e.what()));
  }
}

}  // namespace staffchain::wecom
