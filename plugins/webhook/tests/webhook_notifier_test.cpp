// The webhook notifier: its signature against known vectors, and the real plugin posting to a
// real HTTP receiver (WireMock) that records exactly what arrived.

#include "webhook_notifier.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "http_notifier_fixture.hpp"
#include "independent_signature.hpp"
#include "webhook_signature.hpp"

namespace staffchain::webhook {
namespace {

using namespace std::chrono_literals;
using staffchain::testing::headerOf;
using staffchain::testing::HttpNotifierFixture;
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

constexpr const char* kPath = "/oa/alerts";

class WebhookNotifierTest : public HttpNotifierFixture {
 protected:
  WebhookNotifierTest() : HttpNotifierFixture("webhook", "oa") {}

  void SetUp() override {
    ::setenv("STAFFCHAIN_TEST_WEBHOOK_SECRET", kSigningSecret, 1);
    ::setenv("STAFFCHAIN_TEST_WEBHOOK_BEARER", kBearer, 1);
    HttpNotifierFixture::SetUp();
    if (HasFatalFailure()) return;
    common_keys_ = "url = \"" + wiremock().url() + kPath + "?tenant=hlbe\"\n";
  }

  static void stub(const nlohmann::json& response) { HttpNotifierFixture::stub(kPath, response); }
  static nlohmann::json received() { return HttpNotifierFixture::received(kPath); }
};

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
  auto receipt = plugin_host::sendNotification(*notifier, notification(), 10s);
  const auto after =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  ASSERT_TRUE(receipt) << receipt.error().message;
  EXPECT_EQ(receipt->detail, R"(HTTP 202: {"accepted":true})");

  const auto requests = received();
  ASSERT_EQ(requests.size(), 1U);
  const auto& request = requests[0];
  EXPECT_EQ(request["body"], notification().json);
  EXPECT_THAT(request["url"].get<std::string>(), HasSubstr("tenant=hlbe"));
  EXPECT_EQ(headerOf(request, "Idempotency-Key"), notification().idempotency_key);
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
  auto receipt = plugin_host::sendNotification(*notifier, notification(), 10s);
  ASSERT_TRUE(receipt) << receipt.error().message;
  const auto requests = received();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_TRUE(headerOf(requests[0], "X-Staffchain-Signature").empty());
  EXPECT_EQ(headerOf(requests[0], "X-OA-Sign"),
            independentSignature(kSigningSecret, headerOf(requests[0], "X-OA-Time"), notification().json));
}

TEST_F(WebhookNotifierTest, WithoutASigningSecretNothingIsSigned) {
  stub({{"status", 204}});
  auto notifier = createOk("");
  ASSERT_TRUE(notifier);
  auto receipt = plugin_host::sendNotification(*notifier, notification(), 10s);
  ASSERT_TRUE(receipt) << receipt.error().message;
  EXPECT_EQ(receipt->detail, "HTTP 204: (empty body)");
  const auto requests = received();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_TRUE(headerOf(requests[0], "X-Staffchain-Signature").empty());
  EXPECT_TRUE(headerOf(requests[0], "X-Staffchain-Timestamp").empty());
  EXPECT_EQ(headerOf(requests[0], "Idempotency-Key"), notification().idempotency_key);
}

TEST_F(WebhookNotifierTest, AServerErrorIsAFailureNamingStatusAndAnswerButNotTheQuery) {
  stub({{"status", 503}, {"body", "gateway busy, retry later"}});
  auto notifier = createOk("");
  ASSERT_TRUE(notifier);
  auto receipt = plugin_host::sendNotification(*notifier, notification(), 10s);
  ASSERT_FALSE(receipt);
  EXPECT_THAT(receipt.error().message, HasSubstr("answered HTTP 503: gateway busy, retry later"));
  EXPECT_THAT(receipt.error().message, HasSubstr(wiremock().url() + "/oa/alerts"));
  EXPECT_THAT(receipt.error().message, Not(HasSubstr("tenant=hlbe")));
}

TEST_F(WebhookNotifierTest, AClientErrorIsAFailureToo) {
  stub({{"status", 400}, {"body", R"({"error":"unknown receiver"})"}});
  auto notifier = createOk("");
  ASSERT_TRUE(notifier);
  auto receipt = plugin_host::sendNotification(*notifier, notification(), 10s);
  ASSERT_FALSE(receipt);
  EXPECT_THAT(receipt.error().message, HasSubstr(R"(answered HTTP 400: {"error":"unknown receiver"})"));
}

TEST_F(WebhookNotifierTest, AConnectionResetIsAFailure) {
  stub({{"fault", "CONNECTION_RESET_BY_PEER"}});
  auto notifier = createOk("");
  ASSERT_TRUE(notifier);
  auto receipt = plugin_host::sendNotification(*notifier, notification(), 10s);
  ASSERT_FALSE(receipt);
  EXPECT_THAT(receipt.error().message, HasSubstr("webhook POST " + wiremock().url() + "/oa/alerts failed"));
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
  auto empty = notification();
  empty.json.clear();
  auto receipt = plugin_host::sendNotification(*notifier, empty, 10s);
  ASSERT_FALSE(receipt);
  EXPECT_THAT(receipt.error().message, HasSubstr("has no JSON body"));
  EXPECT_TRUE(received().empty());
}

}  // namespace
}  // namespace staffchain::webhook
