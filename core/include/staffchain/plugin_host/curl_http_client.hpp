// CurlHttpClient: the host's HttpClient, on libcurl.
#pragma once

#include "staffchain/plugin/http_client.hpp"

namespace staffchain::plugin_host {

class CurlHttpClient final : public plugin::HttpClient {
 public:
  CurlHttpClient();
  Result<plugin::HttpResponse> send(const plugin::HttpRequest& request, const plugin::CancelToken* cancel) override;
};

// The URL without query string or credentials, for messages (a token may sit in the query).
std::string redactUrl(std::string_view url);

}  // namespace staffchain::plugin_host
