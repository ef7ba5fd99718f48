// Shared pieces of the real-peer test harness: loopback ports, readiness checks, HTTP calls and
// the location of the installed peers. Every peer listens on 127.0.0.1 only.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "peer_process.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::testing {

// What to tell whoever sees a peer missing: the test command installs every peer, so a missing
// one means a broken install, and the test fails instead of skipping.
inline constexpr const char* kPeerInstallHint = "install the test peers with ./scripts/install-deps.sh --test";

// A port nobody listens on right now (bind 127.0.0.1:0, read it back, close).
Result<std::uint16_t> freeLoopbackPort();

// True once a TCP connection to 127.0.0.1:port succeeds, false after `limit`.
bool waitForTcp(std::uint16_t port, std::chrono::milliseconds limit);

// Polls `ready` every 50 ms until it holds; fails when `limit` passes or `process` ends first,
// with the process's output in the message.
Result<void> waitUntilReady(const std::string& what, PeerProcess& process, const std::function<bool()>& ready,
                            std::chrono::milliseconds limit);

struct HttpResponse {
  long status = 0;
  std::string body;
  std::multimap<std::string, std::string> headers;  // names in lower case

  // The first value of a header (name in any case), empty when it is absent.
  [[nodiscard]] std::string header(const std::string& name) const;
};

// One HTTP request with libcurl, never through a proxy; a transport failure is an error, any
// HTTP status is a response.
Result<HttpResponse> httpRequest(const std::string& method, const std::string& url, const std::string& body = {},
                                 const std::vector<std::string>& headers = {},
                                 std::chrono::milliseconds limit = std::chrono::seconds(10));

// True when a peer's failure output says its port was taken (by a race after freeLoopbackPort).
bool mentionsPortInUse(const std::string& text);

// Picks a free port and calls `launch(port)`; picks another port, up to three times, when the
// peer failed because something else took the port in between.
template <typename Launch>
auto startOnFreePort(Launch launch) -> decltype(launch(std::uint16_t{})) {
  for (int attempt = 1;; ++attempt) {
    auto port = freeLoopbackPort();
    if (!port) return std::move(port).error();
    auto peer = launch(*port);
    if (peer || attempt == 3 || !mentionsPortInUse(peer.error().message)) return peer;
  }
}

// The folder holding the Node.js peers and their node_modules, in the source tree.
std::filesystem::path peersDir();

// `path` when it is an executable file; otherwise an error naming `what` and the install hint.
Result<std::filesystem::path> requireExecutable(const std::filesystem::path& path, const std::string& what);
// `path` when it exists; otherwise an error naming `what` and the install hint.
Result<std::filesystem::path> requireFile(const std::filesystem::path& path, const std::string& what);
// The first executable `name` on PATH, then in /usr/bin; an error with the install hint otherwise.
Result<std::filesystem::path> findProgram(const std::string& name);

}  // namespace staffchain::testing
