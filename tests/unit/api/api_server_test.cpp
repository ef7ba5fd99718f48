#include "staffchain/api/api_server.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "staffchain/plugin_host/curl_http_client.hpp"

namespace staffchain::api {
namespace {

using ::testing::HasSubstr;

class ApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    logger_ = std::make_shared<spdlog::logger>("api", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_));
    server_ = std::make_unique<ApiServer>(
        io_, std::vector<ApiToken>{{"viewer", "read-token", Access::read}, {"operator", "write-token", Access::write}},
        logger_);
    server_->route("GET", "/healthz", Access::none,
                   [](const ApiRequest&) { return ApiResponse::json(200, "{\"ok\":true}"); });
    server_->route("GET", "/api/v1/alerts", Access::read, [](const ApiRequest& request) {
      auto it = request.query.find("unit");
      return ApiResponse::json(200, "{\"unit\":\"" + (it == request.query.end() ? "" : it->second) + "\"}");
    });
    server_->route("POST", "/api/v1/alerts/{id}/ack", Access::write, [](const ApiRequest& request) {
      return ApiResponse::json(200,
                               "{\"acked\":\"" + request.params.at("id") + "\",\"by\":\"" + request.caller + "\"}");
    });
  }

  boost::asio::io_context io_;
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<ApiServer> server_;
};

TEST_F(ApiServerTest, HealthNeedsNoTokenButTheApiDoes) {
  EXPECT_EQ(server_->dispatch("GET", "/healthz", "", "").status, 200U);
  auto refused = server_->dispatch("GET", "/api/v1/alerts", "", "");
  EXPECT_EQ(refused.status, 401U);
  EXPECT_THAT(refused.body, HasSubstr("\"error\""));
  EXPECT_EQ(server_->dispatch("GET", "/api/v1/alerts", "Bearer wrong", "").status, 401U);
  EXPECT_EQ(server_->dispatch("GET", "/api/v1/alerts", "Bearer read-token", "").status, 200U);
}

TEST_F(ApiServerTest, WritesNeedAReadWriteToken) {
  auto forbidden = server_->dispatch("POST", "/api/v1/alerts/abc/ack", "Bearer read-token", "");
  EXPECT_EQ(forbidden.status, 403U);
  EXPECT_THAT(forbidden.body, HasSubstr("read-only"));
  auto done = server_->dispatch("POST", "/api/v1/alerts/abc/ack", "Bearer write-token", "{}");
  EXPECT_EQ(done.status, 200U);
  EXPECT_THAT(done.body, HasSubstr("\"acked\":\"abc\",\"by\":\"operator\""));
  EXPECT_THAT(log_.str(), HasSubstr("api operator POST /api/v1/alerts/abc/ack -> 200 (write)"));
  EXPECT_THAT(log_.str(), HasSubstr("api viewer POST /api/v1/alerts/abc/ack -> 403"));
  EXPECT_THAT(log_.str(), ::testing::Not(HasSubstr("write-token")));
}

TEST_F(ApiServerTest, UnknownPathsAndMethodsAreJsonErrors) {
  EXPECT_EQ(server_->dispatch("GET", "/nope", "Bearer read-token", "").status, 404U);
  EXPECT_EQ(server_->dispatch("DELETE", "/api/v1/alerts", "Bearer write-token", "").status, 405U);
}

TEST_F(ApiServerTest, QueryStringsAreDecoded) {
  auto response = server_->dispatch("GET", "/api/v1/alerts?unit=11%2015&x", "Bearer read-token", "");
  EXPECT_THAT(response.body, HasSubstr("\"unit\":\"11 15\""));
}

TEST_F(ApiServerTest, ServesRealHttpOnLoopback) {
  ASSERT_TRUE(server_->listen("127.0.0.1:0").ok());
  const auto port = server_->port();
  ASSERT_NE(port, 0);
  std::thread loop([this] { io_.run_for(std::chrono::seconds(10)); });
  plugin_host::CurlHttpClient client;
  plugin::HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/api/v1/alerts?unit=u1";
  request.headers = {{"Authorization", "Bearer read-token"}};
  auto response = client.send(request, nullptr);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "{\"unit\":\"u1\"}");
  EXPECT_EQ(response->header("Content-Type"), "application/json");
  request.headers.clear();
  auto refused = client.send(request, nullptr);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(refused->header("WWW-Authenticate"), "Bearer realm=\"staffchain\"");
  boost::asio::post(io_, [this] {
    server_->stop();
    io_.stop();
  });
  loop.join();
}

// GET /healthz needs no token, so anyone could write into the log through its path: a decoded
// %0a would start a forged line ("info api ops POST /api/v1/reload"). The access log shows the
// path as it came, still encoded, on one line.
TEST_F(ApiServerTest, TheAccessLogKeepsAForgedLineInsideTheOneLineOfItsRequest) {
  const std::string forged =
      "/healthz%0a2026-06-30T09:00:00.000+0800%20info%20%20api%20ops%20POST%20/api/v1/reload"
      "%20-%3E%20200%20(write)%0d%1b[2J";
  EXPECT_EQ(server_->dispatch("GET", forged, "", "").status, 404U);
  const std::string log = log_.str();
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1) << log;
  EXPECT_EQ(log.find('\r'), std::string::npos) << log;
  EXPECT_EQ(log.find('\x1b'), std::string::npos) << log;
  EXPECT_THAT(log, HasSubstr("api anonymous GET /healthz%0a2026-06-30T09:00:00.000+0800%20info"));
}

class ApiServerErrorsTest : public ApiServerTest {
 protected:
  void SetUp() override {
    ApiServerTest::SetUp();
    // A handler that reads a field the way handlers did: as a string, whatever the caller sent.
    server_->route("POST", "/api/v1/notes", Access::write, [](const ApiRequest& request) {
      const auto body = nlohmann::json::parse(request.body);
      return ApiResponse::json(200, nlohmann::json{{"comment", body.value("comment", std::string())}}.dump());
    });
    server_->route("GET", "/api/v1/broken", Access::read, [](const ApiRequest&) -> ApiResponse {
      throw std::runtime_error("ledger /var/lib/staffchain/ledger.db: step failed: disk I/O error");
    });
  }
};

// {"comment": 5} is the caller's mistake: a 400 that says what is wrong, not a 500 carrying
// "[json.exception.type_error.302]".
TEST_F(ApiServerErrorsTest, AValueOfTheWrongJsonTypeIsA400WithoutTheLibrarysInternals) {
  auto answer = server_->dispatch("POST", "/api/v1/notes", "Bearer write-token", R"({"comment":5})");
  EXPECT_EQ(answer.status, 400U) << answer.body;
  EXPECT_THAT(answer.body, HasSubstr("wrong type: type must be string, but is number"));
  EXPECT_THAT(answer.body, ::testing::Not(HasSubstr("json.exception")));
  auto unparsable = server_->dispatch("POST", "/api/v1/notes", "Bearer write-token", "{\"comment\":");
  EXPECT_EQ(unparsable.status, 400U) << unparsable.body;
  EXPECT_THAT(unparsable.body, HasSubstr("the body is not valid JSON"));
  EXPECT_THAT(unparsable.body, ::testing::Not(HasSubstr("json.exception")));
  EXPECT_EQ(server_->dispatch("POST", "/api/v1/notes", "Bearer write-token", R"({"comment":"ok"})").status, 200U);
}

// What failed inside (a path, a database error) goes to the log; the caller gets a generic
// message with the number that finds the log line.
TEST_F(ApiServerErrorsTest, AnInternalErrorIsLoggedAndAnsweredOnlyWithARequestId) {
  auto answer = server_->dispatch("GET", "/api/v1/broken", "Bearer read-token", "");
  EXPECT_EQ(answer.status, 500U);
  EXPECT_THAT(answer.body, ::testing::Not(HasSubstr("disk I/O")));
  EXPECT_THAT(answer.body, ::testing::Not(HasSubstr("ledger.db")));
  const auto body = nlohmann::json::parse(answer.body);
  ASSERT_TRUE(body["error"]["request_id"].is_number()) << answer.body;
  const auto id = body["error"]["request_id"].get<std::uint64_t>();
  EXPECT_THAT(body["error"]["message"].get<std::string>(), HasSubstr(fmt::format("(request {})", id)));
  EXPECT_THAT(log_.str(), HasSubstr(fmt::format("api request {} (GET /api/v1/broken) failed: ledger "
                                                "/var/lib/staffchain/ledger.db: step failed: disk I/O error",
                                                id)));
}

TEST_F(ApiServerTest, ABadListenAddressIsAClearError) {
  auto bad = server_->listen("localhost");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, HasSubstr("expected HOST:PORT"));
  auto not_ip = server_->listen("example.org:80");
  ASSERT_FALSE(not_ip.ok());
  EXPECT_THAT(not_ip.error().message, HasSubstr("not an IP address"));
}

}  // namespace
}  // namespace staffchain::api
