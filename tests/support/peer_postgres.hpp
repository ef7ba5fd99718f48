// PostgresPeer: a throwaway PostgreSQL server for one test, on a free loopback port.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "peer_process.hpp"
#include "scratch_dir.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::testing {

// A fresh cluster (initdb, trust authentication for user "postgres", UTF8, no locale) in its
// own scratch folder. The postmaster runs as a direct child of the test, not daemonised by
// pg_ctl, so the test owns its pid; SIGINT is the same fast shutdown `pg_ctl stop -m fast` sends.
// As root the cluster runs as the "postgres" user, because PostgreSQL refuses root.
class PostgresPeer {
 public:
  static Result<std::unique_ptr<PostgresPeer>> start();
  ~PostgresPeer();
  PostgresPeer(const PostgresPeer&) = delete;
  PostgresPeer& operator=(const PostgresPeer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] pid_t pid() const { return process_.pid(); }
  // A libpq connection string and URL for `database` as user postgres over TCP.
  [[nodiscard]] std::string connectionString(const std::string& database = "postgres") const;
  [[nodiscard]] std::string url(const std::string& database = "postgres") const;

  // Runs SQL through psql (unaligned, tuples only, stop on the first error) and returns what
  // it printed: one line per row, columns separated by '|'.
  Result<std::string> sql(const std::string& statements, const std::string& database = "postgres");

  // Fast shutdown; an error when it had to be killed or did not exit cleanly.
  Result<void> stop();

 private:
  PostgresPeer(std::unique_ptr<ScratchDir> scratch, std::filesystem::path binDir, std::uint16_t port,
               PeerProcess process)
      : scratch_(std::move(scratch)), binDir_(std::move(binDir)), port_(port), process_(std::move(process)) {}
  static Result<std::unique_ptr<PostgresPeer>> startOn(std::uint16_t port, const std::filesystem::path& binDir);

  std::unique_ptr<ScratchDir> scratch_;
  std::filesystem::path binDir_;
  std::uint16_t port_;
  PeerProcess process_;
  int queries_ = 0;
};

// The bin folder of the newest PostgreSQL server installed (/usr/lib/postgresql/N/bin).
Result<std::filesystem::path> postgresBinDir();

}  // namespace staffchain::testing
