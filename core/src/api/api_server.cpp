#include "staffchain/api/api_server.hpp"

#include <fmt/format.h>
#include <sys/resource.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <limits>
#include <nlohmann/json.hpp>

#include "staffchain/api/static_files.hpp"

namespace staffchain::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::chrono::seconds kIdleTimeout{30};
// A connection beyond max_connections gets this long to send its request before the 503, and
// the client is told to come back after kRetryAfter.
constexpr std::chrono::seconds kRefusalTimeout{5};
constexpr const char* kRetryAfter = "5";
// Refusing takes a descriptor too: past this many refusals under way, a connection is closed
// at once without an answer.
constexpr std::size_t kMaxRefusing = 64;
// While accept() fails (no descriptor left, no memory), it is retried after this pause instead
// of at once: the listening socket stays readable, and retrying at once spins a core.
constexpr std::chrono::milliseconds kAcceptPause{250};
// Descriptors the rest of the daemon needs beside the API's connections (ledger, plugins, logs).
constexpr rlim_t kDescriptorsBesideTheApi = 64;

// attachment; filename="…": the name's printable ASCII (others as '_') for old clients, and the
// exact UTF-8 name as filename*=UTF-8''… when it differs (RFC 6266, RFC 8187).
std::string contentDisposition(std::string_view name) {
  std::string ascii;
  std::string encoded;
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    const bool printable = byte >= 0x20 && byte < 0x7f && c != '"' && c != '\\';
    ascii += printable ? c : '_';
    const bool attr = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    encoded += attr ? std::string(1, c) : fmt::format("%{:02X}", byte);
  }
  std::string out = fmt::format("attachment; filename=\"{}\"", ascii);
  if (ascii != name) out += "; filename*=UTF-8''" + encoded;
  return out;
}

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

// The path as it came (still percent-encoded), for the access log: a decoded path could carry a
// line break or an escape sequence into it. What is left outside printable ASCII is encoded.
std::string loggablePath(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  std::string out;
  out.reserve(path.size());
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte > 0x20 && byte < 0x7F) {
      out += c;
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned>(byte));
    }
  }
  return out;
}

// nlohmann's messages start with "[json.exception.type_error.302] ": an internal name, not
// something to show a caller.
std::string withoutJsonExceptionId(std::string_view what) {
  if (what.rfind("[json.exception.", 0) == 0) {
    if (const auto end = what.find("] "); end != std::string_view::npos) what.remove_prefix(end + 2);
  }
  return std::string(what);
}

bool isResourceExhaustion(const boost::system::error_code& ec) {
  const int code = ec.value();
  return ec.category() == boost::system::system_category() &&
         (code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM);
}

// Failures of one connection that the next accept() does not repeat; Linux also passes a new
// connection's pending network error up through accept() (accept(2), "Error handling").
bool isTransientAcceptError(const boost::system::error_code& ec) {
  if (ec == asio::error::connection_aborted || ec == asio::error::connection_reset || ec == asio::error::interrupted ||
      ec == asio::error::try_again) {
    return true;
  }
  if (ec.category() != boost::system::system_category()) return false;
  switch (ec.value()) {
    case EPROTO:
    case EPERM:
    case ENETDOWN:
    case ENOPROTOOPT:
    case EHOSTDOWN:
    case ENONET:
    case EHOSTUNREACH:
    case EOPNOTSUPP:
    case ENETUNREACH:
      return true;
    default:
      return false;
  }
}

constexpr const char* kSessionCookie = "staffchain_session";
constexpr std::string_view kBearer = "Bearer ";

// Compares without an early exit, so the time taken says nothing about where they differ.
bool sameSecret(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned char>(a[i] ^ b[i % (b.empty() ? 1 : b.size())]);
  return diff == 0 && !b.empty();
}

}  // namespace

ApiResponse ApiResponse::json(unsigned status, std::string body) {
  return ApiResponse{status, "application/json", std::move(body), {}, {}};
}

ApiResponse ApiResponse::error(unsigned status, const std::string& message) {
  return json(status, nlohmann::json{{"error", {{"status", status}, {"message", message}}}}.dump());
}

class ApiServer::Listener : public std::enable_shared_from_this<ApiServer::Listener> {
 public:
  Listener(asio::io_context& io, ApiServer& server) : io_(io), acceptor_(io), pause_(io), server_(server) {}

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
    pause_.cancel();
  }
  [[nodiscard]] unsigned short port() const {
    beast::error_code ec;
    return acceptor_.local_endpoint(ec).port();
  }
  ApiServer* server() { return stopped_ ? nullptr : &server_; }

  // Sessions count themselves in and out, so that the limit holds however they end; those
  // being refused apart, so that a refusal under way never takes a place being served.
  void sessionOpened(bool refusal) { ++(refusal ? refusing_sessions_ : serving_sessions_); }
  void sessionClosed(bool refusal) { --(refusal ? refusing_sessions_ : serving_sessions_); }
  [[nodiscard]] std::size_t sessions() const noexcept { return serving_sessions_ + refusing_sessions_; }

 private:
  void accept();
  void onAccept(beast::error_code ec, tcp::socket socket);
  void pauseAccepting(const beast::error_code& ec);

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  asio::steady_timer pause_;
  ApiServer& server_;
  bool stopped_ = false;
  std::atomic<std::size_t> serving_sessions_{0};
  std::atomic<std::size_t> refusing_sessions_{0};
  // Episodes of failing accepts and of refused connections: each logged when it starts and when
  // it ends, not per connection.
  bool accept_failing_ = false;
  std::size_t failed_accepts_ = 0;
  bool refusing_ = false;
  std::size_t refused_ = 0;
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `refuse`: the connection is one beyond max_connections; its request is read and answered 503.
  Session(tcp::socket socket, std::shared_ptr<ApiServer::Listener> listener, bool refuse)
      : stream_(std::move(socket)), listener_(std::move(listener)), refuse_(refuse) {
    listener_->sessionOpened(refuse_);
  }
  ~Session() { listener_->sessionClosed(refuse_); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() { read(); }

 private:
  void read() {
    parser_.emplace();
    // The body's limit is set once the header names the route; a refusal reads no body at all.
    if (refuse_) {
      parser_->body_limit(0);
    } else {
      // Not boost::none: Beast 1.74 compares a declared length with it as "larger than none" (always).
      parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    }
    stream_.expires_after(refuse_ ? kRefusalTimeout : kIdleTimeout);
    // The header first: the route it names says how large a body may follow (an upload). Only
    // the header matters for a refusal; its body is not waited for.
    http::async_read_header(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec || self->refuse_) return self->onRead(ec);
      ApiServer* server = self->listener_->server();
      if (server == nullptr) return self->close();
      const auto& header = self->parser_->get();
      self->body_limit_ =
          server->bodyLimit(std::string(header.method_string()), std::string(header.target()),
                            std::string(header[http::field::authorization]), std::string(header[http::field::cookie]));
      // A declared length is checked here (the parser checks it only against the limit it had
      // when the header arrived); a chunked body is counted against the limit as it comes.
      if (const auto length = self->parser_->content_length(); length && *length > self->body_limit_) {
        return self->onRead(http::error::body_limit);
      }
      self->parser_->body_limit(self->body_limit_);
      http::async_read(self->stream_, self->buffer_, *self->parser_,
                       [self](beast::error_code read_error, std::size_t) { self->onRead(read_error); });
    });
  }

  void onRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout) return close();
    ApiServer* server = listener_->server();
    if (server == nullptr) return close();
    http::request<http::string_body> request;
    ApiResponse answer;
    if (refuse_) {
      if (ec) return close();
      request = parser_->get();
      answer = ApiResponse::error(503, "too many connections to the api (api.max_connections); retry later");
    } else if (ec == http::error::body_limit) {
      answer = ApiResponse::error(413, fmt::format("the request body is larger than this endpoint takes ({} MiB)",
                                                   body_limit_ / (1024 * 1024)));
    } else if (ec) {
      return close();
    } else {
      request = parser_->release();
      beast::error_code endpoint_error;
      const auto peer = stream_.socket().remote_endpoint(endpoint_error);
      answer = server->dispatch(IncomingRequest{
          std::string(request.method_string()), std::string(request.target()),
          std::string(request[http::field::authorization]), std::string(request[http::field::cookie]),
          std::string(request["X-CSRF-Token"]), endpoint_error ? std::string() : peer.address().to_string(),
          std::move(request.body()), std::string(request[http::field::content_type])});
    }
    auto response = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(answer.status), request.version() == 0 ? 11 : request.version());
    response->set(http::field::server, "staffchaind");
    response->set(http::field::content_type, answer.content_type);
    response->set(http::field::cache_control, "no-store");
    response->set("X-Content-Type-Options", "nosniff");
    if (answer.status == 401) response->set(http::field::www_authenticate, "Bearer realm=\"staffchain\"");
    if (!answer.attachment_name.empty()) {
      response->set(http::field::content_disposition, contentDisposition(answer.attachment_name));
    }
    if (refuse_) response->set(http::field::retry_after, kRetryAfter);
    for (const auto& [name, value] : answer.headers) response->set(name, value);
    response->keep_alive(!ec && !refuse_ && request.keep_alive());
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
  bool refuse_;
  std::size_t body_limit_ = kDefaultMaxBody;
};

}  // namespace

void ApiServer::Listener::accept() {
  acceptor_.async_accept(asio::make_strand(io_), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
    self->onAccept(ec, std::move(socket));
  });
}

void ApiServer::Listener::onAccept(beast::error_code ec, tcp::socket socket) {
  if (stopped_) return;
  if (ec && !isTransientAcceptError(ec)) return pauseAccepting(ec);
  if (!ec) {
    if (accept_failing_) {
      accept_failing_ = false;
      if (server_.logger_) {
        server_.logger_->info("api: accepting connections again (after {} failed tries)", failed_accepts_);
      }
      failed_accepts_ = 0;
    }
    const std::size_t open = serving_sessions_;
    const std::size_t limit = server_.max_connections_;
    if (open < limit) {
      if (refusing_ && server_.logger_) {
        server_.logger_->info("api: serving connections again (refused {} beyond api.max_connections)", refused_);
      }
      refusing_ = false;
      refused_ = 0;
      std::make_shared<Session>(std::move(socket), shared_from_this(), false)->start();
    } else {
      if (!refusing_ && server_.logger_) {
        server_.logger_->warn(
            "api: {} connections open, as many as api.max_connections allows; answering 503 to more "
            "until some close (logged once until then)",
            open);
      }
      refusing_ = true;
      ++refused_;
      // A refusal holds a descriptor too; past kMaxRefusing of them the socket closes here, unanswered.
      if (refusing_sessions_ < kMaxRefusing) {
        std::make_shared<Session>(std::move(socket), shared_from_this(), true)->start();
      }
    }
  }
  accept();
}

// accept() failed in a way the next try would repeat at once (most often: no descriptor left,
// EMFILE or ENFILE). The connection stays in the kernel's backlog; accepting resumes after a
// pause, by which time a session may have ended and given its descriptor back.
void ApiServer::Listener::pauseAccepting(const beast::error_code& ec) {
  ++failed_accepts_;
  if (!accept_failing_) {
    accept_failing_ = true;
    if (server_.logger_) {
      server_.logger_->warn(
          "api: cannot accept connections: {}{}; {} connections open; trying again every {} ms until "
          "it can (logged once until it does)",
          ec.message(), isResourceExhaustion(ec) ? " (the process is out of file descriptors or memory)" : "",
          sessions(), kAcceptPause.count());
    }
  }
  pause_.expires_after(kAcceptPause);
  pause_.async_wait([self = shared_from_this()](beast::error_code error) {
    if (!error && !self->stopped_) self->accept();
  });
}

ApiServer::ApiServer(asio::io_context& io, std::vector<ApiToken> tokens, std::shared_ptr<spdlog::logger> logger)
    : io_(io), tokens_(std::move(tokens)), logger_(std::move(logger)) {}

ApiServer::~ApiServer() {
  stop();
}

void ApiServer::route(std::string method, std::string pattern, Access required, ApiHandler handler,
                      std::size_t max_body) {
  routes_.push_back(Route{std::move(method), splitPath(pattern), required, std::move(handler), max_body});
}

const ApiServer::Route* ApiServer::match(const std::string& method, const std::vector<std::string>& segments,
                                         std::map<std::string, std::string>& params, bool& path_known) const {
  path_known = false;
  for (const auto& candidate : routes_) {
    if (candidate.segments.size() != segments.size()) continue;
    params.clear();
    bool same = true;
    for (std::size_t i = 0; i < segments.size() && same; ++i) {
      const std::string& part = candidate.segments[i];
      if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
        params[part.substr(1, part.size() - 2)] = segments[i];
      } else {
        same = part == segments[i];
      }
    }
    if (!same) continue;
    path_known = true;
    if (candidate.method == method) return &candidate;
  }
  return nullptr;
}

std::size_t ApiServer::bodyLimit(const std::string& method, const std::string& target, const std::string& authorization,
                                 const std::string& cookie) {
  const std::size_t limit = maxBody(method, target);
  if (limit <= kDefaultMaxBody) return limit;
  // A large body only from a caller the daemon knows: an anonymous one gets no more than any
  // other route's, so that it cannot make the daemon hold 256 MiB per connection.
  if (authorization.rfind(kBearer, 0) == 0) {
    return tokenWithSecret(std::string_view(authorization).substr(kBearer.size())) != nullptr ? limit : kDefaultMaxBody;
  }
  const std::string id = cookieValue(cookie, kSessionCookie);
  const ConsoleSessions::Session* session = nullptr;
  if (console_ && !id.empty() && sessions_.find(id, clock_(), &session) == ConsoleSessions::Found::live &&
      tokenOf(*session) != nullptr) {
    return limit;
  }
  return kDefaultMaxBody;
}

std::size_t ApiServer::maxBody(const std::string& method, const std::string& target) const {
  std::map<std::string, std::string> params;
  bool path_known = false;
  const Route* found =
      match(method, splitPath(urlDecode(std::string_view(target).substr(0, target.find('?')))), params, path_known);
  return found != nullptr ? found->max_body : kDefaultMaxBody;
}

Result<void> ApiServer::listen(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos)
    return makeError(fmt::format("api listen address \"{}\": expected HOST:PORT", address));
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
  if (ec || port > 65535)
    return makeError(fmt::format("api listen address \"{}\": not an IP address and port", address));
  listener_ = std::make_shared<Listener>(io_, *this);
  if (auto opened = listener_->open(tcp::endpoint(ip, static_cast<unsigned short>(port))); !opened) {
    listener_.reset();
    return makeError(fmt::format("api cannot listen on {}: {}", address, opened.error().message));
  }
  listener_->start();
  rlimit files{};
  if (logger_ && getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY &&
      max_connections_ + kMaxRefusing + kDescriptorsBesideTheApi > files.rlim_cur) {
    logger_->warn(
        "api: max_connections is {} but the process may open only {} files; the limit, not max_connections, "
        "will stop connections (raise LimitNOFILE or lower api.max_connections)",
        max_connections_, files.rlim_cur);
  }
  return {};
}

void ApiServer::stop() {
  if (listener_) listener_->stop();
  listener_.reset();
}

unsigned short ApiServer::port() const noexcept {
  return listener_ ? listener_->port() : 0;
}

void ApiServer::setTokens(std::vector<ApiToken> tokens) {
  tokens_ = std::move(tokens);
}

void ApiServer::setMaxConnections(std::size_t limit) {
  max_connections_ = limit;
}

std::size_t ApiServer::openConnections() const noexcept {
  return listener_ ? listener_->sessions() : 0;
}

ApiResponse ApiServer::dispatch(const std::string& method, const std::string& target, const std::string& authorization,
                                std::string body) {
  return dispatch(IncomingRequest{method, target, authorization, {}, {}, {}, std::move(body), {}});
}

ApiResponse ApiServer::dispatch(IncomingRequest incoming) {
  const std::string& method = incoming.method;
  const std::string& target = incoming.target;
  ApiRequest request;
  request.method = method;
  request.remote = incoming.remote;
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
  request.body = std::move(incoming.body);
  request.content_type = std::move(incoming.content_type);

  if (console_ && method == "GET") {
    if (auto page = consoleFile(request.path)) {
      if (logger_) logger_->debug("api {} {} -> {}", method, loggablePath(target), page->status);
      return std::move(*page);
    }
  }

  Access granted = Access::none;
  request.caller = "anonymous";
  // Why a console request has no access, when it came with a session cookie that is no good.
  std::string session_refusal;
  bool csrf_missing = false;
  if (incoming.authorization.rfind(kBearer, 0) == 0) {
    const ApiToken* token = tokenWithSecret(std::string_view(incoming.authorization).substr(kBearer.size()));
    granted = token != nullptr ? token->access : Access::none;
    request.caller = token != nullptr ? token->name : "invalid-token";
  } else if (const std::string id = cookieValue(incoming.cookie, kSessionCookie); console_ && !id.empty()) {
    const ConsoleSessions::Session* session = nullptr;
    const auto found = sessions_.find(id, clock_(), &session);
    const ApiToken* token = found == ConsoleSessions::Found::live ? tokenOf(*session) : nullptr;
    if (token != nullptr) {
      granted = token->access;
      request.caller = token->name;
      request.session = session->id;
      const bool write = method != "GET" && method != "HEAD";
      csrf_missing = write && !sameSecret(incoming.csrf_token, session->csrf);
    } else {
      if (found == ConsoleSessions::Found::live) sessions_.close(id);  // its token was removed or changed
      session_refusal = found == ConsoleSessions::Found::none
                            ? "no such console session (the daemon may have restarted); sign in again"
                            : "the console session has ended; sign in again";
    }
  }
  request.access = granted;

  const auto segments = splitPath(request.path);
  bool path_known = false;
  std::map<std::string, std::string> params;
  const Route* found = match(method, segments, params, path_known);
  ApiResponse response = ApiResponse::error(404, fmt::format("no such endpoint: {}", request.path));
  if (found != nullptr) {
    path_known = false;  // handled
    if (found->required != Access::none && granted == Access::none) {
      response =
          ApiResponse::error(401, session_refusal.empty() ? "a bearer token is required (Authorization: Bearer <token>)"
                                                          : session_refusal);
    } else if (found->required != Access::none && csrf_missing) {
      response = ApiResponse::error(
          403, "a write from the console needs its session's X-CSRF-Token header (reload the page and try again)");
    } else if (found->required == Access::write && granted != Access::write) {
      response = ApiResponse::error(403, "this token is read-only; the request needs a read-write token");
    } else {
      request.params = std::move(params);
      response = run(found->handler, request, target);
    }
  }
  if (path_known) response = ApiResponse::error(405, fmt::format("{} is not allowed on {}", method, request.path));
  if (logger_) {
    const bool write = method != "GET" && method != "HEAD";
    logger_->info("api {} {} {} -> {}{}{}", request.caller, method, loggablePath(target), response.status,
                  write ? " (write)" : "", request.session.empty() ? "" : " (console)");
  }
  return response;
}

std::optional<ApiResponse> ApiServer::consoleFile(const std::string& path) const {
  if (path == "/" || path == "/ui") {
    ApiResponse moved = ApiResponse::json(302, R"({"location":"/ui/"})");
    moved.headers.emplace_back("Location", "/ui/");
    return moved;
  }
  constexpr std::string_view kPrefix = "/ui/";
  if (path.rfind(kPrefix, 0) != 0) return std::nullopt;
  ApiResponse page = staticFile(console_files_, std::string_view(path).substr(kPrefix.size()));
  page.headers.emplace_back("Content-Security-Policy", kConsoleContentSecurityPolicy);
  page.headers.emplace_back("X-Frame-Options", "DENY");
  page.headers.emplace_back("Referrer-Policy", "no-referrer");
  return page;
}

void ApiServer::configureConsole(const ConsoleSettings& settings, std::filesystem::path files) {
  sessions_.configure(settings);
  console_files_ = std::move(files);
  console_ = settings.enabled;
  if (console_routes_) return;
  console_routes_ = true;
  route("POST", "/api/v1/session", Access::none, [this](const ApiRequest& request) { return signIn(request); });
  route("GET", "/api/v1/session", Access::read, [this](const ApiRequest& request) {
    const ConsoleSessions::Session* session = nullptr;
    if (request.session.empty() ||
        sessions_.find(request.session, clock_(), &session) != ConsoleSessions::Found::live) {
      return ApiResponse::error(404, "this request was made with a bearer token, not in a console session");
    }
    return sessionAnswer(*session, 200);
  });
  route("DELETE", "/api/v1/session", Access::read, [this](const ApiRequest& request) {
    if (request.session.empty()) {
      return ApiResponse::error(404, "this request was made with a bearer token, not in a console session");
    }
    sessions_.close(request.session);
    if (logger_) logger_->info("console: {} signed out", request.caller);
    ApiResponse done{204, "application/json", {}, {}, {}};
    done.headers.emplace_back("Set-Cookie", sessionCookie({}, true));
    return done;
  });
}

ApiResponse ApiServer::signIn(const ApiRequest& request) {
  if (!console_) return ApiResponse::error(404, "the console is switched off ([console] enabled = false)");
  const auto now = clock_();
  const std::string from = request.remote.empty() ? "an unknown address" : request.remote;
  if (const auto wait = sessions_.refusedFor(request.remote, now)) {
    if (logger_) logger_->warn("console: sign-in from {} refused: too many failed attempts in a minute", from);
    ApiResponse refused = ApiResponse::error(
        429, fmt::format("too many failed sign-ins from this address; try again in {} s", wait->count()));
    refused.headers.emplace_back("Retry-After", std::to_string(wait->count()));
    return refused;
  }
  const auto body = nlohmann::json::parse(request.body.empty() ? "{}" : request.body, nullptr, false);
  if (!body.is_object() || !body.contains("token") || !body["token"].is_string() ||
      body["token"].get_ref<const std::string&>().empty()) {
    return ApiResponse::error(400, "sign in with a JSON body {\"token\": \"<an [api] token>\"}");
  }
  const std::string& presented = body["token"].get_ref<const std::string&>();
  const ApiToken* match = tokenWithSecret(presented);
  if (match == nullptr) {
    const std::size_t failures = sessions_.failed(request.remote, now);
    if (logger_) {
      logger_->warn("console: failed sign-in from {} ({} in the last minute; {} allowed)", from, failures,
                    sessions_.settings().sign_in_limit);
    }
    return ApiResponse::error(401, "this token is not one of the daemon's [api] tokens");
  }
  const ConsoleSessions::Session* session = sessions_.open(match->name, match->secret, now);
  if (session == nullptr) {
    if (logger_) logger_->warn("console: sign-in of {} refused: [console] max_sessions are open", match->name);
    return ApiResponse::error(503, "the console has as many sessions open as [console] max_sessions allows; try later");
  }
  if (logger_) logger_->info("console: {} signed in from {}", match->name, from);
  ApiResponse answer = sessionAnswer(*session, 200);
  answer.headers.emplace_back("Set-Cookie", sessionCookie(session->id, false));
  return answer;
}

ApiResponse ApiServer::sessionAnswer(const ConsoleSessions::Session& session, unsigned status) const {
  const ApiToken* token = tokenOf(session);
  const auto idle = std::chrono::duration_cast<std::chrono::seconds>(sessions_.settings().session_idle);
  return ApiResponse::json(status,
                           nlohmann::json{{"name", session.token_name},
                                          {"access", token && token->access == Access::write ? "write" : "read"},
                                          {"csrf", session.csrf},
                                          {"idle_seconds", idle.count()}}
                               .dump());
}

const ApiToken* ApiServer::tokenWithSecret(std::string_view presented) const {
  // Every token is compared, each without an early exit: the time says nothing of which matched.
  const ApiToken* match = nullptr;
  for (const auto& token : tokens_) {
    if (sameSecret(presented, token.secret)) match = &token;
  }
  return match;
}

const ApiToken* ApiServer::tokenOf(const ConsoleSessions::Session& session) const {
  for (const auto& token : tokens_) {
    if (token.name == session.token_name && sameSecret(session.token_secret, token.secret)) return &token;
  }
  return nullptr;
}

std::string ApiServer::sessionCookie(const std::string& value, bool clear) const {
  std::string cookie = fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict", kSessionCookie, value);
  if (clear) cookie += "; Max-Age=0";
  if (sessions_.settings().secure_cookie) cookie += "; Secure";
  return cookie;
}

ApiResponse ApiServer::run(const ApiHandler& handler, const ApiRequest& request, const std::string& target) {
  const std::uint64_t id = ++requests_;
  try {
    return handler(request);
  } catch (const nlohmann::json::type_error& error) {
    // A handler read a field of the body as a type it does not have: the caller's mistake.
    // Handlers name the field themselves where they read it; this is the net under them.
    return ApiResponse::error(
        400, fmt::format("a value in the request has the wrong type: {}", withoutJsonExceptionId(error.what())));
  } catch (const nlohmann::json::parse_error& error) {
    return ApiResponse::error(400, fmt::format("the body is not valid JSON: {}", withoutJsonExceptionId(error.what())));
  } catch (const std::exception& error) {
    if (logger_) {
      logger_->error("api request {} ({} {}) failed: {}", id, request.method, loggablePath(target), error.what());
    }
  } catch (...) {
    if (logger_)
      logger_->error("api request {} ({} {}) failed with an unknown exception", id, request.method,
                     loggablePath(target));
  }
  // What went wrong inside stays in the log; the caller gets the number to find it there.
  const std::string message = fmt::format("internal error; the daemon's log has the details (request {})", id);
  return ApiResponse::json(
      500, nlohmann::json{{"error", {{"status", 500}, {"message", message}, {"request_id", id}}}}.dump());
}

}  // namespace staffchain::api
