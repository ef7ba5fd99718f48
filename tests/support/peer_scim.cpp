#include "peer_scim.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <chrono>

#include "peer.hpp"

namespace staffchain::testing {
namespace {

constexpr auto kStartLimit = std::chrono::seconds(30);
constexpr auto kStopGrace = std::chrono::seconds(10);

}  // namespace

Result<std::unique_ptr<ScimPeer>> ScimPeer::start(const ScimOptions& options) {
  auto node = findProgram("node");
  if (!node) return std::move(node).error();
  auto script = requireFile(peersDir() / "scim_server.js", "the SCIM test server");
  if (!script) return std::move(script).error();
  auto routers = requireFile(peersDir() / "node_modules" / "scimmy-routers" / "package.json", "scimmy-routers");
  if (!routers) return std::move(routers).error();

  auto scratch = std::make_unique<ScratchDir>();
  const auto users = scratch->write("users.json", options.users);
  std::vector<std::string> headers;
  if (!options.bearerToken.empty()) headers.push_back("Authorization: Bearer " + options.bearerToken);

  auto launch = [&](std::uint16_t port) -> Result<std::unique_ptr<ScimPeer>> {
    std::vector<std::string> argv{node->string(),       script->string(), "--port",
                                  std::to_string(port), "--users",        users.string()};
    if (!options.bearerToken.empty()) argv.insert(argv.end(), {"--token", options.bearerToken});
    auto process =
        PeerProcess::start(argv, {.log = scratch->path() / fmt::format("scim-{}.log", port), .workdir = peersDir()});
    if (!process) return std::move(process).error();
    const auto url = fmt::format("http://127.0.0.1:{}/scim/v2/ServiceProviderConfig", port);
    auto ready = waitUntilReady(
        fmt::format("SCIM server on 127.0.0.1:{}", port), *process,
        [&] {
          auto answer = httpRequest("GET", url, {}, headers, std::chrono::seconds(2));
          return answer && answer->status == 200;
        },
        kStartLimit);
    if (!ready) return std::move(ready).error();
    return std::unique_ptr<ScimPeer>(new ScimPeer(std::move(scratch), port, std::move(process).value()));
  };
  return startOnFreePort(launch);
}

ScimPeer::~ScimPeer() {
  (void)stop();
}

std::string ScimPeer::url() const {
  return fmt::format("http://127.0.0.1:{}/scim/v2", port_);
}

Result<void> ScimPeer::stop() {
  if (!process_.running()) return {};
  const int code = process_.stop(SIGTERM, kStopGrace);
  if (code != 0) {
    return makeError(fmt::format("SCIM server on 127.0.0.1:{} (pid {}) did not stop cleanly on SIGTERM: exit {}", port_,
                                 process_.pid(), code));
  }
  return {};
}

}  // namespace staffchain::testing
