// RestSource: a department's HTTP(S) JSON API as a source connector: one page per pull,
// resumable from the committed cursor, incremental by an "updated since" watermark.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>

#include "rest_cursor.hpp"
#include "rest_settings.hpp"
#include "staffchain/plugin/host_context.hpp"
#include "staffchain/plugin/http_client.hpp"
#include "staffchain/plugin/source.hpp"
#include "staffchain/plugin/support/retry.hpp"

namespace staffchain::rest {

// Credentials as resolved from their secret references at creation; never logged.
struct Credentials {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string basic_user;
  std::string basic_password;
};

// Resolves the settings' secret references through the host.
Result<Credentials> resolveCredentials(const AuthSettings& auth, const plugin::HostContext& host);

// What every request of a source's or a sink's takes from its settings: timeouts, TLS, basic
// credentials, then the configured headers and the credentials' headers after those already set.
template <typename Settings>
void applyConnection(plugin::HttpRequest& request, const Settings& settings, const Credentials& credentials) {
  settings.connection.applyTo(request);
  request.basic_user = credentials.basic_user;
  request.basic_password = credentials.basic_password;
  request.headers.insert(request.headers.end(), settings.headers.begin(), settings.headers.end());
  request.headers.insert(request.headers.end(), credentials.headers.begin(), credentials.headers.end());
}

class RestSource final : public plugin::SourceConnector {
 public:
  RestSource(RestSettings settings, Credentials credentials, plugin::HostContext& host);

  Result<plugin::SourceBatch> pull(const plugin::PullRequest& request) override;

 private:
  // What reading one page found out about the listing.
  struct PageOutcome {
    bool more = false;                  // another page follows; `position` says where
    bool malformed = false;             // the page could not be read: the listing stops here
    std::optional<std::int64_t> total;  // the listing's record count, when the server gives it
  };

  Result<PageOutcome> readPage(const Endpoint& endpoint, EndpointPosition& position, plugin::SourceBatch& batch,
                               const plugin::CancelToken* cancel);
  std::string pageUrl(const Endpoint& endpoint, const EndpointPosition& position) const;
  Result<plugin::HttpResponse> fetch(const std::string& url, const plugin::CancelToken* cancel);
  static void startListing(EndpointPosition& position, const Endpoint& endpoint);
  static void finishListing(EndpointPosition& position, bool advance_watermark);
  // The listing's record count from `total_header` or `total_path`, when configured and given.
  static std::optional<std::int64_t> listingTotal(const Pagination& pagination, const plugin::HttpResponse& response,
                                                  const nlohmann::json& document);

  RestSettings settings_;
  Credentials credentials_;
  plugin::HostContext& host_;
  std::optional<plugin::RateLimiter> limiter_;
  std::minstd_rand random_;
  std::string origin_;
};

}  // namespace staffchain::rest
