// ApiServer: the daemon's HTTP API (Boost.Beast) on the daemon's own event loop — health,
// metrics and the JSON API under /api/v1/, with bearer tokens that are read-only or read-write.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <spdlog/logger.h>

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
  std::string path;                               // without the query string
  std::map<std::string, std::string> query;       // decoded
  std::map<std::string, std::string> params;      // from {placeholders} in the route
  std::string body;
  std::string caller;                             // the token's name, or "anonymous"
};

struct ApiResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;

  static ApiResponse json(unsigned status, std::string body);
  // {"error": {"status": N, "message": "..."}}
  static ApiResponse error(unsigned status, const std::string& message);
};

using ApiHandler = std::function<ApiResponse(const ApiRequest&)>;

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

  boost::asio::io_context& io_;
  std::vector<ApiToken> tokens_;
  std::shared_ptr<spdlog::logger> logger_;
  std::vector<Route> routes_;
  std::shared_ptr<Listener> listener_;
};

}  // namespace staffchain::api
