#include "webhook_settings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "staffchain/plugin/support/secrets.hpp"

namespace staffchain::webhook {
namespace {

bool sameHeader(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Headers the plugin sets itself; a configured one would silently fight them.
constexpr std::string_view kReservedHeaders[] = {"Content-Type", "Content-Length", "Idempotency-Key", "Host"};

bool readHeaderName(plugin::ConfigReader& table, std::string_view name, const WebhookSettings& settings) {
  if (!isHeaderName(name)) {
    table.fail(name, "is not a valid HTTP header name");
    return false;
  }
  for (auto reserved : kReservedHeaders) {
    if (sameHeader(name, reserved)) {
      table.fail(name, fmt::format("{} is set by the notifier itself and cannot be configured", reserved));
      return false;
    }
  }
  if (sameHeader(name, settings.signature_header) || sameHeader(name, settings.timestamp_header)) {
    table.fail(name, "is the signature or timestamp header, set by the notifier itself");
    return false;
  }
  return true;
}

}  // namespace

bool isHeaderName(std::string_view name) {
  if (name.empty()) return false;
  constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return std::all_of(name.begin(), name.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || kSpecials.find(c) != std::string_view::npos;
  });
}

std::optional<WebhookSettings> readWebhookSettings(plugin::ConfigReader& config) {
  WebhookSettings settings;
  bool fatal = false;

  if (auto url = config.requiredString("url")) {
    if (url->rfind("https://", 0) != 0 && url->rfind("http://", 0) != 0) {
      config.fail("url", "expected an http:// or https:// URL");
      fatal = true;
    } else {
      settings.url = *url;
    }
  } else {
    fatal = true;
  }

  settings.signing_secret = config.secret("signing_secret");
  if (config.has("signing_secret") && !settings.signing_secret) fatal = true;
  for (auto [key, target] : {std::pair{"signature_header", &settings.signature_header},
                             std::pair{"timestamp_header", &settings.timestamp_header}}) {
    if (auto name = config.string(key)) {
      if (isHeaderName(*name)) {
        *target = *name;
      } else {
        config.fail(key, fmt::format("\"{}\" is not a valid HTTP header name", *name));
        fatal = true;
      }
    }
  }
  if (sameHeader(settings.signature_header, settings.timestamp_header)) {
    config.fail("timestamp_header", "must differ from signature_header");
    fatal = true;
  }

  if (const toml::table* headers = config.subtable("headers")) {
    plugin::ConfigReader table = config.child(*headers, "headers");
    for (const auto& [key, node] : *headers) {
      const std::string name(key.str());
      auto value = table.string(name);
      if (!value) {
        fatal = true;
        continue;
      }
      if (!readHeaderName(table, name, settings)) {
        fatal = true;
      } else if (value->find_first_of("\r\n") != std::string::npos) {
        table.fail(name, "a header value cannot contain a line break");
        fatal = true;
      } else {
        settings.headers.emplace_back(name, *value);
      }
    }
  }
  if (const toml::table* headers = config.subtable("secret_headers")) {
    plugin::ConfigReader table = config.child(*headers, "secret_headers");
    for (const auto& [key, node] : *headers) {
      const std::string name(key.str());
      auto reference = table.secret(name);
      if (!reference || !readHeaderName(table, name, settings)) {
        fatal = true;
        continue;
      }
      settings.secret_headers.emplace_back(name, *reference);
    }
  }

  settings.connection = plugin::HttpConnection::read(config, plugin::HttpKeys::notifier, std::chrono::seconds(10),
                                                     std::chrono::seconds(5));
  settings.max_message_bytes =
      static_cast<std::size_t>(config.integer("max_message_bytes", 256, 16 * 1024 * 1024, 64 * 1024));
  settings.messages_per_minute = static_cast<std::size_t>(config.integer("messages_per_minute", 0, 100'000, 0));

  if (fatal) return std::nullopt;
  return settings;
}

std::optional<WebhookSecrets> resolveWebhookSecrets(plugin::ConfigReader& config, plugin::HostContext& host,
                                                    const WebhookSettings& settings) {
  bool ok = true;
  WebhookSecrets secrets;
  for (const auto& [name, reference] : settings.secret_headers) {
    auto value = plugin::resolveSecretSetting(config, host, "secret_headers." + name, reference);
    if (!value) {
      ok = false;
    } else if (value->find_first_of("\r\n") != std::string::npos) {
      config.fail("secret_headers." + name, "the secret's value contains a line break");
      ok = false;
    } else {
      secrets.headers.emplace_back(name, std::move(*value));
    }
  }
  if (settings.signing_secret) {
    auto value = plugin::resolveSecretSetting(config, host, "signing_secret", *settings.signing_secret);
    if (value)
      secrets.signing_secret = std::move(*value);
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return secrets;
}

}  // namespace staffchain::webhook
