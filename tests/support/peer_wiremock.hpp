// WireMockPeer: the WireMock standalone jar as a webhook receiver with fault injection.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "peer_process.hpp"
#include "scratch_dir.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::testing {

// Runs the jar the npm package bundles with java directly: killing the npm wrapper would
// leave java running, and the test must own the pid of the server itself.
class WireMockPeer {
 public:
  static Result<std::unique_ptr<WireMockPeer>> start();
  ~WireMockPeer();
  WireMockPeer(const WireMockPeer&) = delete;
  WireMockPeer& operator=(const WireMockPeer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] pid_t pid() const { return process_.pid(); }
  [[nodiscard]] std::string url() const;  // http://127.0.0.1:PORT, no trailing slash

  // POST /__admin/mappings: one stub (request, response, and optionally a scenario); returns
  // the stored mapping.
  Result<nlohmann::json> addMapping(const nlohmann::json& mapping);
  // POST /__admin/requests/find: the requests the server received that match `pattern`
  // (e.g. {"method": "POST", "url": "/hook"}), oldest first.
  Result<nlohmann::json> findRequests(const nlohmann::json& pattern);
  // POST /__admin/reset: forgets stubs, scenarios' states and received requests.
  Result<void> reset();

  // POST /__admin/shutdown, then waits for the pid; SIGKILL when it does not go.
  Result<void> stop();

 private:
  WireMockPeer(std::unique_ptr<ScratchDir> scratch, std::uint16_t port, PeerProcess process)
      : scratch_(std::move(scratch)), port_(port), process_(std::move(process)) {}
  Result<nlohmann::json> admin(const std::string& path, const nlohmann::json& body, long expected);

  std::unique_ptr<ScratchDir> scratch_;
  std::uint16_t port_;
  PeerProcess process_;
};

// The wiremock-standalone-*.jar inside the installed npm package.
Result<std::filesystem::path> wireMockJar();

}  // namespace staffchain::testing
