// The webhook notifier: its signature against known vectors, and the real plugin posting to a
// real HTTP receiver (WireMock) that records exactly what arrived.

#include "webhook_notifier.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "independent_signature.hpp"
#include "peer_wiremock.hpp"
#include "scratch_dir.hpp"
#include "staffchain/plugin_host/plugin_instance.hpp"
#include "webhook_signature.hpp"

namespace staffchain::webhook {
namespace {

using namespace std::chrono_literals;
using staffchain::testing::ScratchDir;
using staffchain::testing::WireMockPeer;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSigningSecret = "接收方密钥-signing";
constexpr const char* kBearer = "Bearer oa-gateway-token-7";

TEST(WebhookSignature, MatchesTheRfc4231Vector) {
  // RFC 4231, test case 2.
  EXPECT_EQ(hmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookSignature, SignsTheTimestampADotAndTheRawBody) {
  const std::string body = R"({"rule":"CHAIN-006","unit":"呼伦贝尔市"})";
  EXPECT_EQ(signedMaterial("1717000000", body), "1717000000." + body);
  // Computed independently (Python's hmac module) for the README's description.
  EXPECT_EQ(signatureHeaderValue("接收方密钥", "1717000000", body),
            "sha256=ca8581f26e497dd823b8dbc231b3ed33e1d54b18e6fef6cd5f0f924f31d85584");
}

TEST(WebhookMessages, UrlsLoseQueryAndCredentialsAndAnswersStayShort) {
  EXPECT_EQ(redactUrl("https://user:pw@oa.example.gov.cn/hook?token=abc#x"), "https://oa.example.gov.cn/hook");
  EXPECT_EQ(redactUrl("http://127.0.0.1:8080/a/b"), "http://127.0.0.1:8080/a/b");
  EXPECT_EQ(answerExcerpt("line1\nline2"), "line1 line2");
  EXPECT_EQ(answerExcerpt(""), "(empty body)");
  // Cut inside the three bytes of '编' (E7 BC 96): the partial character is dropped.
  EXPECT_EQ(answerExcerpt("ab编制", 4), "ab…");
}

std::string headerOf(const nlohmann::json& request, const std::string& name) {
  for (const auto& [key, value] : request["headers"].items()) {
    if (strcasecmp(key.c_str(), name.c_str()) == 0) return value.is_string() ? value.get<std::string>() : value.dump();
  }
  return {};
}

class WebhookNotifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto peer = WireMockPeer::start();
    ASSERT_TRUE(peer) << peer.error().message;
    wiremock_ = std::move(peer.value()).release();
  }
  static void TearDownTestSuite() {
    delete wiremock_;
    wiremock_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(wiremock_, nullptr);
    ASSERT_TRUE(wiremock_->reset());
    ::setenv("STAFFCHAIN_TEST_WEBHOOK_SECRET", kSigningSecret, 1);
    ::setenv("STAFFCHAIN_TEST_WEBHOOK_BEARER", kBearer, 1);
    auto loaded = plugin_host::PluginCatalog::loadDirectory(STAFFCHAIN_PLUGIN_BUILD_DIR);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    catalog_ = std::make_unique<plugin_host::PluginCatalog>(std::move(loaded.value()));
    logger_ = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_));
  }

  void stub(const nlohmann::json& response) {
    auto added =
        wiremock_->addMapping({{"request", {{"method", "POST"}, {"urlPath", "/oa/alerts"}}}, {"response", response}});
    ASSERT_TRUE(added) << added.error().message;
  }

  Result<std::unique_ptr<plugin_host::NotifierInstance>> create(const std::string& extra) {
    document_ = std::make_shared<toml::table>(
        toml::parse("plugin = \"webhook\"\nurl = \"" + wiremock_->url() + "/oa/alerts?tenant=hlbe\"\n" + extra,
                    std::string_view("notifiers.toml")));
    config::NotifierSettings settings;
    settings.name = "oa";
    settings.plugin = "webhook";
    settings.key_path = "notifiers.oa";
    settings.table = document_.get();
    return plugin_host::createNotifier(*catalog_, settings, logger_, scratch_.path(), 5s);
  }

  std::unique_ptr<plugin_host::NotifierInstance> createOk(const std::string& extra) {
    auto created = create(extra);
    EXPECT_TRUE(created) << created.error().message;
    return created ? std::move(created.value()) : nullptr;
  }

  static plugin::Notification message() {
    plugin::Notification m;
    m.idempotency_key = "d-20240601-oa-0007";
    m.receiver = "oa";
    m.title = "CHAIN-006 未上编即起薪";
    m.json =
        R"({"receiver":"oa","findings":[{"rule":"CHAIN-006","unit":"呼伦贝尔市财政局","person":"150702********123X"}]})";
    return m;
  }

  nlohmann::json received() {
    auto found = wiremock_->findRequests({{"method", "POST"}, {"urlPath", "/oa/alerts"}});
    EXPECT_TRUE(found) << found.error().message;
    return found ? found.value() : nlohmann::json::array();
  }

  static WireMockPeer* wiremock_;
  ScratchDir scratch_;
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<plugin_host::PluginCatalog> catalog_;
  std::shared_ptr<toml::table> document_;
};

WireMockPeer* WebhookNotifierTest::wiremock_ = nullptr;

TEST_F(WebhookNotifierTest, PostsTheJsonSignedWithTheIdempotencyKeyAndConfiguredHeaders) {
  stub({{"status", 202}, {"body", R"({"accepted":true})"}});
  auto notifier = createOk(
      "signing_secret = \"${STAFFCHAIN_TEST_WEBHOOK_SECRET}\"\n"
      "headers = { X-Tenant = \"hulunbuir\" }\n"
      "secret_headers = { Authorization = \"${STAFFCHAIN_TEST_WEBHOOK_BEARER}\" }\n");
  ASSERT_TRUE(notifier);
  EXPECT_EQ(notifier->object().maxMessageBytes(), 64U * 1024U);
  EXPECT_EQ(notifier->object().messagesPerMinute(), 0U);

  const auto before =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto receipt = plugin_host::sendNotification(*notifier, message(), 10s);
  const auto after =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  ASSERT_TRUE(receipt) << receipt.error().message;
  EXPECT_EQ(receipt->detail, R"(HTTP 202: {"accepted":true})");

  const auto requests = received();
  ASSERT_EQ(requests.size(), 1U);
  const auto& request = requests[0];
  EXPECT_EQ(request["body"], message().json);
  EXPECT_THAT(request["url"].get<std::string>(), HasSubstr("tenant=hlbe"));
  EXPECT_EQ(headerOf(request, "Idempotency-Key"), "d-20240601-oa-0007");
  // Jetty, under WireMock, writes the charset in upper case; the media type is what matters.
  EXPECT_THAT(headerOf(request, "Content-Type"), HasSubstr("application/json"));
  EXPECT_EQ(headerOf(request, "X-Tenant"), "hulunbuir");
  EXPECT_EQ(headerOf(request, "Authorization"), kBearer);
  const std::string timestamp = headerOf(request, "X-Staffchain-Timestamp");
  ASSERT_FALSE(timestamp.empty());
  EXPECT_GE(std::stoll(timestamp), before);
  EXPECT_LE(std::stoll(timestamp), after);
  EXPECT_EQ(headerOf(request, "X-Staffchain-Signature"),
            independentSignature(kSigningSecret, timestamp, request["body"].get<std::string>()));
  EXPECT_THAT(log_.str(), Not(HasSubstr(kSigningSecret)));
  EXPECT_THAT(log_.str(), Not(HasSubstr("oa-gateway-token-7")));
}

TEST_F(WebhookNotifierTest, SignatureAndTimestampHeaderNamesAreConfigurable) {
  stub({{"status", 200}});
  auto notifier = createOk(
      "signing_secret = \"${STAFFCHAIN_TEST_WEBHOOK_SECRET}\"\n"
      "signature_header = \"X-OA-Sign\"\ntimestamp_header = \"X-OA-Time\"\n"
      "max_message_bytes = 1000\nmessages_per_minute = 30\n");
  ASSERT_TRUE(notifier);
  EXPECT_EQ(notifier->object().maxMessageBytes(), 1000U);
  EXPECT_EQ(notifier->object().messagesPerMinute(), 30U);
  auto receipt = plugin_host::sendNotification(*notifier, message(), 10s);
  ASSERT_TRUE(receipt) << receipt.error().message;
  const auto requests = received();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_TRUE(headerOf(requests[0], "X-Staffchain-Signature").empty());
  EXPECT_EQ(headerOf(requests[0], "X-OA-Sign"),
            independentSignature(kSigningSecret, headerOf(requests[0], "X-OA-Time"), message().json));
}

TEST_F(WebhookNotifierTest, WithoutASigningSecretNothingIsSigned) {
  stub({{"status", 204}});
  auto notifier = createOk("");
  ASSERT_TRUE(notifier);
  auto receipt = plugin_host::sendNotification(*notifier, message(), 10s);
  ASSERT_TRUE(receipt) << receipt.error().message;
  EXPECT_EQ(receipt->detail, "HTTP 204: (empty body)");
  const auto requests = received();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_TRUE(headerOf(requests[0], "X-Staffchain-Signature").empty());
  EXPECT_TRUE(headerOf(requests[0], "X-Staffchain-Timestamp").empty());
  EXPECT_EQ(headerOf(requests[0], "Idempotency-Key"), "d-20240601-oa-0007");
}

TEST_F(WebhookNotifierTest, AServerErrorIsAFailureNamingStatusAndAnswerButNotTheQuery) {
  stub({{"status", 503}, {"body", "gateway busy, retry later"}});
  auto notifier = createOk("");
  ASSERT_TRUE(notifier);
  auto receipt = plugin_host::sendNotification(*notifier, message(), 10s);
  ASSERT_FALSE(receipt);
  EXPECT_THAT(receipt.error().message, HasSubstr("answered HTTP 503: gateway busy, retry later"));
  EXPECT_THAT(receipt.error().message, HasSubstr(wiremock_->url() + "/oa/alerts"));
  EXPECT_THAT(receipt.error().message, Not(HasSubstr("tenant=hlbe")));
}

TEST_F(WebhookNotifierTest, AClientErrorIsAFailureToo) {
  stub({{"status", 400}, {"body", R"({"error":"unknown receiver"})"}});
  auto notifier = createOk("");
  ASSERT_TRUE(notifier);
  auto receipt = plugin_host::sendNotification(*notifier, message(), 10s);
  ASSERT_FALSE(receipt);
  EXPECT_THAT(receipt.error().message, HasSubstr(R"(answered HTTP 400: {"error":"unknown receiver"})"));
}

TEST_F(WebhookNotifierTest, AConnectionResetIsAFailure) {
  stub({{"fault", "CONNECTION_RESET_BY_PEER"}});
  auto notifier = createOk("");
  ASSERT_TRUE(notifier);
  auto receipt = plugin_host::sendNotification(*notifier, message(), 10s);
  ASSERT_FALSE(receipt);
  EXPECT_THAT(receipt.error().message, HasSubstr("webhook POST " + wiremock_->url() + "/oa/alerts failed"));
  EXPECT_EQ(received().size(), 1U);
}

TEST_F(WebhookNotifierTest, InlineSecretsAndReservedHeadersAreRefused) {
  auto inline_secret = create("signing_secret = \"plain-text-secret\"\n");
  ASSERT_FALSE(inline_secret);
  EXPECT_THAT(inline_secret.error().message, HasSubstr("notifiers.oa.signing_secret: secrets are given by reference"));
  EXPECT_THAT(inline_secret.error().message, Not(HasSubstr("plain-text-secret")));

  auto reserved = create("headers = { Idempotency-Key = \"fixed\" }\n");
  ASSERT_FALSE(reserved);
  EXPECT_THAT(reserved.error().message, HasSubstr("notifiers.oa.headers.Idempotency-Key"));

  auto missing = create("signing_secret = \"${STAFFCHAIN_TEST_WEBHOOK_UNSET_VARIABLE}\"\n");
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("notifiers.oa.signing_secret: cannot resolve the secret"));
}

TEST_F(WebhookNotifierTest, AMessageWithoutJsonIsRefusedBeforeAnythingIsSent) {
  stub({{"status", 200}});
  auto notifier = createOk("");
  ASSERT_TRUE(notifier);
  auto empty = message();
  empty.json.clear();
  auto receipt = plugin_host::sendNotification(*notifier, empty, 10s);
  ASSERT_FALSE(receipt);
  EXPECT_THAT(receipt.error().message, HasSubstr("has no JSON body"));
  EXPECT_TRUE(received().empty());
}

}  // namespace
}  // namespace staffchain::webhook
