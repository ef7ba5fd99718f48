// ScimSource against a scripted HTTP client: paging, incremental queries, local filtering,
// retries, rejected resources, full snapshots across pages, and configuration errors.
#include "scim_source.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "scratch_dir.hpp"

namespace staffchain::scim {
namespace {

using nlohmann::json;
using plugin::HttpRequest;
using plugin::HttpResponse;
using ::testing::HasSubstr;
using ::testing::Not;

class ScriptedHttp final : public plugin::HttpClient {
 public:
  std::function<Result<HttpResponse>(const HttpRequest&)> answer;
  std::vector<HttpRequest> requests;
  Result<HttpResponse> send(const HttpRequest& request, const plugin::CancelToken*) override {
    requests.push_back(request);
    return answer(request);
  }
};

class SilentLogger final : public plugin::Logger {
 public:
  std::vector<std::string> lines;
  void log(plugin::LogLevel, std::string_view message) noexcept override { lines.emplace_back(message); }
  [[nodiscard]] bool enabled(plugin::LogLevel) const noexcept override { return true; }
};

class FakeHost final : public plugin::HostContext {
 public:
  explicit FakeHost(std::string state) : state_(std::move(state)) {}
  plugin::Logger& logger() noexcept override { return logger_; }
  [[nodiscard]] std::chrono::system_clock::time_point now() const noexcept override {
    return std::chrono::system_clock::now();
  }
  [[nodiscard]] Result<std::string> resolveSecret(std::string_view) const noexcept override {
    return std::string("s3cret");
  }
  [[nodiscard]] std::string stateDirectory() const noexcept override { return state_; }
  plugin::HttpClient& http() noexcept override { return http_; }
  ScriptedHttp http_;
  SilentLogger logger_;

 private:
  std::string state_;
};

// A tiny SCIM server in the test: users, paging and the lastModified filter, like a real one.
struct FakeServer {
  std::vector<json> users;
  bool filter = true;
  bool sort = true;

  static std::string param(const std::string& url, const std::string& name) {
    const auto at = url.find(name + "=");
    if (at == std::string::npos) return "";
    const auto end = url.find('&', at);
    return url.substr(at + name.size() + 1, end == std::string::npos ? std::string::npos : end - at - name.size() - 1);
  }

  Result<HttpResponse> operator()(const HttpRequest& request) const {
    if (request.url.find("/ServiceProviderConfig") != std::string::npos) {
      json config = {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"}},
                     {"filter", {{"supported", filter}, {"maxResults", 200}}},
                     {"sort", {{"supported", sort}}}};
      return HttpResponse{200, {}, config.dump()};
    }
    const auto start = std::stoll(param(request.url, "startIndex"));
    const auto count = std::stoll(param(request.url, "count"));
    std::vector<json> matched;
    const std::string since_marker = "meta.lastModified%20gt%20%22";
    const auto at = request.url.find(since_marker);
    std::string since;
    if (at != std::string::npos) {
      const auto from = at + since_marker.size();
      since = request.url.substr(from, request.url.find("%22", from) - from);
      for (auto colon = since.find("%3A"); colon != std::string::npos; colon = since.find("%3A")) {
        since.replace(colon, 3, ":");
      }
    }
    for (const auto& user : users) {  // fixed-width UTC times in these tests compare as text
      if (since.empty() || user["meta"]["lastModified"].get<std::string>() > since) matched.push_back(user);
    }
    json page = json::array();
    for (auto i = start - 1; i < start - 1 + count && i < static_cast<long long>(matched.size()); ++i) {
      page.push_back(matched[static_cast<std::size_t>(i)]);
    }
    json body = {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:ListResponse"}},
                 {"totalResults", matched.size()},
                 {"startIndex", start},
                 {"itemsPerPage", page.size()},
                 {"Resources", page}};
    return HttpResponse{200, {}, body.dump()};
  }
};

json user(const std::string& id, const std::string& person, const std::string& modified,
          const std::string& unit = "12150700MB0000001X") {
  return {{"id", id},
          {"externalId", person},
          {"displayName", "User " + id},
          {"meta", {{"lastModified", modified}}},
          {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", {{"department", unit}}}};
}

constexpr const char* kBaseConfig = R"(
base_url = "http://hr.example/scim/v2/"
page_size = 2
retries = 2
retry_initial = "1ms"
retry_max = "2ms"
auth = { type = "bearer", token = "${HR_TOKEN}" }
[records.roster.mapping]
dates = { entered_on = "%Y%m%d" }
constants = { estab_type = "admin" }
[records.roster.mapping.fields]
person_id = "externalId"
name = "displayName"
unit_id = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"
entered_on = "urn:example:scim:schemas:extension:staffing:1.0:User:enteredOn"
)";

class ScimSourceTest : public ::testing::Test {
 protected:
  std::unique_ptr<ScimSource> make(const std::string& extra = "", const std::string& base = kBaseConfig) {
    document_ = toml::parse(base + extra, std::string_view("scim.toml"));
    errors_.clear();
    plugin::ConfigReader reader(document_, "connectors.hr", errors_);
    auto settings = ScimSettings::read(reader);
    reader.finish();
    EXPECT_TRUE(errors_.empty()) << errors_.front();
    if (!settings) return nullptr;
    return std::make_unique<ScimSource>(std::move(*settings), host_, "tok", "");
  }
  Result<plugin::SourceBatch> pull(ScimSource& source, const std::string& cursor) {
    host_.http_.answer = std::ref(server_);
    return source.pull(plugin::PullRequest{cursor, nullptr});
  }
  std::vector<std::string> urls() const {
    std::vector<std::string> out;
    for (const auto& request : host_.http_.requests) out.push_back(request.url);
    return out;
  }

  testing::ScratchDir scratch_;
  FakeHost host_{scratch_.path().string()};
  FakeServer server_;
  toml::table document_;
  std::vector<std::string> errors_;
};

TEST_F(ScimSourceTest, PagesOneAtATimeThenFiltersTheNextPassOnLastModified) {
  server_.users = {user("u1", "11010519491231002X", "2024-05-01T00:00:01.000Z"),
                   user("u2", "440524188001010014", "2024-05-01T00:00:03.000Z"),
                   user("u3", "150702199001011234", "2024-05-01T00:00:02.000Z")};
  auto source = make();
  ASSERT_TRUE(source);
  auto first = pull(*source, "");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->more);
  EXPECT_EQ(first->remaining, 1U);  // totalResults 3 - (startIndex 1 - 1 + itemsPerPage 2)
  ASSERT_EQ(first->records.size(), 2U);
  EXPECT_EQ(*first->records[0].field("person_id"), "11010519491231002X");
  EXPECT_EQ(*first->records[0].field("unit_id"), "12150700MB0000001X");
  EXPECT_EQ(*first->records[0].field("estab_type"), "admin");
  EXPECT_EQ(first->records[0].origin, "GET http://hr.example/scim/v2/Users startIndex 1 item 1 (id u1)");
  EXPECT_EQ(host_.http_.requests.back().headers.back().second, "Bearer tok");

  auto second = pull(*source, first->cursor);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_FALSE(second->more);
  EXPECT_EQ(second->remaining, 0U);
  ASSERT_EQ(second->records.size(), 1U);
  EXPECT_EQ(second->records[0].origin, "GET http://hr.example/scim/v2/Users startIndex 3 item 1 (id u3)");
  auto cursor = ScimCursor::decode(second->cursor);
  ASSERT_TRUE(cursor.ok());
  EXPECT_EQ(cursor->since, "2024-05-01T00:00:03.000Z");  // the latest, though not the last seen
  EXPECT_TRUE(cursor->betweenPasses());

  server_.users[0]["meta"]["lastModified"] = "2024-05-01T00:00:09.000Z";
  auto third = pull(*source, second->cursor);
  ASSERT_TRUE(third.ok()) << third.error().message;
  ASSERT_EQ(third->records.size(), 1U);
  EXPECT_EQ(*third->records[0].field("person_id"), "11010519491231002X");
  EXPECT_THAT(urls().back(),
              HasSubstr("startIndex=1&count=2&filter=meta.lastModified%20gt%20%222024-05-01T00%3A00%3A03."
                        "000Z%22&sortBy=meta.lastModified&sortOrder=ascending"));
  // The service provider configuration is asked once per connector, not per pull.
  const auto asked = urls();
  EXPECT_EQ(
      std::count_if(asked.begin(), asked.end(),
                    [](const std::string& url) { return url.find("ServiceProviderConfig") != std::string::npos; }),
      1);
}

TEST_F(ScimSourceTest, AnExtraFilterIsAndedIn) {
  server_.users = {user("u1", "11010519491231002X", "2024-05-01T00:00:01.000Z")};
  auto source = make("", std::string(kBaseConfig).insert(1, "filter = \"active eq true\"\n"));
  ASSERT_TRUE(source);
  auto first = pull(*source, "");
  ASSERT_TRUE(first.ok());
  EXPECT_THAT(urls().back(), HasSubstr("&filter=active%20eq%20true&sortBy"));
  auto second = pull(*source, first->cursor);
  ASSERT_TRUE(second.ok());
  EXPECT_THAT(urls().back(), HasSubstr("&filter=%28active%20eq%20true%29%20and%20%28meta.lastModified%20gt%20%22"));
}

TEST_F(ScimSourceTest, WithoutServerFilteringIncrementalPullsFilterLocally) {
  server_.filter = false;
  server_.sort = false;
  server_.users = {user("u1", "11010519491231002X", "2024-05-01T00:00:01.000Z"),
                   user("u2", "440524188001010014", "2024-05-01T00:00:02.000Z")};
  auto source = make();
  ASSERT_TRUE(source);
  auto first = pull(*source, "");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->records.size(), 2U);
  server_.users[1]["meta"]["lastModified"] = "2024-05-01T08:00:05+08:00";  // 00:00:05Z
  auto second = pull(*source, first->cursor);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->records.size(), 1U);
  EXPECT_EQ(*second->records[0].field("person_id"), "440524188001010014");
  EXPECT_THAT(urls().back(), Not(HasSubstr("filter=")));
  EXPECT_THAT(urls().back(), Not(HasSubstr("sortBy=")));
  auto cursor = ScimCursor::decode(second->cursor);
  EXPECT_EQ(cursor->since, "2024-05-01T08:00:05+08:00");
}

TEST_F(ScimSourceTest, WithoutAServiceProviderConfigNothingIsAssumedSupported) {
  server_.users = {user("u1", "11010519491231002X", "2024-05-01T00:00:01.000Z")};
  auto source = make();
  ASSERT_TRUE(source);
  host_.http_.answer = [&](const HttpRequest& request) -> Result<HttpResponse> {
    if (request.url.find("ServiceProviderConfig") != std::string::npos) return HttpResponse{404, {}, "not here"};
    return server_(request);
  };
  auto first = source->pull(plugin::PullRequest{"", nullptr});
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->records.size(), 1U);
  auto second = source->pull(plugin::PullRequest{first->cursor, nullptr});
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_TRUE(second->records.empty());  // filtered here, not by the server
  EXPECT_THAT(urls().back(), Not(HasSubstr("filter=")));
  EXPECT_THAT(host_.logger_.lines.front(), HasSubstr("ServiceProviderConfig is missing (HTTP 404)"));
}

TEST_F(ScimSourceTest, AFilterTheServerCannotApplyIsAnError) {
  server_.filter = false;
  auto source = make("", std::string(kBaseConfig).insert(1, "filter = \"active eq true\"\n"));
  ASSERT_TRUE(source);
  auto batch = pull(*source, "");
  ASSERT_FALSE(batch.ok());
  EXPECT_THAT(batch.error().message, HasSubstr("does not support filtering"));
}

TEST_F(ScimSourceTest, TransientFailuresAreRetriedThenReported) {
  server_.users = {user("u1", "11010519491231002X", "2024-05-01T00:00:01.000Z")};
  auto source = make();
  ASSERT_TRUE(source);
  int calls = 0;
  host_.http_.answer = [&](const HttpRequest& request) -> Result<HttpResponse> {
    if (++calls == 2) return HttpResponse{503, {}, "busy"};
    return server_(request);
  };
  auto recovered = source->pull(plugin::PullRequest{"", nullptr});
  ASSERT_TRUE(recovered.ok()) << recovered.error().message;
  EXPECT_EQ(recovered->records.size(), 1U);

  host_.http_.answer = [](const HttpRequest&) -> Result<HttpResponse> {
    return HttpResponse{200, {}, R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"]})"};
  };
  const auto before = host_.http_.requests.size();
  auto malformed = source->pull(plugin::PullRequest{"", nullptr});
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(host_.http_.requests.size() - before, 3U);  // retries = 2
  EXPECT_THAT(malformed.error().message, HasSubstr("GET http://hr.example/scim/v2/Users failed after 3 tries: not a "
                                                   "valid SCIM answer: the answer has no \"totalResults\""));

  host_.http_.answer = [](const HttpRequest&) -> Result<HttpResponse> { return makeError("connection refused"); };
  auto down = source->pull(plugin::PullRequest{"", nullptr});
  ASSERT_FALSE(down.ok());
  EXPECT_THAT(down.error().message, HasSubstr("failed after 3 tries: connection refused"));
}

TEST_F(ScimSourceTest, ARefusedRequestFailsAtOnceWithTheServersReason) {
  auto source = make();
  ASSERT_TRUE(source);
  host_.http_.answer = [](const HttpRequest&) -> Result<HttpResponse> {
    return HttpResponse{
        401, {}, R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"bad token","status":"401"})"};
  };
  auto batch = source->pull(plugin::PullRequest{"", nullptr});
  ASSERT_FALSE(batch.ok());
  EXPECT_EQ(host_.http_.requests.size(), 1U);
  EXPECT_THAT(
      batch.error().message,
      HasSubstr("GET http://hr.example/scim/v2/ServiceProviderConfig: the server answered HTTP 401: bad token"));
}

TEST_F(ScimSourceTest, AResourceThatCannotBeMappedIsRejectedWithItsIdAndTheRestGoOn) {
  json bad_date = user("u2", "440524188001010014", "2024-05-01T00:00:02.000Z");
  bad_date["urn:example:scim:schemas:extension:staffing:1.0:User"] = {{"enteredOn", "someday"}};
  json object_unit = user("u3", "150702199001011234", "2024-05-01T00:00:03.000Z");
  object_unit["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["department"] = {{"code", "x"}};
  server_.users = {user("u1", "11010519491231002X", "2024-05-01T00:00:01.000Z"), bad_date, object_unit,
                   json{{"displayName", "no id"}, {"meta", {{"lastModified", "2024-05-01T00:00:04.000Z"}}}}};
  auto source =
      make("", std::string(kBaseConfig).replace(std::string(kBaseConfig).find("page_size = 2"), 13, "page_size = 10"));
  ASSERT_TRUE(source);
  auto batch = pull(*source, "");
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  ASSERT_EQ(batch->records.size(), 1U);
  ASSERT_EQ(batch->rejected.size(), 3U);
  EXPECT_EQ(batch->rejected[0].origin, "GET http://hr.example/scim/v2/Users startIndex 1 item 2 (id u2)");
  EXPECT_EQ(batch->rejected[0].field, "entered_on");
  EXPECT_THAT(batch->rejected[0].reason, HasSubstr("\"someday\" does not match the date format \"%Y%m%d\""));
  EXPECT_THAT(batch->rejected[1].origin, HasSubstr("(id u3)"));
  EXPECT_THAT(batch->rejected[1].reason, HasSubstr(":department is an object, not a single value"));
  EXPECT_THAT(batch->rejected[2].origin, HasSubstr("item 4 (id ?)"));
  EXPECT_EQ(batch->rejected[2].reason, "the resource has no \"id\" (a non-empty string)");
}

TEST_F(ScimSourceTest, AFullSnapshotArrivesWholeInItsLastPageEvenAcrossARestart) {
  server_.users = {user("u1", "11010519491231002X", "2024-05-01T00:00:01.000Z"),
                   user("u2", "440524188001010014", "2024-05-01T00:00:02.000Z"),
                   user("u3", "150702199001011234", "2024-05-01T00:00:03.000Z")};
  const std::string config = "incremental = false\nfull_snapshot = true\n" + std::string(kBaseConfig);
  auto source = make("", config);
  ASSERT_TRUE(source);
  auto first = pull(*source, "");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->more);
  EXPECT_TRUE(first->records.empty());
  EXPECT_TRUE(first->full_snapshot_of.empty());
  auto restarted = make("", config);  // a new daemon, the same state folder and committed cursor
  auto last = pull(*restarted, first->cursor);
  ASSERT_TRUE(last.ok()) << last.error().message;
  EXPECT_FALSE(last->more);
  ASSERT_EQ(last->records.size(), 3U);
  EXPECT_EQ(last->full_snapshot_of, std::vector<plugin::RecordType>{plugin::RecordType::roster});
  EXPECT_THAT(urls().back(), Not(HasSubstr("filter=")));

  // Spooled pages gone (a wiped state folder): the pass starts over rather than drop people.
  auto again = pull(*restarted, last->cursor);
  ASSERT_TRUE(again.ok());
  std::filesystem::remove_all(scratch_.path());
  std::filesystem::create_directories(scratch_.path());
  auto broken = pull(*restarted, again->cursor);
  ASSERT_TRUE(broken.ok());
  EXPECT_TRUE(broken->more);
  EXPECT_TRUE(broken->records.empty());
  EXPECT_EQ(ScimCursor::decode(broken->cursor)->next_start, 1);
}

TEST(ScimSettings, EveryProblemIsReportedWithItsKeyPath) {
  const toml::table document = toml::parse(R"(
base_url = "ftp://hr.example"
page_size = 0
incremental = true
full_snapshot = true
auth = { type = "bearer", token = "inline-secret" }
tls = { verify = "yes" }
[records.rosters.mapping]
[records.roster.mapping]
fields = { unit_id = "emails[0", nonsense = "x" }
)",
                                           std::string_view("scim.toml"));
  std::vector<std::string> errors;
  plugin::ConfigReader reader(document, "connectors.hr", errors);
  EXPECT_FALSE(ScimSettings::read(reader).has_value());
  reader.finish();
  std::string all;
  for (const auto& error : errors) all += error + "\n";
  EXPECT_THAT(all, HasSubstr("connectors.hr.base_url: \"ftp://hr.example\" is not an http:// or https:// URL"));
  EXPECT_THAT(all, HasSubstr("connectors.hr.page_size: expected an integer from 1"));
  EXPECT_THAT(all, HasSubstr("connectors.hr.full_snapshot: a full snapshot needs a full pull"));
  EXPECT_THAT(all, HasSubstr("connectors.hr.auth.token"));
  EXPECT_THAT(all, Not(HasSubstr("inline-secret")));
  EXPECT_THAT(all, HasSubstr("connectors.hr.tls.verify: expected true or false"));
  EXPECT_THAT(all, HasSubstr("connectors.hr.records.rosters: not a canonical file"));
  EXPECT_THAT(all, HasSubstr("movements, payroll, deaths, reductions)"));
  EXPECT_THAT(all, HasSubstr("connectors.hr.records.roster.mapping.fields.nonsense: not a column of roster.csv"));
  EXPECT_THAT(all, HasSubstr("connectors.hr.records.roster.mapping.fields.unit_id: attribute path \"emails[0\": "
                             "'[' without its ']'"));
  EXPECT_THAT(all, HasSubstr("scim.toml:"));
}

// A directory may carry reduction tasks as resources of its own: mapped like any record type.
TEST(ScimSettings, ReductionTasksMapLikeAnyRecordType) {
  const toml::table document = toml::parse(R"(
base_url = "https://estab.example/scim/v2"
[records.reductions.mapping]
fields = { task_id = "externalId", unit_id = "organization", posts_to_recover = "posts", issued_on = "issued", due_on = "due" }
)",
                                           std::string_view("scim.toml"));
  std::vector<std::string> errors;
  plugin::ConfigReader reader(document, "connectors.estab", errors);
  EXPECT_TRUE(ScimSettings::read(reader).has_value());
  reader.finish();
  EXPECT_TRUE(errors.empty()) << errors.front();
}

}  // namespace
}  // namespace staffchain::scim
