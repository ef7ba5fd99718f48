// ApiServer: the daemon's HTTP API (Boost.Beast) on the daemon's own event loop — health,
// metrics and the JSON API under /api/v1/, with bearer tokens that are read-only or read-write.
#pragma once

#include <spdlog/logger.h>

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "staffchain/plugin/result.hpp"

namespace staffchain::api {

enum class Access { none, read, write };

struct ApiToken {
  std::string name;    // who: shown in the access log, never the token itself
  std::string secret;  // the resolved token value
  Access access = Access::read;
};

struct ApiRequest {
  std::string method;
  std::string path;                           // without the query string
  std::map<std::string, std::string> query;   // decoded
  std::map<std::string, std::string> params;  // from {placeholders} in the route
  std::string body;
  std::string caller;  // the token's name, or "anonymous"
};

struct ApiResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  // A file to save rather than show (a workbook): sent as Content-Disposition: attachment, with
  // the name in ASCII and, when it is not ASCII, as UTF-8 too (RFC 6266).
  std::string attachment_name;

  static ApiResponse json(unsigned status, std::string body);
  // {"error": {"status": N, "message": "..."}}
  static ApiResponse error(unsigned status, const std::string& message);
};

using ApiHandler = std::function<ApiResponse(const ApiRequest&)>;

// How many connections the server holds open at once, unless told otherwise (api.max_connections).
inline constexpr std::size_t kDefaultMaxConnections = 256;

class ApiServer {
 public:
  ApiServer(boost::asio::io_context& io, std::vector<ApiToken> tokens, std::shared_ptr<spdlog::logger> logger);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // `pattern` is a path with {name} placeholders: "/api/v1/alerts/{id}/ack". Handlers run on
  // the event loop, one at a time, so they may touch the daemon's state without locks.
  void route(std::string method, std::string pattern, Access required, ApiHandler handler);

  // Binds "host:port" (port 0 picks a free one) and starts accepting. Errors name the address.
  Result<void> listen(const std::string& address);
  void stop();
  [[nodiscard]] unsigned short port() const noexcept;

  // Replaces the tokens (on reload).
  void setTokens(std::vector<ApiToken> tokens);

  // At most `limit` connections are served at once; one beyond it is answered 503 with
  // Retry-After and closed, so that idle or slow clients cannot take every file descriptor of
  // the process. Takes effect for the next connection accepted.
  void setMaxConnections(std::size_t limit);
  // Connections open now (served or being refused).
  [[nodiscard]] std::size_t openConnections() const noexcept;

  class Listener;  // the accepting socket; sessions hold it to reach the server

  // Dispatches one request as the server does after parsing (for tests and the CLI's own use).
  ApiResponse dispatch(const std::string& method, const std::string& target, const std::string& authorization,
                       std::string body);

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Access required;
    ApiHandler handler;
  };

  // Calls `handler`: a body of the wrong type is a 400, anything else it throws a 500 whose
  // details go to the log only.
  ApiResponse run(const ApiHandler& handler, const ApiRequest& request, const std::string& target);

  boost::asio::io_context& io_;
  std::vector<ApiToken> tokens_;
  std::shared_ptr<spdlog::logger> logger_;
  std::vector<Route> routes_;
  std::shared_ptr<Listener> listener_;
  std::size_t max_connections_ = kDefaultMaxConnections;
  std::uint64_t requests_ = 0;  // numbers each request, so that a 500 answer points at its log line
};

}  // namespace staffchain::api
