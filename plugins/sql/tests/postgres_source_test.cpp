// The sql source against a real PostgreSQL server started by the test: the plugin library on
// its own, then the real daemon (resume after a restart, quarantine, LINK-001 and LINK-002).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "peer.hpp"
#include "peer_postgres.hpp"
#include "process.hpp"
#include "sql_harness.hpp"
#include "tcp_relay.hpp"

namespace staffchain::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

constexpr const char* kSchema =
    "CREATE TABLE staff_changes (change_id bigint PRIMARY KEY, change_kind text NOT NULL, sfzh text, xm text, "
    "dwdm text, sxrq text, approval text, updated_at timestamptz NOT NULL);\n";

// Rows 2, 3 and 4 share one watermark, to the microsecond.
constexpr const char* kFirstRows =
    "INSERT INTO staff_changes VALUES\n"
    "(1, '录用', '150702199306050583', '李瑶婷', '111507000101584181', '20230914', 'YB15070020230000000', "
    "'2026-05-01 08:00:00.000001+08'),\n"
    "(2, '辞职', '150702197409106771', '朱旭', '1115070201023760X5', '20260419', NULL, '2026-05-02 09:30:00.25+08'),\n"
    "(3, '录用', '150784200004157668', '高娃', '11150784011187886L', '20250806', NULL, '2026-05-02 09:30:00.25+08'),\n"
    "(4, '录用', '150721199709189861', '高娟萍', '11150721010395982X', '20250912', NULL, '2026-05-02 "
    "09:30:00.25+08'),\n"
    "(5, '录用', '150783200001290475', '张文凯', '11150783011108690J', '20250928', NULL, '2026-05-03 10:00:00+08');\n";

// `table` is the connector's table path ("" inside its own document).
std::string querySection(const std::string& table = "") {
  const std::string prefix = table.empty() ? "" : table + ".";
  return "[" + prefix +
         "queries.movements]\n"
         "sql = \"\"\"\n"
         "SELECT change_id, 'hr' AS source, change_kind, sfzh AS person_id, xm AS name, dwdm AS unit_id,\n"
         "       sxrq, CAST(updated_at AT TIME ZONE 'Asia/Shanghai' AS date) AS recorded_on,\n"
         "       approval AS approval_id, updated_at\n"
         "FROM staff_changes\"\"\"\n"
         "watermark = { column = \"updated_at\", key = \"change_id\" }\n"
         "[" +
         prefix +
         "queries.movements.mapping]\n"
         "fields = { movement_id = \"change_id\", kind = \"change_kind\", effective_on = \"sxrq\" }\n"
         "values = { kind = { \"录用\" = \"hire\", \"辞职\" = \"resign\" } }\n"
         "dates = { effective_on = \"%Y%m%d\" }\n";
}

class PostgresSourceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // The connector takes its password by reference; the test server trusts local users.
    setenv("SQL_TEST_PG_PASSWORD", "unused-with-trust", 1);
    auto started = PostgresPeer::start();
    ASSERT_TRUE(started.ok()) << started.error().message;
    peer_ = std::move(started.value()).release();
  }
  static void TearDownTestSuite() {
    delete peer_;
    peer_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(peer_, nullptr);
    database_ = "hr_" + std::to_string(++databases_);
    auto created = peer_->sql("CREATE DATABASE " + database_ + ";");
    ASSERT_TRUE(created.ok()) << created.error().message;
    sql(std::string(kSchema) + kFirstRows);
  }

  void sql(const std::string& statements) {
    auto done = peer_->sql(statements, database_);
    ASSERT_TRUE(done.ok()) << done.error().message;
  }

  std::string connection(std::uint16_t port, const std::string& extra = "sslmode = \"disable\"\n") const {
    return "driver = \"postgresql\"\nhost = \"127.0.0.1\"\nport = " + std::to_string(port) + "\ndbname = \"" +
           database_ + "\"\nuser = \"postgres\"\npassword = \"${SQL_TEST_PG_PASSWORD}\"\nconnect_timeout = \"2s\"\n" +
           extra;
  }

  static PostgresPeer* peer_;
  static int databases_;
  std::string database_;
};

PostgresPeer* PostgresSourceTest::peer_ = nullptr;
int PostgresSourceTest::databases_ = 0;

TEST_F(PostgresSourceTest, PullsInBatchesWithoutLosingRowsThatShareAWatermarkAndResumes) {
  SqlHarness harness;
  auto created = harness.create(connection(peer_->port()) + "batch_size = 2\n" + querySection());
  ASSERT_TRUE(created.ok()) << created.error().message;
  auto run = pullUntilDone(*created.value(), "");
  ASSERT_TRUE(run.ok()) << run.error().message;
  ASSERT_EQ(run->batches.size(), 3U);
  EXPECT_THAT(fieldValues(*run, "movement_id"), ElementsAre("1", "2", "3", "4", "5"));
  EXPECT_THAT(fieldValues(*run, "effective_on"),
              ElementsAre("2023-09-14", "2026-04-19", "2025-08-06", "2025-09-12", "2025-09-28"));
  // A timestamp cast to a date in the query is a plain ISO date.
  EXPECT_THAT(fieldValues(*run, "recorded_on"),
              ElementsAre("2026-05-01", "2026-05-02", "2026-05-02", "2026-05-02", "2026-05-03"));
  EXPECT_THAT(fieldValues(*run, "approval_id"),
              ElementsAre("YB15070020230000000", "<absent>", "<absent>", "<absent>", "<absent>"));
  // The watermark keeps its microseconds, read in UTC whatever the server's time zone.
  EXPECT_THAT(run->cursor, HasSubstr("2026-05-03 02:00:00+00"));

  // After a restart (a new instance), from the committed cursor: a row sharing the last
  // watermark, and a row changed since.
  sql("INSERT INTO staff_changes VALUES (6, '辞职', '150702199306050583', '李瑶婷', '111507000101584181', '20260501', "
      "NULL, '2026-05-03 10:00:00+08');\n"
      "UPDATE staff_changes SET change_kind = '辞职', updated_at = '2026-05-04 08:00:00+08' WHERE change_id = 2;\n");
  created.value().reset();  // the first instance goes, as in a daemon restart
  auto restarted = harness.create(connection(peer_->port()) + "batch_size = 2\n" + querySection());
  ASSERT_TRUE(restarted.ok()) << restarted.error().message;
  auto resumed = pullUntilDone(*restarted.value(), run->cursor);
  ASSERT_TRUE(resumed.ok()) << resumed.error().message;
  EXPECT_THAT(fieldValues(*resumed, "movement_id"), ElementsAre("6", "2"));
  EXPECT_THAT(fieldValues(*resumed, "kind"), ElementsAre("resign", "resign"));
}

TEST_F(PostgresSourceTest, TlsIsVerifiedByDefault) {
  SqlHarness harness;
  // No sslmode: verify-full, which a server without TLS cannot satisfy.
  auto created = harness.create(connection(peer_->port(), "retries = 0\n") + querySection());
  ASSERT_TRUE(created.ok()) << created.error().message;
  auto batch = plugin_host::pullSource(*created.value(), "", 20s);
  ASSERT_FALSE(batch.ok());
  EXPECT_THAT(batch.error().message, HasSubstr("cannot connect to postgresql://postgres@127.0.0.1:"));
  EXPECT_THAT(batch.error().message, HasSubstr("SSL"));
}

TEST_F(PostgresSourceTest, ASqlErrorNamesTheQueryAndItsSqlstate) {
  SqlHarness harness;
  auto created =
      harness.create(connection(peer_->port()) + "[queries.deaths]\nsql = \"SELECT person_id FROM no_such_table\"\n");
  ASSERT_TRUE(created.ok()) << created.error().message;
  auto batch = plugin_host::pullSource(*created.value(), "", 20s);
  ASSERT_FALSE(batch.ok());
  EXPECT_THAT(batch.error().message, HasSubstr("query deaths: query on postgresql://postgres@127.0.0.1:"));
  EXPECT_THAT(batch.error().message, HasSubstr("(SQLSTATE 42P01)"));
  EXPECT_THAT(harness.log(), ::testing::Not(HasSubstr("retrying")));
}

TEST_F(PostgresSourceTest, TheSessionIsReadOnly) {
  SqlHarness harness;
  auto created =
      harness.create(connection(peer_->port()) + "[queries.deaths]\nsql = \"SELECT nextval('s') AS person_id\"\n");
  sql("CREATE SEQUENCE s;");
  ASSERT_TRUE(created.ok()) << created.error().message;
  auto batch = plugin_host::pullSource(*created.value(), "", 20s);
  ASSERT_FALSE(batch.ok());
  EXPECT_THAT(batch.error().message, HasSubstr("read-only transaction"));
}

// The README's grants for the source's role: USAGE on the schema and SELECT on what the query
// reads (here only its columns), nothing else, are enough for an incremental pull.
TEST_F(PostgresSourceTest, ARoleWithOnlyTheReadmesGrantsPulls) {
  const std::string role = database_ + "_reader";
  sql("CREATE SCHEMA rs;\nALTER TABLE staff_changes SET SCHEMA rs;\nCREATE ROLE " + role + " LOGIN;\n" +
      "GRANT USAGE ON SCHEMA rs TO " + role + ";\n" +
      "GRANT SELECT (change_id, change_kind, sfzh, xm, dwdm, sxrq, approval, updated_at) ON rs.staff_changes TO " +
      role + ";\n");
  std::string config = connection(peer_->port()) + "batch_size = 2\n" + querySection();
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"user = \"postgres\"", "user = \"" + role + "\""},
                                 {"FROM staff_changes", "FROM rs.staff_changes"}}) {
    const auto at = config.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    config.replace(at, from.size(), to);
  }
  SqlHarness harness;
  auto created = harness.create(config);
  ASSERT_TRUE(created.ok()) << created.error().message;
  auto run = pullUntilDone(*created.value(), "");
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_THAT(fieldValues(*run, "movement_id"), ElementsAre("1", "2", "3", "4", "5"));
}

// The real daemon, configured with one sql connector and a file notifier.
class DaemonWithSqlTest : public PostgresSourceTest {
 protected:
  fs::path writeConfig(std::uint16_t port, const std::string& timing) {
    const std::string text = "[daemon]\nstate_dir = \"state\"\nplugin_dir = \"" + binary("plugins").string() +
                             "\"\nevaluate_interval = \"1s\"\nshutdown_grace = \"5s\"\n\n"
                             "[connectors.hr_db]\nplugin = \"sql\"\nrole = \"hr\"\n" +
                             timing + connection(port) + "batch_size = 2\nretries = 1\nretry_initial = \"50ms\"\n" +
                             "\n[notifiers.ops]\nplugin = \"file\"\npath = \"alerts/ops.jsonl\"\n\n"
                             "[route]\nreceivers = [\"ops\"]\ngroup_wait = \"1s\"\ngroup_interval = \"1s\"\n\n" +
                             querySection("connectors.hr_db");
    return scratch_.write("staffchain.toml", text);
  }

  std::map<std::string, std::string> env() const { return {{"SQL_TEST_PG_PASSWORD", "unused-with-trust"}}; }

  // True once a digest reported the finding `fingerprint` firing (or resolved). Digests list
  // alerts with their state ("alerts": [{"id": fingerprint, "state": ...}]); the older form
  // listed "opened" findings and "resolved_fingerprints", and is read as well.
  bool digestHas(const std::string& fingerprint, bool resolved) const {
    std::ifstream in(scratch_.path() / "alerts" / "ops.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      const auto digest = nlohmann::json::parse(line, nullptr, false);
      if (digest.is_discarded() || !digest.is_object()) continue;
      for (const auto& alert : digest.value("alerts", nlohmann::json::array())) {
        if (alert.is_object() && alert.value("id", "") == fingerprint &&
            alert.value("state", "") == (resolved ? "resolved" : "firing")) {
          return true;
        }
      }
      for (const auto& entry : digest.value(resolved ? "resolved_fingerprints" : "opened", nlohmann::json::array())) {
        if ((entry.is_string() && entry.get<std::string>() == fingerprint) ||
            (entry.is_object() && entry.value("fingerprint", "") == fingerprint)) {
          return true;
        }
      }
    }
    return false;
  }

  bool waitForDigest(const std::string& fingerprint, bool resolved, std::chrono::seconds limit) const {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (digestHas(fingerprint, resolved)) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  ScratchDir scratch_;
};

TEST_F(DaemonWithSqlTest, ASecondRunResumesFromTheCommittedCursorAndQuarantinesAMalformedRow) {
  sql("INSERT INTO staff_changes VALUES (7, '录用', '150702199306050583', '李瑶婷', '111507000101584181', "
      "'2026-02-30x', NULL, '2026-05-03 11:00:00+08');");
  const auto config = writeConfig(peer_->port(), "interval = \"1h\"\nmax_staleness = \"1d\"\n");
  auto [code, out] = runToEnd({binary("staffchaind").string(), "--config", config.string(), "--once"},
                              scratch_.path() / "first.log", env());
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("connector hr_db: 2 records (2 new"));
  EXPECT_THAT(out, HasSubstr("connector hr_db: 1 records (1 new"));
  EXPECT_THAT(out, HasSubstr("quarantined hr_db query movements row 2 (change_id 7): effective_on: \"2026-02-30x\" "
                             "does not match the date format \"%Y%m%d\""));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("sync failed")));

  sql("INSERT INTO staff_changes VALUES (8, '辞职', '150784200004157668', '高娃', '11150784011187886L', '20260520', "
      "NULL, '2026-05-20 09:00:00+08');");
  auto [again_code, again] = runToEnd({binary("staffchaind").string(), "--config", config.string(), "--once"},
                                      scratch_.path() / "second.log", env());
  ASSERT_EQ(again_code, 0) << again;
  // Only the new row: the cursor committed by the first run held.
  EXPECT_THAT(again, HasSubstr("connector hr_db: 1 records (1 new, 0 changed, 0 unchanged"));
  EXPECT_THAT(again, ::testing::Not(HasSubstr("connector hr_db: 2 records")));
  EXPECT_THAT(again, ::testing::Not(HasSubstr("quarantined hr_db")));
}

TEST_F(DaemonWithSqlTest, AStoppedServerRaisesLink001AndItsReturnResolvesIt) {
  TcpRelay relay(peer_->port());
  ASSERT_TRUE(relay.open());
  const auto config = writeConfig(relay.port(), "interval = \"1s\"\nmax_staleness = \"1h\"\n");
  ChildProcess daemon({binary("staffchaind").string(), "--config", config.string()}, scratch_.path() / "daemon.log",
                      env());
  ASSERT_TRUE(daemon.waitForOutput("connector hr_db: 1 records", 30s)) << daemon.output();

  relay.close();
  ASSERT_TRUE(daemon.waitForOutput("connector hr_db: sync failed", 30s)) << daemon.output();
  EXPECT_THAT(daemon.output(),
              HasSubstr("cannot connect to postgresql://postgres@127.0.0.1:" + std::to_string(relay.port())));
  // Retried inside the pull first (retries = 1), then reported to the daemon.
  EXPECT_THAT(daemon.output(), HasSubstr("attempt 1 of 2, retrying"));
  EXPECT_THAT(daemon.output(), HasSubstr("(gave up after 2 attempts)"));
  EXPECT_TRUE(waitForDigest("LINK-001|hr_db", false, 30s)) << daemon.output();

  ASSERT_TRUE(relay.open());
  EXPECT_TRUE(waitForDigest("LINK-001|hr_db", true, 30s)) << daemon.output();
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s), 0) << daemon.output();
}

TEST_F(DaemonWithSqlTest, AServerSilentPastTheStalenessWindowRaisesLink002) {
  TcpRelay relay(peer_->port());
  ASSERT_TRUE(relay.open());
  const auto config = writeConfig(relay.port(), "interval = \"1s\"\nmax_staleness = \"3s\"\n");
  ChildProcess daemon({binary("staffchaind").string(), "--config", config.string()}, scratch_.path() / "daemon.log",
                      env());
  ASSERT_TRUE(daemon.waitForOutput("connector hr_db: 1 records", 30s)) << daemon.output();
  EXPECT_FALSE(digestHas("LINK-002|hr_db", false));
  relay.close();
  EXPECT_TRUE(waitForDigest("LINK-002|hr_db", false, 30s)) << daemon.output();
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s), 0) << daemon.output();
}

}  // namespace
}  // namespace staffchain::testing
