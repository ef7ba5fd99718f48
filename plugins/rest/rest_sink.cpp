#include "rest_sink.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "staffchain/plugin/support/http_text.hpp"
#include "staffchain/plugin/support/sink_http.hpp"

namespace staffchain::rest {
namespace {

using plugin::ConfigReader;

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool isHeaderName(std::string_view name) {
  constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || kSpecials.find(c) != std::string_view::npos;
  });
}

bool sameHeader(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::optional<RestSinkSettings> readRestSinkSettings(ConfigReader& config) {
  RestSinkSettings settings;
  const std::size_t errors_before = config.errors().size();
  if (auto url = config.requiredString("url")) {
    settings.url = *url;
    if (!startsWith(settings.url, "http://") && !startsWith(settings.url, "https://")) {
      config.fail("url", fmt::format("\"{}\" is not an http:// or https:// URL", *url));
    }
  }
  settings.method = config.choice("method", {"POST", "PUT"}).value_or(settings.method);
  if (settings.method == "PUT" && settings.url.find("{notice_id}") == std::string::npos) {
    config.fail("method",
                "PUT needs a url with {notice_id}: each notice is its own resource, or every PUT would "
                "replace the one before");
  }
  if (auto name = config.string("idempotency_header")) {
    if (isHeaderName(*name))
      settings.idempotency_header = *name;
    else
      config.fail("idempotency_header", fmt::format("\"{}\" is not a valid HTTP header name", *name));
  }
  settings.auth = readAuth(config);
  settings.connection = plugin::HttpConnection::read(config, plugin::HttpKeys::connector, std::chrono::seconds(20),
                                                     std::chrono::seconds(10));
  if (const toml::table* headers = config.subtable("headers")) {
    ConfigReader reader = config.child(*headers, "headers");
    for (const auto& [key, node] : *headers) {
      const std::string name(key.str());
      auto value = reader.string(name);
      if (!value) continue;
      if (!isHeaderName(name)) {
        reader.fail(name, "is not a valid HTTP header name");
      } else if (sameHeader(name, settings.idempotency_header) || sameHeader(name, "Content-Type")) {
        reader.fail(name, "is set by the sink itself and cannot be configured");
      } else if (value->find_first_of("\r\n") != std::string::npos) {
        reader.fail(name, "a header value cannot contain a line break");
      } else {
        settings.headers.emplace_back(name, *value);
      }
    }
    reader.finish();
  }
  settings.mapping = plugin::NoticeMapping::readFrom(config);
  // A field that is both a value and an object only shows when a body is built: find it now.
  if (auto body = plugin::noticeJson(settings.mapping.render(plugin::Notice{})); !body) {
    config.fail("mapping", body.error().message);
  }
  if (config.errors().size() != errors_before) return std::nullopt;
  return settings;
}

RestSink::RestSink(RestSinkSettings settings, Credentials credentials, plugin::HostContext& host)
    : settings_(std::move(settings)), credentials_(std::move(credentials)), host_(host) {}

std::string RestSink::urlFor(const plugin::Notice& notice) const {
  std::string url = settings_.url;
  const std::string encoded = plugin::percentEncode(notice.id);
  for (auto at = url.find("{notice_id}"); at != std::string::npos; at = url.find("{notice_id}", at + encoded.size())) {
    url.replace(at, std::string_view("{notice_id}").size(), encoded);
  }
  return url;
}

Result<plugin::HttpRequest> RestSink::buildRequest(const plugin::Notice& notice) const {
  if (notice.id.empty() || notice.id.find_first_of("\r\n") != std::string::npos) {
    return makeError(
        fmt::format("notice id \"{}\" cannot be an idempotency key (empty or with a line break)", notice.id));
  }
  auto body = plugin::noticeJson(settings_.mapping.render(notice));
  if (!body) return std::move(body).error();
  plugin::HttpRequest request;
  request.method = settings_.method;
  request.url = urlFor(notice);
  request.body = std::move(body.value());
  applyConnection(request, settings_, credentials_);
  request.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  request.headers.emplace_back(settings_.idempotency_header, notice.id);
  return request;
}

Result<plugin::SinkReceipt> RestSink::deliver(const plugin::Notice& notice, const plugin::CancelToken& cancel) {
  const std::string where =
      fmt::format("rest sink {} {}", settings_.method, settings_.url.substr(0, settings_.url.find('?')));
  try {
    return plugin::sendNotice(host_.http(), buildRequest(notice), where, notice.id, cancel);
  } catch (const std::exception& e) {
    return makeError(fmt::format("{}: notice {}: unexpected failure: {}", where, notice.id, e.what()));
  }
}

std::string RestSink::describe(const plugin::Notice& notice) const {
  auto body = plugin::noticeJson(settings_.mapping.render(notice, true));
  return fmt::format("rest sink would {} {} with {}: {}: {}", settings_.method,
                     urlFor(notice).substr(0, urlFor(notice).find('?')), settings_.idempotency_header, notice.id,
                     body ? *body : body.error().message);
}

void validateRestSink(ConfigReader& config) noexcept {
  try {
    (void)readRestSinkSettings(config);
  } catch (const std::exception& e) {
    config.errors().push_back(fmt::format("{}: cannot be read: {}", config.path(), e.what()));
  }
}

std::unique_ptr<plugin::SinkConnector> createRestSink(ConfigReader& config, const plugin::CreateArgs& args) noexcept {
  try {
    auto settings = readRestSinkSettings(config);
    if (!settings) return nullptr;
    auto credentials = resolveCredentials(settings->auth, args.host);
    if (!credentials) {
      config.errors().push_back(fmt::format("{}: {}", config.path(), credentials.error().message));
      return nullptr;
    }
    if (!settings->connection.verify_tls) {
      args.host.logger().log(
          plugin::LogLevel::warn,
          fmt::format("TLS certificates of {} are not verified (tls.verify = false)", settings->url));
    }
    return std::make_unique<RestSink>(std::move(*settings), std::move(credentials.value()), args.host);
  } catch (const std::exception& e) {
    config.errors().push_back(fmt::format("{}: cannot be created: {}", config.path(), e.what()));
    return nullptr;
  }
}

}  // namespace staffchain::rest
