#include "webhook_sink.hpp"

#include <fmt/format.h>

#include "staffchain/plugin/support/sink_http.hpp"

namespace staffchain::webhook {

std::optional<WebhookSinkSettings> readWebhookSinkSettings(plugin::ConfigReader& config) {
  const std::size_t errors_before = config.errors().size();
  // Splitting and pacing are the notifier's: a notice is one small document, sent when due.
  for (const char* key : {"max_message_bytes", "messages_per_minute"}) {
    if (config.has(key)) {
      config.fail(key, "only used by the webhook notifier, not by a sink");
      config.accept(key);
    }
  }
  auto transport = readWebhookSettings(config);
  WebhookSinkSettings settings;
  settings.mapping = plugin::NoticeMapping::readFrom(config);
  if (auto body = plugin::noticeJson(settings.mapping.render(plugin::Notice{})); !body) {
    config.fail("mapping", body.error().message);
  }
  if (!transport || config.errors().size() != errors_before) return std::nullopt;
  settings.transport = std::move(*transport);
  return settings;
}

WebhookSink::WebhookSink(WebhookSinkSettings settings, std::vector<std::pair<std::string, std::string>> secret_headers,
                         std::string signing_secret, plugin::HostContext& host)
    : mapping_(std::move(settings.mapping)),
      where_("webhook sink POST " + redactUrl(settings.transport.url)),
      poster_(std::move(settings.transport), std::move(secret_headers), std::move(signing_secret), host),
      host_(host) {}

Result<plugin::HttpRequest> WebhookSink::buildRequest(const plugin::Notice& notice, long long unix_seconds) const {
  if (notice.id.empty() || notice.id.find_first_of("\r\n") != std::string::npos) {
    return makeError(
        fmt::format("notice id \"{}\" cannot be an idempotency key (empty or with a line break)", notice.id));
  }
  auto body = plugin::noticeJson(mapping_.render(notice));
  if (!body) return std::move(body).error();
  plugin::Notification message;
  message.idempotency_key = notice.id;
  message.receiver = notice.sink;
  message.json = std::move(body.value());
  return poster_.buildRequest(message, unix_seconds);
}

Result<plugin::SinkReceipt> WebhookSink::deliver(const plugin::Notice& notice, const plugin::CancelToken& cancel) {
  try {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(host_.now().time_since_epoch()).count();
    return plugin::sendNotice(host_.http(), buildRequest(notice, static_cast<long long>(seconds)), where_, notice.id,
                              cancel);
  } catch (const std::exception& e) {
    return makeError(fmt::format("{}: notice {}: unexpected failure: {}", where_, notice.id, e.what()));
  }
}

std::string WebhookSink::describe(const plugin::Notice& notice) const {
  auto body = plugin::noticeJson(mapping_.render(notice, true));
  return fmt::format("{} would send, with Idempotency-Key {}: {}", where_, notice.id,
                     body ? *body : body.error().message);
}

void validateWebhookSink(plugin::ConfigReader& config) noexcept {
  try {
    (void)readWebhookSinkSettings(config);
  } catch (const std::exception& e) {
    config.errors().push_back(fmt::format("{}: cannot be read: {}", config.path(), e.what()));
  }
}

std::unique_ptr<plugin::SinkConnector> createWebhookSink(plugin::ConfigReader& config,
                                                         const plugin::CreateArgs& args) noexcept {
  try {
    auto settings = readWebhookSinkSettings(config);
    if (!settings) return nullptr;
    auto secrets = resolveWebhookSecrets(config, args.host, settings->transport);
    if (!secrets) return nullptr;
    return std::make_unique<WebhookSink>(std::move(*settings), std::move(secrets->headers),
                                         std::move(secrets->signing_secret), args.host);
  } catch (const std::exception& e) {
    config.errors().push_back(fmt::format("{}: cannot be created: {}", config.path(), e.what()));
    return nullptr;
  }
}

}  // namespace staffchain::webhook
