// JsonServerPeer: json-server 0.17 as a paginated REST peer, on a free loopback port.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "peer_process.hpp"
#include "scratch_dir.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::testing {

struct JsonServerOptions {
  // The database: a fixture file, copied so the server's writes (it rewrites the file on POST,
  // PUT, PATCH, DELETE) never touch the fixture; or, when `fixture` is empty, JSON text.
  std::filesystem::path fixture{};
  std::string db{};
  std::optional<std::chrono::milliseconds> delay{};  // --delay: every answer waits this long
  std::filesystem::path staticDir{};                 // --static: files served as they are
};

// GET /<resource>?_page=2&_limit=3 answers with X-Total-Count and a Link header.
class JsonServerPeer {
 public:
  static Result<std::unique_ptr<JsonServerPeer>> start(const JsonServerOptions& options);
  ~JsonServerPeer();
  JsonServerPeer(const JsonServerPeer&) = delete;
  JsonServerPeer& operator=(const JsonServerPeer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] pid_t pid() const { return process_.pid(); }
  [[nodiscard]] std::string url() const;  // http://127.0.0.1:PORT, no trailing slash
  // The per-test copy the server reads and rewrites.
  [[nodiscard]] std::filesystem::path dbPath() const { return scratch_->path() / "db.json"; }

  Result<void> stop();

 private:
  JsonServerPeer(std::unique_ptr<ScratchDir> scratch, std::uint16_t port, PeerProcess process)
      : scratch_(std::move(scratch)), port_(port), process_(std::move(process)) {}

  std::unique_ptr<ScratchDir> scratch_;
  std::uint16_t port_;
  PeerProcess process_;
};

}  // namespace staffchain::testing
