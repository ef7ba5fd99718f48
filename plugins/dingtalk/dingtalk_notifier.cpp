#include "dingtalk_notifier.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "dingtalk_signature.hpp"
#include "staffchain/plugin/support/http_text.hpp"

namespace staffchain::dingtalk {
DingtalkNotifier::DingtalkNotifier(DingtalkSettings settings, std::string token, std::string secret,
                                   plugin::HostContext& host)
    : settings_(std::move(settings)), token_(std::move(token)), secret_(std::move(secret)), host_(host) {}

// DingTalk only highlights a mentioned mobile when "@mobile" also appears in the text.
std::string DingtalkNotifier::mentionSuffix() const {
  if (settings_.at_mobiles.empty()) return {};
  std::string suffix = "\n\n";
  for (const auto& mobile : settings_.at_mobiles) suffix += "@" + mobile + " ";
  suffix.pop_back();
  return suffix;
}

std::size_t DingtalkNotifier::maxMessageBytes() const noexcept {
  std::size_t suffix = settings_.at_mobiles.empty() ? 0 : 1;
  for (const auto& mobile : settings_.at_mobiles) suffix += mobile.size() + 2;
  return kContentLimit - std::min(suffix, kContentLimit / 2);
}

Result<std::string> DingtalkNotifier::buildBody(const plugin::Notification& message) const {
  const std::string text = message.markdown + mentionSuffix();
  if (text.size() > kContentLimit) {
    return makeError(fmt::format("message {} has {} bytes of markdown; a DingTalk robot takes at most {}",
                                 message.idempotency_key, text.size(), kContentLimit));
  }
  nlohmann::json body = {
      {"msgtype", "markdown"},
      {"markdown", {{"title", message.title.empty() ? std::string(kFallbackTitle) : message.title}, {"text", text}}}};
  if (!settings_.at_mobiles.empty() || settings_.at_all) {
    body["at"] = {{"atMobiles", settings_.at_mobiles}, {"isAtAll", settings_.at_all}};
  }
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string DingtalkNotifier::requestUrl(long long unix_ms) const {
  std::string url = settings_.base_url + "/robot/send?access_token=" + plugin::percentEncode(token_);
  if (!secret_.empty()) {
    const std::string timestamp = std::to_string(unix_ms);
    url += "&timestamp=" + timestamp + "&sign=" + plugin::percentEncode(robotSignature(secret_, timestamp));
  }
  return url;
}

Result<plugin::DeliveryReceipt> DingtalkNotifier::send(const plugin::Notification& message,
                                                       const plugin::CancelToken& cancel) {
  // Token and signature sit in the query string and never appear in a message.
  const std::string where = "DingTalk robot " + settings_.base_url + "/robot/send";
  try {
    auto body = buildBody(message);
    if (!body) return makeError(where + ": " + body.error().message);
    if (cancel.cancelled()) return makeError(where + ": cancelled before sending");
    // The signature is valid for an hour around the robot's clock; the host's clock is the reference.
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(host_.now().time_since_epoch()).count();
    plugin::HttpRequest request;
    request.url = requestUrl(static_cast<long long>(ms));
    request.body = std::move(body.value());
    settings_.connection.applyTo(request);
    return plugin::postToRobot(host_.http(), std::move(request), cancel, where);
  } catch (const std::exception& e) {
    return makeError(fmt::format("{}: unexpected failure: {}", where, e.what()));
  }
}

}  // namespace staffchain::dingtalk
