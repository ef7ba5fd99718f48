#include "staffchain/plugin/support/http_connection.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace staffchain::plugin {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

// A table as the configuration loader hands it over, read with `keys`; `finish()` runs after,
// as the host runs it, so that keys the reader left alone show up as unknown.
struct Read {
  HttpConnection connection;
  std::vector<std::string> errors;
};

Read read(const std::string& text, HttpKeys keys, Duration timeout = 10s, Duration connect_timeout = 5s) {
  const toml::table table = toml::parse(text, std::string_view("/etc/staffchain/conf.d/robots.toml"));
  Read out;
  ConfigReader reader(table, "notifiers.ops", out.errors);
  out.connection = HttpConnection::read(reader, keys, timeout, connect_timeout);
  reader.finish();
  return out;
}

TEST(HttpConnectionNotifierKeys, AbsentKeysGiveThePluginsTimeoutsAndVerifiedTlsWithTheSystemsAuthorities) {
  const auto robot = read("", HttpKeys::notifier, 10s, 5s);
  EXPECT_TRUE(robot.errors.empty());
  EXPECT_EQ(robot.connection.timeout, 10s);
  EXPECT_EQ(robot.connection.connect_timeout, 5s);
  EXPECT_TRUE(robot.connection.verify_tls);
  EXPECT_EQ(robot.connection.ca_file, "");

  const auto mail = read("", HttpKeys::notifier, 30s, 10s);
  EXPECT_EQ(mail.connection.timeout, 30s);
  EXPECT_EQ(mail.connection.connect_timeout, 10s);
}

TEST(HttpConnectionNotifierKeys, ReadsEachKeyAndTakesARelativeCaFileFromTheConfigurationsFolder) {
  const auto read_back =
      read("timeout = \"45s\"\nconnect_timeout = \"1500ms\"\nverify_tls = false\nca_file = \"../ca/oa.pem\"\n",
           HttpKeys::notifier);
  EXPECT_TRUE(read_back.errors.empty()) << read_back.errors.front();
  EXPECT_EQ(read_back.connection.timeout, 45s);
  EXPECT_EQ(read_back.connection.connect_timeout, 1500ms);
  EXPECT_FALSE(read_back.connection.verify_tls);
  EXPECT_EQ(read_back.connection.ca_file, "/etc/staffchain/ca/oa.pem");
}

TEST(HttpConnectionNotifierKeys, LeavesTheConnectorSpellingUnreadSoThatItIsReportedUnknown) {
  const auto mixed = read("request_timeout = \"5s\"\ntls = { verify = false }\n", HttpKeys::notifier);
  EXPECT_TRUE(mixed.connection.verify_tls);
  EXPECT_EQ(mixed.connection.timeout, 10s);
  EXPECT_THAT(mixed.errors, ElementsAre("/etc/staffchain/conf.d/robots.toml:1:1: notifiers.ops.request_timeout: "
                                        "unknown key",
                                        "/etc/staffchain/conf.d/robots.toml:2:1: notifiers.ops.tls: unknown key"));
}

TEST(HttpConnectionNotifierKeys, AWrongValueIsReportedWhereItStandsAndKeepsItsDefault) {
  const auto wrong = read("timeout = \"soon\"\nconnect_timeout = 5\nverify_tls = \"no\"\nca_file = \"\"\n",
                          HttpKeys::notifier, 10s, 5s);
  EXPECT_EQ(wrong.connection.timeout, 10s);
  EXPECT_EQ(wrong.connection.connect_timeout, 5s);
  EXPECT_TRUE(wrong.connection.verify_tls);
  EXPECT_EQ(wrong.connection.ca_file, "");
  EXPECT_THAT(
      wrong.errors,
      ElementsAre(
          "/etc/staffchain/conf.d/robots.toml:1:11: notifiers.ops.timeout: \"soon\" is not a positive duration (use "
          "ms, s, m, h, d)",
          "/etc/staffchain/conf.d/robots.toml:2:19: notifiers.ops.connect_timeout: expected a duration string such "
          "as \"30s\", \"5m\", \"1h\" or \"1d\"",
          "/etc/staffchain/conf.d/robots.toml:3:14: notifiers.ops.verify_tls: expected true or false",
          "/etc/staffchain/conf.d/robots.toml:4:11: notifiers.ops.ca_file: expected a non-empty path"));
}

TEST(HttpConnectionConnectorKeys, ReadsTheTlsTableAndRequestTimeoutAndLeavesTheHostsTimeoutAlone) {
  const auto api = read(
      "timeout = \"5m\"\ntls = { verify = false, ca_file = \"hr-ca.pem\" }\nrequest_timeout = \"15s\"\n"
      "connect_timeout = \"2s\"\n",
      HttpKeys::connector, 30s, 10s);
  EXPECT_EQ(api.connection.timeout, 15s);
  EXPECT_EQ(api.connection.connect_timeout, 2s);
  EXPECT_FALSE(api.connection.verify_tls);
  EXPECT_EQ(api.connection.ca_file, "/etc/staffchain/conf.d/hr-ca.pem");
  // `timeout` is the host's key on a connector's table: the host accepts it before the plugin reads.
  EXPECT_THAT(api.errors, ElementsAre("/etc/staffchain/conf.d/robots.toml:1:1: notifiers.ops.timeout: unknown key"));

  const auto bare = read("", HttpKeys::connector, 20s, 10s);
  EXPECT_TRUE(bare.errors.empty());
  EXPECT_EQ(bare.connection.timeout, 20s);
  EXPECT_EQ(bare.connection.connect_timeout, 10s);
  EXPECT_TRUE(bare.connection.verify_tls);
  EXPECT_EQ(bare.connection.ca_file, "");
}

TEST(HttpConnectionConnectorKeys, ReportsTheTlsTablesProblemsFirstThenTheTimeouts) {
  const auto wrong = read("request_timeout = \"0s\"\ntls = { verify = \"yes\", insecure = true }\nverify_tls = false\n",
                          HttpKeys::connector);
  EXPECT_TRUE(wrong.connection.verify_tls);
  EXPECT_THAT(
      wrong.errors,
      ElementsAre("/etc/staffchain/conf.d/robots.toml:2:18: notifiers.ops.tls.verify: expected true or false",
                  "/etc/staffchain/conf.d/robots.toml:2:25: notifiers.ops.tls.insecure: unknown key",
                  "/etc/staffchain/conf.d/robots.toml:1:19: notifiers.ops.request_timeout: \"0s\" is not a positive "
                  "duration (use ms, s, m, h, d)",
                  "/etc/staffchain/conf.d/robots.toml:3:1: notifiers.ops.verify_tls: unknown key"));

  const auto not_a_table = read("tls = \"off\"\n", HttpKeys::connector);
  EXPECT_TRUE(not_a_table.connection.verify_tls);
  EXPECT_THAT(not_a_table.errors,
              ElementsAre("/etc/staffchain/conf.d/robots.toml:1:7: notifiers.ops.tls: expected a table"));
}

TEST(HttpConnection, SetsTheRequestsTimeoutsAndTlsAndNothingElse) {
  HttpConnection connection;
  connection.timeout = 12s;
  connection.connect_timeout = 3s;
  connection.verify_tls = false;
  connection.ca_file = "/etc/staffchain/ca.pem";
  HttpRequest request;
  request.method = "POST";
  request.url = "https://oa.example.gov.cn/hook";
  request.headers = {{"X-Tenant", "hulunbuir"}};
  request.body = "{}";
  request.basic_user = "staffchain";
  request.basic_password = "secret";
  connection.applyTo(request);
  EXPECT_EQ(request.timeout, 12s);
  EXPECT_EQ(request.connect_timeout, 3s);
  EXPECT_FALSE(request.verify_tls);
  EXPECT_EQ(request.ca_file, "/etc/staffchain/ca.pem");
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://oa.example.gov.cn/hook");
  EXPECT_EQ(request.headers.size(), 1U);
  EXPECT_EQ(request.body, "{}");
  EXPECT_EQ(request.basic_user, "staffchain");
  EXPECT_EQ(request.basic_password, "secret");
}

}  // namespace
}  // namespace staffchain::plugin
