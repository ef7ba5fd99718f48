#include "rest_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "json_path.hpp"
#include "staffchain/plugin/canonical_columns.hpp"

namespace staffchain::rest {
namespace {

using plugin::LogLevel;

std::string describeStatus(const plugin::HttpResponse& response) {
  std::string body = response.body.substr(0, 200);
  for (auto& c : body) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return body.empty() ? fmt::format("HTTP {}", response.status) : fmt::format("HTTP {} ({})", response.status, body);
}

std::optional<std::int64_t> parseCount(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

Result<Credentials> resolveCredentials(const AuthSettings& auth, const plugin::HostContext& host) {
  Credentials credentials;
  const auto resolve = [&](const std::string& reference, std::string_view what) -> Result<std::string> {
    auto value = host.resolveSecret(reference);
    if (!value) return makeError(fmt::format("auth.{}: {}", what, value.error().message));
    if (value->empty()) return makeError(fmt::format("auth.{}: the secret {} is empty", what, reference));
    return value;
  };
  switch (auth.type) {
    case AuthType::none:
      break;
    case AuthType::bearer: {
      auto token = resolve(auth.token, "token");
      if (!token) return std::move(token).error();
      credentials.headers.emplace_back("Authorization", "Bearer " + *token);
      break;
    }
    case AuthType::header: {
      auto token = resolve(auth.token, "token");
      if (!token) return std::move(token).error();
      credentials.headers.emplace_back(auth.header, *token);
      break;
    }
    case AuthType::basic: {
      auto password = resolve(auth.password, "password");
      if (!password) return std::move(password).error();
      credentials.basic_user = auth.user;
      credentials.basic_password = *password;
      break;
    }
  }
  return credentials;
}

RestSource::RestSource(RestSettings settings, Credentials credentials, plugin::HostContext& host)
    : settings_(std::move(settings)),
      credentials_(std::move(credentials)),
      host_(host),
      random_(std::random_device{}()),
      origin_(originOf(settings_.base_url)) {
  if (settings_.rate_limit) limiter_.emplace(settings_.rate_limit->count, settings_.rate_limit->window);
}

Result<plugin::SourceBatch> RestSource::pull(const plugin::PullRequest& request) {
  auto decoded = RestCursor::decode(request.cursor);
  if (!decoded) return std::move(decoded).error();
  RestCursor cursor = std::move(decoded.value());

  // Go on with the listing the last batch left open; one that is no longer configured is
  // dropped and the round starts over.
  std::size_t index = 0;
  bool resuming = false;
  if (!cursor.active.empty()) {
    for (std::size_t i = 0; i < settings_.endpoints.size(); ++i) {
      if (settings_.endpoints[i].name() == cursor.active) {
        index = i;
        resuming = true;
      }
    }
  }
  const Endpoint& endpoint = settings_.endpoints[index];
  EndpointPosition& position = cursor.endpoints[std::string(endpoint.name())];
  // A next-page link committed before base_url changed would send credentials to the old server.
  if (resuming && endpoint.pagination.style == PaginationStyle::link && !position.next.empty() &&
      originOf(position.next) != origin_) {
    host_.logger().log(LogLevel::info, fmt::format("the committed next page of {} is on {}, no longer base_url; "
                                                   "reading the listing again from its start",
                                                   endpoint.name(), originOf(position.next)));
    resuming = false;
  }
  if (!resuming) startListing(position, endpoint);
  cursor.active = std::string(endpoint.name());

  plugin::SourceBatch batch;
  PageOutcome outcome;
  // A full snapshot must arrive in one batch (the host removes whatever it does not repeat),
  // so its pages are all read now; any other listing commits page by page.
  do {
    if (request.cancel != nullptr && request.cancel->cancelled()) {
      return makeError(fmt::format("pulling {} from {} was cancelled", endpoint.name(), endpoint.path));
    }
    auto page = readPage(endpoint, position, batch, request.cancel);
    if (!page) return std::move(page).error();
    outcome = *page;
  } while (endpoint.full_snapshot && outcome.more);

  if (outcome.more) {
    batch.more = true;
    // What this listing still holds; with several endpoints, the ones after it are not counted.
    if (outcome.total) {
      batch.remaining = static_cast<std::uint64_t>(std::max<std::int64_t>(0, *outcome.total - position.read));
    }
  } else {
    finishListing(position, !outcome.malformed);
    if (endpoint.full_snapshot && !outcome.malformed) batch.full_snapshot_of.push_back(endpoint.type);
    if (index + 1 < settings_.endpoints.size()) {
      const Endpoint& following = settings_.endpoints[index + 1];
      cursor.active = std::string(following.name());
      startListing(cursor.endpoints[cursor.active], following);
      batch.more = true;  // the next endpoint's count is unknown until its first page
    } else {
      cursor.active.clear();
      batch.remaining = 0;
    }
  }
  batch.cursor = cursor.encode();
  return batch;
}

void RestSource::startListing(EndpointPosition& position, const Endpoint& endpoint) {
  position.since =
      position.watermark.empty() && endpoint.incremental ? endpoint.incremental->start : position.watermark;
  position.run_max.clear();
  position.page = 0;
  position.next.clear();
  position.read = 0;
}

void RestSource::finishListing(EndpointPosition& position, bool advance_watermark) {
  // A listing cut short by an unreadable page keeps its old watermark: the records after that
  // page were never seen, and the next round asks for them again.
  if (advance_watermark && !position.run_max.empty() &&
      (position.watermark.empty() || compareWatermarks(position.run_max, position.watermark) > 0)) {
    position.watermark = position.run_max;
  }
  position.since.clear();
  position.run_max.clear();
  position.page = 0;
  position.next.clear();
  position.read = 0;
}

std::optional<std::int64_t> RestSource::listingTotal(const Pagination& pagination, const plugin::HttpResponse& response,
                                                     const nlohmann::json& document) {
  std::optional<std::int64_t> total;
  if (!pagination.total_header.empty()) {
    if (auto header = response.header(pagination.total_header)) total = parseCount(*header);
  }
  if (!total && !pagination.total_path.empty()) {
    if (const auto* value = findPath(document, pagination.total_path); value != nullptr) {
      if (value->is_number_integer() && value->get<std::int64_t>() >= 0) total = value->get<std::int64_t>();
      if (value->is_string()) total = parseCount(value->get<std::string>());
    }
  }
  return total;
}

std::string RestSource::pageUrl(const Endpoint& endpoint, const EndpointPosition& position) const {
  const Pagination& pagination = endpoint.pagination;
  if (pagination.style == PaginationStyle::link && !position.next.empty()) return position.next;
  QueryParams query = endpoint.query;
  if (endpoint.incremental && !position.since.empty()) query.emplace_back(endpoint.incremental->param, position.since);
  if (pagination.style == PaginationStyle::page) {
    query.emplace_back(pagination.page_param, std::to_string(pagination.first_page + position.page));
  }
  if (pagination.style != PaginationStyle::none && !pagination.limit_param.empty()) {
    query.emplace_back(pagination.limit_param, std::to_string(pagination.limit));
  }
  if (pagination.style == PaginationStyle::cursor && !position.next.empty()) {
    query.emplace_back(pagination.cursor_param, position.next);
  }
  return withQuery(settings_.base_url + endpoint.path, query);
}

Result<RestSource::PageOutcome> RestSource::readPage(const Endpoint& endpoint, EndpointPosition& position,
                                                     plugin::SourceBatch& batch, const plugin::CancelToken* cancel) {
  const std::string url = pageUrl(endpoint, position);
  const std::int64_t page_number = position.page + 1;
  const std::string where = fmt::format("GET {} page {}", pathAndQueryOf(url), page_number);
  auto response = fetch(url, cancel);
  if (!response) return std::move(response).error();

  PageOutcome outcome;
  const auto reject = [&](std::string reason) {
    batch.rejected.push_back(plugin::RejectedRecord{
        endpoint.type,
        where,
        "",
        fmt::format("{} endpoint {} page {}: {}", endpoint.name(), endpoint.path, page_number, reason),
        {}});
    host_.logger().log(LogLevel::warn, fmt::format("{}: quarantined: {}", where, reason));
    outcome.malformed = true;
    return outcome;
  };
  const auto document = nlohmann::json::parse(response->body, nullptr, false);
  if (document.is_discarded()) {
    const auto type = response->header("content-type").value_or("no content type");
    return reject(fmt::format("the response is not JSON ({}, {} bytes)", type, response->body.size()));
  }
  const nlohmann::json* records = findPath(document, endpoint.records_path);
  if (records == nullptr) return reject(fmt::format("the response has no \"{}\"", endpoint.records_path));
  if (!records->is_array()) {
    return reject(fmt::format("\"{}\" is a JSON {}, not an array of records",
                              endpoint.records_path.empty() ? "(the body)" : endpoint.records_path,
                              records->type_name()));
  }

  const std::string id_field = endpoint.mapping.sourceField(plugin::canonicalColumns(endpoint.type).front());
  std::size_t item = 0;
  for (const auto& record : *records) {
    ++item;
    if (!record.is_object()) {
      batch.rejected.push_back(
          plugin::RejectedRecord{endpoint.type,
                                 fmt::format("{} item {}", where, item),
                                 "",
                                 fmt::format("{} endpoint {} page {} item {}: a JSON {}, not an object",
                                             endpoint.name(), endpoint.path, page_number, item, record.type_name()),
                                 {}});
      continue;
    }
    std::string origin = fmt::format("{} item {}", where, item);
    if (const auto* id = findPath(record, id_field); id != nullptr && !id->is_null()) {
      origin += fmt::format(" (id {})", textOf(*id));
    }
    if (endpoint.incremental) {
      if (const auto* updated = findPath(record, endpoint.incremental->field);
          updated != nullptr && !updated->is_null()) {
        const std::string value = textOf(*updated);
        if (position.run_max.empty() || compareWatermarks(value, position.run_max) > 0) position.run_max = value;
      }
    }
    endpoint.mapping.applyInto(
        batch,
        [&record](std::string_view field) -> std::optional<std::string> {
          const auto* value = findPath(record, field);
          if (value == nullptr) return std::nullopt;
          return textOf(*value);
        },
        std::move(origin));
  }
  ++position.page;
  position.read += static_cast<std::int64_t>(records->size());

  const Pagination& pagination = endpoint.pagination;
  outcome.total = listingTotal(pagination, *response, document);
  switch (pagination.style) {
    case PaginationStyle::none:
      break;
    case PaginationStyle::page: {
      outcome.more = pageHasMore(position.page, pagination.limit, records->size(), outcome.total);
      break;
    }
    case PaginationStyle::link: {
      const auto link = response->header("link");
      const auto next = link ? linkTarget(*link, "next") : std::nullopt;
      if (!next) break;
      const std::string resolved = resolveUrl(url, *next);
      // Credentials go with every request: never follow a link to another server.
      if (originOf(resolved) != origin_) {
        return makeError(
            fmt::format("{}: the next-page link points to {}, not to {}; refusing to send credentials "
                        "there",
                        where, originOf(resolved), origin_));
      }
      outcome.more = resolved != url && !records->empty();
      position.next = resolved;
      break;
    }
    case PaginationStyle::cursor: {
      const auto* token = findPath(document, pagination.cursor_path);
      const std::string text = token == nullptr ? std::string() : textOf(*token);
      outcome.more = !text.empty() && text != position.next && !records->empty();
      position.next = text;
      break;
    }
  }
  host_.logger().log(LogLevel::debug, fmt::format("{}: HTTP {}, {} records{}", where, response->status, records->size(),
                                                  outcome.more ? ", more to come" : ""));
  return outcome;
}

Result<plugin::HttpResponse> RestSource::fetch(const std::string& url, const plugin::CancelToken* cancel) {
  plugin::HttpRequest request;
  request.url = url;
  request.headers.emplace_back("Accept", "application/json");
  applyConnection(request, settings_, credentials_);

  const std::string target = "GET " + pathAndQueryOf(url);
  std::string last_problem;
  for (int attempt = 1; attempt <= settings_.retry.attempts; ++attempt) {
    if (attempt > 1) {
      const auto wait = settings_.retry.delay(attempt - 1, random_);
      host_.logger().log(LogLevel::info, fmt::format("{}: {}; try {} of {} in {} ms", target, last_problem, attempt,
                                                     settings_.retry.attempts, wait.count()));
      if (!plugin::sleepUnlessCancelled(wait, cancel)) return makeError(fmt::format("{}: cancelled", target));
    }
    if (limiter_ && !limiter_->acquire(cancel)) return makeError(fmt::format("{}: cancelled", target));
    auto response = host_.http().send(request, cancel);
    if (!response) {
      if (cancel != nullptr && cancel->cancelled()) return std::move(response).error();
      last_problem = response.error().message;
      continue;
    }
    const long status = response->status;
    if (status >= 200 && status < 300) return response;
    if (status == 401 || status == 403) {
      return makeError(
          fmt::format("{} on {}: the server refused the credentials (HTTP {}); check the connector's "
                      "auth settings and the secret they name",
                      target, origin_, status));
    }
    last_problem = describeStatus(*response);
    // 5xx, 408 and 429 are the server's passing trouble; any other status will not change.
    if (status < 500 && status != 408 && status != 429) {
      return makeError(fmt::format("{} on {}: {}", target, origin_, last_problem));
    }
  }
  return makeError(
      fmt::format("{} on {}: failed after {} attempts: {}", target, origin_, settings_.retry.attempts, last_problem));
}

}  // namespace staffchain::rest
