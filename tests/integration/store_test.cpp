// The daemon with its state in PostgreSQL ([daemon] store): one cycle over the same world as on
// the SQLite file reaches the same records, alerts, outbox and notices; a store it cannot reach,
// or a URL with a password in it, is refused at start with the reason.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "peer_postgres.hpp"
#include "process.hpp"
#include "scratch_dir.hpp"
#include "staffchain/store/database.hpp"

namespace staffchain::testing {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

// What a store holds that must not depend on its backend: every row of these queries.
const std::vector<std::string>& comparedQueries() {
  static const std::vector<std::string> queries = {
      "SELECT count(*) FROM units",
      "SELECT count(*) FROM quotas",
      "SELECT count(*) FROM approvals",
      "SELECT count(*) FROM roster",
      "SELECT count(*) FROM movements",
      "SELECT count(*) FROM payroll",
      "SELECT count(*) FROM deaths",
      "SELECT count(*) FROM movement_history",
      "SELECT name, cursor IS NULL FROM connectors ORDER BY name",
      "SELECT record_type, origin, field, reason FROM quarantine ORDER BY 1, 2, 3, 4",
      "SELECT id, rule, severity, unit_id, person_id, state FROM alert_alerts ORDER BY id",
      "SELECT receiver, idempotency_key FROM alert_outbox ORDER BY idempotency_key",
      "SELECT alert_id, resolved_at IS NULL FROM alert_spans ORDER BY alert_id",
      "SELECT id, sink, action, state FROM notices ORDER BY id"};
  return queries;
}

std::vector<std::string> rows(const store::Location& where, const std::string& sql) {
  auto db = store::Database::open(where, {.label = "test", .create = false});
  if (!db) throw std::runtime_error(db.error().message);
  auto statement = (*db)->prepare(sql, "a test's query");
  if (!statement) throw std::runtime_error(statement.error().message);
  std::vector<std::string> out;
  auto read = (*db)->eachRow(*statement, "a test's query", [&out](const store::Statement& row) {
    std::string line;
    for (int i = 0; i < row.columnCount(); ++i) {
      // PostgreSQL says a boolean as t/f, SQLite as 1/0.
      std::string cell = row.columnIsNull(i) ? "<null>" : row.text(i);
      if (cell == "t") cell = "1";
      if (cell == "f") cell = "0";
      line += (i > 0 ? "|" : "") + cell;
    }
    out.push_back(std::move(line));
  });
  if (!read) throw std::runtime_error(read.error().message);
  return out;
}

// A world of `persons` and the inboxes of the demo configuration, under `root`.
void dropWorld(const fs::path& root, const fs::path& dataset) {
  const std::map<std::string, std::vector<std::string>> drops = {
      {"estab", {"units.csv", "quotas.csv", "leader_quotas.csv", "approvals.csv", "roster.csv"}},
      {"hr", {"movements.csv", "deaths.csv"}},
      {"finance", {"payroll.csv"}},
      {"org", {}}};
  for (const auto& [department, files] : drops) {
    fs::create_directories(root / "inbox" / department);
    for (const auto& file : files) fs::copy_file(dataset / file, root / "inbox" / department / file);
  }
}

// The demo configuration with its state under `root`, and the store line when given.
fs::path demoConfig(const fs::path& root, const std::string& store_lines) {
  std::string text = readFile(fs::path(STAFFCHAIN_SOURCE_DIR) / "config" / "staffchain.toml");
  const std::string daemon = "[daemon]\n";
  text.replace(text.find(daemon), daemon.size(), daemon + store_lines);
  fs::create_directories(root / "config");
  const auto path = root / "config" / "staffchain.toml";
  std::ofstream(path) << text;
  return path;
}

TEST(DaemonOnPostgres, OneCycleStoresWhatTheSqliteFileStores) {
  ScratchDir dir;
  auto server = PostgresPeer::start();
  ASSERT_TRUE(server) << server.error().message;
  ASSERT_TRUE((*server)->sql("CREATE DATABASE staffchain"));
  auto [gen_code, gen_out] = runToEnd({binary("staffchainctl").string(), "gen", "--persons", "1500", "--seed", "7",
                                       "--out", (dir.path() / "dataset").string(), "--as-of", "2026-06-30"},
                                      dir.path() / "gen.log");
  ASSERT_EQ(gen_code, 0) << gen_out;

  // The demo configuration keeps its state in ../var/demo: one folder per run.
  const std::map<std::string, std::string> environment{{"STAFFCHAIN_DEMO_TOKEN", "demo-token-0123456789abcdef"},
                                                       {"STAFFCHAIN_STORE_PASSWORD", "not-checked-by-trust"}};
  const auto run = [&](const std::string& name, const std::string& store_lines) {
    const auto root = dir.path() / name;
    dropWorld(root / "var" / "demo", dir.path() / "dataset");
    const auto config = demoConfig(root, store_lines);
    return runToEnd({binary("staffchaind").string(), "--config", config.string(), "--once"}, root / "daemon.log",
                    environment);
  };
  auto [file_code, file_out] = run("file", "");
  ASSERT_EQ(file_code, 0) << file_out;
  const std::string url = (*server)->url("staffchain");
  auto [pg_code, pg_out] =
      run("postgres", fmt::format("store = \"{}\"\nstore_password = \"${{STAFFCHAIN_STORE_PASSWORD}}\"\n"
                                  "store_sslmode = \"disable\"\n",
                                  url));
  ASSERT_EQ(pg_code, 0) << pg_out;
  EXPECT_THAT(pg_out, HasSubstr("the store is PostgreSQL: " + url));
  EXPECT_FALSE(fs::exists(dir.path() / "postgres" / "var" / "demo" / "state" / "ledger.db"));

  const store::Location file(dir.path() / "file" / "var" / "demo" / "state" / "ledger.db");
  store::Location postgres;
  postgres.postgres = store::PostgresTarget{};
  postgres.postgres->url = url;
  std::size_t alerts = 0;
  for (const auto& query : comparedQueries()) {
    const auto expected = rows(file, query);
    EXPECT_EQ(rows(postgres, query), expected) << query;
    if (query.find("FROM alert_alerts") != std::string::npos) alerts = expected.size();
  }
  EXPECT_GT(alerts, 10U) << "the world should raise alerts for the comparison to mean something";
  // The same alerts reached the same receivers' files.
  for (const auto* receiver : {"finance_bureau", "estab_office"}) {
    const auto sqlite_file = dir.path() / "file" / "var" / "demo" / "alerts" / (std::string(receiver) + ".jsonl");
    const auto pg_file = dir.path() / "postgres" / "var" / "demo" / "alerts" / (std::string(receiver) + ".jsonl");
    ASSERT_TRUE(fs::exists(pg_file)) << pg_file;
    const auto lines = [](const fs::path& path) {
      const auto text = readFile(path);
      return std::count(text.begin(), text.end(), '\n');
    };
    EXPECT_EQ(lines(pg_file), lines(sqlite_file)) << receiver;
  }
}

// An installation moved: its ledger file copied into an empty database, every table equal after,
// and a second copy into the same database refused (it holds rows now).
TEST(StoreCopy, MovesAnInstallationsFileIntoPostgresTableForTable) {
  ScratchDir dir;
  auto server = PostgresPeer::start();
  ASSERT_TRUE(server) << server.error().message;
  ASSERT_TRUE((*server)->sql("CREATE DATABASE moved"));
  auto [gen_code, gen_out] = runToEnd({binary("staffchainctl").string(), "gen", "--persons", "400", "--seed", "11",
                                       "--out", (dir.path() / "dataset").string(), "--as-of", "2026-06-30"},
                                      dir.path() / "gen.log");
  ASSERT_EQ(gen_code, 0) << gen_out;
  dropWorld(dir.path() / "var" / "demo", dir.path() / "dataset");
  const auto config = demoConfig(dir.path(), "");
  auto [code, out] = runToEnd({binary("staffchaind").string(), "--config", config.string(), "--once"},
                              dir.path() / "daemon.log", {{"STAFFCHAIN_DEMO_TOKEN", "demo-token-0123456789abcdef"}});
  ASSERT_EQ(code, 0) << out;
  const auto file = dir.path() / "var" / "demo" / "state" / "ledger.db";
  const std::string url = (*server)->url("moved");
  const std::vector<std::string> copy = {binary("staffchainctl").string(),
                                         "store",
                                         "copy",
                                         "--from",
                                         "sqlite:" + file.string(),
                                         "--to",
                                         url,
                                         "--sslmode",
                                         "disable"};
  auto [copy_code, copy_out] = runToEnd(copy, dir.path() / "copy.log");
  ASSERT_EQ(copy_code, 0) << copy_out;
  EXPECT_THAT(copy_out, HasSubstr("every table copied and equal"));
  EXPECT_THAT(copy_out, ::testing::ContainsRegex("payroll +[0-9]+ +[0-9]+ +[0-9a-f]{16}"));
  EXPECT_THAT(copy_out, ::testing::Not(HasSubstr("DIFFERENT")));

  store::Location moved;
  moved.postgres = store::PostgresTarget{};
  moved.postgres->url = url;
  for (const auto& query : comparedQueries()) EXPECT_EQ(rows(moved, query), rows(file, query)) << query;
  // The ids handed out go on after the copied ones.
  EXPECT_EQ(rows(moved, "SELECT max(seq) FROM movement_history"), rows(file, "SELECT max(seq) FROM movement_history"));

  auto [again_code, again_out] = runToEnd(copy, dir.path() / "copy-again.log");
  EXPECT_EQ(again_code, 1) << again_out;
  EXPECT_THAT(again_out, HasSubstr("rows already; copy only into a store that holds nothing"));
}

TEST(DaemonOnPostgres, AStoreItCannotReachIsRefusedAtStartNamingIt) {
  ScratchDir dir;
  const auto config = dir.path() / "staffchain.toml";
  fs::create_directories(dir.path() / "inbox");
  // A port nothing listens on (the discard port, closed on a test machine).
  std::ofstream(config) << "[daemon]\nstate_dir = \"state\"\nplugin_dir = \"" << binary("plugins").string()
                        << "\"\nstore = \"postgresql://staffchain@127.0.0.1:9/staffchain\"\n"
                           "store_sslmode = \"disable\"\nstore_connect_timeout = \"2s\"\n\n"
                           "[connectors.hr]\nplugin = \"csv\"\nrole = \"hr\"\nfolder = \"inbox\"\n";
  auto [code, out] =
      runToEnd({binary("staffchaind").string(), "--config", config.string(), "--once"}, dir.path() / "daemon.log");
  EXPECT_EQ(code, 2) << out;
  EXPECT_THAT(out, HasSubstr("cannot open the store: lease postgresql://staffchain@127.0.0.1:9/staffchain: "
                             "connecting failed: connection to server at"));
}

TEST(DaemonOnPostgres, APasswordInTheUrlIsRefusedWithoutEchoingIt) {
  ScratchDir dir;
  const auto config = dir.path() / "staffchain.toml";
  std::ofstream(config)
      << "[daemon]\nstate_dir = \"state\"\nstore = \"postgresql://staffchain:hunter2@db/staffchain\"\n";
  auto [code, out] =
      runToEnd({binary("staffchainctl").string(), "check-config", config.string()}, dir.path() / "check.log");
  EXPECT_EQ(code, 1) << out;
  EXPECT_THAT(out, HasSubstr("daemon.store"));
  EXPECT_THAT(out, HasSubstr("the URL carries a password"));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("hunter2")));
}

}  // namespace
}  // namespace staffchain::testing
