#include "staffchain/api/api_settings.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config_table.hpp"
#include "staffchain/plugin/config_reader.hpp"

namespace staffchain::api {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// An [api] table as the configuration loader hands it over.
staffchain::testing::TableRead<ApiSettings> read(const std::string& text) {
  return staffchain::testing::readTable<ApiSettings>(text, "api", readApiSettings);
}

TEST(ApiSettingsReader, AnEmptyTableTurnsTheApiOnAtLoopbackWithNoTokens) {
  EXPECT_FALSE(ApiSettings{}.enabled);  // without an [api] table there is no API
  const auto read_back = read("");
  EXPECT_THAT(read_back.errors, IsEmpty());
  EXPECT_TRUE(read_back.settings.enabled);
  EXPECT_EQ(read_back.settings.listen, "127.0.0.1:9464");
  EXPECT_EQ(read_back.settings.max_connections, 256U);
  EXPECT_THAT(read_back.settings.tokens, IsEmpty());
}

TEST(ApiSettingsReader, ReadsTheAddressLimitsAndTokensByReference) {
  const auto read_back = read(R"(listen = "[::1]:0"
max_connections = 8

[[tokens]]
name = "ops"
token = "@file:/etc/staffchain/ops.token"
access = "read-write"

[[tokens]]
name = "viewer"
token = "${VIEWER_TOKEN}"
)");
  ASSERT_THAT(read_back.errors, IsEmpty()) << read_back.errors.front();
  EXPECT_EQ(read_back.settings.listen, "[::1]:0");
  EXPECT_EQ(read_back.settings.max_connections, 8U);
  ASSERT_EQ(read_back.settings.tokens.size(), 2U);
  EXPECT_EQ(read_back.settings.tokens[0].name, "ops");
  EXPECT_EQ(read_back.settings.tokens[0].secret_ref, "@file:/etc/staffchain/ops.token");
  EXPECT_TRUE(read_back.settings.tokens[0].read_write);
  EXPECT_EQ(read_back.settings.tokens[1].name, "viewer");
  EXPECT_EQ(read_back.settings.tokens[1].secret_ref, "${VIEWER_TOKEN}");
  EXPECT_FALSE(read_back.settings.tokens[1].read_write);
}

TEST(ApiSettingsReader, ItCanBeSwitchedOffWhileTheTableStays) {
  const auto read_back = read("enabled = false\n");
  EXPECT_THAT(read_back.errors, IsEmpty());
  EXPECT_FALSE(read_back.settings.enabled);
}

TEST(ApiSettingsReader, AListenAddressMustBeAnIpAddressAndAPort) {
  const auto problem = [](const std::string& listen) {
    const auto read_back = read("listen = \"" + listen + "\"\n");
    return read_back.errors.empty() ? std::string() : read_back.errors.front();
  };
  EXPECT_EQ(problem("0.0.0.0:9464"), "");
  EXPECT_EQ(problem("9464"),
            "/etc/staffchain/staffchain.toml:1:10: api.listen: expected IP:PORT, e.g. \"127.0.0.1:9464\"");
  EXPECT_EQ(problem("127.0.0.1:99999"),
            "/etc/staffchain/staffchain.toml:1:10: api.listen: \"127.0.0.1:99999\": the port must be a number from 0 "
            "to 65535");
  EXPECT_EQ(problem("localhost:9464"),
            "/etc/staffchain/staffchain.toml:1:10: api.listen: \"localhost:9464\": the host must be an IP address "
            "(\"127.0.0.1\", \"0.0.0.0\", \"[::1]\"), not a name");
  // IPv6 only in brackets, and brackets only around IPv6.
  EXPECT_THAT(problem("::1:9464"), ::testing::HasSubstr("the host must be an IP address"));
  EXPECT_THAT(problem("[127.0.0.1]:9464"), ::testing::HasSubstr("the host must be an IP address"));
}

TEST(ApiSettingsReader, TokenProblemsAreLocatedAndNameTheToken) {
  const auto read_back = read(R"([[tokens]]
name = "ops"
token = "hunter2"

[[tokens]]
name = "ops"
token = "@file:/etc/staffchain/other.token"
access = "admin"

[[tokens]]
name = "viewer"
)");
  ASSERT_EQ(read_back.errors.size(), 4U);
  EXPECT_THAT(read_back.errors[0], ::testing::StartsWith("/etc/staffchain/staffchain.toml:3:9: api.tokens[0].token: "
                                                         "secrets are given by reference"));
  EXPECT_THAT(read_back.errors[0], ::testing::Not(::testing::HasSubstr("hunter2")));
  EXPECT_EQ(read_back.errors[1],
            "/etc/staffchain/staffchain.toml:8:10: api.tokens[1].access: \"admin\" is not one of: read, read-write");
  EXPECT_EQ(read_back.errors[2], "/etc/staffchain/staffchain.toml:6:8: api.tokens[1].name: names another token too");
  EXPECT_EQ(read_back.errors[3], "/etc/staffchain/staffchain.toml:10:1: api.tokens[2].token: required key is missing");
}

TEST(ConsoleSettingsReader, DefaultsAndAFolderTakenRelativeToTheConfigurationFile) {
  const auto defaults = staffchain::testing::readTable<ConsoleSettings>("", "console", readConsoleSettings);
  EXPECT_THAT(defaults.errors, IsEmpty());
  EXPECT_TRUE(defaults.settings.enabled);
  EXPECT_TRUE(defaults.settings.files.empty());
  EXPECT_EQ(defaults.settings.session_idle, std::chrono::minutes(30));
  EXPECT_EQ(defaults.settings.session_max, std::chrono::hours(12));
  EXPECT_FALSE(defaults.settings.secure_cookie);
  EXPECT_EQ(defaults.settings.sign_in_limit, 5U);

  const auto set = staffchain::testing::readTable<ConsoleSettings>(R"(files = "../share/ui"
session_idle = "10m"
session_max = "8h"
secure_cookie = true
sign_in_limit = 3
)",
                                                                   "console", readConsoleSettings);
  ASSERT_THAT(set.errors, IsEmpty()) << set.errors.front();
  EXPECT_EQ(set.settings.files, std::filesystem::path("/etc/share/ui"));
  EXPECT_EQ(set.settings.session_idle, std::chrono::minutes(10));
  EXPECT_EQ(set.settings.session_max, std::chrono::hours(8));
  EXPECT_TRUE(set.settings.secure_cookie);
  EXPECT_EQ(set.settings.sign_in_limit, 3U);
}

TEST(ConsoleSettingsReader, AnIdleTimeBeyondTheMaximumAndAZeroLimitAreRefused) {
  const auto read_back = staffchain::testing::readTable<ConsoleSettings>(R"(session_idle = "2d"
sign_in_limit = 0
sessions = 4
)",
                                                                         "console", readConsoleSettings);
  ASSERT_EQ(read_back.errors.size(), 3U);
  EXPECT_THAT(read_back.errors[0], ::testing::HasSubstr("console.session_idle: is longer than session_max"));
  EXPECT_THAT(read_back.errors[1], ::testing::HasSubstr("console.sign_in_limit"));
  EXPECT_THAT(read_back.errors[2], ::testing::HasSubstr("console.sessions"));
}

}  // namespace
}  // namespace staffchain::api
