// Self-test of the real-peer harness: each peer starts, answers one real round trip and stops,
// leaving no process behind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "peer.hpp"
#include "peer_json_server.hpp"
#include "peer_postgres.hpp"
#include "peer_promtool.hpp"
#include "peer_scim.hpp"
#include "peer_smtp.hpp"
#include "peer_wiremock.hpp"
#include "scratch_dir.hpp"

namespace staffchain::testing {
namespace {

using ::testing::HasSubstr;

bool pidGone(pid_t pid) {
  return kill(pid, 0) == -1 && errno == ESRCH;
}

// Start-up times are reported, never asserted: they only help whoever tunes the limits.
class StartTimer {
 public:
  explicit StartTimer(std::string peer) : peer_(std::move(peer)) {}
  void report() const {
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begun_).count();
    ::testing::Test::RecordProperty(peer_ + "_start_ms", std::to_string(elapsed));
    std::cout << "[ peer     ] " << peer_ << " ready in " << elapsed << " ms\n";
  }

 private:
  std::string peer_;
  std::chrono::steady_clock::time_point begun_ = std::chrono::steady_clock::now();
};

nlohmann::json parseJson(const std::string& text) {
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << "not JSON: " << text;
  return parsed;
}

TEST(PeerHarness, FreeLoopbackPortCanBeListenedOnAndNothingAnswersThere) {
  auto port = freeLoopbackPort();
  ASSERT_TRUE(port) << port.error().message;
  EXPECT_GT(*port, 0);
  EXPECT_FALSE(waitForTcp(*port, std::chrono::milliseconds(100)));
}

TEST(PeerHarness, CommandPastItsLimitIsKilledAndReported) {
  const ScratchDir scratch;
  auto run = runCommand({"/bin/sleep", "30"}, {.log = scratch.path() / "sleep.log"}, std::chrono::milliseconds(200));
  ASSERT_FALSE(run);
  EXPECT_THAT(run.error().message, HasSubstr("did not finish within 200 ms"));
}

TEST(PeerHarness, MissingProgramIsAnErrorThatSaysHowToInstallIt) {
  const ScratchDir scratch;
  auto process = PeerProcess::start({(scratch.path() / "no-such-server").string()}, {.log = scratch.path() / "log"});
  ASSERT_FALSE(process);
  EXPECT_THAT(process.error().message, HasSubstr("No such file"));
  auto program = findProgram("staffchain-no-such-peer");
  ASSERT_FALSE(program);
  EXPECT_THAT(program.error().message, HasSubstr("install-deps.sh --test"));
}

TEST(PeerHarness, StopAlsoEndsWhatThePeerLeftInItsProcessGroup) {
  const ScratchDir scratch;
  const auto childPid = scratch.path() / "child.pid";
  auto process = PeerProcess::start({"/bin/sh", "-c", "sleep 60 & echo $! > " + childPid.string() + "; wait"},
                                    {.log = scratch.path() / "sh.log"});
  ASSERT_TRUE(process) << process.error().message;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::error_code noFileYet;
  while (std::filesystem::file_size(childPid, noFileYet) == 0 || noFileYet) {
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::string text;
  std::ifstream(childPid) >> text;
  ASSERT_FALSE(text.empty()) << "the shell never wrote its child's pid";
  const auto grandchild = static_cast<pid_t>(std::stoi(text));
  process->stop(SIGTERM, std::chrono::seconds(5));
  EXPECT_TRUE(pidGone(process->pid()));
  // The grandchild is not ours to reap: it is gone once it is no longer alive nor a zombie
  // of ours, so give init a moment to reap it.
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    std::ifstream stat("/proc/" + std::to_string(grandchild) + "/stat");
    std::string pid;
    std::string name;
    std::string state;
    stat >> pid >> name >> state;
    gone = !stat || state == "Z";
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(gone) << "sleep " << grandchild << " outlived its process group's leader";
}

TEST(PostgresPeer, AnswersSqlAndStopsByItsPid) {
  const StartTimer timer("postgres");
  auto peer = PostgresPeer::start();
  ASSERT_TRUE(peer) << peer.error().message;
  timer.report();
  auto& postgres = **peer;
  auto rows = postgres.sql(
      "create table staff (id int primary key, name text);"
      "insert into staff values (1, '张三'), (2, '李四');"
      "select id, name from staff order by id;");
  ASSERT_TRUE(rows) << rows.error().message;
  EXPECT_EQ(*rows, "1|张三\n2|李四\n");
  auto broken = postgres.sql("select * from no_such_table;");
  ASSERT_FALSE(broken);
  EXPECT_THAT(broken.error().message, HasSubstr("no_such_table"));
  EXPECT_THAT(postgres.connectionString(), HasSubstr("port=" + std::to_string(postgres.port())));

  const pid_t pid = postgres.pid();
  auto stopped = postgres.stop();
  EXPECT_TRUE(stopped) << stopped.error().message;
  EXPECT_TRUE(pidGone(pid));
  EXPECT_FALSE(waitForTcp(postgres.port(), std::chrono::milliseconds(0)));
}

constexpr const char* kStaffDb = R"({"staff": [
  {"id": 1, "name": "a"}, {"id": 2, "name": "b"}, {"id": 3, "name": "c"}, {"id": 4, "name": "d"},
  {"id": 5, "name": "e"}, {"id": 6, "name": "f"}, {"id": 7, "name": "g"}]})";

TEST(JsonServerPeer, PagesWithTotalCountAndLinksAndLeavesTheFixtureAlone) {
  const ScratchDir fixtures;
  const auto fixture = fixtures.write("db.json", kStaffDb);
  const StartTimer timer("json-server");
  auto peer = JsonServerPeer::start({.fixture = fixture, .delay = std::chrono::milliseconds(10)});
  ASSERT_TRUE(peer) << peer.error().message;
  timer.report();
  auto& server = **peer;

  auto page = httpRequest("GET", server.url() + "/staff?_page=2&_limit=3");
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->header("X-Total-Count"), "7");
  const auto link = page->header("Link");
  EXPECT_THAT(link, HasSubstr("_page=3&_limit=3>; rel=\"next\""));
  EXPECT_THAT(link, HasSubstr("_page=1&_limit=3>; rel=\"prev\""));
  EXPECT_THAT(link, HasSubstr("_page=3&_limit=3>; rel=\"last\""));
  const auto body = parseJson(page->body);
  ASSERT_EQ(body.size(), 3U);
  EXPECT_EQ(body[0]["id"], 4);
  EXPECT_EQ(body[2]["id"], 6);

  auto added = httpRequest("POST", server.url() + "/staff", R"({"name": "h"})", {"Content-Type: application/json"});
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_EQ(added->status, 201);
  std::ifstream original(fixture);
  const std::string fixtureText((std::istreambuf_iterator<char>(original)), std::istreambuf_iterator<char>());
  EXPECT_EQ(fixtureText, kStaffDb);

  const pid_t pid = server.pid();
  auto stopped = server.stop();
  EXPECT_TRUE(stopped) << stopped.error().message;
  EXPECT_TRUE(pidGone(pid));
}

TEST(WireMockPeer, ScenarioAnswers503ThenOkAndRecordsTheRequests) {
  const StartTimer timer("wiremock");
  auto peer = WireMockPeer::start();
  ASSERT_TRUE(peer) << peer.error().message;
  timer.report();
  auto& wiremock = **peer;

  for (const auto& mapping : {
           nlohmann::json{{"scenarioName", "flaky hook"},
                          {"requiredScenarioState", "Started"},
                          {"newScenarioState", "recovered"},
                          {"request", {{"method", "POST"}, {"url", "/hook"}}},
                          {"response", {{"status", 503}, {"body", "busy"}}}},
           nlohmann::json{{"scenarioName", "flaky hook"},
                          {"requiredScenarioState", "recovered"},
                          {"request", {{"method", "POST"}, {"url", "/hook"}}},
                          {"response", {{"status", 200}, {"body", "ok"}}}},
       }) {
    auto added = wiremock.addMapping(mapping);
    ASSERT_TRUE(added) << added.error().message;
    EXPECT_TRUE(added->contains("id"));
  }

  auto first = httpRequest("POST", wiremock.url() + "/hook", R"({"alert": 1})", {"Content-Type: application/json"});
  auto second = httpRequest("POST", wiremock.url() + "/hook", R"({"alert": 1})", {"Content-Type: application/json"});
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->status, 503);
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(second->body, "ok");

  auto found = wiremock.findRequests({{"method", "POST"}, {"url", "/hook"}});
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->size(), 2U);
  EXPECT_EQ((*found)[0]["body"], R"({"alert": 1})");

  auto reset = wiremock.reset();
  ASSERT_TRUE(reset) << reset.error().message;
  auto afterReset = wiremock.findRequests({{"method", "POST"}, {"url", "/hook"}});
  ASSERT_TRUE(afterReset) << afterReset.error().message;
  EXPECT_TRUE(afterReset->empty());
  auto unmatched = httpRequest("POST", wiremock.url() + "/hook");
  ASSERT_TRUE(unmatched) << unmatched.error().message;
  EXPECT_EQ(unmatched->status, 404);

  const pid_t pid = wiremock.pid();
  auto stopped = wiremock.stop();
  EXPECT_TRUE(stopped) << stopped.error().message;
  EXPECT_TRUE(pidGone(pid));
}

constexpr const char* kScimUsers = R"([
  {"id": "u1", "userName": "zhang.san", "active": true, "meta": {"lastModified": "2024-01-01T00:00:00.000Z"}},
  {"id": "u2", "userName": "li.si", "active": false, "meta": {"lastModified": "2024-01-02T00:00:00.000Z"}},
  {"id": "u3", "userName": "wang.wu", "active": true, "meta": {"lastModified": "2024-01-03T00:00:00.000Z"}},
  {"id": "u4", "userName": "zhao.liu", "active": true, "meta": {"lastModified": "2024-01-04T00:00:00.000Z"}}])";

TEST(ScimPeer, FiltersPagesAndSeesChangesMadeThroughTheApi) {
  const StartTimer timer("scim");
  auto peer = ScimPeer::start({.users = kScimUsers, .bearerToken = "s3cret"});
  ASSERT_TRUE(peer) << peer.error().message;
  timer.report();
  auto& scim = **peer;
  const std::vector<std::string> auth{"Authorization: Bearer s3cret"};

  auto refused = httpRequest("GET", scim.url() + "/Users");
  ASSERT_TRUE(refused) << refused.error().message;
  EXPECT_EQ(refused->status, 401);

  auto page = httpRequest("GET", scim.url() + "/Users?filter=active%20eq%20true&startIndex=2&count=1", {}, auth);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->status, 200) << page->body;
  auto list = parseJson(page->body);
  EXPECT_EQ(list["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:ListResponse");
  EXPECT_EQ(list["totalResults"], 3);
  EXPECT_EQ(list["startIndex"], 2);
  ASSERT_EQ(list["Resources"].size(), 1U);
  EXPECT_EQ(list["Resources"][0]["userName"], "wang.wu");

  auto patched = httpRequest("PATCH", scim.url() + "/Users/u2",
                             R"({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations": [{"op": "replace", "path": "active", "value": true}]})",
                             {auth[0], "Content-Type: application/scim+json"});
  ASSERT_TRUE(patched) << patched.error().message;
  ASSERT_EQ(patched->status, 200) << patched->body;

  auto changed =
      httpRequest("GET", scim.url() + "/Users?filter=meta.lastModified%20gt%20%222024-01-10T00:00:00Z%22", {}, auth);
  ASSERT_TRUE(changed) << changed.error().message;
  auto since = parseJson(changed->body);
  ASSERT_EQ(since["totalResults"], 1) << changed->body;
  EXPECT_EQ(since["Resources"][0]["id"], "u2");
  EXPECT_EQ(since["Resources"][0]["active"], true);

  const pid_t pid = scim.pid();
  auto stopped = scim.stop();
  EXPECT_TRUE(stopped) << stopped.error().message;
  EXPECT_TRUE(pidGone(pid));
}

TEST(SmtpPeer, FilesAMessageSentWithCurlIntoTheMaildir) {
  const StartTimer timer("smtp");
  auto peer = SmtpPeer::start();
  ASSERT_TRUE(peer) << peer.error().message;
  timer.report();
  auto& smtp = **peer;
  EXPECT_TRUE(smtp.messages().empty());

  auto sent = smtp.send("staffchain@example.org", {"auditor@example.org"},
                        "From: staffchain@example.org\r\nTo: auditor@example.org\r\nSubject: CHAIN-001 open\r\n\r\n"
                        "A hire without an approval.\r\n");
  ASSERT_TRUE(sent) << sent.error().message;
  auto received = smtp.waitForMessages(1, std::chrono::seconds(10));
  ASSERT_TRUE(received) << received.error().message;
  ASSERT_EQ(received->size(), 1U);
  EXPECT_THAT(received->front(), HasSubstr("Subject: CHAIN-001 open"));
  EXPECT_THAT(received->front(), HasSubstr("A hire without an approval."));

  const pid_t pid = smtp.pid();
  auto stopped = smtp.stop();
  EXPECT_TRUE(stopped) << stopped.error().message;
  EXPECT_TRUE(pidGone(pid));
}

TEST(Promtool, TellsCleanLintedAndBrokenExpositionsApart) {
  auto clean = promtoolCheck(
      "# HELP staffchain_findings_total Findings raised.\n"
      "# TYPE staffchain_findings_total counter\n"
      "staffchain_findings_total{rule=\"CHAIN-001\"} 3\n");
  ASSERT_TRUE(clean) << clean.error().message;
  EXPECT_EQ(clean->exitCode, 0) << clean->output;

  auto linted = promtoolCheck(
      "# HELP staffchain_findings Findings raised.\n"
      "# TYPE staffchain_findings counter\n"
      "staffchain_findings 3\n");
  ASSERT_TRUE(linted) << linted.error().message;
  EXPECT_EQ(linted->exitCode, 3) << linted->output;
  EXPECT_THAT(linted->output, HasSubstr("_total"));

  auto broken = promtoolCheck("staffchain_findings{rule=} three\n");
  ASSERT_TRUE(broken) << broken.error().message;
  EXPECT_EQ(broken->exitCode, 1) << broken->output;
}

}  // namespace
}  // namespace staffchain::testing
