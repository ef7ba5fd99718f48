// The webhook sink, loaded from the built plugin library, posting notices to a real HTTP
// receiver (WireMock): the mapped JSON, signed as the notifier signs, keyed by the notice id.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "independent_signature.hpp"
#include "sink_fixture.hpp"
#include "staffchain/plugin/support/sink_http.hpp"

namespace staffchain::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSigningSecret = "编办接收方密钥";

plugin::Notice rosterRemoveNotice(const std::string& id) {
  return makeNotice(id, "estab_oa",
                    {{"action", "roster_remove"},
                     {"target_system", "estab"},
                     {"movement_kind", "resign"},
                     {"person_id", "150784200004157668"},
                     {"name", "高娃"},
                     {"unit_id", "11150784011187886L"},
                     {"deadline", "2026-05-04"}});
}

constexpr const char* kMapping = R"(
[mapping]
fields = { notice_id = "bh", action = "lx", person_id = "sfzh", name = "xm", deadline = "qx" }
values = { action = { roster_remove = "下编" } }
)";

class WebhookSinkTest : public SinkFixture {
 protected:
  WebhookSinkTest() : SinkFixture("webhook", "estab", "estab_oa") {}

  static void SetUpTestSuite() { SuiteWireMock::start(); }
  static void TearDownTestSuite() { SuiteWireMock::stop(); }

  void SetUp() override {
    SuiteWireMock::resetForTest();
    ::setenv("STAFFCHAIN_TEST_SINK_SECRET", kSigningSecret, 1);
    SinkFixture::SetUp();
  }

  void stub(const nlohmann::json& response) {
    auto added =
        wiremock().addMapping({{"request", {{"method", "POST"}, {"urlPath", "/oa/notices"}}}, {"response", response}});
    ASSERT_TRUE(added) << added.error().message;
  }

  nlohmann::json received() {
    auto found = wiremock().findRequests({{"method", "POST"}, {"urlPath", "/oa/notices"}});
    EXPECT_TRUE(found) << found.error().message;
    return found ? found.value() : nlohmann::json::array();
  }

  static std::string url() { return "url = \"" + wiremock().url() + "/oa/notices\"\n"; }
  static WireMockPeer& wiremock() { return SuiteWireMock::peer(); }
};

TEST_F(WebhookSinkTest, PostsTheMappedJsonSignedAndKeyedByTheNoticeId) {
  stub({{"status", 202}, {"body", R"({"received":true})"}});
  ASSERT_TRUE(create(url() +
                     "signing_secret = \"${STAFFCHAIN_TEST_SINK_SECRET}\"\n"
                     "headers = { X-Tenant = \"hulunbuir\" }\n" +
                     kMapping));
  const auto before =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto receipt = deliver(rosterRemoveNotice("N-20260420-0009"));
  ASSERT_TRUE(receipt.ok()) << receipt.error().message;
  EXPECT_FALSE(receipt->duplicate);
  EXPECT_EQ(receipt->detail, R"(HTTP 202: {"received":true})");

  const auto requests = received();
  ASSERT_EQ(requests.size(), 1U);
  const auto& request = requests[0];
  const std::string body = request["body"].get<std::string>();
  EXPECT_EQ(body, R"({"bh":"N-20260420-0009","lx":"下编","sfzh":"150784200004157668","xm":"高娃","qx":"2026-05-04"})");
  EXPECT_EQ(headerOf(request, "Idempotency-Key"), "N-20260420-0009");
  EXPECT_EQ(headerOf(request, "X-Tenant"), "hulunbuir");
  const std::string timestamp = headerOf(request, "X-Staffchain-Timestamp");
  ASSERT_FALSE(timestamp.empty());
  EXPECT_GE(std::stoll(timestamp), before);
  EXPECT_EQ(headerOf(request, "X-Staffchain-Signature"),
            webhook::independentSignature(kSigningSecret, timestamp, body));
  EXPECT_THAT(log_.str(), Not(HasSubstr(kSigningSecret)));
}

TEST_F(WebhookSinkTest, ConflictIsADuplicateServerErrorsAreRetryableOtherRefusalsArePermanent) {
  ASSERT_TRUE(create(url() + kMapping));
  stub({{"status", 409}, {"body", "already received"}});
  auto duplicate = deliver(rosterRemoveNotice("N-1"));
  ASSERT_TRUE(duplicate.ok()) << duplicate.error().message;
  EXPECT_TRUE(duplicate->duplicate);
  EXPECT_THAT(duplicate->detail, HasSubstr("already received"));

  ASSERT_TRUE(wiremock().reset());
  stub({{"status", 503}, {"body", "maintenance"}});
  auto failing = deliver(rosterRemoveNotice("N-2"));
  ASSERT_FALSE(failing.ok());
  EXPECT_THAT(failing.error().message, HasSubstr("webhook sink POST " + wiremock().url() + "/oa/notices"));
  EXPECT_THAT(failing.error().message, HasSubstr("HTTP 503"));
  EXPECT_FALSE(plugin::isPermanentSinkError(failing.error()));

  ASSERT_TRUE(wiremock().reset());
  stub({{"status", 422}, {"body", R"({"error":"sfzh unknown"})"}});
  auto refused = deliver(rosterRemoveNotice("N-3"));
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message, HasSubstr("HTTP 422"));
  EXPECT_THAT(refused.error().message, HasSubstr("sfzh unknown"));
  EXPECT_TRUE(plugin::isPermanentSinkError(refused.error()));
}

TEST_F(WebhookSinkTest, DescribeRendersTheBodyWithTheCitizenIdMaskedAndSendsNothing) {
  ASSERT_TRUE(create(url() + kMapping));
  const std::string line = sink_->describe(rosterRemoveNotice("N-4"));
  EXPECT_THAT(line, HasSubstr(R"("sfzh":"150784********7668")"));
  EXPECT_THAT(line, HasSubstr("N-4"));
  EXPECT_THAT(line, Not(HasSubstr("150784200004157668")));
  EXPECT_TRUE(received().empty());
}

TEST_F(WebhookSinkTest, ValidationReportsEveryProblemWithItsLocation) {
  const auto errors = validate(R"(messages_per_minute = 20
signing_secret = "inline-secret"
[mapping]
fields = { notice = "bh" }
)");
  const std::string at = file_ + ":";
  EXPECT_THAT(errors, ::testing::UnorderedElementsAre(
                          HasSubstr(at + "1:1: sinks.estab_oa.url: required key is missing"),
                          HasSubstr(at + "3:23: sinks.estab_oa.messages_per_minute: only used by the webhook notifier"),
                          HasSubstr(at + "4:18: sinks.estab_oa.signing_secret: secrets are given by reference"),
                          HasSubstr("sinks.estab_oa.mapping.fields.notice: not a canonical notice column")));
  EXPECT_THAT(validate("url = \"https://oa.example/notices\"\n" + std::string(kMapping)), ::testing::IsEmpty());
}

}  // namespace
}  // namespace staffchain::testing
