// ScimPeer: the SCIM 2.0 test server (tests/peers/scim_server.js) with an in-memory Users store.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "peer_process.hpp"
#include "scratch_dir.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::testing {

struct ScimOptions {
  // The seed users: a JSON array of SCIM User objects. A user without meta.lastModified gets
  // the start time; changes through the API always get a later one.
  std::string users = "[]";
  std::string bearerToken{};  // when set, every request must carry "Authorization: Bearer TOKEN"
};

// Serves /scim/v2/Users (ListResponse with filter, startIndex, count, sortBy; POST, PUT, PATCH,
// DELETE), /scim/v2/ServiceProviderConfig, /Schemas and /ResourceTypes.
class ScimPeer {
 public:
  static Result<std::unique_ptr<ScimPeer>> start(const ScimOptions& options);
  ~ScimPeer();
  ScimPeer(const ScimPeer&) = delete;
  ScimPeer& operator=(const ScimPeer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] pid_t pid() const { return process_.pid(); }
  [[nodiscard]] std::string url() const;  // http://127.0.0.1:PORT/scim/v2, no trailing slash

  Result<void> stop();

 private:
  ScimPeer(std::unique_ptr<ScratchDir> scratch, std::uint16_t port, PeerProcess process)
      : scratch_(std::move(scratch)), port_(port), process_(std::move(process)) {}

  std::unique_ptr<ScratchDir> scratch_;
  std::uint16_t port_;
  PeerProcess process_;
};

}  // namespace staffchain::testing
