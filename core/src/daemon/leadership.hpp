// Leadership, one of the daemon's parts: active/standby on a PostgreSQL store. It holds the
// store's lease (store/lease.hpp) while this daemon is the active one, renewing it on the
// daemon's loop, and says when it is lost; while another daemon holds it, it waits as the
// standby, trying again on a timer, and answers health, readiness, metrics and the store's
// status on the API's address meanwhile.
//
// The lease holds for two thirds of failover_after and is renewed every sixth of it, on a thread
// of its own with a connection of its own (a long load of the ledger or a large batch on the
// loop must not let it lapse); a standby tries every sixth too: a standby takes over at most
// five sixths of failover_after after the active one last renewed.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "staffchain/api/api_server.hpp"
#include "staffchain/api/prometheus_writer.hpp"
#include "staffchain/config/config.hpp"
#include "staffchain/daemon/scheduler.hpp"
#include "staffchain/store/lease.hpp"

namespace boost::asio {
class io_context;
}

namespace staffchain::daemon {

class Leadership {
 public:
  struct Hooks {
    // The standby took the lease under `term`: open the store fenced by it and start working.
    std::function<void(std::int64_t term)> acquired;
    // The active daemon lost the lease (another took it over, or the store could not be reached
    // for as long as the lease holds): it must stop at once, writing nothing more.
    std::function<void(const std::string& why)> lost;
  };

  Leadership(boost::asio::io_context& io, Scheduler& scheduler, Hooks hooks);
  ~Leadership();
  Leadership(const Leadership&) = delete;
  Leadership& operator=(const Leadership&) = delete;
  Leadership(Leadership&&) = delete;
  Leadership& operator=(Leadership&&) = delete;

  // Opens the lease and tries once: the term when this daemon is the active one now.
  Result<std::optional<std::int64_t>> open(const store::PostgresTarget& target, const config::StoreSettings& settings);
  // Waits as the standby: the standby API on [api] listen (when the API is on), a try every
  // sixth of failover_after. Hooks::acquired runs when the lease is taken.
  bool waitAsStandby(const config::Config& config);
  // The active daemon renews its lease from now on; Hooks::lost runs on the loop when it cannot.
  void keepRenewing();
  // Puts the fence on every table of the store (after each part created its own).
  Result<void> fenceTables();
  // Gives the lease up (a clean stop): a standby takes over at its next try.
  void release() noexcept;
  void stop();

  [[nodiscard]] bool enabled() const noexcept { return lease_ != nullptr; }
  [[nodiscard]] bool active() const noexcept { return term_.load() != 0; }
  [[nodiscard]] std::int64_t term() const noexcept { return term_.load(); }
  // {"backend", "instance", "role", "term", "holder", "holder_term", "expires_at", "members": [...]},
  // times in `zone` with their offset, as the API shows every time.
  [[nodiscard]] nlohmann::json status(const model::TimeZone& zone) const;
  void metrics(api::PrometheusWriter& out) const;

 private:
  void tryAsStandby();
  // One renewal, on the renewing thread; false when the lease is lost (Hooks::lost posted).
  bool renewOnce(std::chrono::steady_clock::time_point& last_renewed);
  [[nodiscard]] std::chrono::milliseconds every() const;
  void startStandbyApi(const config::Config& config);

  boost::asio::io_context& io_;
  Scheduler& scheduler_;
  Hooks hooks_;
  mutable std::mutex lease_mutex_;  // the lease's connection: the renewing thread's and the API's
  std::unique_ptr<store::Lease> lease_;
  std::chrono::milliseconds failover_after_{30'000};
  std::atomic<std::int64_t> term_{0};  // 0: not the active daemon
  std::unique_ptr<Timer> timer_;
  std::jthread renewer_;
  std::unique_ptr<api::ApiServer> standby_api_;
  model::TimeZone zone_;  // the standby API's, from the configuration it started with
};

}  // namespace staffchain::daemon
