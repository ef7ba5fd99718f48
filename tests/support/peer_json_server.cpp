#include "peer_json_server.hpp"

#include <fmt/format.h>
#include <signal.h>

#include "peer.hpp"

namespace staffchain::testing {
namespace {

constexpr auto kStartLimit = std::chrono::seconds(30);
constexpr auto kStopGrace = std::chrono::seconds(10);

}  // namespace

Result<std::unique_ptr<JsonServerPeer>> JsonServerPeer::start(const JsonServerOptions& options) {
  auto node = findProgram("node");
  if (!node) return std::move(node).error();
  auto cli = requireFile(peersDir() / "node_modules" / "json-server" / "lib" / "cli" / "bin.js", "json-server");
  if (!cli) return std::move(cli).error();

  auto scratch = std::make_unique<ScratchDir>();
  const auto db = scratch->path() / "db.json";
  if (!options.fixture.empty()) {
    std::error_code error;
    std::filesystem::copy_file(options.fixture, db, error);
    if (error) {
      return makeError(
          fmt::format("cannot copy the json-server fixture {}: {}", options.fixture.string(), error.message()));
    }
  } else {
    scratch->write("db.json", options.db.empty() ? std::string("{}") : options.db);
  }
  // json-server serves ./public when it exists; an empty working folder keeps it from
  // serving anything the test did not ask for.
  const auto workdir = scratch->path() / "work";
  std::filesystem::create_directories(workdir);

  auto launch = [&](std::uint16_t port) -> Result<std::unique_ptr<JsonServerPeer>> {
    std::vector<std::string> argv{node->string(), cli->string(),        "--host", "127.0.0.1",
                                  "--port",       std::to_string(port), "--quiet"};
    if (options.delay) {
      argv.insert(argv.end(), {"--delay", std::to_string(options.delay->count())});
    }
    if (!options.staticDir.empty()) argv.insert(argv.end(), {"--static", options.staticDir.string()});
    argv.push_back(db.string());
    auto process = PeerProcess::start(
        argv, {.log = scratch->path() / fmt::format("json-server-{}.log", port), .workdir = workdir});
    if (!process) return std::move(process).error();
    const auto url = fmt::format("http://127.0.0.1:{}/db", port);
    auto ready = waitUntilReady(
        fmt::format("json-server on 127.0.0.1:{}", port), *process,
        [&] {
          auto answer = httpRequest("GET", url, {}, {},
                                    std::chrono::seconds(2) + options.delay.value_or(std::chrono::milliseconds(0)));
          return answer && answer->status == 200;
        },
        kStartLimit + options.delay.value_or(std::chrono::milliseconds(0)) * 10);
    if (!ready) return std::move(ready).error();
    return std::unique_ptr<JsonServerPeer>(new JsonServerPeer(std::move(scratch), port, std::move(process).value()));
  };
  return startOnFreePort(launch);
}

JsonServerPeer::~JsonServerPeer() {
  (void)stop();
}

std::string JsonServerPeer::url() const {
  return fmt::format("http://127.0.0.1:{}", port_);
}

Result<void> JsonServerPeer::stop() {
  if (!process_.running()) return {};
  const int code = process_.stop(SIGTERM, kStopGrace);
  if (code != 0 && code != -SIGTERM) {
    return makeError(fmt::format("json-server on 127.0.0.1:{} (pid {}) did not stop on SIGTERM: exit {}", port_,
                                 process_.pid(), code));
  }
  return {};
}

}  // namespace staffchain::testing
