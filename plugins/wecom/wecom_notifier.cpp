#include "wecom_notifier.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace staffchain::wecom {
namespace {

std::string excerpt(std::string_view body) {
  constexpr std::size_t kLimit = 300;
  std::string out;
  for (char c : body.substr(0, kLimit)) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  if (body.size() > kLimit) {
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0U) == 0x80U) out.pop_back();
    if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80U) != 0) out.pop_back();
    out += "…";
  }
  return out.empty() ? std::string("(empty body)") : out;
}

}  // namespace

std::string percentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                            (byte >= '0' && byte <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4U]);
      out.push_back(kHex[byte & 0x0fU]);
    }
  }
  return out;
}

Result<plugin::DeliveryReceipt> readRobotAnswer(const plugin::HttpResponse& response, const std::string& where) {
  if (response.status < 200 || response.status > 299) {
    return makeError(fmt::format("{} answered HTTP {}: {}", where, response.status, excerpt(response.body)));
  }
  const auto answer = nlohmann::json::parse(response.body, nullptr, false);
  if (answer.is_discarded() || !answer.is_object() || !answer.contains("errcode") ||
      !answer["errcode"].is_number_integer()) {
    return makeError(
        fmt::format("{} answered HTTP {} without a JSON errcode: {}", where, response.status, excerpt(response.body)));
  }
  const auto code = answer["errcode"].get<long long>();
  const std::string text = answer.contains("errmsg") && answer["errmsg"].is_string() ? answer["errmsg"].get<std::string>()
                                                                                     : std::string("(no errmsg)");
  if (code != 0) return makeError(fmt::format("{} refused the message: errcode {}: {}", where, code, excerpt(text)));
  return plugin::DeliveryReceipt{fmt::format("errcode 0: {}", excerpt(text))};
}

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
    request.method = "POST";
    request.url = settings_.base_url + "/cgi-bin/webhook/send?key=" + percentEncode(key_);
    request.headers = {{"Content-Type", "application/json; charset=utf-8"}};
    request.body = std::move(body.value());
    request.timeout = settings_.timeout;
    request.connect_timeout = settings_.connect_timeout;
    request.verify_tls = settings_.verify_tls;
    request.ca_file = settings_.ca_file;
    auto response = host_.http().send(request, &cancel);
    if (!response) return makeError(fmt::format("{}: the request failed: {}", where, response.error().message));
    return readRobotAnswer(response.value(), where);
  } catch (const std::exception& e) {
    return makeError(fmt::format("{}: unexpected failure: {}", where, e.what()));
  }
}

}  // namespace staffchain::wecom
