#include "webhook_notifier.hpp"

#include <fmt/format.h>

#include "webhook_signature.hpp"

namespace staffchain::webhook {

std::string redactUrl(std::string_view url) {
  std::string_view out = url.substr(0, url.find_first_of("?#"));
  const auto scheme = out.find("://");
  if (scheme == std::string_view::npos) return std::string(out);
  const auto authority = scheme + 3;
  const auto path = out.find('/', authority);
  const auto at = out.substr(0, path).rfind('@');
  if (at != std::string_view::npos && at > authority) {
    return std::string(out.substr(0, authority)) + std::string(out.substr(at + 1));
  }
  return std::string(out);
}

std::string answerExcerpt(std::string_view body, std::size_t limit) {
  std::string out;
  for (char c : body.substr(0, limit)) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  // Never end inside a UTF-8 sequence.
  while (!out.empty() && body.size() > limit && (static_cast<unsigned char>(out.back()) & 0xC0U) == 0x80U)
    out.pop_back();
  if (!out.empty() && body.size() > limit && (static_cast<unsigned char>(out.back()) & 0x80U) != 0) out.pop_back();
  if (body.size() > limit) out += "…";
  return out.empty() ? std::string("(empty body)") : out;
}

WebhookNotifier::WebhookNotifier(WebhookSettings settings,
                                 std::vector<std::pair<std::string, std::string>> secret_headers,
                                 std::string signing_secret, plugin::HostContext& host)
    : settings_(std::move(settings)),
      secret_headers_(std::move(secret_headers)),
      signing_secret_(std::move(signing_secret)),
      host_(host) {}

plugin::HttpRequest WebhookNotifier::buildRequest(const plugin::Notification& message, long long unix_seconds) const {
  plugin::HttpRequest request;
  request.method = "POST";
  request.url = settings_.url;
  request.body = message.json;
  settings_.connection.applyTo(request);
  request.headers = settings_.headers;
  request.headers.insert(request.headers.end(), secret_headers_.begin(), secret_headers_.end());
  request.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  request.headers.emplace_back("Idempotency-Key", message.idempotency_key);
  if (!signing_secret_.empty()) {
    const std::string timestamp = std::to_string(unix_seconds);
    request.headers.emplace_back(settings_.timestamp_header, timestamp);
    request.headers.emplace_back(settings_.signature_header,
                                 signatureHeaderValue(signing_secret_, timestamp, request.body));
  }
  return request;
}

Result<plugin::DeliveryReceipt> WebhookNotifier::send(const plugin::Notification& message,
                                                      const plugin::CancelToken& cancel) {
  const std::string where = redactUrl(settings_.url);
  if (message.json.empty()) {
    return makeError(fmt::format("webhook {}: message {} has no JSON body to post", where, message.idempotency_key));
  }
  if (message.idempotency_key.find_first_of("\r\n") != std::string::npos) {
    return makeError(fmt::format("webhook {}: the idempotency key contains a line break", where));
  }
  if (cancel.cancelled()) return makeError(fmt::format("webhook {}: cancelled before sending", where));
  try {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(host_.now().time_since_epoch()).count();
    auto response = host_.http().send(buildRequest(message, static_cast<long long>(seconds)), &cancel);
    if (!response) return makeError(fmt::format("webhook POST {} failed: {}", where, response.error().message));
    if (response->status < 200 || response->status > 299) {
      return makeError(
          fmt::format("webhook POST {} answered HTTP {}: {}", where, response->status, answerExcerpt(response->body)));
    }
    return plugin::DeliveryReceipt{fmt::format("HTTP {}: {}", response->status, answerExcerpt(response->body))};
  } catch (const std::exception& e) {
    return makeError(fmt::format("webhook POST {}: unexpected failure: {}", where, e.what()));
  }
}

}  // namespace staffchain::webhook
