// The real daemon with a scim connector against the SCIM test server: a restarted daemon
// resumes from its committed cursor and pulls only the user changed meanwhile; a stopped
// server raises LINK-001 and its return resolves it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "alert_log.hpp"
#include "peer.hpp"
#include "peer_scim.hpp"
#include "process.hpp"
#include "scratch_dir.hpp"

namespace staffchain::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

std::string seedUsers() {
  json users = json::array();
  const char* people[] = {"11010519491231002X", "440524188001010014", "150702199001011233"};
  for (int i = 0; i < 3; ++i) {
    users.push_back({{"id", "u" + std::to_string(i + 1)},
                     {"userName", "user" + std::to_string(i + 1)},
                     {"externalId", people[i]},
                     {"displayName", "Person " + std::to_string(i + 1)},
                     {"userType", "91350100M000100Y43"},
                     {"nickName", "20240501"},
                     {"meta", {{"lastModified", "2024-05-01T00:00:0" + std::to_string(i + 1) + ".000Z"}}}});
  }
  return users.dump();
}

std::string daemonConfig(const std::string& url) {
  return "[daemon]\nstate_dir = \"state\"\nplugin_dir = \"" + binary("plugins").string() +
         "\"\nevaluate_interval = \"1s\"\nshutdown_grace = \"5s\"\n\n"
         "[connectors.hr_scim]\nplugin = \"scim\"\nrole = \"estab\"\ninterval = \"1s\"\nmax_staleness = \"1h\"\n"
         "base_url = \"" +
         url +
         "\"\npage_size = 2\nretries = 0\nrequest_timeout = \"2s\"\n"
         "[connectors.hr_scim.records.roster.mapping]\ndates = { entered_on = \"%Y%m%d\" }\n"
         "constants = { estab_type = \"admin\" }\n"
         "fields = { person_id = \"externalId\", name = \"displayName\", unit_id = \"userType\", "
         "entered_on = \"nickName\" }\n\n"
         "[notifiers.ops]\nplugin = \"file\"\npath = \"alerts/ops.jsonl\"\n\n"
         "[route]\nreceivers = [\"ops\"]\ngroup_wait = \"1s\"\ngroup_interval = \"1s\"\n";
}

TEST(ScimDaemon, ARestartedDaemonResumesFromItsCursorAndPullsOnlyTheChangedUser) {
  auto peer = ScimPeer::start({.users = seedUsers()});
  ASSERT_TRUE(peer.ok()) << peer.error().message;
  ScratchDir dir;
  const auto file = dir.write("staffchain.toml", daemonConfig((*peer)->url()));
  {
    ChildProcess daemon({binary("staffchaind").string(), "--config", file.string()}, dir.path() / "first.log");
    ASSERT_TRUE(daemon.waitForOutput("connector hr_scim: 1 records", 30s)) << daemon.output();
    ASSERT_TRUE(daemon.waitForOutput("connector hr_scim: 0 records", 30s)) << daemon.output();  // caught up
    daemon.signal(SIGTERM);
    ASSERT_EQ(daemon.wait(30s), 0) << daemon.output();
    EXPECT_THAT(daemon.output(), HasSubstr("connector hr_scim: 2 records"));
  }
  const json patch = {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
                      {"Operations", {{{"op", "replace"}, {"path", "displayName"}, {"value", "Person Three"}}}}};
  auto patched =
      httpRequest("PATCH", (*peer)->url() + "/Users/u3", patch.dump(), {"Content-Type: application/scim+json"});
  ASSERT_TRUE(patched.ok()) << patched.error().message;
  ASSERT_EQ(patched->status, 200) << patched->body;

  ChildProcess daemon({binary("staffchaind").string(), "--config", file.string()}, dir.path() / "second.log");
  ASSERT_TRUE(daemon.waitForOutput("connector hr_scim: 1 records", 30s)) << daemon.output();
  daemon.signal(SIGTERM);
  ASSERT_EQ(daemon.wait(30s), 0) << daemon.output();
  const std::string out = daemon.output();
  EXPECT_THAT(out, HasSubstr("connector hr_scim: 1 records (0 new, 1 changed"));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("connector hr_scim: 2 records")));  // no full pull again
}

TEST(ScimDaemon, AStoppedServerRaisesLink001AndItsReturnResolvesIt) {
  auto peer = ScimPeer::start({.users = seedUsers()});
  ASSERT_TRUE(peer.ok()) << peer.error().message;
  const std::uint16_t port = (*peer)->port();
  ScratchDir dir;
  const auto file = dir.write("staffchain.toml", daemonConfig((*peer)->url()));
  const fs::path alerts = dir.path() / "alerts" / "ops.jsonl";
  ChildProcess daemon({binary("staffchaind").string(), "--config", file.string()}, dir.path() / "daemon.log");
  ASSERT_TRUE(daemon.waitForOutput("connector hr_scim: 0 records", 30s)) << daemon.output();

  ASSERT_TRUE((*peer)->stop().ok());
  ASSERT_TRUE(daemon.waitForOutput("connector hr_scim: sync failed", 30s)) << daemon.output();
  ASSERT_TRUE(waitFor([&] { return readAlertLog(alerts).opened.count("LINK-001|hr_scim") > 0; }, 30s))
      << readFile(alerts) << daemon.output();

  // ScimPeer always takes a fresh port, and the daemon knows only the old one: bring the same
  // server back on that port (a workaround until ScimPeer can restart in place).
  auto node = findProgram("node");
  ASSERT_TRUE(node.ok()) << node.error().message;
  const auto users = dir.write("users.json", seedUsers());
  auto back = PeerProcess::start({node->string(), (peersDir() / "scim_server.js").string(), "--port",
                                  std::to_string(port), "--users", users.string()},
                                 {.log = dir.path() / "scim-again.log", .workdir = peersDir()});
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_TRUE(waitFor([&] { return readAlertLog(alerts).resolved.count("LINK-001|hr_scim") > 0; }, 60s))
      << readFile(alerts) << daemon.output() << back->output();
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s), 0);
  back->stop(SIGTERM, 10s);
}

}  // namespace
}  // namespace staffchain::testing
