// RestSink: each movement notice POSTed (or PUT to its own URL) as JSON to a department's API,
// with an idempotency key header so that the target can refuse a retried notice.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rest_settings.hpp"
#include "rest_source.hpp"
#include "staffchain/plugin/descriptor.hpp"
#include "staffchain/plugin/support/notice_mapping.hpp"

namespace staffchain::rest {

struct RestSinkSettings {
  std::string url;              // may hold {notice_id}, percent-encoded when filled in
  std::string method = "POST";  // or "PUT" (to a URL with {notice_id})
  std::string idempotency_header = "Idempotency-Key";
  AuthSettings auth;
  // request_timeout 20 s: below the host's bound on one delivery (the sink's `timeout`, 30 s by
  // default), so that a slow target is this sink's error, with its URL, rather than the host's
  // timeout.
  plugin::HttpConnection connection;
  std::vector<std::pair<std::string, std::string>> headers;
  plugin::NoticeMapping mapping;
};

// Reads the sink's keys, reporting each problem into `config`; nullopt when one is fatal.
std::optional<RestSinkSettings> readRestSinkSettings(plugin::ConfigReader& config);

class RestSink final : public plugin::SinkConnector {
 public:
  RestSink(RestSinkSettings settings, Credentials credentials, plugin::HostContext& host);

  // 2xx: delivered; 409: the target has it already (a duplicate); other 4xx: a permanent
  // error; 5xx, 408, 429 and transport failures: an error worth retrying.
  Result<plugin::SinkReceipt> deliver(const plugin::Notice& notice, const plugin::CancelToken& cancel) override;
  [[nodiscard]] std::string describe(const plugin::Notice& notice) const override;

  // The request for `notice`, exactly as it is sent.
  [[nodiscard]] Result<plugin::HttpRequest> buildRequest(const plugin::Notice& notice) const;

 private:
  [[nodiscard]] std::string urlFor(const plugin::Notice& notice) const;

  RestSinkSettings settings_;
  Credentials credentials_;
  plugin::HostContext& host_;
};

void validateRestSink(plugin::ConfigReader& config) noexcept;
std::unique_ptr<plugin::SinkConnector> createRestSink(plugin::ConfigReader& config,
                                                      const plugin::CreateArgs& args) noexcept;

}  // namespace staffchain::rest
