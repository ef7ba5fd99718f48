// The wecom notifier, loaded as the daemon loads it, against WireMock standing in for WeCom.
#include "wecom_notifier.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "peer_wiremock.hpp"
#include "scratch_dir.hpp"
#include "staffchain/plugin/support/http_text.hpp"
#include "staffchain/plugin_host/plugin_instance.hpp"

namespace staffchain::wecom {
namespace {

using plugin::percentEncode;
using plugin::readRobotAnswer;

using namespace std::chrono_literals;
using staffchain::testing::ScratchDir;
using staffchain::testing::WireMockPeer;
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

class WecomNotifierTest : public ::testing::Test {
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
    ::setenv("STAFFCHAIN_TEST_WECOM_KEY", kRobotKey, 1);
    auto loaded = plugin_host::PluginCatalog::loadDirectory(STAFFCHAIN_PLUGIN_BUILD_DIR);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    catalog_ = std::make_unique<plugin_host::PluginCatalog>(std::move(loaded.value()));
    logger_ = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_));
  }

  void stub(const nlohmann::json& response) {
    auto added = wiremock_->addMapping({{"request", {{"method", "POST"}, {"urlPath", kPath}}}, {"response", response}});
    ASSERT_TRUE(added) << added.error().message;
  }

  Result<std::unique_ptr<plugin_host::NotifierInstance>> create(const std::string& extra) {
    // Government WeCom (政务微信) runs on its own host: the base URL is configurable, as here.
    document_ = std::make_shared<toml::table>(
        toml::parse("plugin = \"wecom\"\nkey = \"${STAFFCHAIN_TEST_WECOM_KEY}\"\nbase_url = \"" + wiremock_->url() +
                        "/\"\n" + extra,
                    std::string_view("notifiers.toml")));
    config::NotifierSettings settings;
    settings.name = "estab_group";
    settings.plugin = "wecom";
    settings.key_path = "notifiers.estab_group";
    settings.table = document_.get();
    return plugin_host::createNotifier(*catalog_, settings, logger_, scratch_.path(), 5s);
  }

  std::unique_ptr<plugin_host::NotifierInstance> createOk(const std::string& extra = "") {
    auto created = create(extra);
    EXPECT_TRUE(created) << created.error().message;
    return created ? std::move(created.value()) : nullptr;
  }

  static plugin::Notification message() {
    plugin::Notification m;
    m.idempotency_key = "d-20240601-estab-0001";
    m.title = "CHAIN-004 下编超期";
    m.markdown =
        "## <font color=\"warning\">CHAIN-004 下编超期</font>\n> 单位：呼伦贝尔市海拉尔区教育局\n> "
        "人员：150702********123X";
    m.text = "CHAIN-004 下编超期 单位：呼伦贝尔市海拉尔区教育局 人员：150702********123X";
    return m;
  }

  nlohmann::json received() {
    auto found = wiremock_->findRequests({{"method", "POST"}, {"urlPath", kPath}});
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

WireMockPeer* WecomNotifierTest::wiremock_ = nullptr;

TEST_F(WecomNotifierTest, PostsTheMarkdownWithTheKeyAndKeepsToWecomsLimits) {
  stub({{"status", 200}, {"body", R"({"errcode":0,"errmsg":"ok"})"}});
  auto notifier = createOk();
  ASSERT_TRUE(notifier);
  EXPECT_EQ(notifier->object().maxMessageBytes(), 4096U);
  EXPECT_EQ(notifier->object().messagesPerMinute(), 20U);

  auto receipt = plugin_host::sendNotification(*notifier, message(), 10s);
  ASSERT_TRUE(receipt) << receipt.error().message;
  EXPECT_EQ(receipt->detail, "errcode 0: ok");

  const auto requests = received();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(queryParam(requests[0]["url"].get<std::string>(), "key"), kRobotKey);
  const auto body = nlohmann::json::parse(requests[0]["body"].get<std::string>());
  EXPECT_EQ(body, (nlohmann::json{{"msgtype", "markdown"}, {"markdown", {{"content", message().markdown}}}}));
  EXPECT_THAT(log_.str(), Not(HasSubstr(kRobotKey)));
}

TEST_F(WecomNotifierTest, MentionedUsersAreAppendedToTheMarkdown) {
  stub({{"status", 200}, {"body", R"({"errcode":0,"errmsg":"ok"})"}});
  auto notifier = createOk("mentioned_list = [\"zhangsan\", \"lisi\"]\n");
  ASSERT_TRUE(notifier);
  EXPECT_EQ(notifier->object().maxMessageBytes(), 4096U - (1U + 11U + 7U));
  ASSERT_TRUE(plugin_host::sendNotification(*notifier, message(), 10s));
  const auto requests = received();
  ASSERT_EQ(requests.size(), 1U);
  const auto body = nlohmann::json::parse(requests[0]["body"].get<std::string>());
  EXPECT_EQ(body["markdown"]["content"], message().markdown + "\n<@zhangsan><@lisi>");
}

TEST_F(WecomNotifierTest, TextMessagesCarryMobileMentions) {
  stub({{"status", 200}, {"body", R"({"errcode":0,"errmsg":"ok"})"}});
  auto notifier = createOk("msgtype = \"text\"\nmentioned_mobile_list = [\"13800000000\", \"@all\"]\n");
  ASSERT_TRUE(notifier);
  EXPECT_EQ(notifier->object().maxMessageBytes(), 2048U);
  ASSERT_TRUE(plugin_host::sendNotification(*notifier, message(), 10s));
  const auto requests = received();
  ASSERT_EQ(requests.size(), 1U);
  const auto body = nlohmann::json::parse(requests[0]["body"].get<std::string>());
  EXPECT_EQ(body, (nlohmann::json{
                      {"msgtype", "text"},
                      {"text", {{"content", message().text}, {"mentioned_mobile_list", {"13800000000", "@all"}}}}}));
}

TEST_F(WecomNotifierTest, AnErrcodeInAnHttp200IsAFailureNamingErrcodeAndErrmsg) {
  stub({{"status", 200},
        {"body", R"({"errcode":93000,"errmsg":"invalid webhook url, hint: [1717000000_1], from ip: 10.0.0.1"})"}});
  auto notifier = createOk();
  ASSERT_TRUE(notifier);
  auto receipt = plugin_host::sendNotification(*notifier, message(), 10s);
  ASSERT_FALSE(receipt);
  EXPECT_THAT(receipt.error().message, HasSubstr("WeCom robot " + wiremock_->url() +
                                                 "/cgi-bin/webhook/send refused the message: errcode 93000: "
                                                 "invalid webhook url"));
  EXPECT_THAT(receipt.error().message, Not(HasSubstr("7xxx")));
}

TEST_F(WecomNotifierTest, AServerErrorIsAFailure) {
  stub({{"status", 502}, {"body", "upstream unavailable"}});
  auto notifier = createOk();
  ASSERT_TRUE(notifier);
  auto receipt = plugin_host::sendNotification(*notifier, message(), 10s);
  ASSERT_FALSE(receipt);
  EXPECT_THAT(receipt.error().message, HasSubstr("answered HTTP 502: upstream unavailable"));
}

TEST_F(WecomNotifierTest, AConnectionResetIsAFailureThatHidesTheKey) {
  stub({{"fault", "CONNECTION_RESET_BY_PEER"}});
  auto notifier = createOk();
  ASSERT_TRUE(notifier);
  auto receipt = plugin_host::sendNotification(*notifier, message(), 10s);
  ASSERT_FALSE(receipt);
  EXPECT_THAT(receipt.error().message, HasSubstr("/cgi-bin/webhook/send: the request failed"));
  EXPECT_THAT(receipt.error().message, Not(HasSubstr("7xxx")));
}

TEST_F(WecomNotifierTest, MarkdownOverTheLimitIsRefusedWithoutSending) {
  stub({{"status", 200}, {"body", R"({"errcode":0,"errmsg":"ok"})"}});
  auto notifier = createOk();
  ASSERT_TRUE(notifier);
  auto long_message = message();
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

  document_ = std::make_shared<toml::table>(toml::parse("plugin = \"wecom\"\nkey = \"0d4c-inline\"\n"));
  config::NotifierSettings settings;
  settings.name = "estab_group";
  settings.plugin = "wecom";
  settings.key_path = "notifiers.estab_group";
  settings.table = document_.get();
  auto inline_key = plugin_host::createNotifier(*catalog_, settings, logger_, scratch_.path(), 5s);
  ASSERT_FALSE(inline_key);
  EXPECT_THAT(inline_key.error().message, HasSubstr("notifiers.estab_group.key: secrets are given by reference"));
  EXPECT_THAT(inline_key.error().message, Not(HasSubstr("0d4c-inline")));
}

}  // namespace
}  // namespace staffchain::wecom
