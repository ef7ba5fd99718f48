// The wecom notifier, loaded as the daemon loads it, against WireMock standing in for WeCom.
#include "wecom_notifier.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "http_notifier_fixture.hpp"
#include "staffchain/plugin/support/http_text.hpp"

namespace staffchain::wecom {
namespace {

using plugin::percentEncode;
using plugin::readRobotAnswer;

using namespace std::chrono_literals;
using staffchain::testing::HttpNotifierFixture;
using ::testing::HasSubstr;
using ::testing::Not;

// The robot key is a UUID in real robots; '+' and '/' here prove it is percent-encoded.
constexpr const char* kRobotKey = "693a91f6-7xxx+key/4";
constexpr const char* kPath = "/cgi-bin/webhook/send";

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

std::string queryParam(const std::string& url, const std::string& name) {
  const auto query = url.find('?');
  if (query == std::string::npos) return {};
  std::size_t at = query + 1;
  while (at < url.size()) {
    const auto end = std::min(url.find('&', at), url.size());
    const std::string pair = url.substr(at, end - at);
    if (pair.rfind(name + "=", 0) == 0) return percentDecode(pair.substr(name.size() + 1));
    at = end + 1;
  }
  return {};
}

TEST(WecomParts, PercentEncodingKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(percentEncode("a-b_c.d~e"), "a-b_c.d~e");
  EXPECT_EQ(percentEncode("k+/= 编"), "k%2B%2F%3D%20%E7%BC%96");
}

TEST(WecomParts, AnswersAreSuccessfulOnlyWithErrcodeZero) {
  const std::string where = "WeCom robot https://qyapi.weixin.qq.com/cgi-bin/webhook/send";
  EXPECT_TRUE(readRobotAnswer({200, {}, R"({"errcode":0,"errmsg":"ok"})"}, where));
  auto refused = readRobotAnswer({200, {}, R"({"errcode":45009,"errmsg":"api freq out of limit"})"}, where);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, where + " refused the message: errcode 45009: api freq out of limit");
  auto html = readRobotAnswer({200, {}, "<html>proxy login</html>"}, where);
  ASSERT_FALSE(html);
  EXPECT_THAT(html.error().message, HasSubstr("answered HTTP 200 without a JSON errcode: <html>proxy login</html>"));
  auto status = readRobotAnswer({502, {}, "bad gateway"}, where);
  ASSERT_FALSE(status);
  EXPECT_THAT(status.error().message, HasSubstr("answered HTTP 502: bad gateway"));
}

class WecomNotifierTest : public HttpNotifierFixture {
 protected:
  WecomNotifierTest() : HttpNotifierFixture("wecom", "estab_group") {}

  void SetUp() override {
    ::setenv("STAFFCHAIN_TEST_WECOM_KEY", kRobotKey, 1);
    HttpNotifierFixture::SetUp();
    if (HasFatalFailure()) return;
    // Government WeCom (政务微信) runs on its own host: the base URL is configurable, as here.
    common_keys_ = "key = \"${STAFFCHAIN_TEST_WECOM_KEY}\"\nbase_url = \"" + wiremock().url() + "/\"\n";
  }

  static void stub(const nlohmann::json& response) { HttpNotifierFixture::stub(kPath, response); }
  static nlohmann::json received() { return HttpNotifierFixture::received(kPath); }
};

TEST_F(WecomNotifierTest, PostsTheMarkdownWithTheKeyAndKeepsToWecomsLimits) {
  stub({{"status", 200}, {"body", R"({"errcode":0,"errmsg":"ok"})"}});
  auto notifier = createOk();
  ASSERT_TRUE(notifier);
  EXPECT_EQ(notifier->object().maxMessageBytes(), 4096U);
  EXPECT_EQ(notifier->object().messagesPerMinute(), 20U);

  auto receipt = plugin_host::sendNotification(*notifier, notification(), 10s);
  ASSERT_TRUE(receipt) << receipt.error().message;
  EXPECT_EQ(receipt->detail, "errcode 0: ok");

  const auto requests = received();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(queryParam(requests[0]["url"].get<std::string>(), "key"), kRobotKey);
  const auto body = nlohmann::json::parse(requests[0]["body"].get<std::string>());
  EXPECT_EQ(body, (nlohmann::json{{"msgtype", "markdown"}, {"markdown", {{"content", notification().markdown}}}}));
  EXPECT_THAT(log_.str(), Not(HasSubstr(kRobotKey)));
}

TEST_F(WecomNotifierTest, MentionedUsersAreAppendedToTheMarkdown) {
  stub({{"status", 200}, {"body", R"({"errcode":0,"errmsg":"ok"})"}});
  auto notifier = createOk("mentioned_list = [\"zhangsan\", \"lisi\"]\n");
  ASSERT_TRUE(notifier);
  EXPECT_EQ(notifier->object().maxMessageBytes(), 4096U - (1U + 11U + 7U));
  ASSERT_TRUE(plugin_host::sendNotification(*notifier, notification(), 10s));
  const auto requests = received();
  ASSERT_EQ(requests.size(), 1U);
  const auto body = nlohmann::json::parse(requests[0]["body"].get<std::string>());
  EXPECT_EQ(body["markdown"]["content"], notification().markdown + "\n<@zhangsan><@lisi>");
}

TEST_F(WecomNotifierTest, TextMessagesCarryMobileMentions) {
  stub({{"status", 200}, {"body", R"({"errcode":0,"errmsg":"ok"})"}});
  auto notifier = createOk("msgtype = \"text\"\nmentioned_mobile_list = [\"13800000000\", \"@all\"]\n");
  ASSERT_TRUE(notifier);
  EXPECT_EQ(notifier->object().maxMessageBytes(), 2048U);
  ASSERT_TRUE(plugin_host::sendNotification(*notifier, notification(), 10s));
  const auto requests = received();
  ASSERT_EQ(requests.size(), 1U);
  const auto body = nlohmann::json::parse(requests[0]["body"].get<std::string>());
  EXPECT_EQ(body,
            (nlohmann::json{
                {"msgtype", "text"},
                {"text", {{"content", notification().text}, {"mentioned_mobile_list", {"13800000000", "@all"}}}}}));
}

TEST_F(WecomNotifierTest, AnErrcodeInAnHttp200IsAFailureNamingErrcodeAndErrmsg) {
  stub({{"status", 200},
        {"body", R"({"errcode":93000,"errmsg":"invalid webhook url, hint: [1717000000_1], from ip: 10.0.0.1"})"}});
  auto notifier = createOk();
  ASSERT_TRUE(notifier);
  auto receipt = plugin_host::sendNotification(*notifier, notification(), 10s);
  ASSERT_FALSE(receipt);
  EXPECT_THAT(receipt.error().message, HasSubstr("WeCom robot " + wiremock().url() +
                                                 "/cgi-bin/webhook/send refused the message: errcode 93000: "
                                                 "invalid webhook url"));
  EXPECT_THAT(receipt.error().message, Not(HasSubstr("7xxx")));
}

TEST_F(WecomNotifierTest, AServerErrorIsAFailure) {
  stub({{"status", 502}, {"body", "upstream unavailable"}});
  auto notifier = createOk();
  ASSERT_TRUE(notifier);
  auto receipt = plugin_host::sendNotification(*notifier, notification(), 10s);
  ASSERT_FALSE(receipt);
  EXPECT_THAT(receipt.error().message, HasSubstr("answered HTTP 502: upstream unavailable"));
}

TEST_F(WecomNotifierTest, AConnectionResetIsAFailureThatHidesTheKey) {
  stub({{"fault", "CONNECTION_RESET_BY_PEER"}});
  auto notifier = createOk();
  ASSERT_TRUE(notifier);
  auto receipt = plugin_host::sendNotification(*notifier, notification(), 10s);
  ASSERT_FALSE(receipt);
  EXPECT_THAT(receipt.error().message, HasSubstr("/cgi-bin/webhook/send: the request failed"));
  EXPECT_THAT(receipt.error().message, Not(HasSubstr("7xxx")));
}

TEST_F(WecomNotifierTest, MarkdownOverTheLimitIsRefusedWithoutSending) {
  stub({{"status", 200}, {"body", R"({"errcode":0,"errmsg":"ok"})"}});
  auto notifier = createOk();
  ASSERT_TRUE(notifier);
  auto long_message = notification();
  long_message.markdown.clear();
  while (long_message.markdown.size() <= 4096) long_message.markdown += "编制";
  auto receipt = plugin_host::sendNotification(*notifier, long_message, 10s);
  ASSERT_FALSE(receipt);
  EXPECT_THAT(receipt.error().message, HasSubstr("bytes of markdown; a WeCom robot takes at most 4096"));
  EXPECT_TRUE(received().empty());
}

TEST_F(WecomNotifierTest, ConfigurationMistakesAreReportedByKey) {
  auto mobiles = create("mentioned_mobile_list = [\"13800000000\"]\n");
  ASSERT_FALSE(mobiles);
  EXPECT_THAT(mobiles.error().message, HasSubstr("notifiers.estab_group.mentioned_mobile_list: WeCom only mentions"));

  common_keys_.clear();
  auto inline_key = create("key = \"0d4c-inline\"\n");
  ASSERT_FALSE(inline_key);
  EXPECT_THAT(inline_key.error().message, HasSubstr("notifiers.estab_group.key: secrets are given by reference"));
  EXPECT_THAT(inline_key.error().message, Not(HasSubstr("0d4c-inline")));
}

}  // namespace
}  // namespace staffchain::wecom
