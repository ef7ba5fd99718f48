// CurlHttpClient: the host's HttpClient, on libcurl.
#pragma once

#include <functional>
#include <string_view>

#include "staffchain/plugin/http_client.hpp"

namespace staffchain::plugin_host {

class CurlHttpClient final : public plugin::HttpClient {
 public:
  CurlHttpClient();
  Result<plugin::HttpResponse> send(const plugin::HttpRequest& request, const plugin::CancelToken* cancel) override;
  // send() for a body too large to hold (a document): a successful answer's body goes to
  // `body` chunk by chunk as it arrives, and the response's own body stays empty; an answer of
  // 400 or more is kept whole in the response, for its message. `body` returning false stops
  // the transfer (an error naming the request).
  Result<plugin::HttpResponse> receive(const plugin::HttpRequest& request,
                                       const std::function<bool(std::string_view chunk)>& body);
};

// The URL without query string or credentials, for messages (a token may sit in the query).
std::string redactUrl(std::string_view url);

}  // namespace staffchain::plugin_host
