// HttpClient: the host's HTTP(S) service for plugins (REST and SCIM sources, chat robots,
// webhooks), so that TLS, proxies and timeouts are configured and implemented once.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "staffchain/plugin/host_context.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::plugin {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{30'000};  // the whole exchange
  std::chrono::milliseconds connect_timeout{10'000};
  bool verify_tls = true;  // never off unless an operator says so, per connector
  std::string ca_file;     // a custom CA bundle (PEM); empty: the system's
  std::string basic_user;  // HTTP basic authentication, when set
  std::string basic_password;
};

struct HttpResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  [[nodiscard]] std::optional<std::string> header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key.size() == name.size()) {
        bool same = true;
        for (std::size_t i = 0; i < key.size() && same; ++i) {
          const char a = key[i];
          const char b = (name[i] >= 'A' && name[i] <= 'Z') ? static_cast<char>(name[i] - 'A' + 'a') : name[i];
          same = a == b;
        }
        if (same) return value;
      }
    }
    return std::nullopt;
  }
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // One exchange. A transport failure (refused, reset, timeout, TLS) is an Error naming the
  // URL without its query string; any HTTP status, 5xx included, is a response.
  virtual Result<HttpResponse> send(const HttpRequest& request, const CancelToken* cancel) = 0;
};

}  // namespace staffchain::plugin
