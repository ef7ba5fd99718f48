#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "rest_source.hpp"

namespace staffchain::rest {
namespace {

using ::testing::HasSubstr;

// Secrets from a table instead of the environment; nothing else is used by resolveCredentials.
class SecretTable final : public plugin::HostContext, public plugin::Logger, public plugin::HttpClient {
 public:
  explicit SecretTable(std::map<std::string, std::string> secrets) : secrets_(std::move(secrets)) {}
  plugin::Logger& logger() noexcept override { return *this; }
  std::chrono::system_clock::time_point now() const noexcept override { return {}; }
  Result<std::string> resolveSecret(std::string_view reference) const noexcept override {
    const auto found = secrets_.find(std::string(reference));
    if (found == secrets_.end()) return makeError(std::string(reference) + " is not set");
    return found->second;
  }
  std::string stateDirectory() const noexcept override { return {}; }
  plugin::HttpClient& http() noexcept override { return *this; }
  void log(plugin::LogLevel, std::string_view) noexcept override {}
  bool enabled(plugin::LogLevel) const noexcept override { return false; }
  Result<plugin::HttpResponse> send(const plugin::HttpRequest&, const plugin::CancelToken*) override {
    return makeError("no network here");
  }

 private:
  std::map<std::string, std::string> secrets_;
};

TEST(ResolveCredentials, EachAuthTypeBecomesItsHeaderOrBasicPair) {
  const SecretTable host({{"${TOKEN}", "t0k3n"}, {"@file:/run/pw", "pa55"}});
  AuthSettings bearer{AuthType::bearer, "${TOKEN}", "", "", "X-Api-Key"};
  auto resolved = resolveCredentials(bearer, host);
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->headers, (std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer t0k3n"}}));

  AuthSettings header{AuthType::header, "${TOKEN}", "", "", "X-Hr-Key"};
  EXPECT_EQ(resolveCredentials(header, host)->headers,
            (std::vector<std::pair<std::string, std::string>>{{"X-Hr-Key", "t0k3n"}}));

  AuthSettings basic{AuthType::basic, "", "svc", "@file:/run/pw", ""};
  auto pair = resolveCredentials(basic, host);
  ASSERT_TRUE(pair.ok());
  EXPECT_TRUE(pair->headers.empty());
  EXPECT_EQ(pair->basic_user, "svc");
  EXPECT_EQ(pair->basic_password, "pa55");

  EXPECT_TRUE(resolveCredentials(AuthSettings{}, host)->headers.empty());
}

TEST(ResolveCredentials, AMissingOrEmptySecretNamesTheKeyAndReference) {
  const SecretTable host(std::map<std::string, std::string>{{"${EMPTY}", ""}});
  auto missing = resolveCredentials(AuthSettings{AuthType::bearer, "${UNSET}", "", "", ""}, host);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "auth.token: ${UNSET} is not set");
  auto empty = resolveCredentials(AuthSettings{AuthType::basic, "", "svc", "${EMPTY}", ""}, host);
  ASSERT_FALSE(empty.ok());
  EXPECT_THAT(empty.error().message, HasSubstr("auth.password: the secret ${EMPTY} is empty"));
}

}  // namespace
}  // namespace staffchain::rest
