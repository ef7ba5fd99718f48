#include "rest_settings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace staffchain::rest {
namespace {

using plugin::ConfigReader;

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

QueryParams readQuery(ConfigReader& reader) {
  QueryParams query;
  const toml::table* table = reader.subtable("query");
  if (table == nullptr) return query;
  for (const auto& [key, node] : *table) {
    if (const auto* text = node.as_string()) {
      query.emplace_back(std::string(key.str()), text->get());
    } else if (const auto* number = node.as_integer()) {
      query.emplace_back(std::string(key.str()), std::to_string(number->get()));
    } else {
      reader.fail(node, fmt::format("query.{}", key.str()), "expected a string or an integer");
    }
  }
  return query;
}

Pagination readPagination(ConfigReader& endpoint) {
  Pagination pagination;
  const toml::table* table = endpoint.subtable("pagination");
  if (table == nullptr) return pagination;
  ConfigReader reader = endpoint.child(*table, "pagination");
  const auto style = reader.choice("style", {"none", "page", "link", "cursor"});
  if (!style && !reader.has("style")) reader.missing("style");
  if (style == "page") pagination.style = PaginationStyle::page;
  if (style == "link") pagination.style = PaginationStyle::link;
  if (style == "cursor") pagination.style = PaginationStyle::cursor;
  pagination.page_param = reader.string("page_param", pagination.page_param);
  pagination.limit_param = reader.string("limit_param", pagination.limit_param);
  pagination.limit = reader.integer("limit", 1, 100'000, pagination.limit);
  pagination.first_page = reader.integer("first_page", 0, 1, pagination.first_page);
  pagination.total_header = reader.string("total_header", "");
  pagination.total_path = reader.string("total_path", "");
  pagination.cursor_path = reader.string("cursor_path", "");
  pagination.cursor_param = reader.string("cursor_param", pagination.cursor_param);
  if (pagination.style == PaginationStyle::page && pagination.page_param.empty()) {
    reader.fail("page_param", "page pagination needs the name of the page parameter");
  }
  if (pagination.style == PaginationStyle::cursor) {
    if (pagination.cursor_path.empty()) reader.missing("cursor_path");
    if (pagination.cursor_param.empty()) reader.fail("cursor_param", "cursor pagination needs a parameter name");
  }
  const bool page_only = pagination.style != PaginationStyle::page;
  for (const char* key : {"page_param", "first_page"}) {
    if (page_only && reader.has(key)) reader.fail(key, "only applies to style = \"page\"");
  }
  for (const char* key : {"total_header", "total_path"}) {
    if (pagination.style == PaginationStyle::none && reader.has(key)) {
      reader.fail(key, "only applies to paginated listings (style = \"page\", \"link\" or \"cursor\")");
    }
  }
  for (const char* key : {"cursor_path", "cursor_param"}) {
    if (pagination.style != PaginationStyle::cursor && reader.has(key)) {
      reader.fail(key, "only applies to style = \"cursor\"");
    }
  }
  reader.finish();
  return pagination;
}

std::optional<Incremental> readIncremental(ConfigReader& endpoint) {
  const toml::table* table = endpoint.subtable("incremental");
  if (table == nullptr) return std::nullopt;
  ConfigReader reader = endpoint.child(*table, "incremental");
  Incremental incremental;
  incremental.param = reader.requiredString("param").value_or("");
  incremental.field = reader.requiredString("field").value_or("");
  incremental.start = reader.string("start", "");
  reader.finish();
  return incremental;
}

void readEndpoints(ConfigReader& config, RestSettings& settings) {
  const toml::table* table = config.subtable("endpoints");
  if (table == nullptr) {
    config.missing("endpoints");
    return;
  }
  ConfigReader endpoints = config.child(*table, "endpoints");
  for (const auto& [key, node] : *table) {
    const auto type = plugin::recordTypeFromFile(key.str());
    if (!type) {
      endpoints.fail(key.str(), fmt::format("not a canonical record type ({})", plugin::kCanonicalFileList));
      continue;
    }
    const toml::table* endpoint_table = endpoints.subtable(key.str());
    if (endpoint_table == nullptr) continue;
    ConfigReader reader = endpoints.child(*endpoint_table, key.str());
    Endpoint endpoint(*type);
    if (auto path = reader.requiredString("path")) {
      endpoint.path = *path;
      if (!endpoint.path.empty() && endpoint.path.front() != '/') endpoint.path.insert(0, "/");
    }
    endpoint.records_path = reader.string("records_path", "");
    endpoint.query = readQuery(reader);
    endpoint.pagination = readPagination(reader);
    endpoint.incremental = readIncremental(reader);
    endpoint.full_snapshot = reader.boolean("full_snapshot", false);
    if (endpoint.full_snapshot && endpoint.incremental) {
      reader.fail("full_snapshot",
                  "a full snapshot cannot be incremental: a partial listing would remove every "
                  "record it does not repeat");
    }
    if (const toml::table* mapping = reader.subtable("mapping")) {
      ConfigReader mapping_reader = reader.child(*mapping, "mapping");
      endpoint.mapping = plugin::FieldMapping::read(mapping_reader, *type);
      mapping_reader.finish();
    }
    reader.finish();
    settings.endpoints.push_back(std::move(endpoint));
  }
  if (table->empty()) config.fail("endpoints", "expected at least one [endpoints.<record type>] table");
  std::sort(settings.endpoints.begin(), settings.endpoints.end(),
            [](const Endpoint& a, const Endpoint& b) { return a.type < b.type; });
}

}  // namespace

AuthSettings readAuth(ConfigReader& config) {
  AuthSettings auth;
  const toml::table* table = config.subtable("auth");
  if (table == nullptr) return auth;
  ConfigReader reader = config.child(*table, "auth");
  const auto type = reader.choice("type", {"none", "bearer", "basic", "header"});
  if (!type && !reader.has("type")) reader.missing("type");
  auth.token = reader.secret("token").value_or("");
  auth.user = reader.string("user", "");
  auth.password = reader.secret("password").value_or("");
  auth.header = reader.string("header", auth.header);
  if (type == "bearer") {
    auth.type = AuthType::bearer;
    if (!reader.has("token")) reader.missing("token");
  } else if (type == "basic") {
    auth.type = AuthType::basic;
    if (!reader.has("user")) reader.missing("user");
    if (!reader.has("password")) reader.missing("password");
  } else if (type == "header") {
    auth.type = AuthType::header;
    if (!reader.has("token")) reader.missing("token");
    if (auth.header.empty()) reader.fail("header", "expected the name of the header that carries the key");
  }
  reader.finish();
  return auth;
}

std::optional<RateLimit> parseRateLimit(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  std::int64_t count = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + slash, count);
  if (ec != std::errc() || end != text.data() + slash || count <= 0) return std::nullopt;
  std::string window(text.substr(slash + 1));
  if (!window.empty() && (window.front() < '0' || window.front() > '9')) window.insert(0, "1");
  const auto duration = plugin::parseDuration(window);
  if (!duration || duration->count() <= 0) return std::nullopt;
  return RateLimit{static_cast<double>(count), *duration};
}

std::optional<RestSettings> readRestSettings(ConfigReader& config) {
  RestSettings settings;
  const std::size_t errors_before = config.errors().size();
  if (auto url = config.requiredString("base_url")) {
    settings.base_url = *url;
    while (!settings.base_url.empty() && settings.base_url.back() == '/') settings.base_url.pop_back();
    if (!startsWith(settings.base_url, "http://") && !startsWith(settings.base_url, "https://")) {
      config.fail("base_url", fmt::format("\"{}\" is not an http:// or https:// URL", *url));
    }
  }
  settings.auth = readAuth(config);
  settings.connection = plugin::HttpConnection::read(config, plugin::HttpKeys::connector, std::chrono::seconds(30),
                                                     std::chrono::seconds(10));
  settings.retry = plugin::RetryPolicy::read(config);
  if (auto limit = config.string("rate_limit")) {
    settings.rate_limit = parseRateLimit(*limit);
    if (!settings.rate_limit) {
      config.fail("rate_limit", fmt::format("\"{}\" is not a rate such as \"10/s\", \"600/m\" or \"100/5m\"", *limit));
    }
  }
  if (const toml::table* headers = config.subtable("headers")) {
    for (const auto& [key, node] : *headers) {
      if (const auto* text = node.as_string()) {
        settings.headers.emplace_back(std::string(key.str()), text->get());
      } else {
        config.fail(node, fmt::format("headers.{}", key.str()), "expected a string (secrets go in auth)");
      }
    }
  }
  readEndpoints(config, settings);
  if (config.errors().size() != errors_before) return std::nullopt;
  return settings;
}

}  // namespace staffchain::rest
