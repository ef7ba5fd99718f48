// What an operator does to a running daemon does what it says: check-config, the start and a
// reload run one validation (secrets included) and a refused reload says why; the status keeps
// what a reload must not erase; a refused row is logged once; times are in the configured zone.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "alert_log.hpp"
#include "peer.hpp"
#include "process.hpp"
#include "scratch_dir.hpp"
#include "staffchain/model/time_zone.hpp"

namespace staffchain::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

constexpr const char* kToken = "operator-actions-token-0123456789";

// A daemon with one csv connector (hr), a file notifier and the API on `port`, its token in a
// file only its owner can read. `extra` goes at the end; `api` replaces the [api] table.
struct OperatorDaemon {
  ScratchDir dir;
  std::uint16_t port = freeLoopbackPort().value();
  fs::path token_file;

  OperatorDaemon() {
    fs::create_directories(dir.path() / "inbox" / "hr");
    token_file = secretFile("api.token", kToken);
  }

  fs::path secretFile(const std::string& name, const std::string& value, fs::perms mode = fs::perms(0600)) const {
    const auto file = dir.write(name, value);
    fs::permissions(file, mode);
    return file;
  }

  [[nodiscard]] std::string api() const {
    return fmt::format(
        "[api]\nlisten = \"127.0.0.1:{}\"\n[[api.tokens]]\nname = \"ops\"\ntoken = \"@file:{}\"\n"
        "access = \"read-write\"\n\n",
        port, token_file.string());
  }

  [[nodiscard]] std::string config(const std::string& extra = {}, const std::string& hr_folder = "inbox/hr",
                                   std::string api_table = {}) const {
    if (api_table.empty()) api_table = api();
    return fmt::format(
        "[daemon]\nstate_dir = \"state\"\nplugin_dir = \"{}\"\nevaluate_interval = \"1h\"\nshutdown_grace = \"5s\"\n\n"
        "{}"
        "[connectors.hr]\nplugin = \"csv\"\nrole = \"hr\"\nfolder = \"{}\"\ninterval = \"1s\"\nsettle = \"0s\"\n"
        "max_staleness = \"1d\"\n\n"
        "[notifiers.ops]\nplugin = \"file\"\npath = \"alerts/ops.jsonl\"\n\n[route]\nreceivers = [\"ops\"]\n\n{}",
        binary("plugins").string(), api_table, hr_folder, extra);
  }

  [[nodiscard]] Result<HttpResponse> get(const std::string& path) const {
    return httpRequest("GET", fmt::format("http://127.0.0.1:{}{}", port, path), "",
                       {std::string("Authorization: Bearer ") + kToken}, 5s);
  }

  [[nodiscard]] json connector(const std::string& name) const {
    auto answer = get("/api/v1/connectors");
    if (!answer.ok() || answer->status != 200) return json::object();
    for (const auto& c : json::parse(answer->body).value("connectors", json::array())) {
      if (c.value("name", "") == name) return c;
    }
    return json::object();
  }

  [[nodiscard]] std::pair<int, std::string> ctl(std::vector<std::string> args) const {
    std::vector<std::string> argv{binary("staffchainctl").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--api", fmt::format("http://127.0.0.1:{}", port), "--token-file", token_file.string()});
    return runToEnd(argv, dir.path() / "ctl.log");
  }
};

struct BrokenCase {
  std::string what;
  std::string expected;  // in both check-config's and the daemon's output
};

// Five files the daemon refused to start with while check-config called them valid, and more of
// the same kind: each is refused by check-config and by the start with the same line.
TEST(OneValidation, CheckConfigRefusesEveryFileTheDaemonRefusesToStartWith) {
  OperatorDaemon setup;
  const auto& dir = setup.dir;
  auto token_api = [&](const std::string& reference) {
    return fmt::format("[api]\nlisten = \"127.0.0.1:{}\"\n[[api.tokens]]\nname = \"ops\"\ntoken = \"{}\"\n\n",
                       setup.port, reference);
  };
  const auto empty = setup.secretFile("empty.token", "\n");
  const auto readable = setup.secretFile("readable.token", kToken, fs::perms(0644));
  const auto shortish = setup.secretFile("short.token", "tooshort");
  const std::vector<std::pair<BrokenCase, std::string>> cases = {
      {{"a token file that is not there", "api.tokens[0] (\"ops\"): secret " + (dir.path() / "gone.token").string()},
       setup.config({}, "inbox/hr", token_api("@file:" + (dir.path() / "gone.token").string()))},
      {{"a variable that is not set", "secret ${SC_OPS_UNSET_TOKEN}: the environment variable is not set"},
       setup.config({}, "inbox/hr", token_api("${SC_OPS_UNSET_TOKEN}"))},
      {{"an empty secret file", "the file is empty"},
       setup.config({}, "inbox/hr", token_api("@file:" + empty.string()))},
      {{"a secret file everyone can read", "readable by everyone (mode 0644)"},
       setup.config({}, "inbox/hr", token_api("@file:" + readable.string()))},
      {{"a token shorter than 16 characters", "shorter than 16 characters"},
       setup.config({}, "inbox/hr", token_api("@file:" + shortish.string()))},
      {{"a listen address that is a name", "api.listen: \"localhost:9464\": the host must be an IP address"},
       setup.config({}, "inbox/hr", "[api]\nlisten = \"localhost:9464\"\n\n")},
      {{"a listen port out of range", "the port must be a number from 0 to 65535"},
       setup.config({}, "inbox/hr", "[api]\nlisten = \"127.0.0.1:99999\"\n\n")},
      {{"a notifier's secret header from an unset variable",
        "notifiers.hook.secret_headers.Authorization: secret ${SC_OPS_UNSET_HOOK}: the environment variable is not "
        "set"},
       setup.config("[notifiers.hook]\nplugin = \"webhook\"\nurl = \"http://127.0.0.1:9/hook\"\n"
                    "secret_headers = { Authorization = \"${SC_OPS_UNSET_HOOK}\" }\n")},
  };
  for (const auto& [broken, text] : cases) {
    SCOPED_TRACE(broken.what);
    const auto file = dir.write("staffchain.toml", text);
    auto [check_code, check_out] =
        runToEnd({binary("staffchainctl").string(), "check-config", file.string()}, dir.path() / "check.log");
    EXPECT_EQ(check_code, 1) << check_out;
    EXPECT_THAT(check_out, HasSubstr(broken.expected));
    EXPECT_THAT(check_out, Not(HasSubstr(kToken)));
    auto [start_code, start_out] =
        runToEnd({binary("staffchaind").string(), "--config", file.string()}, dir.path() / "start.log");
    EXPECT_EQ(start_code, 1) << start_out;
    EXPECT_THAT(start_out, HasSubstr(broken.expected));
    EXPECT_THAT(start_out, HasSubstr("not started"));
  }
  const auto good = dir.write("staffchain.toml", setup.config());
  auto [code, out] = runToEnd({binary("staffchainctl").string(), "check-config", good.string()}, dir.path() / "ok.log");
  EXPECT_EQ(code, 0) << out;
}

// A reload with a secret gone is refused whole — the running notifier and connector stay — and
// `staffchainctl reload` prints the errors the API returned.
TEST(OneValidation, AReloadWithAMissingSecretIsRefusedAndTheCliSaysWhy) {
  OperatorDaemon setup;
  const auto hook_secret = setup.secretFile("hook.secret", "Bearer hook-secret-0123456789");
  const auto hook = [&](const fs::path& secret) {
    return fmt::format(
        "[notifiers.hook]\nplugin = \"webhook\"\nurl = \"http://127.0.0.1:9/hook\"\n"
        "secret_headers = {{ Authorization = \"@file:{}\" }}\n",
        secret.string());
  };
  const auto file = setup.dir.write("staffchain.toml", setup.config(hook(hook_secret)));
  setup.dir.write("inbox/hr/deaths.csv", "person_id,died_on,source\n11010519491231002X,2024-03-01,民政局\n");
  ChildProcess daemon({binary("staffchaind").string(), "--config", file.string()}, setup.dir.path() / "daemon.log");
  ASSERT_TRUE(daemon.waitForOutput("connector hr: 1 records", 30s)) << daemon.output();

  const auto gone = setup.dir.path() / "gone.secret";
  setup.dir.write("staffchain.toml", setup.config(hook(gone)));
  auto [code, out] = setup.ctl({"reload"});
  EXPECT_EQ(code, 1) << out;
  EXPECT_THAT(out, HasSubstr("1 error(s); the running one stays"));
  EXPECT_THAT(out, HasSubstr("notifiers.hook.secret_headers.Authorization: secret " + gone.string()));
  EXPECT_THAT(daemon.output(), HasSubstr("the running configuration stays"));
  EXPECT_FALSE(daemon.wait(200ms).has_value());
  const json hr = setup.connector("hr");
  EXPECT_EQ(hr.value("state", ""), "idle") << hr.dump();
  EXPECT_EQ(hr.value("records", 0), 1) << hr.dump();

  setup.dir.write("staffchain.toml", setup.config(hook(hook_secret)));
  auto [again, again_out] = setup.ctl({"reload"});
  EXPECT_EQ(again, 0) << again_out;
  EXPECT_THAT(again_out, HasSubstr("configuration reloaded"));
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s), 0);
}

// RECORDS is what the ledger holds, LAST SUCCESS what last succeeded — neither starts again at a
// reload, even one that restarts the connector and leaves it failing.
TEST(Status, RecordsAndLastSuccessSurviveAReload) {
  OperatorDaemon setup;
  const auto file = setup.dir.write("staffchain.toml", setup.config());
  setup.dir.write("inbox/hr/deaths.csv",
                  "person_id,died_on,source\n11010519491231002X,2024-03-01,民政局\n"
                  "110105194912310038,2024-03-02,民政局\n");
  ChildProcess daemon({binary("staffchaind").string(), "--config", file.string()}, setup.dir.path() / "daemon.log");
  ASSERT_TRUE(daemon.waitForOutput("connector hr: 2 records", 30s)) << daemon.output();
  json before;
  ASSERT_TRUE(waitFor(
      [&] {
        before = setup.connector("hr");
        return before.is_object() && before["last_success"].is_string();
      },
      10s))
      << before.dump() << daemon.output();
  EXPECT_EQ(before.value("records", 0), 2);
  // The API writes times in the configured zone (Asia/Shanghai by default) with the offset.
  EXPECT_THAT(before["last_success"].get<std::string>(), ::testing::EndsWith("+08:00"));
  // The rows an operator sees in the ledger stay when the daemon restarts, too.
  daemon.signal(SIGTERM);
  ASSERT_EQ(daemon.wait(30s), 0);
  ChildProcess restarted({binary("staffchaind").string(), "--config", file.string()}, setup.dir.path() / "daemon2.log");
  ASSERT_TRUE(restarted.waitForOutput("api listening", 30s)) << restarted.output();
  ASSERT_TRUE(waitFor([&] { return setup.connector("hr").value("records", 0) == 2; }, 10s)) << setup.connector("hr");
  // The restarted daemon's own first sync: "" (never) until it has succeeded.
  std::string success;
  ASSERT_TRUE(waitFor(
      [&] {
        success = setup.connector("hr").value("last_success", "");
        return !success.empty();
      },
      30s))
      << restarted.output();

  // Reload onto a folder that is not there: the connector restarts and its syncs fail.
  setup.dir.write("staffchain.toml", setup.config({}, "inbox/hr-moved"));
  auto [code, out] = setup.ctl({"reload"});
  ASSERT_EQ(code, 0) << out;
  json after;
  ASSERT_TRUE(waitFor(
      [&] {
        after = setup.connector("hr");
        return after.value("state", "") == "failing";
      },
      20s))
      << after.dump();
  EXPECT_EQ(after.value("records", 0), 2) << after.dump();
  ASSERT_TRUE(after["last_success"].is_string()) << after.dump();
  EXPECT_EQ(after["last_success"].get<std::string>(), success);
  auto [status_code, status] = setup.ctl({"status"});
  EXPECT_EQ(status_code, 0) << status;
  EXPECT_THAT(status, Not(HasSubstr("never")));
  restarted.signal(SIGTERM);
  EXPECT_EQ(restarted.wait(30s), 0);
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++count;
  return count;
}

// A row refused at every sync is logged when it is first seen, not again and again.
TEST(Quarantine, TheSameRefusedRowIsLoggedOnce) {
  OperatorDaemon setup;
  const auto file = setup.dir.write("staffchain.toml", setup.config());
  const std::string bad_row = "person_id,died_on,source\n11010519491231002X,2024-13-45,民政局\n";
  setup.dir.write("inbox/hr/deaths.csv", bad_row);
  ChildProcess daemon({binary("staffchaind").string(), "--config", file.string()}, setup.dir.path() / "daemon.log");
  ASSERT_TRUE(daemon.waitForOutput("1 quarantined", 30s)) << daemon.output();
  // Archived once committed: the next export may take its place.
  ASSERT_TRUE(waitFor([&] { return !fs::exists(setup.dir.path() / "inbox/hr/deaths.csv"); }, 30s));
  // The export comes again with the same bad row and one more good one.
  setup.dir.write("inbox/hr/deaths.csv", bad_row + "110105194912310038,2024-03-02,民政局\n");
  ASSERT_TRUE(daemon.waitForOutput("connector hr: 2 records (1 new", 30s)) << daemon.output();
  EXPECT_EQ(occurrences(daemon.output(), "quarantined hr "), 1U) << daemon.output();
  EXPECT_THAT(daemon.output(), HasSubstr("1 refused rows seen before are still refused")) << daemon.output();
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s), 0);
}

std::int64_t countRows(const fs::path& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  std::int64_t count = -1;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      count = sqlite3_column_int64(statement, 0);
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(handle);
  return count;
}

// --once delivers everything due, not the first 64 messages: a world with a message per unit
// and rule ends with an empty outbox and exit code 0.
TEST(Once, DeliversEveryQueuedMessageBeforeItExits) {
  OperatorDaemon setup;
  const auto data = setup.dir.path() / "dataset";
  auto [gen_code, gen_out] = runToEnd({binary("staffchainctl").string(), "gen", "--persons", "5000", "--seed", "11",
                                       "--out", data.string(), "--as-of", "2026-06-30"},
                                      setup.dir.path() / "gen.log");
  ASSERT_EQ(gen_code, 0) << gen_out;
  fs::create_directories(setup.dir.path() / "inbox" / "all");
  for (const auto& entry : fs::directory_iterator(data)) {
    if (entry.path().extension() == ".csv")
      fs::copy_file(entry.path(), setup.dir.path() / "inbox/all" / entry.path().filename());
  }
  const std::string text = fmt::format(
      "[daemon]\nstate_dir = \"state\"\nplugin_dir = \"{}\"\n\n"
      "[connectors.all]\nplugin = \"csv\"\nrole = \"estab\"\nfolder = \"inbox/all\"\nsettle = \"0s\"\n\n"
      "[notifiers.ops]\nplugin = \"file\"\npath = \"alerts/ops.jsonl\"\n\n"
      "[route]\nreceivers = [\"ops\"]\ngroup_by = [\"unit\", \"rule\"]\n",
      binary("plugins").string());
  const auto file = setup.dir.write("staffchain.toml", text);
  auto [code, out] =
      runToEnd({binary("staffchaind").string(), "--config", file.string(), "--once"}, setup.dir.path() / "once.log");
  EXPECT_EQ(code, 0) << out;
  const auto db = setup.dir.path() / "state" / "ledger.db";
  EXPECT_GT(countRows(db, "SELECT count(*) FROM alert_outbox"), 64) << out;
  EXPECT_EQ(countRows(db, "SELECT count(*) FROM alert_outbox WHERE delivered_at IS NULL"), 0) << out;
  EXPECT_THAT(out, Not(HasSubstr("still queued")));
  // Each message says when it was written, in Shanghai time with the offset — not when the
  // grouping windows it did not wait for would have closed (group_interval is 5 minutes).
  const std::string latest = model::TimeZone().display(std::chrono::system_clock::now());
  std::ifstream sent(setup.dir.path() / "alerts" / "ops.jsonl");
  std::size_t lines = 0;
  for (std::string line; std::getline(sent, line); ++lines) {
    const std::string at = json::parse(line).value("at", "");
    EXPECT_THAT(at, ::testing::EndsWith(" +08:00"));
    EXPECT_LE(at, latest);
  }
  EXPECT_GT(lines, 64U);
}

// A receiver that cannot be reached: --once retries within its bound, then lists what it left
// per receiver and exits 3, not 0.
TEST(Once, SaysWhatItLeftQueuedAndExitsThree) {
  OperatorDaemon setup;
  const auto closed = freeLoopbackPort().value();
  const std::string text = fmt::format(
      "[daemon]\nstate_dir = \"state\"\nplugin_dir = \"{}\"\nonce_wait = \"3s\"\n\n"
      "[connectors.hr]\nplugin = \"csv\"\nrole = \"hr\"\nfolder = \"inbox/hr\"\nsettle = \"0s\"\n\n"
      "[notifiers.dept]\nplugin = \"webhook\"\nurl = \"http://127.0.0.1:{}/hook\"\ntimeout = \"2s\"\n\n"
      "[route]\nreceivers = [\"dept\"]\n",
      binary("plugins").string(), closed);
  const auto file = setup.dir.write("staffchain.toml", text);
  // A row refused: DATA-001, for the department.
  setup.dir.write("inbox/hr/deaths.csv", "person_id,died_on,source\n11010519491231002X,2024-13-45,民政局\n");
  auto [code, out] =
      runToEnd({binary("staffchaind").string(), "--config", file.string(), "--once"}, setup.dir.path() / "once.log");
  EXPECT_EQ(code, 3) << out;
  EXPECT_THAT(out, HasSubstr("--once: 1 message(s) still queued for dept (last error:"));
  EXPECT_THAT(out, HasSubstr("they go out at the next run"));
}

// findings and quarantine: the table a clerk reads, filters, and ids masked for a read-only token.
TEST(Cli, FindingsAndQuarantineListWhatTheDaemonHolds) {
  OperatorDaemon setup;
  const auto read_token = setup.secretFile("read.token", "operator-actions-read-token-0123");
  const std::string api =
      setup.api() + fmt::format("[[api.tokens]]\nname = \"viewer\"\ntoken = \"@file:{}\"\n\n", read_token.string());
  const auto file = setup.dir.write("staffchain.toml", setup.config({}, "inbox/hr", api));
  setup.dir.write("inbox/hr/deaths.csv",
                  "person_id,died_on,source\n11010519491231002X,2024-03-01,民政局\n"
                  "110105194912310029,2024-03-02,民政局\n");
  ChildProcess daemon({binary("staffchaind").string(), "--config", file.string()}, setup.dir.path() / "daemon.log");
  ASSERT_TRUE(daemon.waitForOutput("evaluation as of", 30s)) << daemon.output();

  auto [code, out] = setup.ctl({"findings"});
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("RULE      SEVERITY"));
  EXPECT_THAT(out, HasSubstr("open findings as of "));
  EXPECT_THAT(out, HasSubstr("(Asia/Shanghai)"));
  auto [none_code, none] = setup.ctl({"findings", "--rule", "CHAIN-017"});
  EXPECT_EQ(none_code, 0) << none;
  EXPECT_THAT(none, HasSubstr("\n0 open findings"));
  auto [bad_code, bad] = setup.ctl({"findings", "--colour", "red"});
  EXPECT_EQ(bad_code, 64) << bad;
  EXPECT_THAT(bad, HasSubstr("unexpected argument \"--colour\""));

  auto [q_code, q] = setup.ctl({"quarantine", "--connector", "hr"});
  ASSERT_EQ(q_code, 0) << q;
  EXPECT_THAT(q, HasSubstr("deaths.csv:3"));
  EXPECT_THAT(q, HasSubstr("person_id"));
  EXPECT_THAT(q, HasSubstr("check digit"));
  EXPECT_THAT(q, HasSubstr("110105194912310029"));  // a read-write token sees the value
  EXPECT_THAT(q, HasSubstr("\n1 refused rows"));
  auto [other_code, other] = setup.ctl({"quarantine", "--connector", "payroll"});
  EXPECT_EQ(other_code, 0) << other;
  EXPECT_THAT(other, HasSubstr("\n0 refused rows"));
  auto [viewer_code, viewer] =
      runToEnd({binary("staffchainctl").string(), "quarantine", "--api", fmt::format("http://127.0.0.1:{}", setup.port),
                "--token-file", read_token.string(), "--json"},
               setup.dir.path() / "viewer.log");
  ASSERT_EQ(viewer_code, 0) << viewer;
  EXPECT_THAT(viewer, Not(HasSubstr("110105194912310029")));
  EXPECT_THAT(viewer, HasSubstr("110105********0029"));
  const json listed = json::parse(viewer);
  ASSERT_EQ(listed.value("count", 0), 1) << viewer;
  const auto& entry = listed["quarantine"][0];
  EXPECT_EQ(entry.value("field", ""), "person_id");
  EXPECT_EQ(entry.value("file", ""), "deaths.csv");
  EXPECT_EQ(entry.value("row", ""), "deaths.csv:3");
  EXPECT_THAT(entry.value("first_seen", ""),
              ::testing::MatchesRegex(R"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\+08:00)"));
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s), 0);
}

// resync returns once it has started; --wait follows it to its end and says how it ended.
TEST(Cli, ResyncReturnsAtOnceAndWaitFollowsItToTheEnd) {
  OperatorDaemon setup;
  const auto file = setup.dir.write("staffchain.toml", setup.config());
  setup.dir.write("inbox/hr/deaths.csv", "person_id,died_on,source\n11010519491231002X,2024-03-01,民政局\n");
  ChildProcess daemon({binary("staffchaind").string(), "--config", file.string()}, setup.dir.path() / "daemon.log");
  ASSERT_TRUE(daemon.waitForOutput("connector hr: 1 records", 30s)) << daemon.output();
  auto [code, out] = setup.ctl({"connectors", "resync", "hr"});
  EXPECT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("connector hr: resync started"));
  auto [wait_code, waited] = setup.ctl({"connectors", "resync", "hr", "--wait"});
  EXPECT_EQ(wait_code, 0) << waited;
  EXPECT_THAT(waited, HasSubstr("connector hr: resync done; the ledger holds 1 of its records"));
  auto [misuse, misuse_out] = setup.ctl({"connectors", "pause", "hr", "--wait"});
  EXPECT_EQ(misuse, 64) << misuse_out;
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s), 0);
}

// "Today" is the date in [daemon] timezone, not on the server's clock: two zones 26 hours apart
// always disagree on the date, and each run evaluates as of its own.
TEST(TimeZone, EvaluationIsAsOfTodayInTheConfiguredZone) {
  for (const char* name : {"Pacific/Kiritimati", "Etc/GMT+12"}) {
    SCOPED_TRACE(name);
    OperatorDaemon setup;
    const auto zone = model::TimeZone::load(name);
    ASSERT_TRUE(zone) << zone.error().message;
    std::string text = setup.config({}, "inbox/hr", "\n");
    text.replace(text.find("shutdown_grace"), 0, fmt::format("timezone = \"{}\"\n", name));
    const auto file = setup.dir.write("staffchain.toml", text);
    const auto before = model::formatDate(zone->dateAt(std::chrono::system_clock::now()));
    auto [code, out] =
        runToEnd({binary("staffchaind").string(), "--config", file.string(), "--once"}, setup.dir.path() / "once.log");
    const auto after = model::formatDate(zone->dateAt(std::chrono::system_clock::now()));
    ASSERT_EQ(code, 0) << out;
    const bool as_of_there = out.find("evaluation as of " + before) != std::string::npos ||
                             out.find("evaluation as of " + after) != std::string::npos;
    EXPECT_TRUE(as_of_there) << before << "\n" << out;
  }
  OperatorDaemon setup;
  std::string text = setup.config({}, "inbox/hr", "\n");
  text.replace(text.find("shutdown_grace"), 0, "timezone = \"Asia/Peking\"\n");
  const auto file = setup.dir.write("staffchain.toml", text);
  auto [code, out] =
      runToEnd({binary("staffchainctl").string(), "check-config", file.string()}, setup.dir.path() / "c.log");
  EXPECT_EQ(code, 1);
  EXPECT_THAT(out, HasSubstr("daemon.timezone: unknown time zone \"Asia/Peking\""));
}

std::string allText(const fs::path& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  std::string out;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK) {
      while (sqlite3_step(statement) == SQLITE_ROW) {
        out += reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
        out += "\n";
      }
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(handle);
  return out;
}

// A fresh daemon (nothing in its ledger yet) names the connector each record came from in the
// evidence, as it does after a restart: routing by role and holding back alerts of a connector
// that is down both read these names.
TEST(Evidence, NamesTheConnectorOfEachRecordOnAFreshDaemon) {
  OperatorDaemon setup;
  const auto data = setup.dir.path() / "dataset";
  auto [gen_code, gen_out] = runToEnd({binary("staffchainctl").string(), "gen", "--persons", "1500", "--seed", "5",
                                       "--out", data.string(), "--as-of", "2026-06-30"},
                                      setup.dir.path() / "gen.log");
  ASSERT_EQ(gen_code, 0) << gen_out;
  const std::map<std::string, std::vector<std::string>> drops = {
      {"estab", {"units.csv", "quotas.csv", "leader_quotas.csv", "approvals.csv", "roster.csv"}},
      {"hr", {"movements.csv", "deaths.csv"}},
      {"finance", {"payroll.csv"}}};
  std::string text =
      fmt::format("[daemon]\nstate_dir = \"state\"\nplugin_dir = \"{}\"\n\n", binary("plugins").string());
  for (const auto& [department, files] : drops) {
    fs::create_directories(setup.dir.path() / "inbox" / department);
    for (const auto& name : files) fs::copy_file(data / name, setup.dir.path() / "inbox" / department / name);
    text += fmt::format(
        "[connectors.{0}]\nplugin = \"csv\"\nrole = \"{0}\"\nfolder = \"inbox/{0}\"\nsettle = \"0s\"\n\n", department);
  }
  text += "[notifiers.ops]\nplugin = \"file\"\npath = \"alerts/ops.jsonl\"\n\n[route]\nreceivers = [\"ops\"]\n";
  const auto file = setup.dir.write("staffchain.toml", text);
  auto [code, out] =
      runToEnd({binary("staffchaind").string(), "--config", file.string(), "--once"}, setup.dir.path() / "once.log");
  ASSERT_EQ(code, 0) << out;
  const std::string evidence =
      allText(setup.dir.path() / "state" / "ledger.db", "SELECT evidence FROM alert_alerts WHERE rule LIKE 'CHAIN-%'");
  ASSERT_FALSE(evidence.empty()) << out;
  EXPECT_THAT(evidence, Not(HasSubstr("source#")));
  EXPECT_THAT(evidence, HasSubstr("\"source\":\"estab\""));
  EXPECT_THAT(evidence, HasSubstr("\"source\":\"finance\""));
}

}  // namespace
}  // namespace staffchain::testing
