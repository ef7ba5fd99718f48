// ApiServer: the daemon's HTTP API (Boost.Beast) on the daemon's own event loop — health,
// metrics and the JSON API under /api/v1/, with bearer tokens that are read-only or read-write.
#pragma once

#include <spdlog/logger.h>

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "staffchain/api/api_settings.hpp"
#include "staffchain/api/console_sessions.hpp"
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
  std::string caller;            // the token's name, or "anonymous"
  Access access = Access::none;  // what the caller's token (or console session) may do
  std::string remote;            // the peer's address, as the socket gives it
  std::string content_type;      // of the body, as sent
  std::string session;           // the console session's id, when the request came with its cookie
};

// A request as it came off the wire: what the server reads of it.
struct IncomingRequest {
  std::string method;
  std::string target;  // path and query, as sent
  std::string authorization;
  std::string cookie;
  std::string csrf_token;  // X-CSRF-Token
  std::string remote;
  std::string body;
  std::string content_type;
};

struct ApiResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  // A file to save rather than show (a workbook): sent as Content-Disposition: attachment, with
  // the name in ASCII and, when it is not ASCII, as UTF-8 too (RFC 6266).
  std::string attachment_name;
  // Further headers (Set-Cookie, Location, Retry-After, ...); one named here replaces the server's own.
  std::vector<std::pair<std::string, std::string>> headers;

  static ApiResponse json(unsigned status, std::string body);
  // {"error": {"status": N, "message": "..."}}
  static ApiResponse error(unsigned status, const std::string& message);
};

using ApiHandler = std::function<ApiResponse(const ApiRequest&)>;

// The largest request body a route takes unless it says otherwise.
inline constexpr std::size_t kDefaultMaxBody = 1024 * 1024;

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
  // `max_body`: the largest body the route takes (an upload); others take at most 1 MiB.
  void route(std::string method, std::string pattern, Access required, ApiHandler handler,
             std::size_t max_body = kDefaultMaxBody);
  // The largest body a request for `target` may carry: its route's, else 1 MiB.
  [[nodiscard]] std::size_t maxBody(const std::string& method, const std::string& target) const;
  // The same for a request with these credentials: more than 1 MiB only for a known token or a
  // live console session (what the server reads before it reads a body).
  [[nodiscard]] std::size_t bodyLimit(const std::string& method, const std::string& target,
                                      const std::string& authorization, const std::string& cookie);

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
  ApiResponse dispatch(IncomingRequest incoming);

  // Serves the web console (unless settings.enabled is false): its files under /ui/ (GET / redirects there) and its
  // sessions at /api/v1/session — POST {"token": …} signs in (a cookie and a CSRF token), GET says who is signed in,
  // DELETE signs out. Every /api/v1 route then takes the session's cookie in place of a bearer token; a write made with
  // it needs the header X-CSRF-Token. Called again (on reload), the new settings replace the old; sessions stay unless
  // their token changed.
  void configureConsole(const ConsoleSettings& settings, std::filesystem::path files);
  // The clock sessions and sign-in limits are measured by (tests set a fake one).
  void setClock(std::function<ConsoleSessions::Clock::time_point()> clock) { clock_ = std::move(clock); }
  [[nodiscard]] std::size_t consoleSessions() const noexcept { return sessions_.size(); }

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Access required;
    ApiHandler handler;
    std::size_t max_body = kDefaultMaxBody;
  };
  // The route `segments` name for `method`, its {placeholders} in `params`; nullptr when none.
  // `path_known` tells whether another method has a route there.
  const Route* match(const std::string& method, const std::vector<std::string>& segments,
                     std::map<std::string, std::string>& params, bool& path_known) const;

  // Calls `handler`: a body of the wrong type is a 400, anything else it throws a 500 whose
  // details go to the log only.
  ApiResponse run(const ApiHandler& handler, const ApiRequest& request, const std::string& target);
  // A console file, or the redirect to the console; nullopt for a path outside it.
  [[nodiscard]] std::optional<ApiResponse> consoleFile(const std::string& path) const;
  // POST, GET and DELETE /api/v1/session.
  ApiResponse signIn(const ApiRequest& request);
  ApiResponse sessionAnswer(const ConsoleSessions::Session& session, unsigned status) const;
  [[nodiscard]] const ApiToken* tokenOf(const ConsoleSessions::Session& session) const;
  // The token whose secret was presented (a bearer token, a sign-in); nullptr when none.
  [[nodiscard]] const ApiToken* tokenWithSecret(std::string_view presented) const;
  [[nodiscard]] std::string sessionCookie(const std::string& value, bool clear) const;

  boost::asio::io_context& io_;
  std::vector<ApiToken> tokens_;
  std::shared_ptr<spdlog::logger> logger_;
  std::vector<Route> routes_;
  std::shared_ptr<Listener> listener_;
  std::size_t max_connections_ = kDefaultMaxConnections;
  std::uint64_t requests_ = 0;  // numbers each request, so that a 500 answer points at its log line
  bool console_ = false;
  bool console_routes_ = false;
  std::filesystem::path console_files_;
  ConsoleSessions sessions_;
  std::function<ConsoleSessions::Clock::time_point()> clock_ = [] { return ConsoleSessions::Clock::now(); };
};

}  // namespace staffchain::api
