// Secrets never reach a log or a file: a full run of the real daemon, at trace level, with a
// configuration holding every kind of secret (API tokens, a webhook signing secret and secret
// header, DingTalk's token and signing secret, a WeCom key, an SMTP password, a REST bearer
// token, a PostgreSQL password) against real peers, then every file the run left is searched
// for every secret, raw, percent-encoded and base64. Also: read-only API tokens see citizen ids
// masked; only read-write tokens see them in full.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "alert_log.hpp"
#include "peer.hpp"
#include "peer_postgres.hpp"
#include "peer_smtp.hpp"
#include "peer_wiremock.hpp"
#include "process.hpp"
#include "scratch_dir.hpp"

namespace staffchain::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

struct Secret {
  std::string name;  // which setting holds it: named in a failure, never the value
  std::string value;
};

// Every value is long and unlike anything else in a run; '+', '/' and '=' make the
// percent-encoded and base64 forms differ from the raw one.
const std::vector<Secret>& secrets() {
  static const std::vector<Secret> kSecrets = {
      {"api read token (@file)", "rdTok4Qm9Zx2Lp7Wv3Nc8Hj"},
      {"api write token (${ENV})", "wrTok7Ks2Yd5Rb9Mf4Tq1Ge"},
      {"webhook signing secret (@file)", "hkSig+8Vw3/Jn6Pz1Xc5=Ua"},
      {"webhook Authorization header (${ENV})", "hkAuth3Ld8Fq2Wm7Zr4Bs"},
      {"dingtalk access token (${ENV})", "dtTok+5Hx9/Ck2Ny7Qe3=Jw"},
      {"dingtalk signing secret (@file)", "SECdtSig6Rt1Gv8Mb4Zp9Xa"},
      {"wecom key (@file)", "wcKey-2f7c/9b1e+4d8a=63"},
      {"smtp password (${ENV})", "smPw9Tq4Lk7Xz2Vb5Nr8Hd"},
      {"rest bearer token (${ENV})", "rsTok1Jc6Pw3Yf8Km5Qa2Ud"},
      {"sql password (${ENV})", "sqPw8Ge3Nv6Bx1Ls4Zt7Rk"},
      {"a wrong api token tried by a caller", "badTok5Wq2Zn8Xm4Lc7Vp1"},
  };
  return kSecrets;
}

const std::string& secret(const std::string& prefix) {
  for (const auto& item : secrets()) {
    if (item.name.rfind(prefix, 0) == 0) return item.value;
  }
  throw std::logic_error("no test secret named " + prefix);
}

std::string percentEncoded(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned>(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

std::string base64(const std::string& text) {
  static constexpr const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < text.size(); i += 3) {
    const auto n = (static_cast<unsigned>(static_cast<unsigned char>(text[i])) << 16U) |
                   (static_cast<unsigned>(static_cast<unsigned char>(text[i + 1])) << 8U) |
                   static_cast<unsigned>(static_cast<unsigned char>(text[i + 2]));
    for (const unsigned shift : {18U, 12U, 6U, 0U}) out += kAlphabet[(n >> shift) & 63U];
  }
  if (const std::size_t rest = text.size() - i; rest > 0) {
    unsigned n = static_cast<unsigned>(static_cast<unsigned char>(text[i])) << 16U;
    if (rest == 2) n |= static_cast<unsigned>(static_cast<unsigned char>(text[i + 1])) << 8U;
    out += kAlphabet[(n >> 18U) & 63U];
    out += kAlphabet[(n >> 12U) & 63U];
    out += rest == 2 ? kAlphabet[(n >> 6U) & 63U] : '=';
    out += '=';
  }
  return out;
}

struct Form {
  std::string label;  // "Secret NAME, percent-encoded"
  std::string text;
};

// Each secret as it could appear: raw, in a URL (percent-encoded) and in an Authorization or
// AUTH PLAIN exchange (base64, alone and after "\0user\0").
std::vector<Form> forms() {
  std::vector<Form> out;
  for (const auto& item : secrets()) {
    out.push_back({item.name, item.value});
    if (percentEncoded(item.value) != item.value)
      out.push_back({item.name + ", percent-encoded", percentEncoded(item.value)});
    // Only the stable middle of a base64 form: the edges depend on what precedes the secret.
    out.push_back({item.name + ", base64", base64(item.value).substr(0, 24)});
    out.push_back({item.name + ", base64 in AUTH PLAIN",
                   base64(std::string(1, '\0') + "staffchain@example.gov.cn" + std::string(1, '\0') + item.value)});
  }
  return out;
}

bool isBinary(const std::string& content) {
  return content.rfind("SQLite format 3", 0) == 0 || content.find('\0') != std::string::npos;
}

// Every place a secret form occurs in the files under `root` (except `skip`), as
// "FILE:LINE: FORM" for text and "FILE@OFFSET: FORM" for binary files.
std::vector<std::string> leaks(const fs::path& root, const fs::path& skip, std::size_t& files_scanned) {
  std::vector<std::string> found;
  const auto all = forms();
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const fs::path relative = fs::relative(entry.path(), root);
    if (entry.path().parent_path() == skip) continue;
    ++files_scanned;
    const std::string content = readFile(entry.path());
    const bool binary = isBinary(content);
    for (const auto& form : all) {
      for (auto at = content.find(form.text); at != std::string::npos; at = content.find(form.text, at + 1)) {
        if (binary) {
          found.push_back(fmt::format("{}@{}: {}", relative.string(), at, form.label));
        } else {
          const auto line = 1 + std::count(content.begin(), content.begin() + static_cast<std::ptrdiff_t>(at), '\n');
          found.push_back(fmt::format("{}:{}: {}", relative.string(), line, form.label));
        }
      }
    }
  }
  return found;
}

TEST(SecretForms, PercentEncodingAndBase64AreTheUsualOnes) {
  EXPECT_EQ(percentEncoded("a+b/c=d e"), "a%2Bb%2Fc%3Dd%20e");
  EXPECT_EQ(base64("staffchain"), "c3RhZmZjaGFpbg==");
  EXPECT_EQ(base64("Ma"), "TWE=");
  EXPECT_EQ(base64("Man"), "TWFu");
}

TEST(SecretForms, TheScanFindsASecretAndNamesFileAndLine) {
  ScratchDir dir;
  dir.write("logs/daemon.log", "first line\nsecond " + percentEncoded(secret("wecom key")) + "\n");
  dir.write("state/blob.db", std::string("SQLite format 3\0", 16) + "xx" + secret("sql password"));
  std::size_t scanned = 0;
  const auto found = leaks(dir.path(), dir.path() / "nothing", scanned);
  EXPECT_EQ(scanned, 2U);
  EXPECT_THAT(found, ::testing::UnorderedElementsAre("logs/daemon.log:2: wecom key (@file), percent-encoded",
                                                     "state/blob.db@18: sql password (${ENV})"));
}

const char* const kUnit = "91350100M000100Y43";

std::string configFile(const ScratchDir& dir, const std::string& mock, std::uint16_t api_port, std::uint16_t pg_port,
                       const std::string& smtp_url) {
  const fs::path secret_dir = dir.path() / "secrets";
  // Secret files are read by their owner only (a file others can read is refused).
  for (const auto& written : {dir.write("secrets/read.token", secret("api read token") + "\n"),
                              dir.write("secrets/hook.secret", secret("webhook signing secret")),
                              dir.write("secrets/ding.secret", secret("dingtalk signing secret") + "\n"),
                              dir.write("secrets/wecom.key", secret("wecom key"))}) {
    fs::permissions(written, fs::perms(0600));
  }
  fs::create_directories(dir.path() / "inbox" / "finance");
  return fmt::format(R"([daemon]
state_dir = "state"
plugin_dir = "{plugins}"
evaluate_interval = "1s"
shutdown_grace = "2s"
log_level = "trace"

[api]
listen = "127.0.0.1:{api_port}"
[[api.tokens]]
name = "viewer"
token = "@file:{secrets}/read.token"
[[api.tokens]]
name = "operator"
token = "${{SC_TEST_WRITE_TOKEN}}"
access = "read-write"

[connectors.finance]
plugin = "csv"
role = "finance"
folder = "inbox/finance"
interval = "1s"
max_staleness = "1d"

[connectors.hr_api]
plugin = "rest"
role = "hr"
interval = "2s"
max_staleness = "1d"
base_url = "{mock}/api"
auth = {{ type = "bearer", token = "${{SC_TEST_REST_TOKEN}}" }}
retries = 0
[connectors.hr_api.endpoints.movements]
path = "/movements"

[connectors.org_db]
plugin = "sql"
role = "org"
interval = "2s"
max_staleness = "1d"
driver = "postgresql"
host = "127.0.0.1"
port = {pg_port}
dbname = "postgres"
user = "postgres"
password = "${{SC_TEST_SQL_PASSWORD}}"
sslmode = "disable"
connect_timeout = "5s"
[connectors.org_db.queries.movements]
sql = "SELECT 'SQL-1' AS movement_id, 'org' AS source, 'hire' AS kind, '11010519491231002X' AS person_id, 'sql' AS name, '{unit}' AS unit_id, '' AS from_unit_id, '2026-02-01' AS effective_on, '2026-02-02' AS recorded_on, '' AS approval_id, '' AS leader_level, '' AS leader_rank"

[notifiers.hook]
plugin = "webhook"
url = "{mock}/hook"
signing_secret = "@file:{secrets}/hook.secret"
secret_headers = {{ Authorization = "${{SC_TEST_HOOK_AUTH}}" }}
timeout = "5s"

[notifiers.ding]
plugin = "dingtalk"
base_url = "{mock}"
access_token = "${{SC_TEST_DING_TOKEN}}"
secret = "@file:{secrets}/ding.secret"

[notifiers.wecom]
plugin = "wecom"
base_url = "{mock}"
key = "@file:{secrets}/wecom.key"

[notifiers.mail]
plugin = "smtp"
url = "{smtp}"
starttls = "required"
username = "staffchain@example.gov.cn"
password = "${{SC_TEST_SMTP_PASSWORD}}"
from = "staffchain@example.gov.cn"
to = ["bianban@example.gov.cn"]
timeout = "5s"

[notifiers.ops]
plugin = "file"
path = "alerts/ops.jsonl"

[route]
receivers = ["hook", "ding", "wecom", "mail", "ops"]
group_by = ["rule"]
group_wait = "1s"
group_interval = "1s"
)",
                     fmt::arg("plugins", binary("plugins").string()), fmt::arg("api_port", api_port),
                     fmt::arg("secrets", secret_dir.string()), fmt::arg("mock", mock), fmt::arg("pg_port", pg_port),
                     fmt::arg("unit", kUnit), fmt::arg("smtp", smtp_url));
}

std::map<std::string, std::string> secretEnvironment() {
  return {{"SC_TEST_WRITE_TOKEN", secret("api write token")},
          {"SC_TEST_REST_TOKEN", secret("rest bearer token")},
          {"SC_TEST_SQL_PASSWORD", secret("sql password")},
          {"SC_TEST_HOOK_AUTH", "Bearer " + secret("webhook Authorization header")},
          {"SC_TEST_DING_TOKEN", secret("dingtalk access token")},
          {"SC_TEST_SMTP_PASSWORD", secret("smtp password")}};
}

void dropPayroll(const ScratchDir& dir) {
  dir.write("inbox/finance/payroll.csv",
            "person_id,unit_id,month,funding,gross\n"
            "11010519491231002X,91350100M000100Y43,2026-05,full,8500\n"
            "440524188001010014,91350100M000100Y43,2026-05,full,8500\n"
            "440524188001010015,91350100M000100Y43,2026-05,full,8500\n");
}

void stubReceivers(WireMockPeer& mock) {
  const json robot_ok = {{"status", 200}, {"jsonBody", {{"errcode", 0}, {"errmsg", "ok"}}}};
  ASSERT_TRUE(
      mock.addMapping({{"request", {{"method", "POST"}, {"urlPath", "/hook"}}}, {"response", {{"status", 200}}}}).ok());
  ASSERT_TRUE(
      mock.addMapping({{"request", {{"method", "POST"}, {"urlPath", "/robot/send"}}}, {"response", robot_ok}}).ok());
  ASSERT_TRUE(
      mock.addMapping({{"request", {{"method", "POST"}, {"urlPath", "/cgi-bin/webhook/send"}}}, {"response", robot_ok}})
          .ok());
  const json movements = json::array({{{"movement_id", "REST-1"},
                                       {"source", "hr"},
                                       {"kind", "hire"},
                                       {"person_id", "150702199001010003"},
                                       {"name", "rest"},
                                       {"unit_id", kUnit},
                                       {"effective_on", "2026-01-15"},
                                       {"recorded_on", "2026-01-16"}}});
  ASSERT_TRUE(mock.addMapping({{"request", {{"method", "GET"}, {"urlPath", "/api/movements"}}},
                               {"response", {{"status", 200}, {"jsonBody", movements}}}})
                  .ok());
}

// What the peers received, as one text: proof that each secret was really used.
std::string received(WireMockPeer& mock, const std::string& method, const std::string& path) {
  auto found = mock.findRequests({{"method", method}, {"urlPath", path}});
  return found ? found->dump() : std::string();
}

TEST(Secrets, AFullRunAtTraceLevelWritesNoSecretAnywhere) {
  ScratchDir dir;
  auto mock = WireMockPeer::start();
  ASSERT_TRUE(mock.ok()) << mock.error().message;
  auto postgres = PostgresPeer::start();
  ASSERT_TRUE(postgres.ok()) << postgres.error().message;
  auto smtp = SmtpPeer::start();  // plain SMTP: the required STARTTLS fails, and the failure is logged
  ASSERT_TRUE(smtp.ok()) << smtp.error().message;
  stubReceivers(**mock);
  dropPayroll(dir);
  const std::uint16_t port = freeLoopbackPort().value();
  const auto file =
      dir.write("staffchain.toml", configFile(dir, (*mock)->url(), port, (*postgres)->port(), (*smtp)->url()));
  const auto env = secretEnvironment();
  const fs::path logs = dir.path() / "logs";
  fs::create_directories(logs);

  auto [check_code, check_out] =
      runToEnd({binary("staffchainctl").string(), "check-config", file.string()}, logs / "check-config.log", env);
  ASSERT_EQ(check_code, 0) << check_out;

  ChildProcess daemon({binary("staffchaind").string(), "--config", file.string()}, logs / "daemon.log", env);
  const std::string base = fmt::format("http://127.0.0.1:{}", port);
  ASSERT_TRUE(waitFor(
      [&] {
        return received(**mock, "POST", "/hook").find("CHAIN-004") != std::string::npos &&
               received(**mock, "POST", "/robot/send") != "[]" &&
               received(**mock, "POST", "/cgi-bin/webhook/send") != "[]" &&
               received(**mock, "GET", "/api/movements") != "[]" &&
               daemon.output().find("connector org_db: 1 records (1 new") != std::string::npos;
      },
      120s))
      << daemon.output();

  // Each secret really went where it belongs.
  EXPECT_THAT(received(**mock, "POST", "/hook"), HasSubstr("Bearer " + secret("webhook Authorization header")));
  EXPECT_THAT(received(**mock, "GET", "/api/movements"), HasSubstr("Bearer " + secret("rest bearer token")));
  EXPECT_THAT(received(**mock, "POST", "/robot/send"),
              HasSubstr("access_token=" + percentEncoded(secret("dingtalk access token"))));
  EXPECT_THAT(received(**mock, "POST", "/cgi-bin/webhook/send"),
              HasSubstr("key=" + percentEncoded(secret("wecom key"))));

  const std::vector<std::string> read = {"Authorization: Bearer " + secret("api read token")};
  const std::vector<std::string> write = {"Authorization: Bearer " + secret("api write token")};
  const std::vector<std::string> wrong = {"Authorization: Bearer " + secret("a wrong api token")};
  for (const char* path :
       {"/metrics", "/api/v1/alerts", "/api/v1/findings", "/api/v1/connectors", "/api/v1/silences"}) {
    auto answer = httpRequest("GET", base + path, "", read, 5s);
    ASSERT_TRUE(answer.ok()) << path;
    EXPECT_EQ(answer->status, 200) << path << ": " << answer->body;
    auto refused = httpRequest("GET", base + path, "", wrong, 5s);
    ASSERT_TRUE(refused.ok()) << path;
    EXPECT_EQ(refused->status, 401) << path;
  }
  auto listed = httpRequest("GET", base + "/api/v1/alerts?rule=CHAIN-004", "", write, 5s);
  ASSERT_TRUE(listed.ok());
  const json alerts = json::parse(listed->body);
  ASSERT_GE(alerts["count"].get<int>(), 1) << listed->body;
  const std::string id = alerts["alerts"][0]["id"];
  auto acked = httpRequest("POST", base + "/api/v1/alerts/" + id + "/ack", R"({"comment":"checked"})", write, 5s);
  ASSERT_TRUE(acked.ok());
  EXPECT_EQ(acked->status, 200) << acked->body;
  auto reload = httpRequest("POST", base + "/api/v1/reload", "", write, 30s);
  ASSERT_TRUE(reload.ok());
  EXPECT_EQ(reload->status, 200) << reload->body;
  daemon.signal(SIGHUP);
  ASSERT_TRUE(waitFor(
      [&] {
        const std::string out = daemon.output();
        std::size_t reloads = 0;
        for (auto at = out.find("reloaded"); at != std::string::npos; at = out.find("reloaded", at + 1)) ++reloads;
        return reloads >= 2;
      },
      30s))
      << daemon.output();
  auto [status_code, status_out] =
      runToEnd({binary("staffchainctl").string(), "status"}, logs / "ctl-status.log",
               {{"STAFFCHAIN_API", base}, {"STAFFCHAIN_API_TOKEN", secret("api write token")}});
  EXPECT_EQ(status_code, 0) << status_out;
  std::this_thread::sleep_for(3s);  // a few more cycles after the reloads
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s), 0);

  const std::string log = daemon.output();
  // log_level = "trace": the plugins' debug lines (request lines, rows mapped) are in the log.
  EXPECT_THAT(log, HasSubstr("debug [connectors hr_api] GET /api/movements"))
      << "the run must log verbosely to prove anything";
  EXPECT_THAT(log, HasSubstr("debug [connectors org_db]"));
  EXPECT_THAT(log, HasSubstr("api invalid-token GET /metrics -> 401"));
  EXPECT_THAT(log, HasSubstr("api operator POST /api/v1/reload -> 200"));

  std::size_t scanned = 0;
  const auto found = leaks(dir.path(), dir.path() / "secrets", scanned);
  EXPECT_GE(scanned, 6U) << "logs, configuration, ledger, alert store, alert file, archived input";
  EXPECT_TRUE(found.empty()) << "secrets written to disk:\n" << fmt::format("{}", fmt::join(found, "\n"));
}

TEST(Secrets, ReadOnlyTokensSeeCitizenIdsMaskedAndReadWriteTokensInFull) {
  ScratchDir dir;
  dropPayroll(dir);
  fs::permissions(dir.write("secrets/read.token", secret("api read token")), fs::perms(0600));
  const std::uint16_t port = freeLoopbackPort().value();
  const auto file = dir.write("staffchain.toml", fmt::format(R"([daemon]
state_dir = "state"
plugin_dir = "{}"
evaluate_interval = "1s"

[api]
listen = "127.0.0.1:{}"
[[api.tokens]]
name = "viewer"
token = "@file:{}"
[[api.tokens]]
name = "operator"
token = "${{SC_TEST_WRITE_TOKEN}}"
access = "read-write"

[connectors.finance]
plugin = "csv"
role = "finance"
folder = "inbox/finance"
interval = "1h"
max_staleness = "1d"

[notifiers.ops]
plugin = "file"
path = "alerts/ops.jsonl"

[route]
receivers = ["ops"]
)",
                                                             binary("plugins").string(), port,
                                                             (dir.path() / "secrets" / "read.token").string()));
  ChildProcess daemon({binary("staffchaind").string(), "--config", file.string()}, dir.path() / "daemon.log",
                      secretEnvironment());
  const std::string base = fmt::format("http://127.0.0.1:{}", port);
  const std::vector<std::string> read = {"Authorization: Bearer " + secret("api read token")};
  const std::vector<std::string> write = {"Authorization: Bearer " + secret("api write token")};
  ASSERT_TRUE(waitFor(
      [&] {
        auto listed = httpRequest("GET", base + "/api/v1/alerts?rule=CHAIN-004", "", write, 2s);
        return listed.ok() && listed->status == 200 && json::parse(listed->body)["count"] == 2;
      },
      60s))
      << daemon.output();

  for (const char* path : {"/api/v1/findings?rule=CHAIN-004", "/api/v1/alerts?rule=CHAIN-004"}) {
    auto masked = httpRequest("GET", base + path, "", read, 5s);
    ASSERT_TRUE(masked.ok());
    EXPECT_EQ(masked->status, 200);
    EXPECT_THAT(masked->body, HasSubstr("440524********0014")) << path;
    EXPECT_THAT(masked->body, Not(HasSubstr("440524188001010014"))) << path;
    auto full = httpRequest("GET", base + path, "", write, 5s);
    ASSERT_TRUE(full.ok());
    EXPECT_EQ(full->status, 200);
    EXPECT_THAT(full->body, HasSubstr("440524188001010014")) << path;
  }
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s), 0);
}

}  // namespace
}  // namespace staffchain::testing
