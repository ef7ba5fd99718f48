#include "scim_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "timestamp.hpp"

namespace staffchain::scim {
namespace {

using nlohmann::json;
using plugin::LogLevel;
namespace fs = std::filesystem;

constexpr std::string_view kSpoolPrefix = "snapshot-";

// The detail a SCIM error body (RFC 7644 §3.12) gives, if any.
std::string scimErrorDetail(const std::string& body) {
  const json error = json::parse(body, nullptr, false);
  if (!error.is_object()) return "";
  std::string out;
  if (auto type = error.find("scimType"); type != error.end() && type->is_string()) out = type->get<std::string>();
  if (auto detail = error.find("detail"); detail != error.end() && detail->is_string()) {
    out += (out.empty() ? "" : ": ") + detail->get<std::string>();
  }
  return out;
}

std::string withoutQuery(const std::string& url) {
  return url.substr(0, url.find('?'));
}

}  // namespace

Result<ServerFeatures> ServerFeatures::parse(std::string_view body) {
  const json document = json::parse(body, nullptr, false);
  if (document.is_discarded() || !document.is_object()) return makeError("the answer is not a JSON object");
  ServerFeatures features;
  auto supported = [&](std::string_view name) {
    const json* member = findMember(document, name);
    if (member == nullptr || !member->is_object()) return false;
    const json* flag = findMember(*member, "supported");
    return flag != nullptr && flag->is_boolean() && flag->get<bool>();
  };
  features.filter = supported("filter");
  features.sort = supported("sort");
  return features;
}

std::string urlEncode(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", byte);
    }
  }
  return out;
}

ScimSource::ScimSource(ScimSettings settings, plugin::HostContext& host, std::string token, std::string password)
    : settings_(std::move(settings)),
      host_(host),
      token_(std::move(token)),
      password_(std::move(password)),
      random_(std::random_device{}()) {}

template <typename T, typename Parse>
Result<T> ScimSource::fetch(const std::string& url, const Parse& parse, const plugin::CancelToken* cancel) {
  plugin::HttpRequest request;
  request.url = url;
  request.headers.emplace_back("Accept", "application/scim+json, application/json");
  if (settings_.auth == AuthKind::bearer) request.headers.emplace_back("Authorization", "Bearer " + token_);
  if (settings_.auth == AuthKind::basic) {
    request.basic_user = settings_.user;
    request.basic_password = password_;
  }
  settings_.connection.applyTo(request);
  const std::string shown = withoutQuery(url);
  std::string last;
  for (int attempt = 1; attempt <= settings_.retry.attempts; ++attempt) {
    if (attempt > 1) {
      const auto wait = settings_.retry.delay(attempt - 1, random_);
      host_.logger().log(LogLevel::warn, fmt::format("GET {} failed ({}); try {} of {} in {} ms", shown, last, attempt,
                                                     settings_.retry.attempts, wait.count()));
      if (!plugin::sleepUnlessCancelled(wait, cancel)) break;
    }
    if (cancel != nullptr && cancel->cancelled()) break;
    last_status_ = 0;
    auto response = host_.http().send(request, cancel);
    if (!response) {
      last = response.error().message;
      continue;
    }
    const long status = response->status;
    last_status_ = status;
    if (status == 429 || status >= 500) {
      last = fmt::format("HTTP {}", status);
      if (auto detail = scimErrorDetail(response->body); !detail.empty()) last += ": " + detail;
      continue;
    }
    if (status < 200 || status > 299) {
      std::string detail = scimErrorDetail(response->body);
      if (status == 401 || status == 403) detail += detail.empty() ? "check auth" : " (check auth)";
      return makeError(
          fmt::format("GET {}: the server answered HTTP {}{}{}", shown, status, detail.empty() ? "" : ": ", detail));
    }
    auto parsed = parse(std::string_view(response->body));
    if (parsed) return std::move(parsed.value());
    last = fmt::format("not a valid SCIM answer: {}", parsed.error().message);
  }
  if (cancel != nullptr && cancel->cancelled()) return makeError(fmt::format("GET {}: cancelled", shown));
  return makeError(fmt::format("GET {} failed after {} tries: {}", shown, settings_.retry.attempts, last));
}

Result<ServerFeatures> ScimSource::features(const plugin::CancelToken* cancel) {
  if (features_) return *features_;
  auto fetched = fetch<ServerFeatures>(settings_.base_url + "/ServiceProviderConfig", &ServerFeatures::parse, cancel);
  if (!fetched && last_status_ == 404) {
    host_.logger().log(LogLevel::warn,
                       fmt::format("{}/ServiceProviderConfig is missing (HTTP 404): assuming the server "
                                   "can neither filter nor sort",
                                   settings_.base_url));
    features_ = ServerFeatures{};
    return *features_;
  }
  if (!fetched) return fetched;
  features_ = fetched.value();
  host_.logger().log(LogLevel::info,
                     fmt::format("{}: filtering {}, sorting {}", settings_.base_url,
                                 features_->filter ? "supported" : "not supported (incremental pulls filter locally)",
                                 features_->sort ? "supported" : "not supported"));
  return *features_;
}

std::string ScimSource::queryUrl(const ScimCursor& cursor, std::int64_t start, const ServerFeatures& server) const {
  std::string url =
      fmt::format("{}/{}?startIndex={}&count={}", settings_.base_url, settings_.resource, start, settings_.page_size);
  std::string filter;
  if (server.filter) {
    if (settings_.incremental && !cursor.since.empty()) {
      filter = fmt::format("meta.lastModified gt \"{}\"", cursor.since);
    }
    if (!settings_.filter.empty()) {
      filter = filter.empty() ? settings_.filter : fmt::format("({}) and ({})", settings_.filter, filter);
    }
  }
  if (!filter.empty()) url += "&filter=" + urlEncode(filter);
  // Oldest change first: a user changed while we page moves behind us, not out of our way.
  if (settings_.incremental && server.sort) url += "&sortBy=meta.lastModified&sortOrder=ascending";
  return url;
}

std::string ScimSource::origin(std::int64_t start, std::size_t item, const json& resource) const {
  std::string id = "?";
  if (const json* member = findMember(resource, "id"); member != nullptr && member->is_string()) {
    id = member->get<std::string>();
  }
  return fmt::format("GET {}/{} startIndex {} item {} (id {})", settings_.base_url, settings_.resource, start, item + 1,
                     id);
}

void ScimSource::mapResource(plugin::SourceBatch& batch, const json& resource, const std::string& origin) const {
  auto reject_all = [&](const std::string& field, const std::string& reason) {
    for (const auto& record : settings_.records) {
      batch.rejected.push_back(plugin::RejectedRecord{record.mapping.type(), origin, field, reason, {}});
    }
  };
  if (!resource.is_object()) return reject_all("", "the resource is not a JSON object");
  const json* id = findMember(resource, "id");
  if (id == nullptr || !id->is_string() || id->get_ref<const std::string&>().empty()) {
    return reject_all("id", "the resource has no \"id\" (a non-empty string)");
  }
  for (const auto& record : settings_.records) {
    std::vector<plugin::RejectedRecord> problems;
    const plugin::FieldLookup lookup = [&](std::string_view field) -> std::optional<std::string> {
      const auto found = std::find_if(record.paths.begin(), record.paths.end(),
                                      [&](const auto& entry) { return entry.first == field; });
      if (found == record.paths.end()) return std::nullopt;
      auto value = found->second.resolve(resource);
      if (!value) {
        problems.push_back(
            plugin::RejectedRecord{record.mapping.type(), origin, std::string(field), value.error().message, {}});
        return std::nullopt;
      }
      return std::move(value.value());
    };
    auto mapped = record.mapping.apply(lookup, origin);
    for (auto& problem : mapped.problems) problems.push_back(std::move(problem));
    if (problems.empty()) {
      batch.records.push_back(std::move(mapped.record));
    } else {
      for (auto& problem : problems) batch.rejected.push_back(std::move(problem));
    }
  }
}

fs::path ScimSource::spoolDir(const std::string& pass) const {
  return fs::path(host_.stateDirectory()) / (std::string(kSpoolPrefix) + pass);
}

void ScimSource::clearSpools() const {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(host_.stateDirectory(), ec)) {
    if (entry.path().filename().string().rfind(kSpoolPrefix, 0) == 0) fs::remove_all(entry.path(), ec);
  }
}

Result<void> ScimSource::spoolPage(const std::string& pass, std::int64_t start, const json& resources) const {
  const fs::path dir = spoolDir(pass);
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path file = dir / fmt::format("{}.json", start);
  const fs::path partial = dir / fmt::format("{}.json.partial", start);
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out << resources.dump();
    if (!out) return makeError(fmt::format("cannot write the snapshot page {}", partial.string()));
  }
  fs::rename(partial, file, ec);
  if (ec) return makeError(fmt::format("cannot move {} into place: {}", partial.string(), ec.message()));
  return {};
}

std::optional<std::vector<std::pair<std::int64_t, json>>> ScimSource::spooledPages(const std::string& pass,
                                                                                   std::int64_t before) const {
  std::vector<std::pair<std::int64_t, json>> pages;
  std::int64_t expected = 1;
  while (expected < before) {
    std::ifstream in(spoolDir(pass) / fmt::format("{}.json", expected), std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    json resources = json::parse(text.str(), nullptr, false);
    if (!resources.is_array() || resources.empty()) return std::nullopt;
    const auto count = static_cast<std::int64_t>(resources.size());
    pages.emplace_back(expected, std::move(resources));
    expected += count;
  }
  if (expected != before) return std::nullopt;
  return pages;
}

Result<plugin::SourceBatch> ScimSource::pull(const plugin::PullRequest& request) {
  auto decoded = ScimCursor::decode(request.cursor);
  if (!decoded) return std::move(decoded).error();
  ScimCursor cursor = std::move(decoded.value());
  auto server = features(request.cancel);
  if (!server) return std::move(server).error();
  if (!server->filter && !settings_.filter.empty()) {
    return makeError(
        fmt::format("{} does not support filtering (its ServiceProviderConfig says filter.supported is "
                    "not true), so filter = \"{}\" cannot be applied: remove it",
                    settings_.base_url, settings_.filter));
  }
  if (cursor.betweenPasses()) {
    cursor.next_start = 1;
    cursor.seen.clear();
    cursor.pass = fmt::format("{:016x}", random_());
    if (settings_.full_snapshot) clearSpools();
  }
  const std::int64_t start = cursor.next_start;
  const std::string url = queryUrl(cursor, start, *server);
  auto page = fetch<ListResponse>(
      url, [start](std::string_view body) { return ListResponse::parse(body, start); }, request.cancel);
  if (!page) return std::move(page).error();

  plugin::SourceBatch batch;
  const auto since = parseTimestamp(cursor.since);
  const bool filter_here = settings_.incremental && !server->filter && since.has_value();
  std::size_t skipped = 0;
  for (std::size_t k = 0; k < page->resources.size(); ++k) {
    const json& resource = page->resources[k];
    std::optional<std::int64_t> modified;
    if (const json* meta = findMember(resource, "meta"); meta != nullptr) {
      if (const json* last = findMember(*meta, "lastModified"); last != nullptr && last->is_string()) {
        cursor.seen = laterTimestamp(cursor.seen, last->get<std::string>());
        modified = parseTimestamp(last->get_ref<const std::string&>());
      }
    }
    // Without server-side filtering the whole list comes back: keep only what changed.
    if (filter_here && modified && *modified <= *since) {
      ++skipped;
      continue;
    }
    if (!settings_.full_snapshot) mapResource(batch, resource, origin(page->start_index, k, resource));
  }
  const std::int64_t next = page->nextStartIndex();
  host_.logger().log(LogLevel::debug,
                     fmt::format("{}/{} startIndex {}: {} of {} users{}, next {}", settings_.base_url,
                                 settings_.resource, page->start_index, page->resources.size(), page->total_results,
                                 skipped > 0 ? fmt::format(" ({} unchanged, skipped)", skipped) : std::string(),
                                 next == 0 ? std::string("none") : std::to_string(next)));
  if (settings_.full_snapshot) {
    if (next != 0) {
      if (auto spooled = spoolPage(cursor.pass, start, page->resources); !spooled) return std::move(spooled).error();
    } else {
      auto pages = spooledPages(cursor.pass, start);
      if (!pages) {
        // The spool no longer matches the cursor (a wiped state folder): a snapshot missing pages
        // would remove people who are there, so start the pass over instead.
        host_.logger().log(LogLevel::warn, fmt::format("the pages spooled for snapshot pass {} are incomplete; "
                                                       "starting the full pull over",
                                                       cursor.pass));
        cursor.next_start = 1;
        batch.cursor = cursor.encode();
        batch.more = true;
        return batch;
      }
      pages->emplace_back(start, page->resources);
      for (const auto& [page_start, resources] : *pages) {
        for (std::size_t k = 0; k < resources.size(); ++k) {
          mapResource(batch, resources[k], origin(page_start, k, resources[k]));
        }
      }
      for (const auto& record : settings_.records) batch.full_snapshot_of.push_back(record.mapping.type());
    }
  }
  // With filtering done here, the count covers users that will be skipped as unchanged: an upper bound.
  batch.remaining = page->remainingAfter();
  if (next != 0) {
    cursor.next_start = next;
    batch.more = true;
  } else {
    if (settings_.incremental) cursor.since = laterTimestamp(cursor.since, cursor.seen);
    cursor.next_start = 1;
    cursor.seen.clear();
  }
  batch.cursor = cursor.encode();
  return batch;
}

}  // namespace staffchain::scim
