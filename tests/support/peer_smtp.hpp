// SmtpPeer: an aiosmtpd SMTP receiver that files every message it accepts into a Maildir.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "peer_process.hpp"
#include "scratch_dir.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::testing {

// Plain SMTP, no TLS and no authentication, on a free loopback port.
class SmtpPeer {
 public:
  static Result<std::unique_ptr<SmtpPeer>> start();
  ~SmtpPeer();
  SmtpPeer(const SmtpPeer&) = delete;
  SmtpPeer& operator=(const SmtpPeer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] pid_t pid() const { return process_.pid(); }
  [[nodiscard]] std::string url() const;  // smtp://127.0.0.1:PORT
  [[nodiscard]] std::filesystem::path maildir() const { return scratch_->path() / "maildir"; }

  // The raw messages received so far (headers and body as stored), oldest first.
  [[nodiscard]] std::vector<std::string> messages() const;
  // Waits until at least `count` messages arrived; an error naming how many did after `limit`.
  Result<std::vector<std::string>> waitForMessages(std::size_t count, std::chrono::milliseconds limit) const;

  // Sends one raw RFC 5322 message with libcurl, for tests of the receiving side.
  Result<void> send(const std::string& from, const std::vector<std::string>& to, const std::string& message) const;

  Result<void> stop();

 private:
  SmtpPeer(std::unique_ptr<ScratchDir> scratch, std::uint16_t port, PeerProcess process)
      : scratch_(std::move(scratch)), port_(port), process_(std::move(process)) {}

  std::unique_ptr<ScratchDir> scratch_;
  std::uint16_t port_;
  PeerProcess process_;
};

}  // namespace staffchain::testing
