// HttpNotifierFixture: NotifierFixture for the notifiers that post over HTTP, with WireMock as
// the receiving end, one per test suite (it takes seconds to start), reset before each test so
// that a test sees only its own stubs and requests. Link staffchain_test_sinks.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "notifier_fixture.hpp"
#include "sink_fixture.hpp"

namespace staffchain::testing {

class HttpNotifierFixture : public NotifierFixture {
 protected:
  using NotifierFixture::NotifierFixture;

  static void SetUpTestSuite() { SuiteWireMock::start(); }
  static void TearDownTestSuite() { SuiteWireMock::stop(); }

  void SetUp() override {
    SuiteWireMock::resetForTest();
    if (HasFatalFailure()) return;
    NotifierFixture::SetUp();
  }

  static WireMockPeer& wiremock() { return SuiteWireMock::peer(); }

  // Answers every POST to `path` with `response` (a WireMock response: status, body, fault).
  static void stub(const std::string& path, const nlohmann::json& response) {
    auto added = wiremock().addMapping({{"request", {{"method", "POST"}, {"urlPath", path}}}, {"response", response}});
    ASSERT_TRUE(added) << added.error().message;
  }

  // The POSTs to `path` WireMock recorded, as they arrived (url, headers, body).
  static nlohmann::json received(const std::string& path) {
    auto found = wiremock().findRequests({{"method", "POST"}, {"urlPath", path}});
    EXPECT_TRUE(found) << found.error().message;
    return found ? std::move(found.value()) : nlohmann::json::array();
  }
};

}  // namespace staffchain::testing
