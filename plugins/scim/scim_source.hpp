// ScimSource: the SourceConnector that pages through a SCIM 2.0 server's Users (RFC 7644)
// and maps each one onto the configured canonical record types.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>

#include "list_response.hpp"
#include "scim_cursor.hpp"
#include "scim_settings.hpp"
#include "staffchain/plugin/http_client.hpp"
#include "staffchain/plugin/source.hpp"

namespace staffchain::scim {

// What /ServiceProviderConfig says the server can do (RFC 7643 §5).
struct ServerFeatures {
  bool filter = false;
  bool sort = false;

  // A missing "filter" or "sort" member counts as unsupported.
  static Result<ServerFeatures> parse(std::string_view body);
};

// Percent-encodes a query parameter value (RFC 3986 unreserved characters stay).
std::string urlEncode(std::string_view text);

class ScimSource final : public plugin::SourceConnector {
 public:
  // `token` and `password` are the resolved secrets.
  ScimSource(ScimSettings settings, plugin::HostContext& host, std::string token, std::string password);

  Result<plugin::SourceBatch> pull(const plugin::PullRequest& request) override;

 private:
  // Asked once per connector start; a server without the endpoint (404) is taken to support
  // neither filtering nor sorting.
  Result<ServerFeatures> features(const plugin::CancelToken* cancel);
  // One GET with retries: transport failures, 429, 5xx and bodies `parse` refuses are retried,
  // other statuses fail at once. `Parse` is `Result<T>(std::string_view body)`.
  template <typename T, typename Parse>
  Result<T> fetch(const std::string& url, const Parse& parse, const plugin::CancelToken* cancel);
  [[nodiscard]] std::string queryUrl(const ScimCursor& cursor, std::int64_t start, const ServerFeatures& server) const;
  void mapResource(plugin::SourceBatch& batch, const nlohmann::json& resource, const std::string& origin) const;
  [[nodiscard]] std::string origin(std::int64_t start, std::size_t item, const nlohmann::json& resource) const;

  // Full snapshots: the pages of a pass wait in the state folder until its last page.
  [[nodiscard]] std::filesystem::path spoolDir(const std::string& pass) const;
  void clearSpools() const;
  Result<void> spoolPage(const std::string& pass, std::int64_t start, const nlohmann::json& resources) const;
  // The spooled pages before `before`, or nullopt when they do not run unbroken from 1.
  [[nodiscard]] std::optional<std::vector<std::pair<std::int64_t, nlohmann::json>>> spooledPages(
      const std::string& pass, std::int64_t before) const;

  ScimSettings settings_;
  plugin::HostContext& host_;
  std::string token_;
  std::string password_;
  std::optional<ServerFeatures> features_;
  long last_status_ = 0;  // of the last answer fetch() got, 0 when none
  std::mt19937_64 random_;
};

}  // namespace staffchain::scim
