#include "peer_postgres.hpp"

#include <fmt/format.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "peer.hpp"

namespace staffchain::testing {
namespace {

constexpr const char* kServerUser = "postgres";
constexpr auto kInitLimit = std::chrono::seconds(120);
constexpr auto kStartLimit = std::chrono::seconds(60);
constexpr auto kStopGrace = std::chrono::seconds(30);
constexpr auto kQueryLimit = std::chrono::seconds(60);

// As root, the cluster folder must belong to the server user; otherwise the test's own user runs it.
std::string serverUser() {
  return geteuid() == 0 ? std::string(kServerUser) : std::string();
}

Result<void> giveToServerUser(const std::filesystem::path& folder) {
  if (geteuid() != 0) return {};
  const passwd* user = getpwnam(kServerUser);
  if (user == nullptr) {
    return makeError(fmt::format("cannot prepare {} for PostgreSQL: no '{}' user on this machine ({})", folder.string(),
                                 kServerUser, kPeerInstallHint));
  }
  if (chown(folder.c_str(), user->pw_uid, user->pw_gid) != 0) {
    return makeError(fmt::format("cannot give {} to user '{}': chown failed", folder.string(), kServerUser));
  }
  return {};
}

}  // namespace

Result<std::filesystem::path> postgresBinDir() {
  const std::filesystem::path root("/usr/lib/postgresql");
  std::filesystem::path best;
  int bestVersion = -1;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(root, error)) {
    const auto name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const int version = std::stoi(name);
    if (version > bestVersion && access((entry.path() / "bin" / "postgres").c_str(), X_OK) == 0) {
      bestVersion = version;
      best = entry.path() / "bin";
    }
  }
  if (bestVersion < 0) {
    return makeError(fmt::format("PostgreSQL server is missing: no {}/<version>/bin/postgres ({})", root.string(),
                                 kPeerInstallHint));
  }
  return best;
}

Result<std::unique_ptr<PostgresPeer>> PostgresPeer::start() {
  auto binDir = postgresBinDir();
  if (!binDir) return std::move(binDir).error();
  for (const char* tool : {"initdb", "psql"}) {
    auto found = requireExecutable(*binDir / tool, std::string("PostgreSQL's ") + tool);
    if (!found) return std::move(found).error();
  }
  return startOnFreePort([&](std::uint16_t port) { return startOn(port, *binDir); });
}

Result<std::unique_ptr<PostgresPeer>> PostgresPeer::startOn(std::uint16_t port, const std::filesystem::path& binDir) {
  auto scratch = std::make_unique<ScratchDir>();
  const auto home = scratch->path() / "pg";
  std::filesystem::create_directories(home);
  if (auto given = giveToServerUser(home); !given) return std::move(given).error();
  const auto data = home / "data";

  auto init = runCommand({(binDir / "initdb").string(), "-D", data.string(), "-U", kServerUser, "-A", "trust",
                          "--no-locale", "-E", "UTF8", "--no-sync", "--no-instructions"},
                         {.log = scratch->path() / "initdb.log", .workdir = home, .runAs = serverUser()}, kInitLimit);
  if (!init) return std::move(init).error();
  if (init->exitCode != 0) {
    return makeError(fmt::format("initdb of a PostgreSQL cluster in {} failed with exit code {}: {}", data.string(),
                                 init->exitCode, init->output));
  }

  auto process = PeerProcess::start(
      {(binDir / "postgres").string(), "-D", data.string(), "-p", std::to_string(port), "-k", home.string(), "-c",
       "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"},
      {.log = scratch->path() / "postgres.log", .workdir = home, .runAs = serverUser()});
  if (!process) return std::move(process).error();
  auto ready = waitUntilReady(
      fmt::format("PostgreSQL on 127.0.0.1:{}", port), *process,
      [&] { return process->output().find("ready to accept connections") != std::string::npos; }, kStartLimit);
  if (!ready) return std::move(ready).error();
  return std::unique_ptr<PostgresPeer>(new PostgresPeer(std::move(scratch), binDir, port, std::move(process).value()));
}

PostgresPeer::~PostgresPeer() {
  (void)stop();
}

std::string PostgresPeer::connectionString(const std::string& database) const {
  return fmt::format("host=127.0.0.1 port={} user={} dbname={} connect_timeout=10", port_, kServerUser, database);
}

std::string PostgresPeer::url(const std::string& database) const {
  return fmt::format("postgresql://{}@127.0.0.1:{}/{}", kServerUser, port_, database);
}

Result<std::string> PostgresPeer::sql(const std::string& statements, const std::string& database) {
  ++queries_;
  const auto script = scratch_->write(fmt::format("query-{}.sql", queries_), statements);
  auto run =
      runCommand({(binDir_ / "psql").string(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                  std::to_string(port_), "-U", kServerUser, "-d", database, "-f", script.string()},
                 {.log = scratch_->path() / fmt::format("query-{}.log", queries_),
                  .env = {{"PGCONNECT_TIMEOUT", "10"}, {"PGOPTIONS", "-c client_min_messages=warning"}}},
                 kQueryLimit);
  if (!run) return std::move(run).error();
  if (run->exitCode != 0) {
    return makeError(fmt::format("psql on 127.0.0.1:{}/{} failed with exit code {}: {}", port_, database, run->exitCode,
                                 run->output));
  }
  return run->output;
}

Result<void> PostgresPeer::stop() {
  if (!process_.running()) return {};
  const int code = process_.stop(SIGINT, kStopGrace);
  if (code != 0) {
    return makeError(fmt::format("PostgreSQL on 127.0.0.1:{} (pid {}) did not stop cleanly on SIGINT: exit {}", port_,
                                 process_.pid(), code));
  }
  return {};
}

}  // namespace staffchain::testing
