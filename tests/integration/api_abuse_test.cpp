// The real daemon under abuse (issue "The API under abuse"): log lines forged through a request
// path or a file name, body fields of the wrong JSON type, more connections than it serves, and
// state files created under a careless umask.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "alert_log.hpp"
#include "peer.hpp"
#include "process.hpp"
#include "scratch_dir.hpp"

namespace staffchain::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

constexpr const char* kWriteToken = "write-token-0123456789";

// A daemon with the API on a free loopback port, one read-write token and a csv connector
// polling inbox/hr every second; `api_extra` goes into the [api] table.
class AbusedDaemon {
 public:
  explicit AbusedDaemon(const ScratchDir& dir, const std::string& api_extra = "") : dir_(dir) {
    port_ = freeLoopbackPort().value();
    fs::create_directories(dir.path() / "inbox" / "hr");
    fs::permissions(dir.write("write.token", kWriteToken), fs::perms::owner_read | fs::perms::owner_write);
    config_ = dir.write("staffchain.toml", fmt::format(R"([daemon]
state_dir = "state"
plugin_dir = "{}"
evaluate_interval = "1h"
shutdown_grace = "5s"

[api]
listen = "127.0.0.1:{}"
{}
[[api.tokens]]
name = "operator"
token = "@file:{}"
access = "read-write"

[connectors.hr]
plugin = "csv"
role = "hr"
folder = "inbox/hr"
interval = "1s"
max_staleness = "1d"
)",
                                                       binary("plugins").string(), port_, api_extra,
                                                       (dir.path() / "write.token").string()));
  }

  std::unique_ptr<ChildProcess> start() const {
    auto daemon = std::make_unique<ChildProcess>(
        std::vector<std::string>{binary("staffchaind").string(), "--config", config_.string()},
        dir_.path() / "daemon.log");
    return daemon;
  }

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] std::string url(const std::string& path) const {
    return fmt::format("http://127.0.0.1:{}{}", port_, path);
  }
  [[nodiscard]] const fs::path& config() const { return config_; }

 private:
  const ScratchDir& dir_;
  std::uint16_t port_ = 0;
  fs::path config_;
};

bool waitUntilListening(ChildProcess& daemon) {
  return daemon.waitForOutput("api listening on", 30s);
}

// A TCP connection to the daemon, opened and left idle (or used for one raw exchange).
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  [[nodiscard]] bool connected() const { return connected_; }

  // Sends `request` and reads until the daemon closes the connection.
  std::string exchange(const std::string& request) {
    if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) return "";
    timeval limit{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    std::string answer;
    char buffer[4096];
    for (;;) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      answer.append(buffer, static_cast<std::size_t>(n));
    }
    return answer;
  }

 private:
  int fd_;
  bool connected_ = false;
};

std::vector<std::string> linesOf(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (auto end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

// Anyone who reaches /healthz (no token needed) or may drop a file in an inbox chooses bytes
// that end up in the log: a line break in them must not start a line of its own that reads as
// the daemon's ("info api ops POST /api/v1/reload -> 200"), nor may an escape sequence reach
// the terminal of whoever reads the log.
TEST(DaemonAbuse, NeitherARequestPathNorAFileNameCanForgeALogLine) {
  ScratchDir dir;
  AbusedDaemon setup(dir);
  const std::string forged_stamp = "1999-01-01T00:00:00.000+0800";
  dir.write("inbox/hr/deaths\n" + forged_stamp + " info  connector hr: forged \x1b[2J.csv",
            "person_id,died_on,source\n11010519491231002X,2024-03-01,民政局\n");
  auto daemon = setup.start();
  ASSERT_TRUE(waitUntilListening(*daemon)) << daemon->output();

  auto answer =
      httpRequest("GET",
                  setup.url("/healthz%0a" + forged_stamp +
                            "%20info%20%20api%20ops%20POST%20/api/v1/reload%20-%3E%20200%20(write)%0d%1b%5B2J"),
                  "", {}, 5s);
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->status, 404);
  ASSERT_TRUE(daemon->waitForOutput("GET /healthz%0a" + forged_stamp, 10s)) << daemon->output();
  ASSERT_TRUE(daemon->waitForOutput("\\n" + forged_stamp + " info  connector hr: forged \\x1b[2J.csv", 30s))
      << daemon->output();

  const std::string log = daemon->output();
  for (const auto& line : linesOf(log)) EXPECT_THAT(line, Not(::testing::StartsWith(forged_stamp))) << log;
  EXPECT_EQ(log.find('\x1b'), std::string::npos) << log;
  EXPECT_EQ(log.find('\r'), std::string::npos) << log;
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(30s), 0);
}

// {"comment": 5} and the like are the caller's mistake: 400 naming the field and the type it
// must have, never a 500 carrying the JSON library's exception text.
TEST(DaemonAbuse, BodyFieldsOfTheWrongJsonTypeAre400sNamingTheFieldAndTheTypeExpected) {
  ScratchDir dir;
  AbusedDaemon setup(dir);
  auto daemon = setup.start();
  ASSERT_TRUE(waitUntilListening(*daemon)) << daemon->output();
  const std::vector<std::string> write = {std::string("Authorization: Bearer ") + kWriteToken};
  const std::vector<std::pair<std::string, std::pair<std::string, std::string>>> cases = {
      {"/api/v1/alerts/no-such-alert/ack", {R"({"comment":5})", "comment must be a string, not a number"}},
      {"/api/v1/alerts/no-such-alert/ack", {R"({"by":["me"]})", "by must be a string, not an array"}},
      {"/api/v1/silences",
       {R"({"match":{"rules":"X"},"duration":"1h"})", "match.rules must be an array of strings, not a string"}},
      {"/api/v1/silences",
       {R"({"match":{"units":["u1",7]},"duration":"1h"})", "match.units[1] must be a string, not a number"}},
      {"/api/v1/silences",
       {R"({"match":{"rules":["CHAIN-001"]},"duration":5})", "duration must be a string, not a number"}},
      {"/api/v1/silences",
       {R"({"match":{"rules":["CHAIN-001"]},"duration":"1h","reason":{"why":1}})",
        "reason must be a string, not an object"}},
  };
  for (const auto& [path, body_and_message] : cases) {
    const auto& [body, message] = body_and_message;
    auto answer = httpRequest("POST", setup.url(path), body, write, 10s);
    ASSERT_TRUE(answer.ok()) << answer.error().message;
    EXPECT_EQ(answer->status, 400) << path << " " << body << " -> " << answer->body;
    EXPECT_THAT(answer->body, HasSubstr(message)) << body;
    EXPECT_THAT(answer->body, Not(HasSubstr("json.exception"))) << body;
  }
  auto silenced = httpRequest(
      "POST", setup.url("/api/v1/silences"),
      R"({"match":{"rules":["CHAIN-001"]},"duration":"1h","reason":"maintenance","author":"张三"})", write, 10s);
  ASSERT_TRUE(silenced.ok());
  EXPECT_EQ(silenced->status, 201) << silenced->body;
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(30s), 0);
}

TEST(DaemonAbuse, ConnectionsBeyondApiMaxConnectionsAreAnswered503WithRetryAfter) {
  ScratchDir dir;
  AbusedDaemon setup(dir, "max_connections = 2");
  auto daemon = setup.start();
  ASSERT_TRUE(waitUntilListening(*daemon)) << daemon->output();
  // Accepted in the order they connected: these two take both places.
  auto first = std::make_unique<RawConnection>(setup.port());
  RawConnection second(setup.port());
  ASSERT_TRUE(first->connected() && second.connected());
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  RawConnection third(setup.port());
  const std::string refused = third.exchange(request);
  EXPECT_THAT(refused, HasSubstr("HTTP/1.1 503 Service Unavailable"));
  EXPECT_THAT(refused, HasSubstr("Retry-After: 5"));
  EXPECT_THAT(refused, HasSubstr("api.max_connections"));

  first.reset();  // one place frees when the daemon sees it closed
  std::string answer;
  EXPECT_TRUE(waitFor(
      [&] {
        RawConnection again(setup.port());
        answer = again.exchange(request);
        return answer.find("HTTP/1.1 200 OK") != std::string::npos;
      },
      30s))
      << answer;
  EXPECT_THAT(daemon->output(), HasSubstr("answering 503 to more until some close"));
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(30s), 0);
}

TEST(DaemonAbuse, AnApiMaxConnectionsOutOfRangeIsAConfigurationErrorNamingTheKey) {
  ScratchDir dir;
  AbusedDaemon setup(dir, "max_connections = 0");
  auto [code, out] =
      runToEnd({binary("staffchainctl").string(), "check-config", setup.config().string()}, dir.path() / "check.log");
  EXPECT_EQ(code, 1);
  EXPECT_THAT(out, HasSubstr("api.max_connections: expected an integer from 1 to 65536"));
}

unsigned modeOf(const fs::path& path) {
  struct stat status {};
  if (::lstat(path.c_str(), &status) != 0) return 01000;  // not there: matches no mode asserted
  return status.st_mode & 07777U;
}

// The ledger holds every citizen id in full: whatever umask the daemon is started with, what it
// creates in its state folder is its own. SQLite's -wal and -shm files copy the ledger's mode.
class DaemonStateFiles : public ::testing::TestWithParam<mode_t> {};

TEST_P(DaemonStateFiles, AreCreatedPrivateWhateverTheUmask) {
  ScratchDir dir;
  AbusedDaemon setup(dir);
  dir.write("inbox/hr/deaths.csv", "person_id,died_on,source\n11010519491231002X,2024-03-01,民政局\n");
  const mode_t saved = ::umask(GetParam());
  auto daemon = setup.start();
  ::umask(saved);
  ASSERT_TRUE(daemon->waitForOutput("connector hr: 1 records", 30s)) << daemon->output();

  const fs::path state = dir.path() / "state";
  EXPECT_EQ(modeOf(state), 0700U);
  EXPECT_EQ(modeOf(state / "plugins"), 0700U);
  for (const char* file : {"ledger.db", "ledger.db-wal", "ledger.db-shm"}) {
    EXPECT_EQ(modeOf(state / file), 0600U) << file;
  }
  // Nothing in the state folder is open to anyone else: the core's files are 0600, and what
  // plugins keep lies under plugins/, which only the daemon may enter.
  for (const auto& entry : fs::recursive_directory_iterator(state)) {
    const auto relative = fs::relative(entry.path(), state);
    if (*relative.begin() == "plugins") continue;
    EXPECT_EQ(modeOf(entry.path()) & 077U, 0U) << relative << " is " << std::oct << modeOf(entry.path());
  }
  // The csv plugin's books (which files were applied) are its state too: 0600 themselves.
  std::vector<fs::path> books;
  ASSERT_TRUE(waitFor(
      [&] {
        books.clear();
        for (const auto& entry : fs::recursive_directory_iterator(state / "plugins")) {
          if (entry.path().extension() == ".tsv") books.push_back(entry.path());
        }
        return !books.empty();
      },
      30s));
  for (const auto& book : books) EXPECT_EQ(modeOf(book), 0600U) << book;
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(30s), 0);
}

INSTANTIATE_TEST_SUITE_P(Umask, DaemonStateFiles, ::testing::Values(mode_t{0}, mode_t{022}),
                         [](const ::testing::TestParamInfo<mode_t>& param) {
                           return fmt::format("Umask{:03o}", param.param);
                         });

}  // namespace
}  // namespace staffchain::testing
