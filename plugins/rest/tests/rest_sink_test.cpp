// The rest sink, loaded from the built plugin library, delivering notices to a real HTTP server
// (WireMock) that records exactly what arrived and answers as a department's API would.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "sink_fixture.hpp"
#include "staffchain/plugin/support/sink_http.hpp"

namespace staffchain::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

plugin::Notice payStopNotice(const std::string& id) {
  return makeNotice(id, "finance_api",
                    {{"action", "pay_stop"},
                     {"target_system", "finance"},
                     {"movement_kind", "retire"},
                     {"person_id", "150702197409106771"},
                     {"name", "朱旭"},
                     {"unit_id", "1115070201023760X5"},
                     {"effective_on", "2026-04-19"},
                     {"pay_stop_from", "2026-05"}});
}

constexpr const char* kMapping = R"(
[mapping]
fields = { notice_id = "noticeNo", action = "type", person_id = "idCard", name = "name", pay_stop_from = "stopMonth" }
values = { action = { pay_stop = "停薪" } }
constants = { source = "staffchain" }
)";

class RestSinkTest : public SinkFixture {
 protected:
  RestSinkTest() : SinkFixture("rest", "finance", "finance_api") {}

  static void SetUpTestSuite() { SuiteWireMock::start(); }
  static void TearDownTestSuite() { SuiteWireMock::stop(); }

  void SetUp() override {
    SuiteWireMock::resetForTest();
    ::setenv("STAFFCHAIN_TEST_FINANCE_TOKEN", "finance-token-7", 1);
    SinkFixture::SetUp();
  }

  void stub(const std::string& method, const std::string& path, const nlohmann::json& response) {
    auto added = wiremock().addMapping({{"request", {{"method", method}, {"urlPath", path}}}, {"response", response}});
    ASSERT_TRUE(added) << added.error().message;
  }

  nlohmann::json received(const std::string& method) {
    auto found = wiremock().findRequests({{"method", method}, {"urlPathPattern", "/payroll/.*"}});
    EXPECT_TRUE(found) << found.error().message;
    return found ? found.value() : nlohmann::json::array();
  }

  static WireMockPeer& wiremock() { return SuiteWireMock::peer(); }
};

TEST_F(RestSinkTest, PostsTheMappedJsonWithTheIdempotencyKeyAndCredentials) {
  stub("POST", "/payroll/stops", {{"status", 201}, {"body", R"({"accepted":"N-1"})"}});
  ASSERT_TRUE(create("url = \"" + wiremock().url() + "/payroll/stops?tenant=hlbe\"\n" +
                     "auth = { type = \"bearer\", token = \"${STAFFCHAIN_TEST_FINANCE_TOKEN}\" }\n"
                     "headers = { X-Tenant = \"hulunbuir\" }\n" +
                     kMapping));
  auto receipt = deliver(payStopNotice("N-20260508-0001"));
  ASSERT_TRUE(receipt.ok()) << receipt.error().message;
  EXPECT_FALSE(receipt->duplicate);
  EXPECT_THAT(receipt->detail, HasSubstr("HTTP 201"));

  const auto requests = received("POST");
  ASSERT_EQ(requests.size(), 1U);
  const auto& request = requests[0];
  EXPECT_EQ(request["url"], "/payroll/stops?tenant=hlbe");
  EXPECT_EQ(request["body"].get<std::string>(),
            R"({"noticeNo":"N-20260508-0001","type":"停薪","idCard":"150702197409106771","name":"朱旭",)"
            R"("stopMonth":"2026-05","source":"staffchain"})");
  EXPECT_EQ(headerOf(request, "Idempotency-Key"), "N-20260508-0001");
  EXPECT_EQ(headerOf(request, "Authorization"), "Bearer finance-token-7");
  EXPECT_EQ(headerOf(request, "X-Tenant"), "hulunbuir");
  EXPECT_THAT(headerOf(request, "Content-Type"), HasSubstr("application/json"));
}

TEST_F(RestSinkTest, PutsToTheNoticesOwnUrlWithAConfiguredKeyHeaderAndNestedFields) {
  stub("PUT", "/payroll/notices/N%3A2", {{"status", 200}});
  ASSERT_TRUE(create("url = \"" + wiremock().url() +
                     "/payroll/notices/{notice_id}\"\nmethod = \"PUT\"\n"
                     "idempotency_header = \"X-Request-Id\"\n[mapping]\n"
                     "fields = { notice_id = \"id\", person_id = \"person.idCard\", name = \"person.name\" }\n"));
  auto receipt = deliver(payStopNotice("N:2"));
  ASSERT_TRUE(receipt.ok()) << receipt.error().message;
  const auto requests = received("PUT");
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0]["url"], "/payroll/notices/N%3A2");
  EXPECT_EQ(requests[0]["body"].get<std::string>(),
            R"({"id":"N:2","person":{"idCard":"150702197409106771","name":"朱旭"}})");
  EXPECT_EQ(headerOf(requests[0], "X-Request-Id"), "N:2");
  EXPECT_EQ(headerOf(requests[0], "Idempotency-Key"), "");
}

TEST_F(RestSinkTest, ConflictIsADuplicateServerErrorsAreRetryableOtherRefusalsArePermanent) {
  ASSERT_TRUE(create("url = \"" + wiremock().url() + "/payroll/stops\"\n" + kMapping));
  stub("POST", "/payroll/stops", {{"status", 409}, {"body", R"({"error":"notice N-3 exists"})"}});
  auto duplicate = deliver(payStopNotice("N-3"));
  ASSERT_TRUE(duplicate.ok()) << duplicate.error().message;
  EXPECT_TRUE(duplicate->duplicate);

  ASSERT_TRUE(wiremock().reset());
  stub("POST", "/payroll/stops", {{"status", 500}, {"body", "database unavailable"}});
  auto failing = deliver(payStopNotice("N-4"));
  ASSERT_FALSE(failing.ok());
  EXPECT_THAT(failing.error().message, HasSubstr("HTTP 500"));
  EXPECT_THAT(failing.error().message, HasSubstr("database unavailable"));
  EXPECT_FALSE(plugin::isPermanentSinkError(failing.error()));

  ASSERT_TRUE(wiremock().reset());
  stub("POST", "/payroll/stops", {{"status", 400}, {"body", R"({"error":"stopMonth 2026-05 is closed"})"}});
  auto refused = deliver(payStopNotice("N-5"));
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message, HasSubstr("HTTP 400"));
  EXPECT_THAT(refused.error().message, HasSubstr("stopMonth 2026-05 is closed"));
  EXPECT_TRUE(plugin::isPermanentSinkError(refused.error()));
}

TEST_F(RestSinkTest, ATransportFailureIsARetryableErrorNamingTheTarget) {
  ASSERT_TRUE(create("url = \"http://127.0.0.1:1/payroll/stops\"\nconnect_timeout = \"2s\"\n" + std::string(kMapping)));
  auto down = deliver(payStopNotice("N-6"));
  ASSERT_FALSE(down.ok());
  EXPECT_THAT(down.error().message, HasSubstr("POST http://127.0.0.1:1/payroll/stops"));
  EXPECT_THAT(down.error().message, HasSubstr("may not have arrived"));
  EXPECT_FALSE(plugin::isPermanentSinkError(down.error()));
}

TEST_F(RestSinkTest, DescribeRendersTheBodyWithTheCitizenIdMaskedAndSendsNothing) {
  ASSERT_TRUE(create("url = \"" + wiremock().url() + "/payroll/stops\"\n" + kMapping));
  const std::string line = sink_->describe(payStopNotice("N-7"));
  EXPECT_THAT(line, HasSubstr(R"("idCard":"150702********6771")"));
  EXPECT_THAT(line, HasSubstr("Idempotency-Key"));
  EXPECT_THAT(line, Not(HasSubstr("150702197409106771")));
  EXPECT_TRUE(received("POST").empty());
}

TEST_F(RestSinkTest, ValidationReportsEveryProblemWithItsLocation) {
  const auto errors = validate(R"(url = "ftp://finance/stops"
method = "PUT"
idempotency_header = "Idempotency Key"
retries = 3
[mapping]
fields = { person_id = "person", name = "person.name" }
)");
  const std::string at = file_ + ":";
  EXPECT_THAT(errors, ::testing::UnorderedElementsAre(
                          HasSubstr(at + "3:7: sinks.finance_api.url: \"ftp://finance/stops\" is not an http"),
                          HasSubstr(at + "4:10: sinks.finance_api.method: PUT needs a url with {notice_id}"),
                          HasSubstr(at + "5:22: sinks.finance_api.idempotency_header: \"Idempotency Key\" is not"),
                          HasSubstr(at + "6:1: sinks.finance_api.retries: unknown key"),
                          HasSubstr("sinks.finance_api.mapping: the field \"person.name\" nests under \"person\"")));
  EXPECT_THAT(validate("url = \"https://finance.example/stops\"\n" + std::string(kMapping)), ::testing::IsEmpty());
}

}  // namespace
}  // namespace staffchain::testing
