// The dingtalk notifier: its signature against a known vector, and the real plugin posting to
// WireMock standing in for DingTalk, which records the URL and body exactly as they arrived.
#include "dingtalk_notifier.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "dingtalk_signature.hpp"
#include "http_notifier_fixture.hpp"
#include "staffchain/plugin/support/http_text.hpp"

namespace staffchain::dingtalk {
namespace {

using plugin::percentEncode;

using namespace std::chrono_literals;
using staffchain::testing::HttpNotifierFixture;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kToken = "6f1c0b0c-token+/x";
constexpr const char* kSecret = "SECb2a8f1e0d9c7钉钉";
constexpr const char* kPath = "/robot/send";

std::string percentDecode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out.push_back(static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// The raw (still percent-encoded) value of `name` in the query string of `url`.
std::string rawQueryParam(const std::string& url, const std::string& name) {
  const auto query = url.find('?');
  if (query == std::string::npos) return {};
  std::size_t at = query + 1;
  while (at < url.size()) {
    const auto end = std::min(url.find('&', at), url.size());
    const std::string pair = url.substr(at, end - at);
    if (pair.rfind(name + "=", 0) == 0) return pair.substr(name.size() + 1);
    at = end + 1;
  }
  return {};
}

// DingTalk's documented algorithm, written out again from OpenSSL's primitives.
std::string independentSign(const std::string& secret, const std::string& timestamp) {
  const std::string material = timestamp + "\n" + secret;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(material.data()), material.size(), digest, &length);
  unsigned char encoded[128] = {};
  const int written = EVP_EncodeBlock(encoded, digest, static_cast<int>(length));
  return std::string(reinterpret_cast<const char*>(encoded), static_cast<std::size_t>(written));
}

TEST(DingtalkSignature, MatchesAVectorComputedIndependently) {
  // Python: base64.b64encode(hmac.new(secret, ts + "\n" + secret, sha256).digest()).
  EXPECT_EQ(robotSignature("SEC0123456789abcdef钉", "1717000000123"), "shfuq1UlsCatkB+Utu8fHdAHWLvClIf4wbnITbcO/lk=");
  // urllib.parse.quote(signature, safe=""), the "urlencode" DingTalk asks for.
  EXPECT_EQ(percentEncode("shfuq1UlsCatkB+Utu8fHdAHWLvClIf4wbnITbcO/lk="),
            "shfuq1UlsCatkB%2BUtu8fHdAHWLvClIf4wbnITbcO%2Flk%3D");
}

class DingtalkNotifierTest : public HttpNotifierFixture {
 protected:
  DingtalkNotifierTest() : HttpNotifierFixture("dingtalk", "finance_group") {}

  void SetUp() override {
    ::setenv("STAFFCHAIN_TEST_DINGTALK_TOKEN", kToken, 1);
    ::setenv("STAFFCHAIN_TEST_DINGTALK_SECRET", kSecret, 1);
    HttpNotifierFixture::SetUp();
    if (HasFatalFailure()) return;
    common_keys_ = "access_token = \"${STAFFCHAIN_TEST_DINGTALK_TOKEN}\"\nbase_url = \"" + wiremock().url() + "\"\n";
  }

  static void stub(const nlohmann::json& response) { HttpNotifierFixture::stub(kPath, response); }
  static nlohmann::json received() { return HttpNotifierFixture::received(kPath); }
};

constexpr const char* kSigned = "secret = \"${STAFFCHAIN_TEST_DINGTALK_SECRET}\"\n";

TEST_F(DingtalkNotifierTest, PostsSignedMarkdownWithTheHostsTimestamp) {
  stub({{"status", 200}, {"body", R"({"errcode":0,"errmsg":"ok"})"}});
  auto notifier = createOk(kSigned);
  ASSERT_TRUE(notifier);
  EXPECT_EQ(notifier->object().messagesPerMinute(), 20U);
  EXPECT_EQ(notifier->object().maxMessageBytes(), kContentLimit);

  const auto now_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  const auto before = now_ms();
  auto receipt = plugin_host::sendNotification(*notifier, notification(), 10s);
  const auto after = now_ms();
  ASSERT_TRUE(receipt) << receipt.error().message;
  EXPECT_EQ(receipt->detail, "errcode 0: ok");

  const auto requests = received();
  ASSERT_EQ(requests.size(), 1U);
  const std::string url = requests[0]["url"].get<std::string>();
  EXPECT_EQ(percentDecode(rawQueryParam(url, "access_token")), kToken);
  const std::string timestamp = rawQueryParam(url, "timestamp");
  ASSERT_FALSE(timestamp.empty()) << url;
  EXPECT_GE(std::stoll(timestamp), before);
  EXPECT_LE(std::stoll(timestamp), after);
  EXPECT_EQ(percentDecode(rawQueryParam(url, "sign")), independentSign(kSecret, timestamp));
  // The signature's '+', '/' and '=' must arrive encoded, or DingTalk reads them differently.
  EXPECT_EQ(rawQueryParam(url, "sign").find_first_of("+/="), std::string::npos) << url;

  const auto body = nlohmann::json::parse(requests[0]["body"].get<std::string>());
  EXPECT_EQ(body, (nlohmann::json{{"msgtype", "markdown"},
                                  {"markdown", {{"title", notification().title}, {"text", notification().markdown}}}}));
  EXPECT_THAT(log_.str(), Not(HasSubstr(kSecret)));
}

TEST_F(DingtalkNotifierTest, MentionsGoIntoTheTextAndTheAtObject) {
  stub({{"status", 200}, {"body", R"({"errcode":0,"errmsg":"ok"})"}});
  auto notifier = createOk("at_mobiles = [\"13900000001\"]\n");
  ASSERT_TRUE(notifier);
  EXPECT_EQ(notifier->object().maxMessageBytes(), kContentLimit - (1U + 13U));
  ASSERT_TRUE(plugin_host::sendNotification(*notifier, notification(), 10s));
  const auto requests = received();
  ASSERT_EQ(requests.size(), 1U);
  const auto body = nlohmann::json::parse(requests[0]["body"].get<std::string>());
  EXPECT_EQ(body["markdown"]["text"], notification().markdown + "\n\n@13900000001");
  EXPECT_EQ(body["at"], (nlohmann::json{{"atMobiles", {"13900000001"}}, {"isAtAll", false}}));
  // Without a secret the robot relies on keywords or an IP allow-list: no timestamp, no sign.
  const std::string url = requests[0]["url"].get<std::string>();
  EXPECT_TRUE(rawQueryParam(url, "timestamp").empty()) << url;
  EXPECT_TRUE(rawQueryParam(url, "sign").empty()) << url;
}

TEST_F(DingtalkNotifierTest, AnErrcodeInAnHttp200IsAFailureNamingErrcodeAndErrmsg) {
  stub({{"status", 200}, {"body", R"({"errcode":310000,"errmsg":"sign not match, more: [https://ding-doc]"})"}});
  auto notifier = createOk(kSigned);
  ASSERT_TRUE(notifier);
  auto receipt = plugin_host::sendNotification(*notifier, notification(), 10s);
  ASSERT_FALSE(receipt);
  EXPECT_THAT(receipt.error().message, HasSubstr("DingTalk robot " + wiremock().url() +
                                                 "/robot/send refused the message: errcode 310000: sign not match"));
  EXPECT_THAT(receipt.error().message, Not(HasSubstr("token")));
}

TEST_F(DingtalkNotifierTest, AServerErrorIsAFailure) {
  stub({{"status", 500}, {"body", "internal error"}});
  auto notifier = createOk(kSigned);
  ASSERT_TRUE(notifier);
  auto receipt = plugin_host::sendNotification(*notifier, notification(), 10s);
  ASSERT_FALSE(receipt);
  EXPECT_THAT(receipt.error().message, HasSubstr("answered HTTP 500: internal error"));
}

TEST_F(DingtalkNotifierTest, AConnectionResetIsAFailure) {
  stub({{"fault", "CONNECTION_RESET_BY_PEER"}});
  auto notifier = createOk(kSigned);
  ASSERT_TRUE(notifier);
  auto receipt = plugin_host::sendNotification(*notifier, notification(), 10s);
  ASSERT_FALSE(receipt);
  EXPECT_THAT(receipt.error().message, HasSubstr("/robot/send: the request failed"));
  EXPECT_THAT(receipt.error().message, Not(HasSubstr("6f1c0b0c")));
}

TEST_F(DingtalkNotifierTest, AnEmptyTitleIsReplacedAndInlineSecretsAreRefused) {
  stub({{"status", 200}, {"body", R"({"errcode":0,"errmsg":"ok"})"}});
  auto notifier = createOk("");
  ASSERT_TRUE(notifier);
  auto untitled = notification();
  untitled.title.clear();
  ASSERT_TRUE(plugin_host::sendNotification(*notifier, untitled, 10s));
  const auto requests = received();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(nlohmann::json::parse(requests[0]["body"].get<std::string>())["markdown"]["title"], kFallbackTitle);

  auto inline_secret = create("secret = \"SECplain\"\n");
  ASSERT_FALSE(inline_secret);
  EXPECT_THAT(inline_secret.error().message,
              HasSubstr("notifiers.finance_group.secret: secrets are given by reference"));
  EXPECT_THAT(inline_secret.error().message, Not(HasSubstr("SECplain")));
}

}  // namespace
}  // namespace staffchain::dingtalk
