#include "rest_settings.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace staffchain::rest {
namespace {

using ::testing::HasSubstr;

struct Read {
  std::optional<RestSettings> settings;
  std::vector<std::string> errors;
  std::string all() const {
    std::string out;
    for (const auto& e : errors) out += e + "\n";
    return out;
  }
};

Read read(const std::string& text) {
  const toml::table table = toml::parse(text, std::string_view("rest.toml"));
  Read out;
  plugin::ConfigReader reader(table, "connectors.hr_api", out.errors);
  out.settings = readRestSettings(reader);
  reader.finish();
  return out;
}

TEST(ParseRateLimit, CountPerWindow) {
  auto ten = parseRateLimit("10/s");
  ASSERT_TRUE(ten);
  EXPECT_EQ(ten->count, 10.0);
  EXPECT_EQ(ten->window.count(), 1000);
  EXPECT_EQ(parseRateLimit("600/m")->window.count(), 60'000);
  EXPECT_EQ(parseRateLimit("100/5m")->window.count(), 300'000);
  for (const char* bad : {"", "10", "/s", "0/s", "-1/s", "10/", "10/parsec", "x/s"}) {
    EXPECT_FALSE(parseRateLimit(bad)) << bad;
  }
}

TEST(ReadRestSettings, AFullConfigurationReadsEveryKey) {
  auto result = read(R"(
base_url = "https://hr.example.cn/api/"
auth = { type = "bearer", token = "${HR_TOKEN}" }
tls = { verify = true, ca_file = "/etc/staffchain/hr-ca.pem" }
request_timeout = "15s"
retries = 2
retry_initial = "200ms"
rate_limit = "5/s"
headers = { Accept-Language = "zh-CN" }

[endpoints.movements]
path = "movements"
records_path = "data.items"
query = { _sort = "updatedAt", order = 1 }
pagination = { style = "page", page_param = "_page", limit_param = "_limit", limit = 50, total_header = "X-Total-Count" }
incremental = { param = "updatedAt_gte", field = "updatedAt" }
mapping = { fields = { movement_id = "id" }, constants = { source = "hr" } }

[endpoints.units]
path = "/units"
full_snapshot = true
pagination = { style = "link", limit_param = "_limit" }
)");
  ASSERT_TRUE(result.settings) << result.all();
  EXPECT_TRUE(result.errors.empty()) << result.all();
  const RestSettings& s = *result.settings;
  EXPECT_EQ(s.base_url, "https://hr.example.cn/api");
  EXPECT_EQ(s.auth.type, AuthType::bearer);
  EXPECT_EQ(s.auth.token, "${HR_TOKEN}");
  EXPECT_EQ(s.connection.ca_file, "/etc/staffchain/hr-ca.pem");
  EXPECT_EQ(s.connection.timeout.count(), 15'000);
  EXPECT_EQ(s.retry.attempts, 3);
  EXPECT_EQ(s.rate_limit->count, 5.0);
  ASSERT_EQ(s.endpoints.size(), 2U);
  EXPECT_EQ(s.endpoints[0].type, plugin::RecordType::unit);  // canonical order, not the file's
  EXPECT_TRUE(s.endpoints[0].full_snapshot);
  EXPECT_EQ(s.endpoints[0].pagination.style, PaginationStyle::link);
  const Endpoint& movements = s.endpoints[1];
  EXPECT_EQ(movements.path, "/movements");
  EXPECT_EQ(movements.records_path, "data.items");
  EXPECT_EQ(movements.pagination.page_param, "_page");
  EXPECT_EQ(movements.pagination.limit, 50);
  EXPECT_EQ(movements.pagination.total_header, "X-Total-Count");
  ASSERT_TRUE(movements.incremental);
  EXPECT_EQ(movements.incremental->param, "updatedAt_gte");
  EXPECT_EQ(movements.mapping.sourceField("movement_id"), "id");
  EXPECT_EQ(movements.query, (QueryParams{{"_sort", "updatedAt"}, {"order", "1"}}));
}

TEST(ReadRestSettings, EveryProblemIsReportedWithItsKeyPath) {
  auto result = read(R"(
base_url = "ftp://hr"
auth = { type = "basic", user = "svc", password = "hunter2" }
rate_limit = "fast"
[endpoints.salaries]
path = "/s"
[endpoints.movements]
records_path = "items"
pagination = { style = "cursor", first_page = 0 }
incremental = { param = "since" }
full_snapshot = true
colour = "blue"
mapping = { fields = { nonsense = "x" } }
)");
  EXPECT_FALSE(result.settings);
  const std::string all = result.all();
  EXPECT_THAT(all, HasSubstr("connectors.hr_api.base_url: \"ftp://hr\" is not an http:// or https:// URL"));
  EXPECT_THAT(all, HasSubstr("connectors.hr_api.auth.password: secrets are given by reference"));
  EXPECT_THAT(all, ::testing::Not(HasSubstr("hunter2")));
  EXPECT_THAT(all, HasSubstr("connectors.hr_api.rate_limit: \"fast\" is not a rate"));
  EXPECT_THAT(all, HasSubstr("connectors.hr_api.endpoints.salaries: not a canonical record type"));
  EXPECT_THAT(all, HasSubstr("connectors.hr_api.endpoints.movements.path: required key is missing"));
  EXPECT_THAT(all, HasSubstr("connectors.hr_api.endpoints.movements.pagination.cursor_path: required key is missing"));
  EXPECT_THAT(all, HasSubstr("connectors.hr_api.endpoints.movements.pagination.first_page: only applies"));
  EXPECT_THAT(all, HasSubstr("connectors.hr_api.endpoints.movements.incremental.field: required key is missing"));
  EXPECT_THAT(all, HasSubstr("connectors.hr_api.endpoints.movements.full_snapshot: a full snapshot cannot be "
                             "incremental"));
  EXPECT_THAT(all, HasSubstr("connectors.hr_api.endpoints.movements.colour: unknown key"));
  EXPECT_THAT(all, HasSubstr("endpoints.movements.mapping.fields.nonsense: not a column of movements.csv"));
  EXPECT_THAT(all, HasSubstr("rest.toml:"));
}

TEST(ReadRestSettings, ATotalCountIsReadForEveryPaginatedStyleButNotForAnUnpaginatedListing) {
  auto linked = read(R"(
base_url = "http://hr"
[endpoints.movements]
path = "/m"
pagination = { style = "link", total_header = "X-Total-Count" }
[endpoints.roster]
path = "/r"
pagination = { style = "cursor", cursor_path = "next", total_path = "meta.total" }
)");
  ASSERT_TRUE(linked.settings) << linked.all();
  EXPECT_EQ(linked.settings->endpoints[0].pagination.total_path, "meta.total");
  EXPECT_EQ(linked.settings->endpoints[1].pagination.total_header, "X-Total-Count");
  auto plain = read(R"(
base_url = "http://hr"
[endpoints.movements]
path = "/m"
pagination = { style = "none", total_header = "X-Total-Count" }
)");
  EXPECT_FALSE(plain.settings);
  EXPECT_THAT(plain.all(),
              HasSubstr("endpoints.movements.pagination.total_header: only applies to paginated listings"));
}

TEST(ReadRestSettings, EndpointsAreRequired) {
  auto result = read("base_url = \"http://h\"\n");
  EXPECT_FALSE(result.settings);
  EXPECT_THAT(result.all(), HasSubstr("connectors.hr_api.endpoints: required key is missing"));
}

}  // namespace
}  // namespace staffchain::rest

namespace staffchain::rest {
namespace {

TEST(ReadRestSettings, TheShippedExampleIsValid) {
  const auto document = toml::parse_file(STAFFCHAIN_SOURCE_DIR "/config/examples/rest.toml");
  const auto* connectors = document["connectors"].as_table();
  ASSERT_NE(connectors, nullptr);
  for (const auto& [name, node] : *connectors) {
    std::vector<std::string> errors;
    plugin::ConfigReader reader(*node.as_table(), "connectors." + std::string(name.str()), errors);
    for (const char* host_key : {"plugin", "role", "interval", "timeout", "max_staleness", "enabled"}) {
      reader.accept(host_key);
    }
    auto settings = readRestSettings(reader);
    reader.finish();
    std::string all;
    for (const auto& e : errors) all += e + "\n";
    EXPECT_TRUE(settings && errors.empty()) << all;
    ASSERT_TRUE(settings);
    EXPECT_EQ(settings->endpoints.size(), 2U);
    EXPECT_EQ(settings->endpoints[0].type, plugin::RecordType::movement);
    EXPECT_EQ(settings->endpoints[1].pagination.style, PaginationStyle::cursor);
  }
}

}  // namespace
}  // namespace staffchain::rest
