#include "staffchain/api/api_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace staffchain::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t kMaxBody = 1024 * 1024;
constexpr std::chrono::seconds kIdleTimeout{30};

std::vector<std::string> splitPath(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) out.emplace_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string urlDecode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hexValue(text[i + 1]) >= 0 && hexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// Compares without an early exit, so the time taken says nothing about where they differ.
bool sameSecret(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i % (b.empty() ? 1 : b.size())]);
  return diff == 0 && !b.empty();
}

}  // namespace

ApiResponse ApiResponse::json(unsigned status, std::string body) { return ApiResponse{status, "application/json", std::move(body)}; }

ApiResponse ApiResponse::error(unsigned status, const std::string& message) {
  return json(status, nlohmann::json{{"error", {{"status", status}, {"message", message}}}}.dump());
}

class ApiServer::Listener : public std::enable_shared_from_this<ApiServer::Listener> {
 public:
  Listener(asio::io_context& io, ApiServer& server) : io_(io), acceptor_(io), server_(server) {}

  Result<void> open(const tcp::endpoint& endpoint) {
    beast::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return makeError(ec.message());
    return {};
  }
  void start() { accept(); }
  void stop() {
    stopped_ = true;
    beast::error_code ec;
    acceptor_.close(ec);
  }
  [[nodiscard]] unsigned short port() const {
    beast::error_code ec;
    return acceptor_.local_endpoint(ec).port();
  }
  ApiServer* server() { return stopped_ ? nullptr : &server_; }

 private:
  void accept();

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  ApiServer& server_;
  bool stopped_ = false;
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<ApiServer::Listener> listener)
      : stream_(std::move(socket)), listener_(std::move(listener)) {}

  void start() { read(); }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(kMaxBody);
    stream_.expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onRead(ec); });
  }

  void onRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout) return close();
    ApiServer* server = listener_->server();
    if (server == nullptr) return close();
    http::request<http::string_body> request;
    ApiResponse answer;
    if (ec == http::error::body_limit) {
      answer = ApiResponse::error(413, "the request body is larger than 1 MiB");
    } else if (ec) {
      return close();
    } else {
      request = parser_->release();
      answer = server->dispatch(std::string(request.method_string()), std::string(request.target()),
                                std::string(request[http::field::authorization]), std::move(request.body()));
    }
    auto response = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(answer.status),
                                                                       request.version() == 0 ? 11 : request.version());
    response->set(http::field::server, "staffchaind");
    response->set(http::field::content_type, answer.content_type);
    response->set(http::field::cache_control, "no-store");
    if (answer.status == 401) response->set(http::field::www_authenticate, "Bearer realm=\"staffchain\"");
    response->keep_alive(!ec && request.keep_alive());
    response->body() = std::move(answer.body);
    response->prepare_payload();
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response](beast::error_code write_error, std::size_t) {
                        if (write_error || !response->keep_alive()) return self->close();
                        self->read();
                      });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<ApiServer::Listener> listener_;
};

}  // namespace

void ApiServer::Listener::accept() {
  acceptor_.async_accept(asio::make_strand(io_), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
    if (self->stopped_) return;
    if (!ec) std::make_shared<Session>(std::move(socket), self)->start();
    self->accept();
  });
}

ApiServer::ApiServer(asio::io_context& io, std::vector<ApiToken> tokens, std::shared_ptr<spdlog::logger> logger)
    : io_(io), tokens_(std::move(tokens)), logger_(std::move(logger)) {}

ApiServer::~ApiServer() { stop(); }

void ApiServer::route(std::string method, std::string pattern, Access required, ApiHandler handler) {
  routes_.push_back(Route{std::move(method), splitPath(pattern), required, std::move(handler)});
}

Result<void> ApiServer::listen(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) return makeError(fmt::format("api listen address \"{}\": expected HOST:PORT", address));
  std::string host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned long port = 0;
  try {
    port = std::stoul(address.substr(colon + 1));
  } catch (...) {
    return makeError(fmt::format("api listen address \"{}\": the port is not a number", address));
  }
  beast::error_code ec;
  const auto ip = asio::ip::make_address(host, ec);
  if (ec || port > 65535) return makeError(fmt::format("api listen address \"{}\": not an IP address and port", address));
  listener_ = std::make_shared<Listener>(io_, *this);
  if (auto opened = listener_->open(tcp::endpoint(ip, static_cast<unsigned short>(port))); !opened) {
    listener_.reset();
    return makeError(fmt::format("api cannot listen on {}: {}", address, opened.error().message));
  }
  listener_->start();
  return {};
}

void ApiServer::stop() {
  if (listener_) listener_->stop();
  listener_.reset();
}

unsigned short ApiServer::port() const noexcept { return listener_ ? listener_->port() : 0; }

void ApiServer::setTokens(std::vector<ApiToken> tokens) { tokens_ = std::move(tokens); }

ApiResponse ApiServer::dispatch(const std::string& method, const std::string& target, const std::string& authorization,
                                std::string body) {
  ApiRequest request;
  request.method = method;
  const auto question = target.find('?');
  request.path = urlDecode(std::string_view(target).substr(0, question));
  if (question != std::string::npos) {
    std::string_view query = std::string_view(target).substr(question + 1);
    while (!query.empty()) {
      const auto amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      const auto eq = pair.find('=');
      request.query[urlDecode(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : urlDecode(pair.substr(eq + 1));
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
  }
  request.body = std::move(body);

  Access granted = Access::none;
  request.caller = "anonymous";
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.rfind(kBearer, 0) == 0) {
    const std::string_view presented = std::string_view(authorization).substr(kBearer.size());
    for (const auto& token : tokens_) {
      if (sameSecret(presented, token.secret)) {
        granted = token.access;
        request.caller = token.name;
      }
    }
    if (granted == Access::none) request.caller = "invalid-token";
  }

  const auto segments = splitPath(request.path);
  bool path_known = false;
  ApiResponse response = ApiResponse::error(404, fmt::format("no such endpoint: {}", request.path));
  for (const auto& candidate : routes_) {
    if (candidate.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool match = true;
    for (std::size_t i = 0; i < segments.size() && match; ++i) {
      const std::string& part = candidate.segments[i];
      if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
        params[part.substr(1, part.size() - 2)] = segments[i];
      } else {
        match = part == segments[i];
      }
    }
    if (!match) continue;
    path_known = true;
    if (candidate.method != method) continue;
    if (candidate.required != Access::none && granted == Access::none) {
      response = ApiResponse::error(401, "a bearer token is required (Authorization: Bearer <token>)");
    } else if (candidate.required == Access::write && granted != Access::write) {
      response = ApiResponse::error(403, "this token is read-only; the request needs a read-write token");
    } else {
      request.params = std::move(params);
      try {
        response = candidate.handler(request);
      } catch (const std::exception& error) {
        response = ApiResponse::error(500, fmt::format("internal error: {}", error.what()));
      }
    }
    path_known = false;  // handled
    break;
  }
  if (path_known) response = ApiResponse::error(405, fmt::format("{} is not allowed on {}", method, request.path));
  if (logger_) {
    const bool write = method != "GET" && method != "HEAD";
    logger_->info("api {} {} {} -> {}{}", request.caller, method, request.path, response.status,
                  write ? " (write)" : "");
  }
  return response;
}

}  // namespace staffchain::api
