// The console's sessions and files on the API server: sign-in for a cookie and a CSRF token, the
// cookie in place of the bearer token, the CSRF check on writes, idle and absolute expiry on a fake
// clock, the sign-in limit per address, sign-out, a reload that changes the token, and the files
// under /ui/ with their security headers and nothing outside the folder.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <boost/asio/post.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "scratch_dir.hpp"
#include "staffchain/api/api_server.hpp"
#include "staffchain/api/static_files.hpp"
#include "staffchain/plugin_host/curl_http_client.hpp"

namespace staffchain::api {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

std::string headerOf(const ApiResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return {};
}

class ConsoleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    logger_ = std::make_shared<spdlog::logger>("api", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_));
    server_ = std::make_unique<ApiServer>(
        io_, std::vector<ApiToken>{{"viewer", "read-token", Access::read}, {"operator", "write-token", Access::write}},
        logger_);
    server_->setClock([this] { return now_; });
    server_->route("GET", "/api/v1/alerts", Access::read, [](const ApiRequest& request) {
      return ApiResponse::json(200, nlohmann::json{{"caller", request.caller}}.dump());
    });
    server_->route("POST", "/api/v1/alerts/{id}/ack", Access::write, [](const ApiRequest& request) {
      return ApiResponse::json(200, nlohmann::json{{"acked", request.params.at("id")}, {"by", request.caller}}.dump());
    });
    settings_.session_idle = 30min;
    settings_.session_max = 12h;
    server_->configureConsole(settings_, files_.path());
  }

  struct Signed {
    std::string cookie;  // "staffchain_session=…"
    std::string csrf;
  };

  Signed signIn(const std::string& token, const std::string& from = "192.0.2.7") {
    auto answer = server_->dispatch(
        IncomingRequest{"POST", "/api/v1/session", "", "", "", from, nlohmann::json{{"token", token}}.dump(), ""});
    EXPECT_EQ(answer.status, 200U) << answer.body;
    const std::string set_cookie = headerOf(answer, "Set-Cookie");
    const auto body = nlohmann::json::parse(answer.body);
    return {set_cookie.substr(0, set_cookie.find(';')), body.value("csrf", "")};
  }

  ApiResponse call(const std::string& method, const std::string& target, const Signed& session,
                   const std::string& csrf) {
    return server_->dispatch(IncomingRequest{method, target, "", "theme=dark; " + session.cookie, csrf, "192.0.2.7",
                                             "{}", "application/json"});
  }

  boost::asio::io_context io_;
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<ApiServer> server_;
  ConsoleSettings settings_;
  ConsoleSessions::Clock::time_point now_{std::chrono::hours(1000)};
  staffchain::testing::ScratchDir files_;
};

TEST_F(ConsoleTest, ATokenSignsInForAnHttpOnlyStrictCookieAndTheCookieStandsForTheToken) {
  auto answer = server_->dispatch(IncomingRequest{"POST", "/api/v1/session", "", "", "", "192.0.2.7",
                                                  R"({"token":"write-token"})", "application/json"});
  ASSERT_EQ(answer.status, 200U) << answer.body;
  const auto body = nlohmann::json::parse(answer.body);
  EXPECT_EQ(body["name"], "operator");
  EXPECT_EQ(body["access"], "write");
  EXPECT_EQ(body["idle_seconds"], 1800);
  EXPECT_THAT(body["csrf"].get<std::string>(), ::testing::MatchesRegex("[0-9a-f]{64}"));
  const std::string cookie = headerOf(answer, "Set-Cookie");
  EXPECT_THAT(cookie, ::testing::MatchesRegex("staffchain_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict"));
  EXPECT_EQ(server_->consoleSessions(), 1U);
  EXPECT_THAT(log_.str(), HasSubstr("console: operator signed in from 192.0.2.7"));

  const Signed session{cookie.substr(0, cookie.find(';')), body["csrf"]};
  auto read = call("GET", "/api/v1/alerts", session, "");
  EXPECT_EQ(read.status, 200U);
  EXPECT_THAT(read.body, HasSubstr("\"caller\":\"operator\""));
  auto who = call("GET", "/api/v1/session", session, "");
  EXPECT_EQ(who.status, 200U);
  EXPECT_EQ(nlohmann::json::parse(who.body)["csrf"], body["csrf"]);
  EXPECT_EQ(server_->dispatch("GET", "/api/v1/alerts", "", "").status, 401U);
}

TEST_F(ConsoleTest, AWriteWithTheCookieNeedsTheSessionsCsrfToken) {
  const Signed session = signIn("write-token");
  auto missing = call("POST", "/api/v1/alerts/A1/ack", session, "");
  EXPECT_EQ(missing.status, 403U);
  EXPECT_THAT(missing.body, HasSubstr("X-CSRF-Token"));
  const Signed other = signIn("write-token");
  EXPECT_EQ(call("POST", "/api/v1/alerts/A1/ack", session, other.csrf).status, 403U);
  auto done = call("POST", "/api/v1/alerts/A1/ack", session, session.csrf);
  EXPECT_EQ(done.status, 200U) << done.body;
  EXPECT_THAT(done.body, HasSubstr("\"by\":\"operator\""));
  EXPECT_THAT(log_.str(), HasSubstr("api operator POST /api/v1/alerts/A1/ack -> 200 (write) (console)"));
}

TEST_F(ConsoleTest, AReadTokensSessionCannotWriteEvenWithItsCsrfToken) {
  const Signed session = signIn("read-token");
  auto refused = call("POST", "/api/v1/alerts/A1/ack", session, session.csrf);
  EXPECT_EQ(refused.status, 403U);
  EXPECT_THAT(refused.body, HasSubstr("read-only"));
}

TEST_F(ConsoleTest, ASessionEndsAfterItsIdleTimeAndAfterItsMaximumAge) {
  const Signed session = signIn("read-token");
  now_ += 29min;
  EXPECT_EQ(call("GET", "/api/v1/alerts", session, "").status, 200U);  // used: the idle time starts again
  now_ += 29min;
  EXPECT_EQ(call("GET", "/api/v1/alerts", session, "").status, 200U);
  now_ += 30min;
  auto ended = call("GET", "/api/v1/alerts", session, "");
  EXPECT_EQ(ended.status, 401U);
  EXPECT_THAT(ended.body, HasSubstr("the console session has ended; sign in again"));
  EXPECT_EQ(server_->consoleSessions(), 0U);
  // Kept in use, a session still ends session_max after its sign-in.
  const Signed busy = signIn("read-token");
  for (int use = 1; use <= 35; ++use) {  // every 20 minutes for 11 h 40 min
    now_ += 20min;
    ASSERT_EQ(call("GET", "/api/v1/alerts", busy, "").status, 200U) << use;
  }
  now_ += 21min;
  EXPECT_EQ(call("GET", "/api/v1/alerts", busy, "").status, 401U);
}

TEST_F(ConsoleTest, FailedSignInsAreLoggedAndLimitedPerAddressForAMinute) {
  for (int i = 0; i < 5; ++i) {
    auto refused = server_->dispatch(IncomingRequest{"POST", "/api/v1/session", "", "", "", "198.51.100.9",
                                                     R"({"token":"guess"})", "application/json"});
    EXPECT_EQ(refused.status, 401U);
    now_ += 5s;
  }
  EXPECT_THAT(log_.str(), HasSubstr("console: failed sign-in from 198.51.100.9 (5 in the last minute; 5 allowed)"));
  auto limited = server_->dispatch(IncomingRequest{"POST", "/api/v1/session", "", "", "", "198.51.100.9",
                                                   R"({"token":"write-token"})", "application/json"});
  EXPECT_EQ(limited.status, 429U);
  EXPECT_EQ(headerOf(limited, "Retry-After"), "35");  // the first failure is 25 s old
  EXPECT_THAT(log_.str(), HasSubstr("sign-in from 198.51.100.9 refused"));
  // Another address is not held by it.
  signIn("write-token", "192.0.2.8");
  now_ += 35s;
  signIn("write-token", "198.51.100.9");
}

TEST_F(ConsoleTest, SignOutEndsTheSessionAndClearsTheCookie) {
  const Signed session = signIn("write-token");
  EXPECT_EQ(call("DELETE", "/api/v1/session", session, "").status, 403U);  // a write: CSRF
  auto out = call("DELETE", "/api/v1/session", session, session.csrf);
  EXPECT_EQ(out.status, 204U);
  EXPECT_THAT(headerOf(out, "Set-Cookie"),
              HasSubstr("staffchain_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"));
  EXPECT_EQ(call("GET", "/api/v1/alerts", session, "").status, 401U);
}

TEST_F(ConsoleTest, AReloadThatChangesOrRemovesTheTokenEndsItsSessions) {
  const Signed writer = signIn("write-token");
  const Signed reader = signIn("read-token");
  server_->setTokens({{"viewer", "read-token", Access::read}, {"operator", "new-write-token", Access::write}});
  EXPECT_EQ(call("GET", "/api/v1/alerts", writer, "").status, 401U);
  EXPECT_EQ(call("GET", "/api/v1/alerts", reader, "").status, 200U);
  server_->setTokens({{"operator", "new-write-token", Access::write}});
  EXPECT_EQ(call("GET", "/api/v1/alerts", reader, "").status, 401U);
}

TEST_F(ConsoleTest, BehindATlsProxyTheCookieIsSecure) {
  settings_.secure_cookie = true;
  server_->configureConsole(settings_, files_.path());
  auto answer = server_->dispatch(IncomingRequest{"POST", "/api/v1/session", "", "", "", "192.0.2.7",
                                                  R"({"token":"read-token"})", "application/json"});
  EXPECT_THAT(headerOf(answer, "Set-Cookie"), HasSubstr("; Secure"));
}

TEST_F(ConsoleTest, ASignInWithoutATokenIsABadRequestNotAFailure) {
  for (const char* body : {"", "{}", R"({"token":5})", R"({"token":""})", "not json"}) {
    auto answer = server_->dispatch(
        IncomingRequest{"POST", "/api/v1/session", "", "", "", "192.0.2.7", body, "application/json"});
    EXPECT_EQ(answer.status, 400U) << body;
  }
}

TEST_F(ConsoleTest, TheConsolesFilesAreServedWithTheirTypesAndNothingOutsideTheirFolder) {
  std::ofstream(files_.path() / "index.html") << "<!doctype html><title>staffchain</title>";
  std::filesystem::create_directories(files_.path() / "js");
  std::ofstream(files_.path() / "js" / "app.js") << "export {};";
  std::ofstream(files_.path() / ".env") << "secret";
  std::ofstream(files_.path() / "notes.sh") << "#!/bin/sh";
  staffchain::testing::ScratchDir outside;
  std::ofstream(outside.path() / "outside.html") << "secret";
  std::filesystem::create_symlink(outside.path() / "outside.html", files_.path() / "link.html");

  auto root = server_->dispatch("GET", "/", "", "");
  EXPECT_EQ(root.status, 302U);
  EXPECT_EQ(headerOf(root, "Location"), "/ui/");
  auto index = server_->dispatch("GET", "/ui/", "", "");
  ASSERT_EQ(index.status, 200U);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_THAT(index.body, HasSubstr("<title>staffchain</title>"));
  EXPECT_EQ(headerOf(index, "Content-Security-Policy"), kConsoleContentSecurityPolicy);
  EXPECT_THAT(headerOf(index, "Content-Security-Policy"), Not(HasSubstr("'unsafe-eval'")));
  EXPECT_EQ(headerOf(index, "X-Frame-Options"), "DENY");
  auto script = server_->dispatch("GET", "/ui/js/app.js", "", "");
  EXPECT_EQ(script.status, 200U);
  EXPECT_EQ(script.content_type, "text/javascript; charset=utf-8");
  for (const char* refused : {"/ui/.env", "/ui/notes.sh", "/ui/link.html", "/ui/js/../../elsewhere/outside.html",
                              "/ui/%2e%2e/%2e%2e/etc/passwd", "/ui//etc/passwd", "/ui/missing.html"}) {
    auto answer = server_->dispatch("GET", refused, "", "");
    EXPECT_EQ(answer.status, 404U) << refused;
    EXPECT_THAT(answer.body, Not(HasSubstr("secret"))) << refused;
  }
  settings_.enabled = false;
  server_->configureConsole(settings_, files_.path());
  EXPECT_EQ(server_->dispatch("GET", "/ui/", "", "").status, 404U);
  auto off = server_->dispatch(IncomingRequest{"POST", "/api/v1/session", "", "", "", "192.0.2.7",
                                               R"({"token":"read-token"})", "application/json"});
  EXPECT_EQ(off.status, 404U);
}

// The cookie and the headers travel over a real connection as they do in the dispatch above.
TEST_F(ConsoleTest, OverHttpTheCookieIsSetAndThenTakenInPlaceOfTheBearerToken) {
  ASSERT_TRUE(server_->listen("127.0.0.1:0").ok());
  const std::string base = "http://127.0.0.1:" + std::to_string(server_->port());
  std::thread loop([this] { io_.run_for(std::chrono::seconds(20)); });
  plugin_host::CurlHttpClient client;
  plugin::HttpRequest request;
  request.method = "POST";
  request.url = base + "/api/v1/session";
  request.headers = {{"Content-Type", "application/json"}};
  request.body = R"({"token":"write-token"})";
  auto signed_in = client.send(request, nullptr);
  ASSERT_TRUE(signed_in.ok()) << signed_in.error().message;
  ASSERT_EQ(signed_in->status, 200) << signed_in->body;
  const std::string cookie = signed_in->header("Set-Cookie").value_or("");
  EXPECT_THAT(cookie, HasSubstr("HttpOnly; SameSite=Strict"));
  EXPECT_EQ(signed_in->header("X-Content-Type-Options"), "nosniff");
  const std::string csrf = nlohmann::json::parse(signed_in->body)["csrf"];

  request.url = base + "/api/v1/alerts/A7/ack";
  request.headers = {{"Cookie", cookie.substr(0, cookie.find(';'))}, {"X-CSRF-Token", csrf}};
  request.body = "{}";
  auto acked = client.send(request, nullptr);
  ASSERT_TRUE(acked.ok());
  EXPECT_EQ(acked->status, 200) << acked->body;
  EXPECT_THAT(acked->body, HasSubstr("\"by\":\"operator\""));
  boost::asio::post(io_, [this] {
    server_->stop();
    io_.stop();
  });
  loop.join();
}

// An upload's route takes a larger body than the 1 MiB every other route takes; the limit is
// chosen from the request's header before its body is read.
TEST_F(ConsoleTest, ARouteForUploadsTakesALargerBodyThanTheOthers) {
  server_->route(
      "POST", "/api/v1/upload", Access::read,
      [](const ApiRequest& request) { return ApiResponse::json(200, std::to_string(request.body.size())); },
      4U * 1024U * 1024U);
  EXPECT_EQ(server_->maxBody("POST", "/api/v1/upload?as_of=2026-06-30"), 4U * 1024U * 1024U);
  EXPECT_EQ(server_->maxBody("POST", "/api/v1/alerts/A1/ack"), kDefaultMaxBody);
  EXPECT_EQ(server_->maxBody("GET", "/api/v1/upload"), kDefaultMaxBody);
  // Only a caller the daemon knows may send that much: an anonymous or wrong one gets 1 MiB.
  EXPECT_EQ(server_->bodyLimit("POST", "/api/v1/upload", "Bearer read-token", ""), 4U * 1024U * 1024U);
  EXPECT_EQ(server_->bodyLimit("POST", "/api/v1/upload", "", ""), kDefaultMaxBody);
  EXPECT_EQ(server_->bodyLimit("POST", "/api/v1/upload", "Bearer guess", ""), kDefaultMaxBody);
  const Signed session = signIn("read-token");
  EXPECT_EQ(server_->bodyLimit("POST", "/api/v1/upload", "", session.cookie), 4U * 1024U * 1024U);
  EXPECT_EQ(server_->bodyLimit("POST", "/api/v1/upload", "", "staffchain_session=0123"), kDefaultMaxBody);
  ASSERT_TRUE(server_->listen("127.0.0.1:0").ok());
  const std::string base = "http://127.0.0.1:" + std::to_string(server_->port());
  std::thread loop([this] { io_.run_for(std::chrono::seconds(20)); });
  plugin_host::CurlHttpClient client;
  plugin::HttpRequest request;
  request.method = "POST";
  request.headers = {{"Authorization", "Bearer write-token"}, {"Content-Type", "application/zip"}};
  request.body = std::string(3U * 1024U * 1024U, 'x');
  request.url = base + "/api/v1/upload";
  auto taken = client.send(request, nullptr);
  ASSERT_TRUE(taken.ok()) << taken.error().message;
  EXPECT_EQ(taken->status, 200);
  EXPECT_EQ(taken->body, std::to_string(3U * 1024U * 1024U));
  request.headers = {{"Content-Type", "application/zip"}};
  auto anonymous = client.send(request, nullptr);
  ASSERT_TRUE(anonymous.ok()) << anonymous.error().message;
  EXPECT_EQ(anonymous->status, 413);
  request.headers = {{"Authorization", "Bearer write-token"}, {"Content-Type", "application/zip"}};
  request.url = base + "/api/v1/alerts/A1/ack";
  auto refused = client.send(request, nullptr);
  ASSERT_TRUE(refused.ok()) << refused.error().message;
  EXPECT_EQ(refused->status, 413);
  EXPECT_THAT(refused->body, HasSubstr("larger than this endpoint takes (1 MiB)"));
  boost::asio::post(io_, [this] {
    server_->stop();
    io_.stop();
  });
  loop.join();
}

}  // namespace
}  // namespace staffchain::api
